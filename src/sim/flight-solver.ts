/**
 * Finds the boost that makes a flight match published figures. The boost keeps its shape (burn times,
 * acceleration ratios, vertical rise); the solver picks two numbers: the acceleration scale k (m/s² at
 * the start of each stage) and the final thrust pitch θ. Targets are either ground range and apogee, or
 * burnout speed and flight-path angle. A damped Newton iteration runs first from a Keplerian guess; if
 * it fails, a nested bracketed search (inner: k for apogee or speed, both increasing in k; outer: θ for
 * range, decreasing in θ, or for flight-path angle, increasing in θ) either converges or proves the
 * target out of reach and says which field is at fault and what the model can reach.
 */
import { type Geodetic, WGS84_A, WGS84_GM } from "../geo/earth.ts";
import {
  type FlightResult,
  type PhysicsOptions,
  plannedBurnS,
  simulateFlight,
  type ThrustProgramme,
  TRUTH_PHYSICS,
} from "./flight.ts";
import { inverseGeodesic } from "./geodesy.ts";
import { bracketRoot, newton2D } from "./root-finding.ts";

/** The shape of a boost, without its absolute acceleration or final pitch. */
export interface BoostShape {
  verticalRiseS: number;
  /** Per stage: burn time and the ratio of end to start acceleration (1 = constant, > 1 rising). */
  stages: readonly { burnTimeS: number; accelRatio: number }[];
}

/** Everything fixed about a launch while the solver works. */
export interface SolverLaunch {
  site: Geodetic;
  launchTimeS: number;
  headingDeg: number;
  shape: BoostShape;
  ballisticCoefficientKgM2: number;
  failAtS?: number;
}

/** What the flight must match. */
export type SolveTarget =
  | { kind: "range-apogee"; rangeM: number; apogeeM: number }
  | { kind: "burnout"; speedMps: number; flightPathAngleDeg: number };

/** The target field a failure is blamed on (scenario loaders turn it into a file path). */
export type TargetField = "rangeKm" | "apogeeKm" | "speedMps" | "flightPathAngleDeg";

/** An impossible or unsolved target, naming the field at fault. */
export class FlightSolveError extends Error {
  /** Stable code for callers. */
  readonly code = "flight-solve";
  /** Creates the error for one target field. */
  constructor(
    readonly field: TargetField,
    message: string,
  ) {
    super(message);
    this.name = "FlightSolveError";
  }
}

/** Solver settings: a starting point from an earlier solve, and whether to skip the Newton stage. */
export interface SolveOptions {
  warmStart?: { accelScaleMps2: number; finalPitchDeg: number };
  strategy?: "newton-then-nested" | "nested-only";
}

/** A solved boost and what it achieves. */
export interface SolvedBoost {
  programme: ThrustProgramme;
  accelScaleMps2: number;
  /** Range and apogee for range-apogee targets; speed and flight-path angle for burnout targets. */
  achieved: [number, number];
  method: "newton" | "nested";
  flights: number;
}

const G0 = 9.80665;
const PITCH_MIN = 3;
const PITCH_MAX = 89.5;
const TOL = 1e-3;

/** Builds the thrust programme for an acceleration scale and final pitch. */
export function programmeFor(
  launch: SolverLaunch,
  accelScale: number,
  finalPitchDeg: number,
): ThrustProgramme {
  const p: ThrustProgramme = {
    headingDeg: launch.headingDeg,
    verticalRiseS: launch.shape.verticalRiseS,
    finalPitchDeg,
    stages: launch.shape.stages.map((s) => ({
      burnTimeS: s.burnTimeS,
      accelStartMps2: accelScale,
      accelEndMps2: accelScale * s.accelRatio,
    })),
  };
  if (launch.failAtS !== undefined) p.failAtS = launch.failAtS;
  return p;
}

/** Burnout speed (m/s, ECEF) and flight-path angle (degrees above the local horizontal) of a flight. */
export function burnoutConditions(f: FlightResult): { speedMps: number; flightPathAngleDeg: number } {
  const [x, y, z] = f.burnoutState.positionEcef;
  const v = f.burnoutState.velocityEcef;
  const speed = Math.hypot(v[0], v[1], v[2]);
  // Geodetic up from the ellipsoid normal at the burnout point.
  const lat = Math.atan2(z, Math.hypot(x, y) * (1 - 1 / 298.257223563) ** 2);
  const lon = Math.atan2(y, x);
  const up = [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)] as const;
  const vUp = v[0] * up[0] + v[1] * up[1] + v[2] * up[2];
  return { speedMps: speed, flightPathAngleDeg: (Math.asin(vUp / speed) * 180) / Math.PI };
}

interface Problem {
  /** [outer value, inner value] for (k, θ); inner increases with k. */
  evaluate(k: number, pitch: number, innerOnly: boolean): [number, number];
  targets: [number, number];
  outerIncreasing: boolean;
  guess: [number, number];
}

/** Solves for a boost matching the target. Throws FlightSolveError naming the field when impossible. */
export function solveBoost(
  launch: SolverLaunch,
  target: SolveTarget,
  physics: PhysicsOptions = TRUTH_PHYSICS,
  options: SolveOptions = {},
): SolvedBoost {
  const { warmStart, strategy = "newton-then-nested" } = options;
  const sumT = launch.shape.stages.reduce((s, st) => s + (st.burnTimeS * (1 + st.accelRatio)) / 2, 0);
  const kMin = 1.15 * G0;
  const kMax = Math.max(kMin * 1.5, 16_000 / sumT);
  const burn = plannedBurnS(programmeFor(launch, 1, 45));
  let flights = 0;
  const run = (k: number, pitch: number, stopAtApogee: boolean, boostOnly: boolean): FlightResult => {
    flights++;
    const phys = boostOnly ? { ...physics, maxFlightS: burn } : physics;
    return simulateFlight(
      launch.site,
      launch.launchTimeS,
      programmeFor(launch, k, pitch),
      launch.ballisticCoefficientKgM2,
      phys,
      {
        record: false,
        stopAtApogee,
        // An apogee-only run must reach the apogee even on an orbital path; a range run may give up early.
        stopWhenInOrbit: !stopAtApogee,
      },
    );
  };
  let problem: Problem;
  if (target.kind === "range-apogee") {
    problem = {
      evaluate: (k, pitch, innerOnly) => {
        const f = run(k, pitch, innerOnly, false);
        // Still climbing at the time limit (escape) counts as an infinite apogee.
        const escaped = f.endReason === "time-limit" && innerOnly;
        return [signedRange(f, launch), escaped ? Number.POSITIVE_INFINITY : f.apogeeHeightM];
      },
      targets: [target.rangeM, target.apogeeM],
      outerIncreasing: false,
      guess: keplerGuess(target.rangeM, target.apogeeM, burn, sumT),
    };
  } else {
    problem = {
      evaluate: (k, pitch) => {
        const b = burnoutConditions(run(k, pitch, false, true));
        return [b.flightPathAngleDeg, b.speedMps];
      },
      targets: [target.flightPathAngleDeg, target.speedMps],
      outerIncreasing: true,
      guess: [
        Math.min(PITCH_MAX, Math.max(PITCH_MIN, target.flightPathAngleDeg)),
        (target.speedMps + 0.6 * G0 * burn) / sumT,
      ],
    };
  }
  const residual = (x: [number, number]): [number, number] => {
    const [outer, inner] = problem.evaluate(x[1], x[0], false);
    return [outer / problem.targets[0] - 1, Math.log(inner / problem.targets[1])];
  };
  const start: [number, number] = warmStart
    ? [warmStart.finalPitchDeg, warmStart.accelScaleMps2]
    : [problem.guess[0], Math.min(kMax, Math.max(kMin, problem.guess[1]))];
  const nt =
    strategy === "nested-only"
      ? { x: start, converged: false }
      : newton2D(
          {
            residual,
            lower: [PITCH_MIN, kMin],
            upper: [PITCH_MAX, kMax],
            step: [0.01, start[1] * 1e-4],
            maxMove: [8, start[1] * 0.3],
          },
          start,
          TOL,
        );
  let pitch = nt.x[0];
  let k = nt.x[1];
  let method: SolvedBoost["method"] = "newton";
  if (!nt.converged) {
    const nested = solveNested(problem, kMin, kMax, target);
    pitch = nested.pitch;
    k = nested.k;
    method = "nested";
  }
  const final = run(k, pitch, false, target.kind === "burnout");
  const achieved: [number, number] =
    target.kind === "range-apogee"
      ? [final.groundRangeM ?? Number.POSITIVE_INFINITY, final.apogeeHeightM]
      : (() => {
          const b = burnoutConditions(final);
          return [b.flightPathAngleDeg, b.speedMps];
        })();
  const err = Math.max(
    Math.abs(achieved[0] / problem.targets[0] - 1),
    Math.abs(achieved[1] / problem.targets[1] - 1),
  );
  if (!(err < 0.02)) {
    const field: TargetField = target.kind === "range-apogee" ? "apogeeKm" : "speedMps";
    throw new FlightSolveError(
      field,
      `no boost found matching the target within 2 % (best miss ${(err * 100).toFixed(1)} %)`,
    );
  }
  return {
    programme: programmeFor(launch, k, pitch),
    accelScaleMps2: k,
    achieved: [achieved[0], achieved[1]],
    method,
    flights,
  };
}

/**
 * Ground range signed by direction: negative when the impact lies behind the launch azimuth. A near-
 * vertical lofted shot drifts west under Coriolis and lands behind the site, so the plain distance is not
 * monotonic in pitch, while the signed one is; infinite when the object does not come down.
 */
function signedRange(f: FlightResult, launch: SolverLaunch): number {
  if (!f.impact || f.groundRangeM === null) return Number.POSITIVE_INFINITY;
  const az = inverseGeodesic(launch.site, f.impact).azimuthDeg;
  const ahead = Math.cos(((az - launch.headingDeg) * Math.PI) / 180) >= 0;
  return ahead ? f.groundRangeM : -f.groundRangeM;
}

/**
 * Keplerian estimate of final pitch and acceleration scale: the conic from a surface burnout that meets
 * the range and apogee, plus a rough gravity loss over the burn.
 */
function keplerGuess(rangeM: number, apogeeM: number, burnS: number, sumT: number): [number, number] {
  const r0 = WGS84_A;
  const ra = WGS84_A + apogeeM;
  const c = Math.cos(rangeM / WGS84_A / 2);
  const e = (ra - r0) / (ra - r0 * c);
  const p = ra * (1 - e);
  const a = p / (1 - e * e);
  const v0 = Math.sqrt(WGS84_GM * (2 / r0 - 1 / a));
  const gamma = Math.acos(Math.min(1, Math.sqrt(WGS84_GM * p) / (r0 * v0)));
  if (!Number.isFinite(v0) || !Number.isFinite(gamma)) return [45, 2000 / sumT];
  const gammaDeg = (gamma * 180) / Math.PI;
  const dv = v0 + 0.5 * G0 * burnS * (0.5 + 0.5 * Math.sin(gamma)) + 200;
  // The velocity lags the pitching thrust, so the final thrust pitch sits below the burnout flight-path
  // angle; twice the complement is an empirical fit over the scenarios (the iteration does the rest).
  return [Math.min(PITCH_MAX, Math.max(PITCH_MIN + 2, 90 - 2 * (90 - gammaDeg))), dv / sumT];
}

function solveNested(
  problem: Problem,
  kMin: number,
  kMax: number,
  target: SolveTarget,
): { k: number; pitch: number } {
  const [outerT, innerT] = problem.targets;
  const innerField: TargetField = target.kind === "range-apogee" ? "apogeeKm" : "speedMps";
  const outerField: TargetField = target.kind === "range-apogee" ? "rangeKm" : "flightPathAngleDeg";
  const ra = target.kind === "range-apogee";
  const km = (v: number): string => (Number.isFinite(v) ? `${(v / 1000).toFixed(0)} km` : "no impact");
  const innerText = (v: number): string => (ra ? `apogee ${km(v)}` : `burnout speed ${v.toFixed(0)} m/s`);
  const outerText = (v: number): string => (ra ? `range ${km(v)}` : `flight-path angle ${v.toFixed(1)}°`);
  const innerOf = (k: number, pitch: number): number =>
    Math.log(problem.evaluate(k, pitch, true)[1] / innerT);
  /** k meeting the inner target at this pitch, or a reason it cannot. */
  const innerK = (pitch: number): number => {
    const fLo = innerOf(kMin, pitch);
    if (fLo > 0) {
      throw new FlightSolveError(
        innerField,
        `${innerText(innerT)} is below the least this boost gives (${innerText(innerT * Math.exp(fLo))} at the lowest thrust, thrust pitch ${pitch.toFixed(1)}°): shorten the burn or choose a higher value`,
      );
    }
    const fHi = innerOf(kMax, pitch);
    if (fHi < 0) {
      throw new FlightSolveError(
        innerField,
        `${innerText(innerT)} is beyond what the model supports (at most ${innerText(innerT * Math.exp(fHi))} at thrust pitch ${pitch.toFixed(1)}°)`,
      );
    }
    return bracketRoot((k) => innerOf(k, pitch), kMin, kMax, fLo, fHi, TOL / 4, 1e-6 * kMax).x;
  };
  const outerAt = (pitch: number): { f: number; k: number } => {
    const k = innerK(pitch);
    return { f: problem.evaluate(k, pitch, false)[0] / outerT - 1, k };
  };
  // The inner target may be out of reach at an extreme pitch but not in between: move each end inward
  // until the inner search succeeds, and only give up (with the last reason) when no pitch works.
  const firstFeasible = (pitches: number[]): { f: number; k: number; pitch: number } => {
    let last: unknown;
    for (const pitch of pitches) {
      try {
        return { ...outerAt(pitch), pitch };
      } catch (e) {
        if (!(e instanceof FlightSolveError)) throw e;
        last = e;
      }
    }
    throw last;
  };
  const lo = firstFeasible([PITCH_MIN, 8, 15, 25, 35, 45, 55, 65, 75, 85]);
  const hi = firstFeasible([PITCH_MAX, 85, 75, 65, 55, 45, 35, 25, 15, 8].filter((p) => p > lo.pitch));
  const sign = problem.outerIncreasing ? 1 : -1;
  // Outer value runs from lo to hi monotonically; the target must lie between them.
  if (!Number.isFinite(lo.f) && !Number.isFinite(hi.f)) {
    throw new FlightSolveError(
      innerField,
      `${innerText(innerT)} is beyond what the model supports: the object does not come down within the flight-time limit`,
    );
  }
  if (sign * lo.f > 0 || sign * hi.f < 0) {
    const ends = [outerT * (1 + lo.f), outerT * (1 + hi.f)].sort((x, y) => x - y);
    const reach = `${outerText(ends[0] ?? Number.NaN)} to ${outerText(ends[1] ?? Number.NaN)}`;
    if (ra && lo.f < 0) {
      throw new FlightSolveError(
        "apogeeKm",
        `${innerText(innerT)} is too low for ${outerText(outerT)}: at that apogee this boost reaches ${reach} (negative = behind the site)`,
      );
    }
    throw new FlightSolveError(
      outerField,
      `${outerText(outerT)} is out of reach at ${innerText(innerT)}: with this boost it can be ${reach}`,
    );
  }
  const root = bracketRoot(
    (pitch) => sign * outerAt(pitch).f,
    lo.pitch,
    hi.pitch,
    sign * lo.f,
    sign * hi.f,
    TOL / 2,
    1e-4,
  );
  const k = innerK(root.x);
  return { k, pitch: root.x };
}
