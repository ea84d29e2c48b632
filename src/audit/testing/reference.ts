/**
 * A test oracle: RFC 9162 §2.1 MTH, PATH and PROOF written as the RFC's recursive definitions over a
 * list of leaves, with no memo and no cleverness, to check the efficient log against.
 */
import { EMPTY_ROOT, leafHash, nodeHash } from "../hash.ts";

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH(D[n]). */
export function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHash(leaves[0] as Uint8Array);
  const s = k(n);
  return nodeHash(referenceRoot(leaves.slice(0, s)), referenceRoot(leaves.slice(s)));
}

/** PATH(m, D[n]). */
export function referencePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n <= 1) return [];
  const s = k(n);
  if (m < s) return [...referencePath(m, leaves.slice(0, s)), referenceRoot(leaves.slice(s))];
  return [...referencePath(m - s, leaves.slice(s)), referenceRoot(leaves.slice(0, s))];
}

function subproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [referenceRoot(leaves)];
  const s = k(n);
  if (m <= s) return [...subproof(m, leaves.slice(0, s), b), referenceRoot(leaves.slice(s))];
  return [...subproof(m - s, leaves.slice(s), false), referenceRoot(leaves.slice(0, s))];
}

/** PROOF(m, D[n]) for 0 < m ≤ n. */
export function referenceConsistency(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, leaves, true);
}
