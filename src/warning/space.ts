/**
 * Satellite launches: the launcher's heading projected ahead of it, assessed like a ballistic path.
 *
 * A launcher under power has no stable ballistic impact (its instantaneous impact point races downrange,
 * then it reaches orbit), and J-Alert nonetheless warned the prefectures its path would cross (facts.md
 * §4.1: Okinawa, 2023-05-31 and 2023-11-21). The projected path is the great circle from the vehicle's
 * sub-point along its ground course, `spaceLaunchPathKm` long, timed at the current ground speed. Its
 * uncertainty is the course error: the path's end is spread across the course (a degenerate ellipse, the
 * path's length times the tangent of the course's 95 % angle), and `assess` warps the path linearly from
 * the vehicle outwards, so the spread grows with distance as a course error does.
 */
import type { RegionIndex } from "../geo/regions.ts";
import { assess, type NationAssessment, NearbySubdivisions } from "./assess.ts";
import type { EstimateSeries, SpaceLaunchEstimate, WarningEstimate } from "./estimate.ts";
import type { Evaluation } from "./evaluate.ts";
import type { JapanWarningPolicy } from "./policy.ts";

const R_KM = 6371.0088;
const DEG = Math.PI / 180;
/** The ellipse samples read semi-axes as 95 % of a 2-D normal (√5.991 σ); the spread is given so. */
const SIGMA_95_2D = Math.sqrt(5.991);
const POINTS = 64;

/** The point `km` along the great circle from (lat, lon) at initial course `courseDeg`. */
export function alongGreatCircle(
  lat: number,
  lon: number,
  courseDeg: number,
  km: number,
): { lat: number; lon: number } {
  const d = km / R_KM;
  const p1 = lat * DEG;
  const c = courseDeg * DEG;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(c));
  const l2 =
    lon * DEG +
    Math.atan2(Math.sin(c) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return { lat: p2 / DEG, lon: ((((l2 / DEG + 180) % 360) + 360) % 360) - 180 };
}

/**
 * The launcher's projected path as a warning estimate: ground track from the vehicle ahead, and the
 * path's end standing in the impact's place (it is a horizon, not an impact: the rules never warn of an
 * impact from it).
 */
export function projectedPath(s: SpaceLaunchEstimate, policy: JapanWarningPolicy): WarningEstimate {
  const km = policy.spaceLaunchPathKm;
  const speedKmS = Math.max(s.groundSpeedMps, 100) / 1000;
  const groundTrack = Array.from({ length: POINTS }, (_, i) => {
    const d = (km * i) / (POINTS - 1);
    const p = alongGreatCircle(s.position.lat, s.position.lon, s.courseDeg, d);
    return { t: s.asOfT + d / speedKmS, lat: p.lat, lon: p.lon };
  });
  const end = groundTrack[POINTS - 1] as (typeof groundTrack)[number];
  const sigma = Math.max(s.courseSigmaDeg, policy.spaceLaunchCourseSigmaDeg) * DEG;
  const spreadM = km * 1000 * Math.tan(Math.min(sigma * SIGMA_95_2D, 80 * DEG));
  // A course error moves the path sideways only: a line of samples across the course at the path's end.
  const across = (((s.courseDeg + 90) % 180) + 180) % 180;
  const ellipse95 = { semiMajorM: spreadM, semiMinorM: 0, orientationDeg: across };
  return {
    trackId: s.trackId,
    t: s.t,
    asOfT: s.asOfT,
    trackAgeS: s.trackAgeS,
    launchT: s.launchT,
    impact: { lat: end.lat, lon: end.lon, t: end.t, tSigmaS: 0, ellipse95 },
    groundTrack,
    missileClass: "ICBM",
  };
}

/**
 * The evaluations of a series' space-launch tracks, in time order: at each moment, every track's latest
 * fresh estimate projected and assessed, the one with the highest path probability chosen. A launcher's
 * track is old enough after `minTrackAgeS`; the drift limits do not apply (it is under power by nature).
 */
export function spaceLaunchEvaluations(
  series: EstimateSeries,
  regions: RegionIndex,
  policy: JapanWarningPolicy,
): Evaluation[] {
  const sorted = [...(series.spaceLaunch ?? [])].sort((a, b) => a.t - b.t);
  const near = new NearbySubdivisions(regions, policy.nation, policy.areaBufferKm);
  const opts = { nation: policy.nation, areaBufferKm: policy.areaBufferKm, pathStepKm: policy.pathStepKm };
  const latest = new Map<string, { s: SpaceLaunchEstimate; e: WarningEstimate; a: NationAssessment }>();
  const out: Evaluation[] = [];
  let i = 0;
  while (i < sorted.length) {
    const t = (sorted[i] as SpaceLaunchEstimate).t;
    for (; i < sorted.length && (sorted[i] as SpaceLaunchEstimate).t === t; i++) {
      const s = sorted[i] as SpaceLaunchEstimate;
      const e = projectedPath(s, policy);
      latest.set(s.trackId, { s, e, a: assess(e, regions, opts, near) });
    }
    let best: Evaluation | undefined;
    for (const { s, e, a } of latest.values()) {
      if (t - s.t > policy.staleAfterS) continue;
      if (best && a.pPath <= best.assessment.pPath) continue;
      best = {
        t,
        estimate: e,
        assessment: a,
        driftKmPerS: 0,
        pathQuality: s.trackAgeS >= policy.minTrackAgeS,
        impactQuality: false,
        spaceLaunch: true,
      };
    }
    if (best) out.push(best);
  }
  return out;
}
