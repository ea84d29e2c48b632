// decideEach decides once per time class of a bundle's tracks: every track must get what decide() gives
// it alone (outcome, agreement, route, markings, reason codes), whatever its times and the request.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { project, t, trackExample } from "../../test/helpers/policy.ts";
import { shiftTrackTimes, type TrackReport } from "../model/item.ts";
import { type Decision, decide, decideEach, timeClass } from "./decide.ts";

const { policy } = project();
const base = trackExample("rok-track-report");
const iso = (ms: number) => new Date(ms).toISOString();

/** What must not differ between a shared decision and the item's own. */
function essence(d: Decision) {
  return d.outcome === "permit"
    ? {
        outcome: d.outcome,
        agreement: d.agreement,
        route: d.route,
        marking: d.marking,
        relay: d.relayMarkings,
      }
    : { outcome: d.outcome, route: d.route, reasons: d.reasons.map((r) => `${r.code} ${r.agreement ?? ""}`) };
}

describe("decideEach", () => {
  it("gives every track of a bundle what decide gives it alone", () => {
    // Days around the mechanism's start (2023-12-19), GSOMIA's suspension and the salvo of 2016.
    const days = ["2016-09-05", "2019-11-22", "2023-12-18", "2023-12-19", "2023-12-20", "2024-06-01"];
    const track = fc.record({
      launchS: fc.integer({ min: -120, max: 120 }),
      flightS: fc.integer({ min: 30, max: 2_400 }),
      asOfS: fc.integer({ min: -60, max: 2_600 }),
    });
    const seen = { permits: 0, outsideWindow: 0, splitBundles: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...days),
        fc.array(track, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -60, max: 2_700 }),
        fc.constantFrom<["KOR" | "USA", "JPN" | "USA", string[]]>(
          ["KOR", "JPN", ["USA"]],
          ["KOR", "JPN", []],
          ["USA", "JPN", []],
          ["KOR", "USA", []],
        ),
        fc.constantFrom("real-time" as const, "deferred" as const),
        (day, specs, atS, [sender, recipient, via], channel) => {
          const t0 = t(`${day}T00:00:00Z`);
          const label = { ...base.label };
          const items: TrackReport[] = specs.map((s, i) => {
            const launch = t0 + s.launchS * 1000;
            const shifted = shiftTrackTimes(base, launch - Date.parse(base.launch.time));
            return {
              ...shifted,
              id: `T-${i}`,
              label,
              asOf: iso(t0 + s.asOfS * 1000),
              impact: { ...shifted.impact, time: iso(launch + s.flightS * 1000) },
            };
          });
          const req = { sender, recipient, via, channel, at: t0 + atS * 1000 };
          const each = decideEach(policy, req, items);
          items.forEach((item, i) => {
            const alone = decide(policy, { ...req, item });
            expect(essence(each[i] as Decision)).toEqual(essence(alone));
            if (alone.outcome === "permit") seen.permits++;
            else if (alone.reasons.some((r) => r.code === "OUTSIDE_TIME_WINDOW")) seen.outsideWindow++;
          });
          // Tracks of one class share one decision: a bundle inside its windows is decided once.
          const classes = new Set(items.map((item) => timeClass(policy, item, req.at)));
          expect(new Set(each).size).toBe(classes.size);
          if (classes.size > 1) seen.splitBundles++;
        },
      ),
      { numRuns: 3_000 },
    );
    // The runs reached both sides of the windows, and bundles whose tracks fell on both.
    expect(Math.min(seen.permits, seen.outsideWindow, seen.splitBundles)).toBeGreaterThan(50);
  });

  it("decides alone an item under another label object or of another kind", () => {
    const a = { ...base, id: "A" };
    const b = { ...base, id: "B", label: { ...base.label } };
    const req = {
      sender: "KOR",
      recipient: "JPN",
      via: ["USA"],
      channel: "real-time" as const,
      at: t(base.asOf),
    };
    const [da, db] = decideEach(policy, req, [a, b]);
    expect(da).not.toBe(db);
    expect(essence(db as Decision)).toEqual(essence(decide(policy, { ...req, item: b })));
  });
});
