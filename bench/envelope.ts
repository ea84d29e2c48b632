/**
 * Envelope throughput: can 1,000 tracks at 10 Hz (10,000 tracks/s) go through three hops on this 2-core
 * machine? Measured in one run: the Ed25519 and AES-GCM baselines (node:crypto), then batch-signed tracks
 * end to end (originator release + Merkle batch signature; per hop one `dir`/A256GCM JWE whose tag is the
 * hop MAC, the originator proof, label and marking checked per track, re-sealed for the next hop; the
 * final open), with one envelope per track and with one envelope per window, then a paced run at 10,000
 * tracks/s with real 5 ms windows that reports latency. This checkout is also measured with each window's
 * tracks in one track bundle (one release, as nodes send them), beside one release per track. CPU is this process's own (process.cpuUsage), so
 * rates are per core; other processes share the machine, so each framed figure is repeated (`--rounds`)
 * and reported as a range.
 *
 * `--baseline DIR` also loads the envelope layer from another checkout (e.g. `git worktree add
 * /tmp/base <commit>`) and runs it in alternation with this one, so before and after share one run.
 *
 *   npx tsx bench/envelope.ts [--seconds 3] [--window-ms 5] [--rate 10000] [--rounds 3] [--baseline DIR]
 */
import { createCipheriv, sign, verify } from "node:crypto";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as fixture from "../src/envelope/chain.fixture.ts";
import * as envelope from "../src/envelope/envelope.ts";
import * as originator from "../src/envelope/originator.ts";
import type { Opened, OriginatorProof } from "../src/envelope/schema.ts";
import type { TrackReport } from "../src/model/item.ts";
import type { Label } from "../src/model/label.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const baselineDir = (() => {
  const i = process.argv.indexOf("--baseline");
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const SECONDS = arg("seconds", 3);
const WINDOW_MS = arg("window-ms", 5);
const RATE = arg("rate", 10_000);
const ROUNDS = arg("rounds", 3);

/** One implementation of the envelope layer (this checkout's, or a baseline's with the same entry points). */
interface Impl {
  name: string;
  fixture: typeof fixture;
  envelope: Pick<
    typeof envelope,
    "openEnvelope" | "openFrame" | "relayEnvelope" | "relayFrame" | "sealEnvelope" | "sealFrame"
  >;
  originator: Pick<typeof originator, "makeRelease" | "signBatch"> &
    Partial<Pick<typeof originator, "makeBundle">>;
}
type Chain = fixture.Chain;
type ReleaseBytes = originator.ReleaseBytes;

const CURRENT: Impl = { name: "this checkout", fixture, envelope, originator };

async function loadBaseline(dir: string): Promise<Impl> {
  const at = (file: string) => pathToFileURL(resolve(dir, "src/envelope", file)).href;
  // The baseline exports the same entry points with compatible signatures; its types are not checked here.
  return {
    name: `baseline ${dir}`,
    fixture: (await import(at("chain.fixture.ts"))) as typeof fixture,
    envelope: (await import(at("envelope.ts"))) as typeof envelope,
    originator: (await import(at("originator.ts"))) as typeof originator,
  };
}

interface Measure {
  ops: number;
  wallS: number;
  cpuS: number;
}
const perCpu = (m: Measure) => m.ops / m.cpuS;
const perWall = (m: Measure) => m.ops / m.wallS;
const usPerOp = (m: Measure) => (1e6 * m.cpuS) / m.ops;

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

const { sensor: _sensor, ...BASE_TRACK } = fixture.rokTrack();
/** The sanitised track as released (sources and methods removed), with a fresh id. */
function released(i: number): TrackReport {
  return { ...BASE_TRACK, id: `KOR-TR-${i}` };
}

const to = (i: number) => fixture.CHAIN[i] as string;
function fail(what: string): never {
  throw new Error(`no ${what}`);
}
const hopTo = (chain: Chain, i: number, now: number) => ({
  channel: chain.channel(to(i - 1), to(i)),
  recipient: chain.peers.get(to(i)) ?? fail(to(i)),
  now,
});
const markingAt = (i: number, o: { entry: { label: Label } } | { item: { label: Label } }) =>
  fixture.markingFor(fixture.PARTY_OF[to(i)] ?? "", "entry" in o ? o.entry.label : o.item.label);

/** Carries one release along `hops` links, one envelope per track per hop; returns tracks delivered. */
async function carryOne(
  impl: Impl,
  chain: Chain,
  hops: number,
  release: ReleaseBytes,
  proof: OriginatorProof,
  now: number,
) {
  const { sealEnvelope, openEnvelope, relayEnvelope } = impl.envelope;
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
  impl: Impl,
  chain: Chain,
  hops: number,
  releases: readonly ReleaseBytes[],
  proofs: readonly OriginatorProof[],
  now: number,
) {
  const { sealFrame, openFrame, relayFrame } = impl.envelope;
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
    if (i === hops) return good.filter((o) => o.final).reduce((n, o) => n + (o.bundle?.length ?? 1), 0);
    wire = await relayFrame(good, hopTo(chain, i + 1, now), (o) => markingAt(i + 1, o));
  }
  return 0;
}

/** Originator batches of `perBatch` tracks carried `hops` hops, for at least `ms`; counts delivered tracks. */
async function endToEnd(
  impl: Impl,
  hops: number,
  perBatch: number,
  ms: number,
  framed: boolean,
  bundled = false,
): Promise<Measure> {
  const now = Date.now();
  const chain = await impl.fixture.buildChain(now);
  const origin = chain.keys.get(to(0)) ?? fail("origin");
  const { makeRelease, signBatch, makeBundle } = impl.originator;
  if (bundled && !makeBundle) throw new Error(`${impl.name} has no track bundles`);
  let n = 0;
  let delivered = 0;
  let batch = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const items = Array.from({ length: perBatch }, () => released(n++));
    const releases =
      bundled && makeBundle
        ? [
            makeBundle({
              origin: origin.node,
              dest: to(hops),
              label: (items[0] as TrackReport).label,
              tracks: items,
              releasedAt: now,
            }),
          ]
        : items.map((item) => makeRelease({ origin: origin.node, dest: to(hops), item, releasedAt: now }));
    const proofs = await signBatch(origin, {
      batchId: `b${batch++}`,
      windowStart: now,
      releases: releases.map((r) => r.bytes),
    });
    if (framed) delivered += await carryWindow(impl, chain, hops, releases, proofs, now);
    else
      for (let i = 0; i < releases.length; i++)
        delivered += await carryOne(
          impl,
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
  const chain = await fixture.buildChain(Date.now());
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
      originator.makeRelease({
        origin: origin.node,
        dest: to(hops),
        item: released(produced + i),
        releasedAt: now,
      }),
    );
    produced += due;
    const proofs = await originator.signBatch(origin, {
      batchId: `p${batch++}`,
      windowStart: now,
      releases: releases.map((r) => r.bytes),
    });
    await carryWindow(CURRENT, chain, hops, releases, proofs, now);
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

const row = (name: string, m: Measure) =>
  console.log(
    `${name.padEnd(52)} ${perCpu(m).toFixed(0).padStart(9)} /s CPU  ${perWall(m).toFixed(0).padStart(9)} /s wall  ${usPerOp(m).toFixed(1).padStart(7)} µs CPU`,
  );

/** min–max of µs CPU per track over rounds, and the matching tracks/s per core. */
function range(ms: readonly Measure[]): { lo: number; hi: number; text: string } {
  const us = ms.map(usPerOp);
  const lo = Math.min(...us);
  const hi = Math.max(...us);
  return {
    lo,
    hi,
    text: `${lo.toFixed(0)}–${hi.toFixed(0)} µs CPU per track (${(1e6 / hi).toFixed(0)}–${(1e6 / lo).toFixed(0)} tracks/s per core)`,
  };
}

async function main() {
  const ms = SECONDS * 1000;
  const impls = [CURRENT, ...(baselineDir ? [await loadBaseline(baselineDir)] : [])];
  const chain = await fixture.buildChain(Date.now());
  const rok = chain.keys.get(to(0)) ?? fail("keys");
  const sample = originator.makeRelease({
    origin: rok.node,
    dest: "JSDF",
    item: released(0),
    releasedAt: Date.now(),
  });
  const proof = (
    await originator.signBatch(rok, { batchId: "s", windowStart: 0, releases: [sample.bytes] })
  )[0];
  const wire = await envelope.sealEnvelope({
    ...hopTo(chain, 1, Date.now()),
    release: sample,
    proof: proof ?? fail("proof"),
    marking: fixture.markingFor("USA", sample.release.item.label),
  });
  const sig = sign(null, sample.bytes, rok.sign.privateKey);
  const key = Buffer.alloc(32, 1);
  const iv = Buffer.alloc(12, 2);
  const body = Buffer.alloc(Math.round((wire.length * 3) / 4), 3);

  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
  console.log(`track release ${sample.bytes.length} B, hop envelope (one track) ${wire.length} B\n`);
  const signM = measureSync(ms / 3, () => sign(null, sample.bytes, rok.sign.privateKey));
  const verifyM = measureSync(ms / 3, () => verify(null, sample.bytes, rok.sign.publicKey, sig));
  const gcmM = measureSync(ms / 3, () => {
    const c = createCipheriv("aes-256-gcm", key, iv);
    c.update(body);
    c.final();
    c.getAuthTag();
  });
  row("Ed25519 sign (node:crypto)", signM);
  row("Ed25519 verify (node:crypto)", verifyM);
  row(`AES-256-GCM over a one-track hop body (${body.length} B)`, gcmM);

  const perBatch = Math.max(1, Math.round((RATE * WINDOW_MS) / 1000));
  for (const impl of impls) await endToEnd(impl, 3, perBatch, 300, true); // warm-up
  console.log(
    `\n${perBatch} tracks per ${WINDOW_MS} ms window at ${RATE}/s; one Ed25519 signature per window`,
  );
  const framed = new Map<Impl, Measure[]>(impls.map((i) => [i, []]));
  const bundledM: Measure[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const impl of impls) {
      const m = await endToEnd(impl, 3, perBatch, ms, true);
      framed.get(impl)?.push(m);
      row(`[${impl.name}] 3 hops, one envelope per window, round ${round + 1}`, m);
    }
    const b = await endToEnd(CURRENT, 3, perBatch, ms, true, true);
    bundledM.push(b);
    row(`[${CURRENT.name}] 3 hops, the window's tracks in one bundle, round ${round + 1}`, b);
  }
  for (const impl of impls) {
    row(
      `[${impl.name}] 3 hops, one envelope per track per hop`,
      await endToEnd(impl, 3, perBatch, ms, false),
    );
    row(
      `[${impl.name}] 4 hops to JSDF, one envelope per window`,
      await endToEnd(impl, 4, perBatch, ms, true),
    );
  }

  const naive3 = 1 / (3 * (1 / perCpu(signM) + 1 / perCpu(verifyM)));
  console.log(
    `\nnaive, Ed25519 sign + verify per track per hop, 3 hops: ${naive3.toFixed(0)} tracks/s per core`,
  );
  for (const impl of impls) {
    const r = range(framed.get(impl) ?? []);
    const need = (RATE * r.lo) / 1e6;
    const needHi = (RATE * r.hi) / 1e6;
    console.log(
      `[${impl.name}] one envelope per window, 3 hops: ${r.text}; ${RATE}/s needs ${need.toFixed(2)}–${needHi.toFixed(2)} ` +
        `of 2 cores: ${needHi <= 2 ? "fits" : need <= 2 ? "fits only in the better rounds" : "does NOT fit"}`,
    );
  }

  {
    const r = range(bundledM);
    console.log(
      `[${CURRENT.name}] one bundle per window, 3 hops: ${r.text}; ${RATE}/s needs ${((RATE * r.lo) / 1e6).toFixed(2)}–` +
        `${((RATE * r.hi) / 1e6).toFixed(2)} of 2 cores`,
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
