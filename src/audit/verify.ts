/**
 * Checks an auditor or partner runs over what a node gives it: the records of a log against a signed
 * head, one record's inclusion, two heads' consistency, and where two copies of a log part ways.
 */
import type { KeyObject } from "node:crypto";
import { equalBytes, leafHash } from "./hash.ts";
import { fromBase64, type HeadFailure, type SignedTreeHead, verifyTreeHead } from "./head.ts";
import { type ProofFailure, verifyConsistency, verifyInclusion } from "./proof.ts";
import { type AuditRecord, encodeRecord } from "./record.ts";
import { MerkleLog } from "./tree.ts";

/** Why a log, a record or a pair of heads failed a check. */
export type LogFailure = HeadFailure | ProofFailure | "TOO_FEW_RECORDS" | "DIFFERENT_LOGS";

/** The outcome of a log check. */
export type LogCheck = { ok: true } | { ok: false; failure: LogFailure; message: string };

function fail(failure: LogFailure, message: string): LogCheck {
  return { ok: false, failure, message };
}

/** The Merkle log whose leaves are these records' canonical encodings, in order. */
export function logOfRecords(records: readonly AuditRecord[]): MerkleLog {
  const log = new MerkleLog();
  for (const r of records) log.append(encodeRecord(r));
  return log;
}

/**
 * Recomputes the log from `records` once and compares it with each signed head: the first `treeSize`
 * records must rebuild that head's root exactly. A changed, dropped, inserted or reordered record fails
 * with ROOT_MISMATCH (or TOO_FEW_RECORDS); records beyond a head's size are not covered by it. A failure
 * names the index of the head it concerns.
 */
export function verifyLog(
  records: readonly AuditRecord[],
  heads: SignedTreeHead | readonly SignedTreeHead[],
  publicKey: KeyObject,
): LogCheck & { head?: number } {
  const list: readonly SignedTreeHead[] = Array.isArray(heads) ? heads : [heads as SignedTreeHead];
  const log = logOfRecords(records);
  for (const [i, head] of list.entries()) {
    const checked = verifyTreeHead(head, publicKey);
    if (!checked.ok) return { ...checked, head: i };
    if (records.length < head.treeSize) {
      return {
        ...fail("TOO_FEW_RECORDS", `${records.length} records for a head of ${head.treeSize}`),
        head: i,
      };
    }
    if (!equalBytes(log.root(head.treeSize), checked.root)) {
      const message = `the records do not rebuild the root of ${head.logId}@${head.treeSize}`;
      return { ...fail("ROOT_MISMATCH", message), head: i };
    }
  }
  return { ok: true };
}

/** Checks that `record` is leaf `index` of the log that `head` signs, by the audit path `proof`. */
export function verifyRecordInclusion(
  record: AuditRecord,
  index: number,
  proof: readonly Uint8Array[],
  head: SignedTreeHead,
  publicKey: KeyObject,
): LogCheck {
  const checked = verifyTreeHead(head, publicKey);
  if (!checked.ok) return checked;
  return verifyInclusion(index, head.treeSize, leafHash(encodeRecord(record)), proof, checked.root);
}

/** Checks two signed heads of one log, and that `proof` shows the smaller tree is a prefix of the larger. */
export function verifyHeadConsistency(
  older: SignedTreeHead,
  newer: SignedTreeHead,
  proof: readonly Uint8Array[],
  publicKey: KeyObject,
): LogCheck {
  const a = verifyTreeHead(older, publicKey);
  if (!a.ok) return a;
  const b = verifyTreeHead(newer, publicKey);
  if (!b.ok) return b;
  if (older.logId !== newer.logId) return fail("DIFFERENT_LOGS", `${older.logId} and ${newer.logId}`);
  return verifyConsistency(older.treeSize, newer.treeSize, proof, a.root, b.root);
}

/**
 * The index of the first leaf at which two copies of a log differ, found by bisecting on prefix roots
 * (O(log² n) hashes): `undefined` when one is a prefix of the other (equal copies included), so a
 * dropped tail shows as a size difference and anything else as an index.
 */
export function firstDivergence(a: MerkleLog, b: MerkleLog): number | undefined {
  const common = Math.min(a.size, b.size);
  if (equalBytes(a.root(common), b.root(common))) return undefined;
  // Invariant: prefixes of size lo agree, prefixes of size hi differ.
  let lo = 0;
  let hi = common;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (equalBytes(a.root(mid), b.root(mid))) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** Decodes proof hashes sent as base64. */
export function proofFromBase64(hashes: readonly string[]): Uint8Array[] {
  return hashes.map(fromBase64);
}
