/**
 * How one estimate bears on one nation: the probability that the impact falls on its land or
 * territorial sea, the probability that the path passes over them (impact included), and which
 * prefectures or provinces lie under the path or near the impact, each with its probability and the
 * times the path is over it.
 *
 * Uncertainty: the impact's 95 % ellipse is sampled on a fixed 7 × 7 grid (ellipseSamples). The path of
 * each sample is the predicted ground track warped linearly so that its end moves with the impact: the
 * point a fraction f of the way from launch to impact moves by f times the impact's offset. So the
 * ellipse's along-track spread lengthens or shortens the path (whether it reaches Japan at all), its
 * cross-track spread swings it sideways, and the uncertainty grows from the launch point outwards.
 */
import type { RegionIndex } from "../geo/regions.ts";
import type { Subdivision } from "../model/region.ts";
import type { WarningEstimate } from "./estimate.ts";
import { distanceKm, type ErrorSample, ellipseSamples, type GeoPoint, offset } from "./geometry.ts";

/** A subdivision with the probability the path (or impact) comes within the buffer, and when. */
export interface AreaProbability {
  subdivision: Subdivision;
  probability: number;
  /** Earliest and latest time (Unix s) any sample path is within the buffer of it. */
  firstT: number;
  lastT: number;
}

/** One estimate's bearing on one nation. */
export interface NationAssessment {
  /** Probability that the impact is on the nation's land or territorial sea. */
  pImpact: number;
  /** Probability that the path (impact included) is over its land or territorial sea. */
  pPath: number;
  /** Subdivisions within the buffer of the impact. */
  impactAreas: AreaProbability[];
  /** Subdivisions within the buffer of the path (impact included). */
  pathAreas: AreaProbability[];
  /** First and last time (Unix s) any sample path is over land or territorial sea; null if none is. */
  crossing: { firstT: number; lastT: number } | null;
}

/** Where to look for one nation, and how far around its land. */
export interface AssessOptions {
  nation: "JPN" | "KOR";
  areaBufferKm: number;
  pathStepKm: number;
}

/** Boxes holding each nation's land and territorial sea (degrees). */
const BOXES = {
  JPN: { south: 20, north: 46.5, west: 122, east: 154.5 },
  KOR: { south: 32.5, north: 39, west: 124, east: 132.5 },
} as const;

function inBox(p: GeoPoint, nation: "JPN" | "KOR", marginDeg: number): boolean {
  const b = BOXES[nation];
  return (
    p.lat >= b.south - marginDeg &&
    p.lat <= b.north + marginDeg &&
    p.lon >= b.west - marginDeg &&
    p.lon <= b.east + marginDeg
  );
}

function sovereign(regions: RegionIndex, p: GeoPoint, nation: string): boolean {
  const r = regions.regionAt(p.lat, p.lon).regions[0];
  return r !== undefined && (r.kind === "land" || r.kind === "territorial-sea") && r.nation === nation;
}

const subKey = (s: Subdivision): string => `${s.code}-${s.area ?? ""}`;
/** Territorial sea (12 NM) plus margins (and the lookup's cell): farther, a point cannot be sovereign. */
const TERRITORIAL_REACH_KM = 30;
/** Cell (degrees) of the memoised proximity lookup; about 5.5 km of latitude. */
const CELL_DEG = 0.05;
/** Half a cell's diagonal (km, at most), added to the radius so the cell's centre answers for all of it. */
const CELL_SLACK_KM = 4;
/** Coarse cell (degrees) that rules out open sea, and half its diagonal (km, at most, with margin). */
const COARSE_DEG = 0.5;
const COARSE_SLACK_KM = 45;

/**
 * Subdivisions of one nation within a buffer of a point, memoised on a 0.05° grid: the proximity query
 * costs up to a millisecond near coasts, and the sampled paths of successive estimates cross the same
 * cells again and again. The radius is widened by half a cell's diagonal (so never too few are named).
 */
export class NearbySubdivisions {
  private readonly cells = new Map<number, { subdivision: Subdivision; distanceKm: number }[]>();
  /** For one region index, nation and buffer. */
  constructor(
    private readonly regions: RegionIndex,
    private readonly nation: "JPN" | "KOR",
    private readonly bufferKm: number,
  ) {}
  private readonly coarse = new Map<number, boolean>();
  /** Subdivisions of the nation within the buffer (plus the cell slack) of p. */
  at(p: GeoPoint): { subdivision: Subdivision; distanceKm: number }[] {
    // Open sea far from the nation (most of a long path) is answered from a coarse grid first.
    const ci = Math.round(p.lat / COARSE_DEG);
    const cj = Math.round(p.lon / COARSE_DEG);
    const ck = ci * 10_000 + cj;
    let any = this.coarse.get(ck);
    if (any === undefined) {
      any = this.regions
        .subdivisionsWithinKm(
          ci * COARSE_DEG,
          cj * COARSE_DEG,
          this.bufferKm + CELL_SLACK_KM + COARSE_SLACK_KM,
        )
        .some((d) => d.subdivision.nation === this.nation);
      this.coarse.set(ck, any);
    }
    if (!any) return [];
    const i = Math.round(p.lat / CELL_DEG);
    const j = Math.round(p.lon / CELL_DEG);
    const k = i * 100_000 + j;
    let v = this.cells.get(k);
    if (!v) {
      v = this.regions
        .subdivisionsWithinKm(i * CELL_DEG, j * CELL_DEG, this.bufferKm + CELL_SLACK_KM)
        .filter((d) => d.subdivision.nation === this.nation);
      this.cells.set(k, v);
    }
    return v;
  }
}
const lerp = (a: GeoPoint, b: GeoPoint, u: number): GeoPoint => ({
  lat: a.lat + u * (b.lat - a.lat),
  lon: a.lon + u * (b.lon - a.lon),
});

/** The ground track with the cumulative fraction of its length at each point. */
function withFractions(e: WarningEstimate): { t: number; lat: number; lon: number; f: number }[] {
  const pts = e.groundTrack;
  const cum = [0];
  for (let i = 1; i < pts.length; i++)
    cum.push((cum[i - 1] as number) + distanceKm(pts[i - 1] as GeoPoint, pts[i] as GeoPoint));
  const total = cum[cum.length - 1] || 1;
  return pts.map((p, i) => ({ ...p, f: (cum[i] as number) / total }));
}

class AreaTally {
  readonly map = new Map<string, AreaProbability>();
  add(s: Subdivision, weight: number, t: number): void {
    const k = subKey(s);
    const a = this.map.get(k);
    if (!a) this.map.set(k, { subdivision: s, probability: weight, firstT: t, lastT: t });
    else {
      a.probability += weight;
      a.firstT = Math.min(a.firstT, t);
      a.lastT = Math.max(a.lastT, t);
    }
  }
  list(): AreaProbability[] {
    return [...this.map.values()]
      .map((a) => ({ ...a, probability: Math.min(1, a.probability) }))
      .sort((x, y) => y.probability - x.probability || x.firstT - y.firstT);
  }
}

/** Samples at the same offset (to the metre) merged: a degenerate ellipse (a line) costs one path per point. */
function distinct(samples: ErrorSample[]): ErrorSample[] {
  const byOffset = new Map<string, ErrorSample>();
  for (const s of samples) {
    const k = `${Math.round(s.east)},${Math.round(s.north)}`;
    const cur = byOffset.get(k);
    if (cur) cur.weight += s.weight;
    else byOffset.set(k, { ...s });
  }
  return [...byOffset.values()];
}

/** Assesses one estimate for one nation (pure; the region index is only read). */
export function assess(
  e: WarningEstimate,
  regions: RegionIndex,
  o: AssessOptions,
  near: NearbySubdivisions = new NearbySubdivisions(regions, o.nation, o.areaBufferKm),
): NationAssessment {
  // An ellipse much smaller than the path step changes nothing the step can see: its centre stands for it.
  const small = e.impact.ellipse95.semiMajorM < (o.pathStepKm * 1000) / 4;
  const samples = small ? [{ east: 0, north: 0, weight: 1 }] : distinct(ellipseSamples(e.impact.ellipse95));
  const track = withFractions(e);
  const margin = o.areaBufferKm / 100 + 0.5;
  let pImpact = 0;
  let pPath = 0;
  let firstT = Number.POSITIVE_INFINITY;
  let lastT = Number.NEGATIVE_INFINITY;
  const impactAreas = new AreaTally();
  const pathAreas = new AreaTally();
  for (const s of samples) {
    const impact = offset(e.impact, s.east, s.north);
    let over = false;
    if (inBox(impact, o.nation, margin)) {
      if (sovereign(regions, impact, o.nation)) {
        pImpact += s.weight;
        over = true;
        firstT = Math.min(firstT, e.impact.t);
        lastT = Math.max(lastT, e.impact.t);
      }
      for (const d of near.at(impact)) impactAreas.add(d.subdivision, s.weight, e.impact.t);
    }
    // Each subdivision counts once per sample path: collect per path, then add the weight.
    const seen = new Map<string, { s: Subdivision; first: number; last: number }>();
    for (let i = 1; i < track.length; i++) {
      const a = track[i - 1] as (typeof track)[number];
      const b = track[i] as (typeof track)[number];
      const pa = offset(a, a.f * s.east, a.f * s.north);
      const pb = offset(b, b.f * s.east, b.f * s.north);
      if (!inBox(pa, o.nation, margin) && !inBox(pb, o.nation, margin)) continue;
      const steps = Math.max(1, Math.ceil(distanceKm(pa, pb) / o.pathStepKm));
      for (let k = i === 1 ? 0 : 1; k <= steps; k++) {
        const u = k / steps;
        const p = lerp(pa, pb, u);
        if (!inBox(p, o.nation, margin)) continue;
        const t = a.t + u * (b.t - a.t);
        let nearLand = false;
        for (const d of near.at(p)) {
          if (d.distanceKm <= TERRITORIAL_REACH_KM) nearLand = true;
          const k2 = subKey(d.subdivision);
          const cur = seen.get(k2);
          if (!cur) seen.set(k2, { s: d.subdivision, first: t, last: t });
          else {
            cur.first = Math.min(cur.first, t);
            cur.last = Math.max(cur.last, t);
          }
        }
        if (nearLand && sovereign(regions, p, o.nation)) {
          over = true;
          firstT = Math.min(firstT, t);
          lastT = Math.max(lastT, t);
        }
      }
    }
    for (const v of seen.values()) {
      pathAreas.add(v.s, s.weight, v.first);
      pathAreas.add(v.s, 0, v.last);
    }
    if (over) pPath += s.weight;
  }
  return {
    pImpact: Math.min(1, pImpact),
    pPath: Math.min(1, pPath),
    impactAreas: impactAreas.list(),
    pathAreas: mergeImpact(pathAreas, impactAreas),
    crossing: Number.isFinite(firstT) ? { firstT, lastT } : null,
  };
}

/** Path areas with the impact's added where a sample's path missed them but its impact did not. */
function mergeImpact(path: AreaTally, impact: AreaTally): AreaProbability[] {
  for (const [k, a] of impact.map) if (!path.map.has(k)) path.map.set(k, { ...a });
  return path.list();
}
