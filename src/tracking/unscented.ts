/**
 * The scaled unscented transform (Julier; Wan & van der Merwe): weights and sigma points.
 * Defaults α = 1, β = 2, κ = 0 keep every weight non-negative except none (λ = 0), which keeps the
 * transformed covariances positive semi-definite for the 6- and 7-state ballistic models.
 */
import { z } from "zod";
import { cholesky } from "./linalg.ts";

/** Unscented transform parameters (serialisable). */
export const UnscentedOptions = z.strictObject({
  alpha: z.number().positive().max(1).default(1),
  beta: z.number().min(0).default(2),
  kappa: z.number().default(0),
});
/** Parsed unscented transform parameters. */
export type UnscentedOptions = z.infer<typeof UnscentedOptions>;

/** Weights of the 2n+1 sigma points and the spread factor √(n+λ). */
export interface UnscentedWeights {
  /** State dimension n. */
  readonly n: number;
  /** Mean weights (2n+1). */
  readonly wm: Float64Array;
  /** Covariance weights (2n+1). */
  readonly wc: Float64Array;
  /** √(n + λ). */
  readonly spread: number;
}

/** Computes the sigma-point weights for dimension n. */
export function unscentedWeights(n: number, options: UnscentedOptions): UnscentedWeights {
  const { alpha, beta, kappa } = options;
  const lambda = alpha * alpha * (n + kappa) - n;
  if (!(n + lambda > 0)) throw new Error(`unscented transform: n + λ must be positive (n=${n}, λ=${lambda})`);
  const wm = new Float64Array(2 * n + 1).fill(1 / (2 * (n + lambda)));
  const wc = Float64Array.from(wm);
  wm[0] = lambda / (n + lambda);
  wc[0] = lambda / (n + lambda) + (1 - alpha * alpha + beta);
  return { n, wm, wc, spread: Math.sqrt(n + lambda) };
}

/**
 * Writes the 2n+1 sigma points of (x, P) as rows of `out` ((2n+1)×n), using `work` (n×n) for the
 * Cholesky factor. Returns false if P is not positive definite.
 */
export function sigmaPoints(
  x: Float64Array,
  P: Float64Array,
  w: UnscentedWeights,
  out: Float64Array,
  work: Float64Array,
): boolean {
  const n = w.n;
  if (!cholesky(P, n, work)) return false;
  for (let j = 0; j < n; j++) out[j] = x[j] as number;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Column i of L is the i-th square-root direction.
      const d = w.spread * (work[j * n + i] as number);
      out[(1 + i) * n + j] = (x[j] as number) + d;
      out[(1 + n + i) * n + j] = (x[j] as number) - d;
    }
  }
  return true;
}
