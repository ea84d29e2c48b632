/**
 * Adjustable-level process noise (Bar-Shalom, Li & Kirubarajan, "Estimation with Applications to
 * Tracking and Navigation", §11.2): a track whose normalised innovations stay well above their expected
 * value is under a force the coast model lacks (thrust in boost or a later stage burning, a post-boost
 * manoeuvre); while that lasts, it is predicted with a larger acceleration PSD, and back to the coast PSD
 * once the innovations settle. This keeps a track through boost and through the boost-to-coast
 * transition without giving every coast track a pessimistic covariance.
 *
 * The statistic is an exponentially weighted mean of NIS / m (m the measurement dimension; 1 on
 * average for a consistent filter), switched with hysteresis.
 */
import { z } from "zod";

/** Manoeuvre-detection settings (serialisable). */
export const ManoeuvreOptions = z.strictObject({
  /**
   * Acceleration PSD (m²/s³) while a manoeuvre is detected; 0 turns detection off. Thrust is 10–60 m/s²
   * for a ballistic missile's stages; q = 300 lets the velocity wander ~17 m/s in a 1 s revisit.
   */
  accelerationPsd: z.number().min(0).default(300),
  /** Weight of the previous mean in the exponentially weighted NIS / m (memory of ~1/(1 − w) updates). */
  memory: z.number().min(0).lt(1).default(0.7),
  /** Mean NIS / m above which a manoeuvre is declared. */
  onThreshold: z.number().positive().default(3),
  /** Mean NIS / m below which it is declared over. */
  offThreshold: z.number().positive().default(1.5),
});
/** Parsed manoeuvre options. */
export type ManoeuvreOptions = z.infer<typeof ManoeuvreOptions>;

/** Per-track detector state. */
export interface ManoeuvreState {
  /** Weighted mean NIS / m. */
  meanNis: number;
  /** Whether a manoeuvre is declared. */
  active: boolean;
}

/** A fresh detector (no manoeuvre). */
export function newManoeuvreState(): ManoeuvreState {
  return { meanNis: 1, active: false };
}

/** Folds one update's NIS (dimension m) into the detector. */
export function recordNis(s: ManoeuvreState, nis: number, m: number, o: ManoeuvreOptions): void {
  if (o.accelerationPsd === 0) return;
  s.meanNis = o.memory * s.meanNis + (1 - o.memory) * (nis / m);
  if (!s.active && s.meanNis > o.onThreshold) s.active = true;
  else if (s.active && s.meanNis < o.offThreshold) s.active = false;
}

/** The acceleration PSD to predict with: the manoeuvre one while active, else undefined (the model's). */
export function manoeuvrePsd(s: ManoeuvreState, o: ManoeuvreOptions): number | undefined {
  return s.active && o.accelerationPsd > 0 ? o.accelerationPsd : undefined;
}
