/**
 * Updaters: fold one detection into a predicted state. Split in two steps so the hypothesiser can gate
 * with the same numbers the update uses: `predictMeasurement` (predicted measurement z, innovation
 * covariance S and its Cholesky factor, cross-covariance Pxz) and `update`.
 *
 * `ExtendedKalmanUpdater` linearises h with its Jacobian and updates the covariance in Joseph form,
 * (I − KH)·P·(I − KH)ᵀ + K·R·Kᵀ, which stays symmetric positive definite under round-off.
 * `UnscentedKalmanUpdater` pushes sigma points through h (azimuth averaged on the circle) and uses
 * P − K·S·Kᵀ, symmetrised.
 */
import {
  cholesky,
  choleskySolve,
  logDetFromCholesky,
  mahalanobisFromCholesky,
  matMul,
  matMulABt,
  symmetrise,
  transpose,
} from "./linalg.ts";
import { type MeasurementModel, wrapTo2Pi, wrapToPi } from "./measurement.ts";
import type { GaussianState } from "./state.ts";
import { sigmaPoints, type UnscentedOptions, type UnscentedWeights, unscentedWeights } from "./unscented.ts";

/** Largest state: a 7-state track's thrust mode with its three acceleration states (manoeuvre.ts). */
const MAX_N = 10;
const MAX_M = 4;

/** A predicted measurement with everything the gate and the update need; reusable buffers. */
export interface MeasurementPrediction {
  /** Model it was computed with. */
  model: MeasurementModel | undefined;
  /** Predicted measurement (first model.dim entries). */
  readonly z: Float64Array;
  /** Innovation covariance S (m×m). */
  readonly S: Float64Array;
  /** Cholesky factor of S. */
  readonly L: Float64Array;
  /** log det S. */
  logDetS: number;
  /** Cross-covariance Pxz (n×m). */
  readonly Pxz: Float64Array;
  /** Measurement Jacobian H (m×n), EKF only. */
  readonly H: Float64Array;
}

/** Allocates reusable buffers for a measurement prediction. */
export function newMeasurementPrediction(): MeasurementPrediction {
  return {
    model: undefined,
    z: new Float64Array(MAX_M),
    S: new Float64Array(MAX_M * MAX_M),
    L: new Float64Array(MAX_M * MAX_M),
    logDetS: 0,
    Pxz: new Float64Array(MAX_N * MAX_M),
    H: new Float64Array(MAX_M * MAX_N),
  };
}

/** Folds a detection into a predicted state. */
export interface Updater {
  /** Fills `out` for `pred` seen by `model`; false if S is not positive definite. */
  predictMeasurement(pred: GaussianState, model: MeasurementModel, out: MeasurementPrediction): boolean;
  /** Updates `pred` with measurement z into xOut / pOut, using a prediction from `predictMeasurement`. */
  update(
    pred: GaussianState,
    mp: MeasurementPrediction,
    z: Float64Array,
    xOut: Float64Array,
    pOut: Float64Array,
  ): void;
}

/** Squared Mahalanobis distance of measurement z from a measurement prediction (the NIS). */
export function mahalanobis2(mp: MeasurementPrediction, z: Float64Array, work: Float64Array): number {
  const model = mp.model;
  if (!model) throw new Error("measurement prediction not computed");
  const m = model.dim;
  model.residual(z, mp.z, work);
  return mahalanobisFromCholesky(mp.L, work, m, work.subarray(MAX_M));
}

/** Shared gain and mean step: K = Pxz·S⁻¹ into `k` (n×m), x⁺ = x + K·ν into xOut. */
class GainStep {
  protected readonly kt = new Float64Array(MAX_M * MAX_N);
  protected readonly k = new Float64Array(MAX_N * MAX_M);
  protected readonly nu = new Float64Array(MAX_M);

  protected gainAndMean(
    pred: GaussianState,
    mp: MeasurementPrediction,
    z: Float64Array,
    xOut: Float64Array,
  ): void {
    const n = pred.dim;
    const model = mp.model as MeasurementModel;
    const m = model.dim;
    // S·Kᵀ = Pxzᵀ
    transpose(mp.Pxz, n, m, this.kt);
    choleskySolve(mp.L, this.kt, m, n, this.kt);
    transpose(this.kt, m, n, this.k);
    model.residual(z, mp.z, this.nu);
    for (let i = 0; i < n; i++) {
      let s = pred.x[i] as number;
      for (let j = 0; j < m; j++) s += (this.k[i * m + j] as number) * (this.nu[j] as number);
      xOut[i] = s;
    }
  }
}

/** EKF update with a Joseph-form covariance. */
export class ExtendedKalmanUpdater extends GainStep implements Updater {
  private readonly a = new Float64Array(MAX_N * MAX_N);
  private readonly tmp = new Float64Array(MAX_N * MAX_N);
  private readonly kr = new Float64Array(MAX_N * MAX_M);

  /** z = h(x), H = ∂h/∂x, S = H·P·Hᵀ + R, Pxz = P·Hᵀ. */
  predictMeasurement(pred: GaussianState, model: MeasurementModel, out: MeasurementPrediction): boolean {
    const n = pred.dim;
    const m = model.dim;
    out.model = model;
    model.measure(pred.x, out.z);
    model.jacobian(pred.x, n, out.H);
    matMulABt(pred.P, out.H, n, n, m, out.Pxz);
    matMul(out.H, out.Pxz, m, n, m, out.S);
    for (let i = 0; i < m * m; i++) out.S[i] = (out.S[i] as number) + (model.noise[i] as number);
    return factorInnovation(out, m);
  }

  /** x⁺ = x + K·ν; P⁺ = (I − KH)·P·(I − KH)ᵀ + K·R·Kᵀ. */
  update(
    pred: GaussianState,
    mp: MeasurementPrediction,
    z: Float64Array,
    xOut: Float64Array,
    pOut: Float64Array,
  ): void {
    const n = pred.dim;
    const model = mp.model as MeasurementModel;
    const m = model.dim;
    this.gainAndMean(pred, mp, z, xOut);
    const a = this.a;
    matMul(this.k, mp.H, n, m, n, a);
    for (let i = 0; i < n * n; i++) a[i] = -(a[i] as number);
    for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) + 1;
    matMul(a, pred.P, n, n, n, this.tmp);
    matMulABt(this.tmp, a, n, n, n, pOut);
    matMul(this.k, model.noise, n, m, m, this.kr);
    matMulABt(this.kr, this.k, n, m, n, this.tmp);
    for (let i = 0; i < n * n; i++) pOut[i] = (pOut[i] as number) + (this.tmp[i] as number);
    symmetrise(pOut, n);
  }
}

/** UKF update: sigma points through h, P⁺ = P − K·S·Kᵀ. */
export class UnscentedKalmanUpdater extends GainStep implements Updater {
  private readonly options: UnscentedOptions;
  private readonly weightsByDim = new Map<number, UnscentedWeights>();
  private readonly points = new Float64Array((2 * MAX_N + 1) * MAX_N);
  private readonly zPoints = new Float64Array((2 * MAX_N + 1) * MAX_M);
  private readonly work = new Float64Array(MAX_N * MAX_N);
  private readonly dz = new Float64Array(MAX_M);

  /** Builds the updater with unscented-transform parameters. */
  constructor(options: UnscentedOptions) {
    super();
    this.options = options;
  }

  private weights(n: number): UnscentedWeights {
    let w = this.weightsByDim.get(n);
    if (!w) {
      w = unscentedWeights(n, this.options);
      this.weightsByDim.set(n, w);
    }
    return w;
  }

  /** Sigma points through h; azimuth averaged as offsets from the central point's azimuth. */
  predictMeasurement(pred: GaussianState, model: MeasurementModel, out: MeasurementPrediction): boolean {
    const n = pred.dim;
    const m = model.dim;
    const w = this.weights(n);
    out.model = model;
    const pts = this.points;
    const zs = this.zPoints;
    if (!sigmaPoints(pred.x, pred.P, w, pts, this.work)) return false;
    const np = 2 * n + 1;
    const row = this.work; // reused: the Cholesky factor is no longer needed
    const zrow = this.dz;
    for (let s = 0; s < np; s++) {
      for (let j = 0; j < n; j++) row[j] = pts[s * n + j] as number;
      model.measure(row, zrow);
      for (let j = 0; j < m; j++) zs[s * m + j] = zrow[j] as number;
    }
    const ai = model.azimuthIndex;
    const az0 = zs[ai] as number;
    out.z.fill(0);
    for (let s = 0; s < np; s++) {
      const wm = w.wm[s] as number;
      for (let j = 0; j < m; j++) {
        const v = j === ai ? wrapToPi((zs[s * m + j] as number) - az0) : (zs[s * m + j] as number);
        out.z[j] = (out.z[j] as number) + wm * v;
      }
    }
    out.z[ai] = wrapTo2Pi(az0 + (out.z[ai] as number));
    out.S.set(model.noise.subarray(0, m * m));
    out.Pxz.fill(0);
    const dz = this.dz;
    for (let s = 0; s < np; s++) {
      const wc = w.wc[s] as number;
      for (let j = 0; j < m; j++) dz[j] = (zs[s * m + j] as number) - (out.z[j] as number);
      dz[ai] = wrapToPi(dz[ai] as number);
      for (let i = 0; i < m; i++) {
        const di = wc * (dz[i] as number);
        for (let j = 0; j < m; j++) out.S[i * m + j] = (out.S[i * m + j] as number) + di * (dz[j] as number);
      }
      for (let i = 0; i < n; i++) {
        const dx = wc * ((pts[s * n + i] as number) - (pred.x[i] as number));
        for (let j = 0; j < m; j++)
          out.Pxz[i * m + j] = (out.Pxz[i * m + j] as number) + dx * (dz[j] as number);
      }
    }
    return factorInnovation(out, m);
  }

  /** x⁺ = x + K·ν; P⁺ = P − K·Pxzᵀ (= P − K·S·Kᵀ), symmetrised. */
  update(
    pred: GaussianState,
    mp: MeasurementPrediction,
    z: Float64Array,
    xOut: Float64Array,
    pOut: Float64Array,
  ): void {
    const n = pred.dim;
    const m = (mp.model as MeasurementModel).dim;
    this.gainAndMean(pred, mp, z, xOut);
    matMulABt(this.k, mp.Pxz, n, m, n, pOut);
    for (let i = 0; i < n * n; i++) pOut[i] = (pred.P[i] as number) - (pOut[i] as number);
    symmetrise(pOut, n);
  }
}

/** Symmetrises the innovation covariance S and factors it (L, log det S); false if S is not positive definite. */
function factorInnovation(out: MeasurementPrediction, m: number): boolean {
  symmetrise(out.S, m);
  if (!cholesky(out.S, m, out.L)) return false;
  out.logDetS = logDetFromCholesky(out.L, m);
  return true;
}
