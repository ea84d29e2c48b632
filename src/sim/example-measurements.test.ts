import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../config/project.ts";
import { MeasurementsFile } from "../model/sensing.ts";
import { greatCircleM } from "../tracking/estimates.ts";
import { trackDetections } from "../tracking/index.ts";
import { exampleMeasurements, formatExample } from "./example-measurements.ts";

const path = join(PROJECT_ROOT, "examples", "measurements-small.json");
const text = readFileSync(path, "utf8");

describe("examples/measurements-small.json", () => {
  it("is what scripts/make-example-measurements.ts writes, and valid", () => {
    expect(formatExample(exampleMeasurements(PROJECT_ROOT))).toBe(text);
    expect(MeasurementsFile.safeParse(JSON.parse(text)).success).toBe(true);
  });

  it("tracks to one confirmed Hwasong-12 track whose impact lies near the flown one", () => {
    const tracks = trackDetections(MeasurementsFile.parse(JSON.parse(text)));
    const confirmed = tracks.tracks; // only confirmed tracks are reported by default
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]?.confirmedT).toBeDefined();
    const e = confirmed[0]?.estimates;
    if (!e) throw new Error("no estimates");
    // The truth impact of 2017-08-29 (src/sim/scenario-run.test.ts flies it): 41.046 N, 157.438 E.
    expect(greatCircleM(e.impact.latDeg, e.impact.lonDeg, 41.046, 157.438)).toBeLessThan(5_000);
    expect(e.class).toBe("MRBM");
  });
});
