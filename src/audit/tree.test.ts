// Known-answer tests for the Merkle log, and an exhaustive comparison with the RFC's recursive definitions.
import { describe, expect, it } from "vitest";
import { AuditError, EMPTY_ROOT, fromHex, leafHash, nodeHash, toHex } from "./hash.ts";
import { verifyConsistency, verifyInclusion } from "./proof.ts";
import { MemoryLeafHashStore } from "./store.ts";
import { referenceConsistency, referencePath, referenceRoot } from "./testing/reference.ts";
import { MerkleLog, splitPoint } from "./tree.ts";

// Test vectors from github.com/transparency-dev/merkle (formerly google/trillian merkle/testonly):
//  - rfc6962/rfc6962_test.go (commit 78493b07ef9b552e3379abf9e23d4da26fbe797c): hasher vectors;
//  - proof/verify_test.go (commit 02194e9afb6c1d95b5381350007963aa70fff472): leaves, roots per size,
//    inclusion proofs {leaf (1-based), size, path} and consistency proofs {size1, size2, proof}.
const LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(fromHex);
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const INCLUSION: { leaf: number; size: number; path: string[] }[] = [
  { leaf: 1, size: 1, path: [] },
  {
    leaf: 1,
    size: 8,
    path: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    leaf: 6,
    size: 8,
    path: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { leaf: 3, size: 3, path: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    leaf: 2,
    size: 5,
    path: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];
const CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

function vectorLog(): MerkleLog {
  const log = new MerkleLog();
  for (const leaf of LEAVES) log.append(leaf);
  return log;
}

const hex = (hashes: Uint8Array[]) => hashes.map(toHex);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("RFC 6962/9162 hashing", () => {
  it("matches the published hasher vectors", () => {
    expect(toHex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    );
    expect(toHex(leafHash(utf8("L123456")))).toBe(
      "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
    );
  });

  it("refuses node children that are not 32 bytes", () => {
    expect(() => nodeHash(utf8("N123"), utf8("N456"))).toThrow(AuditError);
  });
});

describe("MerkleLog against the published vectors", () => {
  it("has the published root at every size 1..8, including past sizes", () => {
    const log = new MerkleLog();
    LEAVES.forEach((leaf, i) => {
      log.append(leaf);
      expect(toHex(log.root())).toBe(ROOTS[i]);
    });
    for (const [i, root] of ROOTS.entries()) expect(toHex(log.root(i + 1))).toBe(root);
    expect(toHex(log.root(0))).toBe(toHex(EMPTY_ROOT));
  });

  it.each(INCLUSION)(
    "generates and verifies the audit path of leaf $leaf in a tree of $size",
    ({ leaf, size, path }) => {
      const log = vectorLog();
      const proof = log.inclusionProof(leaf - 1, size);
      expect(hex(proof)).toEqual(path);
      const root = fromHex(ROOTS[size - 1] as string);
      const hash = leafHash(LEAVES[leaf - 1] as Uint8Array);
      expect(verifyInclusion(leaf - 1, size, hash, proof, root)).toEqual({ ok: true });
      // Wrong index, wrong size, wrong leaf: none verify.
      expect(verifyInclusion(leaf, size, hash, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaf - 1, size * 2, hash, proof, root).ok).toBe(false);
      expect(verifyInclusion(leaf - 1, size, leafHash(utf8("WrongLeaf")), proof, root).ok).toBe(false);
      expect(verifyInclusion(leaf - 1, size, hash, [...proof, root], root).ok).toBe(false);
      expect(verifyInclusion(leaf - 1, size, hash, [root, ...proof], root).ok).toBe(false);
      if (proof.length > 0)
        expect(verifyInclusion(leaf - 1, size, hash, proof.slice(1), root).ok).toBe(false);
    },
  );

  it.each(CONSISTENCY)(
    "generates and verifies the consistency proof $size1 → $size2",
    ({ size1, size2, proof }) => {
      const log = vectorLog();
      const generated = log.consistencyProof(size1, size2);
      expect(hex(generated)).toEqual(proof);
      const root1 = fromHex(ROOTS[size1 - 1] as string);
      const root2 = fromHex(ROOTS[size2 - 1] as string);
      expect(verifyConsistency(size1, size2, generated, root1, root2)).toEqual({ ok: true });
      if (size1 !== size2) {
        expect(verifyConsistency(size1, size2, generated, root2, root1).ok).toBe(false);
        expect(verifyConsistency(size1, size2, [], root1, root2).ok).toBe(false);
        expect(verifyConsistency(size1, size2, generated.slice(0, -1), root1, root2).ok).toBe(false);
        expect(verifyConsistency(size1, size2, [...generated, root2], root1, root2).ok).toBe(false);
        expect(verifyConsistency(size1 + 1, size2, generated, root1, root2).ok).toBe(false);
      }
    },
  );

  it("settles the edge cases: empty trees, equal sizes, shrinking", () => {
    const r1 = fromHex(ROOTS[0] as string);
    const r2 = fromHex(ROOTS[1] as string);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT).ok).toBe(true);
    expect(verifyConsistency(0, 1, [], EMPTY_ROOT, r1).ok).toBe(true);
    expect(verifyConsistency(0, 1, [], r1, r1).ok).toBe(false);
    expect(verifyConsistency(0, 1, [EMPTY_ROOT], EMPTY_ROOT, r1).ok).toBe(false);
    expect(verifyConsistency(1, 1, [], r1, r1).ok).toBe(true);
    expect(verifyConsistency(1, 1, [], r1, r2).ok).toBe(false);
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], r1, r1).ok).toBe(false);
    expect(verifyConsistency(2, 1, [], r2, r1).ok).toBe(false);
    expect(verifyInclusion(0, 0, r1, [], r1).ok).toBe(false);
    expect(verifyInclusion(0, 1, r1, [], r1).ok).toBe(true);
    expect(verifyInclusion(0, 1, r1, [], new Uint8Array(0)).ok).toBe(false);
    // An interior node offered as a leaf with a short path must not pass for the root (RFC step 5: sn = 0).
    const r8 = fromHex(ROOTS[7] as string);
    expect(verifyInclusion(0, 8, r8, [], r8)).toMatchObject({ ok: false, failure: "PROOF_TOO_SHORT" });
    const log = vectorLog();
    const g = nodeHash(log.leafHash(0), log.leafHash(1));
    expect(verifyInclusion(0, 8, g, log.inclusionProof(0, 8).slice(1), r8).ok).toBe(false);
    // A truncated consistency proof rebuilds a smaller tree's root: it must not pass for the larger size.
    const short = log.consistencyProof(2, 8).slice(0, -1);
    expect(verifyConsistency(2, 4, short, log.root(2), log.root(4)).ok).toBe(true);
    expect(verifyConsistency(2, 8, short, log.root(2), log.root(4))).toMatchObject({
      failure: "PROOF_TOO_SHORT",
    });
  });

  it("rejects out-of-range requests with a stable code", () => {
    const log = vectorLog();
    expect(() => log.inclusionProof(8)).toThrow(expect.objectContaining({ code: "INDEX_OUT_OF_RANGE" }));
    expect(() => log.inclusionProof(0, 9)).toThrow(expect.objectContaining({ code: "SIZE_OUT_OF_RANGE" }));
    expect(() => log.consistencyProof(5, 4)).toThrow(expect.objectContaining({ code: "SIZE_OUT_OF_RANGE" }));
    expect(() => log.root(-1)).toThrow(AuditError);
    expect(() => log.leafHash(1.5)).toThrow(AuditError);
  });
});

describe("MerkleLog against the RFC's recursive definitions", () => {
  const N = 64;
  const leaves = Array.from({ length: N }, (_, i) => utf8(`leaf ${i}`));
  const log = new MerkleLog();
  for (const leaf of leaves) log.append(leaf);

  it("agrees on MTH, every PATH and every PROOF for all sizes 1..64", () => {
    for (let n = 1; n <= N; n++) {
      const prefix = leaves.slice(0, n);
      const root = referenceRoot(prefix);
      expect(toHex(log.root(n))).toBe(toHex(root));
      for (let m = 0; m < n; m++) {
        const path = log.inclusionProof(m, n);
        expect(hex(path)).toEqual(hex(referencePath(m, prefix)));
        expect(verifyInclusion(m, n, log.leafHash(m), path, root).ok).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = log.consistencyProof(m, n);
        expect(hex(proof)).toEqual(hex(referenceConsistency(m, prefix)));
        expect(verifyConsistency(m, n, proof, log.root(m), root).ok).toBe(true);
      }
    }
  });

  it("reopens over a store that already holds leaves, with the same roots", () => {
    const store = new MemoryLeafHashStore();
    for (let i = 0; i < 37; i++) store.append(log.leafHash(i));
    const reopened = new MerkleLog(store);
    expect(reopened.size).toBe(37);
    expect(toHex(reopened.root())).toBe(toHex(log.root(37)));
    reopened.append(leaves[37] as Uint8Array);
    expect(toHex(reopened.root())).toBe(toHex(log.root(38)));
    expect(hex(reopened.consistencyProof(5))).toEqual(hex(log.consistencyProof(5, 38)));
  });

  it("splits at the largest power of two below n", () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 31, 2 ** 31 + 1, 2 ** 32].map(splitPoint)).toEqual([
      1,
      2,
      2,
      4,
      4,
      8,
      2 ** 30,
      2 ** 31,
      2 ** 31,
    ]);
  });

  it("hands out copies: changing a returned hash does not change the log", () => {
    const before = toHex(log.root());
    log.leafHash(3).fill(0);
    log.root().fill(0);
    for (const h of log.inclusionProof(3)) h.fill(0);
    expect(toHex(log.root())).toBe(before);
  });
});
