/**
 * Out-of-sequence measurements by reprocessing: a late detection (observed before scans the tracker has
 * already processed; space IR reports ~30 s late, radar a second or two) is folded in by rolling a track
 * back to its last state at or before the detection's time and re-filtering forward through the same
 * detections it had been updated with since, in time order, with the late one in its place. This is the
 * exact (optimal) answer for a Kalman filter, at the cost of the replayed updates; it is bounded by the
 * tracker's `outOfSequence` options (how late, how many states replayed).
 *
 * Ordering: a late detection observed at exactly the time of an existing update is applied after it
 * (the existing update was processed first; the late one arrived later), so the result does not depend
 * on anything but arrival order. Associations made earlier are kept as they were. A track whose
 * coast/thrust IMM is alive at the roll-back point replays through the IMM from the snapshot kept with
 * that state's update (`UpdateRecord.imm`; the tracker's `reprocessWithImm`), exactly as in order;
 * otherwise (no snapshot: the IMM was gone, or the state is older than `maxLagS`) this module's
 * single-model replay runs, with the process noise each step was predicted with.
 */
import { z } from "zod";
import type { Detection } from "../model/sensing.ts";
import type { ImmState } from "./manoeuvre.ts";
import type { MeasurementModel, SensorModels } from "./measurement.ts";
import type { Predictor } from "./predictor.ts";
import type { TrackState } from "./state.ts";
import type { MeasurementPrediction, Updater } from "./updater.ts";

/** Out-of-sequence settings (serialisable). */
export const OutOfSequenceOptions = z.strictObject({
  /**
   * Latest a scan may arrive (s after the latest scan already processed) and still be used; 0 turns
   * reprocessing off (an earlier scan is then an error). 60 s covers a 30 s space-IR latency twice.
   */
  maxLagS: z.number().min(0).default(60),
  /** Most states replayed per track per late detection; beyond that the detection is not used. */
  maxReplayStates: z.number().int().positive().default(300),
});
/** Parsed out-of-sequence options. */
export type OutOfSequenceOptions = z.infer<typeof OutOfSequenceOptions>;

/** What produced an updated state, so it can be replayed. */
export interface UpdateRecord {
  /** The detection. */
  readonly detection: Detection;
  /** Whether range rate was used (it depends on the track's status at the time). */
  readonly useRangeRate: boolean;
  /** The acceleration PSD the prediction to it used when it differed from the model's (a manoeuvre). */
  readonly accelerationPsd: number | undefined;
  /**
   * The track's coast/thrust IMM right after this update (a copy), while the IMM lives and for as long
   * as a late scan can still reach back to it (`maxLagS`); a replay from here then runs through the
   * IMM, exactly as the in-order updates did (the tracker's `reprocessWithImm`).
   */
  imm?: ImmState | undefined;
}

/** What reprocessing needs from the tracker. */
export interface ReprocessContext {
  /** The tracker's predictor (EKF or UKF). */
  readonly predictor: Predictor;
  /** The tracker's updater (EKF or UKF). */
  readonly updater: Updater;
  /** Sensor models by id. */
  readonly models: (sensorId: string) => SensorModels | undefined;
  /** The record of each replayable updated state. */
  readonly records: WeakMap<TrackState, UpdateRecord>;
  /** Scratch measurement prediction. */
  readonly mp: MeasurementPrediction;
}

/** Index of the last state at or before t (−1: none). */
export function lastStateAtOrBefore(states: readonly TrackState[], t: number): number {
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

/** The measurement model a recorded update used: with its range rate or without, as it was then. */
export function replayModel(ctx: ReprocessContext, record: UpdateRecord): MeasurementModel | undefined {
  const d = record.detection;
  const models = ctx.models(d.sensorId);
  if (!models) return undefined;
  return record.useRangeRate
    ? models.forDetection(d)
    : models.forDetection({ sensorId: d.sensorId, t: d.t, azimuthRad: 0, elevationRad: 0 });
}

/**
 * What a late detection replays: the last state at or before its time (index k) and the records to apply
 * after it, the late one first; undefined when a state after k is not a replayable update or more than
 * `maxReplayStates` would be replayed.
 */
export function replayPlan(
  ctx: ReprocessContext,
  states: readonly TrackState[],
  late: UpdateRecord,
  maxReplayStates: number,
): { k: number; replay: UpdateRecord[] } | undefined {
  const k = lastStateAtOrBefore(states, late.detection.t);
  if (k < 0 || states.length - 1 - k > maxReplayStates) return undefined;
  const replay: UpdateRecord[] = [late];
  for (let i = k + 1; i < states.length; i++) {
    const r = ctx.records.get(states[i] as TrackState);
    if (!r) return undefined;
    replay.push(r);
  }
  return { k, replay };
}

/**
 * One EKF/UKF step: predicts `prior` to the detection's time and updates it with the detection.
 * Returns the new state (provenance "updated"), or undefined on numerical failure.
 */
export function filterStep(
  ctx: ReprocessContext,
  prior: TrackState,
  record: UpdateRecord,
): TrackState | undefined {
  const d = record.detection;
  const model = replayModel(ctx, record);
  if (!model) return undefined;
  const n = prior.dim;
  const x = new Float64Array(n);
  const P = new Float64Array(n * n);
  if (!ctx.predictor.predictInto(prior, d.t, x, P, record.accelerationPsd)) return undefined;
  const pred = { t: d.t, dim: n, x, P };
  if (!ctx.updater.predictMeasurement(pred, model, ctx.mp)) return undefined;
  const z = model.vectorOf(d, new Float64Array(model.dim));
  const xo = new Float64Array(n);
  const Po = new Float64Array(n * n);
  ctx.updater.update(pred, ctx.mp, z, xo, Po);
  const state: TrackState = {
    t: d.t,
    dim: n,
    x: xo,
    P: Po,
    provenance: { kind: "updated", sensorId: d.sensorId },
  };
  ctx.records.set(state, record);
  return state;
}

/**
 * Re-filters a track's states with a late detection inserted: rolls back to the last state at or before
 * its time and replays the recorded updates after it. Returns the new tail (replacing the states after
 * index `from`), or undefined when the track cannot be reprocessed within the limits (a state after the
 * roll-back point is not a replayable update, e.g. a partner fusion, or too many states would be replayed,
 * or a step fails numerically); the track is then left as it was.
 */
export function reprocess(
  ctx: ReprocessContext,
  states: readonly TrackState[],
  late: UpdateRecord,
  maxReplayStates: number,
): { from: number; tail: TrackState[] } | undefined {
  const plan = replayPlan(ctx, states, late, maxReplayStates);
  if (!plan) return undefined;
  const { k, replay } = plan;
  const tail: TrackState[] = [];
  let prior = states[k] as TrackState;
  for (const r of replay) {
    const next = filterStep(ctx, prior, r);
    if (!next) return undefined;
    tail.push(next);
    prior = next;
  }
  return { from: k + 1, tail };
}
