/**
 * Envelope throughput: can 1,000 tracks at 10 Hz (10,000 tracks/s) go through three hops on this 2-core
 * machine? Measured in one run: the Ed25519 and HMAC baselines (node:crypto), then batch-signed tracks end
 * to end (originator release + Merkle batch signature; per hop a hop JWS (HMAC) and AES-GCM, the
 * originator proof, label and marking checked per track, re-sealed for the next hop; the final open),
 * with one envelope per track and with one envelope per window, then a paced run at 10,000 tracks/s
 * with real 5 ms windows that reports latency. Rates are per second of this process's CPU time (one core) as well
 * as of wall time, since other processes share the machine.
 *
 *   npx tsx bench/envelope.ts [--seconds 3] [--window-ms 5] [--rate 10000]
 */
import { createHmac, sign, verify } from "node:crypto";
import { cpus } from "node:os";
import {
  buildChain,
  CHAIN,
  type Chain,
  markingFor,
  PARTY_OF,
  rokTrack,
} from "../src/envelope/chain.fixture.ts";
import {
  openEnvelope,
  openFrame,
  relayEnvelope,
  relayFrame,
  sealEnvelope,
  sealFrame,
} from "../src/envelope/envelope.ts";
import { makeRelease, type ReleaseBytes, signBatch } from "../src/envelope/originator.ts";
import type { Opened, OriginatorProof } from "../src/envelope/schema.ts";
import type { TrackReport } from "../src/model/item.ts";
import type { Label } from "../src/model/label.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg("seconds", 3);
const WINDOW_MS = arg("window-ms", 5);
const RATE = arg("rate", 10_000);

interface Measure {
  ops: number;
  wallS: number;
  cpuS: number;
}
const perCpu = (m: Measure) => m.ops / m.cpuS;
const perWall = (m: Measure) => m.ops / m.wallS;

function measureSync(ms: number, fn: () => void): Measure {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ops = 0;
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 64; i++) fn();
    ops += 64;
  }
  const cpu = process.cpuUsage(cpu0);
  return { ops, wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** The sanitised track as released (sources and methods removed), with a fresh id. */
function released(i: number): TrackReport {
  return { ...BASE_TRACK, id: `KOR-TR-${i}` };
}
const { sensor: _sensor, ...BASE_TRACK } = rokTrack();

const to = (i: number) => CHAIN[i] as string;
const recipient = (chain: Chain, i: number) => chain.peers.get(to(i)) ?? fail(to(i));
const hopTo = (chain: Chain, i: number, now: number) => ({
  channel: chain.channel(to(i - 1), to(i)),
  recipient: recipient(chain, i),
  now,
});
const markingAt = (i: number, o: { entry: { label: Label } } | { item: { label: Label } }) =>
  markingFor(PARTY_OF[to(i)] ?? "", "entry" in o ? o.entry.label : o.item.label);

/** Carries one release along `hops` links, one envelope per track per hop; returns tracks delivered. */
async function carryOne(
  chain: Chain,
  hops: number,
  release: ReleaseBytes,
  proof: OriginatorProof,
  now: number,
) {
  let wire = await sealEnvelope({
    ...hopTo(chain, 1, now),
    release,
    proof,
    marking: markingAt(1, release.release),
  });
  for (let i = 1; i <= hops; i++) {
    const r = await openEnvelope(chain.receiver(to(i)), wire, now);
    if (!r.ok) throw new Error(`hop ${i}: ${r.reason} ${r.detail}`);
    if (i === hops) return r.final ? 1 : 0;
    wire = await relayEnvelope(r, { ...hopTo(chain, i + 1, now), marking: markingAt(i + 1, r) });
  }
  return 0;
}

/** Carries a window's releases along `hops` links, one envelope per window per hop; returns tracks delivered. */
async function carryWindow(
  chain: Chain,
  hops: number,
  releases: readonly ReleaseBytes[],
  proofs: readonly OriginatorProof[],
  now: number,
) {
  const entries = releases.map((release, i) => ({
    release,
    proof: proofs[i] as OriginatorProof,
    marking: markingAt(1, release.release),
  }));
  let wire = await sealFrame(hopTo(chain, 1, now), entries);
  for (let i = 1; i <= hops; i++) {
    const frame = await openFrame(chain.receiver(to(i)), wire, now);
    if (!frame.ok) throw new Error(`hop ${i}: ${frame.reason} ${frame.detail}`);
    const good = frame.results.filter((r): r is Opened => r.ok);
    if (good.length !== releases.length)
      throw new Error(`hop ${i}: ${releases.length - good.length} refused`);
    if (i === hops) return good.filter((o) => o.final).length;
    wire = await relayFrame(good, hopTo(chain, i + 1, now), (o) => markingAt(i + 1, o));
  }
  return 0;
}

function fail(what: string): never {
  throw new Error(`no ${what}`);
}

/** Originator batches of `perBatch` tracks carried `hops` hops, for at least `ms`; counts delivered tracks. */
async function endToEnd(hops: number, perBatch: number, ms: number, framed: boolean): Promise<Measure> {
  const now = Date.now();
  const chain = await buildChain(now);
  const origin = chain.keys.get(to(0)) ?? fail("origin");
  let n = 0;
  let delivered = 0;
  let batch = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const releases = Array.from({ length: perBatch }, () =>
      makeRelease({ origin: origin.node, dest: to(hops), item: released(n++), releasedAt: now }),
    );
    const proofs = await signBatch(origin, {
      batchId: `b${batch++}`,
      windowStart: now,
      releases: releases.map((r) => r.bytes),
    });
    if (framed) delivered += await carryWindow(chain, hops, releases, proofs, now);
    else
      for (let i = 0; i < releases.length; i++)
        delivered += await carryOne(
          chain,
          hops,
          releases[i] as ReleaseBytes,
          proofs[i] as OriginatorProof,
          now,
        );
  }
  const cpu = process.cpuUsage(cpu0);
  if (delivered !== n) throw new Error(`${n - delivered} tracks not delivered`);
  return { ops: n, wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** Drives `rate` tracks/s for `seconds` with real windows, framed; every node in this one thread (one core). */
async function paced(hops: number, rate: number, seconds: number, windowMs: number) {
  const chain = await buildChain(Date.now());
  const origin = chain.keys.get(to(0)) ?? fail("origin");
  const latencies: number[] = [];
  let produced = 0;
  let batch = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let windowOpened = t0;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, Math.max(0, windowMs - (performance.now() - windowOpened))));
    windowOpened = performance.now();
    // Tracks "arrive" evenly at `rate`; those due by now make this window's batch.
    // A window holds at most four times its nominal count; a backlog beyond that waits for later windows.
    const due = Math.min(
      4 * Math.ceil((rate * windowMs) / 1000),
      Math.floor(((windowOpened - t0) / 1000) * rate) - produced,
    );
    if (due <= 0) continue;
    const born = Array.from({ length: due }, (_, i) => t0 + ((produced + i) / rate) * 1000);
    const now = Date.now();
    const releases = born.map((_, i) =>
      makeRelease({ origin: origin.node, dest: to(hops), item: released(produced + i), releasedAt: now }),
    );
    produced += due;
    const proofs = await signBatch(origin, {
      batchId: `p${batch++}`,
      windowStart: now,
      releases: releases.map((r) => r.bytes),
    });
    await carryWindow(chain, hops, releases, proofs, now);
    const done = performance.now();
    for (const b of born) latencies.push(done - b);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return {
    tracks: produced,
    achieved: produced / wall,
    cpuShare: (cpu.user + cpu.system) / 1e6 / wall,
    p50: q(0.5),
    p99: q(0.99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    batches: batch,
  };
}

async function main() {
  const ms = SECONDS * 1000;
  const chain = await buildChain(Date.now());
  const rok = chain.keys.get(CHAIN[0]) ?? fail("keys");
  const sample = makeRelease({ origin: rok.node, dest: "JSDF", item: released(0), releasedAt: Date.now() });
  const wire = await sealEnvelope({
    channel: chain.channel(CHAIN[0], CHAIN[1]),
    release: sample,
    proof: (
      await signBatch(rok, { batchId: "s", windowStart: 0, releases: [sample.bytes] })
    )[0] as OriginatorProof,
    marking: markingFor("USA", sample.release.item.label),
    recipient: chain.peers.get(CHAIN[1]) ?? fail("peer"),
    now: Date.now(),
  });
  const sig = sign(null, sample.bytes, rok.sign.privateKey);
  const macKey = Buffer.alloc(32, 1);
  const macInput = wire.slice(0, wire.lastIndexOf("."));

  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
  console.log(`track release ${sample.bytes.length} B, hop envelope ${wire.length} B\n`);
  const signM = measureSync(ms / 3, () => sign(null, sample.bytes, rok.sign.privateKey));
  const verifyM = measureSync(ms / 3, () => verify(null, sample.bytes, rok.sign.publicKey, sig));
  const hmacM = measureSync(ms / 3, () => createHmac("sha256", macKey).update(macInput).digest());
  const row = (name: string, m: Measure) =>
    console.log(
      `${name.padEnd(44)} ${perCpu(m).toFixed(0).padStart(9)} /s CPU  ${perWall(m).toFixed(0).padStart(9)} /s wall`,
    );
  row("Ed25519 sign (node:crypto)", signM);
  row("Ed25519 verify (node:crypto)", verifyM);
  row(`HMAC-SHA256 over a hop envelope (${macInput.length} B)`, hmacM);

  const perBatch = Math.max(1, Math.round((RATE * WINDOW_MS) / 1000));
  await endToEnd(3, perBatch, 300, true); // warm-up
  const single3 = await endToEnd(3, perBatch, ms, false);
  const e3 = await endToEnd(3, perBatch, ms, true);
  const e4 = await endToEnd(4, perBatch, ms, true);
  row(`3 hops, one envelope per track per hop`, single3);
  row(`3 hops, one envelope per ${WINDOW_MS} ms window per hop`, e3);
  row(`4 hops to JSDF, one envelope per window per hop`, e4);
  console.log(
    `  (${perBatch} tracks per ${WINDOW_MS} ms window at ${RATE}/s; one Ed25519 signature per window)`,
  );

  const naive3 = 1 / (3 * (1 / perCpu(signM) + 1 / perCpu(verifyM)));
  console.log(
    `\nnaive, Ed25519 sign + verify per track per hop, 3 hops: ${naive3.toFixed(0)} tracks/s per core`,
  );
  for (const [name, m] of [
    ["one envelope per track", single3],
    ["one envelope per window", e3],
  ] as const) {
    const need = RATE / perCpu(m);
    console.log(
      `${name}: ${perCpu(m).toFixed(0)} tracks/s per core (${(perCpu(m) / naive3).toFixed(1)}× naive), ` +
        `${(1e6 / perCpu(m)).toFixed(0)} µs CPU per track; ${RATE}/s through 3 hops needs ` +
        `${need.toFixed(2)} of 2 cores: ${need <= 2 ? "fits" : "does NOT fit"}`,
    );
  }

  const p = await paced(3, RATE, SECONDS, WINDOW_MS);
  console.log(
    `\npaced ${RATE}/s, ${WINDOW_MS} ms windows, 3 hops, all nodes in one thread: ${p.tracks} tracks in ${p.batches} windows, ` +
      `achieved ${p.achieved.toFixed(0)}/s using ${(p.cpuShare * 100).toFixed(0)} % of one core; ` +
      `latency (arrival at the originator → accepted at the last hop) p50 ${p.p50.toFixed(1)} ms, ` +
      `p99 ${p.p99.toFixed(1)} ms, max ${p.max.toFixed(1)} ms`,
  );
}

await main();
