/**
 * Predictors: carry a Gaussian state forward (or backward) in time through the ballistic model.
 * `ExtendedKalmanPredictor` linearises with the transition matrix Φ; `UnscentedKalmanPredictor`
 * propagates sigma points. Both write into caller buffers (`predictInto`) so the tracker's hot loop
 * allocates nothing; `predict` is the allocating convenience that returns a provenance-tagged state.
 */
import type { BallisticMotionModel } from "./ballistic.ts";
import { matMul, matMulABt, symmetrise } from "./linalg.ts";
import { type GaussianState, type TrackState, trackState } from "./state.ts";
import { sigmaPoints, type UnscentedOptions, type UnscentedWeights, unscentedWeights } from "./unscented.ts";

/** Carries a Gaussian state to another time. */
export interface Predictor {
  /** The motion model used. */
  readonly model: BallisticMotionModel;
  /**
   * Predicts `prior` to time t into xOut (dim) and pOut (dim×dim); returns false on numerical failure.
   * `accelerationPsd` overrides the model's process-noise PSD (a manoeuvring track's).
   */
  predictInto(
    prior: GaussianState,
    t: number,
    xOut: Float64Array,
    pOut: Float64Array,
    accelerationPsd?: number,
  ): boolean;
  /** Predicts `prior` to time t as a new state with provenance "predicted". */
  predict(prior: GaussianState, t: number): TrackState;
}

abstract class BasePredictor {
  abstract readonly model: BallisticMotionModel;
  abstract predictInto(
    prior: GaussianState,
    t: number,
    xOut: Float64Array,
    pOut: Float64Array,
    accelerationPsd?: number,
  ): boolean;

  /** Predicts `prior` to time t as a new state with provenance "predicted". */
  predict(prior: GaussianState, t: number): TrackState {
    const n = prior.dim;
    const x = new Float64Array(n);
    const P = new Float64Array(n * n);
    if (!this.predictInto(prior, t, x, P))
      throw new Error("prediction failed: covariance not positive definite");
    return trackState(t, n, x, P, { kind: "predicted" });
  }
}

/**
 * Dispatches on the state's dimension: a 6-state goes to the coast predictor (no drag state), a 7-state
 * to the predictor with drag and 1/β. For a tracker whose tracks gain a drag state on re-entry.
 */
export class StateDimensionPredictor implements Predictor {
  /** The 6-state (coast) model; the model new tracks start with. */
  readonly model: BallisticMotionModel;

  /** Builds the dispatcher from a 6-state and a 7-state predictor of the same family. */
  constructor(
    readonly coast: Predictor,
    readonly drag: Predictor,
  ) {
    this.model = coast.model;
  }

  /** Predicts with the predictor for the prior's dimension. */
  predictInto(
    prior: GaussianState,
    t: number,
    xOut: Float64Array,
    pOut: Float64Array,
    accelerationPsd?: number,
  ): boolean {
    return (prior.dim === 7 ? this.drag : this.coast).predictInto(prior, t, xOut, pOut, accelerationPsd);
  }

  /** Predicts with the predictor for the prior's dimension, as a new state. */
  predict(prior: GaussianState, t: number): TrackState {
    return (prior.dim === 7 ? this.drag : this.coast).predict(prior, t);
  }
}

/** EKF prediction: x' = f(x), P' = Φ·P·Φᵀ + Q. */
export class ExtendedKalmanPredictor extends BasePredictor implements Predictor {
  private readonly phi: Float64Array;
  private readonly tmp: Float64Array;
  private readonly q: Float64Array;

  /** Builds the predictor on a motion model. */
  constructor(readonly model: BallisticMotionModel) {
    super();
    const n = model.dim;
    this.phi = new Float64Array(n * n);
    this.tmp = new Float64Array(n * n);
    this.q = new Float64Array(n * n);
  }

  /** Predicts into buffers (always succeeds; returns true). */
  predictInto(
    prior: GaussianState,
    t: number,
    xOut: Float64Array,
    pOut: Float64Array,
    accelerationPsd?: number,
  ): boolean {
    const n = this.model.dim;
    const dt = t - prior.t;
    this.model.propagateWithJacobian(prior.x, dt, xOut, this.phi);
    matMul(this.phi, prior.P, n, n, n, this.tmp);
    matMulABt(this.tmp, this.phi, n, n, n, pOut);
    this.model.processNoise(dt, this.q, prior.x, xOut, accelerationPsd);
    for (let i = 0; i < n * n; i++) pOut[i] = (pOut[i] as number) + (this.q[i] as number);
    symmetrise(pOut, n);
    return true;
  }
}

/** UKF prediction: sigma points through the RK4 propagator, recombined, plus Q. */
export class UnscentedKalmanPredictor extends BasePredictor implements Predictor {
  private readonly weights: UnscentedWeights;
  private readonly points: Float64Array;
  private readonly work: Float64Array;
  private readonly q: Float64Array;
  private readonly row: Float64Array;

  /** Builds the predictor on a motion model with unscented parameters. */
  constructor(
    readonly model: BallisticMotionModel,
    options: UnscentedOptions,
  ) {
    super();
    const n = model.dim;
    this.weights = unscentedWeights(n, options);
    this.points = new Float64Array((2 * n + 1) * n);
    this.work = new Float64Array(n * n);
    this.q = new Float64Array(n * n);
    this.row = new Float64Array(n);
  }

  /** Predicts into buffers; false if the prior covariance is not positive definite. */
  predictInto(
    prior: GaussianState,
    t: number,
    xOut: Float64Array,
    pOut: Float64Array,
    accelerationPsd?: number,
  ): boolean {
    const n = this.model.dim;
    const w = this.weights;
    const pts = this.points;
    if (!sigmaPoints(prior.x, prior.P, w, pts, this.work)) return false;
    const dt = t - prior.t;
    const row = this.row;
    for (let s = 0; s <= 2 * n; s++) {
      for (let j = 0; j < n; j++) row[j] = pts[s * n + j] as number;
      this.model.propagate(row, dt, row);
      for (let j = 0; j < n; j++) pts[s * n + j] = row[j] as number;
    }
    xOut.fill(0);
    for (let s = 0; s <= 2 * n; s++) {
      const wm = w.wm[s] as number;
      for (let j = 0; j < n; j++) xOut[j] = (xOut[j] as number) + wm * (pts[s * n + j] as number);
    }
    this.model.processNoise(dt, this.q, prior.x, xOut, accelerationPsd);
    pOut.set(this.q);
    for (let s = 0; s <= 2 * n; s++) {
      const wc = w.wc[s] as number;
      for (let i = 0; i < n; i++) {
        const di = (pts[s * n + i] as number) - (xOut[i] as number);
        for (let j = i; j < n; j++) {
          pOut[i * n + j] =
            (pOut[i * n + j] as number) + wc * di * ((pts[s * n + j] as number) - (xOut[j] as number));
        }
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) pOut[i * n + j] = pOut[j * n + i] as number;
    return true;
  }
}
