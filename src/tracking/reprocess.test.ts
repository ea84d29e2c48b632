import { describe, expect, it } from "vitest";
import type { Detection, InfraredSensor } from "../model/sensing.ts";
import { BallisticMotionModel } from "./ballistic.ts";
import { LineOfSightMeasurementModel } from "./measurement.ts";
import { lastStateAtOrBefore } from "./reprocess.ts";
import type { TrackState } from "./state.ts";
import {
  coastState,
  radarDetection,
  type SeededRandom,
  seededRandom,
  testInfrared,
  testRadar,
} from "./testing.ts";
import { MultiTargetTracker } from "./tracker.ts";

const T0 = 1_700_000_000;
const truthModel = new BallisticMotionModel({ maxStepS: 1 });
const x0 = coastState(38.5, 129, 250_000, 2600, -700, 900);
const truthAt = (t: number): Float64Array => truthModel.propagate(x0, t - T0, new Float64Array(6));
/** A radar with poor angles, so that a precise angle-only report is worth having. */
const radar = testRadar("r1", 35.5, 133, { sigmaAzimuthRad: 5e-3, sigmaElevationRad: 5e-3 });
const ir = testInfrared("ir", 130);

function irDetection(sensor: InfraredSensor, x: Float64Array, t: number, rng: SeededRandom): Detection {
  const z = new LineOfSightMeasurementModel(sensor).measure(x, new Float64Array(2));
  return {
    sensorId: sensor.id,
    t,
    azimuthRad: (z[0] as number) + sensor.sigmaAzimuthRad * rng.gaussian(),
    elevationRad: (z[1] as number) + sensor.sigmaElevationRad * rng.gaussian(),
  };
}

/** Radar every 2 s for 80 s; IR every 10 s from 41 s to 71 s, delivered `irLagS` late (or not at all). */
function run(seed: number, irLagS: number | "drop" | "in-order"): TrackState[] {
  const rng = seededRandom(seed);
  const scans: { arrival: number; t: number; sensor: string; d: Detection }[] = [];
  for (let k = 0; k <= 40; k++) {
    const t = T0 + 2 * k;
    scans.push({ arrival: t, t, sensor: "r1", d: radarDetection(radar, truthAt(t), t, rng) });
  }
  for (let t = T0 + 41; t <= T0 + 71; t += 10) {
    const d = irDetection(ir, truthAt(t), t, rng);
    if (irLagS === "drop") continue;
    scans.push({ arrival: t + (irLagS === "in-order" ? 0 : irLagS), t, sensor: "ir", d });
  }
  scans.sort((a, b) => a.arrival - b.arrival);
  const tracker = new MultiTargetTracker([radar, ir], { motion: { accelerationPsd: 0.01 } });
  for (const s of scans) tracker.processScan(s.sensor, s.t, [s.d]);
  const [track] = tracker.tracks().filter((tr) => tr.status === "confirmed");
  return [...(track?.states ?? [])];
}

const err2 = (s: TrackState | undefined): number => {
  if (!s) return Number.POSITIVE_INFINITY;
  const x = truthAt(s.t);
  return (
    ((s.x[0] as number) - (x[0] as number)) ** 2 +
    ((s.x[1] as number) - (x[1] as number)) ** 2 +
    ((s.x[2] as number) - (x[2] as number)) ** 2
  );
};

describe("out-of-sequence reprocessing", () => {
  it("folds late reports in exactly as if they had come in order", () => {
    const inOrder = run(3, "in-order");
    const late = run(3, 30);
    expect(late.map((s) => s.t)).toEqual(inOrder.map((s) => s.t));
    expect(
      late.filter((s) => s.provenance.kind === "updated" && s.provenance.sensorId === "ir"),
    ).toHaveLength(4);
    const a = inOrder.at(-1) as TrackState;
    const b = late.at(-1) as TrackState;
    for (let i = 0; i < 6; i++) expect(b.x[i]).toBeCloseTo(a.x[i] as number, 6);
    for (let i = 0; i < 36; i++) expect(b.P[i]).toBeCloseTo(a.P[i] as number, 6);
  });

  it("improves the estimate over dropping the late reports", () => {
    let withLate = 0;
    let dropped = 0;
    let traceLate = 0;
    let traceDrop = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const a = run(seed, 30);
      const b = run(seed, "drop");
      // Compare just after the last report (71 s): the state at 72 s.
      const ia = lastStateAtOrBefore(a, T0 + 72);
      const ib = lastStateAtOrBefore(b, T0 + 72);
      withLate += err2(a[ia]);
      dropped += err2(b[ib]);
      traceLate += (a[ia]?.P[0] as number) + (a[ia]?.P[7] as number) + (a[ia]?.P[14] as number);
      traceDrop += (b[ib]?.P[0] as number) + (b[ib]?.P[7] as number) + (b[ib]?.P[14] as number);
    }
    expect(traceLate).toBeLessThan(0.8 * traceDrop);
    expect(withLate).toBeLessThan(dropped);
  });

  it("applies a late report at the time of an existing update after it, as an in-order one would be", () => {
    const rng = seededRandom(5);
    const build = (): MultiTargetTracker =>
      new MultiTargetTracker([radar, ir], { motion: { accelerationPsd: 0.01 } });
    const radarScans = Array.from({ length: 31 }, (_, k) => {
      const t = T0 + 2 * k;
      return { t, d: radarDetection(radar, truthAt(t), t, rng) };
    });
    const tIr = T0 + 40; // a radar scan time
    const irDet = irDetection(ir, truthAt(tIr), tIr, rng);
    const a = build();
    const b = build();
    for (const s of radarScans) {
      a.processScan("r1", s.t, [s.d]);
      if (s.t === tIr) a.processScan("ir", tIr, [irDet]);
      b.processScan("r1", s.t, [s.d]);
    }
    const r = b.processScan("ir", tIr, [irDet]);
    expect(r.late).toBe(true);
    expect(r.reprocessed).toHaveLength(1);
    const sa = a.tracks()[0]?.states ?? [];
    const sb = b.tracks()[0]?.states ?? [];
    const at = (ss: readonly TrackState[]): string[] =>
      ss
        .filter((s) => s.t === tIr)
        .map((s) => (s.provenance.kind === "updated" ? s.provenance.sensorId : s.provenance.kind));
    expect(at(sb)).toEqual(["r1", "ir"]);
    expect(at(sb)).toEqual(at(sa));
    const fa = sa.at(-1) as TrackState;
    const fb = sb.at(-1) as TrackState;
    for (let i = 0; i < 6; i++) expect(fb.x[i]).toBeCloseTo(fa.x[i] as number, 6);
  });
});

describe("out-of-sequence reprocessing of a track under thrust", () => {
  const r1 = testRadar("r1", 37, 131, { updateIntervalS: 1 });
  const r2 = testRadar("r2", 36, 133, { updateIntervalS: 2 });
  /** 25 m/s² of thrust along the velocity for the whole 40 s: the IMM's thrust mode stays alive. */
  const boost = (() => {
    let x = coastState(39, 127.5, 80_000, 1200, 0, 1500);
    const out: Float64Array[] = [];
    for (let k = 0; k <= 40; k++) {
      out.push(Float64Array.from(x));
      for (let s = 0; s < 10; s++) {
        x = truthModel.propagate(x, 0.1, new Float64Array(6));
        const v = Math.hypot(x[3] as number, x[4] as number, x[5] as number);
        for (let i = 0; i < 3; i++) {
          x[i] = (x[i] as number) + 0.5 * 25 * 0.01 * ((x[3 + i] as number) / v);
          x[3 + i] = (x[3 + i] as number) + 25 * 0.1 * ((x[3 + i] as number) / v);
        }
      }
    }
    return out;
  })();
  /** r1 every second in order; r2 every 2 s from 11 s, delivered `lagS` late. */
  const runBoost = (lagS: number): { states: TrackState[]; reprocessed: number } => {
    const rng = seededRandom(5);
    const scans: { arrival: number; t: number; sensor: string; d: Detection }[] = [];
    boost.forEach((x, k) => {
      const t = T0 + k;
      scans.push({ arrival: t, t, sensor: "r1", d: radarDetection(r1, x, t, rng) });
      if (k >= 11 && k % 2 === 1)
        scans.push({
          arrival: t + lagS + 0.5,
          t: t + 0.5,
          sensor: "r2",
          d: radarDetection(r2, truthModel.propagate(x, 0.5, new Float64Array(6)), t + 0.5, rng),
        });
    });
    scans.sort((a, b) => a.arrival - b.arrival || a.t - b.t);
    const tracker = new MultiTargetTracker([r1, r2]);
    let reprocessed = 0;
    for (const s of scans) reprocessed += tracker.processScan(s.sensor, s.t, [s.d]).reprocessed.length;
    const [track] = tracker.tracks().filter((tr) => tr.status === "confirmed");
    return { states: [...(track?.states ?? [])], reprocessed };
  };

  it("folds late reports into the IMM exactly as if they had come in order", () => {
    const inOrder = runBoost(0);
    const late = runBoost(3);
    expect(inOrder.reprocessed).toBe(0);
    expect(late.reprocessed).toBeGreaterThan(5);
    expect(late.states.map((s) => s.t)).toEqual(inOrder.states.map((s) => s.t));
    for (const [i, a] of inOrder.states.entries()) {
      const b = late.states[i] as TrackState;
      for (let j = 0; j < a.dim; j++) expect(b.x[j]).toBeCloseTo(a.x[j] as number, 6);
      for (let j = 0; j < a.dim * a.dim; j++) expect(b.P[j]).toBeCloseTo(a.P[j] as number, 6);
    }
  });
});
