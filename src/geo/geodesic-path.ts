/** Points along a WGS-84 geodesic (GeographicLib), e.g. a proxy ground track between two places. */
import geodesic from "geographiclib-geodesic";
import type { LatLon } from "./regions.ts";

const WGS84 = geodesic.Geodesic.WGS84;

/** `count` (≥ 2) points evenly spaced by distance along the geodesic from `from` to `to`, both included. */
export function geodesicPath(from: LatLon, to: LatLon, count: number): LatLon[] {
  if (!Number.isInteger(count) || count < 2) throw new RangeError("count must be an integer ≥ 2");
  const line = WGS84.InverseLine(from.lat, from.lon, to.lat, to.lon);
  const out: LatLon[] = [];
  for (let i = 0; i < count; i++) {
    const p = line.Position((line.s13 * i) / (count - 1));
    const lon = p.lon2 ?? Number.NaN;
    out.push({ lat: p.lat2 ?? Number.NaN, lon: ((((lon + 180) % 360) + 360) % 360) - 180 || lon });
  }
  return out;
}
