import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ecefToGeodetic } from "../geo/earth.ts";
import { listEstimates } from "../model/scenario.ts";
import { MeasurementsFile } from "../model/sensing.ts";
import { inverseGeodesic } from "./geodesy.ts";
import { scenarioMeasurements } from "./measurements.ts";
import { parseScenario } from "./scenario-file.ts";
import { flyScenario, type ScenarioRun } from "./scenario-run.ts";
import { loadSensorSetFile } from "./sensor-file.ts";

const DIR = "scenarios";
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

const runs = new Map<string, ScenarioRun>();
function fly(file: string): ScenarioRun {
  const cached = runs.get(file);
  if (cached) return cached;
  const path = join(DIR, file);
  const parsed = parseScenario(readFileSync(path, "utf8"), path);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const run = flyScenario(parsed.value, path);
  if (!run.ok) throw new Error(run.errors.join("\n"));
  runs.set(file, run.value);
  return run.value;
}

describe("every scenario file", () => {
  it("covers the required launches", () => {
    for (const id of [
      "2016-09-05",
      "2017-07-28",
      "2017-08-29",
      "2017-09-15",
      "2017-11-29",
      "2022-10-04",
      "2022-11-18",
      "2023-07-12",
      "2023-11-21",
      "2023-12-18",
    ]) {
      expect(files).toContain(`${id}.yaml`);
    }
  });
  for (const file of files) {
    it(`${file}: flies and matches its range and apogee within 2 %`, () => {
      const path = join(DIR, file);
      const parsed = parseScenario(readFileSync(path, "utf8"), path);
      if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
      const run = fly(file);
      parsed.value.launches.forEach((launch, i) => {
        const outcome = run.launches[i];
        if (!outcome) throw new Error(`no outcome for ${launch.id}`);
        if (launch.kind === "ballistic" && launch.rangeKm && launch.apogeeKm) {
          expect(Math.abs((outcome.rangeKm ?? 0) / launch.rangeKm.value - 1)).toBeLessThan(0.02);
          expect(Math.abs(outcome.apogeeKm / launch.apogeeKm.value - 1)).toBeLessThan(0.02);
        }
        // Independent check: flight time is not a solver target, yet should land near the reported one.
        const reported = launch.reported?.flightTimeS?.value;
        if (reported !== undefined)
          expect(Math.abs((outcome.flightTimeS ?? 0) / reported - 1)).toBeLessThan(0.1);
      });
      // Every figure that is not public is listed with a note.
      for (const e of listEstimates(parsed.value)) expect(e.note.length).toBeGreaterThan(5);
    });
  }
});

describe("scenario specifics", () => {
  it("2016-09-05 is a salvo of three, 20 s apart, with its unpublished apogee labelled as an estimate", () => {
    const run = fly("2016-09-05.yaml");
    const missiles = run.objects.filter((o) => o.role === "missile");
    expect(missiles).toHaveLength(3);
    const t0 = missiles.map((o) => o.samples[0]?.t ?? 0);
    expect(t0[1] as number).toBe((t0[0] as number) + 20);
    const path = join(DIR, "2016-09-05.yaml");
    const parsed = parseScenario(readFileSync(path, "utf8"), path);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const est = listEstimates(parsed.value).map((e) => e.path);
    expect(est).toContain("launches[0].apogeeKm");
    expect(est).toContain("launches[0].site");
    expect(est).not.toContain("launches[0].rangeKm");
  });
  it("2017-08-29 crosses Hokkaido at about 06:05–06:07 JST (an independent check of the track)", () => {
    const run = fly("2017-08-29.yaml");
    const obj = run.objects[0];
    if (!obj) throw new Error("no object");
    // Closest approach to Cape Erimo.
    const erimo = { latDeg: 41.9244, lonDeg: 143.2483 };
    let best = { d: Number.POSITIVE_INFINITY, t: 0 };
    for (const s of obj.samples) {
      const d = inverseGeodesic(ecefToGeodetic(s.positionEcef), erimo).distanceM;
      if (d < best.d) best = { d, t: s.t };
    }
    expect(best.d).toBeLessThan(150_000);
    const jstMinutes = ((best.t / 60 + 9 * 60) % (24 * 60)) - 6 * 60;
    expect(jstMinutes).toBeGreaterThan(4);
    expect(jstMinutes).toBeLessThan(9);
  });
  it("2023-11-21 reaches orbit, drops two stages, and passes the Okinawa–Miyako gap about 12 min after launch", () => {
    const run = fly("2023-11-21.yaml");
    const payload = run.objects.find((o) => o.role === "payload");
    if (!payload) throw new Error("no payload");
    expect(payload.inOrbit).toBe(true);
    expect(payload.impact).toBeNull();
    expect(run.objects.filter((o) => o.role === "stage" && o.impact !== null)).toHaveLength(2);
    const gap = { latDeg: 25.6, lonDeg: 126.6 };
    let best = { d: Number.POSITIVE_INFINITY, t: 0 };
    for (const s of payload.samples) {
      const d = inverseGeodesic(ecefToGeodetic(s.positionEcef), gap).distanceM;
      if (d < best.d) best = { d, t: s.t };
    }
    const launch = Date.parse("2023-11-21T13:43:00Z") / 1000;
    expect(best.d).toBeLessThan(100_000);
    expect((best.t - launch) / 60).toBeGreaterThan(9);
    expect((best.t - launch) / 60).toBeLessThan(15);
  });
});

describe("satellite failure and measurements", () => {
  const path = "scenarios/2023-11-21.yaml";
  const text = readFileSync(path, "utf8");
  it("failAtS ends the burn and the debris falls (no orbit)", () => {
    const failing = text.replace(
      "    followForS:",
      "    failAtS: { value: 200, basis: assumed, note: test }\n    followForS:",
    );
    const parsed = parseScenario(failing, path);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const run = flyScenario(parsed.value, path);
    if (!run.ok) throw new Error(run.errors.join("\n"));
    const payload = run.value.objects.find((o) => o.role === "payload");
    expect(payload?.inOrbit).toBe(false);
    expect(payload?.impact).not.toBeNull();
    expect(payload?.burnoutT).toBe(Date.parse("2023-11-21T13:43:00Z") / 1000 + 200);
    // Only the first stage separated before the failure.
    expect(run.value.objects.filter((o) => o.role === "stage")).toHaveLength(1);
  });
  it("a flown scenario yields a valid measurements file with sensors from every nation", () => {
    const sensors = ["sensors/rok.yaml", "sensors/usa.yaml", "sensors/jpn.yaml"].flatMap((f) => {
      const r = loadSensorSetFile(f);
      if (!r.ok) throw new Error(r.errors.join("\n"));
      return r.value.sensors;
    });
    const { file, detections } = scenarioMeasurements(fly("2017-08-29.yaml"), sensors, 1);
    expect(MeasurementsFile.safeParse(file).success).toBe(true);
    const seen = new Set(
      detections.detections
        .filter((_, i) => detections.truth[i]?.source.kind === "object")
        .map((d) => d.sensorId),
    );
    for (const id of [
      "USFK-TPY2-SEONGJU",
      "ROK-GP-CENTRAL",
      "JSDF-FPS5-SADO",
      "USFJ-TPY2-SHARIKI",
      "US-SBIRS-GEO",
    ]) {
      expect(seen.has(id)).toBe(true);
    }
  });
});

describe("errors name the file and the field", () => {
  const path = "scenarios/2017-08-29.yaml";
  const text = readFileSync(path, "utf8");
  it("an impossible range/apogee pair names apogeeKm", () => {
    const bad = text.replace("apogeeKm: { value: 550,", "apogeeKm: { value: 60,");
    expect(bad).not.toBe(text);
    const parsed = parseScenario(bad, path);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const run = flyScenario(parsed.value, path);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.errors[0]).toMatch(/^scenarios\/2017-08-29\.yaml: launches\[0\]\.apogeeKm: apogee 60 km is/);
  });
  it("an apogee beyond the model names apogeeKm", () => {
    const bad = text.replace("apogeeKm: { value: 550,", "apogeeKm: { value: 60000,");
    const parsed = parseScenario(bad, path);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const run = flyScenario(parsed.value, path);
    expect(run.ok ? [] : run.errors).toEqual([
      expect.stringMatching(/launches\[0\]\.apogeeKm: .*beyond what the model/),
    ]);
  });
  it("an unknown field is named with its path", () => {
    const parsed = parseScenario(text.replace("rangeKm: {", "rangeKM: {"), path);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toContain("scenarios/2017-08-29.yaml: launches[0].rangeKM: unknown field");
  });
  it("a local time without Z is refused at launchTime", () => {
    const parsed = parseScenario(text.replace('"2017-08-28T20:58:00Z"', '"2017-08-29T05:58:00"'), path);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      expect.stringMatching(/^scenarios\/2017-08-29\.yaml: launches\[0\]\.launchTime: /),
    ]);
  });
  it("burnout conditions can replace range and apogee", () => {
    const direct = text.replace(
      /rangeKm: .*\n\s*apogeeKm: .*\n/,
      "burnout:\n      speedMps: { value: 4300, basis: assumed, note: test }\n      flightPathAngleDeg: { value: 32, basis: assumed, note: test }\n",
    );
    const parsed = parseScenario(direct, path);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const run = flyScenario(parsed.value, path);
    if (!run.ok) throw new Error(run.errors.join("\n"));
    const o = run.value.launches[0];
    expect(Math.abs((o?.burnoutSpeedMps ?? 0) - 4300)).toBeLessThan(20);
    expect(Math.abs((o?.burnoutFlightPathAngleDeg ?? 0) - 32)).toBeLessThan(0.3);
  });
  it("a malformed YAML file reports line and column", () => {
    const parsed = parseScenario("format: [unclosed\n", "x.yaml");
    expect(parsed.ok ? [] : parsed.errors).toEqual([expect.stringMatching(/^x\.yaml:\d+:\d+: YAML: /)]);
  });
});
