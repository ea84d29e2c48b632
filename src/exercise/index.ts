/** Exercises: a scenario replayed through the whole topology, as a COP timeline. */

export { type FusedObject, FusedPicture, type HeldReport } from "../node/picture.ts";
export { loadScenario, loadSensors, loadTrackLabels, scenarioIds } from "./inputs.ts";
export {
  type Exercise,
  type ExerciseOptions,
  type ExerciseProgress,
  type ExerciseTruth,
  runExercise,
  WARNING_NODES,
} from "./run.ts";
export { VARIANTS, type Variant, variantById } from "./variants.ts";
