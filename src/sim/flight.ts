/**
 * Truth flight model: a 3-DOF point mass integrated in ECEF with RK4 at a fixed step. Forces: J2 gravity,
 * the centrifugal and Coriolis terms of the rotating Earth, drag 0.5·ρ·v²/β against the air (which turns
 * with the Earth, so drag uses the ECEF velocity), and thrust during the boost. The boost follows a
 * programme: a vertical rise, then the thrust pitch falls linearly to a final angle at burnout, along a
 * fixed local azimuth. After burnout the object coasts and re-enters until its height above the
 * ellipsoid reaches zero (found by a secant search inside the last step).
 */
import { type Geodetic, geodeticToEcef, type Vec3 } from "../geo/earth.ts";
import { integrate } from "./flight-integrator.ts";
import type { ThrustProgramme } from "./thrust.ts";

export { perigeeRadius } from "./flight-integrator.ts";
export {
  type BoostStage,
  pitchAt,
  plannedBurnS,
  type ThrustProgramme,
  thrustAccel,
  thrustEndS,
} from "./thrust.ts";

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
