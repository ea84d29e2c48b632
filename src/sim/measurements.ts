/**
 * Glue from a flown scenario to a measurements file: scans every sensor over the whole flight window.
 */
import type { MeasurementsFile, Sensor } from "../model/sensing.ts";
import type { ScenarioRun } from "./scenario-run.ts";
import { type SensorRun, simulateDetections, toMeasurementsFile } from "./sensors.ts";

/** Detections of a scenario by a sensor set, as a measurements file plus the delivery-ordered run and truth. */
export function scenarioMeasurements(
  run: ScenarioRun,
  sensors: readonly Sensor[],
  seed: number,
  padS = 10,
): { file: MeasurementsFile; detections: SensorRun } {
  const starts = run.objects.map((o) => o.samples[0]?.t ?? Number.POSITIVE_INFINITY);
  const ends = run.objects.map((o) => o.samples.at(-1)?.t ?? Number.NEGATIVE_INFINITY);
  const detections = simulateDetections(sensors, run.objects, {
    startS: Math.min(...starts) - padS,
    endS: Math.max(...ends) + padS,
    seed,
  });
  return { file: toMeasurementsFile(sensors, detections), detections };
}
