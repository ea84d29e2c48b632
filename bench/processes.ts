/**
 * Sustained load on the deployment shape: five `triwatch node --config SITE` processes over a generated
 * nats-server (an account per nation, random ports), stores in PostgreSQL (one schema per node, the
 * server on 127.0.0.1) or, with `--pglite`, in PGlite data directories. This process feeds ROK_KTMO_CELL
 * release commands on its stdin (N tracks, each updated at 10 Hz, for S seconds) and reads JSDF's
 * `received` events on its stdout: the rate received, what never arrived, latency from command to
 * receipt (both read on this process's clock), and each process's CPU time (from /proc) per wall second.
 * `--sweep` runs several track counts on the same five processes and reports the saturation point: the
 * highest offered rate at which everything arrived with a p99 under a second.
 * `npx tsx bench/processes.ts [--sweep 50,100,200] [--seconds 10] [--pglite] [--audit-delay-ms 5]
 * [--batch-window-ms 5] [--phases 1] [--semi-space-mb 64] [--cpu-prof DIR]` (each node's V8 CPU profile,
 * DIR/NODE_ID.cpuprofile; `--phases N`: each tick's updates spread over N slots instead of all at once;
 * `--semi-space-mb`: the nodes' young generation, as the bin's shebang sets it, 0 for Node's default)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { NatsServer } from "../src/adapters/nats/server.ts";
import { DEFAULT_POSTGRES_URL, postgresConnection } from "../src/adapters/postgres/postgres-store.ts";
import { initNodeKeys } from "../src/config/key-files.ts";
import { loadProject, PROJECT_ROOT } from "../src/config/project.ts";
import { Item, shiftTrackTimes, type TrackReport } from "../src/model/item.ts";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? String(process.argv[i + 1]) : fallback;
};
const COUNTS = arg("sweep", "50,100,200").split(",").map(Number);
const SECONDS = Number(arg("seconds", "10"));
/**
 * How the tracks' updates are spread over each 100 ms (`--phases N`): in N slots, track i in slot i mod
 * N. 1 (the default): every track at the same instant, the worst case, a burst of all of them each tick;
 * 10: a tenth every 10 ms, as tracks whose updates are not in step would come.
 */
const PHASES = Math.max(1, Math.floor(Number(arg("phases", "1"))));
/** Each node's V8 young generation (`--semi-space-mb N`, as `bin/triwatch.mjs`'s shebang runs it; 0: Node's default). */
const SEMI_SPACE_MB = Number(arg("semi-space-mb", "64"));
const PGLITE = process.argv.includes("--pglite");
/** Each node's `auditDelayMs` (site file; absent: the node's default, 5 ms). */
const AUDIT_DELAY_MS = Number(arg("audit-delay-ms", "-1"));
/** Each node's `batchWindowMs` (site file; absent: the node's default, 5 ms). */
const BATCH_WINDOW_MS = Number(arg("batch-window-ms", "-1"));
/** A directory for each node's V8 CPU profile (`--cpu-prof`; written when the node stops). */
const CPU_PROF = process.argv.includes("--cpu-prof") ? resolve(arg("cpu-prof", "")) : "";
const URL = process.env.TRIWATCH_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
const ROK = "ROK_KTMO_CELL";
const JSDF = "JSDF";
const KEPT_UP_P99_MS = 1_000;
const { topology } = loadProject();
const ids = topology.nodes.map((n) => n.id);
const suffix = randomBytes(4).toString("hex");
const schemaOf = (id: string) => `tw_bench_${id.toLowerCase()}_${suffix}`;

const base = Item.parse(
  JSON.parse(readFileSync(join(PROJECT_ROOT, "examples", "rok-track-report.json"), "utf8")),
) as TrackReport;
/** The release command of a track as of `at`, cut into three parts around its id and its track id. */
function tickCommand(at: number): [string, string, string] {
  const item: TrackReport = {
    ...shiftTrackTimes(base, at - Date.parse(base.asOf)),
    id: "@ID@",
    trackId: "@TRACK@",
  };
  const [a, rest = ""] = JSON.stringify({ cmd: "release", item, to: JSDF, channel: "real-time" }).split(
    "@ID@",
  );
  const [b, c] = rest.split("@TRACK@");
  if (a === undefined || b === undefined || c === undefined)
    throw new Error("the command lost its placeholders");
  return [a, b, c];
}

interface Proc {
  child: ChildProcess;
  linkUps: Set<string>;
  errors: string[];
  rejected: Map<string, number>;
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * CPU seconds used by every process named `postgres` (the server's backends and helpers), with what the
 * ones that have ended used (their parent, the postmaster, counts its reaped children's time): without
 * it, a backend that ended during a run took its time with it and the difference could be negative.
 */
function postgresCpuSeconds(): number {
  let sum = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.split(") ")[1]?.split(" ") ?? [];
      // utime, stime, cutime, cstime in clock ticks (USER_HZ = 100)
      sum += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return sum;
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat (all cores). */
function machineCpu(): { busy: number; total: number } {
  const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.reduce((a, b) => a + b, 0) / 100;
  const idle = ((f[3] ?? 0) + (f[4] ?? 0)) / 100; // idle + iowait
  return { busy: total - idle, total };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const admin = PGLITE ? undefined : new pg.Client(postgresConnection(URL));
  await admin?.connect();
  const server = await NatsServer.start({ topology });
  const dir = mkdtempSync(join(tmpdir(), "triwatch-bench-sites-"));
  const procs = new Map<string, Proc>();
  const sentAt = new Map<string, number>();
  let onReceipt: (id: string, at: number) => void = () => {};
  try {
    const keys = await initNodeKeys(join(dir, "keys"), ids);
    if (!keys.ok) throw new Error(keys.message);
    for (const id of ids) {
      const site = {
        node: id,
        keys: "keys",
        store: PGLITE ? { pglite: join("data", id) } : { postgres: URL, schema: schemaOf(id) },
        nats: { servers: [server.url], user: id, password: server.credentials(id).pass },
        linkRetryMs: 500,
        ...(AUDIT_DELAY_MS >= 0 ? { auditDelayMs: AUDIT_DELAY_MS } : {}),
        ...(BATCH_WINDOW_MS >= 0 ? { batchWindowMs: BATCH_WINDOW_MS } : {}),
      };
      const file = join(dir, `${id}.yaml`);
      writeFileSync(file, JSON.stringify(site, null, 2));
      const child = spawn(
        process.execPath,
        [
          ...(SEMI_SPACE_MB > 0 ? [`--max-semi-space-size=${SEMI_SPACE_MB}`] : []),
          ...(CPU_PROF
            ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`, `--cpu-prof-name=${id}.cpuprofile`]
            : []),
          join(PROJECT_ROOT, "bin", "triwatch.mjs"),
          "node",
          "--config",
          file,
          "--commands",
        ],
        { cwd: dir, stdio: ["pipe", "pipe", "inherit"] },
      );
      // Killed at the end with writes still queued: a closed pipe is expected then, not an error.
      child.stdin?.on("error", () => {});
      const p: Proc = { child, linkUps: new Set(), errors: [], rejected: new Map() };
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
        const at = performance.now();
        // Only the few fields needed, without parsing every line in full when it is a receipt.
        if (id === JSDF && line.startsWith('{"event":"received"')) {
          const m = /"id":"(KOR-TR-PROC-\d+)"/.exec(line);
          if (m?.[1]) onReceipt(m[1], at);
          return;
        }
        if (line.startsWith('{"event":"released"')) return;
        const e = JSON.parse(line) as { event: string; peer?: string; why?: string; message?: string };
        if (e.event === "link-up" && e.peer) p.linkUps.add(e.peer);
        else if (e.event === "error") p.errors.push(String(e.message));
        else if (e.event === "rejected")
          p.rejected.set(String(e.why), (p.rejected.get(String(e.why)) ?? 0) + 1);
      });
      procs.set(id, p);
    }
    const partners = (id: string) =>
      topology.links.flatMap((l) => (l.a === id ? [l.b] : l.b === id ? [l.a] : []));
    const deadline = Date.now() + 60_000;
    while (ids.some((id) => partners(id).some((p) => !procs.get(id)?.linkUps.has(p)))) {
      if (Date.now() > deadline) throw new Error("links not up after 60 s");
      await sleep(100);
    }
    const rok = procs.get(ROK) as Proc;
    console.log(
      `five node processes over NATS (accounts per nation), stores ${PGLITE ? "PGlite on disk" : "PostgreSQL (127.0.0.1)"}, ` +
        `ROK fed release commands on stdin (${PHASES === 1 ? "every track at once each 100 ms" : `each 100 ms in ${PHASES} slots`}); nodes with ${SEMI_SPACE_MB > 0 ? `a ${SEMI_SPACE_MB} MiB` : "the default"} young generation; ${SECONDS} s per run`,
    );
    const results: { offered: number; keptUp: boolean; rate: number }[] = [];
    // The first run warms the processes up (JIT, connections, statements) and is not reported.
    for (const [k, tracks] of [COUNTS[0] ?? 10, ...COUNTS].entries()) {
      const warmUp = k === 0;
      const latencies: number[] = [];
      let received = 0;
      onReceipt = (id, at) => {
        const t0 = sentAt.get(id);
        if (t0 === undefined) return;
        sentAt.delete(id);
        received++;
        latencies.push(at - t0);
      };
      const cpu0 = new Map(ids.map((id) => [id, cpuSeconds(procs.get(id)?.child.pid)]));
      const nats0 = cpuSeconds(server.pid);
      const pg0 = PGLITE ? 0 : postgresCpuSeconds();
      const machine0 = machineCpu();
      const self0 = process.cpuUsage();
      const wall0 = performance.now();
      const epoch0 = Date.now();
      const ticks = warmUp ? 20 : SECONDS * 10;
      let released = 0;
      let late = 0;
      // Each tick of 100 ms is cut into PHASES slots; track i is updated in slot i mod PHASES.
      const slotMs = 100 / PHASES;
      for (let slot = 0; slot < ticks * PHASES; slot++) {
        const wait = wall0 + slot * slotMs - performance.now();
        if (wait > 0) await sleep(wait);
        else if (slot % PHASES === 0) late++;
        // The slot's command once, cut where each track's ids go (the feeder stands in for a sensor
        // feed and should take as little of the machine as it can).
        const parts = tickCommand(epoch0 + slot * slotMs);
        const lines: string[] = [];
        for (let i = slot % PHASES; i < tracks; i += PHASES) {
          const id = `KOR-TR-PROC-${released++}`;
          sentAt.set(id, performance.now());
          lines.push(`${parts[0]}${id}${parts[1]}PROC-${i}${parts[2]}`);
        }
        if (lines.length > 0) rok.child.stdin?.write(`${lines.join("\n")}\n`);
      }
      const drain = performance.now();
      while (received < released && performance.now() - drain < 10_000) await sleep(50);
      const wall = (performance.now() - wall0) / 1000;
      latencies.sort((a, b) => a - b);
      const cpu = ids.map((id) => {
        const used = cpuSeconds(procs.get(id)?.child.pid) - (cpu0.get(id) ?? 0);
        return `${id.split("_")[0]} ${(used / wall).toFixed(2)}`;
      });
      const self = process.cpuUsage(self0);
      const machine1 = machineCpu();
      const others =
        `nats-server ${((cpuSeconds(server.pid) - nats0) / wall).toFixed(2)}` +
        (PGLITE ? "" : `, PostgreSQL ${((postgresCpuSeconds() - pg0) / wall).toFixed(2)}`) +
        `; machine busy ${((machine1.busy - machine0.busy) / wall).toFixed(2)} of ` +
        `${((machine1.total - machine0.total) / wall).toFixed(2)} CPU s per s`;
      const p99 = pct(latencies, 99);
      const keptUp = received === released && p99 < KEPT_UP_P99_MS;
      sentAt.clear();
      await sleep(2_000); // let the stores catch up between runs
      if (warmUp) continue;
      results.push({ offered: tracks * 10, keptUp, rate: received / wall });
      console.log(
        `  ${String(tracks).padStart(5)} tracks × 10 Hz = ${tracks * 10} updates/s: released ${released} (ticks late ${late}/${ticks}); ` +
          `received ${received} (${(received / wall).toFixed(0)}/s over ${wall.toFixed(1)} s incl. drain), never arrived ${released - received}; ` +
          `latency p50 ${pct(latencies, 50).toFixed(1)} ms p99 ${p99.toFixed(1)} ms; CPU s per s: ${cpu.join(", ")}, ` +
          `this feeder ${((self.user + self.system) / 1e6 / wall).toFixed(2)}, ${others}`,
      );
    }
    const kept = results.filter((r) => r.keptUp).map((r) => r.offered);
    console.log(
      `  saturation: highest offered rate kept up (all arrived, p99 < ${KEPT_UP_P99_MS} ms) ${kept.length ? Math.max(...kept) : "none"} updates/s; ` +
        `highest rate received ${Math.max(...results.map((r) => r.rate)).toFixed(0)}/s`,
    );
    for (const [id, p] of procs) {
      if (p.errors.length) console.log(`  ${id} errors: ${p.errors.slice(0, 3).join("; ")}`);
      if (p.rejected.size)
        console.log(`  ${id} refused: ${[...p.rejected].map(([w, n]) => `${w} ×${n}`).join(", ")}`);
    }
  } finally {
    if (CPU_PROF) {
      // A profile is written only when the process exits on its own: stop the nodes as Ctrl-C does.
      await Promise.all(
        [...procs.values()].map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.child.exitCode !== null) return resolve();
              p.child.once("exit", () => resolve());
              p.child.kill("SIGINT");
              setTimeout(resolve, 60_000).unref();
            }),
        ),
      );
    }
    for (const p of procs.values()) p.child.kill("SIGKILL");
    await server.dispose();
    if (admin) {
      for (const id of ids) await admin.query(`DROP SCHEMA IF EXISTS ${schemaOf(id)} CASCADE`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
