import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ecefToEnu, enuToEcef, type Geodetic, geodeticToEcef, type Vec3 } from "../geo/earth.ts";
import { MeasurementsFile, type RadarSensor, type Sensor } from "../model/sensing.ts";
import type { FlightPhase, FlightSample } from "./flight.ts";
import { directGeodesic } from "./geodesy.ts";
import { loadSensorSetFile, parseSensorSet } from "./sensor-file.ts";
import {
  lineOfSightClear,
  observe,
  simulateDetections,
  stateAt,
  type TruthTrack,
  toMeasurementsFile,
} from "./sensors.ts";

const SITE: Geodetic = { latDeg: 37, lonDeg: 128, heightM: 0 };

function radar(over: Partial<RadarSensor> = {}): RadarSensor {
  return {
    id: "R1",
    name: "test radar",
    nation: "KOR",
    node: "ROK_KTMO_CELL",
    kind: "radar",
    position: SITE,
    updateIntervalS: 1,
    detectionProbability: 1,
    falseAlarmsPerScan: 0,
    latencyS: 0,
    fieldOfRegard: { azimuthCentreDeg: 0, azimuthHalfWidthDeg: 180, minElevationDeg: 0, maxElevationDeg: 90 },
    maxRangeM: 2_000_000,
    sigmaRangeM: 25,
    sigmaAzimuthRad: 0.002,
    sigmaElevationRad: 0.001,
    sigmaRangeRateMps: 4,
    ...over,
  };
}

/** A track holding still at one ECEF point from t0 to t1, with the given phase until burnout. */
function fixedTrack(id: string, p: Vec3, t0: number, t1: number, burnoutT = t0 - 1): TruthTrack {
  const samples: FlightSample[] = [];
  for (let t = t0; t <= t1; t += 1) {
    const phase: FlightPhase = t <= burnoutT ? "boost" : "coast";
    samples.push({ t, positionEcef: p, velocityEcef: [0, 0, 0], phase });
  }
  return { objectId: id, samples, burnoutT };
}

/** An ECEF point at ground distance `km` north-east of SITE and the given height. */
function pointAt(km: number, heightM: number): Vec3 {
  const g = directGeodesic(SITE, 45, km * 1000);
  return geodeticToEcef({ ...g, heightM });
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe("radar noise", () => {
  it("has zero mean and the configured sigmas (10,000 seeded samples)", () => {
    const target = enuToEcef([150_000, 200_000, 120_000], SITE);
    const s = radar();
    const run = simulateDetections([s], [fixedTrack("T", target, 0, 10_001)], {
      startS: 0,
      endS: 10_000,
      seed: 7,
    });
    expect(run.detections.length).toBeGreaterThan(9_900);
    const truth = observe(SITE, geodeticToEcef(SITE), target, [0, 0, 0]);
    const dr = run.detections.map((d) => (d.rangeM ?? 0) - truth.rangeM);
    const da = run.detections.map((d) => d.azimuthRad - truth.azimuthRad);
    const de = run.detections.map((d) => d.elevationRad - truth.elevationRad);
    const drr = run.detections.map((d) => (d.rangeRateMps ?? 0) - 0);
    const n = run.detections.length;
    for (const [xs, sigma] of [
      [dr, s.sigmaRangeM],
      [da, s.sigmaAzimuthRad],
      [de, s.sigmaElevationRad],
      [drr, s.sigmaRangeRateMps ?? 0],
    ] as const) {
      expect(Math.abs(mean(xs))).toBeLessThan((4 * sigma) / Math.sqrt(n));
      expect(std(xs) / sigma).toBeGreaterThan(0.96);
      expect(std(xs) / sigma).toBeLessThan(1.04);
    }
  });
});

describe("visibility", () => {
  it("Earth's curvature hides a low target beyond the horizon, even with a negative elevation limit", () => {
    // Radio horizon for a 10 km target seen from the ground is ≈ 357 km; at 600 km it is below it.
    const low = fixedTrack("low", pointAt(600, 10_000), 0, 100);
    const high = fixedTrack("high", pointAt(600, 100_000), 0, 100);
    for (const minElevationDeg of [0, -10]) {
      const s = radar({
        fieldOfRegard: {
          azimuthCentreDeg: 0,
          azimuthHalfWidthDeg: 180,
          minElevationDeg,
          maxElevationDeg: 90,
        },
      });
      const run = simulateDetections([s], [low, high], { startS: 0, endS: 100, seed: 1 });
      const ids = new Set(run.truth.map((t) => (t.source.kind === "object" ? t.source.objectId : "fa")));
      expect(ids.has("low")).toBe(false);
      expect(ids.has("high")).toBe(true);
    }
    expect(ecefToEnu(pointAt(600, 10_000), SITE)[2]).toBeLessThan(0);
  });
  it("line of sight is blocked through the Earth and clear above it", () => {
    const a = geodeticToEcef({ latDeg: 0, lonDeg: 0, heightM: 100 });
    const b = geodeticToEcef({ latDeg: 0, lonDeg: 180, heightM: 100 });
    const c = geodeticToEcef({ latDeg: 0, lonDeg: 1, heightM: 100_000 });
    expect(lineOfSightClear(a, b)).toBe(false);
    expect(lineOfSightClear(a, c)).toBe(true);
  });
  it("respects maximum range and the azimuth sector", () => {
    const far = fixedTrack("far", pointAt(900, 400_000), 0, 50);
    const near = fixedTrack("near", pointAt(300, 400_000), 0, 50);
    const short = radar({ maxRangeM: 700_000 });
    const ids = (s: Sensor): Set<string> =>
      new Set(
        simulateDetections([s], [far, near], { startS: 0, endS: 50, seed: 3 }).truth.map((t) =>
          t.source.kind === "object" ? t.source.objectId : "fa",
        ),
      );
    expect(ids(short)).toEqual(new Set(["near"]));
    const west = radar({
      fieldOfRegard: {
        azimuthCentreDeg: 270,
        azimuthHalfWidthDeg: 60,
        minElevationDeg: 0,
        maxElevationDeg: 90,
      },
    });
    expect(ids(west).size).toBe(0);
  });
  it("space IR sees a target only in boost", () => {
    const ir: Sensor = {
      id: "IR",
      name: "geo ir",
      nation: "USA",
      node: "INDOPACOM_LINK_CTRL_HI",
      kind: "space-ir",
      position: { latDeg: 0, lonDeg: 120, heightM: 35_786_000 },
      updateIntervalS: 2,
      detectionProbability: 1,
      falseAlarmsPerScan: 0,
      latencyS: 30,
      fieldOfRegard: {
        azimuthCentreDeg: 0,
        azimuthHalfWidthDeg: 180,
        minElevationDeg: -90,
        maxElevationDeg: -75,
      },
      sigmaAzimuthRad: 1e-4,
      sigmaElevationRad: 1e-5,
      boostOnly: true,
    };
    const track = fixedTrack("M", pointAt(100, 50_000), 0, 400, 150);
    const run = simulateDetections([ir], [track], { startS: 0, endS: 400, seed: 9 });
    expect(run.detections.length).toBeGreaterThan(60);
    expect(Math.max(...run.detections.map((d) => d.t))).toBeLessThanOrEqual(150);
    expect(run.truth.every((t, i) => t.deliverAtS === (run.detections[i]?.t ?? 0) + 30)).toBe(true);
    const always = simulateDetections([{ ...ir, boostOnly: false }], [track], {
      startS: 0,
      endS: 400,
      seed: 9,
    });
    expect(Math.max(...always.detections.map((d) => d.t))).toBeGreaterThan(390);
  });
});

describe("false alarms", () => {
  it("average the configured count per scan and stay in the field of regard and range", () => {
    const s = radar({
      falseAlarmsPerScan: 2.5,
      maxRangeM: 500_000,
      fieldOfRegard: {
        azimuthCentreDeg: 350,
        azimuthHalfWidthDeg: 30,
        minElevationDeg: 1,
        maxElevationDeg: 60,
      },
    });
    const run = simulateDetections([s], [], { startS: 0, endS: 4_000, seed: 11 });
    const scans = 4_000;
    expect(Math.abs(run.detections.length / scans - 2.5)).toBeLessThan(0.1);
    for (const d of run.detections) {
      const az = (d.azimuthRad * 180) / Math.PI;
      expect(Math.min(Math.abs(az - 350), 360 - Math.abs(az - 350))).toBeLessThanOrEqual(30 + 1e-9);
      expect(d.elevationRad).toBeGreaterThanOrEqual((1 * Math.PI) / 180 - 1e-12);
      expect(d.rangeM ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(500_000);
    }
    expect(run.truth.every((t) => t.source.kind === "false-alarm")).toBe(true);
  });
});

describe("runs", () => {
  const sensors = [
    radar({ falseAlarmsPerScan: 0.5 }),
    radar({ id: "R2", latencyS: 5, detectionProbability: 0.7 }),
  ];
  const track = fixedTrack("T", pointAt(200, 150_000), 0, 300);
  it("are reproducible with a seed and differ with another", () => {
    const a = simulateDetections(sensors, [track], { startS: 0, endS: 300, seed: 5 });
    const b = simulateDetections(sensors, [track], { startS: 0, endS: 300, seed: 5 });
    const c = simulateDetections(sensors, [track], { startS: 0, endS: 300, seed: 6 });
    expect(b).toEqual(a);
    expect(c.detections).not.toEqual(a.detections);
  });
  it("come in delivery order, validate against the shared schema, and keep truth out of detections", () => {
    const run = simulateDetections(sensors, [track], { startS: 0, endS: 300, seed: 5 });
    for (let i = 1; i < run.truth.length; i++) {
      expect(run.truth[i]?.deliverAtS ?? 0).toBeGreaterThanOrEqual(run.truth[i - 1]?.deliverAtS ?? 0);
    }
    expect(run.detections.some((d) => "objectId" in d || "source" in d)).toBe(false);
    const file = toMeasurementsFile(sensors, run);
    expect(MeasurementsFile.safeParse(file).success).toBe(true);
  });
  it("interpolates truth between samples with Hermite cubics (exact for a quadratic path)", () => {
    const acc: Vec3 = [1, -2, 3];
    const samples: FlightSample[] = [0, 2, 4].map((t) => ({
      t,
      positionEcef: [0.5 * acc[0] * t * t, 0.5 * acc[1] * t * t, 0.5 * acc[2] * t * t + 7e6],
      velocityEcef: [acc[0] * t, acc[1] * t, acc[2] * t],
      phase: "coast",
    }));
    const st = stateAt({ objectId: "q", samples, burnoutT: -1 }, 3);
    expect(st?.positionEcef[0]).toBeCloseTo(4.5, 9);
    expect(st?.velocityEcef[2]).toBeCloseTo(9, 9);
    expect(stateAt({ objectId: "q", samples, burnoutT: -1 }, 5)).toBeNull();
  });
});

describe("sensor files", () => {
  const NODES: Record<string, string[]> = {
    "sensors/rok.yaml": ["ROK_KTMO_CELL"],
    "sensors/usa.yaml": ["USFK_TMO_CELL", "USFJ_C4I", "INDOPACOM_LINK_CTRL_HI"],
    "sensors/jpn.yaml": ["JSDF"],
  };
  for (const [file, nodes] of Object.entries(NODES)) {
    it(`${file} loads and uses the topology node names`, () => {
      const r = loadSensorSetFile(file);
      if (!r.ok) throw new Error(r.errors.join("\n"));
      for (const s of r.value.sensors) expect(nodes).toContain(s.node);
    });
  }
  it("an unknown field is named with its file and path", () => {
    const text = readFileSync("sensors/rok.yaml", "utf8").replace("maxRangeM: 800000", "maxRangeKm: 800");
    const r = parseSensorSet(text, "sensors/rok.yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain("sensors/rok.yaml: sensors[0].maxRangeKm: unknown field");
  });
  it("an unlabelled figure is refused at its provenance entry", () => {
    const text = readFileSync("sensors/rok.yaml", "utf8").replace('      sigmaRangeM: "assumed"\n', "");
    const r = parseSensorSet(text, "sensors/rok.yaml");
    expect(r.ok ? [] : r.errors).toContain(
      "sensors/rok.yaml: sensors[0].provenance.sigmaRangeM: missing: say whether the figure is public, approximate or assumed",
    );
  });
});
