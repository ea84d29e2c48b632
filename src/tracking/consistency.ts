/**
 * Filter consistency checks (Bar-Shalom, Li & Kirubarajan §5.4): normalised estimation error squared
 * (NEES) against truth and the chi-square band its average over Monte-Carlo runs should fall in.
 * The normalised innovation squared (NIS) is `mahalanobis2` in updater.ts.
 */

import { chiSquareQuantile } from "./chisquare.ts";
import { cholesky, mahalanobisFromCholesky } from "./linalg.ts";
import type { GaussianState } from "./state.ts";

/** NEES (x − x̂)ᵀ P⁻¹ (x − x̂) of a state against the truth, over the first `dim` components (default all). */
export function nees(state: GaussianState, truth: ArrayLike<number>, dim: number = state.dim): number {
  const n = state.dim;
  const sub = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) sub[i * dim + j] = state.P[i * n + j] as number;
  const l = new Float64Array(dim * dim);
  if (!cholesky(sub, dim, l)) throw new Error("NEES: covariance is not positive definite");
  const e = new Float64Array(dim);
  for (let i = 0; i < dim; i++) e[i] = (truth[i] as number) - (state.x[i] as number);
  return mahalanobisFromCholesky(l, e, dim);
}

/**
 * Two-sided band [lo, hi] at probability p (e.g. 0.95) for the average of `runs` independent
 * chi-square(dim) values: χ²(runs·dim) quantiles divided by runs.
 */
export function averagedChiSquareBand(dim: number, runs: number, p = 0.95): [number, number] {
  const k = dim * runs;
  const a = (1 - p) / 2;
  return [chiSquareQuantile(a, k) / runs, chiSquareQuantile(1 - a, k) / runs];
}
