/**
 * Track deletion: a confirmed track ends when it has missed too many consecutive scans in which it was
 * in view, when its predicted position uncertainty has grown past a limit, when it has coasted too long
 * without an update, or when its prediction is below ground (the object has impacted).
 */
import { z } from "zod";
import type { GaussianState } from "./state.ts";

/** Deleter options (serialisable). */
export const DeleterOptions = z.strictObject({
  /** Consecutive in-view misses that end a confirmed track. */
  maxConsecutiveMisses: z.number().int().positive().default(5),
  /** Largest tolerated position uncertainty √(trace P_pos) (m). */
  maxPositionSigmaM: z.number().positive().default(50_000),
  /** Longest time without an update (s). */
  maxCoastS: z.number().positive().default(300),
  /** A prediction below this height (m) means the object has come down. */
  minHeightM: z.number().default(-2_000),
});
/** Parsed deleter options. */
export type DeleterOptions = z.infer<typeof DeleterOptions>;

/** What the deleter needs to know about a track. */
export interface DeletionFacts {
  /** Consecutive in-view misses. */
  readonly consecutiveMisses: number;
  /** Time of the last update (Unix s). */
  readonly lastUpdateT: number;
}

/** Deletes by misses, covariance growth, coasting time or impact. */
export class MissAndCovarianceDeleter {
  /** The options in force. */
  readonly options: DeleterOptions;

  /** Builds the deleter from (unparsed) options. */
  constructor(options: z.input<typeof DeleterOptions> = {}) {
    this.options = DeleterOptions.parse(options);
  }

  /** The reason to delete a track given its prediction at time `predicted.t`, or undefined to keep it. */
  reason(facts: DeletionFacts, predicted: GaussianState, heightM: number): string | undefined {
    const o = this.options;
    if (facts.consecutiveMisses >= o.maxConsecutiveMisses)
      return `missed ${facts.consecutiveMisses} scans in view`;
    const n = predicted.dim;
    const tr =
      (predicted.P[0] as number) + (predicted.P[n + 1] as number) + (predicted.P[2 * n + 2] as number);
    if (Math.sqrt(tr) > o.maxPositionSigmaM) return `position uncertainty ${Math.round(Math.sqrt(tr))} m`;
    if (predicted.t - facts.lastUpdateT > o.maxCoastS)
      return `no update for ${Math.round(predicted.t - facts.lastUpdateT)} s`;
    if (heightM < o.minHeightM) return "below ground (impacted)";
    return undefined;
  }
}
