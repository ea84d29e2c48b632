/**
 * The node runtime end to end: a ROK track released at ROK_KTMO_CELL until JSDF has it in its picture
 * (planned, sanitised, batch-signed, sealed per hop, relayed and re-decided by USFK, INDOPACOM and USFJ,
 * opened and stored at JSDF, every step audited), five nodes in this process with in-memory PGlite
 * stores.
 *  1. Latency, one track in flight: in-process transport (0 ms links), default 5 ms batch window, with
 *     the stores' PGlite on the nodes' thread (the baseline), on a worker thread per store, and on one
 *     worker thread shared by the five stores (the default from here on), each node's audit built
 *     `--audit-delay-ms` after its decisions (default 5, the node's default; the shared configuration
 *     is measured with 0 as well); over NATS
 *     (a generated server with an account per nation, each node its own connection) beside raw core NATS
 *     relayed over the same four hops (on a second server generated alike, so that neither path's
 *     subscriptions see the other's traffic) and beside the same nodes in-process, interleaved in rounds. Each path is measured twice: one update
 *     every `--gap-ms` (default 20 ms: one track updated at 50 Hz, so each update finds the path idle),
 *     and back to back (the next released the moment the last arrives: what one flow can push).
 *  2. Sustained load, in-process: N tracks updated at 10 Hz for S seconds (default 1,000 tracks, 10 s):
 *     achieved receipt rate, drops (released and never received within 10 s after the last release),
 *     latency from release to receipt, CPU time per wall second. Run again with a smaller `--tracks` to
 *     find the rate the process keeps up with (the process exits without waiting for the store backlog).
 *     `--sweep 100,200,400` runs the load at each track count and reports the saturation point: the
 *     highest offered rate at which everything arrived with a p99 under a second. `--load-threads own`
 *     (or `inline`) puts the stores on a thread each (or the nodes' thread) instead of the shared one.
 * `npx tsx bench/network.ts [--samples 400] [--gap-ms 20] [--tracks 1000 | --sweep N,N,…] [--seconds 10] [--load-threads shared|own|inline] [--audit-delay-ms 5] [--no-nats] [--no-inproc] [--no-load] [--no-latency]`
 * (`--no-inproc`: the latency part over NATS only, for quicker A/B rounds)
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { InProcessTransport } from "../src/adapters/inproc/index.ts";
import { NatsServer } from "../src/adapters/nats/server.ts";
import { NatsTransport } from "../src/adapters/nats/transport.ts";
import { PgliteStore, PgliteThreadHost } from "../src/adapters/pglite/pglite-store.ts";
import { cachedPgliteTemplate } from "../src/adapters/pglite/template-cache.ts";
import { subjectOf } from "../src/adapters/transport-links.ts";
import { loadProject, PROJECT_ROOT } from "../src/config/project.ts";
import { generateNodeKeys, keyRingFromBundles, type NodeKeys, publicBundle } from "../src/keys/index.ts";
import { Item, shiftTrackTimes, type TrackReport } from "../src/model/item.ts";
import { linkNodes } from "../src/node/links.ts";
import { type NodeEvent, TriwatchNode } from "../src/node/node.ts";
import type { Transport } from "../src/ports.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SAMPLES = arg("samples", 400);
const TRACKS = arg("tracks", 1000);
const SECONDS = arg("seconds", 10);
const GAP_MS = arg("gap-ms", 20);
/** Each node's audit build delay (`NodeDeps.auditDelayMs`). */
const AUDIT_DELAY_MS = arg("audit-delay-ms", 5);
/** The stores' threads under sustained load (`--load-threads own|shared|inline`, default shared). */
const LOAD_THREADS = ((): StoreThreads => {
  const i = process.argv.indexOf("--load-threads");
  const v = i >= 0 ? process.argv[i + 1] : "shared";
  if (v !== "own" && v !== "shared" && v !== "inline")
    throw new Error(`--load-threads ${v}: own, shared or inline`);
  return v;
})();
const ROUTE = ["ROK_KTMO_CELL", "USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"];
const { topology, policy } = loadProject();

const base = Item.parse(
  JSON.parse(readFileSync(join(PROJECT_ROOT, "examples", "rok-track-report.json"), "utf8")),
);
if (base.kind !== "track-report") throw new Error("example is not a track");
/** The example track with its times moved so that `asOf` is `at`, under another track id. */
function trackAt(at: number, trackId: string, n: number): TrackReport {
  const b = base as TrackReport;
  return { ...shiftTrackTimes(b, at - Date.parse(b.asOf)), id: `KOR-TR-BENCH-${n}`, trackId };
}

interface Network {
  nodes: Map<string, TriwatchNode>;
  /** Called with each track id JSDF takes into its picture, and when. */
  onReceipt: (f: (id: string, at: number) => void) => void;
  /** Refusals at every node, by node and reason. */
  rejections: () => string;
  close(): Promise<void>;
}

/** Where the stores' PGlite runs: the nodes' own thread, a worker thread per store, or one shared worker. */
type StoreThreads = "inline" | "own" | "shared";
const WHERE: Record<StoreThreads, string> = {
  inline: "PGlite on the nodes' thread (baseline)",
  own: "PGlite on a worker thread per store",
  shared: "PGlite on one worker thread for the five stores",
};

async function network(
  transport: Transport,
  batchWindowMs: number,
  threads: StoreThreads = "shared",
  auditDelayMs = AUDIT_DELAY_MS,
): Promise<Network> {
  const host = threads === "shared" ? new PgliteThreadHost() : undefined;
  const thread = host ?? threads === "own";
  const template = await cachedPgliteTemplate({ migrated: true });
  const keys = new Map<string, NodeKeys>(topology.nodes.map((n) => [n.id, generateNodeKeys(n.id)]));
  const ring = keyRingFromBundles([...keys.values()].map(publicBundle));
  if (!ring.ok) throw new Error(ring.message);
  let receipt: (id: string, at: number) => void = () => {};
  const nodes = new Map<string, TriwatchNode>();
  const stores: PgliteStore[] = [];
  for (const spec of topology.nodes) {
    const store = new PgliteStore({ template, thread });
    await store.migrate();
    stores.push(store);
    const observer =
      spec.id === "JSDF"
        ? (e: NodeEvent) => {
            if (e.kind === "received") receipt(e.item.id, performance.now());
          }
        : undefined;
    const node = new TriwatchNode({
      spec,
      topology,
      policy,
      store,
      endpoint: await transport.connect(spec.id),
      now: () => Date.now(),
      keys: keys.get(spec.id) as NodeKeys,
      ring: ring.ring,
      batchWindowMs,
      auditDelayMs,
      ...(observer ? { observer } : {}),
    });
    await node.start();
    nodes.set(spec.id, node);
  }
  await linkNodes(topology, nodes);
  return {
    nodes,
    onReceipt: (f) => {
      receipt = f;
    },
    rejections: () => {
      const why = new Map<string, number>();
      for (const [id, x] of nodes)
        for (const r of x.rejections) why.set(`${id} ${r.why}`, (why.get(`${id} ${r.why}`) ?? 0) + 1);
      return why.size === 0 ? "none" : [...why].map(([k, n]) => `${k} ×${n}`).join(", ");
    },
    close: async () => {
      for (const n of nodes.values()) await n.stop();
      await transport.close();
      for (const s of stores) await s.close();
    },
  };
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const ms = (x: number) => x.toFixed(3).padStart(8);

/** One measured path: `once` sends one track and resolves when it has arrived. */
interface Path {
  name: string;
  once(i: number): Promise<void>;
  got: number[];
}

/** A node network as a path: release at ROK, resolve at JSDF's receipt. */
function nodePath(name: string, net: Network): Path {
  const waiting = new Map<string, () => void>();
  net.onReceipt((id) => waiting.get(id)?.());
  const rok = net.nodes.get("ROK_KTMO_CELL") as TriwatchNode;
  let n = 0;
  return {
    name,
    got: [],
    once: async () => {
      const k = n++;
      const track = trackAt(Date.now(), `LAT-${k % 997}`, k);
      const done = new Promise<void>((r) => waiting.set(track.id, r));
      const plan = await rok.release(track, "JSDF", "real-time");
      if (!plan.ok) throw new Error("not permitted");
      await done;
      waiting.delete(track.id);
    },
  };
}

/**
 * Raw core NATS relayed along the route, one connection per node, the track's JSON as payload. On a
 * server of its own (generated from the same topology: the same accounts, users and subjects): on the
 * nodes' server its subscriptions would share the nodes' subjects, so that every node envelope was also
 * relayed raw to the nodes further on (six refused deliveries per track) and every raw message reached
 * the nodes (four more), and each path paid for the other's traffic.
 */
async function rawPath(server: NatsServer): Promise<Path & { close(): Promise<void> }> {
  const conns: NatsConnection[] = await Promise.all(
    ROUTE.map((id) => connect({ servers: server.url, ...server.credentials(id) })),
  );
  let arrived: (() => void) | undefined;
  for (let k = 1; k < ROUTE.length; k++) {
    const nc = conns[k] as NatsConnection;
    const me = ROUTE[k] as string;
    const next = ROUTE[k + 1];
    nc.subscribe(subjectOf(ROUTE[k - 1] as string, me, "track"), {
      callback: (_e, m) => {
        if (next === undefined) arrived?.();
        else nc.publish(subjectOf(me, next, "track"), m.data);
      },
    });
    await nc.flush();
  }
  const payload = new TextEncoder().encode(JSON.stringify(trackAt(Date.now(), "RAW", 0)));
  const first = conns[0] as NatsConnection;
  const subject = subjectOf(ROUTE[0] as string, ROUTE[1] as string, "track");
  return {
    name: `raw core NATS, same 4 hops, ${payload.length}-byte payload`,
    got: [],
    once: async () => {
      const done = new Promise<void>((r) => {
        arrived = r;
      });
      first.publish(subject, payload);
      await done;
    },
    close: async () => {
      await Promise.all(conns.map((c) => c.close()));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Warms up, then measures the paths in interleaved rounds of 50: `gapMs` after each arrival before the
 * next release (0: back to back). Returns each path's sorted latencies.
 */
async function measure(paths: Path[], gapMs: number): Promise<Map<Path, number[]>> {
  const got = new Map<Path, number[]>(paths.map((p) => [p, []]));
  for (const p of paths) for (let i = 0; i < 50; i++) await p.once(i);
  while (paths.some((p) => (got.get(p) as number[]).length < SAMPLES)) {
    for (const p of paths) {
      const mine = got.get(p) as number[];
      for (let k = 0; k < 50 && mine.length < SAMPLES; k++) {
        if (gapMs > 0) await sleep(gapMs);
        const t0 = performance.now();
        await p.once(k);
        mine.push(performance.now() - t0);
      }
    }
  }
  const how = gapMs > 0 ? `one every ${gapMs} ms` : "back to back";
  for (const p of paths) {
    const sorted = (got.get(p) as number[]).sort((a, b) => a - b);
    p.got = sorted;
    console.log(
      `  ${`${p.name}, ${how}`.padEnd(84)} p50 ${ms(pct(sorted, 50))}  p99 ${ms(pct(sorted, 99))}  n=${sorted.length}`,
    );
  }
  return got;
}

/** N tracks at 10 Hz for `seconds` through the in-process network; what arrives, how late, at what cost. */
/** What one load run showed: the offered rate, whether the network kept up, the rate received. */
interface LoadRun {
  offered: number;
  keptUp: boolean;
  receivedPerS: number;
  p99: number;
}

/** Kept up: everything released arrived, with a p99 latency under a second (ten update periods). */
const KEPT_UP_P99_MS = 1_000;

async function load(tracks: number, seconds: number): Promise<LoadRun> {
  const net = await network(new InProcessTransport({ topology }), 5, LOAD_THREADS);
  const rok = net.nodes.get("ROK_KTMO_CELL") as TriwatchNode;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  net.onReceipt((id, at) => {
    const t0 = sentAt.get(id);
    if (t0 === undefined) return;
    sentAt.delete(id);
    received++;
    latencies.push(at - t0);
  });
  const ticks = seconds * 10;
  let released = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const epoch0 = Date.now();
  const behind: number[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const due = wall0 + tick * 100;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else behind.push(-wait);
    // Each update is stamped with its tick's time, so a late tick still sends newer updates.
    const now = epoch0 + tick * 100;
    for (let i = 0; i < tracks; i++) {
      const n = tick * tracks + i;
      const track = trackAt(now, `LOAD-${i}`, n);
      sentAt.set(track.id, performance.now());
      released++;
      rok.release(track, "JSDF", "real-time").catch(() => failed++);
    }
  }
  const sendWall = (performance.now() - wall0) / 1000;
  // Let the backlog drain for up to 10 s.
  const drainStart = performance.now();
  while (received < released && performance.now() - drainStart < 10_000)
    await new Promise((r) => setTimeout(r, 50));
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const offered = tracks * 10;
  console.log(
    `  ${String(tracks).padStart(5)} tracks × 10 Hz = ${offered} updates/s for ${seconds} s: released ${released} in ${sendWall.toFixed(1)} s ` +
      `(ticks late: ${behind.length}/${ticks}); received ${received} (${(received / wall).toFixed(0)}/s over ${wall.toFixed(1)} s incl. drain), ` +
      `never arrived ${released - received}, refused ${net.rejections()}, failed ${failed}; ` +
      `latency p50 ${pct(latencies, 50).toFixed(1)} ms p99 ${pct(latencies, 99).toFixed(1)} ms; ` +
      `CPU ${((cpu.user + cpu.system) / 1e6 / wall).toFixed(2)} s per s (all threads)`,
  );
  // The stores may still be writing a backlog: give them a while, then leave them to the exit.
  await Promise.race([net.close(), sleep(15_000)]);
  const p99 = pct(latencies, 99);
  return {
    offered,
    keptUp: released === received && failed === 0 && p99 < KEPT_UP_P99_MS,
    receivedPerS: received / wall,
    p99,
  };
}

async function main(): Promise<void> {
  const noNats = process.argv.includes("--no-nats");
  const noLoad = process.argv.includes("--no-load");
  const noLatency = process.argv.includes("--no-latency");
  const noInproc = process.argv.includes("--no-inproc");
  if (!noLatency) console.log(`ROK track release → JSDF picture, one in flight, ${SAMPLES} samples (ms)`);
  // The store threads with the audit delay, and the shared thread with audit built as each task ends
  // (delay 0, the behaviour before the delay existed).
  const configs: [StoreThreads, number][] = [
    ["inline", AUDIT_DELAY_MS],
    ["own", AUDIT_DELAY_MS],
    ["shared", 0],
    ["shared", AUDIT_DELAY_MS],
  ];
  for (const [threads, delay] of noLatency || noInproc ? [] : configs) {
    const net = await network(new InProcessTransport({ topology }), 5, threads, delay);
    const path = nodePath(`in-process, 0 ms links, ${WHERE[threads]}, audit delay ${delay} ms`, net);
    await measure([path], GAP_MS);
    await measure([path], 0);
    await net.close();
  }
  if (!noNats && !noLatency) {
    const server = await NatsServer.start({ topology });
    const nats = new NatsTransport({
      topology,
      servers: server.url,
      credentials: (id) => server.credentials(id),
    });
    const net = await network(nats, 5, "shared");
    const rawServer = await NatsServer.start({ topology });
    const raw = await rawPath(rawServer);
    const node = nodePath(
      `nodes over NATS (accounts per nation), ${WHERE.shared}, audit delay ${AUDIT_DELAY_MS} ms`,
      net,
    );
    // The same nodes in-process, interleaved in the same rounds: what the nodes' own work is, under the
    // same load on the machine, so that what NATS adds beyond raw NATS and that work can be read off.
    const local = await network(new InProcessTransport({ topology }), 5, "shared");
    const inproc = nodePath(
      `in-process, 0 ms links, ${WHERE.shared}, audit delay ${AUDIT_DELAY_MS} ms`,
      local,
    );
    const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
    for (const gap of [GAP_MS, 0]) {
      await measure([raw, node, inproc], gap);
      const d50 = pct(node.got, 50) - pct(raw.got, 50);
      const d99 = pct(node.got, 99) - pct(raw.got, 99);
      const how = gap > 0 ? `one every ${gap} ms` : "back to back";
      console.log(
        `  nodes over NATS − raw NATS, ${how}: p50 ${signed(d50)} ms, p99 ${signed(d99)} ms; ` +
          `− in-process too: p50 ${signed(d50 - pct(inproc.got, 50))} ms`,
      );
    }
    console.log(
      `  refused during the NATS latency part: over NATS ${net.rejections()}; in-process ${local.rejections()}`,
    );
    await raw.close();
    await net.close();
    await local.close();
    await server.dispose();
    await rawServer.dispose();
  }
  if (!noLoad) {
    console.log(
      `sustained load, in-process (0 ms links), 5 ms batch window, five nodes on one event loop, ${WHERE[LOAD_THREADS]}, audit delay ${AUDIT_DELAY_MS} ms`,
    );
    const sweep = process.argv.indexOf("--sweep");
    const counts =
      sweep >= 0
        ? String(process.argv[sweep + 1])
            .split(",")
            .map(Number)
        : [TRACKS];
    const runs: LoadRun[] = [];
    for (const n of counts) runs.push(await load(n, SECONDS));
    if (runs.length > 1) {
      const kept = runs.filter((r) => r.keptUp).map((r) => r.offered);
      const best = Math.max(...runs.map((r) => r.receivedPerS));
      console.log(
        `  saturation: highest offered rate kept up (all arrived, p99 < ${KEPT_UP_P99_MS} ms) ${kept.length ? Math.max(...kept) : "none"} updates/s; ` +
          `highest rate received ${best.toFixed(0)}/s`,
      );
    }
  }
}

await main();
// The stores may still be writing a backlog of audit leaves; the figures are printed, so stop here.
process.exit(0);
