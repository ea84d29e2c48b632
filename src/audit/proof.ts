/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) write it. A
 * failed check is a value naming why, never an exception: a bad proof from a partner is a finding.
 */
import { EMPTY_ROOT, equalBytes, HASH_SIZE, nodeHash } from "./hash.ts";

/** Why a proof did not verify. */
export type ProofFailure =
  | "INDEX_OUT_OF_RANGE"
  | "SIZE_OUT_OF_RANGE"
  | "BAD_HASH_SIZE"
  | "PROOF_TOO_LONG"
  | "PROOF_TOO_SHORT"
  | "NONEMPTY_PROOF"
  | "ROOT_MISMATCH"
  | "FIRST_ROOT_MISMATCH"
  | "SECOND_ROOT_MISMATCH";

/** The outcome of a proof check. */
export type ProofCheck = { ok: true } | { ok: false; failure: ProofFailure; message: string };

const OK: ProofCheck = { ok: true };
function fail(failure: ProofFailure, message: string): ProofCheck {
  return { ok: false, failure, message };
}

// fn and sn can exceed 2^31, so shifts are done arithmetically rather than with >>.
function half(x: number): number {
  return Math.floor(x / 2);
}
function lsb(x: number): boolean {
  return x % 2 === 1;
}

function badSizes(hashes: readonly Uint8Array[]): boolean {
  for (const h of hashes) if (h.length !== HASH_SIZE) return true;
  return false;
}

/**
 * The root that an audit path yields for `leafHash` at `index` in a tree of `size` leaves (§2.1.3.2
 * steps 1–4), or why none can be computed.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  path: readonly Uint8Array[],
): { ok: true; root: Uint8Array; sn: number } | { ok: false; failure: ProofFailure; message: string } {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return { ok: false, failure: "INDEX_OUT_OF_RANGE", message: `leaf ${index} is not in a tree of ${size}` };
  }
  if (leafHash.length !== HASH_SIZE || badSizes(path)) {
    return { ok: false, failure: "BAD_HASH_SIZE", message: `every hash must have ${HASH_SIZE} bytes` };
  }
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return { ok: false, failure: "PROOF_TOO_LONG", message: "audit path has extra hashes" };
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return { ok: true, root: r, sn };
}

/** RFC 9162 §2.1.3.2: does `path` prove that `leafHash` is leaf `index` of the tree of `size` with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  path: readonly Uint8Array[],
  root: Uint8Array,
): ProofCheck {
  const computed = rootFromInclusionProof(index, size, leafHash, path);
  if (!computed.ok) return computed;
  if (computed.sn !== 0) return fail("PROOF_TOO_SHORT", "audit path ends below the root");
  if (!equalBytes(computed.root, root)) return fail("ROOT_MISMATCH", "audit path leads to another root");
  return OK;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `size1` leaves with `root1` is a prefix of the
 * tree of `size2` with `root2`? The RFC's algorithm covers 0 < size1 < size2; the edges are settled as
 * follows: equal sizes need an empty proof and equal roots; size 0 needs an empty proof and the empty
 * tree's root as `root1` (every tree extends the empty one).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): ProofCheck {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2) {
    return fail("SIZE_OUT_OF_RANGE", `sizes ${size1} → ${size2} do not grow`);
  }
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE || badSizes(proof)) {
    return fail("BAD_HASH_SIZE", `every hash must have ${HASH_SIZE} bytes`);
  }
  if (size1 === 0 || size1 === size2) {
    if (proof.length !== 0) return fail("NONEMPTY_PROOF", `a proof from size ${size1} to ${size2} is empty`);
    if (size1 === 0 && !equalBytes(root1, EMPTY_ROOT)) {
      return fail("FIRST_ROOT_MISMATCH", "the root of the empty tree is SHA-256 of nothing");
    }
    if (size1 === size2 && !equalBytes(root1, root2)) {
      return fail("ROOT_MISMATCH", `two different roots for size ${size1}`);
    }
    return OK;
  }
  // Step 1.
  if (proof.length === 0) return fail("PROOF_TOO_SHORT", "the consistency proof is empty");
  // Step 2: for a power-of-two first size, the old root is itself the first node of the path.
  const path = isExactPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return fail("PROOF_TOO_LONG", "consistency proof has extra hashes");
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) return fail("PROOF_TOO_SHORT", "consistency proof ends below the root");
  if (!equalBytes(fr, root1))
    return fail("FIRST_ROOT_MISMATCH", `proof does not rebuild the root of ${size1}`);
  if (!equalBytes(sr, root2))
    return fail("SECOND_ROOT_MISMATCH", `proof does not rebuild the root of ${size2}`);
  return OK;
}

function isExactPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
