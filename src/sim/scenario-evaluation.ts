/**
 * Reading a nation's tracker against the truth. A confirmed track state is "on" an object when it lies
 * within a gate of that object's true position at the state's time and nearer it than any other object.
 * The nation's estimate of an object at time T comes from its freshest confirmed, not yet deleted track
 * whose latest state at or before T is on the object (ties: the track confirmed first). From that state
 * come the trajectory estimates, compared with the truth: launch point against the real pad (the
 * estimate is a ballistic back-propagation, biased by the powered ascent), impact point and time.
 */
import type { z } from "zod";
import { minimumEnergyApogee } from "../tracking/estimates.ts";
import {
  type EstimateOptions,
  energyRange,
  type MissileClass,
  missileClass,
  type Track,
  type TrajectoryEstimates,
  trajectoryEstimates,
} from "../tracking/index.ts";
import type { TrackState } from "../tracking/state.ts";
import { inverseGeodesic, type LatLon } from "./geodesy.ts";
import type { NationTracking } from "./run-scenario.ts";
import type { FlightObject } from "./scenario-run.ts";
import { stateAt } from "./sensors.ts";

/** What an object really did, for comparison (times in s after its launch). */
export interface ObjectTruth {
  launch: { latDeg: number; lonDeg: number };
  burnoutS: number;
  impact: { latDeg: number; lonDeg: number; tS: number } | null;
  apogeeKm: number;
  rangeKm: number | null;
  /** Class from the two-body energy just after burnout (the tracker's definition). */
  class: MissileClass;
  lofted: boolean;
}

/** A nation's estimates of an object from one track state, with their errors. */
export interface EstimatePoint {
  /** Time of the state used (s after launch). */
  tS: number;
  trackId: string;
  /** Distance from the estimated (ballistic) launch point to the real pad (km). */
  launchErrorKm: number;
  /** Estimated minus true launch time (s). */
  launchTimeErrorS: number;
  predictedImpact: { latDeg: number; lonDeg: number; tS: number; tSigmaS: number };
  /** Distance from the predicted to the true impact point (km); null when the object did not come down. */
  impactErrorKm: number | null;
  impactTimeErrorS: number | null;
  impactEllipse95Km: { semiMajor: number; semiMinor: number; orientationDeg: number };
  apogeeKm: number;
  rangeKm: number;
  class: MissileClass;
  lofted: boolean;
}

/** An estimate at a fixed offset after a track start; null when there was no track or no estimate. */
export interface OffsetEstimate {
  offsetS: number;
  estimate: EstimatePoint | null;
}

/** One nation's view of one object. */
export interface ObjectSummary {
  objectId: string;
  launchId: string;
  role: FlightObject["role"];
  truth: ObjectTruth;
  /** Earliest detection: observation and arrival time (s after launch). */
  firstDetection: { observedS: number; receivedS: number; sensorId: string } | null;
  /** Earliest confirmed track on the object: confirming scan's observation and arrival time. */
  firstTrack: { confirmedS: number; receivedS: number; trackId: string } | null;
  /** First time at or after burnout with a confirmed track on the object (s after launch). */
  coastTrackStartS: number | null;
  /** Estimates at the offsets after the first track. */
  afterFirstTrack: OffsetEstimate[];
  /** Estimates at the offsets after the coast track start. */
  afterCoastStart: OffsetEstimate[];
  /** From the last state on the object. */
  final: EstimatePoint | null;
  /** Estimates every timeline step from the first track on. */
  timeline: EstimatePoint[];
}

/** Evaluation settings. */
export interface EvaluationContext {
  /** Launch time (Unix s) and the real pad of the object's launch. */
  launchT: number;
  site: LatLon;
  offsetsS: readonly number[];
  timelineStepS: number;
  gateM: number;
  estimates: z.input<typeof EstimateOptions>;
}

/** A confirmed track with, per state, the index of the object it is on (−1: none). */
export interface LabelledTrack {
  track: Track;
  confirmedT: number;
  deletedT: number;
  on: Int32Array;
}

/** Labels every state of every confirmed track of a nation with the object it is on. */
export function labelTracks(
  nt: NationTracking,
  objects: readonly FlightObject[],
  gateM: number,
): LabelledTrack[] {
  const out: LabelledTrack[] = [];
  for (const track of nt.tracker.tracks()) {
    if (track.confirmedT === undefined) continue;
    const on = new Int32Array(track.states.length).fill(-1);
    track.states.forEach((s, k) => {
      let best = gateM;
      objects.forEach((o, j) => {
        const truth = stateAt(o, s.t);
        if (!truth) return;
        const p = truth.positionEcef;
        const d = Math.hypot((s.x[0] as number) - p[0], (s.x[1] as number) - p[1], (s.x[2] as number) - p[2]);
        if (d < best) {
          best = d;
          on[k] = j;
        }
      });
    });
    const deletedT = nt.events.get(track.id)?.deletedT ?? Number.POSITIVE_INFINITY;
    out.push({ track, confirmedT: track.confirmedT, deletedT, on });
  }
  return out;
}

/** Index of the last state at or before t, or −1. */
function lastIndexAtOrBefore(states: readonly TrackState[], t: number): number {
  let lo = 0;
  let hi = states.length - 1;
  if (hi < 0 || (states[0] as TrackState).t > t) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((states[mid] as TrackState).t <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The nation's current state of object j at time t: freshest live confirmed track on it. */
export function currentState(
  tracks: readonly LabelledTrack[],
  j: number,
  t: number,
): { track: LabelledTrack; state: TrackState } | undefined {
  let best: { track: LabelledTrack; state: TrackState } | undefined;
  for (const lt of tracks) {
    if (lt.confirmedT > t || lt.deletedT <= t) continue;
    const k = lastIndexAtOrBefore(lt.track.states, t);
    if (k < 0 || lt.on[k] !== j) continue;
    const state = lt.track.states[k] as TrackState;
    if (
      !best ||
      state.t > best.state.t ||
      (state.t === best.state.t && lt.confirmedT < best.track.confirmedT)
    )
      best = { track: lt, state };
  }
  return best;
}

/** What really happened to an object. */
export function objectTruth(o: FlightObject, launchT: number, site: LatLon, loftedRatio = 1.5): ObjectTruth {
  const after = stateAt(o, Math.min(o.burnoutT + 1, o.samples.at(-1)?.t ?? o.burnoutT));
  const x = after ? Float64Array.from([...after.positionEcef, ...after.velocityEcef]) : new Float64Array(6);
  const rangeKm = o.groundRangeM === null ? null : o.groundRangeM / 1000;
  return {
    launch: { latDeg: site.latDeg, lonDeg: site.lonDeg },
    burnoutS: o.burnoutT - launchT,
    impact: o.impact ? { latDeg: o.impact.latDeg, lonDeg: o.impact.lonDeg, tS: o.impact.t - launchT } : null,
    apogeeKm: o.apogeeHeightM / 1000,
    rangeKm,
    class: missileClass(energyRange(x)),
    lofted: rangeKm !== null && o.apogeeHeightM / minimumEnergyApogee(rangeKm * 1000) > loftedRatio,
  };
}

/** Estimates from one state compared with the truth; null when the estimates find no impact or launch. */
export function estimatePoint(
  state: TrackState,
  trackId: string,
  truth: ObjectTruth,
  launchT: number,
  estimates: z.input<typeof EstimateOptions>,
): EstimatePoint | null {
  const e: TrajectoryEstimates | undefined = trajectoryEstimates(state, estimates);
  if (!e) return null;
  const ell = e.impact.ellipse95;
  return {
    tS: state.t - launchT,
    trackId,
    launchErrorKm: inverseGeodesic(truth.launch, e.launch).distanceM / 1000,
    launchTimeErrorS: e.launch.t - launchT,
    predictedImpact: {
      latDeg: e.impact.latDeg,
      lonDeg: e.impact.lonDeg,
      tS: e.impact.t - launchT,
      tSigmaS: e.impact.tSigmaS,
    },
    impactErrorKm: truth.impact ? inverseGeodesic(truth.impact, e.impact).distanceM / 1000 : null,
    impactTimeErrorS: truth.impact ? e.impact.t - launchT - truth.impact.tS : null,
    impactEllipse95Km: {
      semiMajor: ell.semiMajorM / 1000,
      semiMinor: ell.semiMinorM / 1000,
      orientationDeg: ell.orientationDeg,
    },
    apogeeKm: e.apogee.heightM / 1000,
    rangeKm: e.groundRangeM / 1000,
    class: e.class,
    lofted: e.lofted,
  };
}

/**
 * Start times of the object's tracking: the first confirmed track on it, and the first state at or after
 * burnout of any confirmed track on it (a track that held through burnout counts from its first update
 * after it; one that lost the object in boost and merely coasts does not count).
 */
export function trackStarts(
  tracks: readonly LabelledTrack[],
  j: number,
  burnoutT: number,
): { first?: LabelledTrack; coastT?: number } {
  let first: LabelledTrack | undefined;
  let coastT = Number.POSITIVE_INFINITY;
  for (const lt of tracks) {
    const k = lastIndexAtOrBefore(lt.track.states, lt.confirmedT);
    if (k >= 0 && lt.on[k] === j && (!first || lt.confirmedT < first.confirmedT)) first = lt;
    const from = Math.max(burnoutT, lt.confirmedT);
    lt.track.states.forEach((s, i) => {
      if (s.t >= from && s.t < coastT && s.t < lt.deletedT && lt.on[i] === j) coastT = s.t;
    });
  }
  const out: { first?: LabelledTrack; coastT?: number } = {};
  if (first) out.first = first;
  if (Number.isFinite(coastT)) out.coastT = coastT;
  return out;
}

/** One nation's view of one object (`objects` are all truth objects, `object` one of them). */
export function summariseObject(
  nt: NationTracking,
  tracks: readonly LabelledTrack[],
  objects: readonly FlightObject[],
  object: FlightObject,
  ctx: EvaluationContext,
): ObjectSummary {
  const j = objects.indexOf(object);
  const truth = objectTruth(object, ctx.launchT, ctx.site);
  const at = (t: number, estimates = ctx.estimates): EstimatePoint | null => {
    const cur = currentState(tracks, j, t);
    return cur ? estimatePoint(cur.state, cur.track.track.id, truth, ctx.launchT, estimates) : null;
  };
  const starts = trackStarts(tracks, j, object.burnoutT);
  const det = nt.firstDetections.get(object.objectId);
  const first = starts.first;
  const firstT = first?.confirmedT;
  let lastT = Number.NEGATIVE_INFINITY;
  for (const lt of tracks)
    lt.track.states.forEach((s, i) => {
      if (lt.on[i] === j && s.t >= lt.confirmedT && s.t > lastT) lastT = s.t;
    });
  const timeline: EstimatePoint[] = [];
  if (firstT !== undefined && ctx.timelineStepS > 0) {
    const light = { ...ctx.estimates, groundTrackPoints: 16 };
    for (let t = firstT; t <= lastT; t += ctx.timelineStepS) {
      const p = at(t, light);
      if (p) timeline.push(p);
    }
  }
  const offsets = (t0: number | undefined): OffsetEstimate[] =>
    ctx.offsetsS.map((offsetS) => ({ offsetS, estimate: t0 === undefined ? null : at(t0 + offsetS) }));
  return {
    objectId: object.objectId,
    launchId: object.launchId,
    role: object.role,
    truth,
    firstDetection: det
      ? { observedS: det.t - ctx.launchT, receivedS: det.arrivalT - ctx.launchT, sensorId: det.sensorId }
      : null,
    firstTrack:
      first && firstT !== undefined
        ? {
            confirmedS: firstT - ctx.launchT,
            receivedS: (nt.events.get(first.track.id)?.confirmedArrivalT ?? firstT) - ctx.launchT,
            trackId: first.track.id,
          }
        : null,
    coastTrackStartS: starts.coastT === undefined ? null : starts.coastT - ctx.launchT,
    afterFirstTrack: offsets(firstT),
    afterCoastStart: offsets(starts.coastT),
    final: Number.isFinite(lastT) ? at(lastT) : null,
    timeline,
  };
}
