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
}

/** The bound (6×6, ECEF position/velocity, row-major) at each requested time. */
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

/** Covariance-form measurement update P ← P − P Hᵀ (H P Hᵀ + R/f)⁻¹ H P, in place. */
function informationUpdate(P: Float64Array, H: Float64Array, R: Float64Array, m: number, f: number): void {
  const n = 6;
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
  const P0 = start && initiationPrior(start, input.object, input.start.t, input.initiator);
  if (!P0) return [];
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
    new BallisticMotionModel({ ...BallisticModelOptions.parse(input.motion ?? {}), drag: false }),
  );
  let P = Float64Array.from(P0);
  let t = input.start.t;
  const xOut = new Float64Array(6);
  const next = new Float64Array(36);
  const H = new Float64Array(4 * 6);
  const advance = (to: number): boolean => {
    if (to === t) return true;
    const x = truthVector(input.object, t);
    if (!x) return false;
    predictor.predictInto({ t, dim: 6, x, P }, to, xOut, next);
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
      const x = truthVector(input.object, scan.t) as Float64Array;
      const m = scan.model.dim;
      scan.model.jacobian(x, 6, H);
      const f = input.detection === "one" ? 1 : scan.sensor.detectionProbability;
      if (f > 0) informationUpdate(P, H.subarray(0, m * 6), scan.model.noise, m, f);
    }
    if (!advance(at)) return out;
    out.push({ t: at, P: Float64Array.from(P) });
  }
  return out;
}

/**
 * Jacobian (2×6, metres east/north on the ground per unit state) of the point where the ballistic path
 * from x meets the ground, forwards (impact) or backwards (ballistic launch point), from the
 * variational equations: δr_ground = (I − v uᵀ/(u·v)) Φ_r δx at the nominal crossing.
 */
export function groundPointJacobian(
  x: Float64Array,
  direction: 1 | -1,
  motion: z.input<typeof BallisticModelOptions> = {},
  maxS = 5_000,
): Float64Array | undefined {
  const model = new BallisticMotionModel({ ...motion, drag: false });
  const dt = timeToGround(model, x, direction, maxS);
  if (dt === undefined) return undefined;
  const xc = new Float64Array(6);
  const phi = new Float64Array(36);
  model.propagateWithJacobian(x, dt, xc, phi);
  const r: Vec3 = [xc[0] as number, xc[1] as number, xc[2] as number];
  const v: Vec3 = [xc[3] as number, xc[4] as number, xc[5] as number];
  const [east, north, up] = enuBasis(ecefToGeodetic(r));
  const uv = up[0] * v[0] + up[1] * v[1] + up[2] * v[2];
  const out = new Float64Array(12);
  [east, north].forEach((row, a) => {
    // rowᵀ (I − v uᵀ/(u·v)) = rowᵀ − (row·v)/(u·v) uᵀ
    const rv = (row[0] * v[0] + row[1] * v[1] + row[2] * v[2]) / uv;
    const g = [row[0] - rv * up[0], row[1] - rv * up[1], row[2] - rv * up[2]];
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += (g[k] as number) * (phi[k * 6 + j] as number);
      out[a * 6 + j] = s;
    }
  });
  return out;
}

/** √trace(J P Jᵀ) for a 2×6 Jacobian and a 6×6 covariance: the RMS ground-point error bound (m). */
export function groundRmsBound(J: Float64Array, P: Float64Array): number {
  let tr = 0;
  for (let a = 0; a < 2; a++)
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++)
        tr += (J[a * 6 + i] as number) * (P[i * 6 + j] as number) * (J[a * 6 + j] as number);
  return Math.sqrt(Math.max(tr, 0));
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
