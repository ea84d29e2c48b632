/**
 * The small measurements example (examples/measurements-small.json): 100 s of the 2017-08-29 flight
 * just after burnout seen by two radars, seed 1, false alarms included. Deterministic, so a test can
 * check the committed file against it.
 */
import { join } from "node:path";
import type { MeasurementsFile } from "../model/sensing.ts";
import { scenarioMeasurements } from "./measurements.ts";
import { loadScenarioFile, unixSeconds } from "./scenario-file.ts";
import { flyScenario } from "./scenario-run.ts";
import { loadSensorSetFile } from "./sensor-file.ts";

/** Scenario, sensors, seed and window (s after launch) of the example. */
export const EXAMPLE = {
  scenario: "2017-08-29",
  sensors: ["USFK-TPY2-SEONGJU", "JSDF-FPS5-SADO"],
  seed: 1,
  fromS: 150,
  toS: 250,
} as const;

/** Builds the example measurements file from the project's scenario and sensor files under `root`. */
export function exampleMeasurements(root: string): MeasurementsFile {
  const parsed = loadScenarioFile(join(root, "scenarios", `${EXAMPLE.scenario}.yaml`));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const flown = flyScenario(parsed.value, EXAMPLE.scenario);
  if (!flown.ok) throw new Error(flown.errors.join("\n"));
  const sensors = ["usa", "jpn"].flatMap((n) => {
    const r = loadSensorSetFile(join(root, "sensors", `${n}.yaml`));
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.value.sensors.filter((s) => (EXAMPLE.sensors as readonly string[]).includes(s.id));
  });
  const t0 = unixSeconds(parsed.value.launches[0]?.launchTime ?? "");
  const { file } = scenarioMeasurements(flown.value, sensors, EXAMPLE.seed);
  // Keep the files small: no provenance notes, times rounded to the microsecond, angles to 1e-9 rad.
  const r = (x: number, d: number): number => Number(x.toFixed(d));
  return {
    format: file.format,
    sensors: file.sensors.map(({ provenance: _p, ...s }) => s),
    detections: file.detections
      .filter((d) => d.t >= t0 + EXAMPLE.fromS && d.t <= t0 + EXAMPLE.toS)
      .map((d) => ({
        ...d,
        t: r(d.t, 6),
        azimuthRad: r(d.azimuthRad, 9),
        elevationRad: r(d.elevationRad, 9),
        ...(d.rangeM === undefined ? {} : { rangeM: r(d.rangeM, 2) }),
        ...(d.rangeRateMps === undefined ? {} : { rangeRateMps: r(d.rangeRateMps, 3) }),
      })),
  };
}

/** The file's text: sensors indented, one detection per line. */
export function formatExample(file: MeasurementsFile): string {
  const sensors = JSON.stringify(file.sensors, null, 2).replace(/\n/g, "\n  ");
  const dets = file.detections.map((d) => `    ${JSON.stringify(d)}`).join(",\n");
  return `{\n  "format": "${file.format}",\n  "sensors": ${sensors},\n  "detections": [\n${dets}\n  ]\n}\n`;
}
