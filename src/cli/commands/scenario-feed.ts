/**
 * A scenario run as map data, for `triwatch cot serve` and `triwatch geojson`: every confirmed track of
 * the chosen nations as track reports over time (the tracker's state, its trajectory estimates and the
 * 95 % impact ellipse), the nations' public warnings and their sensors.
 *
 * A track report needs a predicted impact, so a state without one (a launcher on its way to orbit, a
 * state in powered flight whose ballistic arc does not come down within the estimator's horizon) is
 * skipped. The label on the reports is illustrative (the nation's example grade): CoT and GeoJSON do not
 * carry it.
 */
import { ecefToGeodetic } from "../../geo/earth.ts";
import type { RegionIndex } from "../../geo/regions.ts";
import type { Alert } from "../../model/alert.ts";
import { TrackReport } from "../../model/item.ts";
import type { Scenario } from "../../model/scenario.ts";
import type { Sensor } from "../../model/sensing.ts";
import { isoUtc } from "../../model/time.ts";
import type { Topology } from "../../model/topology.ts";
import type { NationTracking } from "../../sim/run-scenario.ts";
import { trajectoryEstimates } from "../../tracking/index.ts";
import type { TrackState } from "../../tracking/state.ts";
import { scenarioSeries, warningsFromSeries } from "./alerts.ts";

/** An example grade per nation for the reports' labels (see examples/). */
const GRADE: Record<string, string> = { USA: "S", KOR: "II", JPN: "HI" };
/** Most trajectory samples kept per report (the track's history, thinned evenly). */
const MAX_SAMPLES = 40;

/** One track report and when it was available (Unix s). */
export interface TimedReport {
  t: number;
  nation: string;
  report: TrackReport;
}

/** A scenario run as map data. */
export interface ScenarioPicture {
  scenarioId: string;
  launchT: number;
  /** Track reports of the chosen nations in order of availability. */
  reports: TimedReport[];
  /** Public warnings of the warning nations among the chosen ones. */
  alerts: Alert[];
  /** Sensors of the chosen nations. */
  sensors: Sensor[];
}

const utc = (t: number): string => isoUtc(Math.round(t * 1000));

/** Track reports of one nation's confirmed tracks, one per track every `stepS` seconds of arrival. */
export function nationReports(nt: NationTracking, eventId: string, stepS = 10): TimedReport[] {
  const latency = new Map(nt.sensors.map((s) => [s.id, s.latencyS]));
  const availableAt = (s: TrackState): number =>
    s.t + ("sensorId" in s.provenance ? (latency.get(s.provenance.sensorId) ?? 0) : 0);
  const out: TimedReport[] = [];
  for (const track of nt.tracker.tracks()) {
    const confirmedT = track.confirmedT;
    if (confirmedT === undefined || track.states.length === 0) continue;
    const first = track.states.findIndex((s) => s.t >= confirmedT);
    if (first < 0) continue;
    const deletedT = nt.events.get(track.id)?.deletedT ?? Number.POSITIVE_INFINITY;
    const lastAt = availableAt(track.states[track.states.length - 1] as TrackState);
    let k = first - 1;
    let used = -1;
    for (let t = Math.ceil(confirmedT / stepS) * stepS; t <= Math.min(lastAt, deletedT) + stepS; t += stepS) {
      while (k + 1 < track.states.length && availableAt(track.states[k + 1] as TrackState) <= t) k++;
      if (k < first || k === used) continue;
      used = k;
      const report = reportOf(nt.nation, track.id, eventId, track.states.slice(first, k + 1));
      if (report) out.push({ t, nation: nt.nation, report });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The report of a track from its states so far (the last one drives the estimates). */
function reportOf(
  nation: string,
  trackId: string,
  eventId: string,
  states: readonly TrackState[],
): TrackReport | undefined {
  const state = states[states.length - 1] as TrackState;
  const te = trajectoryEstimates(state);
  if (!te) return undefined;
  const stride = Math.max(1, Math.ceil(states.length / MAX_SAMPLES));
  const picked = states.filter((_, i) => i % stride === 0 || i === states.length - 1);
  const id = `${nation}-${trackId}`;
  return TrackReport.parse({
    kind: "track-report",
    id: `${id}-${Math.round(state.t)}`,
    label: {
      originator: nation,
      classification: GRADE[nation] ?? "S",
      topics: ["missile-warning"],
    },
    asOf: utc(state.t),
    eventId,
    trackId: id,
    launch: {
      lat: te.launch.latDeg,
      lon: te.launch.lonDeg,
      time: utc(te.launch.t),
      uncertaintyM: te.launch.ellipse95.semiMajorM,
      timeUncertaintyS: te.launch.tSigmaS,
    },
    trajectory: picked.map((s) => {
      const g = ecefToGeodetic([s.x[0] as number, s.x[1] as number, s.x[2] as number]);
      return { time: utc(s.t), lat: g.latDeg, lon: g.lonDeg, altM: g.heightM };
    }),
    impact: {
      lat: te.impact.latDeg,
      lon: te.impact.lonDeg,
      time: utc(te.impact.t),
      ellipse95: { ...te.impact.ellipse95 },
    },
    missileClass: te.class,
    lofted: te.lofted,
    apogeeKm: Math.max(0, te.apogee.heightM / 1000),
  });
}

/** Tracks a scenario and gathers, for the chosen nations, their reports, warnings and sensors. */
export function scenarioPicture(
  scenario: Scenario,
  scenarioFile: string,
  sensors: readonly Sensor[],
  topology: Topology,
  options: { seed: number; nations?: readonly string[]; regions: RegionIndex },
): { ok: true; value: ScenarioPicture } | { ok: false; errors: string[] } {
  const tracked = scenarioSeries(scenario, scenarioFile, sensors, topology, { seed: options.seed });
  if (!tracked.ok) return tracked;
  const chosen = (n: string): boolean => !options.nations || options.nations.includes(n);
  const eventId = `PRK-${scenario.id}`;
  const reports = tracked.value.tracked
    .filter((nt) => chosen(nt.nation))
    .flatMap((nt) => nationReports(nt, eventId))
    .sort((a, b) => a.t - b.t);
  const alerts = warningsFromSeries(scenario.id, tracked.value, options.regions)
    .filter((n) => chosen(n.nation))
    .flatMap((n) => n.alerts);
  const own = tracked.value.tracked.filter((nt) => chosen(nt.nation)).flatMap((nt) => nt.sensors);
  return {
    ok: true,
    value: { scenarioId: scenario.id, launchT: tracked.value.launchT, reports, alerts, sensors: own },
  };
}
