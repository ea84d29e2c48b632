/**
 * A scenario end to end, nation by nation: fly it, simulate every sensor (seeded), hand each detection to
 * the nation whose node owns the sensor (the sensor's `node`, mapped to a party by the topology), in
 * order of arrival (observation time plus the sensor's latency), and run one tracker per nation on its
 * own sensors only. Nothing is shared between nations here; that is the network's business.
 *
 * A scan that arrives after a later-observed scan has already been processed (a slow space-IR report
 * behind fast radar scans) is handed to the tracker all the same, which reprocesses the tracks it updates
 * (tracking/reprocess.ts); only one later than the tracker's `outOfSequence.maxLagS` is dropped. Both
 * are counted.
 * Times in the results are seconds after the object's launch; "received" times include the latency.
 */
import type { z } from "zod";
import type { FileResult } from "../config/parse.ts";
import type { Scenario } from "../model/scenario.ts";
import type { Detection, Sensor } from "../model/sensing.ts";
import type { Topology } from "../model/topology.ts";
import { type EstimateOptions, MultiTargetTracker, type TrackerOptions } from "../tracking/index.ts";
import { scenarioMeasurements } from "./measurements.ts";
import { labelTracks, type ObjectSummary, summariseObject } from "./scenario-evaluation.ts";
import { flyScenario, type ScenarioRun } from "./scenario-run.ts";
import type { SensorRun } from "./sensors.ts";

/** Options of a scenario run. */
export interface RunScenarioOptions {
  /** Seed of the sensor simulation. */
  seed: number;
  /** Tracker options (each nation's tracker); history is kept whole unless `maxHistory` is given. */
  tracker?: z.input<typeof TrackerOptions>;
  /** Options of the trajectory estimates. */
  estimates?: z.input<typeof EstimateOptions>;
  /** Offsets after track start (s) at which errors are reported; default 30, 60, 120. */
  offsetsS?: readonly number[];
  /** Step (s) of the error timeline; 0 for none. Default 30. */
  timelineStepS?: number;
  /** A track state within this distance (m) of an object, and nearer it than any other, is on it. */
  gateM?: number;
  /** Also summarise spent stages (default: missiles and payloads only). */
  includeStages?: boolean;
}

/** One nation's sensors and the nodes they report to. */
export interface NationSensors {
  /** Party code (USA, KOR, JPN). */
  nation: string;
  /** Topology nodes of this party that own at least one sensor. */
  nodes: string[];
  /** The sensors. */
  sensors: Sensor[];
}

/** One nation's tracker after a run, with what the evaluation needs to read it. */
export interface NationTracking extends NationSensors {
  /** The tracker, holding every track it ever started. */
  tracker: MultiTargetTracker;
  /** Detections delivered (including false alarms and dropped ones). */
  delivered: number;
  /**
   * Scans (and their detections) that arrived after a later-observed scan: all of them, those dropped
   * as too late to reprocess, and the track updates made by reprocessing.
   */
  late: { scans: number; detections: number; dropped: number; reprocessedUpdates: number };
  /** Per track id: observation and arrival time of the confirming scan, time of deletion. */
  events: Map<string, { confirmedT?: number; confirmedArrivalT?: number; deletedT?: number }>;
  /** Per truth object: its earliest-arriving detection at this nation. */
  firstDetections: Map<string, { t: number; arrivalT: number; sensorId: string }>;
  /** Per sensor: the observation time of one of its scans (the scan phase), when it reported anything. */
  scanPhase: Map<string, number>;
}

/** One nation's result. */
export interface NationResult {
  /** Party code. */
  nation: string;
  /** Nodes owning its sensors. */
  nodes: string[];
  /** Sensor ids. */
  sensors: string[];
  /** Detections delivered. */
  detections: number;
  /** Scans dropped for arriving out of sequence later than the tracker's reprocessing limit. */
  lateScansDropped: number;
  /** Scans that arrived out of sequence and were reprocessed into the tracks. */
  lateScansReprocessed: number;
  /** Track updates made by reprocessing late scans. */
  lateUpdatesReprocessed: number;
  /** Tracks ever confirmed (including on spent stages and false tracks). */
  tracksConfirmed: number;
  /** Per object of interest. */
  objects: ObjectSummary[];
}

/** The result of `runScenario`. */
export interface ScenarioResult {
  /** Scenario id. */
  scenarioId: string;
  /** Scenario title. */
  title: string;
  /** Seed used. */
  seed: number;
  /** Per nation, in topology party order (nations without sensors are left out). */
  nations: NationResult[];
}

/** Groups sensors by the party of the node that owns each; a node missing from the topology is an error. */
export function nationsOf(sensors: readonly Sensor[], topology: Topology): FileResult<NationSensors[]> {
  const partyOf = new Map(topology.nodes.map((n) => [n.id, n.party]));
  const errors: string[] = [];
  const byParty = new Map<string, NationSensors>();
  for (const p of topology.parties) byParty.set(p.code, { nation: p.code, nodes: [], sensors: [] });
  const seen = new Set<string>();
  for (const s of sensors) {
    if (seen.has(s.id)) errors.push(`sensor ${s.id}: id used twice`);
    seen.add(s.id);
    const party = partyOf.get(s.node);
    const group = party === undefined ? undefined : byParty.get(party);
    if (!group) {
      errors.push(
        `sensor ${s.id}: node "${s.node}" is not in the topology (${[...partyOf.keys()].join(", ")})`,
      );
      continue;
    }
    if (!group.nodes.includes(s.node)) group.nodes.push(s.node);
    group.sensors.push(s);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: [...byParty.values()].filter((g) => g.sensors.length > 0) };
}

/** Runs one nation's tracker over its detections in order of arrival (a `SensorRun` is in that order). */
export function trackNation(
  group: NationSensors,
  run: SensorRun,
  trackerOptions: z.input<typeof TrackerOptions> = {},
): NationTracking {
  const own = new Map(group.sensors.map((s) => [s.id, s]));
  const tracker = new MultiTargetTracker(group.sensors, { maxHistory: 1_000_000, ...trackerOptions });
  const out: NationTracking = {
    ...group,
    tracker,
    delivered: 0,
    late: { scans: 0, detections: 0, dropped: 0, reprocessedUpdates: 0 },
    events: new Map(),
    firstDetections: new Map(),
    scanPhase: new Map(),
  };
  const dets = run.detections;
  const maxLagS = tracker.options.outOfSequence.maxLagS;
  let lastT = Number.NEGATIVE_INFINITY;
  let i = 0;
  while (i < dets.length) {
    const first = dets[i] as Detection;
    const sensor = own.get(first.sensorId);
    if (!sensor) {
      i++;
      continue;
    }
    let end = i + 1;
    while (
      end < dets.length &&
      (dets[end] as Detection).t === first.t &&
      (dets[end] as Detection).sensorId === first.sensorId
    )
      end++;
    const arrivalT = first.t + sensor.latencyS;
    out.delivered += end - i;
    if (!out.scanPhase.has(sensor.id)) out.scanPhase.set(sensor.id, first.t);
    for (let k = i; k < end; k++) {
      const src = run.truth[k]?.source;
      if (src?.kind === "object" && !out.firstDetections.has(src.objectId))
        out.firstDetections.set(src.objectId, { t: first.t, arrivalT, sensorId: sensor.id });
    }
    const late = first.t < lastT;
    if (late) {
      out.late.scans++;
      out.late.detections += end - i;
    }
    if (late && lastT - first.t > maxLagS) out.late.dropped++;
    else {
      lastT = Math.max(lastT, first.t);
      const r = tracker.processScan(sensor.id, first.t, dets.slice(i, end));
      out.late.reprocessedUpdates += r.reprocessed.length;
      for (const id of r.confirmed) out.events.set(id, { confirmedT: first.t, confirmedArrivalT: arrivalT });
      for (const id of r.deleted) out.events.set(id, { ...out.events.get(id), deletedT: first.t });
    }
    i = end;
  }
  return out;
}

/** Simulates the sensors over a flown scenario and runs every nation's tracker. */
export function trackScenario(
  run: ScenarioRun,
  nations: readonly NationSensors[],
  seed: number,
  trackerOptions: z.input<typeof TrackerOptions> = {},
): NationTracking[] {
  const sensors = nations.flatMap((n) => n.sensors);
  const { detections } = scenarioMeasurements(run, sensors, seed);
  return nations.map((n) => trackNation(n, detections, trackerOptions));
}

/**
 * Flies a scenario, simulates the sensors and tracks per nation, and summarises each nation's view of
 * each object against the truth. A pure function of its arguments; errors name the file and field.
 */
export function runScenario(
  scenario: Scenario,
  scenarioFile: string,
  sensors: readonly Sensor[],
  topology: Topology,
  options: RunScenarioOptions,
): FileResult<ScenarioResult> {
  const nations = nationsOf(sensors, topology);
  if (!nations.ok) return nations;
  const flown = flyScenario(scenario, scenarioFile);
  if (!flown.ok) return flown;
  const tracked = trackScenario(flown.value, nations.value, options.seed, options.tracker);
  const launchTimes = new Map(scenario.launches.map((l) => [l.id, Date.parse(l.launchTime) / 1000]));
  const sites = new Map(scenario.launches.map((l) => [l.id, l.site]));
  const all = flown.value.objects;
  const objects = all.filter((o) => options.includeStages || o.role !== "stage");
  const gateM = options.gateM ?? 50_000;
  const result: NationResult[] = tracked.map((nt) => {
    const tracks = labelTracks(nt, all, gateM);
    return {
      nation: nt.nation,
      nodes: nt.nodes,
      sensors: nt.sensors.map((s) => s.id),
      detections: nt.delivered,
      lateScansDropped: nt.late.dropped,
      lateScansReprocessed: nt.late.scans - nt.late.dropped,
      lateUpdatesReprocessed: nt.late.reprocessedUpdates,
      tracksConfirmed: tracks.length,
      objects: objects.map((o) =>
        summariseObject(nt, tracks, all, o, {
          launchT: launchTimes.get(o.launchId) ?? o.samples[0]?.t ?? 0,
          site: sites.get(o.launchId) ?? { latDeg: 0, lonDeg: 0 },
          offsetsS: options.offsetsS ?? [30, 60, 120],
          timelineStepS: options.timelineStepS ?? 30,
          gateM,
          estimates: options.estimates ?? {},
        }),
      ),
    };
  });
  return {
    ok: true,
    value: { scenarioId: scenario.id, title: scenario.title, seed: options.seed, nations: result },
  };
}
