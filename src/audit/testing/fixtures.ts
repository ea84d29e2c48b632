/** Test fixtures: a node's audit records and signing keys, made deterministically from a seed number. */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { type AuditRecord, itemDigest } from "../record.ts";

/** An Ed25519 key pair (fresh per call; heads are checked by verification, not by fixed bytes). */
export function ed25519(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("ed25519");
}

/** The i-th of a node's audit records: alternating release permits, denials, relays and receipts. */
export function sampleRecord(i: number, node = "ROK_KTMO_CELL"): AuditRecord {
  const at = new Date(Date.UTC(2023, 11, 20, 0, 0, 0) + i * 1500).toISOString();
  const itemHash = itemDigest(new TextEncoder().encode(`item ${i}`));
  const base = { v: 1 as const, node, at, item: `rok-${i}`, itemHash };
  switch (i % 4) {
    case 0:
      return {
        ...base,
        kind: "release-decision",
        sender: "KOR",
        recipient: "USA",
        route: ["KOR", "USA"],
        agreement: "usa-kor-1987",
        outcome: "permit",
        reasons: [],
      };
    case 1:
      return {
        ...base,
        kind: "release-decision",
        sender: "KOR",
        recipient: "JPN",
        route: ["KOR", "JPN"],
        outcome: "deny",
        reasons: [{ code: "CHANNEL_UNAVAILABLE", agreement: "jpn-kor-gsomia-2016" }],
      };
    case 2:
      return {
        ...base,
        kind: "relay",
        sender: "USA",
        recipient: "JPN",
        route: ["KOR", "USA", "JPN"],
        agreement: "rtwm-2023",
        outcome: "permit",
        reasons: [],
      };
    default:
      return {
        ...base,
        kind: "receipt",
        sender: "USA",
        recipient: "KOR",
        route: ["JPN", "USA", "KOR"],
        agreement: "rtwm-2023",
        outcome: "accept",
        reasons: [],
      };
  }
}

/** Records 0..n-1. */
export function sampleRecords(n: number): AuditRecord[] {
  return Array.from({ length: n }, (_, i) => sampleRecord(i));
}
