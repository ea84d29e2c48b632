import { describe, expect, it } from "vitest";
import { type Detection, MeasurementsFile } from "../model/sensing.ts";
import { BallisticMotionModel } from "./ballistic.ts";
import { LineOfSightMeasurementModel } from "./measurement.ts";
import { coastState, falseAlarm, radarDetection, seededRandom, testInfrared, testRadar } from "./testing.ts";
import { firstOutOfOrder, TrackingInputError, trackDetections } from "./track-detections.ts";

const radar = testRadar("jp-r1", 37, 131.5);
const ir = testInfrared("geo-1", 128);
const model = new BallisticMotionModel({ maxStepS: 1 });
const T0 = 1_760_000_000;

function flightFile(seed: number): MeasurementsFile {
  const rng = seededRandom(seed);
  const el = Math.PI / 4;
  const hd = (80 * Math.PI) / 180;
  const x0 = coastState(
    39,
    125.7,
    0,
    3000 * Math.cos(el) * Math.sin(hd),
    3000 * Math.cos(el) * Math.cos(hd),
    3000 * Math.sin(el),
  );
  const los = new LineOfSightMeasurementModel(ir);
  const detections: Detection[] = [];
  for (let s = 60; s <= 300; s += 5) {
    const t = T0 + s;
    const x = model.propagate(x0, s, new Float64Array(6));
    if (s % 20 === 0) {
      const z = los.measure(x, new Float64Array(2));
      detections.push({
        sensorId: "geo-1",
        t,
        azimuthRad: (z[0] as number) + 5e-5 * rng.gaussian(),
        elevationRad: (z[1] as number) + 5e-5 * rng.gaussian(),
      });
    }
    detections.push(radarDetection(radar, x, t, rng), falseAlarm(radar, t, rng), falseAlarm(radar, t, rng));
  }
  return MeasurementsFile.parse({ format: "triwatch-measurements/1", sensors: [radar, ir], detections });
}

describe("trackDetections", () => {
  it("names the index of the first out-of-order detection", () => {
    const file = flightFile(1);
    const dets = [...file.detections];
    const moved = dets[10] as Detection;
    dets[10] = { ...moved, t: moved.t - 100 };
    expect(firstOutOfOrder(dets)).toBe(10);
    try {
      trackDetections({ ...file, detections: dets });
      expect.unreachable("should have thrown");
    } catch (e) {
      expect(e).toBeInstanceOf(TrackingInputError);
      expect((e as TrackingInputError).code).toBe("DETECTIONS_OUT_OF_ORDER");
      expect((e as TrackingInputError).index).toBe(10);
      expect((e as Error).message).toMatch(/^detection 10 \(t=.*\) is earlier than detection 9/);
    }
  });

  it("rejects detections from sensors the file does not declare", () => {
    const file = flightFile(2);
    const dets = file.detections.map((d, i) => (i === 3 ? { ...d, sensorId: "ghost" } : d));
    expect(() => trackDetections({ ...file, detections: dets })).toThrow(
      /detection 3 names unknown sensor "ghost"/,
    );
  });

  it("tracks a flight through clutter, fuses IR lines of sight and reports serialisable estimates", () => {
    const out = trackDetections(flightFile(3));
    expect(out.format).toBe("triwatch-tracks/1");
    expect(out.tracks).toHaveLength(1);
    const track = out.tracks[0];
    expect(track?.hits).toBeGreaterThan(50);
    const sources = new Set(
      track?.history?.map((s) =>
        s.provenance.kind === "updated" ? s.provenance.sensorId : s.provenance.kind,
      ),
    );
    expect(sources).toEqual(new Set(["initiated", "jp-r1", "geo-1"]));
    const est = track?.estimates;
    expect(est?.class).toBe("SRBM");
    expect(est?.launch.kind).toBe("ballistic");
    expect(est?.launch.latDeg).toBeCloseTo(39, 1);
    expect(est?.launch.lonDeg).toBeCloseTo(125.7, 1);
    expect(est?.impact.ellipse95.semiMajorM).toBeLessThan(5000);
    const json = JSON.parse(JSON.stringify(out));
    expect(json.tracks[0].current.x).toHaveLength(6);
    expect(json.tracks[0].current.P).toHaveLength(36);
  });

  it("also runs with the UKF and a 1/β drag state", () => {
    const ukf = trackDetections(flightFile(3), {
      tracker: { filter: "ukf", motion: { drag: true } },
      includeHistory: false,
    });
    expect(ukf.tracks).toHaveLength(1);
    expect(ukf.tracks[0]?.current.x).toHaveLength(7);
    expect(ukf.tracks[0]?.history).toBeUndefined();
    expect(ukf.tracks[0]?.estimates?.class).toBe("SRBM");
  });
});
