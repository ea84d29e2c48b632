/**
 * The multi-target tracker, assembled from its parts (predictor, updater, hypothesiser, associator,
 * initiator, deleter) by one validated, serialisable options object.
 *
 * One call per scan (one sensor, one time). Every live track is predicted to the scan time and its
 * measurement predicted; confirmed tracks are associated first (GNN), tentative tracks take what is
 * left, and radar detections still unclaimed start tentative tracks. A miss counts only if the track was
 * in the sensor's field of regard. A scan that comes late (observed before scans already processed) is
 * folded into the tracks it updates by reprocessing them from before its time (reprocess.ts). The
 * tracker holds state between scans (as Stone Soup's trackers do);
 * it takes time only from the scans, never from a clock.
 */
import { z } from "zod";
import { WGS84_A } from "../geo/earth.ts";
import type { Detection, Sensor } from "../model/sensing.ts";
import { BallisticModelOptions, REENTRY_INV_BETA_PRIOR, stateHeight } from "./ballistic.ts";
import { chiSquareQuantile } from "./chisquare.ts";
import { DeleterOptions } from "./deleter.ts";
import { CovarianceIntersectionOptions, embedKinematicState } from "./fusion.ts";
import { GateOptions } from "./hypothesiser.ts";
import { InitiatorOptions } from "./initiator.ts";
import { cholesky, mahalanobisFromCholesky } from "./linalg.ts";
import {
  ACCELERATION_STATES,
  addAccelerationPrediction,
  COAST,
  cloneImm,
  combineInto,
  type ImmState,
  ManoeuvreOptions,
  mixModes,
  newImmState,
  seedImm,
  THRUST,
  updateModeProbabilities,
} from "./manoeuvre.ts";
import { inFieldOfRegard, type MeasurementModel, type SensorModels, sensorModels } from "./measurement.ts";
import { type TrackerParts, trackerParts } from "./parts.ts";
import {
  filterStep,
  lastStateAtOrBefore,
  OutOfSequenceOptions,
  type ReprocessContext,
  replayModel,
  replayPlan,
  reprocess,
  type UpdateRecord,
} from "./reprocess.ts";
import type { GaussianState, TrackState } from "./state.ts";
import { UnscentedOptions } from "./unscented.ts";
import { type MeasurementPrediction, mahalanobis2, newMeasurementPrediction } from "./updater.ts";

/** All tracker settings in one serialisable object. */
export const TrackerOptions = z.strictObject({
  /** Filter family: extended or unscented Kalman. */
  filter: z.enum(["ekf", "ukf"]).default("ekf"),
  motion: BallisticModelOptions.prefault({}),
  unscented: UnscentedOptions.prefault({}),
  gate: GateOptions.prefault({}),
  initiator: InitiatorOptions.prefault({}),
  deleter: DeleterOptions.prefault({}),
  fusion: CovarianceIntersectionOptions.prefault({}),
  /**
   * When radar range rate is used in updates. Early on, the EKF's linearisation of range rate is poor
   * (the line of sight is uncertain by ~km while the cross-range velocity is unknown by km/s, a
   * second-order error far above the range-rate sigma), so by default only confirmed tracks use it.
   */
  rangeRate: z.enum(["confirmed", "always", "never"]).default("confirmed"),
  /** States kept per track (oldest dropped first). */
  maxHistory: z.number().int().positive().default(1000),
  /** The thrust mode of each track's two-model IMM (boost, a later stage, a manoeuvre); manoeuvre.ts. */
  manoeuvre: ManoeuvreOptions.prefault({}),
  /** Late (out-of-sequence) scans: how late they may be and what reprocessing them may cost. */
  outOfSequence: OutOfSequenceOptions.prefault({}),
  /**
   * Re-entry drag state (6-state motion model only): a track whose last state is descending below
   * `belowM` gains 1/β as a 7th state, from the re-entry prior (`REENTRY_INV_BETA_PRIOR`, ballistic.ts),
   * and estimates it from then on. Above ~100 km the drag is too weak to tell 1/β apart from nothing
   * (at 100 km and 7 km/s it is ~3e-3 m/s² for β = 5,000), so coast tracks stay 6-state; in the denser
   * air the deceleration reaches tens of g and a 6-state track, even with the drag allowance in Q, lags
   * it by hundreds of metres. A late scan replayed from a 6-state before the crossing stays 6-state
   * until the next scan. 0 turns it off.
   *
   * "Descending" means known to descend: the radial velocity at least `descentSigmas` standard deviations
   * (of its own estimate) below zero. A track begun from one radar detection knows only the range rate
   * (3 km/s σ across the line of sight), so a missile rising towards a radar looked like a descent below
   * 100 km: USA tracks on the 2017-08-29 IRBM gained 1/β at 19 km in boost, the thrust dragged it to
   * 9.4e-5 m²/kg, and above the atmosphere nothing corrects it, so the impact prediction used that
   * instead of the re-entry prior for the rest of the flight (impact errors of 50–75 m against a
   * track σ of 23 m at coast start +240 s).
   */
  reentry: z
    .strictObject({
      belowM: z.number().min(0).default(100_000),
      descentSigmas: z.number().min(0).default(3),
      invBeta: z.number().min(0).default(REENTRY_INV_BETA_PRIOR.invBeta),
      invBetaSigma: z.number().positive().default(REENTRY_INV_BETA_PRIOR.invBetaSigma),
    })
    .prefault({}),
});
/** Parsed tracker options. */
export type TrackerOptions = z.infer<typeof TrackerOptions>;

/** Track life-cycle status. */
export type TrackStatus = "tentative" | "confirmed" | "deleted";

/** A track: its states (initiated, updated or fused; with provenance) and life-cycle facts. */
export interface Track {
  /** Stable id within one tracker ("T1", "T2", …). */
  readonly id: string;
  /** Life-cycle status. */
  readonly status: TrackStatus;
  /** State history, oldest first; the last entry is the current estimate. */
  readonly states: readonly TrackState[];
  /** Number of detections associated. */
  readonly hits: number;
  /** Consecutive in-view misses. */
  readonly consecutiveMisses: number;
  /** Time of the last update (Unix s). */
  readonly lastUpdateT: number;
  /** Time it was confirmed, if it ever was. */
  readonly confirmedT?: number;
  /** Why it was deleted, when it was. */
  readonly deletedReason?: string;
}

/** What one scan changed. */
export interface ScanResult {
  /** Ids of tracks updated by a detection. */
  readonly updated: string[];
  /** Ids of tentative tracks started. */
  readonly initiated: string[];
  /** Ids of tracks confirmed in this scan. */
  readonly confirmed: string[];
  /** Ids of tracks deleted (or rejected while tentative) in this scan. */
  readonly deleted: string[];
  /** Ids of tracks re-filtered with a detection from this (late) scan. */
  readonly reprocessed: string[];
  /** Whether the scan came out of sequence (earlier than the latest scan processed). */
  readonly late: boolean;
}

/** Internal mutable track with its per-scan scratch buffers. */
interface LiveTrack {
  id: string;
  status: TrackStatus;
  states: TrackState[];
  hits: number;
  consecutiveMisses: number;
  lastUpdateT: number;
  confirmedT?: number;
  deletedReason?: string;
  window: boolean[];
  pred: { t: number; dim: number; x: Float64Array; P: Float64Array };
  mp: MeasurementPrediction;
  predOk: boolean;
  visible: boolean;
  /** Coast/thrust IMM; undefined when the thrust mode is off. */
  imm: ImmState | undefined;
  /** Update records that hold an IMM snapshot, oldest first (dropped once no late scan can reach them). */
  snapshots: UpdateRecord[];
  /**
   * Acceleration PSD a single-model replay of the current prediction uses (reprocess.ts): the IMM's
   * c̄-weighted mean of the modes' PSDs; undefined for the model's own.
   */
  predPsd: number | undefined;
}

/** A multi-target tracker for ballistic objects, built from sensors and options. */
export class MultiTargetTracker {
  /** The parsed options. */
  readonly options: TrackerOptions;
  /** The parts, chosen by the options. */
  readonly parts: TrackerParts;
  private readonly sensors = new Map<string, SensorModels>();
  private readonly live: LiveTrack[] = [];
  private readonly ended: LiveTrack[] = [];
  private nextId = 1;
  private lastScanT = Number.NEGATIVE_INFINITY;
  private readonly scratchMp = newMeasurementPrediction();
  private readonly modeMp = [newMeasurementPrediction(), newMeasurementPrediction()];
  private readonly nisWork = new Float64Array(16);
  private readonly records = new WeakMap<TrackState, UpdateRecord>();
  private readonly reprocessCtx: ReprocessContext;

  /** Builds the tracker for a set of sensors with (unparsed) options. */
  constructor(sensors: readonly Sensor[], options: z.input<typeof TrackerOptions> = {}) {
    this.options = TrackerOptions.parse(options);
    this.parts = trackerParts(this.options);
    for (const s of sensors) this.sensors.set(s.id, sensorModels(s));
    this.reprocessCtx = {
      predictor: this.parts.predictor,
      updater: this.parts.updater,
      models: (id) => this.sensors.get(id),
      records: this.records,
      mp: newMeasurementPrediction(),
    };
  }

  /** All tracks ever started, live and ended, in order of creation. */
  tracks(): Track[] {
    return [...this.live, ...this.ended].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  }

  /** Tracks not deleted. */
  liveTracks(): readonly Track[] {
    return this.live;
  }

  /**
   * Probability that a live track's motor is burning: its IMM's thrust mode, or 0 once the thrust mode
   * has been dropped (pruned, or the track is known to descend) or when there is none.
   */
  thrustProbability(trackId: string): number {
    const track = this.live.find((t) => t.id === trackId);
    if (!track) throw new Error(`no live track "${trackId}"`);
    return track.imm ? (track.imm.mu[THRUST] as number) : 0;
  }

  /** A track by id, live or ended. */
  track(id: string): Track | undefined {
    return this.live.find((t) => t.id === id) ?? this.ended.find((t) => t.id === id);
  }

  /**
   * Processes one scan: all detections of one sensor at one time. A scan earlier than the latest one
   * processed (a late report) is reprocessed into the tracks it updates (see reprocess.ts) when it is at
   * most `outOfSequence.maxLagS` late; it neither starts tracks nor counts misses. Later still: an error.
   */
  processScan(sensorId: string, t: number, detections: readonly Detection[]): ScanResult {
    const models = this.sensors.get(sensorId);
    if (!models) throw new Error(`unknown sensor "${sensorId}"`);
    const late = t < this.lastScanT;
    if (late && !(this.lastScanT - t <= this.options.outOfSequence.maxLagS))
      throw new Error(`scan at ${t} is earlier than the previous scan at ${this.lastScanT}`);
    const sensor = models.sensor;
    const base = models.forDetection({ sensorId, t, azimuthRad: 0, elevationRad: 0 });
    const result: ScanResult = {
      updated: [],
      initiated: [],
      confirmed: [],
      deleted: [],
      reprocessed: [],
      late,
    };
    if (late) {
      this.processLateScan(t, detections, sensor, base, result);
      return result;
    }
    this.lastScanT = t;
    const { predictor } = this.parts;
    for (const track of this.live) this.predictTrack(track, track.states.length - 1, t, sensor, base);
    const zs = detections.map((d) => base.vectorOf(d, new Float64Array(base.dim)));
    const claimed = new Uint8Array(detections.length);
    const assigned = this.associate(base, zs, claimed);
    for (const track of [...this.live]) {
      const j = assigned.get(track);
      if (j !== undefined) {
        this.updateTrack(track, detections[j] as Detection, models, base);
        result.updated.push(track.id);
      }
      this.bookkeep(track, j !== undefined, result);
    }
    const dim = predictor.model.dim;
    detections.forEach((d, j) => {
      if (claimed[j]) return;
      const state = this.parts.initiator.initiate(sensor, d, dim);
      if (!state) return;
      const track = this.newTrack(state);
      this.parts.initiator.record(track.window, true);
      result.initiated.push(track.id);
    });
    return result;
  }

  /** GNN association, confirmed tracks first, then tentative ones on what is left; marks `claimed`. */
  private associate(base: MeasurementModel, zs: Float64Array[], claimed: Uint8Array): Map<LiveTrack, number> {
    const { hypothesiser, associator } = this.parts;
    const assigned = new Map<LiveTrack, number>();
    for (const status of ["confirmed", "tentative"] as const) {
      const group = this.live.filter((tr) => tr.status === status && tr.predOk);
      const free = zs.map((_, j) => j).filter((j) => !claimed[j]);
      if (group.length === 0 || free.length === 0) continue;
      const hyps = hypothesiser.hypothesise(
        base,
        group.map((tr) => tr.mp),
        free.map((j) => zs[j] as Float64Array),
      );
      const gate = hypothesiser.threshold(base.dim);
      const assoc = associator.associate(group.length, free.length, hyps, () => gate);
      group.forEach((tr, i) => {
        const k = assoc.detectionOfTrack[i] as number;
        if (k < 0) return;
        const j = free[k] as number;
        claimed[j] = 1;
        assigned.set(tr, j);
      });
    }
    return assigned;
  }

  /**
   * A late scan: each live track is predicted from its last state at or before t, detections are
   * associated as usual, and each track that takes one is re-filtered from there (reprocess.ts).
   */
  private processLateScan(
    t: number,
    detections: readonly Detection[],
    sensor: Sensor,
    base: MeasurementModel,
    result: ScanResult,
  ): void {
    for (const track of this.live) {
      const k = lastStateAtOrBefore(track.states, t);
      if (k < 0) track.predOk = false;
      else this.predictTrack(track, k, t, sensor, base, false);
    }
    const zs = detections.map((d) => base.vectorOf(d, new Float64Array(base.dim)));
    const assigned = this.associate(base, zs, new Uint8Array(detections.length));
    const maxReplay = this.options.outOfSequence.maxReplayStates;
    for (const track of [...this.live]) {
      const j = assigned.get(track);
      if (j === undefined) continue;
      const record: UpdateRecord = {
        detection: detections[j] as Detection,
        useRangeRate: this.usesRangeRate(track),
        accelerationPsd: track.predPsd,
      };
      const viaImm = this.reprocessWithImm(track, record, maxReplay);
      const r = viaImm ?? reprocess(this.reprocessCtx, track.states, record, maxReplay);
      if (!r) continue;
      const rolledBackTo = (track.states[r.from - 1] as TrackState).t;
      track.states.splice(r.from, track.states.length - r.from, ...r.tail);
      if (viaImm) {
        track.imm = viaImm.imm;
        if (!viaImm.imm) track.predPsd = undefined;
      }
      // Snapshots of the replaced states go; those of the replayed ones take their place.
      const kept = track.snapshots.filter((rec) => rec.detection.t <= rolledBackTo);
      for (const rec of track.snapshots) if (rec.detection.t > rolledBackTo) rec.imm = undefined;
      track.snapshots = kept;
      for (const s of r.tail) {
        const rec = this.records.get(s);
        if (rec?.imm) track.snapshots.push(rec);
      }
      while (track.states.length > this.options.maxHistory) track.states.shift();
      track.hits++;
      track.lastUpdateT = Math.max(track.lastUpdateT, t);
      result.reprocessed.push(track.id);
    }
  }

  /**
   * Keeps a copy of the IMM with the update that produced it, so that a late scan that rolls back to it
   * replays through the IMM; copies older than the latest late scan can reach (`maxLagS`) are dropped.
   */
  private keepSnapshot(track: LiveTrack, record: UpdateRecord, imm: ImmState, t: number): void {
    record.imm = cloneImm(imm, false);
    track.snapshots.push(record);
    const oldest = t - this.options.outOfSequence.maxLagS;
    while (track.snapshots.length > 0 && (track.snapshots[0] as UpdateRecord).detection.t < oldest) {
      (track.snapshots.shift() as UpdateRecord).imm = undefined;
    }
  }

  /**
   * Reprocessing through the IMM: from the IMM as it stood after the state rolled back to (its snapshot),
   * each replayed detection is mixed, predicted and updated per mode as it was in order, so a late scan
   * folds into a track under thrust exactly as if it had come in order. Undefined when the state has no
   * snapshot or the limits are exceeded (the single-model replay of reprocess.ts then applies).
   */
  private reprocessWithImm(
    track: LiveTrack,
    late: UpdateRecord,
    maxReplayStates: number,
  ): { from: number; tail: TrackState[]; imm: ImmState | undefined } | undefined {
    const states = track.states;
    const plan = replayPlan(this.reprocessCtx, states, late, maxReplayStates);
    if (!plan) return undefined;
    const { k, replay } = plan;
    const snapshot = this.records.get(states[k] as TrackState)?.imm;
    if (!snapshot) return undefined;
    let imm: ImmState | undefined = cloneImm(snapshot);
    let prior = states[k] as TrackState;
    const tail: TrackState[] = [];
    for (const r of replay) {
      if (imm && this.thrustRuledOut(imm, prior)) imm = undefined;
      let next: TrackState | undefined;
      if (!imm) next = filterStep(this.reprocessCtx, prior, r);
      else {
        const d = r.detection;
        const model = replayModel(this.reprocessCtx, r);
        if (!model) return undefined;
        const last = this.withReentryState(prior);
        if (imm.at !== prior || imm.dim !== last.dim) seedImm(imm, last, prior);
        if (!this.predictModes(imm, d.t)) return undefined;
        const n = imm.dim;
        const x = new Float64Array(n);
        const P = new Float64Array(n * n);
        this.updateModes(imm, model, model.vectorOf(d, new Float64Array(model.dim)), x, P);
        next = { t: d.t, dim: n, x, P, provenance: { kind: "updated", sensorId: d.sensorId } };
        imm.t = d.t;
        imm.at = next;
        this.records.set(next, { ...r, imm: cloneImm(imm, false) });
      }
      if (!next) return undefined;
      tail.push(next);
      prior = next;
    }
    return { from: k + 1, tail, imm };
  }

  private usesRangeRate(track: LiveTrack): boolean {
    return (
      this.options.rangeRate === "always" ||
      (this.options.rangeRate === "confirmed" && track.status === "confirmed")
    );
  }

  /**
   * Predicts a track to the scan time t from its state `from`: through its IMM (the modes mixed, each
   * predicted with its own PSD, the track's prediction their mixture) when `useImm`, else as one model
   * with the PSD of the last IMM prediction (a late scan, replayed that way by reprocess.ts).
   */
  private predictTrack(
    track: LiveTrack,
    from: number,
    t: number,
    sensor: Sensor,
    base: MeasurementModel,
    useImm = true,
  ): void {
    const state = track.states[from] as TrackState;
    const last = this.withReentryState(state);
    if (track.pred.dim !== last.dim) {
      const n = last.dim;
      track.pred = { t, dim: n, x: new Float64Array(n), P: new Float64Array(n * n) };
    }
    track.pred.t = t;
    if (track.imm && this.thrustRuledOut(track.imm, state)) {
      track.imm = undefined;
      track.predPsd = undefined;
    }
    const imm = track.imm;
    if (imm && useImm) {
      if (imm.at !== state || imm.dim !== last.dim) seedImm(imm, last, state);
      track.predOk = this.predictModes(imm, t);
      if (track.predOk) {
        combineInto(
          imm.pred[COAST],
          imm.pred[THRUST],
          imm.cbar[COAST] as number,
          imm.cbar[THRUST] as number,
          imm.dim,
          track.pred,
        );
        track.predPsd =
          (imm.cbar[COAST] as number) * this.options.motion.accelerationPsd +
          (imm.cbar[THRUST] as number) * this.options.manoeuvre.accelerationPsd;
      }
    } else if (!useImm) {
      track.predOk = this.parts.predictor.predictInto(last, t, track.pred.x, track.pred.P, track.predPsd);
    } else {
      track.predOk = this.parts.predictor.predictInto(last, t, track.pred.x, track.pred.P);
    }
    track.predOk = track.predOk && this.parts.updater.predictMeasurement(track.pred, base, track.mp);
    if (!track.predOk) {
      track.visible = false;
      return;
    }
    const z = track.mp.z;
    const range = base.dim >= 3 ? (z[0] as number) : undefined;
    const ai = base.azimuthIndex;
    track.visible = inFieldOfRegard(sensor, range, z[ai] as number, z[ai + 1] as number);
  }

  /**
   * Mixes the IMM's modes and predicts each to t: coast with the model's PSD; thrust with its own PSD,
   * or, when it estimates its acceleration, its track states with the residual PSD and then the
   * acceleration's effect (manoeuvre.ts).
   */
  private predictModes(imm: ImmState, t: number): boolean {
    const o = this.options.manoeuvre;
    const dt = t - imm.t;
    mixModes(imm, dt, o);
    const { predictor } = this.parts;
    const n = imm.dim;
    const coast = imm.mixed[COAST];
    if (
      !predictor.predictInto(
        { t: imm.t, dim: n, x: coast.x, P: coast.P },
        t,
        imm.pred[COAST].x,
        imm.pred[COAST].P,
      )
    )
      return false;
    const mixed = imm.mixed[THRUST];
    const pred = imm.pred[THRUST];
    if (imm.extra === 0)
      return predictor.predictInto(
        { t: imm.t, dim: n, x: mixed.x, P: mixed.P },
        t,
        pred.x,
        pred.P,
        o.accelerationPsd,
      );
    const base = this.thrustBase(n);
    const m = mixed.dim;
    base.x.set(mixed.x.subarray(0, n));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) base.P[i * n + j] = mixed.P[i * m + j] as number;
    if (!predictor.predictInto({ t: imm.t, dim: n, x: base.x, P: base.P }, t, pred.x, pred.P, o.residualPsd))
      return false;
    addAccelerationPrediction(mixed, n, dt, o.jerkPsd, pred);
    return true;
  }

  private readonly thrustBases = new Map<number, { x: Float64Array; P: Float64Array }>();

  /** Scratch for the thrust mode's track-state marginal (dim n). */
  private thrustBase(n: number): { x: Float64Array; P: Float64Array } {
    let b = this.thrustBases.get(n);
    if (!b) {
      b = { x: new Float64Array(n), P: new Float64Array(n * n) };
      this.thrustBases.set(n, b);
    }
    return b;
  }

  /**
   * The state to predict from: a 6-state descending below `reentry.belowM` (with the drag state
   * available) gains 1/β from the re-entry prior; anything else as it is.
   */
  private withReentryState<S extends GaussianState>(s: S): S | GaussianState {
    const o = this.options.reentry;
    if (s.dim !== 6 || o.belowM === 0 || this.options.motion.drag) return s;
    const x = s.x;
    const r2 = (x[0] as number) ** 2 + (x[1] as number) ** 2 + (x[2] as number) ** 2;
    // Cheap rejections first: far above the threshold (the ellipsoid's equatorial radius bounds the
    // geocentric radius of any point at height < belowM), or not surely descending; the geodetic height
    // last.
    if (r2 > (WGS84_A + o.belowM) ** 2) return s;
    if (!knownToDescend(s, o.descentSigmas) || stateHeight(x) >= o.belowM) return s;
    return embedKinematicState(s, o.invBeta, o.invBetaSigma ** 2);
  }

  /**
   * Whether a track's thrust mode has had its day: its probability is below `pruneBelow`, or the track
   * is known to descend (`manoeuvre.dropOnDescent`), which no motor of a ballistic missile or space
   * launcher does while it burns.
   */
  private thrustRuledOut(imm: ImmState, state: GaussianState): boolean {
    const m = this.options.manoeuvre;
    if ((imm.mu[THRUST] as number) < m.pruneBelow) return true;
    return m.dropOnDescent && knownToDescend(state, this.options.reentry.descentSigmas);
  }

  private updateTrack(
    track: LiveTrack,
    detection: Detection,
    models: SensorModels,
    base: MeasurementModel,
  ): void {
    const useRangeRate = this.usesRangeRate(track);
    const full = useRangeRate ? models.forDetection(detection) : base;
    let mp = track.mp;
    if (full !== base) {
      mp = this.scratchMp;
      if (!this.parts.updater.predictMeasurement(track.pred, full, mp)) mp = track.mp;
    }
    const model = mp.model as MeasurementModel;
    const z = model.vectorOf(detection, new Float64Array(model.dim));
    const n = track.pred.dim;
    const x = new Float64Array(n);
    const P = new Float64Array(n * n);
    const imm = track.imm;
    if (imm && imm.dim === n) this.updateModes(imm, model, z, x, P);
    else this.parts.updater.update(track.pred, mp, z, x, P);
    const state: TrackState = {
      t: track.pred.t,
      dim: n,
      x,
      P,
      provenance: { kind: "updated", sensorId: detection.sensorId },
    };
    // Replayable only if replaying it would use the same model (the fallback to `base` would not).
    const record: UpdateRecord = {
      detection,
      useRangeRate: useRangeRate && mp !== track.mp,
      accelerationPsd: track.predPsd,
    };
    this.records.set(state, record);
    this.push(track, state);
    if (imm) {
      imm.t = state.t;
      imm.at = state;
      if (imm.dim === n && this.options.outOfSequence.maxLagS > 0)
        this.keepSnapshot(track, record, imm, state.t);
    }
    track.hits++;
    track.lastUpdateT = track.pred.t;
  }

  /**
   * Updates each IMM mode with z, the mode probabilities with each mode's likelihood, and writes their
   * mixture into xOut / pOut. A mode whose measurement prediction fails keeps its prediction and gets
   * likelihood 0.
   */
  private updateModes(
    imm: ImmState,
    model: MeasurementModel,
    z: Float64Array,
    xOut: Float64Array,
    pOut: Float64Array,
  ): void {
    const { updater } = this.parts;
    const logLik = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const j of [COAST, THRUST]) {
      const pred = imm.pred[j] as (typeof imm.pred)[number];
      const post = imm.post[j] as (typeof imm.post)[number];
      const g = { t: 0, dim: pred.dim, x: pred.x, P: pred.P };
      const mp = this.modeMp[j] as MeasurementPrediction;
      if (!updater.predictMeasurement(g, model, mp)) {
        post.x.set(pred.x);
        post.P.set(pred.P);
        continue;
      }
      logLik[j] = -0.5 * (mahalanobis2(mp, z, this.nisWork) + mp.logDetS);
      updater.update(g, mp, z, post.x, post.P);
    }
    updateModeProbabilities(imm, logLik[COAST] as number, logLik[THRUST] as number);
    const out = { dim: imm.dim, x: xOut, P: pOut };
    combineInto(
      imm.post[COAST],
      imm.post[THRUST],
      imm.mu[COAST] as number,
      imm.mu[THRUST] as number,
      imm.dim,
      out,
    );
  }

  private bookkeep(track: LiveTrack, hit: boolean, result: ScanResult): void {
    const inView = hit || track.visible;
    if (hit) track.consecutiveMisses = 0;
    else if (inView) track.consecutiveMisses++;
    if (track.status === "tentative" && inView) {
      const verdict = this.parts.initiator.record(track.window, hit);
      if (verdict === "confirmed") {
        track.status = "confirmed";
        track.confirmedT = track.pred.t;
        result.confirmed.push(track.id);
      } else if (verdict === "rejected") {
        this.end(track, "not confirmed (M of N)", result);
        return;
      }
    }
    if (!track.predOk) {
      this.end(track, "prediction failed", result);
      return;
    }
    // Tentative tracks too: one that has left every field of regard never meets an in-view miss, so
    // without this it would be predicted from an ever older state for the rest of the run.
    if (!hit) {
      const why = this.parts.deleter.reason(track, track.pred, stateHeight(track.pred.x));
      if (why) this.end(track, track.status === "tentative" ? `tentative: ${why}` : why, result);
    }
  }

  private end(track: LiveTrack, reason: string, result: ScanResult): void {
    track.status = "deleted";
    track.deletedReason = reason;
    const i = this.live.indexOf(track);
    if (i >= 0) this.live.splice(i, 1);
    this.ended.push(track);
    result.deleted.push(track.id);
  }

  private push(track: LiveTrack, state: TrackState): void {
    track.states.push(state);
    if (track.states.length > this.options.maxHistory) track.states.shift();
  }

  private newTrack(state: TrackState): LiveTrack {
    const n = state.dim;
    const track: LiveTrack = {
      id: `T${this.nextId++}`,
      status: "tentative",
      states: [state],
      hits: 1,
      consecutiveMisses: 0,
      lastUpdateT: state.t,
      window: [],
      pred: { t: state.t, dim: n, x: new Float64Array(n), P: new Float64Array(n * n) },
      mp: newMeasurementPrediction(),
      predOk: false,
      visible: false,
      imm:
        this.options.manoeuvre.accelerationPsd > 0
          ? newImmState(
              state,
              this.options.manoeuvre.initialProbability,
              state,
              this.options.manoeuvre.estimateAcceleration ? ACCELERATION_STATES : 0,
              this.options.manoeuvre.accelerationSigma,
            )
          : undefined,
      predPsd: undefined,
      snapshots: [],
    };
    this.live.push(track);
    return track;
  }

  /** Predicts a track's current state to time t (provenance "predicted"); does not change the track. */
  predictState(trackId: string, t: number): TrackState {
    const track = this.track(trackId);
    if (!track) throw new Error(`unknown track "${trackId}"`);
    return this.parts.predictor.predict(track.states[track.states.length - 1] as TrackState, t);
  }

  /**
   * The live confirmed track that best matches a partner's track state: smallest Mahalanobis distance
   * between positions (own and partner covariances summed, their correlation ignored) inside a 3-D
   * chi-square gate at `probability`; undefined if none.
   */
  correlatePartnerTrack(partnerState: GaussianState, probability = 0.9999): string | undefined {
    const gate = chiSquareQuantile(probability, 3);
    const s = new Float64Array(9);
    const l = new Float64Array(9);
    const d = new Float64Array(3);
    let best: string | undefined;
    let bestD2 = gate;
    for (const track of this.live) {
      if (track.status !== "confirmed") continue;
      const own = this.predictState(track.id, partnerState.t);
      const n = own.dim;
      const m = partnerState.dim;
      for (let i = 0; i < 3; i++) {
        d[i] = (partnerState.x[i] as number) - (own.x[i] as number);
        for (let j = 0; j < 3; j++)
          s[i * 3 + j] = (own.P[i * n + j] as number) + (partnerState.P[i * m + j] as number);
      }
      if (!cholesky(s, 3, l)) continue;
      const d2 = mahalanobisFromCholesky(l, d, 3);
      if (d2 < bestD2) {
        bestD2 = d2;
        best = track.id;
      }
    }
    return best;
  }

  /**
   * Fuses a partner's track state into one of our live tracks by covariance intersection, at the later
   * of the two times (the earlier one is predicted forward). Appends and returns the fused state, whose
   * provenance names the partner and its track id.
   */
  fusePartnerTrack(
    trackId: string,
    partnerState: GaussianState,
    partner: string,
    partnerTrackId: string,
  ): TrackState {
    const track = this.live.find((tr) => tr.id === trackId);
    if (!track) throw new Error(`no live track "${trackId}"`);
    const own = track.states[track.states.length - 1] as TrackState;
    const t = Math.max(own.t, partnerState.t);
    // Our track's own dimension: 7 with the drag model, or once it has gained 1/β on re-entry.
    const dim = own.dim;
    if (partnerState.dim !== 6 && partnerState.dim !== 7) {
      throw new Error(`partner state has dimension ${partnerState.dim}, expected 6 or 7`);
    }
    let theirs =
      partnerState.dim === dim
        ? partnerState
        : dim === 7
          ? embedKinematicState(partnerState, own.x[6] as number)
          : kinematicOf(partnerState);
    if (theirs.t !== t) theirs = this.parts.predictor.predict(theirs, t);
    const ours = own.t === t ? own : this.parts.predictor.predict(own, t);
    const fused = this.parts.fuser.fuse(ours, theirs);
    const state: TrackState = {
      t,
      dim,
      x: fused.x,
      P: fused.P,
      provenance: { kind: "fused", partner, partnerTrackId },
    };
    this.push(track, state);
    return state;
  }
}

/** The position–velocity part of a 7-state (drops 1/β). */
function kinematicOf(s: GaussianState): GaussianState {
  const n = s.dim;
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P[i * 6 + j] = s.P[i * n + j] as number;
  return { t: s.t, dim: 6, x: Float64Array.from(s.x.subarray(0, 6)), P };
}

/**
 * Whether a state is known to descend: its radial velocity r̂·v at least `sigmas` standard deviations
 * (r̂ᵀ P_vv r̂, of its own estimate) below zero. A track begun from one radar detection knows only the
 * range rate, so a missile rising towards a radar can look like a descent until the positions of a few
 * scans fix its velocity; the margin keeps such a track from being taken for a descending one.
 */
export function knownToDescend(s: GaussianState, sigmas: number): boolean {
  const x = s.x;
  const n = s.dim;
  const r2 = (x[0] as number) ** 2 + (x[1] as number) ** 2 + (x[2] as number) ** 2;
  const rv =
    (x[0] as number) * (x[3] as number) +
    (x[1] as number) * (x[4] as number) +
    (x[2] as number) * (x[5] as number);
  if (rv >= 0) return false;
  let varRadial = 0;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      varRadial += (x[i] as number) * (x[j] as number) * (s.P[(3 + i) * n + 3 + j] as number);
  return rv / Math.sqrt(r2) + sigmas * Math.sqrt(Math.max(varRadial, 0) / r2) < 0;
}
