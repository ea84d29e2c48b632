/**
 * Track states and where they came from (Stone Soup's StatePrediction vs StateUpdate): each state says
 * whether it was initiated from, predicted, updated by which sensor, or fused from which partner track.
 */

/** Where a state came from. */
export type Provenance =
  | { readonly kind: "initiated"; readonly sensorId: string }
  | { readonly kind: "predicted" }
  | { readonly kind: "updated"; readonly sensorId: string }
  | { readonly kind: "fused"; readonly partner: string; readonly partnerTrackId: string };

/** A Gaussian state at a time: mean x (dim) and covariance P (dim×dim, row-major), ECEF, Unix seconds. */
export interface GaussianState {
  /** Time of validity (Unix seconds). */
  readonly t: number;
  /** State dimension. */
  readonly dim: number;
  /** Mean. */
  readonly x: Float64Array;
  /** Covariance, row-major. */
  readonly P: Float64Array;
}

/** A Gaussian state with its provenance. */
export interface TrackState extends GaussianState {
  /** How this state was produced. */
  readonly provenance: Provenance;
}

/** Makes a track state, copying x and P so later in-place work on buffers cannot change it. */
export function trackState(
  t: number,
  dim: number,
  x: Float64Array,
  P: Float64Array,
  provenance: Provenance,
): TrackState {
  return {
    t,
    dim,
    x: Float64Array.from(x.subarray(0, dim)),
    P: Float64Array.from(P.subarray(0, dim * dim)),
    provenance,
  };
}

/** A state as plain JSON-friendly arrays (for output files). */
export interface SerialisedState {
  /** Time (Unix seconds). */
  t: number;
  /** Mean. */
  x: number[];
  /** Covariance, row-major. */
  P: number[];
  /** How this state was produced. */
  provenance: Provenance;
}

/** Converts a track state to plain arrays. */
export function serialiseState(s: TrackState): SerialisedState {
  return { t: s.t, x: Array.from(s.x), P: Array.from(s.P), provenance: s.provenance };
}
