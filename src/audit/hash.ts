/**
 * RFC 9162 §2.1.1 hashing with SHA-256: a leaf is hashed as SHA-256(0x00 || leaf) and an interior node as
 * SHA-256(0x01 || left || right), so no leaf can pass for a node (second-preimage resistance).
 */
import { hash } from "node:crypto";

/** Bytes in a SHA-256 digest, and so in every tree hash. */
export const HASH_SIZE = 32;

/** An unexpected failure of the audit core (a caller's bug, not a finding): stable `code`, readable message. */
export class AuditError extends Error {
  constructor(
    readonly code:
      | "INDEX_OUT_OF_RANGE"
      | "SIZE_OUT_OF_RANGE"
      | "BAD_HASH_SIZE"
      | "NOT_CANONICAL_JSON"
      | "BAD_KEY",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AuditError";
  }
}

/** SHA-256 of arbitrary bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  return hash("sha256", data, "buffer");
}

/** MTH({}) = SHA-256() : the root of the empty tree. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + leaf.length);
  buf[0] = 0x00;
  buf.set(leaf, 1);
  return sha256(buf);
}

// One scratch buffer for every node hash: node hashing is the hot path of appends and verification, and
// the input has a fixed size, so no allocation is needed beyond the digest itself.
const scratch = new Uint8Array(1 + 2 * HASH_SIZE);
scratch[0] = 0x01;

/** SHA-256(0x01 || left || right); both children must be 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new AuditError("BAD_HASH_SIZE", `node children must be ${HASH_SIZE} bytes`);
  }
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return sha256(scratch);
}

/** Constant-shape byte equality (lengths first). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Lower-case hex of bytes (for messages and test vectors). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes of a hex string. */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}
