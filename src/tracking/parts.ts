/**
 * Assembles the tracker's parts from its options: the constructor-argument choice of implementation
 * (EKF or UKF) in one place, no registry.
 */

import { GnnAssociator } from "./associator.ts";
import { type BallisticModelOptions, BallisticMotionModel } from "./ballistic.ts";
import { type DeleterOptions, MissAndCovarianceDeleter } from "./deleter.ts";
import { CovarianceIntersectionFuser, type CovarianceIntersectionOptions } from "./fusion.ts";
import { type GateOptions, MahalanobisHypothesiser } from "./hypothesiser.ts";
import { type InitiatorOptions, MOfNInitiator } from "./initiator.ts";
import {
  ExtendedKalmanPredictor,
  type Predictor,
  StateDimensionPredictor,
  UnscentedKalmanPredictor,
} from "./predictor.ts";
import type { UnscentedOptions } from "./unscented.ts";
import { ExtendedKalmanUpdater, UnscentedKalmanUpdater, type Updater } from "./updater.ts";

/** The settings the parts are built from (a subset of the tracker options). */
export interface PartsOptions {
  /** Filter family. */
  readonly filter: "ekf" | "ukf";
  /** Motion model. */
  readonly motion: BallisticModelOptions;
  /** Unscented transform parameters (UKF). */
  readonly unscented: UnscentedOptions;
  /** Gate. */
  readonly gate: GateOptions;
  /** Initiator. */
  readonly initiator: InitiatorOptions;
  /** Deleter. */
  readonly deleter: DeleterOptions;
  /** Track-to-track fusion. */
  readonly fusion: CovarianceIntersectionOptions;
  /**
   * Re-entry drag state: when `belowM` > 0 and the motion model has no drag state, the predictor also
   * takes 7-states (1/β) for tracks that have gained one on re-entry.
   */
  readonly reentry?: { readonly belowM: number };
}

/** The parts of a tracker. */
export interface TrackerParts {
  /** Motion predictor (EKF or UKF). */
  readonly predictor: Predictor;
  /** Measurement updater (EKF or UKF). */
  readonly updater: Updater;
  /** Gating. */
  readonly hypothesiser: MahalanobisHypothesiser;
  /** Association. */
  readonly associator: GnnAssociator;
  /** Track initiation. */
  readonly initiator: MOfNInitiator;
  /** Track deletion. */
  readonly deleter: MissAndCovarianceDeleter;
  /** Partner-track fusion. */
  readonly fuser: CovarianceIntersectionFuser;
}

/** Builds the parts named by the options. */
export function trackerParts(o: PartsOptions): TrackerParts {
  const ukf = o.filter === "ukf";
  const make = (model: BallisticMotionModel): Predictor =>
    ukf ? new UnscentedKalmanPredictor(model, o.unscented) : new ExtendedKalmanPredictor(model);
  const coast = make(new BallisticMotionModel(o.motion));
  const predictor =
    !o.motion.drag && (o.reentry?.belowM ?? 0) > 0
      ? new StateDimensionPredictor(coast, make(new BallisticMotionModel({ ...o.motion, drag: true })))
      : coast;
  return {
    predictor,
    updater: ukf ? new UnscentedKalmanUpdater(o.unscented) : new ExtendedKalmanUpdater(),
    hypothesiser: new MahalanobisHypothesiser(o.gate),
    associator: new GnnAssociator(),
    initiator: new MOfNInitiator(o.initiator),
    deleter: new MissAndCovarianceDeleter(o.deleter),
    fuser: new CovarianceIntersectionFuser(o.fusion),
  };
}
