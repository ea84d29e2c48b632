/**
 * Thrust and coast as two models of one track: an interacting multiple model (IMM; Blom & Bar-Shalom
 * 1988; Bar-Shalom, Li & Kirubarajan, "Estimation with Applications to Tracking and Navigation", §11.6).
 * Both modes share the ballistic dynamics; the coast mode predicts with the motion model's small
 * acceleration PSD, the thrust mode with `accelerationPsd`, sized for a motor's 10–60 m/s². Each scan the
 * mode posteriors are mixed through a Markov chain, each mode is predicted and updated on its own, the
 * mode probabilities follow each mode's innovation likelihood, and the track's state is the moment-matched
 * mixture.
 *
 * Why not a switch on the innovations (the adjustable level this replaced): a filter predicting with the
 * thrust PSD explains a thrusting target, so its innovations look consistent and a switch on them turns
 * the thrust level off while the motor still burns; the next coast prediction then lags by the thrust,
 * and a young track carried through burnout kept that lag with a coast-sized covariance (NEES in the
 * hundreds for tens of seconds). The IMM tests the coast hypothesis with the coast mode's own, tight
 * covariance on every scan, and the mixture covariance carries the thrust mode's spread until the data
 * say the motor has stopped.
 */
import { z } from "zod";
import type { GaussianState } from "./state.ts";

/** Thrust-mode settings (serialisable). */
export const ManoeuvreOptions = z.strictObject({
  /**
   * Acceleration PSD (m²/s³) of the thrust mode; 0 turns it off (coast model only). A white-noise
   * acceleration of PSD q lets the velocity wander √(q·T) over a revisit T; a thrust a held for T
   * changes it by a·T, so q ≳ a²·T covers thrust a at revisit T: 3,000 covers 55 m/s² (the end of a
   * liquid stage) at 1 s and 39 m/s² at 2 s.
   */
  accelerationPsd: z.number().min(0).default(3000),
  /**
   * Mean time (s) in the thrust mode before the Markov chain moves it to coast. Long (a stage burns for
   * minutes), so that burnout is decided by the innovations, not by the prior.
   */
  meanThrustS: z.number().positive().default(300),
  /** Probability of the thrust mode for a new track (radars mostly first see a missile rising). */
  initialProbability: z.number().min(0).max(1).default(0.5),
  /**
   * Thrust probability below which the thrust mode is dropped and the track goes on as one coast filter.
   * The chain has no coast-to-thrust switch: with any prior rate of thrust onset, the mixture covariance
   * carries that rate times the thrust mode's covariance, which is 10⁵ times the coast mode's once
   * precise radars have fixed a coast (3,000 m²/s³ over a 1 s revisit against a velocity variance of a
   * few cm²/s²), and so stays pessimistic for the whole coast. A later stage that fires after the thrust
   * mode has been dropped is picked up by a new track.
   */
  pruneBelow: z.number().min(0).lt(1).default(1e-9),
});
/** Parsed thrust-mode options. */
export type ManoeuvreOptions = z.infer<typeof ManoeuvreOptions>;

/** Index of the coast mode and of the thrust mode in an IMM's arrays. */
export const COAST = 0;
/** Index of the thrust mode. */
export const THRUST = 1;

/** One mode's mean and covariance (buffers). */
export interface ModeState {
  x: Float64Array;
  P: Float64Array;
}

/** A track's IMM: mode posteriors at time t and scratch for the next scan. */
export interface ImmState {
  /** State dimension of the modes. */
  dim: number;
  /** Time of the posteriors (Unix s). */
  t: number;
  /** Mode probabilities [coast, thrust]. */
  readonly mu: Float64Array;
  /** Mode posteriors [coast, thrust]. */
  post: [ModeState, ModeState];
  /** Mixed priors at t (scratch). */
  mixed: [ModeState, ModeState];
  /** Mode predictions at the scan time. */
  pred: [ModeState, ModeState];
  /** Predicted mode probabilities for the scan (c̄ⱼ). */
  readonly cbar: Float64Array;
  /** The combined track state the posteriors belong to; any other last state re-seeds the modes. */
  at: unknown;
}

function modeBuffers(n: number): ModeState {
  return { x: new Float64Array(n), P: new Float64Array(n * n) };
}

/** An IMM whose two modes both start at `state`, with thrust probability `thrust`. */
export function newImmState(state: GaussianState, thrust: number, at: unknown): ImmState {
  const n = state.dim;
  const imm: ImmState = {
    dim: n,
    t: state.t,
    mu: Float64Array.from([1 - thrust, thrust]),
    post: [modeBuffers(n), modeBuffers(n)],
    mixed: [modeBuffers(n), modeBuffers(n)],
    pred: [modeBuffers(n), modeBuffers(n)],
    cbar: new Float64Array(2),
    at,
  };
  seedImm(imm, state, at);
  return imm;
}

/**
 * Puts both modes at `state` (a fused, reprocessed or re-entry state the modes did not produce), keeping
 * the mode probabilities.
 */
export function seedImm(imm: ImmState, state: GaussianState, at: unknown): void {
  const n = state.dim;
  if (imm.dim !== n) {
    imm.dim = n;
    imm.post = [modeBuffers(n), modeBuffers(n)];
    imm.mixed = [modeBuffers(n), modeBuffers(n)];
    imm.pred = [modeBuffers(n), modeBuffers(n)];
  }
  for (const m of imm.post) {
    m.x.set(state.x);
    m.P.set(state.P);
  }
  imm.t = state.t;
  imm.at = at;
}

/** Probability of switching mode over dt: [coast → thrust (none), thrust → coast]. */
export function switchProbabilities(dt: number, o: ManoeuvreOptions): [number, number] {
  return [0, -Math.expm1(-Math.abs(dt) / o.meanThrustS)];
}

/**
 * IMM interaction over dt: predicted mode probabilities c̄ⱼ = Σᵢ pᵢⱼ μᵢ into `imm.cbar`, and each mode's
 * mixed prior x⁰ⱼ = Σᵢ μᵢ|ⱼ xᵢ, P⁰ⱼ = Σᵢ μᵢ|ⱼ (Pᵢ + (xᵢ − x⁰ⱼ)(xᵢ − x⁰ⱼ)ᵀ) into `imm.mixed`.
 */
export function mixModes(imm: ImmState, dt: number, o: ManoeuvreOptions): void {
  const [pct, ptc] = switchProbabilities(dt, o);
  const mu0 = imm.mu[COAST] as number;
  const mu1 = imm.mu[THRUST] as number;
  // p[i][j]: from mode i to mode j.
  const p = [
    [1 - pct, pct],
    [ptc, 1 - ptc],
  ] as const;
  const n = imm.dim;
  for (let j = 0; j < 2; j++) {
    const c = (p[0][j] as number) * mu0 + (p[1][j] as number) * mu1;
    imm.cbar[j] = c;
    const w0 = c > 0 ? ((p[0][j] as number) * mu0) / c : j === COAST ? 1 : 0;
    const w1 = 1 - w0;
    combineInto(imm.post[0], imm.post[1], w0, w1, n, imm.mixed[j] as ModeState);
  }
}

/** Moment-matched mixture of two Gaussians with weights w0 + w1 = 1, into `out`. */
export function combineInto(
  a: ModeState,
  b: ModeState,
  w0: number,
  w1: number,
  n: number,
  out: ModeState,
): void {
  const x = out.x;
  for (let i = 0; i < n; i++) x[i] = w0 * (a.x[i] as number) + w1 * (b.x[i] as number);
  const P = out.P;
  for (let i = 0; i < n; i++) {
    const da = (a.x[i] as number) - (x[i] as number);
    const db = (b.x[i] as number) - (x[i] as number);
    for (let j = i; j < n; j++) {
      const v =
        w0 * ((a.P[i * n + j] as number) + da * ((a.x[j] as number) - (x[j] as number))) +
        w1 * ((b.P[i * n + j] as number) + db * ((b.x[j] as number) - (x[j] as number)));
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
  }
}

/**
 * Mode probabilities after an update: μⱼ ∝ c̄ⱼ Λⱼ, from each mode's log-likelihood of the detection
 * (−∞ for a mode whose measurement prediction failed). Leaves μ at c̄ if both are −∞.
 */
export function updateModeProbabilities(imm: ImmState, logLik0: number, logLik1: number): void {
  const top = Math.max(logLik0, logLik1);
  const c0 = imm.cbar[COAST] as number;
  const c1 = imm.cbar[THRUST] as number;
  if (!Number.isFinite(top)) {
    imm.mu[COAST] = c0;
    imm.mu[THRUST] = c1;
    return;
  }
  const a = c0 * Math.exp(logLik0 - top);
  const b = c1 * Math.exp(logLik1 - top);
  const s = a + b;
  imm.mu[COAST] = s > 0 ? a / s : c0;
  imm.mu[THRUST] = s > 0 ? b / s : c1;
}
