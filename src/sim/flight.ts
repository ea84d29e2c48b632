/**
 * Truth flight model: a 3-DOF point mass integrated in ECEF with RK4 at a fixed step. Forces: J2 gravity,
 * the centrifugal and Coriolis terms of the rotating Earth, drag 0.5·ρ·v²/β against the air (which turns
 * with the Earth, so drag uses the ECEF velocity), and thrust during the boost. The boost follows a
 * programme: a vertical rise, then the thrust pitch falls linearly to a final angle at burnout, along a
 * fixed local azimuth. After burnout the object coasts and re-enters until its height above the
 * ellipsoid reaches zero (found by a secant search inside the last step).
 */
import {
  airDensity,
  ecefToGeodetic,
  type Geodetic,
  geodeticToEcef,
  gravityJ2,
  OMEGA_EARTH,
  type Vec3,
  WGS84_A,
  WGS84_GM,
} from "../geo/earth.ts";
import { inverseGeodesic } from "./geodesy.ts";

/** Flight phase of a truth sample. */
export type FlightPhase = "boost" | "coast" | "reentry";

/** One truth sample: Unix time (s), ECEF position (m) and velocity (m/s), phase. */
export interface FlightSample {
  t: number;
  positionEcef: Vec3;
  velocityEcef: Vec3;
  phase: FlightPhase;
}

/** A state without a phase: the start of a free flight or a stage separation. */
export interface FlightState {
  t: number;
  positionEcef: Vec3;
  velocityEcef: Vec3;
}

/** One burn: thrust acceleration rising (or not) linearly from start to end over the burn time. */
export interface BoostStage {
  burnTimeS: number;
  accelStartMps2: number;
  accelEndMps2: number;
}

/** The boost: stages fired back to back, a vertical rise, then a linear pitch-down to `finalPitchDeg`. */
export interface ThrustProgramme {
  /** Thrust azimuth in the local horizontal plane, degrees clockwise from north. */
  headingDeg: number;
  verticalRiseS: number;
  /** Thrust elevation above the local horizontal at the end of the last stage (degrees). */
  finalPitchDeg: number;
  stages: readonly BoostStage[];
  /** Seconds after launch at which the pitch-down ends and `finalPitchDeg` is held (default: burnout). */
  pitchOverEndS?: number;
  /** Seconds after launch at which the motor fails; thrust stops there (debris then falls). */
  failAtS?: number;
}

/** Physics switches and numerical settings. */
export interface PhysicsOptions {
  stepS: number;
  rotatingEarth: boolean;
  gravity: "j2" | "point-mass";
  drag: boolean;
  /** Longest flight followed (s); an object still aloft then ends with `time-limit`. */
  maxFlightS: number;
  /** Below this height a descending object is in the re-entry phase (m). */
  reentryHeightM: number;
}

/** The physics used for truth: J2, rotating Earth, drag, 0.5 s RK4, 3 h limit, re-entry below 100 km. */
export const TRUTH_PHYSICS: PhysicsOptions = {
  stepS: 0.5,
  rotatingEarth: true,
  gravity: "j2",
  drag: true,
  maxFlightS: 3 * 3600,
  reentryHeightM: 100_000,
};

/** Where and when a flight ended. */
export interface ImpactPoint {
  t: number;
  latDeg: number;
  lonDeg: number;
  state: FlightState;
}

/** Why the integration stopped. */
export type EndReason = "impact" | "apogee" | "orbit" | "time-limit";

/** Result of one integration. */
export interface FlightResult {
  /** Truth samples at every step (empty unless recorded). */
  samples: FlightSample[];
  /** Unix time thrust ended (launch time when there was no thrust). */
  burnoutT: number;
  burnoutState: FlightState;
  /** States at the end of every stage but the last, for spawning spent stages. */
  stageSeparations: FlightState[];
  apogeeHeightM: number;
  apogeeT: number;
  impact: ImpactPoint | null;
  /** Ellipsoidal distance from the start point to the impact point (m), or null without impact. */
  groundRangeM: number | null;
  endReason: EndReason;
  /** True when the osculating orbit after burnout has its perigee above 100 km. */
  inOrbit: boolean;
}

/** What to do while integrating. */
export interface RunMode {
  record: boolean;
  /** Stop at the first apogee after burnout (the solver's inner loop needs only the apogee). */
  stopAtApogee: boolean;
  /** Stop as soon as the object is known to be in orbit (the solver treats that as infinite range). */
  stopWhenInOrbit: boolean;
}

const DEG = Math.PI / 180;
const DRAG_CEILING_R = WGS84_A + 220_000;

/** Total planned burn time of a programme (s). */
export function plannedBurnS(p: ThrustProgramme): number {
  return p.stages.reduce((s, st) => s + st.burnTimeS, 0);
}

/** Seconds after launch at which thrust actually ends (planned burnout or failure, whichever first). */
export function thrustEndS(p: ThrustProgramme): number {
  const planned = plannedBurnS(p);
  return p.failAtS !== undefined ? Math.min(planned, p.failAtS) : planned;
}

/** Thrust acceleration magnitude (m/s²) at `tRel` seconds after launch. */
export function thrustAccel(p: ThrustProgramme, tRel: number): number {
  if (tRel >= thrustEndS(p) || tRel < 0) return 0;
  let start = 0;
  for (const st of p.stages) {
    if (tRel < start + st.burnTimeS) {
      return st.accelStartMps2 + ((st.accelEndMps2 - st.accelStartMps2) * (tRel - start)) / st.burnTimeS;
    }
    start += st.burnTimeS;
  }
  return 0;
}

/** Commanded thrust pitch (radians above the local horizontal) at `tRel`. */
export function pitchAt(p: ThrustProgramme, tRel: number): number {
  const end = p.pitchOverEndS ?? plannedBurnS(p);
  if (tRel <= p.verticalRiseS || end <= p.verticalRiseS) return 90 * DEG;
  const f = Math.min(1, (tRel - p.verticalRiseS) / (end - p.verticalRiseS));
  return (90 + (p.finalPitchDeg - 90) * f) * DEG;
}

/**
 * Launches from a site at `launchTimeS` (Unix s) with a thrust programme, the object at rest on the
 * rotating Earth, and integrates until impact (or the mode's stop condition).
 */
export function simulateFlight(
  site: Geodetic,
  launchTimeS: number,
  programme: ThrustProgramme,
  ballisticCoefficientKgM2: number,
  physics: PhysicsOptions = TRUTH_PHYSICS,
  mode: RunMode = { record: true, stopAtApogee: false, stopWhenInOrbit: false },
): FlightResult {
  const [x, y, z] = geodeticToEcef(site);
  return integrate({ t: launchTimeS, positionEcef: [x, y, z], velocityEcef: [0, 0, 0] }, programme, {
    beta: ballisticCoefficientKgM2,
    physics,
    mode,
  });
}

/** Integrates an unpowered object (a warhead after burnout, a spent stage, debris) from a state. */
export function propagateFree(
  start: FlightState,
  ballisticCoefficientKgM2: number,
  physics: PhysicsOptions = TRUTH_PHYSICS,
  mode: RunMode = { record: true, stopAtApogee: false, stopWhenInOrbit: false },
): FlightResult {
  return integrate(start, null, { beta: ballisticCoefficientKgM2, physics, mode });
}

interface Settings {
  beta: number;
  physics: PhysicsOptions;
  mode: RunMode;
}

/** Perigee radius (m) of the osculating inertial orbit of an ECEF state. */
export function perigeeRadius(r: Vec3, v: Vec3, rotating: boolean): number {
  const w = rotating ? OMEGA_EARTH : 0;
  const vx = v[0] - w * r[1];
  const vy = v[1] + w * r[0];
  const vz = v[2];
  const rn = Math.hypot(r[0], r[1], r[2]);
  const v2 = vx * vx + vy * vy + vz * vz;
  const energy = v2 / 2 - WGS84_GM / rn;
  if (energy >= 0) return Number.POSITIVE_INFINITY;
  const a = -WGS84_GM / (2 * energy);
  const hx = r[1] * vz - r[2] * vy;
  const hy = r[2] * vx - r[0] * vz;
  const hz = r[0] * vy - r[1] * vx;
  const h2 = hx * hx + hy * hy + hz * hz;
  const e = Math.sqrt(Math.max(0, 1 - h2 / (WGS84_GM * a)));
  return a * (1 - e);
}

function integrate(start: FlightState, prog: ThrustProgramme | null, set: Settings): FlightResult {
  const { physics, mode, beta } = set;
  const w = physics.rotatingEarth ? OMEGA_EARTH : 0;
  const t0 = start.t;
  const tEnd = prog ? thrustEndS(prog) : 0;
  const headingRad = prog ? prog.headingDeg * DEG : 0;
  const rTmp: Vec3 = [0, 0, 0];
  const gTmp: Vec3 = [0, 0, 0];

  // Acceleration at tRel for state s (6 numbers), written to out[0..2].
  const accel = (tRel: number, s: Float64Array, out: Float64Array): void => {
    rTmp[0] = s[0] as number;
    rTmp[1] = s[1] as number;
    rTmp[2] = s[2] as number;
    const vx = s[3] as number;
    const vy = s[4] as number;
    const vz = s[5] as number;
    if (physics.gravity === "j2") gravityJ2(rTmp, gTmp);
    else {
      const rn = Math.hypot(rTmp[0], rTmp[1], rTmp[2]);
      const k = -WGS84_GM / (rn * rn * rn);
      gTmp[0] = k * rTmp[0];
      gTmp[1] = k * rTmp[1];
      gTmp[2] = k * rTmp[2];
    }
    let ax = gTmp[0] + w * w * rTmp[0] + 2 * w * vy;
    let ay = gTmp[1] + w * w * rTmp[1] - 2 * w * vx;
    let az = gTmp[2];
    const thrusting = prog !== null && tRel < tEnd;
    const rn = Math.hypot(rTmp[0], rTmp[1], rTmp[2]);
    const needGeo = thrusting || (physics.drag && rn < DRAG_CEILING_R);
    if (needGeo) {
      const geo = ecefToGeodetic(rTmp);
      if (physics.drag) {
        const rho = airDensity(geo.heightM);
        if (rho > 0) {
          const k = (-0.5 * rho * Math.hypot(vx, vy, vz)) / beta;
          ax += k * vx;
          ay += k * vy;
          az += k * vz;
        }
      }
      if (thrusting && prog) {
        const a = thrustAccel(prog, tRel);
        const th = pitchAt(prog, tRel);
        const lat = geo.latDeg * DEG;
        const lon = geo.lonDeg * DEG;
        const sl = Math.sin(lat);
        const cl = Math.cos(lat);
        const so = Math.sin(lon);
        const co = Math.cos(lon);
        const he = Math.cos(th) * Math.sin(headingRad); // east component
        const hn = Math.cos(th) * Math.cos(headingRad); // north component
        const hu = Math.sin(th);
        ax += a * (-so * he - sl * co * hn + cl * co * hu);
        ay += a * (co * he - sl * so * hn + cl * so * hu);
        az += a * (cl * hn + sl * hu);
      }
    }
    out[0] = vx;
    out[1] = vy;
    out[2] = vz;
    out[3] = ax;
    out[4] = ay;
    out[5] = az;
  };

  const k1 = new Float64Array(6);
  const k2 = new Float64Array(6);
  const k3 = new Float64Array(6);
  const k4 = new Float64Array(6);
  const tmp = new Float64Array(6);
  const rk4 = (tRel: number, s: Float64Array, h: number, out: Float64Array): void => {
    accel(tRel, s, k1);
    for (let i = 0; i < 6; i++) tmp[i] = (s[i] as number) + 0.5 * h * (k1[i] as number);
    accel(tRel + 0.5 * h, tmp, k2);
    for (let i = 0; i < 6; i++) tmp[i] = (s[i] as number) + 0.5 * h * (k2[i] as number);
    accel(tRel + 0.5 * h, tmp, k3);
    for (let i = 0; i < 6; i++) tmp[i] = (s[i] as number) + h * (k3[i] as number);
    accel(tRel + h, tmp, k4);
    for (let i = 0; i < 6; i++) {
      out[i] =
        (s[i] as number) +
        (h / 6) * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
    }
  };

  const breaks: number[] = [];
  if (prog) {
    breaks.push(prog.verticalRiseS, tEnd);
    if (prog.pitchOverEndS !== undefined) breaks.push(prog.pitchOverEndS);
    let c = 0;
    for (const st of prog.stages) {
      c += st.burnTimeS;
      breaks.push(c);
    }
  }
  breaks.sort((a, b) => a - b);

  const heightOf = (s: Float64Array): number =>
    ecefToGeodetic([s[0] as number, s[1] as number, s[2] as number]).heightM;
  const stateOf = (tRel: number, s: Float64Array): FlightState => ({
    t: t0 + tRel,
    positionEcef: [s[0] as number, s[1] as number, s[2] as number],
    velocityEcef: [s[3] as number, s[4] as number, s[5] as number],
  });

  let s = Float64Array.from([...start.positionEcef, ...start.velocityEcef]);
  let next = new Float64Array(6);
  let tRel = 0;
  let h = heightOf(s);
  const startGeo = ecefToGeodetic(start.positionEcef);
  const samples: FlightSample[] = [];
  const separations: FlightState[] = [];
  let burnoutState = stateOf(0, s);
  let descending = false;
  let apogeeH = h;
  let apogeeT = t0;
  let hPrev = h;
  let hPrev2 = h;
  let inOrbit = false;
  let orbitChecked = !prog;
  let endReason: EndReason = "time-limit";
  let impact: ImpactPoint | null = null;
  const phaseAt = (tr: number, height: number): FlightPhase =>
    prog && tr <= tEnd && tEnd > 0
      ? "boost"
      : descending && height < physics.reentryHeightM
        ? "reentry"
        : "coast";
  if (mode.record) samples.push({ ...stateOf(0, s), phase: phaseAt(0, h) });
  if (!prog) {
    const [px, py, pz] = start.positionEcef;
    const [qx, qy, qz] = start.velocityEcef;
    descending = px * qx + py * qy + pz * qz < 0;
  }

  while (tRel < physics.maxFlightS) {
    let dt = physics.stepS;
    for (const b of breaks) {
      if (b > tRel + 1e-9 && b < tRel + dt) {
        dt = b - tRel;
        break;
      }
    }
    rk4(tRel, s, dt, next);
    const tNew = tRel + dt;
    const hNew = heightOf(next);
    if (hNew <= 0 && h <= 0 && tNew > 5) {
      // Never left the ground (thrust below weight): end at once rather than integrate for hours.
      const st = stateOf(tNew, next);
      const g = ecefToGeodetic(st.positionEcef);
      impact = { t: st.t, latDeg: g.latDeg, lonDeg: g.lonDeg, state: st };
      endReason = "impact";
      break;
    }
    if (hNew <= 0 && h > 0) {
      // Secant search for the step length that lands exactly on the surface.
      let lo = 0;
      let hLo = h;
      let hi = dt;
      let hHi = hNew;
      const probe = new Float64Array(6);
      for (let i = 0; i < 20 && hi - lo > 1e-6; i++) {
        const tau = lo + ((hi - lo) * hLo) / (hLo - hHi);
        rk4(tRel, s, tau, probe);
        const hp = heightOf(probe);
        if (Math.abs(hp) < 1e-3) {
          hi = tau;
          break;
        }
        if (hp > 0) {
          lo = tau;
          hLo = hp;
        } else {
          hi = tau;
          hHi = hp;
        }
      }
      rk4(tRel, s, hi, probe);
      const st = stateOf(tRel + hi, probe);
      const g = ecefToGeodetic(st.positionEcef);
      impact = { t: st.t, latDeg: g.latDeg, lonDeg: g.lonDeg, state: st };
      if (mode.record) samples.push({ ...st, phase: phaseAt(tRel + hi, 0) });
      endReason = "impact";
      break;
    }
    if (prog && tNew <= tEnd + 1e-9) {
      let c = 0;
      for (let i = 0; i < prog.stages.length - 1; i++) {
        c += prog.stages[i]?.burnTimeS ?? 0;
        if (Math.abs(tNew - c) < 1e-9 && c < tEnd) separations.push(stateOf(tNew, next));
      }
    }
    if (prog && Math.abs(tNew - tEnd) < 1e-9) burnoutState = stateOf(tNew, next);
    [s, next] = [next, s];
    hPrev2 = hPrev;
    hPrev = h;
    h = hNew;
    tRel = tNew;
    if (h > apogeeH) {
      apogeeH = h;
      apogeeT = t0 + tRel;
    }
    if (!descending && tRel > tEnd && h < hPrev) {
      descending = true;
      // Parabola through the last three heights (equal steps away from breakpoints) refines the apogee.
      const den = hPrev2 - 2 * hPrev + h;
      if (den < 0) {
        const d = (0.5 * (hPrev2 - h)) / den;
        if (Math.abs(d) <= 1) {
          const peak = hPrev - 0.25 * (hPrev2 - h) * d;
          if (peak > apogeeH) {
            apogeeH = peak;
            apogeeT = t0 + tRel - dt + d * dt;
          }
        }
      }
      if (mode.stopAtApogee) {
        endReason = "apogee";
        if (mode.record) samples.push({ ...stateOf(tRel, s), phase: phaseAt(tRel, h) });
        break;
      }
    }
    if (!orbitChecked && tRel >= tEnd) {
      orbitChecked = true;
      const r: Vec3 = [s[0] as number, s[1] as number, s[2] as number];
      const v: Vec3 = [s[3] as number, s[4] as number, s[5] as number];
      inOrbit = perigeeRadius(r, v, physics.rotatingEarth) > WGS84_A + 100_000;
      if (inOrbit && mode.stopWhenInOrbit) {
        endReason = "orbit";
        break;
      }
    }
    if (mode.record) samples.push({ ...stateOf(tRel, s), phase: phaseAt(tRel, h) });
  }
  const groundRangeM = impact ? inverseGeodesic(startGeo, impact).distanceM : null;
  return {
    samples,
    burnoutT: t0 + (prog ? tEnd : 0),
    burnoutState,
    stageSeparations: separations,
    apogeeHeightM: apogeeH,
    apogeeT,
    impact,
    groundRangeM,
    endReason,
    inOrbit,
  };
}
