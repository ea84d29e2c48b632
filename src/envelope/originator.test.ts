import { CompactSign, compactVerify } from "jose";
import { describe, expect, it } from "vitest";
import { canonicalBytes } from "../audit/jcs.ts";
import { generateNodeKeys, type KeyRing, peerKeysOf } from "../keys/node-keys.ts";
import { rokReport, rokTrack } from "./chain.fixture.ts";
import { BATCH_TYP, makeRelease, OriginatorVerifier, signBatch, signReport } from "./originator.ts";
import type { BatchProof } from "./schema.ts";

const T0 = 1_734_478_051_000;
const rok = generateNodeKeys("ROK_KTMO_CELL");
const usfk = generateNodeKeys("USFK_TMO_CELL");
const ring: KeyRing = new Map([rok, usfk].map((k) => [k.node, peerKeysOf(k)]));

function releases(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeRelease({
      origin: rok.node,
      dest: "JSDF",
      item: { ...rokTrack(), id: `T-${i}` },
      releasedAt: T0 + i,
    }),
  );
}

describe("report signatures", () => {
  it("verify for the signed release only", async () => {
    const release = makeRelease({ origin: rok.node, dest: "JSDF", item: rokReport(), releasedAt: T0 });
    const proof = await signReport(rok, release.bytes);
    const v = new OriginatorVerifier(ring);
    expect(await v.verify(release.bytes, rok.node, proof)).toBeNull();
    const flipped = Buffer.from(release.bytes);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(await v.verify(flipped, rok.node, proof)).toMatch(/JWS/);
    expect(await v.verify(release.bytes, usfk.node, proof)).toMatch(/JWS/);
    expect(await v.verify(release.bytes, "NOBODY", proof)).toMatch(/no key/);
  });

  it("keep the release out of the JWS (detached payload)", async () => {
    const release = makeRelease({ origin: rok.node, dest: "JSDF", item: rokReport(), releasedAt: T0 });
    const proof = await signReport(rok, release.bytes);
    expect(JSON.stringify(proof)).not.toContain(
      Buffer.from(release.bytes).toString("base64url").slice(0, 40),
    );
    expect(Object.keys(proof).sort()).toEqual(["kind", "protected", "signature"]);
  });
});

describe("batch signatures", () => {
  it("give every release of a batch a proof that verifies, at one signature check per batch", async () => {
    const rs = releases(37);
    const proofs = await signBatch(rok, { batchId: "b", windowStart: T0, releases: rs.map((r) => r.bytes) });
    const v = new OriginatorVerifier(ring);
    for (const [i, r] of rs.entries())
      expect(await v.verify(r.bytes, rok.node, proofs[i] as BatchProof)).toBeNull();
    expect(v.signatureChecks).toBe(1);
  });

  it("reject a proof for another leaf, a tampered path, a wrong index or another originator", async () => {
    const rs = releases(8);
    const proofs = await signBatch(rok, { batchId: "b", windowStart: T0, releases: rs.map((r) => r.bytes) });
    const v = new OriginatorVerifier(ring);
    const p3 = proofs[3] as BatchProof;
    const bytes3 = (rs[3] as { bytes: Buffer }).bytes;
    expect(await v.verify((rs[4] as { bytes: Buffer }).bytes, rok.node, p3)).toMatch(/another root/);
    expect(await v.verify(bytes3, rok.node, { ...p3, index: 2 })).toMatch(/another root/);
    expect(await v.verify(bytes3, rok.node, { ...p3, index: 9 })).toMatch(/does not fit/);
    const first = p3.path[0] ?? "";
    const altered = `${first.startsWith("A") ? "B" : "A"}${first.slice(1)}`;
    expect(await v.verify(bytes3, rok.node, { ...p3, path: [altered, ...p3.path.slice(1)] })).toMatch(
      /another root/,
    );
    expect(await v.verify(bytes3, rok.node, { ...p3, path: p3.path.slice(1) })).not.toBeNull();
    expect(await v.verify(bytes3, usfk.node, p3)).toMatch(/signed by ROK_KTMO_CELL/); // cached, yet bound to its origin
    expect(await v.verify(bytes3, rok.node, p3)).toBeNull();
  });

  it("make batch headers that jose verifies as standard compact JWS", async () => {
    const rs = releases(3);
    const [proof] = await signBatch(rok, { batchId: "j", windowStart: T0, releases: rs.map((r) => r.bytes) });
    if (!proof) throw new Error("fixture");
    const r = await compactVerify(proof.header, rok.sign.publicKey, { algorithms: ["EdDSA"] });
    expect(r.protectedHeader).toEqual({ alg: "EdDSA", kid: peerKeysOf(rok).signKid, typ: BATCH_TYP });
    expect(JSON.parse(Buffer.from(r.payload).toString())).toMatchObject({
      origin: rok.node,
      count: 3,
      batchId: "j",
    });
  });

  it("refuse a batch header with extra protected members such as crit", async () => {
    const header = {
      typ: "triwatch-batch",
      root: "A".repeat(43),
      batchId: "x",
      origin: rok.node,
      count: 1,
      windowStart: T0,
    };
    const compact = await new CompactSign(canonicalBytes(header))
      .setProtectedHeader({
        alg: "EdDSA",
        kid: peerKeysOf(rok).signKid,
        typ: BATCH_TYP,
        crit: ["b64"],
        b64: true,
      })
      .sign(rok.sign.privateKey);
    const v = new OriginatorVerifier(ring);
    const proof: BatchProof = { kind: "batch", header: compact, index: 0, path: [] };
    expect(await v.verify(Buffer.from("x"), rok.node, proof)).toMatch(/protected header/);
  });

  it("reject a batch header signed by one node that names another as origin", async () => {
    const rs = releases(2);
    const proofs = await signBatch(usfk, { batchId: "b", windowStart: T0, releases: rs.map((r) => r.bytes) });
    const v = new OriginatorVerifier(ring);
    // Signed by USFK, checked as ROK's: the signature itself fails.
    expect(await v.verify((rs[0] as { bytes: Buffer }).bytes, rok.node, proofs[0] as BatchProof)).toMatch(
      /JWS/,
    );
    // A header that USFK really signed but that claims ROK as origin.
    const header = {
      typ: "triwatch-batch",
      root: "A".repeat(43),
      batchId: "x",
      origin: rok.node,
      count: 1,
      windowStart: T0,
    };
    const kid = peerKeysOf(usfk).signKid;
    const compact = await new CompactSign(canonicalBytes(header))
      .setProtectedHeader({ alg: "EdDSA", kid, typ: BATCH_TYP })
      .sign(usfk.sign.privateKey);
    const lie: BatchProof = { kind: "batch", header: compact, index: 0, path: [] };
    expect(await v.verify((rs[0] as { bytes: Buffer }).bytes, usfk.node, lie)).toMatch(/signed by ROK/);
  });

  it("do not cache a header that failed, so a forgery cannot poison the cache", async () => {
    const rs = releases(2);
    const good = await signBatch(rok, { batchId: "b", windowStart: T0, releases: rs.map((r) => r.bytes) });
    const forged = await signBatch(
      { ...usfk, node: rok.node },
      { batchId: "b", windowStart: T0, releases: rs.map((r) => r.bytes) },
    );
    const v = new OriginatorVerifier(ring);
    const bytes0 = (rs[0] as { bytes: Buffer }).bytes;
    expect(await v.verify(bytes0, rok.node, forged[0] as BatchProof)).not.toBeNull();
    expect(await v.verify(bytes0, rok.node, forged[0] as BatchProof)).not.toBeNull();
    expect(await v.verify(bytes0, rok.node, good[0] as BatchProof)).toBeNull();
    expect(v.signatureChecks).toBe(3);
  });

  it("evict the oldest cached header when the cache is full", async () => {
    const v = new OriginatorVerifier(ring, { maxCachedBatches: 2 });
    const batches = [];
    for (const id of ["a", "b", "c"]) {
      const rs = releases(1);
      const [p] = await signBatch(rok, { batchId: id, windowStart: T0, releases: rs.map((r) => r.bytes) });
      batches.push({ bytes: (rs[0] as { bytes: Buffer }).bytes, proof: p as BatchProof });
    }
    for (const b of batches) expect(await v.verify(b.bytes, rok.node, b.proof)).toBeNull();
    expect(v.signatureChecks).toBe(3);
    const [a, , c] = batches;
    if (!a || !c) throw new Error("fixture");
    await v.verify(c.bytes, rok.node, c.proof);
    expect(v.signatureChecks).toBe(3); // still cached
    await v.verify(a.bytes, rok.node, a.proof);
    expect(v.signatureChecks).toBe(4); // evicted, verified again
  });
});
