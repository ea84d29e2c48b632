/**
 * Public surface of the tracker: what src/cli and the warning layer are expected to import.
 * Internals (linear algebra, sigma points, the assignment solver, test fixtures) stay in their files.
 */

export { GnnAssociator } from "./associator.ts";
export { BallisticModelOptions, BallisticMotionModel, stateHeight } from "./ballistic.ts";
export {
  averagedChiSquareBand,
  binomialLowerCount,
  type CorrelatedBandCount,
  correlatedBandCount,
  nees,
} from "./consistency.ts";
export { DeleterOptions, MissAndCovarianceDeleter } from "./deleter.ts";
export {
  EstimateOptions,
  ellipse95,
  energyRange,
  type GroundPointEstimate,
  type MissileClass,
  missileClass,
  type TrajectoryEstimates,
  trajectoryEstimates,
} from "./estimates.ts";
export { CovarianceIntersectionFuser, CovarianceIntersectionOptions } from "./fusion.ts";
export { GateOptions, type Hypothesis, MahalanobisHypothesiser } from "./hypothesiser.ts";
export { InitiatorOptions, MOfNInitiator } from "./initiator.ts";
export { ManoeuvreOptions } from "./manoeuvre.ts";
export {
  LineOfSightMeasurementModel,
  type MeasurementModel,
  RadarMeasurementModel,
  wrapToPi,
} from "./measurement.ts";
export { ExtendedKalmanPredictor, type Predictor, UnscentedKalmanPredictor } from "./predictor.ts";
export { OutOfSequenceOptions } from "./reprocess.ts";
export type { GaussianState, Provenance, SerialisedState, TrackState } from "./state.ts";
export {
  firstOutOfOrder,
  TrackDetectionsOptions,
  TrackingInputError,
  type TrackReport,
  type TracksFile,
  trackDetections,
} from "./track-detections.ts";
export {
  MultiTargetTracker,
  type ScanResult,
  type Track,
  TrackerOptions,
  type TrackStatus,
} from "./tracker.ts";
export { ExtendedKalmanUpdater, mahalanobis2, UnscentedKalmanUpdater, type Updater } from "./updater.ts";
