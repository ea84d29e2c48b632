// Audit records: the schema's rules, canonical leaf bytes, and records made from real policy decisions.
// (The policy core is imported here, in a test only, to hold the audit core's DecisionSummary to the
// shape of policy's Decision; the audit source itself imports nothing but the model.)
import { describe, expect, it } from "vitest";
import { project, t, trackExample } from "../../test/helpers/policy.ts";
import type { Decision } from "../policy/decide.ts";
import { decide } from "../policy/decide.ts";
import { toHex } from "./hash.ts";
import {
  AuditRecord,
  type DecisionContext,
  type DecisionSummary,
  decisionRecord,
  decodeRecord,
  encodeRecord,
  itemDigest,
} from "./record.ts";

// Compile-time: every policy Decision is a DecisionSummary.
const fits = (d: Decision): DecisionSummary => d;

const digest = itemDigest(new TextEncoder().encode('{"id":"rok-1"}'));
const receipt: AuditRecord = {
  v: 1,
  kind: "receipt",
  node: "JSDF",
  at: "2023-12-20T00:00:05.250Z",
  item: "rok-1",
  sender: "USA",
  recipient: "JPN",
  route: ["KOR", "USA", "JPN"],
  agreement: "rtwm-2023",
  outcome: "accept",
  reasons: [],
  itemHash: digest,
};

describe("AuditRecord", () => {
  it("accepts a well-formed receipt and encodes it canonically, whatever the key order", () => {
    expect(AuditRecord.parse(receipt)).toEqual(receipt);
    const reordered = Object.fromEntries(Object.entries(receipt).reverse()) as AuditRecord;
    expect(toHex(encodeRecord(reordered))).toBe(toHex(encodeRecord(receipt)));
    expect(new TextDecoder().decode(encodeRecord(receipt))).toMatch(/^\{"agreement":"rtwm-2023","at":/);
  });

  it.each([
    ["an outcome the kind cannot have", { outcome: "permit" }, "outcome"],
    ["a refusal without reasons", { kind: "rejection", outcome: "reject" }, "reasons"],
    ["reasons on an acceptance", { reasons: [{ code: "BAD_SIGNATURE" }] }, "reasons"],
    [
      "a permit without its agreement",
      { kind: "relay", outcome: "permit", agreement: undefined },
      "agreement",
    ],
    ["a route that does not end at the recipient", { route: ["KOR", "USA"] }, "route"],
    ["a route that skips the sender", { route: ["KOR", "JPN"] }, "route"],
    ["a time not in canonical UTC", { at: "2023-12-20T09:00:05+09:00" }, "at"],
    ["a date not in the calendar", { at: "2023-02-30T00:00:00.000Z" }, "at"],
    ["a bad digest", { itemHash: "sha256:XYZ" }, "itemHash"],
    ["an unknown field", { note: "x" }, ""],
  ])("refuses %s", (_, patch, path) => {
    const result = AuditRecord.safeParse({ ...receipt, ...patch });
    expect(result.success).toBe(false);
    if (!result.success && path) expect(result.error.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("reads back its own leaf bytes and refuses bytes that are not the canonical form", () => {
    const bytes = encodeRecord(receipt);
    expect(decodeRecord(bytes)).toEqual({ ok: true, record: receipt });
    const spaced = new TextEncoder().encode(JSON.stringify(receipt, null, 1));
    expect(decodeRecord(spaced)).toMatchObject({ ok: false, why: "not in canonical form" });
    expect(decodeRecord(new Uint8Array([0xff, 0xfe]))).toMatchObject({ ok: false });
    expect(decodeRecord(new TextEncoder().encode('{"v":2}'))).toMatchObject({ ok: false });
  });

  it("digests the item's bytes as sent", () => {
    expect(itemDigest(new Uint8Array(0))).toBe(
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });
});

describe("decisionRecord", () => {
  const item = trackExample("rok-track-report"); // the 2023-12-18 launch
  const at = t(item.asOf);
  const context = (sender: string, recipient: string): DecisionContext => ({
    kind: "release-decision",
    node: "ROK_KTMO_CELL",
    at,
    itemId: item.id,
    sender,
    recipient,
    itemHash: digest,
  });

  it("records a real permit with its agreement and route", () => {
    const d = decide(project().policy, { item, sender: "KOR", recipient: "USA", channel: "real-time", at });
    expect(d.outcome).toBe("permit");
    const r = decisionRecord(fits(d), context("KOR", "USA"));
    expect(r).toMatchObject({
      outcome: "permit",
      route: ["KOR", "USA"],
      reasons: [],
      at: new Date(at).toISOString(),
    });
    expect(r.agreement).toBe(d.outcome === "permit" ? d.agreement : "");
  });

  it("records a real denial's codes per agreement, each once, without messages", () => {
    const d = decide(project().policy, { item, sender: "KOR", recipient: "JPN", channel: "real-time", at });
    expect(d.outcome).toBe("deny");
    const r = decisionRecord(fits(d), context("KOR", "JPN"));
    expect(r.outcome).toBe("deny");
    expect(r.agreement).toBeUndefined();
    const pairs = r.reasons.map((x) => `${x.code}@${x.agreement ?? ""}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    if (d.outcome === "deny") {
      expect(new Set(pairs)).toEqual(new Set(d.reasons.map((x) => `${x.code}@${x.agreement ?? ""}`)));
    }
    expect(JSON.stringify(r)).not.toContain("message");
  });

  it("keeps repeated reasons once", () => {
    const d: DecisionSummary = {
      outcome: "deny",
      route: ["KOR", "JPN"],
      reasons: [{ code: "NOFORN" }, { code: "NOT_IN_FORCE", agreement: "a" }, { code: "NOFORN" }],
    };
    expect(decisionRecord(d, context("KOR", "JPN")).reasons).toEqual([
      { code: "NOFORN" },
      { code: "NOT_IN_FORCE", agreement: "a" },
    ]);
  });
});
