// Which marking each party on a permit's route gives an item (markingForParty).
import { describe, expect, it } from "vitest";
import { project, trackExample } from "../../test/helpers/policy.ts";
import { planRelease } from "./routing.ts";
import { markingForParty } from "./secure.ts";

describe("markingForParty", () => {
  const { policy, topology } = project();

  it("gives a hop inside the originator's party the originator's own grade (USFK → INDOPACOM → … → JSDF)", () => {
    // A US track from USFK to JSDF leaves USFK for INDOPACOM, still inside the US: before the fix the
    // permit had no marking for that hop and the release threw ("the permit gives no marking").
    const item = trackExample("usa-track-report");
    const at = Date.parse(item.asOf);
    const plan = planRelease(topology, policy, item, "USFK_TMO_CELL", "JSDF", "real-time", at);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.path.slice(0, 2)).toEqual(["USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI"]);
    const own = markingForParty(plan.decision, "USA", item, policy);
    expect(own).toMatchObject({ party: "USA", level: item.label.classification, native: "SECRET" });
    expect(own?.banner.startsWith("SECRET//REL TO")).toBe(true);
    // The recipient's marking is still the permit's.
    expect(markingForParty(plan.decision, "JPN", item, policy)).toBe(plan.decision.marking);
  });

  it("gives no marking to a party not on the route", () => {
    const item = trackExample("usa-track-report");
    const plan = planRelease(
      topology,
      policy,
      item,
      "USFK_TMO_CELL",
      "ROK_KTMO_CELL",
      "real-time",
      Date.parse(item.asOf),
    );
    expect(plan.ok).toBe(true);
    if (plan.ok) expect(markingForParty(plan.decision, "JPN", item, policy)).toBeUndefined();
  });
});
