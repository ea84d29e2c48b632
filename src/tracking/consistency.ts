/**
 * Filter consistency checks (Bar-Shalom, Li & Kirubarajan §5.4): normalised estimation error squared
 * (NEES) against truth and the chi-square band its average over Monte-Carlo runs should fall in.
 * The normalised innovation squared (NIS) is `mahalanobis2` in updater.ts.
 */

import { mulberry32 } from "../model/random.ts";
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

/** What `correlatedBandCount` found for a grid of averaged NEES values. */
export interface CorrelatedBandCount {
  /** Grid points tested. */
  points: number;
  /**
   * Smallest count of points inside their bands that a consistent filter with this correlation between
   * points reaches with probability above 1 − `alpha` (fewer inside rejects consistency).
   */
  threshold: number;
  /** The same for independent points (binomial), for comparison. */
  binomialThreshold: number;
  /** Effective number of independent points, n² / Σᵢⱼ Rᵢⱼ (R: correlation between the points' averages). */
  effectivePoints: number;
}

/**
 * How many of a grid of run-averaged NEES values a consistent filter keeps inside their per-point bands,
 * allowing for the correlation between grid points. The per-point 95 % band says each average falls
 * outside with probability 5 %; counting the points inside as binomial assumes the points independent.
 * They are not: over a coast with next to no process noise a run's estimation error changes slowly (its
 * NEES at t and at t + 100 s correlate at 0.5–0.8 in the accuracy bench), so the grid's averages rise and
 * fall together and a consistent filter leaves whole stretches outside far more often than 5 % of the
 * time. Here the count's null distribution is drawn instead (a Gaussian copula): each point's
 * standardised average is N(0, 1) and two points correlate as the runs' NEES do, ρᵢⱼ estimated over the
 * runs present at both, times nᵢⱼ/√(nᵢnⱼ) for the runs they share; a point is inside when |z| < z₁₋ₐ/₂.
 *
 * `samples`: one row per run (or run × object) with its NEES at each grid point, NaN where it has none;
 * points with fewer than 2 values are left out. `p` is the per-point band's probability, `alpha` the
 * test's size, `draws` the Monte-Carlo draws (seeded, so the threshold is reproducible).
 */
export function correlatedBandCount(
  samples: readonly ArrayLike<number>[],
  options: { p?: number; alpha?: number; draws?: number; seed?: number } = {},
): CorrelatedBandCount {
  const p = options.p ?? 0.95;
  const alpha = options.alpha ?? 0.05;
  const draws = options.draws ?? 20_000;
  const width = samples.reduce((w, s) => Math.max(w, s.length), 0);
  const cols: number[] = [];
  const count: number[] = [];
  for (let g = 0; g < width; g++) {
    let n = 0;
    for (const s of samples) if (Number.isFinite(s[g] as number)) n++;
    if (n >= 2) {
      cols.push(g);
      count.push(n);
    }
  }
  const m = cols.length;
  const binomialThreshold = binomialLowerCount(m, p, alpha);
  if (m === 0) return { points: 0, threshold: 0, binomialThreshold, effectivePoints: 0 };
  // Correlation between the points' averages.
  const R = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    R[a * m + a] = 1;
    for (let b = a + 1; b < m; b++) {
      const ga = cols[a] as number;
      const gb = cols[b] as number;
      let n = 0;
      let sa = 0;
      let sb = 0;
      for (const s of samples) {
        const va = s[ga] as number;
        const vb = s[gb] as number;
        if (!Number.isFinite(va) || !Number.isFinite(vb)) continue;
        n++;
        sa += va;
        sb += vb;
      }
      let rho = 0;
      if (n >= 3) {
        const ma = sa / n;
        const mb = sb / n;
        let sab = 0;
        let saa = 0;
        let sbb = 0;
        for (const s of samples) {
          const va = s[ga] as number;
          const vb = s[gb] as number;
          if (!Number.isFinite(va) || !Number.isFinite(vb)) continue;
          sab += (va - ma) * (vb - mb);
          saa += (va - ma) ** 2;
          sbb += (vb - mb) ** 2;
        }
        rho =
          saa > 0 && sbb > 0
            ? (sab / Math.sqrt(saa * sbb)) * (n / Math.sqrt((count[a] as number) * (count[b] as number)))
            : 0;
      }
      R[a * m + b] = rho;
      R[b * m + a] = rho;
    }
  }
  let sum = 0;
  for (let i = 0; i < m * m; i++) sum += R[i] as number;
  const effectivePoints = sum > 0 ? Math.min(m, (m * m) / sum) : m;
  // Pairwise estimates need not form a positive definite matrix: shrink towards I until they do.
  const L = new Float64Array(m * m);
  const shrunk = new Float64Array(m * m);
  for (const lambda of [0, 1e-6, 1e-3, 0.01, 0.03, 0.1, 0.3, 1]) {
    for (let i = 0; i < m * m; i++) shrunk[i] = (1 - lambda) * (R[i] as number);
    for (let i = 0; i < m; i++) shrunk[i * m + i] = 1;
    if (cholesky(shrunk, m, L)) break;
  }
  const zLimit = Math.sqrt(chiSquareQuantile(p, 1));
  const random = mulberry32(options.seed ?? 1);
  const u = new Float64Array(m);
  const histogram = new Float64Array(m + 1);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < m; i++) {
      const r = Math.sqrt(-2 * Math.log(1 - random()));
      u[i] = r * Math.cos(2 * Math.PI * random());
    }
    let inside = 0;
    for (let i = 0; i < m; i++) {
      let z = 0;
      for (let k = 0; k <= i; k++) z += (L[i * m + k] as number) * (u[k] as number);
      if (Math.abs(z) < zLimit) inside++;
    }
    histogram[inside] = (histogram[inside] as number) + 1;
  }
  let cdf = 0;
  let threshold = m;
  for (let k = 0; k <= m; k++) {
    if (cdf + (histogram[k] as number) / draws > alpha) {
      threshold = k;
      break;
    }
    cdf += (histogram[k] as number) / draws;
  }
  return { points: m, threshold, binomialThreshold, effectivePoints };
}

/** Smallest k with P(X < k) > alpha for X ~ Binomial(n, p): fewer than k inside rejects. */
export function binomialLowerCount(n: number, p: number, alpha = 0.05): number {
  let cdf = 0;
  let pmf = (1 - p) ** n;
  for (let k = 0; k <= n; k++) {
    if (cdf + pmf > alpha) return k;
    cdf += pmf;
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return n;
}
