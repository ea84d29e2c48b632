/**
 * The posterior Cramér–Rao bound (Tichavský, Muravchik & Nehorai 1998) of a track of one truth object,
 * for the tracker's own ballistic model and a nation's sensors, and its mapping to the impact and
 * (ballistic) launch points.
 *
 * With additive Gaussian process noise Q the recursion J' = D22 − D21 (J + D11)⁻¹ D12 is, by the matrix
 * inversion lemma, J' = (Φ J⁻¹ Φᵀ + Q)⁻¹ + E[Hᵀ R⁻¹ H]; the expectations are taken along the one
 * (deterministic) true trajectory, so Φ and H are evaluated at the true state. A scan contributes only
 * when the simulation would have let the sensor see the object (range, field of regard, line of sight,
 * boost phase for space IR), and its information is multiplied by the information-reduction factor:
 * Pd (clutter is negligible at these false-alarm densities) or 1 for the Pd = 1 bound. The prior is the
 * covariance the initiator gives a noise-free detection, as the real track starts from one detection.
 * The bound is worked in covariance form (P = J⁻¹), which is the same recursion.
 *
 * Re-entry drag: the truth re-enters with its own ballistic coefficient β, which no sensor measures
 * above the atmosphere; an estimator knows it only through a prior (the impact estimate's re-entry prior,
 * estimates.ts). Given `invBeta`, the bound is worked on the 7-state [r v 1/β] along the truth (the truth's
 * own 1/β, drag in the dynamics) from the initiator's prior augmented with that prior's variance of 1/β:
 * above the atmosphere the 1/β block stays at its prior and the impact bound gains J_β²σ²; in re-entry the
 * scans inform 1/β through the drag in Φ. This is the Bayesian bound for β drawn from the stated prior
 * (Van Trees), not for a β known exactly: the latter (`knownInvBetaCovariance`, the Schur complement) is
 * out of reach of any estimator that has not seen the re-entry.
 */
import type { z } from "zod";
import { ecefToGeodetic, enuBasis, geodeticToEcef, type Vec3 } from "../geo/earth.ts";
import type { Detection, Sensor } from "../model/sensing.ts";
import { timeToGround } from "../tracking/estimates.ts";
import {
  BallisticModelOptions,
  BallisticMotionModel,
  ExtendedKalmanPredictor,
  type InitiatorOptions,
  LineOfSightMeasurementModel,
  type MeasurementModel,
  MOfNInitiator,
  RadarMeasurementModel,
} from "../tracking/index.ts";
import { spdInverse } from "../tracking/linalg.ts";
import { inFieldOfRegard, lineOfSightClear, observe, stateAt, type TruthTrack } from "./sensors.ts";

/** Inputs of the bound. */
export interface PcrbInput {
  /** The truth. */
  object: TruthTrack;
  /** The nation's sensors. */
  sensors: readonly Sensor[];
  /** Per sensor, the observation time of one of its scans (its schedule is that plus whole intervals). */
  scanPhase: ReadonlyMap<string, number>;
  /** The sensor whose detection starts the track, and when. */
  start: { sensorId: string; t: number };
  /** The tracker's motion-model options (process noise) and initiator options (prior). */
  motion?: z.input<typeof BallisticModelOptions>;
  initiator?: z.input<typeof InitiatorOptions>;
  /** "pd": information-reduction factor Pd; "one": the Pd = 1 bound. */
  detection?: "pd" | "one";
  /**
   * Work the bound on [r v 1/β]: the truth's 1/β (m²/kg, in the dynamics) and the 1-σ of the prior an
   * estimator has for it (the bound's prior variance of 1/β). Omitted: the 6-state vacuum bound.
   */
  invBeta?: { truth: number; priorSigma: number };
}

/** The bound (6×6, ECEF position/velocity, row-major; 7×7 with 1/β last when asked) at each requested time. */
export interface PcrbSample {
  t: number;
  P: Float64Array;
}

/** The truth's 6-vector at t, or undefined outside its flight. */
export function truthVector(object: TruthTrack, t: number): Float64Array | undefined {
  const s = stateAt(object, t);
  return s ? Float64Array.from([...s.positionEcef, ...s.velocityEcef]) : undefined;
}

/** Whether the sensor would see the object at t in the simulation (before the Pd draw). */
export function sees(sensor: Sensor, object: TruthTrack, t: number): boolean {
  const st = stateAt(object, t);
  if (!st) return false;
  if (sensor.kind === "space-ir" && sensor.boostOnly && st.phase !== "boost") return false;
  const site = geodeticToEcef(sensor.position);
  const g = observe(sensor.position, site, st.positionEcef, st.velocityEcef);
  if (sensor.kind === "radar" && g.rangeM > sensor.maxRangeM) return false;
  return inFieldOfRegard(sensor, g.azimuthRad, g.elevationRad) && lineOfSightClear(site, st.positionEcef);
}

function modelOf(sensor: Sensor): MeasurementModel {
  return sensor.kind === "radar"
    ? new RadarMeasurementModel(sensor, sensor.sigmaRangeRateMps !== undefined)
    : new LineOfSightMeasurementModel(sensor);
}

/** Covariance-form measurement update P ← P − P Hᵀ (H P Hᵀ + R/f)⁻¹ H P (n-state), in place. */
function informationUpdate(
  P: Float64Array,
  H: Float64Array,
  R: Float64Array,
  m: number,
  f: number,
  n: number,
): void {
  const PHt = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < m; a++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (P[i * n + k] as number) * (H[a * n + k] as number);
      PHt[i * m + a] = s;
    }
  const S = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      let s = (R[a * m + b] as number) / f;
      for (let k = 0; k < n; k++) s += (H[a * n + k] as number) * (PHt[k * m + b] as number);
      S[a * m + b] = s;
    }
  const Si = new Float64Array(m * m);
  if (!spdInverse(S, m, Si)) return;
  const K = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += (PHt[i * m + a] as number) * (Si[a * m + b] as number);
      K[i * m + b] = s;
    }
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += (K[i * m + a] as number) * (PHt[j * m + a] as number);
      const v = (P[i * n + j] as number) - s;
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
}

/** The prior: the initiator's covariance for a noise-free detection of the truth by `sensor` at t. */
export function initiationPrior(
  sensor: Sensor,
  object: TruthTrack,
  t: number,
  initiator: z.input<typeof InitiatorOptions> = {},
): Float64Array | undefined {
  const st = stateAt(object, t);
  if (!st || sensor.kind !== "radar") return undefined;
  const g = observe(sensor.position, geodeticToEcef(sensor.position), st.positionEcef, st.velocityEcef);
  const d: Detection = {
    sensorId: sensor.id,
    t,
    rangeM: g.rangeM,
    azimuthRad: g.azimuthRad,
    elevationRad: g.elevationRad,
  };
  if (sensor.sigmaRangeRateMps !== undefined) d.rangeRateMps = g.rangeRateMps;
  return new MOfNInitiator(initiator).initiate(sensor, d, 6)?.P;
}

/** The PCRB at each of `times` (ascending, all ≥ start), walking every scan of every sensor. */
export function posteriorCrb(input: PcrbInput, times: readonly number[]): PcrbSample[] {
  const start = input.sensors.find((s) => s.id === input.start.sensorId);
  const P6 = start && initiationPrior(start, input.object, input.start.t, input.initiator);
  if (!P6) return [];
  const ib = input.invBeta;
  const n = ib ? 7 : 6;
  const P0 = new Float64Array(n * n);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P0[i * n + j] = P6[i * 6 + j] as number;
  if (ib) P0[48] = ib.priorSigma ** 2;
  const truthAt = (at: number): Float64Array | undefined => {
    const x = truthVector(input.object, at);
    if (!x || !ib) return x;
    const x7 = new Float64Array(7);
    x7.set(x);
    x7[6] = ib.truth;
    return x7;
  };
  const end = times.at(-1) ?? input.start.t;
  const scans: { t: number; sensor: Sensor; model: MeasurementModel }[] = [];
  for (const sensor of input.sensors) {
    const phase = input.scanPhase.get(sensor.id);
    if (phase === undefined) continue;
    const model = modelOf(sensor);
    const k0 = Math.ceil((input.start.t - phase) / sensor.updateIntervalS - 1e-9);
    for (let k = k0; ; k++) {
      const t = phase + k * sensor.updateIntervalS;
      if (t > end + 1e-9) break;
      if (t > input.start.t + 1e-9) scans.push({ t, sensor, model });
    }
  }
  scans.sort((a, b) => a.t - b.t);
  const predictor = new ExtendedKalmanPredictor(
    new BallisticMotionModel({
      ...BallisticModelOptions.parse(input.motion ?? {}),
      drag: ib !== undefined,
      invBetaPsd: 0,
    }),
  );
  let P = Float64Array.from(P0);
  let t = input.start.t;
  const xOut = new Float64Array(n);
  const next = new Float64Array(n * n);
  const H = new Float64Array(4 * n);
  const advance = (to: number): boolean => {
    if (to === t) return true;
    const x = truthAt(t);
    if (!x) return false;
    predictor.predictInto({ t, dim: n, x, P }, to, xOut, next);
    P = Float64Array.from(next);
    t = to;
    return true;
  };
  const out: PcrbSample[] = [];
  let i = 0;
  for (const at of times) {
    for (; i < scans.length && (scans[i] as (typeof scans)[number]).t <= at; i++) {
      const scan = scans[i] as (typeof scans)[number];
      if (!advance(scan.t)) return out;
      if (!sees(scan.sensor, input.object, scan.t)) continue;
      const x = truthAt(scan.t) as Float64Array;
      const m = scan.model.dim;
      scan.model.jacobian(x, n, H);
      const f = input.detection === "one" ? 1 : scan.sensor.detectionProbability;
      if (f > 0) informationUpdate(P, H.subarray(0, m * n), scan.model.noise, m, f, n);
    }
    if (!advance(at)) return out;
    out.push({ t: at, P: Float64Array.from(P) });
  }
  return out;
}

/**
 * Jacobian (2×n, metres east/north on the ground per unit state) of the point where the ballistic path
 * from x meets the ground, forwards (impact) or backwards (ballistic launch point), from the
 * variational equations: δr_ground = (I − v uᵀ/(u·v)) Φ_r δx at the nominal crossing. A 7-vector x
 * (1/β last) is propagated with drag and gives the 2×7 Jacobian, the last column the impact's
 * sensitivity to 1/β.
 */
export function groundPointJacobian(
  x: Float64Array,
  direction: 1 | -1,
  motion: z.input<typeof BallisticModelOptions> = {},
  maxS = 5_000,
): Float64Array | undefined {
  const n = x.length === 7 ? 7 : 6;
  const model = new BallisticMotionModel({ ...motion, drag: n === 7 });
  const dt = timeToGround(model, x, direction, maxS);
  if (dt === undefined) return undefined;
  const xc = new Float64Array(n);
  const phi = new Float64Array(n * n);
  model.propagateWithJacobian(x, dt, xc, phi);
  const r: Vec3 = [xc[0] as number, xc[1] as number, xc[2] as number];
  const v: Vec3 = [xc[3] as number, xc[4] as number, xc[5] as number];
  const [east, north, up] = enuBasis(ecefToGeodetic(r));
  const uv = up[0] * v[0] + up[1] * v[1] + up[2] * v[2];
  const out = new Float64Array(2 * n);
  [east, north].forEach((row, a) => {
    // rowᵀ (I − v uᵀ/(u·v)) = rowᵀ − (row·v)/(u·v) uᵀ
    const rv = (row[0] * v[0] + row[1] * v[1] + row[2] * v[2]) / uv;
    const g = [row[0] - rv * up[0], row[1] - rv * up[1], row[2] - rv * up[2]];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += (g[k] as number) * (phi[k * n + j] as number);
      out[a * n + j] = s;
    }
  });
  return out;
}

/**
 * √trace(J P Jᵀ) for a 2×n Jacobian and an n×n covariance: the RMS ground-point error bound (m). A 2×6
 * Jacobian with a 7×7 covariance uses its position–velocity block.
 */
export function groundRmsBound(J: Float64Array, P: Float64Array): number {
  const n = J.length / 2;
  const np = Math.round(Math.sqrt(P.length));
  let tr = 0;
  for (let a = 0; a < 2; a++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        tr += (J[a * n + i] as number) * (P[i * np + j] as number) * (J[a * n + j] as number);
  return Math.sqrt(Math.max(tr, 0));
}

/**
 * The position–velocity covariance with 1/β known exactly, from a 7×7 bound: the Schur complement
 * P_xx − P_xb P_bb⁻¹ P_bx (conditioning a Gaussian on 1/β), 6×6. A 6×6 input is returned as it is.
 */
export function knownInvBetaCovariance(P: Float64Array): Float64Array {
  if (P.length === 36) return P;
  const out = new Float64Array(36);
  const pbb = P[48] as number;
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++)
      out[i * 6 + j] =
        (P[i * 7 + j] as number) -
        (pbb > 0 ? ((P[i * 7 + 6] as number) * (P[j * 7 + 6] as number)) / pbb : 0);
  return out;
}

/** Where the vacuum ballistic path from x meets the ground, forwards or backwards; undefined if never. */
export function ballisticGroundPoint(
  x: Float64Array,
  direction: 1 | -1,
  maxS = 5_000,
): { latDeg: number; lonDeg: number } | undefined {
  const model = new BallisticMotionModel({ drag: false });
  const dt = timeToGround(model, x, direction, maxS);
  if (dt === undefined) return undefined;
  const xc = model.propagate(x, dt, new Float64Array(6));
  const g = ecefToGeodetic([xc[0] as number, xc[1] as number, xc[2] as number]);
  return { latDeg: g.latDeg, lonDeg: g.lonDeg };
}
