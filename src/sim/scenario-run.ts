/**
 * Flies a scenario: solves each ballistic launch against its published range and apogee (or its given
 * burnout conditions), turns the launch azimuth until the impact lies on the bearing of the aim point
 * (Earth rotation bends the track), flies satellite launches from their programme, and follows spent
 * stages as separate falling objects. Salvos are simply several launches.
 */

import type { FileResult } from "../config/parse.ts";
import type { Geodetic } from "../geo/earth.ts";
import type { BallisticLaunch, Launch, SatelliteLaunch, Scenario } from "../model/scenario.ts";
import {
  type EndReason,
  type FlightResult,
  type FlightSample,
  type PhysicsOptions,
  propagateFree,
  simulateFlight,
  type ThrustProgramme,
  TRUTH_PHYSICS,
} from "./flight.ts";
import {
  burnoutConditions,
  FlightSolveError,
  type SolvedBoost,
  type SolveTarget,
  solveBoost,
} from "./flight-solver.ts";
import { inverseGeodesic } from "./geodesy.ts";
import { unixSeconds } from "./scenario-file.ts";

/** One truth object: a missile, a launcher payload, or a spent stage. */
export interface FlightObject {
  objectId: string;
  launchId: string;
  role: "missile" | "payload" | "stage";
  samples: FlightSample[];
  /** Unix time thrust ended (separation time for a spent stage). */
  burnoutT: number;
  apogeeHeightM: number;
  apogeeT: number;
  /** Ellipsoidal distance from the launch site to the impact point (m), null if it did not come down. */
  groundRangeM: number | null;
  impact: { t: number; latDeg: number; lonDeg: number } | null;
  inOrbit: boolean;
  endReason: EndReason;
}

/** What a launch achieved, beside what its file asked for. */
export interface LaunchOutcome {
  launchId: string;
  kind: Launch["kind"];
  headingDeg: number;
  programme: ThrustProgramme;
  solver: { method: SolvedBoost["method"]; flights: number } | null;
  rangeKm: number | null;
  apogeeKm: number;
  flightTimeS: number | null;
  burnoutSpeedMps: number;
  burnoutFlightPathAngleDeg: number;
  targetRangeKm: number | null;
  targetApogeeKm: number | null;
}

/** All truth objects of a scenario and a summary per launch. */
export interface ScenarioRun {
  scenarioId: string;
  objects: FlightObject[];
  launches: LaunchOutcome[];
}

const FIELD_PATH: Record<FlightSolveError["field"], string> = {
  rangeKm: "rangeKm",
  apogeeKm: "apogeeKm",
  speedMps: "burnout.speedMps",
  flightPathAngleDeg: "burnout.flightPathAngleDeg",
};

/** Flies every launch of a scenario; an impossible target is an error naming file and field. */
export function flyScenario(
  scenario: Scenario,
  file: string,
  physics: PhysicsOptions = TRUTH_PHYSICS,
): FileResult<ScenarioRun> {
  const objects: FlightObject[] = [];
  const launches: LaunchOutcome[] = [];
  const errors: string[] = [];
  scenario.launches.forEach((launch, i) => {
    const where = `${file}: launches[${i}]`;
    const last = launch.boost.stages.length - 1;
    if (launch.boost.stages[last]?.dropAsObject) {
      errors.push(`${where}.boost.stages[${last}].dropAsObject: the last stage stays with the payload`);
      return;
    }
    try {
      const flown =
        launch.kind === "ballistic" ? flyBallistic(launch, physics) : flySatellite(launch, physics);
      objects.push(...flown.objects);
      launches.push(flown.outcome);
    } catch (e) {
      if (!(e instanceof FlightSolveError)) throw e;
      errors.push(`${where}.${FIELD_PATH[e.field]}: ${e.message}`);
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { scenarioId: scenario.id, objects, launches } };
}

function siteOf(l: Launch): Geodetic {
  return { latDeg: l.site.latDeg, lonDeg: l.site.lonDeg, heightM: l.site.heightM };
}

function aimAzimuth(l: Launch): number {
  if (l.heading.azimuthDeg) return l.heading.azimuthDeg.value;
  if (!l.heading.aimPoint) throw new Error("heading has neither azimuth nor aim point");
  return inverseGeodesic(l.site, l.heading.aimPoint).azimuthDeg;
}

const wrap180 = (d: number): number => ((((d + 180) % 360) + 360) % 360) - 180;

function flyBallistic(l: BallisticLaunch, physics: PhysicsOptions): Flown {
  const site = siteOf(l);
  const launchTimeS = unixSeconds(l.launchTime);
  const aim = aimAzimuth(l);
  const target: SolveTarget = l.burnout
    ? {
        kind: "burnout",
        speedMps: l.burnout.speedMps.value,
        flightPathAngleDeg: l.burnout.flightPathAngleDeg.value,
      }
    : {
        kind: "range-apogee",
        rangeM: (l.rangeKm?.value ?? 0) * 1000,
        apogeeM: (l.apogeeKm?.value ?? 0) * 1000,
      };
  let heading = aim;
  let solved: SolvedBoost | undefined;
  let flights = 0;
  // Earth rotation turns the track; re-aim until the impact bearing matches the aim bearing.
  for (let pass = 0; pass < 4; pass++) {
    const launch = {
      site,
      launchTimeS,
      headingDeg: heading,
      shape: {
        verticalRiseS: l.boost.verticalRiseS.value,
        stages: l.boost.stages.map((s) => ({ burnTimeS: s.burnTimeS.value, accelRatio: s.accelRatio.value })),
      },
      ballisticCoefficientKgM2: l.ballisticCoefficientKgM2.value,
      ...(l.failAtS ? { failAtS: l.failAtS.value } : {}),
    };
    const warm = solved
      ? { accelScaleMps2: solved.accelScaleMps2, finalPitchDeg: solved.programme.finalPitchDeg }
      : undefined;
    solved = solveBoost(launch, target, physics, warm ? { warmStart: warm } : {});
    flights += solved.flights;
    if (!l.heading.aimPoint) break;
    const probe = simulateFlight(
      site,
      launchTimeS,
      solved.programme,
      launch.ballisticCoefficientKgM2,
      physics,
      {
        record: false,
        stopAtApogee: false,
        stopWhenInOrbit: true,
      },
    );
    flights++;
    if (!probe.impact) break;
    const miss = wrap180(aim - inverseGeodesic(site, probe.impact).azimuthDeg);
    if (Math.abs(miss) < 0.02) break;
    heading += miss;
  }
  if (!solved) throw new Error("unreachable: no solve pass ran");
  const main = simulateFlight(site, launchTimeS, solved.programme, l.ballisticCoefficientKgM2.value, physics);
  return assemble(l, "missile", main, solved.programme, { method: solved.method, flights }, physics);
}

function flySatellite(l: SatelliteLaunch, physics: PhysicsOptions): Flown {
  const programme: ThrustProgramme = {
    headingDeg: aimAzimuth(l),
    verticalRiseS: l.boost.verticalRiseS.value,
    finalPitchDeg: l.boost.finalPitchDeg.value,
    stages: l.boost.stages.map((s) => ({
      burnTimeS: s.burnTimeS.value,
      accelStartMps2: s.accelStartMps2.value,
      accelEndMps2: s.accelEndMps2.value,
    })),
  };
  if (l.failAtS) programme.failAtS = l.failAtS.value;
  if (l.boost.pitchOverEndS) programme.pitchOverEndS = l.boost.pitchOverEndS.value;
  const main = simulateFlight(
    siteOf(l),
    unixSeconds(l.launchTime),
    programme,
    l.ballisticCoefficientKgM2.value,
    { ...physics, maxFlightS: l.followForS.value },
  );
  return assemble(l, "payload", main, programme, null, physics);
}

interface Flown {
  objects: FlightObject[];
  outcome: LaunchOutcome;
}

function toObject(id: string, l: Launch, role: FlightObject["role"], f: FlightResult): FlightObject {
  return {
    objectId: id,
    launchId: l.id,
    role,
    samples: f.samples,
    burnoutT: f.burnoutT,
    apogeeHeightM: f.apogeeHeightM,
    apogeeT: f.apogeeT,
    groundRangeM: f.impact ? inverseGeodesic(l.site, f.impact).distanceM : null,
    impact: f.impact ? { t: f.impact.t, latDeg: f.impact.latDeg, lonDeg: f.impact.lonDeg } : null,
    inOrbit: f.inOrbit,
    endReason: f.endReason,
  };
}

function assemble(
  l: Launch,
  role: "missile" | "payload",
  main: FlightResult,
  programme: ThrustProgramme,
  solver: LaunchOutcome["solver"],
  physics: PhysicsOptions,
): Flown {
  const objects = [toObject(l.id, l, role, main)];
  l.boost.stages.forEach((stage, i) => {
    const sep = main.stageSeparations[i];
    if (!stage.dropAsObject || !sep) return;
    const fall = propagateFree(sep, stage.dropAsObject.ballisticCoefficientKgM2.value, physics);
    objects.push(toObject(`${l.id}-stage${i + 1}`, l, "stage", fall));
  });
  const b = burnoutConditions(main);
  const launchTimeS = unixSeconds(l.launchTime);
  const main0 = objects[0];
  return {
    objects,
    outcome: {
      launchId: l.id,
      kind: l.kind,
      headingDeg: programme.headingDeg,
      programme,
      solver,
      rangeKm: main0?.groundRangeM != null ? main0.groundRangeM / 1000 : null,
      apogeeKm: main.apogeeHeightM / 1000,
      flightTimeS: main.impact ? main.impact.t - launchTimeS : null,
      burnoutSpeedMps: b.speedMps,
      burnoutFlightPathAngleDeg: b.flightPathAngleDeg,
      targetRangeKm: l.kind === "ballistic" && l.rangeKm ? l.rangeKm.value : null,
      targetApogeeKm: l.kind === "ballistic" && l.apogeeKm ? l.apogeeKm.value : null,
    },
  };
}
