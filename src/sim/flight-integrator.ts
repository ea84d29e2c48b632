/**
 * The RK4 integrator behind `simulateFlight` and `propagateFree`: forces, fixed steps split at programme
 * breakpoints, apogee refinement, surface crossing by secant search, orbit detection.
 */
import {
  airDensity,
  ecefToGeodetic,
  gravityJ2,
  OMEGA_EARTH,
  type Vec3,
  WGS84_A,
  WGS84_GM,
} from "../geo/earth.ts";
import type {
  EndReason,
  FlightPhase,
  FlightResult,
  FlightSample,
  FlightState,
  ImpactPoint,
  PhysicsOptions,
  RunMode,
} from "./flight.ts";
import { inverseGeodesic } from "./geodesy.ts";
import { pitchAt, type ThrustProgramme, thrustAccel, thrustEndS } from "./thrust.ts";

const DEG = Math.PI / 180;
const DRAG_CEILING_R = WGS84_A + 220_000;

/** Object constants and run settings for one integration. */
export interface Settings {
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

type Derivative = (tRel: number, s: Float64Array, out: Float64Array) => void;

/** State derivative [v, a] for gravity, rotating-frame terms, drag and thrust; reuses its scratch vectors. */
function makeDerivative(prog: ThrustProgramme | null, physics: PhysicsOptions, beta: number): Derivative {
  const w = physics.rotatingEarth ? OMEGA_EARTH : 0;
  const tEnd = prog ? thrustEndS(prog) : 0;
  const headingRad = prog ? prog.headingDeg * DEG : 0;
  const rTmp: Vec3 = [0, 0, 0];
  const gTmp: Vec3 = [0, 0, 0];
  return (tRel: number, s: Float64Array, out: Float64Array): void => {
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
}

/** A classical fourth-order Runge–Kutta step over the derivative, with preallocated stages. */
function makeRk4(accel: Derivative): (tRel: number, s: Float64Array, h: number, out: Float64Array) => void {
  const k1 = new Float64Array(6);
  const k2 = new Float64Array(6);
  const k3 = new Float64Array(6);
  const k4 = new Float64Array(6);
  const tmp = new Float64Array(6);
  return (tRel: number, s: Float64Array, h: number, out: Float64Array): void => {
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
}

/** Integrates from a state (with a thrust programme, or unpowered when it is null) until a stop condition. */
export function integrate(start: FlightState, prog: ThrustProgramme | null, set: Settings): FlightResult {
  const { physics, mode, beta } = set;
  const t0 = start.t;
  const tEnd = prog ? thrustEndS(prog) : 0;
  const rk4 = makeRk4(makeDerivative(prog, physics, beta));

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
