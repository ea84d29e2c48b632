/**
 * Public warnings for `triwatch scenario run`: a thin adapter from the per-nation tracking of a scenario
 * (src/sim/run-scenario.ts keeps only summaries, so the scenario is tracked here again with the same
 * seed and options, which gives the same tracks) to the warning core's estimate series; then each
 * nation's warnings, their CAP files, and the comparison with facts.md §4's historical timelines.
 *
 * The series: every confirmed track of the nation, re-evaluated every `stepS` seconds of arrival time
 * (a state counts from its observation time plus its sensor's latency), from its latest state.
 * Japan's warnings come from JPN's tracks, Korea's from KOR's (own sensors; fusion of partner tracks is
 * not in the node runtime yet).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { alertToCap } from "../../codecs/cap/index.ts";
import { loadRegionIndex } from "../../config/geodata.ts";
import { ecefToGeodetic, enuBasis, type Vec3 } from "../../geo/earth.ts";
import type { RegionIndex } from "../../geo/regions.ts";
import type { Alert } from "../../model/alert.ts";
import type { Scenario } from "../../model/scenario.ts";
import type { Sensor } from "../../model/sensing.ts";
import type { Topology } from "../../model/topology.ts";
import { type NationTracking, nationsOf, trackScenario } from "../../sim/run-scenario.ts";
import { flyScenario } from "../../sim/scenario-run.ts";
import { type TrackerOptions, trajectoryEstimates } from "../../tracking/index.ts";
import type { TrackState } from "../../tracking/state.ts";
import {
  defaultPolicy,
  type EstimateSeries,
  historyFor,
  issueWarnings,
  type SpaceLaunchEstimate,
  secondsAfterLaunch,
  type WarningEstimate,
  type WarningPolicy,
  warningEstimate,
} from "../../warning/index.ts";

/** Nations that issue public warnings, and their systems. */
export const WARNING_NATIONS = ["JPN", "KOR"] as const;

/** Sub-point, ground course with its 1-σ, and ground speed of a track state (ECEF position-velocity). */
function headingOf(state: TrackState): {
  position: SpaceLaunchEstimate["position"];
  courseDeg: number;
  courseSigmaDeg: number;
  groundSpeedMps: number;
  climbMps: number;
} {
  const x = state.x;
  const g = ecefToGeodetic([x[0] as number, x[1] as number, x[2] as number]);
  const [east, north, up] = enuBasis(g);
  const v: Vec3 = [x[3] as number, x[4] as number, x[5] as number];
  const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const ve = dot(east, v);
  const vn = dot(north, v);
  const speed = Math.hypot(ve, vn);
  // Cross-track unit vector (ECEF) and its variance from the velocity block of P.
  const c: Vec3 = [0, 1, 2].map(
    (i) => ((east[i] as number) * vn - (north[i] as number) * ve) / (speed || 1),
  ) as Vec3;
  let varCross = 0;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      varCross += (c[i] as number) * (state.P[(3 + i) * state.dim + 3 + j] as number) * (c[j] as number);
  return {
    position: { lat: g.latDeg, lon: g.lonDeg, altM: g.heightM },
    courseDeg: ((Math.atan2(ve, vn) * 180) / Math.PI + 360) % 360,
    courseSigmaDeg: (Math.atan2(Math.sqrt(Math.max(0, varCross)), speed) * 180) / Math.PI,
    groundSpeedMps: speed,
    climbMps: dot(up, v),
  };
}

/**
 * A nation's space-launch estimates (a declared satellite launch): every confirmed track, every `stepS`
 * seconds of arrival time, while it climbs (a spent stage falling back is the ballistic rules' business).
 * The tracker cannot tell a launcher from a missile in boost; that the event is a satellite launch is
 * the caller's input (the scenario's launch kind, standing in for what a warning centre knows beforehand).
 */
export function spaceLaunchSeries(nt: NationTracking, launchT: number, stepS = 10): SpaceLaunchEstimate[] {
  const latency = new Map(nt.sensors.map((s) => [s.id, s.latencyS]));
  const availableAt = (s: TrackState): number =>
    s.t + ("sensorId" in s.provenance ? (latency.get(s.provenance.sensorId) ?? 0) : 0);
  const out: SpaceLaunchEstimate[] = [];
  for (const track of nt.tracker.tracks()) {
    if (track.confirmedT === undefined || track.states.length === 0) continue;
    const confirmedT = nt.events.get(track.id)?.confirmedArrivalT ?? track.confirmedT;
    const deletedT = nt.events.get(track.id)?.deletedT ?? Number.POSITIVE_INFINITY;
    const lastAt = availableAt(track.states[track.states.length - 1] as TrackState);
    let k = -1;
    for (let t = Math.ceil(confirmedT / stepS) * stepS; t <= Math.min(lastAt, deletedT) + stepS; t += stepS) {
      while (k + 1 < track.states.length && availableAt(track.states[k + 1] as TrackState) <= t) k++;
      if (k < 0) continue;
      const state = track.states[k] as TrackState;
      if (state.t < track.confirmedT || t - state.t > stepS * 3) continue;
      const h = headingOf(state);
      if (h.climbMps <= 0) continue;
      out.push({
        trackId: track.id,
        t,
        asOfT: state.t,
        trackAgeS: Math.max(0, t - confirmedT),
        launchT,
        position: h.position,
        courseDeg: h.courseDeg,
        courseSigmaDeg: h.courseSigmaDeg,
        groundSpeedMps: h.groundSpeedMps,
      });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/** A nation's estimate series from its tracker. */
export function estimateSeries(nt: NationTracking, stepS = 10): EstimateSeries {
  const latency = new Map(nt.sensors.map((s) => [s.id, s.latencyS]));
  const availableAt = (s: TrackState): number =>
    s.t + ("sensorId" in s.provenance ? (latency.get(s.provenance.sensorId) ?? 0) : 0);
  const estimates: WarningEstimate[] = [];
  let endT = Number.NEGATIVE_INFINITY;
  for (const track of nt.tracker.tracks()) {
    if (track.confirmedT === undefined || track.states.length === 0) continue;
    const confirmedT = nt.events.get(track.id)?.confirmedArrivalT ?? track.confirmedT;
    const deletedT = nt.events.get(track.id)?.deletedT ?? Number.POSITIVE_INFINITY;
    const last = availableAt(track.states[track.states.length - 1] as TrackState);
    endT = Math.max(endT, last);
    let k = -1;
    let used = -1;
    for (let t = Math.ceil(confirmedT / stepS) * stepS; t <= Math.min(last, deletedT) + stepS; t += stepS) {
      while (k + 1 < track.states.length && availableAt(track.states[k + 1] as TrackState) <= t) k++;
      if (k < 0 || k === used) continue;
      used = k;
      const state = track.states[k] as TrackState;
      if (state.t < track.confirmedT) continue;
      const te = trajectoryEstimates(state);
      if (te) estimates.push(warningEstimate(track.id, t, confirmedT, te));
    }
  }
  estimates.sort((a, b) => a.t - b.t);
  return { estimates, endT: Number.isFinite(endT) ? endT : 0 };
}

/** One warning as reported in --json. */
export interface WarningRow {
  id: string;
  kind: string;
  msgType: Alert["msgType"];
  sentS: number;
  areas: string[];
  probability: number | null;
  trackId: string | null;
}

/** One nation's warnings and the historical comparison. */
export interface NationWarnings {
  nation: (typeof WARNING_NATIONS)[number];
  warnings: WarningRow[];
  history: {
    source: string;
    messages: { time: string; kind: string; sentS: number; areas: string[]; note?: string }[];
    firstDifferenceS: number | null;
  } | null;
  alerts: Alert[];
}

const kindLabel = (a: Alert): string =>
  a.kind.system === "j-alert"
    ? a.kind.type
    : a.kind.system === "kr-civil-defence"
      ? a.kind.level
      : a.kind.tier;

/** A scenario tracked per nation: each warning nation's estimate series, and the launch time. */
export interface ScenarioSeries {
  launchT: number;
  series: Map<(typeof WARNING_NATIONS)[number], EstimateSeries>;
  /** Every nation's tracking (its tracker, sensors and track events). */
  tracked: NationTracking[];
}

/**
 * Tracks the scenario per nation and builds each warning nation's estimate series (a satellite launch
 * adds the launcher's climbing tracks as `spaceLaunch`).
 */
export function scenarioSeries(
  scenario: Scenario,
  scenarioFile: string,
  sensors: readonly Sensor[],
  topology: Topology,
  options: { seed: number; tracker?: z.input<typeof TrackerOptions> },
): { ok: true; value: ScenarioSeries } | { ok: false; errors: string[] } {
  const nations = nationsOf(sensors, topology);
  if (!nations.ok) return nations;
  const flown = flyScenario(scenario, scenarioFile);
  if (!flown.ok) return flown;
  const tracked = trackScenario(flown.value, nations.value, options.seed, options.tracker);
  const launchT = Math.min(...scenario.launches.map((l) => Date.parse(l.launchTime) / 1000));
  const spaceLaunch = scenario.launches.some((l) => l.kind === "satellite");
  const series: ScenarioSeries["series"] = new Map();
  for (const nation of WARNING_NATIONS) {
    const nt = tracked.find((n) => n.nation === nation);
    if (!nt) continue;
    const s = estimateSeries(nt);
    series.set(nation, spaceLaunch ? { ...s, spaceLaunch: spaceLaunchSeries(nt, launchT) } : s);
  }
  return { ok: true, value: { launchT, series, tracked } };
}

/** Each warning nation's warnings from its series (default policies unless given), with the history. */
export function warningsFromSeries(
  scenarioId: string,
  tracked: ScenarioSeries,
  regions: RegionIndex,
  policies: { JPN?: WarningPolicy; KOR?: WarningPolicy } = {},
): NationWarnings[] {
  const value: NationWarnings[] = [];
  for (const nation of WARNING_NATIONS) {
    const series = tracked.series.get(nation);
    const alerts = series ? issueWarnings(series, regions, policies[nation] ?? defaultPolicy(nation)) : [];
    const warnings = alerts.map(
      (a): WarningRow => ({
        id: a.id,
        kind: kindLabel(a),
        msgType: a.msgType,
        sentS: Math.round(Date.parse(a.sent) / 1000 - tracked.launchT),
        areas: (a.infos[0]?.areas ?? []).filter((x) => x.codes.length > 0).map((x) => x.description),
        probability: a.basis?.probabilityInArea ?? null,
        trackId: a.basis?.trackId ?? null,
      }),
    );
    const h = historyFor(scenarioId, nation);
    const messages = h?.messages.map((m) => ({ ...m, sentS: secondsAfterLaunch(h, m.time) })) ?? [];
    const first = warnings[0];
    const firstHist = messages[0];
    value.push({
      nation,
      warnings,
      history: h
        ? {
            source: h.source,
            messages,
            firstDifferenceS: first && firstHist ? first.sentS - firstHist.sentS : null,
          }
        : null,
      alerts,
    });
  }
  return value;
}

/** Tracks the scenario per nation and runs each warning nation's rules. */
export function scenarioWarnings(
  scenario: Scenario,
  scenarioFile: string,
  sensors: readonly Sensor[],
  topology: Topology,
  options: {
    seed: number;
    tracker?: z.input<typeof TrackerOptions>;
    regions?: RegionIndex;
    policies?: { JPN?: WarningPolicy; KOR?: WarningPolicy };
  },
): { ok: true; value: NationWarnings[] } | { ok: false; errors: string[] } {
  const tracked = scenarioSeries(scenario, scenarioFile, sensors, topology, options);
  if (!tracked.ok) return tracked;
  const regions = options.regions ?? loadRegionIndex();
  return { ok: true, value: warningsFromSeries(scenario.id, tracked.value, regions, options.policies) };
}

/** Writes each alert as CAP 1.2 `<id>.xml` in `dir` (created if needed); returns the file paths. */
export function writeAlerts(dir: string, alerts: readonly Alert[]): string[] {
  mkdirSync(dir, { recursive: true });
  return alerts.map((a) => {
    const file = join(dir, `${a.id}.xml`);
    writeFileSync(file, alertToCap(a));
    return file;
  });
}

/** The --json form: per nation, the warnings and the history, without the full alerts. */
export function warningsJson(ws: readonly NationWarnings[]): unknown {
  return ws.map(({ alerts: _alerts, ...rest }) => rest);
}
