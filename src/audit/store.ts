/**
 * Where leaf hashes live. The tree needs only positional reads and appends, so a persistent store (a table
 * keyed by index, a flat file) can later stand in for the in-memory one by implementing `LeafHashStore`.
 */
import { AuditError, HASH_SIZE } from "./hash.ts";

/** An append-only sequence of 32-byte leaf hashes, read by position. */
export interface LeafHashStore {
  /** Number of hashes stored. */
  size(): number;
  /** The hash at `index` (0 ≤ index < size()); callers must not modify the returned bytes. */
  get(index: number): Uint8Array;
  /** Appends one 32-byte hash; returns its index. */
  append(hash: Uint8Array): number;
}

/**
 * A growable array of 32-byte hashes in one contiguous buffer: no object per hash, so a million hashes
 * cost 32 MB and reads are views, not copies.
 */
export class HashArray {
  #bytes: Uint8Array;
  #count = 0;

  constructor(initialCapacity = 1024) {
    this.#bytes = new Uint8Array(Math.max(1, initialCapacity) * HASH_SIZE);
  }

  /** Number of hashes held. */
  get length(): number {
    return this.#count;
  }

  /**
   * A view of hash `index`, not a copy: callers must not write to it. It stays valid after the buffer
   * grows (the old buffer keeps the same bytes, since hashes are never overwritten).
   */
  at(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.#count) {
      throw new AuditError("INDEX_OUT_OF_RANGE", `hash ${index} of ${this.#count}`);
    }
    const start = index * HASH_SIZE;
    return this.#bytes.subarray(start, start + HASH_SIZE);
  }

  /** Copies `hash` in at the end; returns its index. */
  push(hash: Uint8Array): number {
    if (hash.length !== HASH_SIZE) throw new AuditError("BAD_HASH_SIZE", `a hash has ${HASH_SIZE} bytes`);
    const end = (this.#count + 1) * HASH_SIZE;
    if (end > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#count * HASH_SIZE));
      this.#bytes = grown;
    }
    this.#bytes.set(hash, this.#count * HASH_SIZE);
    return this.#count++;
  }
}

/** `LeafHashStore` held in memory. */
export class MemoryLeafHashStore implements LeafHashStore {
  readonly #hashes = new HashArray();

  /** Number of hashes stored. */
  size(): number {
    return this.#hashes.length;
  }

  /** The hash at `index`. */
  get(index: number): Uint8Array {
    return this.#hashes.at(index);
  }

  /** Appends one 32-byte hash. */
  append(hash: Uint8Array): number {
    return this.#hashes.push(hash);
  }
}
