// Properties of the log that must hold for every size and index (fast-check): every proof it generates
// verifies; any flipped bit in a proof, a leaf or a root makes verification fail; appends keep old roots.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leafHash } from "./hash.ts";
import { verifyConsistency, verifyInclusion } from "./proof.ts";
import { MerkleLog } from "./tree.ts";

const MAX = 1500;
const leaves = Array.from({ length: MAX }, (_, i) => new TextEncoder().encode(`record ${i}`));
const log = new MerkleLog();
for (const leaf of leaves) log.append(leaf);

function flipped(bytes: Uint8Array, byte: number, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const at = byte % out.length;
  out[at] = (out[at] as number) ^ (1 << bit);
  return out;
}

/** A size and an index within it. */
const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1)));
/** Two sizes m ≤ n. */
const twoSizes = fc.integer({ min: 0, max: MAX }).chain((n) => fc.tuple(fc.nat(n), fc.constant(n)));
const where = fc.record({ element: fc.nat(), byte: fc.nat(31), bit: fc.nat(7) });

describe("inclusion proofs", () => {
  it("every generated audit path verifies", () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, m]) => {
        const proof = log.inclusionProof(m, n);
        expect(verifyInclusion(m, n, leafHash(leaves[m] as Uint8Array), proof, log.root(n))).toEqual({
          ok: true,
        });
      }),
      { numRuns: 500 },
    );
  });

  it("a flipped bit in the path, the leaf or the root is caught", () => {
    fc.assert(
      fc.property(sizeAndIndex, where, ([n, m], { element, byte, bit }) => {
        const proof = log.inclusionProof(m, n);
        const root = log.root(n);
        const leaf = leaves[m] as Uint8Array;
        const hash = leafHash(leaf);
        if (proof.length > 0) {
          const i = element % proof.length;
          const bad = proof.map((h, j) => (j === i ? flipped(h, byte, bit) : h));
          expect(verifyInclusion(m, n, hash, bad, root).ok).toBe(false);
        }
        expect(verifyInclusion(m, n, leafHash(flipped(leaf, byte, bit)), proof, root).ok).toBe(false);
        expect(verifyInclusion(m, n, flipped(hash, byte, bit), proof, root).ok).toBe(false);
        expect(verifyInclusion(m, n, hash, proof, flipped(root, byte, bit)).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("a path does not verify for another index", () => {
    // Not for another size: sizes whose paths have the same shape share a path (leaf 0 of 1025 and of
    // 1026), which is why the size a verifier uses must come from the signed head, never from the prover.
    fc.assert(
      fc.property(sizeAndIndex, ([n, m]) => {
        fc.pre(n > 1);
        const proof = log.inclusionProof(m, n);
        const hash = leafHash(leaves[m] as Uint8Array);
        expect(verifyInclusion((m + 1) % n, n, hash, proof, log.root(n)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("consistency proofs", () => {
  it("every generated proof verifies", () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = log.consistencyProof(m, n);
        expect(verifyConsistency(m, n, proof, log.root(m), log.root(n))).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  it("a flipped bit in the proof or either root is caught", () => {
    fc.assert(
      fc.property(twoSizes, where, ([m, n], { element, byte, bit }) => {
        const proof = log.consistencyProof(m, n);
        const r1 = log.root(m);
        const r2 = log.root(n);
        if (proof.length > 0) {
          const i = element % proof.length;
          const bad = proof.map((h, j) => (j === i ? flipped(h, byte, bit) : h));
          expect(verifyConsistency(m, n, bad, r1, r2).ok).toBe(false);
        }
        expect(verifyConsistency(m, n, proof, flipped(r1, byte, bit), r2).ok).toBe(false);
        // From the empty tree every root is consistent: only the first root is checked there.
        if (m > 0) expect(verifyConsistency(m, n, proof, r1, flipped(r2, byte, bit)).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("appends", () => {
  it("never change an earlier root, and every earlier head is consistent with the later tree", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 150 }), (data) => {
        const grown = new MerkleLog();
        const roots: Uint8Array[] = [grown.root()];
        for (const d of data) {
          grown.append(d);
          roots.push(grown.root());
        }
        const n = grown.size;
        for (let m = 0; m <= n; m++) {
          expect(grown.root(m)).toEqual(roots[m]);
          const proof = grown.consistencyProof(m);
          expect(verifyConsistency(m, n, proof, roots[m] as Uint8Array, roots[n] as Uint8Array).ok).toBe(
            true,
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
