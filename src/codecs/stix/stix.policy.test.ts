import { describe, expect, it } from "vitest";
import { project, t } from "../../../test/helpers/policy.ts";
import { decide } from "../../policy/decide.ts";
import { intelReportToStix, stixToIntelReport } from "./index.ts";
import { loadIntelReport } from "./testing/expected.ts";

describe("a report imported from STIX goes through the policy like any other item", () => {
  it("a KOR nuclear-test report from STIX is permitted KOR→JPN via USA under TISA in 2016", () => {
    const bundle = JSON.parse(
      JSON.stringify(intelReportToStix(loadIntelReport("examples/intel-nuclear-test.json"))),
    ) as { objects: { type: string; definition?: { releasable_to: string[] } }[] };
    const imported = stixToIntelReport(bundle);
    if (!imported.ok) throw new Error(imported.error.message);
    const at = t("2016-01-10T00:00:00+09:00"); // after TISA, before GSOMIA
    const d = decide(project().policy, {
      item: imported.report,
      sender: "KOR",
      recipient: "JPN",
      via: ["USA"],
      channel: "deferred",
      at,
    });
    expect(d.outcome).toBe("permit");
    if (d.outcome === "permit") {
      expect(d.agreement).toBe("tisa-2014");
      expect(d.route).toEqual(["KOR", "USA", "JPN"]);
    }
    // The label came through the marking: without REL TO JPN the same import is denied.
    const definition = bundle.objects.find((o) => o.type === "marking-definition")?.definition;
    if (definition === undefined) throw new Error("no label marking");
    definition.releasable_to = ["USA", "KOR"];
    const narrowed = stixToIntelReport(bundle);
    if (!narrowed.ok) throw new Error(narrowed.error.message);
    const denied = decide(project().policy, {
      item: narrowed.report,
      sender: "KOR",
      recipient: "JPN",
      via: ["USA"],
      channel: "deferred",
      at,
    });
    expect(denied.outcome).toBe("deny");
  });
});
