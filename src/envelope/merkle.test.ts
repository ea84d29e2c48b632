import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildMerkleTree, includedUnder, leafHash, nodeHash, rootFromInclusionProof } from "./merkle.ts";

/** RFC 9162 §2.1.1 MTH, written straight from the definition (recursive split at the largest power of two < n). */
function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leafHash(leaves[0] as Buffer);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const data = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf-${i}`));

describe("Merkle tree (RFC 9162)", () => {
  it("hashes leaves and nodes with the 0x00 / 0x01 prefixes", () => {
    const d = Buffer.from("x");
    expect(leafHash(d)).toEqual(
      createHash("sha256")
        .update(Buffer.from([0, 0x78]))
        .digest(),
    );
    const l = leafHash(d);
    expect(nodeHash(l, l)).toEqual(
      createHash("sha256")
        .update(Buffer.concat([Buffer.from([1]), l, l]))
        .digest(),
    );
  });

  it("agrees with the recursive definition and every audit path verifies, for every size up to 70", () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = data(n);
      const tree = buildMerkleTree(leaves.map(leafHash));
      expect(tree.root.equals(referenceRoot(leaves)), `n=${n}`).toBe(true);
      for (let i = 0; i < n; i++) {
        const root = rootFromInclusionProof(leafHash(leaves[i] as Buffer), i, n, tree.proof(i));
        expect(root?.equals(tree.root), `n=${n} i=${i}`).toBe(true);
      }
    }
  });

  it("rejects a path used with another leaf, index or size, or with any hash altered", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.nat(), fc.nat(), (n, a, b) => {
        const leaves = data(n);
        const tree = buildMerkleTree(leaves.map(leafHash));
        const i = a % n;
        const path = tree.proof(i);
        const leaf = leafHash(leaves[i] as Buffer);
        const other = (i + 1 + (b % (n - 1))) % n;
        const wrongLeaf = rootFromInclusionProof(leafHash(leaves[other] as Buffer), i, n, path);
        expect(wrongLeaf?.equals(tree.root) ?? false).toBe(false);
        const wrongIndex = rootFromInclusionProof(leaf, other, n, path);
        expect(wrongIndex?.equals(tree.root) ?? false).toBe(false);
        if (path.length > 0) {
          const altered = path.map((h, j) =>
            j === b % path.length ? Buffer.from(h.map((x, k) => (k === 0 ? x ^ 1 : x))) : h,
          );
          expect(rootFromInclusionProof(leaf, i, n, altered)?.equals(tree.root) ?? false).toBe(false);
          expect(rootFromInclusionProof(leaf, i, n, path.slice(1))?.equals(tree.root) ?? false).toBe(false);
        }
        expect(rootFromInclusionProof(leaf, i, n, [...path, leaf])).toBeNull();
      }),
    );
  });

  it("with a cache of proven nodes, accepts every leaf in any order and still refuses a forged one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer(), (n, seed) => {
        const leaves = data(n);
        const tree = buildMerkleTree(leaves.map(leafHash));
        const known = new Set<string>();
        const order = leaves
          .map((_, i) => i)
          .sort((a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97));
        for (const i of order) {
          const path = tree.proof(i);
          const leaf = leafHash(leaves[i] as Buffer);
          expect(includedUnder(leaf, i, n, path.length, (j) => path[j] ?? null, tree.root, known)).toBe(true);
          const forged = leafHash(Buffer.from(`forged-${i}`));
          expect(includedUnder(forged, i, n, path.length, (j) => path[j] ?? null, tree.root, known)).toBe(
            false,
          );
        }
      }),
    );
  });

  it("refuses indices outside the tree", () => {
    const tree = buildMerkleTree(data(3).map(leafHash));
    expect(() => tree.proof(3)).toThrow(RangeError);
    expect(rootFromInclusionProof(tree.root, 3, 3, [])).toBeNull();
    expect(rootFromInclusionProof(tree.root, -1, 3, [])).toBeNull();
    expect(() => buildMerkleTree([])).toThrow(RangeError);
  });
});
