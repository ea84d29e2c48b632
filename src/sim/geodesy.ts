/**
 * Ellipsoidal (WGS-84) distances and azimuths through GeographicLib (Karney's algorithms, accurate to
 * nanometres), used for ground range, headings and aim points.
 */
import geodesic from "geographiclib-geodesic";

const WGS84 = geodesic.Geodesic.WGS84;

/** A point on the ellipsoid surface (degrees). */
export interface LatLon {
  latDeg: number;
  lonDeg: number;
}

/** Geodesic distance (m) and forward azimuth (degrees clockwise from north, in [0, 360)) from a to b. */
export function inverseGeodesic(a: LatLon, b: LatLon): { distanceM: number; azimuthDeg: number } {
  const r = WGS84.Inverse(a.latDeg, a.lonDeg, b.latDeg, b.lonDeg);
  const s12 = r.s12 ?? Number.NaN;
  const azi = r.azi1 ?? Number.NaN;
  return { distanceM: s12, azimuthDeg: ((azi % 360) + 360) % 360 };
}

/** The point reached by travelling `distanceM` along the geodesic from `a` at azimuth `azimuthDeg`. */
export function directGeodesic(a: LatLon, azimuthDeg: number, distanceM: number): LatLon {
  const r = WGS84.Direct(a.latDeg, a.lonDeg, azimuthDeg, distanceM);
  if (r.lat2 === undefined || r.lon2 === undefined) throw new Error("geodesic Direct returned no point");
  return { latDeg: r.lat2, lonDeg: ((((r.lon2 + 180) % 360) + 360) % 360) - 180 };
}
