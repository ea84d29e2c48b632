/**
 * Starting the COP as `triwatch demo` does: operators from config/operators.yaml, the scenario list,
 * agreement statuses from the policy, the web app (built when missing or older than its sources), the
 * basemap from geodata/, listening on a port, the first exercise prepared with progress, and a clean
 * stop on SIGINT/SIGTERM. The exercise runner is passed in (src/exercise's runExercise).
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadProject, PROJECT_ROOT } from "../config/project.ts";
import { OPERATIVE_STATUSES } from "../model/agreement.ts";
import { isoUtc } from "../model/time.ts";
import type { Policy } from "../policy/policy.ts";
import { intervalAt } from "../policy/status.ts";
import { loadScenarioFile } from "../sim/scenario-file.ts";
import { buildServer, type CopServer } from "./app.ts";
import { TokenFileAuthenticator } from "./auth.ts";
import type { ExerciseRequest, ExerciseRunner, Progress } from "./session.ts";
import type { WhatIfRunner } from "./whatif.ts";

/** Where the web app's sources and build live. */
export const WEB_ROOT = join(PROJECT_ROOT, "web");
export const WEB_DIST = join(WEB_ROOT, "dist");
export const OPERATORS_FILE = join(PROJECT_ROOT, "config", "operators.yaml");

/** Options of `startCop`. */
export interface StartOptions {
  runner: ExerciseRunner;
  /** Runs the exercises of a what-if comparison (POST /api/whatif); without it the API answers 501. */
  whatifRunner?: WhatIfRunner;
  request: ExerciseRequest;
  port: number;
  host?: string;
  speed: number;
  loop: boolean;
  operatorsFile?: string;
  /** Progress and messages for the person at the terminal. */
  say: (text: string) => void;
  /** The same moments as structured events, for machines (`triwatch demo --json`). */
  emit?: (event: CopStartEvent) => void;
  /** Agreement statuses under a variant at a time (default: the project's policy for `actual` only). */
  agreementsAt?: (
    variantId: string,
    ms: number,
  ) => ReturnType<ReturnType<typeof policyAgreements>> | undefined;
  /** Log level of the structured (pino) logs on stdout; "silent" for none. */
  logLevel?: string;
}

/** What `startCop` reports as it goes, for machines. */
export type CopStartEvent =
  | { event: "building-web-app" }
  | { event: "progress"; scenario: string; phase: string; done: number; total: number }
  | {
      event: "listening";
      url: string;
      openapi: string;
      metrics: string;
      operators: { token: string; name: string }[];
    }
  | { event: "ready"; scenario: string; speed: number; loop: boolean }
  | { event: "stopping"; signal: string }
  | { event: "error"; message: string };

/** Scenario ids and titles of scenarios/. */
export function scenarioList(dir = join(PROJECT_ROOT, "scenarios")): { id: string; title: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => {
      const r = loadScenarioFile(join(dir, f));
      return r.ok ? [{ id: r.value.id, title: r.value.title }] : [];
    });
}

/** Agreement statuses at a time, from the policy (what `triwatch agreements status` prints). */
export function policyAgreements(policy: Policy, titles: Map<string, string>) {
  return (at: number) =>
    policy.agreements.map((c) => {
      const iv = intervalAt(c.timeline, at);
      return {
        id: c.agreement.id,
        title: titles.get(c.agreement.id) ?? c.agreement.id,
        status: iv.status,
        operative: OPERATIVE_STATUSES.has(iv.status),
        since: Number.isFinite(iv.from) ? isoUtc(iv.from) : null,
        detail: iv.cause,
      };
    });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === "dist" || name.startsWith(".dist-") || name === "node_modules") continue;
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** Builds web/dist with Vite when it is missing or older than web/'s sources. */
export async function ensureWebBuilt(say: (text: string) => void): Promise<void> {
  const index = join(WEB_DIST, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB_ROOT)) return;
  say("Building the web app (web/ → web/dist, once)…");
  const { build } = await import("vite");
  // Build beside it and swap, so a server already serving web/dist never sees half a build.
  const tmp = join(WEB_ROOT, `.dist-${process.pid}-${Date.now()}`);
  try {
    await build({ configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn", build: { outDir: tmp } });
    rmSync(WEB_DIST, { recursive: true, force: true });
    renameSync(tmp, WEB_DIST);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Starts the COP; resolves with the server and its URL once listening (the exercise may still prepare). */
export async function startCop(o: StartOptions): Promise<{
  server: CopServer;
  url: string;
  ready: Promise<void>;
  /** Stops as a signal would (closes the server and the exercise). */
  stop: (why: string) => void;
  stopped: Promise<void>;
}> {
  const { schemes, agreements, policy } = loadProject();
  const auth = TokenFileAuthenticator.fromFile(o.operatorsFile ?? OPERATORS_FILE, schemes);
  const emit = o.emit ?? (() => {});
  await ensureWebBuilt((text) => {
    o.say(text);
    emit({ event: "building-web-app" });
  });
  let lastShown = "";
  const server = await buildServer({
    authenticator: auth,
    runner: (opts) =>
      o.runner({
        ...opts,
        onProgress: (p: Progress) => {
          opts.onProgress?.(p);
          // One line per phase and per tenth of it: enough to see it move, not a flood.
          const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 0;
          const key = `${p.phase}|${tenth}`;
          if (key === lastShown) return;
          lastShown = key;
          o.say(`preparing ${opts.scenarioId}: ${p.phase} ${p.done}/${p.total}`);
          emit({
            event: "progress",
            scenario: opts.scenarioId,
            phase: p.phase,
            done: p.done,
            total: p.total,
          });
        },
      }),
    ...(o.whatifRunner ? { whatifRunner: o.whatifRunner } : {}),
    initial: o.request,
    scenarios: scenarioList(),
    speed: o.speed,
    loop: o.loop,
    agreementsAt:
      o.agreementsAt ??
      ((variant, at) =>
        variant === "actual"
          ? policyAgreements(policy, new Map(agreements.map((a) => [a.id, a.title])))(at)
          : undefined),
    webDist: WEB_DIST,
    basemapDir: join(PROJECT_ROOT, "geodata"),
    logger: o.logLevel === "silent" ? false : { level: o.logLevel ?? "warn" },
  });
  const url = await server.app.listen({ host: o.host ?? "127.0.0.1", port: o.port });
  const shown = url.replace("127.0.0.1", "localhost");
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    o.say(`\n${signal}: stopping…`);
    emit({ event: "stopping", signal });
    server
      .close()
      .catch((e) => {
        const message = `error while stopping: ${e instanceof Error ? e.message : String(e)}`;
        o.say(message);
        emit({ event: "error", message });
      })
      .finally(() => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
        resolveStopped();
      });
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  // Announced only once Ctrl-C is handled: a client that reads the URL and signals at once gets a clean
  // stop, not the default signal death.
  o.say(`\nTriwatch COP: ${shown}\n`);
  const logins = auth.publishedLogins();
  if (logins.length > 0) {
    o.say("Demo operators (choose one on the login screen, or send `Authorization: Bearer <token>`):");
    for (const l of logins) o.say(`  ${l.token.padEnd(18)} ${l.operator.name}`);
    o.say("");
  }
  o.say(`API: ${shown}/api/openapi.json · metrics: ${shown}/metrics · Ctrl-C stops`);
  emit({
    event: "listening",
    url: shown,
    openapi: `${shown}/api/openapi.json`,
    metrics: `${shown}/metrics`,
    operators: logins.map((l) => ({ token: l.token, name: l.operator.name })),
  });

  const ready = server.ready().then(() => {
    o.say(`ready: ${o.request.scenarioId} replaying at ${o.speed}× (${o.loop ? "looping" : "once"})`);
    emit({ event: "ready", scenario: o.request.scenarioId, speed: o.speed, loop: o.loop });
  });
  return { server, url: shown, ready, stop, stopped };
}
