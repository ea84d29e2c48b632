// An auditor's checks over a node's records: rebuild against a signed head, inclusion, consistency, and
// locating the first leaf where two copies of a log differ.
import { describe, expect, it } from "vitest";
import { signTreeHead, treeHeadOf } from "./head.ts";
import type { AuditRecord } from "./record.ts";
import { ed25519, sampleRecord, sampleRecords } from "./testing/fixtures.ts";
import {
  firstDivergence,
  logOfRecords,
  verifyHeadConsistency,
  verifyLog,
  verifyRecordInclusion,
} from "./verify.ts";

const NODE = "ROK_KTMO_CELL";
const T0 = Date.UTC(2023, 11, 20);
const keys = ed25519();
const headOf = (records: readonly AuditRecord[], at = T0) =>
  signTreeHead(treeHeadOf(logOfRecords(records), NODE, at), keys.privateKey);

describe("verifyLog", () => {
  const records = sampleRecords(21);
  const head = headOf(records);

  it("accepts the records that rebuild the signed root, and ignores records after the head", () => {
    expect(verifyLog(records, head, keys.publicKey)).toEqual({ ok: true });
    expect(verifyLog([...records, sampleRecord(21)], head, keys.publicKey)).toEqual({ ok: true });
  });

  it("detects a changed record, a dropped record, a substituted record and a reordering", () => {
    const changed = records.map((r, i) => (i === 6 ? { ...r, at: "2023-12-20T00:00:09.001Z" } : r));
    expect(verifyLog(changed, head, keys.publicKey)).toMatchObject({ ok: false, failure: "ROOT_MISMATCH" });
    const dropped = records.filter((_, i) => i !== 6);
    expect(verifyLog(dropped, head, keys.publicKey)).toMatchObject({ ok: false, failure: "TOO_FEW_RECORDS" });
    const padded = [...dropped, sampleRecord(99)];
    expect(verifyLog(padded, head, keys.publicKey)).toMatchObject({ ok: false, failure: "ROOT_MISMATCH" });
    const swapped = [...records];
    [swapped[2], swapped[3]] = [records[3] as AuditRecord, records[2] as AuditRecord];
    expect(verifyLog(swapped, head, keys.publicKey)).toMatchObject({ ok: false, failure: "ROOT_MISMATCH" });
  });

  it("checks every head a partner holds against one rebuild, naming the one that fails", () => {
    const heads = [headOf(records.slice(0, 5)), headOf(records.slice(0, 13)), head];
    expect(verifyLog(records, heads, keys.publicKey)).toEqual({ ok: true });
    const changed = records.map((r, i) => (i === 8 ? { ...r, item: "edited" } : r));
    expect(verifyLog(changed, heads, keys.publicKey)).toMatchObject({
      ok: false,
      failure: "ROOT_MISMATCH",
      head: 1,
    });
  });

  it("refuses a head that does not verify before looking at records", () => {
    expect(verifyLog(records, { ...head, treeSize: 20 }, keys.publicKey)).toMatchObject({
      failure: "BAD_SIGNATURE",
    });
  });
});

describe("verifyRecordInclusion and verifyHeadConsistency", () => {
  const records = sampleRecords(13);
  const log = logOfRecords(records);
  const head = signTreeHead(treeHeadOf(log, NODE, T0), keys.privateKey);

  it("proves every record's place in the signed log, and no other record's", () => {
    records.forEach((r, i) => {
      expect(verifyRecordInclusion(r, i, log.inclusionProof(i), head, keys.publicKey)).toEqual({ ok: true });
    });
    const proof = log.inclusionProof(4);
    const edited = { ...(records[4] as AuditRecord), recipient: "JPN" as const, route: ["KOR", "JPN"] };
    expect(verifyRecordInclusion(edited, 4, proof, head, keys.publicKey)).toMatchObject({
      failure: "ROOT_MISMATCH",
    });
    expect(verifyRecordInclusion(records[5] as AuditRecord, 4, proof, head, keys.publicKey).ok).toBe(false);
  });

  it("joins an older and a newer head of one log, and refuses a rewritten one", () => {
    const older = headOf(records.slice(0, 6));
    expect(verifyHeadConsistency(older, head, log.consistencyProof(6), keys.publicKey)).toEqual({ ok: true });
    const rewritten = headOf([sampleRecord(50), ...records.slice(1)], T0 + 1);
    const proof = logOfRecords([sampleRecord(50), ...records.slice(1)]).consistencyProof(6);
    expect(verifyHeadConsistency(older, rewritten, proof, keys.publicKey)).toMatchObject({
      ok: false,
      failure: "FIRST_ROOT_MISMATCH",
    });
    const otherLog = signTreeHead(treeHeadOf(log, "JSDF", T0), keys.privateKey);
    expect(verifyHeadConsistency(older, otherLog, log.consistencyProof(6), keys.publicKey)).toMatchObject({
      failure: "DIFFERENT_LOGS",
    });
  });
});

describe("firstDivergence", () => {
  const records = sampleRecords(40);
  const log = logOfRecords(records);

  it("names the first changed leaf, or the first leaf after a dropped one", () => {
    for (const at of [0, 1, 7, 31, 39]) {
      const changed = records.map((r, i) => (i === at ? { ...r, item: "edited" } : r));
      expect(firstDivergence(log, logOfRecords(changed))).toBe(at);
      expect(firstDivergence(log, logOfRecords(records.filter((_, i) => i !== at)))).toBe(
        at === 39 ? undefined : at,
      );
    }
  });

  it("finds nothing between a log and its own prefix", () => {
    expect(firstDivergence(log, logOfRecords(records.slice(0, 17)))).toBeUndefined();
    expect(firstDivergence(log, log)).toBeUndefined();
  });
});
