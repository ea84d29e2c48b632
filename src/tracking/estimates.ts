/**
 * What a public warning needs from a track: predicted impact point and time with a 95 % ellipse,
 * launch point and time, apogee, ground range, missile class and the ground track.
 *
 * Everything comes from propagating one coast-phase state with the ballistic model. The boost phase is
 * powered, not ballistic, so propagating backwards to the ground gives a *ballistic launch point*: the
 * point from which an unpowered object would have had to start to be where the track is. It lies
 * *up-range of (behind) the true pad*: the vacuum arc through the coast state is the arc of an object
 * already at burnout speed, and traced back it reaches the ground farther back than the powered ascent,
 * which started from rest and gained its speed on the way, actually came from; the gap is tens of
 * kilometres for short-range missiles and grows with range and burn time. The output says so
 * (`launch.kind: "ballistic"`: a ballistic extrapolation), and its ellipse reflects only the track's uncertainty,
 * not that bias. The backward propagation leaves drag out (vacuum ballistic).
 *
 * Forwards, a position-velocity track state is given a prior inverse ballistic coefficient (`reentry`:
 * a typical re-entry vehicle's, with a spread) so that the predicted impact includes the re-entry drag
 * (for an IRBM warhead it moves the impact by a few hundred metres, more than the track's own error);
 * the prior's spread enters the impact ellipse. A track that estimates 1/β itself uses its own.
 *
 * Class comes from energy, not from the observed ground range: the two-body specific energy of the
 * coast state (Earth-relative velocity) gives the speed the object would have at the surface, and from that
 * the range of a minimum-energy trajectory with the same energy. A lofted shot is classified by that
 * equivalent range, and flagged "lofted" when its apogee is well above the minimum-energy apogee for the
 * ground range it actually covers. J2, drag and Earth rotation are left out of that figure (a classifier,
 * not a trajectory).
 */
import { z } from "zod";
import { ecefToGeodetic, enuBasis, type Vec3, WGS84_GM } from "../geo/earth.ts";
import {
  BallisticModelOptions,
  BallisticMotionModel,
  REENTRY_INV_BETA_PRIOR,
  stateHeight,
} from "./ballistic.ts";
import { symmetricEigen2 } from "./linalg.ts";
import { ExtendedKalmanPredictor } from "./predictor.ts";
import type { GaussianState, Provenance, TrackState } from "./state.ts";

/** Mean Earth radius (m, IUGG) for great-circle ranges and the energy classifier. */
export const MEAN_EARTH_RADIUS_M = 6_371_008.8;
/** Chi-square 95 % quantile for 2 degrees of freedom. */
export const CHI2_95_2D = 5.991;

/** Estimate options (serialisable). */
export const EstimateOptions = z.strictObject({
  /**
   * Motion model for the long propagations: the tracker's coast process noise, without its drag
   * allowance (made for steps of seconds; here drag comes from the `reentry` prior instead).
   */
  motion: BallisticModelOptions.prefault({}),
  /**
   * Prior inverse ballistic coefficient (m²/kg) for a 6-state track's impact prediction: mean and 1-σ,
   * by default `REENTRY_INV_BETA_PRIOR` (ballistic.ts: β ≈ 7,000 kg/m², σ covering β ≈ 4,700–13,700 at
   * 1 σ; an assumption, documented there). Mean 0: vacuum.
   */
  reentry: z
    .strictObject({
      invBeta: z.number().min(0).default(REENTRY_INV_BETA_PRIOR.invBeta),
      invBetaSigma: z.number().min(0).default(REENTRY_INV_BETA_PRIOR.invBetaSigma),
    })
    .prefault({}),
  /** Longest flight searched for impact or launch (s). */
  maxFlightS: z.number().positive().default(5_000),
  /** Points in the ground track, launch to impact inclusive. */
  groundTrackPoints: z.number().int().min(2).default(64),
  /** Apogee over minimum-energy apogee (for the ground range) above which a shot is "lofted". */
  loftedRatio: z.number().gt(1).default(1.5),
});
/** Parsed estimate options. */
export type EstimateOptions = z.infer<typeof EstimateOptions>;

/** A 2-D 95 % ellipse on the local ground plane. */
export interface Ellipse95 {
  /** Semi-major axis (m). */
  semiMajorM: number;
  /** Semi-minor axis (m). */
  semiMinorM: number;
  /** Direction of the major axis, degrees clockwise from north in [0, 180). */
  orientationDeg: number;
}

/** A point where the trajectory meets the ground, with time and position uncertainty. */
export interface GroundPointEstimate {
  /** Time (Unix s). */
  t: number;
  /** 1-σ of the time (s). */
  tSigmaS: number;
  /** Geodetic latitude (deg). */
  latDeg: number;
  /** Longitude (deg). */
  lonDeg: number;
  /** 95 % ellipse on the ground plane. */
  ellipse95: Ellipse95;
}

/** Missile class by minimum-energy equivalent range. */
export type MissileClass = "SRBM" | "MRBM" | "IRBM" | "ICBM";

/** All estimates from one track state. */
export interface TrajectoryEstimates {
  /** Time and provenance of the state used. */
  basis: { t: number; provenance?: Provenance };
  /**
   * Ballistic launch point: a vacuum back-propagation of the coast state, not the pad. It lies up-range of
   * (behind) the real pad by the powered ascent; see the module note.
   */
  launch: GroundPointEstimate & { kind: "ballistic" };
  /** Predicted impact point. */
  impact: GroundPointEstimate;
  /** Highest point of the ballistic arc. */
  apogee: { t: number; heightM: number; latDeg: number; lonDeg: number };
  /** Great-circle distance launch → impact on the mean sphere (m). */
  groundRangeM: number;
  /** Minimum-energy equivalent range from the state's energy (m). */
  energyRangeM: number;
  /** Class from the energy range. */
  class: MissileClass;
  /** Apogee over the minimum-energy apogee for the ground range. */
  apogeeRatio: number;
  /** Whether the apogee ratio exceeds the lofted threshold. */
  lofted: boolean;
  /** Sampled trajectory from launch to impact: ground position and height above the ellipsoid (m). */
  groundTrack: { t: number; latDeg: number; lonDeg: number; heightM: number }[];
}

/** The 95 % ellipse of a 2×2 east/north covariance (m²). */
export function ellipse95(pee: number, pen: number, pnn: number): Ellipse95 {
  const { l1, l2, theta } = symmetricEigen2(pee, pen, pnn);
  // θ is measured from east towards north; azimuth from north clockwise is 90° − θ.
  let orientationDeg = 90 - (theta * 180) / Math.PI;
  orientationDeg = ((orientationDeg % 180) + 180) % 180;
  return {
    semiMajorM: Math.sqrt(CHI2_95_2D * Math.max(l1, 0)),
    semiMinorM: Math.sqrt(CHI2_95_2D * Math.max(l2, 0)),
    orientationDeg,
  };
}

/**
 * Minimum-energy equivalent range (m) from a state's two-body energy with its Earth-relative velocity,
 * πR when that energy is orbital. Earth-relative, so the figure reflects what the missile can do rather
 * than its heading (the inertial velocity would add up to ±465 m/s with the direction of fire); the
 * centrifugal term this leaves out changes the energy by under 1 %.
 */
export function energyRange(x: Float64Array): number {
  const vx = x[3] as number;
  const vy = x[4] as number;
  const vz = x[5] as number;
  const r = Math.hypot(x[0] as number, x[1] as number, x[2] as number);
  const energy = 0.5 * (vx * vx + vy * vy + vz * vz) - WGS84_GM / r;
  const R = MEAN_EARTH_RADIUS_M;
  const q = (2 * (energy + WGS84_GM / R) * R) / WGS84_GM;
  if (q <= 0) return 0;
  if (q >= 1) return Math.PI * R;
  return 2 * R * Math.asin(q / (2 - q));
}

/** Apogee height (m) of the minimum-energy trajectory covering a ground range (m). */
export function minimumEnergyApogee(rangeM: number): number {
  const R = MEAN_EARTH_RADIUS_M;
  const psi = Math.min(rangeM / R, Math.PI - 1e-9);
  const s = Math.sin(psi / 2);
  const q = (2 * s) / (1 + s);
  const gamma = (Math.PI - psi) / 4;
  const a = R / (2 - q);
  const e = Math.sqrt(Math.max(0, 1 - q * (2 - q) * Math.cos(gamma) ** 2));
  return a * (1 + e) - R;
}

/** Class by range: SRBM < 1,000 km ≤ MRBM < 3,000 km ≤ IRBM ≤ 5,500 km < ICBM. */
export function missileClass(rangeM: number): MissileClass {
  if (rangeM < 1_000_000) return "SRBM";
  if (rangeM < 3_000_000) return "MRBM";
  if (rangeM <= 5_500_000) return "IRBM";
  return "ICBM";
}

/** Great-circle distance (m) on the mean sphere between two geodetic points (haversine). */
export function greatCircleM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const d = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * d) / 2) ** 2 +
    Math.cos(lat1 * d) * Math.cos(lat2 * d) * Math.sin(((lon2 - lon1) * d) / 2) ** 2;
  return 2 * MEAN_EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Time offset (s, sign of `direction`) at which the ballistic path from x next comes down through
 * height 0, or undefined within maxS; 0 if x is already at or below ground and heading down. A state on
 * the ground heading up (a launch) is carried up first. Coarse 10 s steps, then bisection to 1 ms.
 */
export function timeToGround(
  model: BallisticMotionModel,
  x: Float64Array,
  direction: 1 | -1,
  maxS: number,
): number | undefined {
  const step = 10;
  const cur = Float64Array.from(x);
  const next = new Float64Array(x.length);
  const probe = new Float64Array(x.length);
  let above = stateHeight(cur) > 0;
  if (!above) {
    // Moving down (in the direction of time travel) when already at the ground: that is the crossing.
    model.propagate(cur, direction * 1e-3, probe);
    if (stateHeight(probe) <= stateHeight(cur)) return 0;
  }
  let t = 0;
  while (Math.abs(t) < maxS) {
    model.propagate(cur, direction * step, next);
    const nextAbove = stateHeight(next) > 0;
    if (above && !nextAbove) {
      let lo = 0;
      let hi = step;
      while (hi - lo > 1e-3) {
        const mid = 0.5 * (lo + hi);
        model.propagate(cur, direction * mid, probe);
        if (stateHeight(probe) <= 0) hi = mid;
        else lo = mid;
      }
      return t + direction * hi;
    }
    above = nextAbove;
    cur.set(next);
    t += direction * step;
  }
  return undefined;
}

function positionOf(x: Float64Array): Vec3 {
  return [x[0] as number, x[1] as number, x[2] as number];
}

/** Ground crossing of a state propagated by dt: position, time, and the 95 % ellipse on the ground. */
function groundPoint(
  predictor: ExtendedKalmanPredictor,
  state: GaussianState,
  dt: number,
): GroundPointEstimate {
  const at = predictor.predict(state, state.t + dt);
  const n = at.dim;
  const r: Vec3 = [at.x[0] as number, at.x[1] as number, at.x[2] as number];
  const v: Vec3 = [at.x[3] as number, at.x[4] as number, at.x[5] as number];
  const geo = ecefToGeodetic(r);
  const [east, north, up] = enuBasis(geo);
  const upV = up[0] * v[0] + up[1] * v[1] + up[2] * v[2];
  // A position error δr at the crossing time moves the crossing along v by δt = −(u·δr)/(u·v):
  // δr_ground = (I − v·uᵀ/(u·v))·δr, which lies in the ground plane.
  const g = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      g[i * 3 + j] = (i === j ? 1 : 0) - ((v[i] as number) * (up[j] as number)) / upV;
  const proj = (row: Vec3): Float64Array => {
    const out = new Float64Array(3);
    for (let j = 0; j < 3; j++)
      out[j] = row[0] * (g[j] as number) + row[1] * (g[3 + j] as number) + row[2] * (g[6 + j] as number);
    return out;
  };
  const rows = [proj(east), proj(north), Float64Array.from([-up[0] / upV, -up[1] / upV, -up[2] / upV])];
  const cov = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) s += (a[i] as number) * (at.P[i * n + j] as number) * (b[j] as number);
    return s;
  };
  const [e, nn, tt] = rows as [Float64Array, Float64Array, Float64Array];
  return {
    t: at.t,
    tSigmaS: Math.sqrt(Math.max(cov(tt, tt), 0)),
    latDeg: geo.latDeg,
    lonDeg: geo.lonDeg,
    ellipse95: ellipse95(cov(e, e), cov(e, nn), cov(nn, nn)),
  };
}

/** Highest point between two time offsets, by golden-section search on height. */
function apogeeBetween(positionAt: (dt: number) => Vec3, a: number, b: number): { dt: number; h: number } {
  const h = (dt: number): number => ecefToGeodetic(positionAt(dt)).heightM;
  const gr = (Math.sqrt(5) - 1) / 2;
  let lo = a;
  let hi = b;
  for (let i = 0; i < 60 && hi - lo > 1e-2; i++) {
    const c = hi - gr * (hi - lo);
    const d = lo + gr * (hi - lo);
    if (h(c) > h(d)) hi = d;
    else lo = c;
  }
  const dt = 0.5 * (lo + hi);
  return { dt, h: h(dt) };
}

/** The position–velocity part of a state (drops 1/β when present). */
function kinematicPart(s: GaussianState): GaussianState {
  if (s.dim === 6) return s;
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P[i * 6 + j] = s.P[i * s.dim + j] as number;
  return { t: s.t, dim: 6, x: Float64Array.from(s.x.subarray(0, 6)), P };
}

/**
 * Trajectory estimates from one coast-phase track state. Returns undefined when no impact (or no
 * launch) is found within `maxFlightS`, e.g. for an orbital object.
 */
export function trajectoryEstimates(
  state: GaussianState | TrackState,
  options: z.input<typeof EstimateOptions> = {},
): TrajectoryEstimates | undefined {
  const o = EstimateOptions.parse(options);
  const kinematic = kinematicPart(state);
  const forward = state.dim === 7 || o.reentry.invBeta === 0 ? state : withInvBetaPrior(kinematic, o.reentry);
  return estimatesFrom(forward, kinematic, state, o);
}

/** A 6-state with 1/β appended: mean and variance from the prior, uncorrelated. */
function withInvBetaPrior(s: GaussianState, prior: EstimateOptions["reentry"]): GaussianState {
  const x = new Float64Array(7);
  x.set(s.x.subarray(0, 6));
  x[6] = prior.invBeta;
  const P = new Float64Array(49);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P[i * 7 + j] = s.P[i * 6 + j] as number;
  P[48] = prior.invBetaSigma ** 2;
  return { t: s.t, dim: 7, x, P };
}

function estimatesFrom(
  forward: GaussianState,
  kinematic: GaussianState,
  state: GaussianState | TrackState,
  o: EstimateOptions,
): TrajectoryEstimates | undefined {
  // No drag allowance in Q: it is meant for steps of seconds, not one step to the ground.
  const model = new BallisticMotionModel({ ...o.motion, dragAllowanceInvBeta: 0, drag: forward.dim === 7 });
  // Backwards, drag is left out: the ascent is powered anyway, and reversed drag grows without bound.
  const vacuum = new BallisticMotionModel({ ...o.motion, dragAllowanceInvBeta: 0, drag: false });
  const toImpact = timeToGround(model, forward.x, 1, o.maxFlightS);
  const toLaunch = timeToGround(vacuum, kinematic.x, -1, o.maxFlightS);
  if (toImpact === undefined || toLaunch === undefined) return undefined;
  const impact = groundPoint(new ExtendedKalmanPredictor(model), forward, toImpact);
  const launch = groundPoint(new ExtendedKalmanPredictor(vacuum), kinematic, toLaunch);
  const buf = new Float64Array(forward.dim);
  const positionAt = (dt: number): Vec3 =>
    positionOf(dt < 0 ? vacuum.propagate(kinematic.x, dt, buf) : model.propagate(forward.x, dt, buf));
  // Sample the arc for the ground track and to bracket the apogee.
  const points = o.groundTrackPoints;
  const groundTrack: TrajectoryEstimates["groundTrack"] = [];
  let best = 0;
  let bestH = Number.NEGATIVE_INFINITY;
  const span = toImpact - toLaunch;
  for (let i = 0; i < points; i++) {
    const dt = toLaunch + (span * i) / (points - 1);
    const geo = ecefToGeodetic(positionAt(dt));
    groundTrack.push({ t: state.t + dt, latDeg: geo.latDeg, lonDeg: geo.lonDeg, heightM: geo.heightM });
    if (geo.heightM > bestH) {
      bestH = geo.heightM;
      best = dt;
    }
  }
  const step = span / (points - 1);
  const top = apogeeBetween(positionAt, Math.max(toLaunch, best - step), Math.min(toImpact, best + step));
  const topGeo = ecefToGeodetic(positionAt(top.dt));
  const groundRangeM = greatCircleM(launch.latDeg, launch.lonDeg, impact.latDeg, impact.lonDeg);
  const energyRangeM = energyRange(state.x);
  const apogeeRatio = top.h / Math.max(minimumEnergyApogee(groundRangeM), 1);
  const basis: TrajectoryEstimates["basis"] = { t: state.t };
  if ("provenance" in state) basis.provenance = state.provenance;
  return {
    basis,
    launch: { ...launch, kind: "ballistic" },
    impact,
    apogee: { t: state.t + top.dt, heightM: top.h, latDeg: topGeo.latDeg, lonDeg: topGeo.lonDeg },
    groundRangeM,
    energyRangeM,
    class: missileClass(energyRangeM),
    apogeeRatio,
    lofted: apogeeRatio > o.loftedRatio,
    groundTrack,
  };
}
