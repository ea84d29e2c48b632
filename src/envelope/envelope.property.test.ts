import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildChain, CHAIN, markingFor, rokReport, rokTrack } from "./chain.fixture.ts";
import { openEnvelope, sealEnvelope } from "./envelope.ts";
import { makeRelease, signBatch, signReport } from "./originator.ts";
import type { OriginatorProof } from "./schema.ts";

const T0 = Date.parse("2024-12-17T23:27:31Z");
const FROM = CHAIN[0];
const TO = CHAIN[1];

async function setup(kind: "track" | "report") {
  const chain = await buildChain(T0);
  const origin = chain.keys.get(FROM);
  const recipient = chain.peers.get(TO);
  if (!origin || !recipient) throw new Error("fixture");
  const item = kind === "track" ? rokTrack() : rokReport();
  const release = makeRelease({ origin: FROM, dest: "JSDF", item, releasedAt: T0 });
  const proof: OriginatorProof =
    kind === "track"
      ? ((
          await signBatch(origin, { batchId: "p", windowStart: T0, releases: [release.bytes] })
        )[0] as OriginatorProof)
      : await signReport(origin, release.bytes);
  const wire = await sealEnvelope({
    channel: chain.channel(FROM, TO),
    release,
    proof,
    marking: markingFor("USA", item.label),
    recipient,
    now: T0,
  });
  return { receiver: chain.receiver(TO), wire: Buffer.from(wire, "utf8") };
}

describe("any single-byte change anywhere in an envelope is rejected", () => {
  for (const kind of ["track", "report"] as const) {
    it(`${kind} envelope`, async () => {
      const { receiver, wire } = await setup(kind);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: wire.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          async (at, delta) => {
            const mutated = Buffer.from(wire);
            mutated[at] = ((mutated[at] ?? 0) + delta) % 256;
            const r = await openEnvelope(receiver, mutated.toString("utf8"), T0);
            expect(r.ok).toBe(false);
          },
        ),
        { numRuns: 300 },
      );
      // The untouched envelope is still accepted: nothing above advanced the channel or poisoned a cache.
      expect((await openEnvelope(receiver, wire.toString("utf8"), T0)).ok).toBe(true);
    });
  }

  it("every position of the MAC and of the payload's tail, exhaustively for one flip each", async () => {
    const { receiver, wire } = await setup("track");
    const positions = [...Array(wire.length).keys()].filter((i) => i >= wire.length - 120 || i < 60);
    for (const at of positions) {
      const mutated = Buffer.from(wire);
      mutated[at] = (mutated[at] ?? 0) ^ 0x01;
      expect((await openEnvelope(receiver, mutated.toString("utf8"), T0)).ok, `byte ${at}`).toBe(false);
    }
  });
});
