/**
 * Track-to-track fusion by covariance intersection (Julier & Uhlmann 1997): partners share tracks,
 * never raw detections, and the correlation between our track and theirs (common sensors, common
 * process noise, earlier exchanges) is unknown. CI is consistent for any such correlation:
 * P⁻¹ = ω·A⁻¹ + (1 − ω)·B⁻¹, x = P·(ω·A⁻¹·a + (1 − ω)·B⁻¹·b), with ω ∈ [0, 1] chosen to minimise
 * trace(P) or det(P) (golden-section search; both criteria are unimodal in ω).
 */
import { z } from "zod";
import { cholesky, logDetFromCholesky, spdInverse, trace } from "./linalg.ts";
import type { GaussianState } from "./state.ts";

/** Covariance intersection options (serialisable). */
export const CovarianceIntersectionOptions = z.strictObject({
  /** What ω minimises: the trace or the determinant of the fused covariance. */
  criterion: z.enum(["trace", "determinant"]).default("trace"),
});
/** Parsed covariance intersection options. */
export type CovarianceIntersectionOptions = z.infer<typeof CovarianceIntersectionOptions>;

/** A fused mean and covariance with the weight chosen for the first input. */
export interface FusedEstimate {
  /** Fused mean. */
  readonly x: Float64Array;
  /** Fused covariance. */
  readonly P: Float64Array;
  /** Weight ω on the first input. */
  readonly omega: number;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** Covariance intersection of two Gaussian estimates of the same state at the same time. */
export class CovarianceIntersectionFuser {
  /** The options in force. */
  readonly options: CovarianceIntersectionOptions;

  /** Builds the fuser from (unparsed) options. */
  constructor(options: z.input<typeof CovarianceIntersectionOptions> = {}) {
    this.options = CovarianceIntersectionOptions.parse(options);
  }

  /** Fuses a and b (same dim, same time); throws if either covariance is not positive definite. */
  fuse(a: GaussianState, b: GaussianState): FusedEstimate {
    if (a.dim !== b.dim) throw new Error(`cannot fuse states of dimension ${a.dim} and ${b.dim}`);
    if (Math.abs(a.t - b.t) > 1e-6) throw new Error(`cannot fuse states at different times (${a.t}, ${b.t})`);
    const n = a.dim;
    const ai = new Float64Array(n * n);
    const bi = new Float64Array(n * n);
    if (!spdInverse(a.P, n, ai) || !spdInverse(b.P, n, bi))
      throw new Error("fusion input covariance is not SPD");
    const info = new Float64Array(n * n);
    const p = new Float64Array(n * n);
    const l = new Float64Array(n * n);
    const covarianceAt = (w: number): boolean => {
      for (let i = 0; i < n * n; i++) info[i] = w * (ai[i] as number) + (1 - w) * (bi[i] as number);
      return spdInverse(info, n, p, l);
    };
    const cost = (w: number): number => {
      if (!covarianceAt(w)) return Number.POSITIVE_INFINITY;
      if (this.options.criterion === "trace") return trace(p, n);
      cholesky(p, n, l);
      return logDetFromCholesky(l, n);
    };
    let lo = 0;
    let hi = 1;
    let c = hi - GOLDEN * (hi - lo);
    let d = lo + GOLDEN * (hi - lo);
    let fc = cost(c);
    let fd = cost(d);
    for (let it = 0; it < 60 && hi - lo > 1e-9; it++) {
      if (fc < fd) {
        hi = d;
        d = c;
        fd = fc;
        c = hi - GOLDEN * (hi - lo);
        fc = cost(c);
      } else {
        lo = c;
        c = d;
        fc = fd;
        d = lo + GOLDEN * (hi - lo);
        fd = cost(d);
      }
    }
    let omega = 0.5 * (lo + hi);
    // The optimum may sit on the boundary (one estimate dominates): compare with the end points.
    for (const w of [0, 1]) if (cost(w) < cost(omega)) omega = w;
    covarianceAt(omega);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        s += omega * (ai[i * n + j] as number) * (a.x[j] as number);
        s += (1 - omega) * (bi[i * n + j] as number) * (b.x[j] as number);
      }
      y[i] = s;
    }
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (p[i * n + j] as number) * (y[j] as number);
      x[i] = s;
    }
    return { x, P: Float64Array.from(p), omega };
  }
}

/**
 * Embeds a 6-state (kinematic) estimate in the 7-state drag model with an uninformative 1/β
 * (mean `invBeta`, variance `variance`), so a partner without drag can be fused with our 7-state track.
 */
export function embedKinematicState(s: GaussianState, invBeta: number, variance = 1): GaussianState {
  if (s.dim === 7) return s;
  const x = new Float64Array(7);
  x.set(s.x.subarray(0, 6));
  x[6] = invBeta;
  const P = new Float64Array(49);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) P[i * 7 + j] = s.P[i * 6 + j] as number;
  P[48] = variance;
  return { t: s.t, dim: 7, x, P };
}
