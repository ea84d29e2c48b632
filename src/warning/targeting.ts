/**
 * J-Alert's practice width (policy `targetWidthKm`): the prefectures within a distance of the predicted
 * path still ahead, named besides those under the path. The nominal ground track is stepped near Japan
 * only, and the proximity query is memoised on a coarse grid (a wide radius costs a millisecond or more
 * per query, and successive estimates of one track cross the same cells).
 */
import type { RegionIndex } from "../geo/regions.ts";
import type { Subdivision } from "../model/region.ts";
import type { AreaProbability } from "./assess.ts";
import type { WarningEstimate } from "./estimate.ts";
import { distanceKm, type GeoPoint } from "./geometry.ts";

/** Cell (degrees) of the memo, and half its diagonal (km, at most) added to the radius. */
const CELL_DEG = 0.25;
const CELL_SLACK_KM = 20;

/** Prefectures of one nation within a fixed width of predicted paths. */
export class TargetBand {
  private readonly cells = new Map<number, { subdivision: Subdivision; distanceKm: number }[]>();
  /** For one region index, nation and width (km). */
  constructor(
    private readonly regions: RegionIndex,
    private readonly nation: "JPN" | "KOR",
    private readonly widthKm: number,
  ) {}

  private near(p: GeoPoint): { subdivision: Subdivision; distanceKm: number }[] {
    const i = Math.round(p.lat / CELL_DEG);
    const j = Math.round(p.lon / CELL_DEG);
    const k = i * 10_000 + j;
    let v = this.cells.get(k);
    if (!v) {
      v = this.regions
        .subdivisionsWithinKm(i * CELL_DEG, j * CELL_DEG, this.widthKm + CELL_SLACK_KM)
        .filter((d) => d.subdivision.nation === this.nation);
      this.cells.set(k, v);
    }
    return v;
  }

  /**
   * Subdivisions within the width (plus at most the cell slack) of the estimate's ground track from time
   * `fromT` on, stepped every `stepKm` where `inBox` holds; each with the first and last time the path is
   * that close. Probability 1: they are named by rule, not by chance.
   */
  around(e: WarningEstimate, fromT: number, inBox: (p: GeoPoint) => boolean, stepKm = 10): AreaProbability[] {
    const out = new Map<string, AreaProbability>();
    const track = e.groundTrack;
    for (let i = 1; i < track.length; i++) {
      const a = track[i - 1] as (typeof track)[number];
      const b = track[i] as (typeof track)[number];
      if (b.t < fromT || (!inBox(a) && !inBox(b))) continue;
      const steps = Math.max(1, Math.ceil(distanceKm(a, b) / stepKm));
      for (let k = 0; k <= steps; k++) {
        const u = k / steps;
        const t = a.t + u * (b.t - a.t);
        const p = { lat: a.lat + u * (b.lat - a.lat), lon: a.lon + u * (b.lon - a.lon) };
        if (t < fromT || !inBox(p)) continue;
        for (const d of this.near(p)) {
          const key = `${d.subdivision.code}-${d.subdivision.area ?? ""}`;
          const cur = out.get(key);
          if (!cur) out.set(key, { subdivision: d.subdivision, probability: 1, firstT: t, lastT: t });
          else cur.lastT = t;
        }
      }
    }
    return [...out.values()].sort((x, y) => x.firstT - y.firstT);
  }
}
