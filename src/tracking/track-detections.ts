/**
 * The engine behind `triwatch track --measurements FILE.json --out TRACKS.json`: a pure function from a
 * parsed measurements file to tracks with their estimates. Detections must be in time order; the first
 * one out of order is reported by index. Consecutive detections of one sensor at one time form a scan.
 * The file lists detections only, so a scan that saw nothing leaves no trace: misses are counted only
 * in scans that had at least one detection, and long silences end tracks through the deleter's coasting
 * limit.
 */
import { z } from "zod";
import type { Detection, MeasurementsFile } from "../model/sensing.ts";
import { EstimateOptions, type TrajectoryEstimates, trajectoryEstimates } from "./estimates.ts";
import { type SerialisedState, serialiseState } from "./state.ts";
import { MultiTargetTracker, TrackerOptions, type TrackStatus } from "./tracker.ts";

/** Options of `trackDetections` (serialisable). */
export const TrackDetectionsOptions = z.strictObject({
  tracker: TrackerOptions.prefault({}),
  estimates: EstimateOptions.prefault({}),
  /** Also report tracks that were never confirmed. */
  includeTentative: z.boolean().default(false),
  /** Report every state of each track, not only the last. */
  includeHistory: z.boolean().default(true),
});
/** Parsed options of `trackDetections`. */
export type TrackDetectionsOptions = z.infer<typeof TrackDetectionsOptions>;

/** Stable codes of the errors `trackDetections` throws for bad input. */
export type TrackingErrorCode = "DETECTIONS_OUT_OF_ORDER" | "UNKNOWN_SENSOR" | "DETECTION_INCOMPLETE";

/** An input error with a stable code and the index of the offending detection. */
export class TrackingInputError extends Error {
  /** Stable error code. */
  readonly code: TrackingErrorCode;
  /** Index of the offending detection in the file. */
  readonly index: number;

  /** Builds the error. */
  constructor(code: TrackingErrorCode, index: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TrackingInputError";
    this.code = code;
    this.index = index;
  }
}

/** One reported track. */
export interface TrackReport {
  /** Track id. */
  id: string;
  /** Status at the end of the file. */
  status: TrackStatus;
  /** Time confirmed, when it was. */
  confirmedT?: number;
  /** Why it ended, when it did. */
  deletedReason?: string;
  /** Detections associated. */
  hits: number;
  /** Last state. */
  current: SerialisedState;
  /** All kept states, oldest first (with `includeHistory`). */
  history?: SerialisedState[];
  /** Estimates from the last state (confirmed tracks whose path reaches the ground both ways). */
  estimates?: TrajectoryEstimates;
}

/** The tracks file. */
export interface TracksFile {
  /** Format tag. */
  format: "triwatch-tracks/1";
  /** Tracks in order of creation. */
  tracks: TrackReport[];
}

/** Index of the first detection earlier than its predecessor, or −1. */
export function firstOutOfOrder(detections: readonly Detection[]): number {
  for (let i = 1; i < detections.length; i++) {
    if ((detections[i] as Detection).t < (detections[i - 1] as Detection).t) return i;
  }
  return -1;
}

/** Runs the tracker over a measurements file and reports its tracks. Throws TrackingInputError on bad input. */
export function trackDetections(
  file: MeasurementsFile,
  options: z.input<typeof TrackDetectionsOptions> = {},
): TracksFile {
  const o = TrackDetectionsOptions.parse(options);
  const dets = file.detections;
  const bad = firstOutOfOrder(dets);
  if (bad >= 0) {
    const prev = dets[bad - 1] as Detection;
    const cur = dets[bad] as Detection;
    throw new TrackingInputError(
      "DETECTIONS_OUT_OF_ORDER",
      bad,
      `detection ${bad} (t=${cur.t}) is earlier than detection ${bad - 1} (t=${prev.t}); detections must be in time order`,
    );
  }
  const sensors = new Map(file.sensors.map((s) => [s.id, s]));
  dets.forEach((d, i) => {
    const s = sensors.get(d.sensorId);
    if (!s)
      throw new TrackingInputError(
        "UNKNOWN_SENSOR",
        i,
        `detection ${i} names unknown sensor "${d.sensorId}"`,
      );
    if (s.kind === "radar" && d.rangeM === undefined) {
      throw new TrackingInputError(
        "DETECTION_INCOMPLETE",
        i,
        `detection ${i} from radar "${s.id}" has no range`,
      );
    }
  });
  const tracker = new MultiTargetTracker(file.sensors, o.tracker);
  let start = 0;
  while (start < dets.length) {
    const first = dets[start] as Detection;
    let end = start + 1;
    while (
      end < dets.length &&
      (dets[end] as Detection).t === first.t &&
      (dets[end] as Detection).sensorId === first.sensorId
    )
      end++;
    tracker.processScan(first.sensorId, first.t, dets.slice(start, end));
    start = end;
  }
  const tracks: TrackReport[] = [];
  for (const track of tracker.tracks()) {
    if (track.confirmedT === undefined && !o.includeTentative) continue;
    const last = track.states[track.states.length - 1];
    if (!last) continue;
    const report: TrackReport = {
      id: track.id,
      status: track.status,
      hits: track.hits,
      current: serialiseState(last),
    };
    if (track.confirmedT !== undefined) report.confirmedT = track.confirmedT;
    if (track.deletedReason !== undefined) report.deletedReason = track.deletedReason;
    if (o.includeHistory) report.history = track.states.map(serialiseState);
    if (track.confirmedT !== undefined) {
      const est = trajectoryEstimates(last, o.estimates);
      if (est) report.estimates = est;
    }
    tracks.push(report);
  }
  return { format: "triwatch-tracks/1", tracks };
}
