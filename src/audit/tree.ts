/**
 * An append-only Merkle tree with RFC 9162 §2.1 hashing, for trees of any size.
 *
 * Besides the leaf hashes (in a `LeafHashStore`) it memoises the hash of every complete, aligned subtree
 * of 2^k leaves (k ≥ 1): appending a leaf completes on average one such subtree, so an append costs one
 * leaf hash plus one node hash amortised, and the rightmost subtree of each level is the compact range
 * ("frontier") from which the current root is folded. Any MTH(D[lo:hi]) the RFC's recursion asks for is a
 * complete subtree (one memo read) or a left complete subtree beside a smaller right remainder, so a root,
 * an audit path or a consistency proof at any past size costs O(log² n) hashes at worst and O(log n) reads,
 * never a pass over the leaves. Memory: the leaf hashes plus about as many again for the memo.
 */
import { AuditError, EMPTY_ROOT, leafHash, nodeHash } from "./hash.ts";
import { HashArray, type LeafHashStore, MemoryLeafHashStore } from "./store.ts";

/** Largest tree size supported (index arithmetic uses 32-bit counts of leading zeros). */
export const MAX_TREE_SIZE = 2 ** 32;

/** The largest power of two strictly less than n, for 2 ≤ n ≤ 2^32: the k of RFC 9162's split. */
export function splitPoint(n: number): number {
  return 2 ** (31 - Math.clz32(n - 1));
}

// Bit operations are exact up to 2^30; beyond that the same questions are asked arithmetically.
function isPowerOfTwo(n: number): boolean {
  if (n <= 0x40000000) return n >= 1 && (n & (n - 1)) === 0;
  return 2 ** Math.round(Math.log2(n)) === n;
}

function log2(powerOfTwo: number): number {
  return powerOfTwo <= 0x40000000 ? 31 - Math.clz32(powerOfTwo) : Math.round(Math.log2(powerOfTwo));
}

function copy(hash: Uint8Array): Uint8Array {
  return new Uint8Array(hash);
}

/** An append-only Merkle log over a leaf-hash store. */
export class MerkleLog {
  readonly #leaves: LeafHashStore;
  /** #levels[k - 1] holds, at index j, MTH(D[j·2^k : (j+1)·2^k]). */
  readonly #levels: HashArray[] = [];

  /**
   * A log over `store` (empty by default). Leaves already in the store are replayed once to rebuild the
   * memo, so a persistent store reopens in O(n) hashes and is O(1) per append afterwards.
   */
  constructor(store: LeafHashStore = new MemoryLeafHashStore()) {
    this.#leaves = store;
    const n = store.size();
    for (let i = 0; i < n; i++) this.#memoise(i + 1, store.get(i));
  }

  /** Number of leaves. */
  get size(): number {
    return this.#leaves.size();
  }

  /** Appends a leaf (its bytes; the log stores SHA-256(0x00 || leaf)); returns its index. */
  append(leaf: Uint8Array): number {
    return this.appendLeafHash(leafHash(leaf));
  }

  /** Appends an already computed leaf hash; returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    if (this.#leaves.size() >= MAX_TREE_SIZE) {
      throw new AuditError("SIZE_OUT_OF_RANGE", `a log holds at most ${MAX_TREE_SIZE} leaves`);
    }
    const index = this.#leaves.append(hash);
    this.#memoise(index + 1, hash);
    return index;
  }

  /** The leaf hash at `index` (a copy). */
  leafHash(index: number): Uint8Array {
    this.#checkIndex(index, this.size);
    return copy(this.#leaves.get(index));
  }

  /** MTH of the first `size` leaves (the current size by default); the empty tree's root for size 0. */
  root(size: number = this.size): Uint8Array {
    this.#checkSize(size);
    return size === 0 ? copy(EMPTY_ROOT) : copy(this.#mth(0, size));
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]): the audit path of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size);
    this.#checkIndex(index, size);
    const path: Uint8Array[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        path.push(copy(this.#mth(lo + k, hi)));
        hi = lo + k;
      } else {
        path.push(copy(this.#mth(lo, lo + k)));
        lo += k;
      }
    }
    // Found from the root down; the RFC lists the path from the leaf up.
    return path.reverse();
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(size1, D[size2]): the consistency proof from the tree of `size1` leaves to
   * the tree of `size2` (the current size by default). Empty when size1 is 0 or equals size2.
   */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.#checkSize(size2);
    if (!Number.isInteger(size1) || size1 < 0 || size1 > size2) {
      throw new AuditError("SIZE_OUT_OF_RANGE", `first size ${size1} is not within 0..${size2}`);
    }
    const proof: Uint8Array[] = [];
    if (size1 === 0 || size1 === size2) return proof;
    // SUBPROOF(m, D[lo:hi], b), unrolled: each step descends into one side and records the other.
    let m = size1;
    let lo = 0;
    let hi = size2;
    let whole = true; // b: the subtree of the first m leaves is the whole old tree
    for (;;) {
      const n = hi - lo;
      if (m === n) {
        if (!whole) proof.push(copy(this.#mth(lo, hi)));
        break;
      }
      const k = splitPoint(n);
      if (m <= k) {
        proof.push(copy(this.#mth(lo + k, hi)));
        hi = lo + k;
      } else {
        proof.push(copy(this.#mth(lo, lo + k)));
        lo += k;
        m -= k;
        whole = false;
      }
    }
    // SUBPROOF(inner) : MTH(outer): the innermost hash comes first.
    return proof.reverse();
  }

  /** MTH(D[lo:hi]) for 0 ≤ lo < hi ≤ size, from the memo where the range is a complete aligned subtree. */
  #mth(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if (n === 1) return this.#leaves.get(lo);
    if (isPowerOfTwo(n) && lo % n === 0) {
      const level = this.#levels[log2(n) - 1];
      if (level && lo / n < level.length) return level.at(lo / n);
    }
    const k = splitPoint(n);
    return nodeHash(this.#mth(lo, lo + k), this.#mth(lo + k, hi));
  }

  /** Records the complete subtrees that the leaf making the size `n` finishes. */
  #memoise(n: number, hash: Uint8Array): void {
    let acc = hash;
    let q = n;
    let k = 0;
    while (q % 2 === 0) {
      q /= 2;
      k++;
      // Node q-1 at level k: left child 2q-2 at level k-1, right child the one just finished (acc).
      const left = k === 1 ? this.#leaves.get(n - 2) : (this.#levels[k - 2] as HashArray).at(2 * q - 2);
      acc = nodeHash(left, acc);
      let level = this.#levels[k - 1];
      if (!level) {
        level = new HashArray(16);
        this.#levels.push(level);
      }
      level.push(acc);
    }
  }

  #checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) {
      throw new AuditError("SIZE_OUT_OF_RANGE", `tree size ${size} is not within 0..${this.size}`);
    }
  }

  #checkIndex(index: number, size: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new AuditError("INDEX_OUT_OF_RANGE", `leaf ${index} is not in a tree of ${size} leaves`);
    }
  }
}
