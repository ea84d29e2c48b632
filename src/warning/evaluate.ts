/**
 * The evaluation loop shared by both nations: at each moment a new estimate arrives, take every track's
 * latest fresh estimate, assess it for the nation, and pick the one that matters most (highest path
 * probability, then impact probability). Each evaluation says whether the driving track is good enough
 * for a path warning and for an impact warning (age, and how fast its predicted impact still moves).
 */
import type { RegionIndex } from "../geo/regions.ts";
import { assess, type NationAssessment, NearbySubdivisions } from "./assess.ts";
import type { EstimateSeries, WarningEstimate } from "./estimate.ts";
import { distanceKm } from "./geometry.ts";
import type { WarningPolicy } from "./policy.ts";

/** One evaluation of the driving track. */
export interface Evaluation {
  t: number;
  estimate: WarningEstimate;
  assessment: NationAssessment;
  /** Speed (km/s) of the predicted impact since the track's previous estimate; Infinity for its first. */
  driftKmPerS: number;
  /** Track old and settled enough for a path (launch) warning. */
  pathQuality: boolean;
  /** Track old and settled enough for an impact warning. */
  impactQuality: boolean;
  /** A satellite launcher's projected path (space.ts), not a ballistic prediction. */
  spaceLaunch?: boolean;
}

/** Runs the assessments over a series; calls `step` per evaluation, in time order. */
export function evaluateSeries(
  series: EstimateSeries,
  regions: RegionIndex,
  policy: WarningPolicy,
  step: (ev: Evaluation) => void,
): Evaluation | undefined {
  const sorted = [...series.estimates].sort((a, b) => a.t - b.t);
  const latest = new Map<string, { cur: WarningEstimate; drift: number }>();
  const cache = new Map<WarningEstimate, NationAssessment>();
  const opts = { nation: policy.nation, areaBufferKm: policy.areaBufferKm, pathStepKm: policy.pathStepKm };
  const near = new NearbySubdivisions(regions, policy.nation, policy.areaBufferKm);
  const assessed = (e: WarningEstimate): NationAssessment => {
    let a = cache.get(e);
    if (!a) {
      a = assess(e, regions, opts, near);
      cache.set(e, a);
    }
    return a;
  };
  let last: Evaluation | undefined;
  let i = 0;
  while (i < sorted.length) {
    const t = (sorted[i] as WarningEstimate).t;
    for (; i < sorted.length && (sorted[i] as WarningEstimate).t === t; i++) {
      const e = sorted[i] as WarningEstimate;
      const prev = latest.get(e.trackId)?.cur;
      const dt = prev ? e.t - prev.t : 0;
      const drift = prev && dt > 0 ? distanceKm(prev.impact, e.impact) / dt : Number.POSITIVE_INFINITY;
      latest.set(e.trackId, { cur: e, drift });
    }
    let best: Evaluation | undefined;
    for (const { cur, drift } of latest.values()) {
      if (t - cur.t > policy.staleAfterS) continue;
      const a = assessed(cur);
      const better =
        !best ||
        a.pPath > best.assessment.pPath ||
        (a.pPath === best.assessment.pPath && a.pImpact > best.assessment.pImpact);
      if (better)
        best = {
          t,
          estimate: cur,
          assessment: a,
          driftKmPerS: drift,
          pathQuality: cur.trackAgeS >= policy.minTrackAgeS && drift <= policy.maxPathDriftKmPerS,
          impactQuality: cur.trackAgeS >= policy.minImpactTrackAgeS && drift <= policy.maxImpactDriftKmPerS,
        };
    }
    if (best) {
      step(best);
      last = best;
    }
  }
  return last;
}
