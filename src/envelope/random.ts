/**
 * Random 128-bit identifiers (envelope entry ids, release nonces), drawn from a pooled CSPRNG buffer:
 * one `randomBytes` call costs more than the rest of an id, and the hot path makes two per track.
 */
import { randomFillSync } from "node:crypto";

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

/** 16 fresh random bytes, base64url (22 characters). */
export function randomId(): string {
  if (offset + 16 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const id = POOL.toString("base64url", offset, offset + 16);
  POOL.fill(0, offset, offset + 16); // never hand out the same bytes twice, even if reused by mistake
  offset += 16;
  return id;
}
