import { CholeskyDecomposition, inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { enuToEcef } from "../geo/earth.ts";
import { chiSquareQuantile } from "./chisquare.ts";
import { averagedChiSquareBand } from "./consistency.ts";
import { type MeasurementModel, RadarMeasurementModel, wrapToPi } from "./measurement.ts";
import type { GaussianState } from "./state.ts";
import { seededRandom, testRadar } from "./testing.ts";
import {
  ExtendedKalmanUpdater,
  mahalanobis2,
  newMeasurementPrediction,
  UnscentedKalmanUpdater,
} from "./updater.ts";

const radar = testRadar("r1", 35.5, 133);
const model = new RadarMeasurementModel(radar, true);
const rng = seededRandom(7);

function randomPrediction(n: number): GaussianState {
  const pos = enuToEcef([-400_000 + rng.gaussian() * 1e5, 300_000, 250_000], radar.position);
  const x = new Float64Array(n);
  x.set([...pos, 2500, -1200, 600]);
  if (n === 7) x[6] = 5e-4;
  const sig = [2000, 2000, 2000, 150, 150, 150, 1e-4];
  const a = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) a.set(i, j, rng.gaussian() * 0.3 * (sig[i] as number));
  const p = a.mmul(a.transpose());
  for (let i = 0; i < n; i++) p.set(i, i, p.get(i, i) + (sig[i] as number) ** 2);
  return { t: 0, dim: n, x, P: Float64Array.from(p.to1DArray()) };
}

function ml(a: Float64Array, m: number, n: number): Matrix {
  return Matrix.from1DArray(m, n, Array.from(a.subarray(0, m * n)));
}

function expectNormClose(a: Float64Array, b: Matrix, tol = 1e-9): void {
  const ref = b.to1DArray();
  let scale = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i] as number));
    err = Math.max(err, Math.abs((a[i] as number) - (ref[i] as number)));
  }
  expect(err / scale).toBeLessThan(tol);
}

function measurementNear(pred: GaussianState, m: MeasurementModel): Float64Array {
  const z = m.measure(pred.x, new Float64Array(m.dim));
  z[0] = (z[0] as number) + 300;
  z[1] = (z[1] as number) + 0.002;
  z[2] = (z[2] as number) - 0.001;
  z[3] = (z[3] as number) + 10;
  return z;
}

describe("ExtendedKalmanUpdater vs a plain ml-matrix EKF", () => {
  it("agrees to 1e-9 on random 6- and 7-state predictions", () => {
    const updater = new ExtendedKalmanUpdater();
    for (const n of [6, 7, 6, 7]) {
      const pred = randomPrediction(n);
      const mp = newMeasurementPrediction();
      expect(updater.predictMeasurement(pred, model, mp)).toBe(true);
      const z = measurementNear(pred, model);
      const x = new Float64Array(n);
      const P = new Float64Array(n * n);
      updater.update(pred, mp, z, x, P);

      const H = ml(model.jacobian(pred.x, n, new Float64Array(4 * n)), 4, n);
      const Pm = ml(pred.P, n, n);
      const R = ml(model.noise, 4, 4);
      const S = H.mmul(Pm).mmul(H.transpose()).add(R);
      const K = Pm.mmul(H.transpose()).mmul(inverse(S));
      const zp = model.measure(pred.x, new Float64Array(4));
      const nu = ml(z, 4, 1).sub(ml(zp, 4, 1));
      nu.set(1, 0, wrapToPi(nu.get(1, 0)));
      const xRef = ml(pred.x, n, 1).add(K.mmul(nu));
      const A = Matrix.eye(n).sub(K.mmul(H));
      const PRef = A.mmul(Pm).mmul(A.transpose()).add(K.mmul(R).mmul(K.transpose()));
      expectNormClose(mp.S, S);
      expectNormClose(x, xRef);
      expectNormClose(P, PRef);
      const d2 = mahalanobis2(mp, z, new Float64Array(8));
      expect(d2).toBeCloseTo(nu.transpose().mmul(inverse(S)).mmul(nu).get(0, 0), 8);
    }
  });
});

describe("UnscentedKalmanUpdater vs a plain ml-matrix UKF", () => {
  it("agrees to 1e-9 with α = 1, β = 2, κ = 0 and with κ = 1", () => {
    for (const kappa of [0, 1]) {
      const updater = new UnscentedKalmanUpdater({ alpha: 1, beta: 2, kappa });
      for (const n of [6, 7]) {
        const pred = randomPrediction(n);
        const mp = newMeasurementPrediction();
        expect(updater.predictMeasurement(pred, model, mp)).toBe(true);
        const z = measurementNear(pred, model);
        const x = new Float64Array(n);
        const P = new Float64Array(n * n);
        updater.update(pred, mp, z, x, P);

        const lambda = n + kappa - n;
        const c = Math.sqrt(n + lambda);
        const L = new CholeskyDecomposition(ml(pred.P, n, n)).lowerTriangularMatrix;
        const X: Matrix[] = [ml(pred.x, n, 1)];
        for (let i = 0; i < n; i++) X.push(ml(pred.x, n, 1).add(L.getColumnVector(i).mul(c)));
        for (let i = 0; i < n; i++) X.push(ml(pred.x, n, 1).sub(L.getColumnVector(i).mul(c)));
        const wm = X.map((_, i) => (i === 0 ? lambda / (n + lambda) : 1 / (2 * (n + lambda))));
        const wc = wm.map((w, i) => (i === 0 ? w + 2 : w));
        const Z = X.map((s) =>
          ml(model.measure(Float64Array.from(s.to1DArray()), new Float64Array(4)), 4, 1),
        );
        // no sigma point crosses north here, so the plain weighted mean is right
        let zMean = Matrix.zeros(4, 1);
        Z.forEach((zi, i) => {
          zMean = zMean.add(zi.clone().mul(wm[i] as number));
        });
        let S = ml(model.noise, 4, 4);
        let Pxz = Matrix.zeros(n, 4);
        Z.forEach((zi, i) => {
          const dz = zi.clone().sub(zMean);
          const dx = (X[i] as Matrix).clone().sub(ml(pred.x, n, 1));
          S = S.add(dz.mmul(dz.transpose()).mul(wc[i] as number));
          Pxz = Pxz.add(dx.mmul(dz.transpose()).mul(wc[i] as number));
        });
        const K = Pxz.mmul(inverse(S));
        const xRef = ml(pred.x, n, 1).add(K.mmul(ml(z, 4, 1).sub(zMean)));
        const PRef = ml(pred.P, n, n).sub(K.mmul(S).mmul(K.transpose()));
        expectNormClose(mp.z, zMean);
        expectNormClose(mp.S, S);
        expectNormClose(x, xRef);
        expectNormClose(P, PRef);
      }
    }
  });

  it("averages azimuth across north instead of jumping to π", () => {
    const updater = new UnscentedKalmanUpdater({ alpha: 1, beta: 2, kappa: 0 });
    const x = Float64Array.from([...enuToEcef([0, 400_000, 150_000], radar.position), 0, 0, 0]);
    const P = new Float64Array(36);
    for (let i = 0; i < 6; i++) P[i * 6 + i] = i < 3 ? 1e6 : 100;
    const mp = newMeasurementPrediction();
    updater.predictMeasurement({ t: 0, dim: 6, x, P }, new RadarMeasurementModel(radar, false), mp);
    const az = mp.z[1] as number;
    expect(Math.min(az, 2 * Math.PI - az)).toBeLessThan(1e-3);
    expect(Math.sqrt(mp.S[4] as number)).toBeLessThan(0.01); // σ_az stays small
  });
});

describe("chi-square helpers", () => {
  it("match tabulated quantiles", () => {
    expect(chiSquareQuantile(0.95, 2)).toBeCloseTo(5.991, 3);
    expect(chiSquareQuantile(0.99, 3)).toBeCloseTo(11.345, 3);
    expect(chiSquareQuantile(0.025, 6)).toBeCloseTo(1.237, 3);
    const [lo, hi] = averagedChiSquareBand(6, 50);
    expect(lo).toBeCloseTo(chiSquareQuantile(0.025, 300) / 50, 12);
    expect(lo).toBeGreaterThan(5);
    expect(hi).toBeLessThan(7.1);
  });
});
