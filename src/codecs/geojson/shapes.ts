/**
 * Rings drawn on the WGS-84 ellipsoid (GeographicLib geodesics): the 95 % impact ellipse and sensor
 * coverage sectors. Rings come out closed in unwrapped longitude; `splitRing` makes them RFC 7946 rings.
 */
import geodesic from "geographiclib-geodesic";
import type { Position } from "./types.ts";

const WGS84 = geodesic.Geodesic.WGS84;
const DEG = Math.PI / 180;

/** A point on the ground, degrees. */
export interface GroundPoint {
  lat: number;
  lon: number;
}

/** The point `distanceM` along the geodesic from `from` at azimuth `azimuthDeg` (clockwise from north). */
export function destination(from: GroundPoint, azimuthDeg: number, distanceM: number): Position {
  const r = WGS84.Direct(from.lat, from.lon, azimuthDeg, distanceM);
  if (r.lat2 === undefined || r.lon2 === undefined) throw new Error("geodesic Direct returned no point");
  return [r.lon2, r.lat2];
}

/**
 * A closed ring of `vertices` points on an ellipse: semi-axes in metres along geodesics from the
 * centre, major axis at `orientationDeg` from north. Traversed counter-clockwise on the map.
 */
export function ellipseRing(
  centre: GroundPoint,
  ellipse: { semiMajorM: number; semiMinorM: number; orientationDeg: number },
  vertices = 72,
): Position[] {
  const a = ellipse.orientationDeg * DEG;
  // Unit vectors (east, north) along the major axis and 90° clockwise from it.
  const major = [Math.sin(a), Math.cos(a)] as const;
  const minor = [Math.cos(a), -Math.sin(a)] as const;
  const ring: Position[] = [];
  for (let i = 0; i < vertices; i++) {
    const t = (-2 * Math.PI * i) / vertices; // decreasing: from major toward −minor, counter-clockwise
    const p = ellipse.semiMajorM * Math.cos(t);
    const q = ellipse.semiMinorM * Math.sin(t);
    const east = p * major[0] + q * minor[0];
    const north = p * major[1] + q * minor[1];
    ring.push(destination(centre, Math.atan2(east, north) / DEG, Math.hypot(east, north)));
  }
  ring.push([...(ring[0] as Position)] as Position);
  return ring;
}

/**
 * A closed ring covering ground ranges up to `rangeM` from `centre` within the azimuth sector
 * `centreDeg ± halfWidthDeg` (a full circle when the half-width is 180°; otherwise the centre is a vertex).
 */
export function sectorRing(
  centre: GroundPoint,
  rangeM: number,
  centreDeg: number,
  halfWidthDeg: number,
  stepDeg = 5,
): Position[] {
  if (halfWidthDeg >= 180) {
    const n = Math.ceil(360 / stepDeg);
    const ring = Array.from({ length: n }, (_, i) => destination(centre, (-360 * i) / n, rangeM));
    ring.push([...(ring[0] as Position)] as Position);
    return ring;
  }
  const n = Math.max(2, Math.ceil((2 * halfWidthDeg) / stepDeg));
  const arc = Array.from({ length: n + 1 }, (_, i) =>
    destination(centre, centreDeg + halfWidthDeg - (2 * halfWidthDeg * i) / n, rangeM),
  );
  const apex: Position = [centre.lon, centre.lat];
  return [apex, ...arc, [...apex] as Position];
}
