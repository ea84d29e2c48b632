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
 *
 * The thrust mode estimates its acceleration (`estimateAcceleration`, the default): its state is the
 * track's state plus the non-gravitational acceleration in ECEF, constant over a revisit but for a
 * white-noise jerk (`jerkPsd`), with a small white-noise acceleration on top (`residualPsd`). A motor's
 * thrust changes slowly (it rises threefold over a burn; the thrust turns with the pitch programme), so
 * the mode follows it with a tight covariance instead of covering it with white noise of PSD ~3,000
 * m²/s³. Measured (bench/RESULTS.md, "Tracking accuracy"): on 2017-09-15 the Japan radars (no range
 * rate) hand over to the coast mode sooner (thrust probability 10 s after burnout 0.45 → 0.035; the
 * mixture's NEES there 2.6 → 4.8 against 6), USA tracks in boost no longer read 20 times optimistic
 * (NEES 115 → 5 at burnout −60 s), and on Japan's tracks begun in boost the first state after burnout
 * reads 5.3–6.9 where it read 4.5–8.1 (50 runs).
 * The price: the thrust mode has nine states (ten with 1/β), and while it lives a scan costs about twice
 * what the white-noise thrust mode costs (bench/tracking.ts). On one radar with range rate the hand-over
 * is slower than with white-noise thrust (probability 0.24 against 0.03 four seconds after burnout in
 * manoeuvre.test.ts: the thrust mode learns a ≈ 0 and then explains a coast nearly as well as the coast
 * mode), but the track never reads high, where the white-noise thrust mode reads 8.5–10 for 10 s.
 */
import { z } from "zod";
import type { GaussianState } from "./state.ts";

/** Thrust-mode settings (serialisable). */
export const ManoeuvreOptions = z.strictObject({
  /**
   * Acceleration PSD (m²/s³) of the thrust mode; 0 turns it off (coast model only). A white-noise
   * acceleration of PSD q lets the velocity wander √(q·T) over a revisit T; a thrust a held for T
   * changes it by a·T, so q ≳ a²·T covers thrust a at revisit T: 3,000 covers 55 m/s² (the end of a
   * liquid stage) at 1 s and 39 m/s² at 2 s. With `estimateAcceleration` (the default) the thrust mode
   * predicts with `residualPsd` and its estimated acceleration instead, and this level is what a
   * single-model replay of a late scan (reprocess.ts) uses for the thrust mode's share.
   */
  accelerationPsd: z.number().min(0).default(3000),
  /**
   * Mean time (s) in the thrust mode before the Markov chain moves it to coast. Shorter than a burn: with
   * the acceleration estimated, the innovations reject the coast mode on every scan while the motor
   * burns whatever this prior says, and at burnout the coast mode needs prior weight on the first scans
   * after it to take over before the thrust mode's extrapolated acceleration misleads the track (300 s
   * left the first state after burnout 2–3 times optimistic; 30 s brings it into the band on 2017-09-15).
   */
  meanThrustS: z.number().positive().default(30),
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
  /**
   * Drop the thrust mode once the track is known to descend (radial velocity `reentry.descentSigmas`
   * of its own σ below zero): no motor of a ballistic missile or space launcher burns on the way down.
   * A track begun on the way down (an ICBM picked up again on re-entry) starts with thrust probability
   * `initialProbability` and a thrust mode whose acceleration it has yet to learn; without this the
   * coast mode takes over only through the chain, and the mixture overstates the error meanwhile
   * (2023-12-18 JPN, 60 runs: NEES 4.8 / 4.2 / 5.9 at the first state / +10 s / +20 s, against 5.6 /
   * 5.8 / 6.6 with no thrust mode at all).
   */
  dropOnDescent: z.boolean().default(true),
  /**
   * Whether the thrust mode estimates its acceleration (three more states); if not, it covers thrust
   * with white-noise acceleration of PSD `accelerationPsd`.
   */
  estimateAcceleration: z.boolean().default(true),
  /**
   * Jerk PSD (m²/s⁵) of the estimated acceleration: how fast the thrust may change. The truth's thrust
   * ramps by up to ~0.5 m/s³ and turns with the pitch programme (~0.4 m/s³ at 40 m/s²); 5 lets the
   * estimate move √(5·T) ≈ 2.2 m/s² a second, and a stage change (tens of m/s² at once) is followed
   * within a few scans.
   */
  jerkPsd: z.number().positive().default(5),
  /**
   * White-noise acceleration PSD (m²/s³) of the thrust mode on top of its estimated acceleration: covers
   * what the estimate cannot follow, above all the motor stopping part-way through a revisit (a·δ of
   * velocity that no mode predicted). 300 keeps the first state after burnout inside its NEES band on
   * 2016-09-05 and 2017-09-15, where 30 left it 1.5–2.3 times high; in boost the track then reads
   * slightly cautious (mean NEES 4–4.5).
   */
  residualPsd: z.number().min(0).default(300),
  /** Prior σ (m/s², per ECEF axis) of the thrust mode's acceleration on a new track. */
  accelerationSigma: z.number().positive().default(30),
});
/** Parsed thrust-mode options. */
export type ManoeuvreOptions = z.infer<typeof ManoeuvreOptions>;

/** Index of the coast mode and of the thrust mode in an IMM's arrays. */
export const COAST = 0;
/** Index of the thrust mode. */
export const THRUST = 1;

/** One mode's mean and covariance (buffers of exactly `dim` and `dim`² entries). */
export interface ModeState {
  dim: number;
  x: Float64Array;
  P: Float64Array;
}

/** States the thrust mode adds when it estimates its acceleration (ECEF x, y, z, after the track's). */
export const ACCELERATION_STATES = 3;

/** A track's IMM: mode posteriors at time t and scratch for the next scan. */
export interface ImmState {
  /** State dimension of the track (and of the coast mode). */
  dim: number;
  /** States the thrust mode has beyond the track's: its acceleration (3), or 0. */
  extra: number;
  /** Prior σ (m/s²) of the thrust mode's acceleration when it has none to keep. */
  accelerationSigma: number;
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
  return { dim: n, x: new Float64Array(n), P: new Float64Array(n * n) };
}

/**
 * An IMM whose two modes both start at `state`, with thrust probability `thrust`; the thrust mode has
 * `extra` acceleration states (0 or 3) with prior mean 0 and σ `accelerationSigma` per axis.
 */
export function newImmState(
  state: GaussianState,
  thrust: number,
  at: unknown,
  extra = 0,
  accelerationSigma = 30,
): ImmState {
  const n = state.dim;
  const imm: ImmState = {
    dim: n,
    extra,
    accelerationSigma,
    t: state.t,
    mu: Float64Array.from([1 - thrust, thrust]),
    post: [modeBuffers(n), modeBuffers(n + extra)],
    mixed: [modeBuffers(n), modeBuffers(n + extra)],
    pred: [modeBuffers(n), modeBuffers(n + extra)],
    cbar: new Float64Array(2),
    at,
  };
  seedImm(imm, state, at, true);
  return imm;
}

/**
 * A deep copy of an IMM: its posteriors, probabilities and time. With `scratch` false the copy shares no
 * scratch of its own (a snapshot to be cloned again before use: mixed and pred point at the posteriors).
 */
export function cloneImm(imm: ImmState, scratch = true): ImmState {
  const copy = (m: ModeState): ModeState => ({
    dim: m.dim,
    x: Float64Array.from(m.x),
    P: Float64Array.from(m.P),
  });
  const post: [ModeState, ModeState] = [copy(imm.post[COAST]), copy(imm.post[THRUST])];
  if (!scratch)
    return {
      ...imm,
      mu: Float64Array.from(imm.mu),
      post,
      mixed: post,
      pred: post,
      cbar: new Float64Array(2),
    };
  return {
    dim: imm.dim,
    extra: imm.extra,
    accelerationSigma: imm.accelerationSigma,
    t: imm.t,
    mu: Float64Array.from(imm.mu),
    post,
    mixed: [modeBuffers(imm.post[COAST].dim), modeBuffers(imm.post[THRUST].dim)],
    pred: [modeBuffers(imm.post[COAST].dim), modeBuffers(imm.post[THRUST].dim)],
    cbar: new Float64Array(2),
    at: imm.at,
  };
}

/**
 * Puts both modes at `state` (a fused, reprocessed or re-entry state the modes did not produce), keeping
 * the mode probabilities and the thrust mode's acceleration estimate (uncorrelated with the new state);
 * `fresh` gives the acceleration its prior instead.
 */
export function seedImm(imm: ImmState, state: GaussianState, at: unknown, fresh = false): void {
  const n = state.dim;
  const e = imm.extra;
  const old = imm.post[THRUST];
  const a = new Float64Array(e);
  const Paa = new Float64Array(e * e);
  const s2 = imm.accelerationSigma ** 2;
  for (let i = 0; i < e; i++) {
    a[i] = fresh ? 0 : (old.x[old.dim - e + i] as number);
    for (let j = 0; j < e; j++)
      Paa[i * e + j] = fresh
        ? i === j
          ? s2
          : 0
        : (old.P[(old.dim - e + i) * old.dim + old.dim - e + j] as number);
  }
  if (imm.dim !== n) {
    imm.dim = n;
    imm.post = [modeBuffers(n), modeBuffers(n + e)];
    imm.mixed = [modeBuffers(n), modeBuffers(n + e)];
    imm.pred = [modeBuffers(n), modeBuffers(n + e)];
  }
  const coast = imm.post[COAST];
  coast.x.set(state.x.subarray(0, n));
  coast.P.set(state.P.subarray(0, n * n));
  const thrust = imm.post[THRUST];
  const m = n + e;
  thrust.x.fill(0);
  thrust.P.fill(0);
  for (let i = 0; i < n; i++) {
    thrust.x[i] = state.x[i] as number;
    for (let j = 0; j < n; j++) thrust.P[i * m + j] = state.P[i * n + j] as number;
  }
  for (let i = 0; i < e; i++) {
    thrust.x[n + i] = a[i] as number;
    for (let j = 0; j < e; j++) thrust.P[(n + i) * m + n + j] = Paa[i * e + j] as number;
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
  for (let j = 0; j < 2; j++) {
    const c = (p[0][j] as number) * mu0 + (p[1][j] as number) * mu1;
    imm.cbar[j] = c;
    const w0 = c > 0 ? ((p[0][j] as number) * mu0) / c : j === COAST ? 1 : 0;
    const w1 = 1 - w0;
    const out = imm.mixed[j] as ModeState;
    if (j === COAST || imm.extra === 0) combineInto(imm.post[0], imm.post[1], w0, w1, imm.dim, out);
    else {
      // The coast posterior carried into the thrust mode takes the thrust mode's acceleration (the
      // chain has no coast → thrust switch, so its weight is 0 as configured; kept general).
      const coast = augmentedCoast(imm);
      combineInto(coast, imm.post[THRUST], w0, w1, out.dim, out);
    }
  }
}

/** Scratch per dimension (the tracker is single-threaded; nothing here is re-entered). */
const scratchModes = new Map<number, ModeState>();
const scratchCross = new Float64Array(10 * 3 * 2);

/** The coast posterior with the thrust mode's acceleration block appended, uncorrelated (scratch). */
function augmentedCoast(imm: ImmState): ModeState {
  const n = imm.dim;
  const m = n + imm.extra;
  const c = imm.post[COAST];
  const t = imm.post[THRUST];
  let out = scratchModes.get(m);
  if (!out) {
    out = modeBuffers(m);
    scratchModes.set(m, out);
  }
  out.x.set(t.x);
  out.x.set(c.x, 0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++)
      out.P[i * m + j] =
        i < n && j < n ? (c.P[i * n + j] as number) : i >= n && j >= n ? (t.P[i * m + j] as number) : 0;
  return out;
}

/**
 * Moment-matched mixture of the first `n` components of two Gaussians with weights w0 + w1 = 1, into
 * `out` (each read and written with its own dimension as the row stride).
 */
export function combineInto(
  a: ModeState,
  b: ModeState,
  w0: number,
  w1: number,
  n: number,
  out: ModeState,
): void {
  const x = out.x;
  const na = a.dim;
  const nb = b.dim;
  const no = out.dim;
  for (let i = 0; i < n; i++) x[i] = w0 * (a.x[i] as number) + w1 * (b.x[i] as number);
  const P = out.P;
  for (let i = 0; i < n; i++) {
    const da = (a.x[i] as number) - (x[i] as number);
    const db = (b.x[i] as number) - (x[i] as number);
    for (let j = i; j < n; j++) {
      const v =
        w0 * ((a.P[i * na + j] as number) + da * ((a.x[j] as number) - (x[j] as number))) +
        w1 * ((b.P[i * nb + j] as number) + db * ((b.x[j] as number) - (x[j] as number)));
      P[i * no + j] = v;
      P[j * no + i] = v;
    }
  }
}

/**
 * The thrust mode's prediction over dt, given its prior `prior` (track states then acceleration, dim
 * n + 3) and the prediction of its first n states alone (`out` holds it on entry: mean and covariance
 * from the motion model's predictor with the residual PSD, in the top-left n×n block). Adds the
 * estimated acceleration's effect: r += a·dt²/2, v += a·dt, the cross-covariances through the kinematic
 * transition, and a white-noise jerk of PSD `jerkPsd`. Gravity's gradient does not couple the
 * acceleration over a revisit (relative effect ~1.5e-6·dt²); the acceleration is not propagated through
 * it.
 */
export function addAccelerationPrediction(
  prior: ModeState,
  n: number,
  dt: number,
  jerkPsd: number,
  out: ModeState,
): void {
  const m = prior.dim;
  const e = m - n;
  const h2 = (dt * dt) / 2;
  const Pp = prior.P;
  const P = out.P;
  // Predicted base block: lay the n×n prediction out with stride m (it was written with stride n).
  for (let i = n - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) P[i * m + j] = P[i * n + j] as number;
  // C = Φk·P_ba (n×e): position rows gain dt·velocity rows; then P_ba' = C + B·P_aa.
  if (n * e * 2 > scratchCross.length) throw new Error(`thrust mode of ${m} states: too large`);
  const C = scratchCross.subarray(0, n * e);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < e; k++) {
      let v = Pp[i * m + n + k] as number;
      if (i < 3) v += dt * (Pp[(i + 3) * m + n + k] as number);
      C[i * e + k] = v;
    }
  // B (n×e): rows 0–2 h2·I, rows 3–5 dt·I, others 0.
  const B = (i: number, k: number): number =>
    i < 3 ? (i === k ? h2 : 0) : i < 6 ? (i - 3 === k ? dt : 0) : 0;
  for (let i = 0; i < n; i++) {
    const ai = i < 3 ? i : i < 6 ? i - 3 : -1;
    out.x[i] = (out.x[i] as number) + (ai >= 0 ? (i < 3 ? h2 : dt) * (prior.x[n + ai] as number) : 0);
  }
  for (let k = 0; k < e; k++) out.x[n + k] = prior.x[n + k] as number;
  // BPaa (n×e)
  const BPaa = scratchCross.subarray(n * e, 2 * n * e);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < e; k++) {
      let v = 0;
      for (let l = 0; l < e; l++) v += B(i, l) * (Pp[(n + l) * m + n + k] as number);
      BPaa[i * e + k] = v;
    }
  // P_bb' += C·Bᵀ + B·Cᵀ + B·P_aa·Bᵀ
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < e; k++)
        v +=
          (C[i * e + k] as number) * B(j, k) +
          B(i, k) * (C[j * e + k] as number) +
          (BPaa[i * e + k] as number) * B(j, k);
      P[i * m + j] = (P[i * m + j] as number) + v;
    }
  for (let i = 0; i < n; i++)
    for (let k = 0; k < e; k++) {
      const v = (C[i * e + k] as number) + (BPaa[i * e + k] as number);
      P[i * m + n + k] = v;
      P[(n + k) * m + i] = v;
    }
  for (let k = 0; k < e; k++)
    for (let l = 0; l < e; l++) P[(n + k) * m + n + l] = Pp[(n + k) * m + n + l] as number;
  // White-noise jerk on each axis: the (r, v, a) block of the discretised Q.
  const adt = Math.abs(dt);
  const q = jerkPsd;
  const rr = (q * adt ** 5) / 20;
  const rv = (q * adt ** 4) / 8;
  const ra = (q * adt ** 3) / 6;
  const vv = (q * adt ** 3) / 3;
  const va = (q * adt ** 2) / 2;
  const aa = q * adt;
  for (let k = 0; k < Math.min(3, e); k++) {
    const r = k;
    const v = 3 + k;
    const a = n + k;
    P[r * m + r] = (P[r * m + r] as number) + rr;
    P[v * m + v] = (P[v * m + v] as number) + vv;
    P[a * m + a] = (P[a * m + a] as number) + aa;
    for (const [i, j, w] of [
      [r, v, rv],
      [r, a, ra],
      [v, a, va],
    ] as const) {
      P[i * m + j] = (P[i * m + j] as number) + w;
      P[j * m + i] = (P[j * m + i] as number) + w;
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
