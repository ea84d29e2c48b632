import { describe, expect, it } from "vitest";
import { example, project, shiftDays, t, trackExample } from "../../test/helpers/policy.ts";
import { decide } from "./decide.ts";
import { sanitise } from "./sanitise.ts";

describe("sanitise", () => {
  it("removes the sensor (type and location) from a released track and leaves the input untouched", () => {
    const item = shiftDays(trackExample("rok-track-report"), 2);
    const d = decide(project().policy, {
      item,
      sender: "KOR",
      recipient: "JPN",
      via: ["USA"],
      channel: "real-time",
      at: t(item.asOf),
    });
    if (d.outcome !== "permit") throw new Error("expected a permit");
    const released = sanitise(item, d);
    expect(released).not.toHaveProperty("sensor");
    expect(JSON.stringify(released)).not.toContain("Green Pine");
    expect(item.sensor?.type).toContain("Green Pine");
    expect(released).toMatchObject({ launch: item.launch, impact: item.impact, trajectory: item.trajectory });
  });

  it("removes nested source fields named by the label", () => {
    const item = example("intel-nuclear-test");
    const released = sanitise(item, { removedFields: ["collection", "label.approvals"] });
    expect(released).not.toHaveProperty("collection");
    expect(released.label).not.toHaveProperty("approvals");
    expect(item.label.approvals).toEqual([]);
  });

  it("copies only what it changes: the input keeps every field, deep ones included", () => {
    const item = example("intel-nuclear-test");
    const before = JSON.stringify(item);
    const released = sanitise(item, {
      removedFields: ["label.approvals", "label.nope.deeper", "collection"],
    });
    expect(JSON.stringify(item)).toBe(before);
    expect(released.label).not.toBe(item.label);
    expect(released.label).not.toHaveProperty("approvals");
    expect(released.label.originator).toBe(item.label.originator);
  });
});
