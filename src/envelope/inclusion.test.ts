import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leafHash } from "../audit/hash.ts";
import { batchTree, includedUnder, inclusionProblem } from "./inclusion.ts";

const data = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf-${i}`));

describe("batch inclusion with a cache of proven nodes", () => {
  it("accepts every leaf in any order and still refuses a forged one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer(), (n, seed) => {
        const leaves = data(n);
        const tree = batchTree(leaves);
        const known = new Set<string>();
        const order = leaves
          .map((_, i) => i)
          .sort((a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97));
        for (const i of order) {
          const path = tree.paths[i] ?? [];
          const id = (h: Uint8Array) => h;
          const leaf = leafHash(leaves[i] as Buffer);
          expect(includedUnder(leaf, i, n, path, id, tree.root, known)).toBe(true);
          const forged = leafHash(Buffer.from(`forged-${i}`));
          expect(includedUnder(forged, i, n, path, id, tree.root, known)).toBe(false);
        }
      }),
    );
  });

  it("explains a refusal: another root, a path that does not fit, a hash of the wrong size", () => {
    const leaves = data(5);
    const tree = batchTree(leaves);
    const path = tree.paths[3] ?? [];
    const leaf = leafHash(leaves[3] as Buffer);
    expect(inclusionProblem(leafHash(Buffer.from("x")), 3, 5, path, tree.root)).toMatch(/another root/);
    expect(inclusionProblem(leaf, 3, 5, path.slice(1), tree.root)).toMatch(/does not fit.*TOO_SHORT/);
    expect(inclusionProblem(leaf, 5, 5, path, tree.root)).toMatch(/does not fit/);
    expect(inclusionProblem(leaf, 3, 5, [null, ...path.slice(1)], tree.root)).toMatch(/not a canonical/);
    expect(() => batchTree([])).toThrow(RangeError);
  });
});
