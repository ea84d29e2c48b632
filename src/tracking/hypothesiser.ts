/**
 * Hypothesiser: which detections could have come from which tracks. Exact test: squared Mahalanobis
 * distance of the innovation within a chi-square gate. Coarse test first, so a sparse scene costs
 * O((n + m) log(n + m)) rather than n × m: detections are hashed into an azimuth × elevation grid, and
 * each track visits only the cells its gate box covers. The box is exact: inside the gate ellipsoid
 * d² ≤ g, every component obeys |Δz_k| ≤ √(g·S_kk), so the coarse test never drops a gated pair.
 */
import { z } from "zod";
import { chiSquareQuantile } from "./chisquare.ts";
import { mahalanobisFromCholesky } from "./linalg.ts";
import type { MeasurementModel } from "./measurement.ts";
import type { MeasurementPrediction } from "./updater.ts";

/** Gate options (serialisable). */
export const GateOptions = z.strictObject({
  /** Probability that a true detection falls inside the gate. */
  probability: z.number().gt(0).lt(1).default(0.9997),
});
/** Parsed gate options. */
export type GateOptions = z.infer<typeof GateOptions>;

/** A gated track–detection pair with its squared Mahalanobis distance. */
export interface Hypothesis {
  /** Index of the track in the list passed in. */
  readonly track: number;
  /** Index of the detection in the list passed in. */
  readonly detection: number;
  /** Squared Mahalanobis distance of the innovation (the NIS). */
  readonly distance2: number;
}

const MAX_CELLS_PER_TRACK = 256;
const TWO_PI = 2 * Math.PI;

/** Mahalanobis gating with grid-hash coarse gating on predicted (azimuth, elevation). */
export class MahalanobisHypothesiser {
  /** The options in force. */
  readonly options: GateOptions;
  /** Work done by the last `hypothesise` call: pairs box-tested and pairs given the exact test. */
  readonly lastWork = { candidates: 0, exact: 0 };
  private readonly thresholds = new Map<number, number>();
  private readonly residual = new Float64Array(8);

  /** Builds the hypothesiser from (unparsed) options. */
  constructor(options: z.input<typeof GateOptions> = {}) {
    this.options = GateOptions.parse(options);
  }

  /** Gate threshold (chi-square quantile) for a measurement dimension. */
  threshold(dim: number): number {
    let g = this.thresholds.get(dim);
    if (g === undefined) {
      g = chiSquareQuantile(this.options.probability, dim);
      this.thresholds.set(dim, g);
    }
    return g;
  }

  /**
   * All gated pairs between track measurement predictions (all made with the same `model`; undefined
   * entries are skipped) and detection vectors of that model.
   */
  hypothesise(
    model: MeasurementModel,
    predictions: readonly (MeasurementPrediction | undefined)[],
    detections: readonly Float64Array[],
  ): Hypothesis[] {
    const out: Hypothesis[] = [];
    const work = this.lastWork;
    work.candidates = 0;
    work.exact = 0;
    if (detections.length === 0) return out;
    const m = model.dim;
    const g = this.threshold(m);
    const ai = model.azimuthIndex;
    const ei = ai + 1;
    const ri = ai === 1 ? 0 : -1;
    const cell = this.cellSizes(predictions, g, ai, ei);
    const nAz = Math.ceil(TWO_PI / cell.az);
    const grid = new Map<number, number[]>();
    const key = (ia: number, ie: number): number => ia * 4_194_304 + ie;
    const elCell = (el: number): number => Math.floor((el + Math.PI / 2) / cell.el);
    detections.forEach((d, j) => {
      const k = key(Math.floor((d[ai] as number) / cell.az) % nAz, elCell(d[ei] as number));
      const list = grid.get(k);
      if (list) list.push(j);
      else grid.set(k, [j]);
    });
    predictions.forEach((mp, i) => {
      if (!mp) return;
      const az = mp.z[ai] as number;
      const el = mp.z[ei] as number;
      const wAz = Math.sqrt(g * (mp.S[ai * m + ai] as number));
      const wEl = Math.sqrt(g * (mp.S[ei * m + ei] as number));
      const wR = ri >= 0 ? Math.sqrt(g * (mp.S[0] as number)) : 0;
      const visit = (j: number): void => {
        const d = detections[j] as Float64Array;
        work.candidates++;
        if (Math.abs((d[ei] as number) - el) > wEl) return;
        const dAz = (d[ai] as number) - az;
        if (Math.abs(dAz - TWO_PI * Math.round(dAz / TWO_PI)) > wAz) return;
        if (ri >= 0 && Math.abs((d[ri] as number) - (mp.z[ri] as number)) > wR) return;
        work.exact++;
        model.residual(d, mp.z, this.residual);
        const d2 = mahalanobisFromCholesky(mp.L, this.residual, m, this.residual.subarray(4));
        if (d2 <= g) out.push({ track: i, detection: j, distance2: d2 });
      };
      const a0 = Math.floor((az - wAz) / cell.az);
      const a1 = Math.floor((az + wAz) / cell.az);
      const e0 = elCell(el - wEl);
      const e1 = elCell(el + wEl);
      const spanAz = Math.min(a1 - a0 + 1, nAz);
      if (spanAz * (e1 - e0 + 1) > MAX_CELLS_PER_TRACK) {
        for (let j = 0; j < detections.length; j++) visit(j);
        return;
      }
      for (let a = a0; a < a0 + spanAz; a++) {
        const ia = ((a % nAz) + nAz) % nAz;
        for (let e = e0; e <= e1; e++) {
          const list = grid.get(key(ia, e));
          if (list) for (const j of list) visit(j);
        }
      }
    });
    return out;
  }

  /** Grid cell sizes: the median gate half-widths, so a typical track covers a few cells. */
  private cellSizes(
    predictions: readonly (MeasurementPrediction | undefined)[],
    g: number,
    ai: number,
    ei: number,
  ): { az: number; el: number } {
    const az: number[] = [];
    const el: number[] = [];
    for (const mp of predictions) {
      if (!mp?.model) continue;
      const dim = mp.model.dim;
      az.push(Math.sqrt(g * (mp.S[ai * dim + ai] as number)));
      el.push(Math.sqrt(g * (mp.S[ei * dim + ei] as number)));
    }
    const median = (v: number[]): number => {
      v.sort((a, b) => a - b);
      return v[v.length >> 1] ?? 0.01;
    };
    return {
      az: Math.min(Math.max(median(az), 1e-5), Math.PI),
      el: Math.min(Math.max(median(el), 1e-5), Math.PI),
    };
  }
}
