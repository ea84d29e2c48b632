// Five nodes as five processes (`triwatch node --config SITE`) over a generated nats-server (an account
// per nation, random ports) with their stores in PostgreSQL: ROK releases a track and reports; JSDF and
// USFK receive what the agreements allow and nothing else; heads flow between partners; all stop cleanly.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsServer } from "../src/adapters/nats/server.ts";
import { DEFAULT_POSTGRES_URL, postgresConnection } from "../src/adapters/postgres/postgres-store.ts";
import { initNodeKeys } from "../src/config/key-files.ts";
import { PROJECT_ROOT } from "../src/config/project.ts";
import { type Item, shiftTrackTimes, type TrackReport } from "../src/model/item.ts";
import type { SiteEvent } from "../src/node/site.ts";
import { example, project, t, trackExample } from "./helpers/policy.ts";

const URL = process.env.TRIWATCH_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
const ROK = "ROK_KTMO_CELL";
const USFK = "USFK_TMO_CELL";
const JSDF = "JSDF";
const suffix = randomBytes(4).toString("hex");
const { topology } = project();
const ids = topology.nodes.map((n) => n.id);
const schemaOf = (id: string) => `tw_proc_${id.toLowerCase()}_${suffix}`;

interface Proc {
  child: ChildProcess;
  events: SiteEvent[];
  exited: Promise<number | null>;
  send: (command: unknown) => void;
}
let server: NatsServer;
let dir: string;
let admin: pg.Client;
const procs = new Map<string, Proc>();

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) {
      const show = (e: SiteEvent) =>
        e.event === "rejected" || e.event === "error" ? JSON.stringify(e) : e.event;
      const seen = [...procs].map(([id, p]) => `${id}: ${p.events.map(show).join(",")}`);
      throw new Error(`timed out waiting for ${what}\n${seen.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
const proc = (id: string) => procs.get(id) as Proc;
const received = (id: string) => proc(id).events.flatMap((e) => (e.event === "received" ? [e] : []));

/** The item with every time moved so that `asOf` is `at` (the real-time mechanism checks its window). */
function trackAt(at: number): TrackReport {
  const base = trackExample("rok-track-report");
  return { ...shiftTrackTimes(base, at - t(base.asOf)), id: `KOR-TR-PROC-${suffix}` };
}

beforeAll(async () => {
  admin = new pg.Client(postgresConnection(URL));
  await admin.connect();
  server = await NatsServer.start({ topology });
  dir = mkdtempSync(join(tmpdir(), "triwatch-sites-"));
  const keys = await initNodeKeys(join(dir, "keys"), ids);
  if (!keys.ok) throw new Error(keys.message);
  for (const id of ids) {
    const site = {
      node: id,
      keys: "keys",
      store: { postgres: URL, schema: schemaOf(id) },
      nats: { servers: [server.url], user: id, password: server.credentials(id).pass, ackWaitMs: 2000 },
      treeHeadIntervalMs: 1000,
      linkRetryMs: 500,
    };
    const file = join(dir, `${id}.yaml`);
    writeFileSync(file, JSON.stringify(site, null, 2)); // JSON is YAML
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "bin", "triwatch.mjs"), "node", "--config", file, "--commands"],
      { cwd: dir, stdio: ["pipe", "pipe", "pipe"] },
    );
    const events: SiteEvent[] = [];
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        events.push(JSON.parse(line) as SiteEvent);
      } catch {
        events.push({ event: "error", message: `not JSON: ${line}` });
      }
    });
    let stderr = "";
    child.stderr?.on("data", (b) => {
      stderr += String(b);
    });
    const exited = new Promise<number | null>((r) =>
      child.once("exit", (code) => {
        if (code !== 0) events.push({ event: "error", message: `exit ${code}: ${stderr.slice(-2000)}` });
        r(code);
      }),
    );
    procs.set(id, { child, events, exited, send: (c) => child.stdin?.write(`${JSON.stringify(c)}\n`) });
  }
  // Every node up and every link's handshake done (each end reports its side).
  for (const n of topology.nodes) {
    const partners = topology.links.flatMap((l) => (l.a === n.id ? [l.b] : l.b === n.id ? [l.a] : []));
    await until(`${n.id} links`, () => {
      const up = new Set(proc(n.id).events.flatMap((e) => (e.event === "link-up" ? [e.peer] : [])));
      return partners.every((p) => up.has(p)) ? true : undefined;
    });
  }
  // Nothing waits for the links to go quiet: a node sends under a channel only once both ends hold it
  // (key confirmation), so handshakes that cross under load (hello retries, link requests) cannot strand
  // an envelope (before, this test waited 2 s for quiet links: BAD_HOP_MAC under load).
}, 120_000);

afterAll(async () => {
  for (const p of procs.values()) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await server?.dispose();
  for (const id of ids) await admin?.query(`DROP SCHEMA IF EXISTS ${schemaOf(id)} CASCADE`);
  await admin?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("five node processes over NATS with PostgreSQL stores", () => {
  it("JSDF and USFK receive what the agreements allow, and nothing else", async () => {
    const rok = proc(ROK);
    const track = trackAt(Date.now());
    const toJapan: Item = { ...example("intel-nuclear-test"), id: `KOR-IR-JPN-${suffix}` };
    const toUs: Item = { ...example("intel-nuclear-test"), id: `KOR-IR-USA-${suffix}` };
    const koreaUsOnly: Item = {
      ...example("intel-nuclear-test"),
      id: `KOR-IR-NOJPN-${suffix}`,
      label: { ...example("intel-nuclear-test").label, releasableTo: ["USA", "KOR"] },
    };
    rok.send({ cmd: "release", item: track, to: JSDF, channel: "real-time" });
    rok.send({ cmd: "release", item: toJapan, to: JSDF, channel: "deferred" });
    rok.send({ cmd: "release", item: toUs, to: USFK, channel: "deferred" });
    rok.send({ cmd: "release", item: koreaUsOnly, to: JSDF, channel: "deferred" });

    const released = await until("four releases", () => {
      const r = rok.events.flatMap((e) => (e.event === "released" ? [e] : []));
      return r.length === 4 ? r : undefined;
    });
    const byId = new Map(released.map((r) => [r.id, r]));
    expect(byId.get(track.id)?.path).toEqual([ROK, USFK, "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", JSDF]);
    expect(byId.get(toJapan.id)?.path).toEqual([ROK, JSDF]); // GSOMIA, case by case
    expect(byId.get(toUs.id)?.path).toEqual([ROK, USFK]);
    expect(byId.get(koreaUsOnly.id)).toMatchObject({ ok: false }); // REL TO USA, KOR: never to Japan
    expect(byId.get(koreaUsOnly.id)?.reasons?.length).toBeGreaterThan(0);
    await until("JSDF receipts", () => (received(JSDF).length >= 2 ? true : undefined));
    await until("USFK receipt", () => (received(USFK).length >= 1 ? true : undefined));
    // Time for anything else to arrive (heads go round every second meanwhile).
    await new Promise((r) => setTimeout(r, 2500));

    const atJsdf = received(JSDF);
    expect(atJsdf.map((e) => [e.id, e.from, e.origin]).sort()).toEqual(
      [
        [toJapan.id, ROK, ROK],
        [track.id, "USFJ_C4I", ROK],
      ].sort(),
    );
    const jsdfTrack = atJsdf.find((e) => e.id === track.id);
    expect(jsdfTrack?.stale).toBe(false);
    expect(jsdfTrack?.item).not.toHaveProperty("sensor"); // sanitised under the 2023 mechanism
    expect(received(USFK).map((e) => e.id)).toEqual([toUs.id]);
    expect(received("INDOPACOM_LINK_CTRL_HI")).toEqual([]);
    expect(received("USFJ_C4I")).toEqual([]);
    for (const id of ids)
      expect(
        proc(id).events.filter((e) => e.event === "error"),
        id,
      ).toEqual([]);
    for (const id of ids) {
      const refused = proc(id).events.flatMap((e) =>
        e.event === "rejected" ? [`${e.why}: ${e.detail}`] : [],
      );
      expect(refused, id).toEqual([]);
    }

    // Each store holds what its node received; JSDF's holds the signed heads of its partners' logs.
    const items = async (id: string) =>
      (await admin.query(`SELECT id FROM ${schemaOf(id)}.items ORDER BY id`)).rows.map((r) => r.id);
    expect(await items(JSDF)).toEqual([toJapan.id, track.id].sort());
    expect(await items(USFK)).toEqual([toUs.id]);
    const heads = await admin.query(
      `SELECT DISTINCT log_id FROM ${schemaOf(JSDF)}.tree_heads ORDER BY log_id`,
    );
    expect(heads.rows.map((r) => r.log_id)).toEqual([JSDF, ROK, "USFJ_C4I"]);
  }, 90_000);

  it("stops every process cleanly on the stop command", async () => {
    for (const p of procs.values()) p.send({ cmd: "stop" });
    const codes = await Promise.all([...procs.values()].map((p) => p.exited));
    expect(codes).toEqual(ids.map(() => 0));
    for (const [id, p] of procs) expect(p.events.at(-1), id).toEqual({ event: "stopped" });
  }, 60_000);
});
