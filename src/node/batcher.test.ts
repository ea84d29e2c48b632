import { describe, expect, it } from "vitest";
import { rokTrack } from "../envelope/chain.fixture.ts";
import { makeBundle, makeRelease, OriginatorVerifier } from "../envelope/originator.ts";
import { generateNodeKeys, keyRingFromBundles, publicBundle } from "../keys/index.ts";
import { type SignedTrack, TrackBatcher } from "./batcher.ts";

const keys = generateNodeKeys("ROK_KTMO_CELL");
const ring = keyRingFromBundles([publicBundle(keys)]);

function release(n: number) {
  return makeRelease({ origin: "ROK_KTMO_CELL", dest: "JSDF", item: rokTrack(), releasedAt: 1_000 + n });
}

/** A batcher that records each batch it sends and when (performance.now()). */
function recording(options: { windowMs: number; maxItems: number; burst?: number }) {
  const batches: { at: number; signed: SignedTrack<number>[] }[] = [];
  const batcher = new TrackBatcher<number>(
    keys,
    () => Date.now(),
    async (signed) => {
      batches.push({ at: performance.now(), signed });
    },
    options,
  );
  return { batcher, batches };
}

describe("TrackBatcher: sign at once when idle, at most one batch per window under load", () => {
  it("an idle batcher signs a release as soon as the current task ends, not after the window", async () => {
    const { batcher, batches } = recording({ windowMs: 2_000, maxItems: 256 });
    const t0 = performance.now();
    await batcher.add({ release: release(0), meta: 0 });
    expect(batches).toHaveLength(1);
    expect(batches[0]?.at as number).toBeLessThan(t0 + 500);
    await batcher.close();
  });

  it("releases made in one task share one batch, and every proof verifies", async () => {
    const { batcher, batches } = recording({ windowMs: 2_000, maxItems: 256 });
    const rs = Array.from({ length: 10 }, (_, i) => release(i));
    await Promise.all(rs.map((r, i) => batcher.add({ release: r, meta: i })));
    expect(batches.map((b) => b.signed.length)).toEqual([10]);
    if (!ring.ok) throw new Error(ring.message);
    const verifier = new OriginatorVerifier(ring.ring);
    for (const s of batches[0]?.signed ?? [])
      expect(await verifier.verify(s.release.bytes, "ROK_KTMO_CELL", s.proof)).toBeNull();
    expect(verifier.signatureChecks).toBe(1);
  });

  it("once the burst is spent, what follows waits for the next token and goes in one batch", async () => {
    const windowMs = 200;
    const { batcher, batches } = recording({ windowMs, maxItems: 256, burst: 1 });
    await batcher.add({ release: release(0), meta: 0 });
    const t1 = performance.now();
    await Promise.all([
      batcher.add({ release: release(1), meta: 1 }),
      new Promise((r) => setTimeout(r, 20)).then(() => batcher.add({ release: release(2), meta: 2 })),
    ]);
    expect(batches.map((b) => b.signed.map((s) => s.meta))).toEqual([[0], [1, 2]]);
    // The second batch waited for the token (the window after the first), not less.
    expect((batches[1]?.at as number) - t1).toBeGreaterThanOrEqual(windowMs * 0.8);
    await batcher.close();
  });

  it("a batch that reaches maxItems is signed at once, the rest in the next", async () => {
    const { batcher, batches } = recording({ windowMs: 2_000, maxItems: 3 });
    await Promise.all([0, 1, 2, 3, 4].map((i) => batcher.add({ release: release(i), meta: i })));
    expect(batches.map((b) => b.signed.map((s) => s.meta))).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it("close signs what is waiting without waiting for a token", async () => {
    const { batcher, batches } = recording({ windowMs: 60_000, maxItems: 256, burst: 1 });
    await batcher.add({ release: release(0), meta: 0 });
    const late = batcher.add({ release: release(1), meta: 1 });
    const t = performance.now();
    await batcher.close();
    await late;
    expect(batches).toHaveLength(2);
    expect(performance.now() - t).toBeLessThan(1_000);
  });

  it("refuses a window or batch size that makes no sense", () => {
    expect(() => recording({ windowMs: -1, maxItems: 4 })).toThrow(RangeError);
    expect(() => recording({ windowMs: 5, maxItems: 0 })).toThrow(RangeError);
  });

  it("with prepare, signs the releases made of a window's tracks (one bundle here), and fails them all if it throws", async () => {
    const sent: SignedTrack<string>[][] = [];
    const bundling = new TrackBatcher<string, number>(
      keys,
      () => Date.now(),
      async (signed) => {
        sent.push(signed);
      },
      { windowMs: 2_000, maxItems: 256 },
      (ns) => [
        {
          release: makeBundle({
            origin: "ROK_KTMO_CELL",
            dest: "JSDF",
            label: rokTrack().label,
            tracks: ns.map((n) => ({ ...rokTrack(), id: `KOR-TR-${n}` })),
            releasedAt: 1_000,
          }),
          meta: ns.join(","),
        },
      ],
    );
    await Promise.all([1, 2, 3].map((n) => bundling.add(n)));
    expect(sent.map((b) => b.map((s) => s.meta))).toEqual([["1,2,3"]]);
    if (!ring.ok) throw new Error(ring.message);
    const s0 = sent[0]?.[0] as SignedTrack<string>;
    expect(
      await new OriginatorVerifier(ring.ring).verify(s0.release.bytes, "ROK_KTMO_CELL", s0.proof),
    ).toBeNull();
    const failing = new TrackBatcher<string, number>(
      keys,
      () => Date.now(),
      async () => {},
      undefined,
      () => {
        throw new Error("no bundle");
      },
    );
    await expect(Promise.all([failing.add(1), failing.add(2)])).rejects.toThrow("no bundle");
  });
});
