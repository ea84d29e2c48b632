import { describe, expect, it } from "vitest";
import { project, shiftDays, t, trackExample } from "../../test/helpers/policy.ts";
import { type Decision, decide } from "../policy/decide.ts";
import { DecisionRecord, StoredDecision, TrackStateRecord } from "./store-records.ts";

// The store keeps decisions as data; its schema mirrors the policy core's types without importing them
// (the model is below the cores). These tests keep the two in step, at compile time and at run time.
const _permitFits = (d: Decision): StoredDecision => d;

describe("StoredDecision", () => {
  const item = shiftDays(trackExample("rok-track-report"), 2);
  const at = t(item.asOf);
  const decisions = [
    decide(project().policy, { item, sender: "KOR", recipient: "JPN", channel: "real-time", at }),
    decide(project().policy, { item, sender: "KOR", recipient: "USA", channel: "real-time", at }),
    decide(project().policy, { item, sender: "KOR", recipient: "CHN", channel: "real-time", at }),
  ];

  it("accepts real permits and denials, and they survive JSON as the store keeps them", () => {
    expect(new Set(decisions.map((d) => d.outcome))).toEqual(new Set(["permit", "deny"]));
    for (const d of decisions) {
      const parsed = StoredDecision.parse(d);
      expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(d)));
      const record = { id: "d", at, itemId: item.id, sender: "KOR", recipient: "JPN", decision: d };
      expect(DecisionRecord.safeParse(record).success).toBe(true);
    }
  });

  it("refuses a decision without an outcome", () => {
    const { outcome: _outcome, ...rest } = decisions[0] as Decision;
    expect(StoredDecision.safeParse(rest).success).toBe(false);
  });
});

describe("TrackStateRecord", () => {
  const s = { trackId: "T", at: 1.5, dim: 2, x: [1, 2], P: [1, 0, 0, 1], provenance: { kind: "predicted" } };
  it("checks that x and P match the dimension", () => {
    expect(TrackStateRecord.safeParse(s).success).toBe(true);
    const bad = TrackStateRecord.safeParse({ ...s, P: [1, 0, 0] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["P"]);
  });
  it("refuses non-finite numbers", () => {
    expect(TrackStateRecord.safeParse({ ...s, x: [Number.NaN, 1] }).success).toBe(false);
  });
});
