/**
 * Store write throughput: track states and audit leaves per second, one per call (one transaction each)
 * and in batches (one transaction per batch), on PGlite in memory, PGlite on disk and PostgreSQL
 * (127.0.0.1:5432, in a throwaway schema dropped afterwards; skipped with a note if the server is
 * absent). Prints each figure and, per store, the batched/single ratio measured in the same run. The
 * machine is shared, so figures vary by run; the ratios are steadier than the absolute numbers.
 *
 * "PGlite (memory, worker thread)" is PGlite in memory on its own worker thread (`thread: true`). For
 * every store the line ends with the main thread's busy time per batched write (a batch of BATCH track
 * states, then of BATCH audit leaves) against the wall time of that write. Busy time is the event loop's
 * active time from `performance.eventLoopUtilization()` over the batched runs, divided by the number of
 * batches: time this thread was not waiting in the event loop for I/O or a message (process.cpuUsage
 * would also count the worker's CPU). It is the time the write takes away from a node's other work in
 * the same thread: with PGlite in this thread that is all of it; with the worker or PostgreSQL only
 * validation, building the statement, copying parameters and rows, and handling the answers. It is wall
 * time while active, so on a loaded machine it includes time the thread waited for a core.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventLoopUtilization } from "node:perf_hooks";
import pg from "pg";
import { PgliteStore } from "../src/adapters/pglite/pglite-store.ts";
import {
  DEFAULT_POSTGRES_URL,
  PostgresStore,
  postgresConnection,
} from "../src/adapters/postgres/postgres-store.ts";
import type { AuditLeaf, TrackStateRecord } from "../src/model/store-records.ts";
import type { Store } from "../src/ports.ts";

const SINGLE = 400;
const BATCHED = 8000;
const BATCH = 500;
const WARM_UP = 100;

/** A 6-state (position, velocity) track state with a full covariance, as the tracker produces. */
function state(i: number): TrackStateRecord {
  const P = new Array<number>(36).fill(0);
  for (let k = 0; k < 6; k++) P[k * 7] = 100 + k + i * 1e-3;
  return {
    trackId: `T${i % 8}`,
    at: 1_702_857_600_000 + i * 10.5,
    dim: 6,
    x: [-3.1e6 + i, 4.2e6 - i, 3.9e6, 1200.5, -850.25, 3000],
    P,
    provenance: i % 3 ? { kind: "updated", sensorId: "ROK-GP-1" } : { kind: "predicted" },
  };
}

/** A leaf of about 300 bytes (a canonical audit record's size) with a 32-byte hash. */
function leaf(index: number): AuditLeaf {
  return { index, bytes: randomBytes(300), leafHash: randomBytes(32) };
}

async function rate(count: number, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return count / ((performance.now() - t0) / 1000);
}

async function measure(name: string, store: Store): Promise<void> {
  await store.migrate();
  const states = Array.from({ length: BATCHED }, (_, i) => state(i));
  const leaves = Array.from({ length: WARM_UP + SINGLE + BATCHED }, (_, i) => leaf(i));
  // Warm up (JIT, the database's caches) on another track and the first leaves; not timed.
  for (let i = 0; i < WARM_UP; i++) {
    await store.appendTrackState({ ...state(i), trackId: "warm-up" });
    const l = leaves[i] as AuditLeaf;
    await store.appendAuditLeaf(l.index, l.bytes, l.leafHash);
  }

  const stateSingle = await rate(SINGLE, async () => {
    for (let i = 0; i < SINGLE; i++) await store.appendTrackState(states[i] as TrackStateRecord);
  });
  let stateBusy = performance.eventLoopUtilization();
  const stateBatched = await rate(BATCHED, async () => {
    for (let i = 0; i < BATCHED; i += BATCH) await store.appendTrackStates(states.slice(i, i + BATCH));
  });
  stateBusy = performance.eventLoopUtilization(stateBusy);
  const leafSingle = await rate(SINGLE, async () => {
    for (let i = WARM_UP; i < WARM_UP + SINGLE; i++) {
      const l = leaves[i] as AuditLeaf;
      await store.appendAuditLeaf(l.index, l.bytes, l.leafHash);
    }
  });
  let leafBusy = performance.eventLoopUtilization();
  const leafBatched = await rate(BATCHED, async () => {
    for (let i = WARM_UP + SINGLE; i < WARM_UP + SINGLE + BATCHED; i += BATCH)
      await store.appendAuditLeaves(leaves.slice(i, i + BATCH));
  });
  leafBusy = performance.eventLoopUtilization(leafBusy);
  const history = await rate(8, async () => {
    for (let k = 0; k < 8; k++) await store.trackHistory(`T${k}`);
  });

  const f = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`.padStart(12);
  const batches = BATCHED / BATCH;
  /** Main-thread busy ms per batch, of the batch's wall ms (from the batched rate). */
  const busy = (elu: EventLoopUtilization, perSecond: number) =>
    `${(elu.active / batches).toFixed(1)} of ${((1000 * BATCH) / perSecond).toFixed(1)} ms`;
  console.log(
    `${name.padEnd(30)} track states ${f(stateSingle)} single ${f(stateBatched)} batched (×${(stateBatched / stateSingle).toFixed(1)})` +
      ` | audit leaves ${f(leafSingle)} single ${f(leafBatched)} batched (×${(leafBatched / leafSingle).toFixed(1)})` +
      ` | full history of a ${BATCHED / 8 + SINGLE / 8}-state track: ${(1000 / history).toFixed(1)} ms` +
      ` | main thread busy per batched write: states ${busy(stateBusy, stateBatched)},` +
      ` leaves ${busy(leafBusy, leafBatched)}`,
  );
}

console.log(`${SINGLE} single appends (a transaction each), ${BATCHED} in batches of ${BATCH}`);

const memory = new PgliteStore();
try {
  await measure("PGlite (memory)", memory);
} finally {
  await memory.close();
}

const threaded = new PgliteStore({ thread: true });
try {
  await measure("PGlite (memory, worker thread)", threaded);
} finally {
  await threaded.close();
}

const dataDir = mkdtempSync(join(tmpdir(), "triwatch-bench-"));
const disk = new PgliteStore({ dataDir });
try {
  await measure("PGlite (disk)", disk);
} finally {
  await disk.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const url = process.env.TRIWATCH_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
const schema = `triwatch_bench_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client(postgresConnection(url));
let reachable = true;
try {
  await admin.connect();
} catch (e) {
  reachable = false;
  console.log(`${"PostgreSQL".padEnd(30)} skipped: not reachable at ${url} (${String(e)})`);
}
if (reachable) {
  const server = new PostgresStore({ url, schema });
  try {
    await measure("PostgreSQL", server);
  } finally {
    await server.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
