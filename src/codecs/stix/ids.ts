/**
 * Deterministic STIX identifiers: UUIDv5 (RFC 9562 §5.5, SHA-1 of a namespace and a name) of the item id
 * and the object's role, so one report always maps to the same STIX ids.
 */
import { createHash } from "node:crypto";

/** Triwatch's UUIDv5 namespace for STIX identifiers (random, fixed once). */
export const TRIWATCH_STIX_NAMESPACE = "8923f02b-59e7-4340-9173-03211bdb4bb8";

const NAMESPACE_BYTES = Buffer.from(TRIWATCH_STIX_NAMESPACE.replaceAll("-", ""), "hex");

/** UUIDv5 of `name` in `namespace` bytes. */
export function uuidV5(name: string, namespace: Uint8Array = NAMESPACE_BYTES): string {
  const hash = createHash("sha1").update(namespace).update(name, "utf8").digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The STIX id (`type--uuid`) of one part of an item, e.g. `stixId("report", "KOR-IR-1", "report")`. */
export function stixId(type: string, itemId: string, part: string): string {
  return `${type}--${uuidV5(`${itemId}#${part}`)}`;
}
