/**
 * Batch Merkle trees on the audit core's RFC 9162 code (`MerkleLog`, `nodeHash`, `verifyInclusion`), plus
 * the one thing the envelope adds: an inclusion check that stops at a node already proven for the same
 * batch, so a receiver of a whole batch hashes about two nodes per item instead of log2(n).
 */

import { nodeHash } from "../audit/hash.ts";
import { verifyInclusion } from "../audit/proof.ts";
import { MerkleLog } from "../audit/tree.ts";

/** A batch tree: its root and each leaf's audit path (bottom-up, RFC 9162 PATH), built by the audit core. */
export function batchTree(leaves: readonly Uint8Array[]): { root: Uint8Array; paths: Uint8Array[][] } {
  if (leaves.length === 0) throw new RangeError("a batch tree needs at least one leaf");
  const log = new MerkleLog();
  for (const leaf of leaves) log.append(leaf);
  return { root: log.root(), paths: leaves.map((_, i) => log.inclusionProof(i)) };
}

// A node's key in the cache: its 32 bytes as a latin1 string (one char per byte, the cheapest exact key).
const keyOf = (h: Uint8Array) => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("latin1");

/**
 * Whether `leaf` (a leaf hash) is leaf `index` of the batch tree of `size` under `root`: RFC 9162
 * §2.1.3.2, as the audit core's `rootFromInclusionProof` walks it, but stopping early at a node in
 * `known` (nodes already proven to belong to this tree, which it extends). Reaching an authentic interior
 * node from the leaf proves inclusion. Path entries are decoded lazily by `decode` (null: not a 32-byte
 * hash), so a walk that stops early decodes only what it read.
 */
export function includedUnder<P>(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly P[],
  decode: (p: P) => Uint8Array | null,
  root: Uint8Array,
  known: Set<string>,
): boolean {
  const pathLength = path.length;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  const seen: string[] = [];
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  let i = 0;
  for (; i < pathLength; i++) {
    const entry = path[i];
    const p = entry === undefined ? null : decode(entry);
    if (!p || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
    const key = keyOf(r);
    if (known.has(key)) break;
    seen.push(key);
  }
  if (i === pathLength && !(sn === 0 && Buffer.compare(r, root) === 0)) return false;
  for (const k of seen) known.add(k);
  return true;
}

/** Why a batch audit path fails, for the refusal's detail (the slow path, after `includedUnder` said no). */
export function inclusionProblem(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly (Uint8Array | null)[],
  root: Uint8Array,
): string {
  if (path.some((h) => h === null)) return "audit path entry is not a canonical SHA-256 hash";
  const check = verifyInclusion(index, size, leaf, path as Uint8Array[], root);
  if (check.ok) return "audit path holds a node proven for another leaf";
  return check.failure === "ROOT_MISMATCH"
    ? "audit path leads to another root"
    : `audit path does not fit leaf ${index} of ${size} (${check.failure})`;
}
