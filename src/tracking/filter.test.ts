import { describe, expect, it } from "vitest";
import { geodeticToEcef } from "../geo/earth.ts";
import { BallisticMotionModel } from "./ballistic.ts";
import { averagedChiSquareBand, nees } from "./consistency.ts";
import { cholesky } from "./linalg.ts";
import { RadarMeasurementModel } from "./measurement.ts";
import { ExtendedKalmanPredictor, type Predictor, UnscentedKalmanPredictor } from "./predictor.ts";
import type { GaussianState } from "./state.ts";
import { type SeededRandom, seededRandom, testRadar } from "./testing.ts";
import {
  ExtendedKalmanUpdater,
  newMeasurementPrediction,
  UnscentedKalmanUpdater,
  type Updater,
} from "./updater.ts";

const Q_PSD = 0.5;
const DT = 5;
const STEPS = 40;
const radar = testRadar("r1", 35.5, 133);
const measurement = new RadarMeasurementModel(radar, true);
const truthModel = new BallisticMotionModel({ accelerationPsd: Q_PSD, maxStepS: 1 });

/** A coast-phase state 250 km up over the Sea of Japan, heading east-south-east. */
function startState(): Float64Array {
  const r = geodeticToEcef({ latDeg: 38.5, lonDeg: 129, heightM: 250_000 });
  const lat = (38.5 * Math.PI) / 180;
  const lon = (129 * Math.PI) / 180;
  const east = [-Math.sin(lon), Math.cos(lon), 0];
  const north = [-Math.sin(lat) * Math.cos(lon), -Math.sin(lat) * Math.sin(lon), Math.cos(lat)];
  const up = [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
  const v = [0, 1, 2].map(
    (i) => 2600 * (east[i] as number) - 700 * (north[i] as number) + 900 * (up[i] as number),
  );
  return Float64Array.from([...r, ...v]);
}

function correlatedDraw(cov: Float64Array, n: number, rng: SeededRandom): Float64Array {
  const l = new Float64Array(n * n);
  if (!cholesky(cov, n, l)) throw new Error("not SPD");
  const g = Array.from({ length: n }, () => rng.gaussian());
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) out[i] = (out[i] as number) + (l[i * n + j] as number) * (g[j] as number);
  return out;
}

/** Truth with white-noise acceleration matching the filter's Q, and noisy radar measurements. */
function simulate(rng: SeededRandom): { truth: Float64Array[]; z: Float64Array[] } {
  const truth: Float64Array[] = [startState()];
  const q = truthModel.processNoise(DT, new Float64Array(36));
  for (let k = 1; k <= STEPS; k++) {
    const next = truthModel.propagate(truth[k - 1] as Float64Array, DT, new Float64Array(6));
    const w = correlatedDraw(q, 6, rng);
    for (let i = 0; i < 6; i++) next[i] = (next[i] as number) + (w[i] as number);
    truth.push(next);
  }
  const z = truth.map((x) => {
    const m = measurement.measure(x, new Float64Array(4));
    const noise = correlatedDraw(measurement.noise, 4, rng);
    for (let i = 0; i < 4; i++) m[i] = (m[i] as number) + (noise[i] as number);
    return m;
  });
  return { truth, z };
}

interface RunResult {
  nees: number[];
  posErr: number[];
  velErr: number[];
  initialVelErr: number;
}

function run(predictor: Predictor, updater: Updater, rng: SeededRandom): RunResult {
  const { truth, z } = simulate(rng);
  const P0 = new Float64Array(36);
  for (let i = 0; i < 6; i++) P0[i * 6 + i] = i < 3 ? 2000 ** 2 : 300 ** 2;
  const x0 = Float64Array.from(truth[0] as Float64Array);
  const e0 = correlatedDraw(P0, 6, rng);
  for (let i = 0; i < 6; i++) x0[i] = (x0[i] as number) + (e0[i] as number);
  let state: GaussianState = { t: 0, dim: 6, x: x0, P: P0 };
  const mp = newMeasurementPrediction();
  const initialVelErr = Math.hypot(e0[3] as number, e0[4] as number, e0[5] as number);
  const out: RunResult = { nees: [], posErr: [], velErr: [], initialVelErr };
  for (let k = 1; k <= STEPS; k++) {
    const xp = new Float64Array(6);
    const Pp = new Float64Array(36);
    predictor.predictInto(state, k * DT, xp, Pp);
    const pred = { t: k * DT, dim: 6, x: xp, P: Pp };
    expect(updater.predictMeasurement(pred, measurement, mp)).toBe(true);
    const x = new Float64Array(6);
    const P = new Float64Array(36);
    updater.update(pred, mp, z[k] as Float64Array, x, P);
    state = { t: k * DT, dim: 6, x, P };
    const t = truth[k] as Float64Array;
    out.nees.push(nees(state, t));
    out.posErr.push(Math.hypot(...[0, 1, 2].map((i) => (t[i] as number) - (x[i] as number))));
    out.velErr.push(Math.hypot(...[3, 4, 5].map((i) => (t[i] as number) - (x[i] as number))));
  }
  return out;
}

const filters = {
  EKF: () => ({
    predictor: new ExtendedKalmanPredictor(new BallisticMotionModel({ accelerationPsd: Q_PSD, maxStepS: 5 })),
    updater: new ExtendedKalmanUpdater(),
  }),
  UKF: () => ({
    predictor: new UnscentedKalmanPredictor(
      new BallisticMotionModel({ accelerationPsd: Q_PSD, maxStepS: 5 }),
      {
        alpha: 1,
        beta: 2,
        kappa: 0,
      },
    ),
    updater: new UnscentedKalmanUpdater({ alpha: 1, beta: 2, kappa: 0 }),
  }),
};

describe.each(Object.entries(filters))("%s on a simulated ballistic flight", (_name, make) => {
  it("converges from a 2 km / 300 m/s start", () => {
    const { predictor, updater } = make();
    const r = run(predictor, updater, seededRandom(11));
    const last = STEPS - 1;
    // Single-shot cross-range noise is ~600 m (1 mrad at 600 km); the filter must beat it well.
    expect(r.posErr[last]).toBeLessThan(350);
    expect(r.velErr[last]).toBeLessThan(10);
    expect(r.velErr[last] as number).toBeLessThan(r.initialVelErr / 20);
  });

  it("keeps the NEES averaged over 40 seeded runs inside its 95 % band at most steps", () => {
    const { predictor, updater } = make();
    const runs = 40;
    const sum = new Float64Array(STEPS);
    for (let s = 0; s < runs; s++) {
      const r = run(predictor, updater, seededRandom(1000 + s));
      r.nees.forEach((v, k) => {
        sum[k] = (sum[k] as number) + v;
      });
    }
    const [lo, hi] = averagedChiSquareBand(6, runs);
    const avg = Array.from(sum, (v) => v / runs);
    const inside = avg.filter((v) => v >= lo && v <= hi).length;
    expect(inside / STEPS, `average NEES ${avg.map((v) => v.toFixed(1)).join(" ")}`).toBeGreaterThanOrEqual(
      0.85,
    );
  });
});
