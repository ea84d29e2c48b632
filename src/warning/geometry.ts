/**
 * Small-distance geometry on the sphere for the warning rules: offsets in metres east/north, the
 * deterministic sample grid over a 95 % ellipse, and polygons for CAP areas. Offsets of a few hundred
 * kilometres use the local tangent plane; errors of a few per cent are far below the ellipse sizes.
 */
import type { AlertPoint } from "../model/alert.ts";

/** A closed ring of points (CAP polygon). */
export type Ring = AlertPoint[];

import type { WarningEllipse } from "./estimate.ts";

const R = 6_371_008.8;
const DEG = Math.PI / 180;
/** Chi-square 95 % quantile for 2 degrees of freedom (ellipse semi-axis = √5.991 σ). */
const CHI2_95_2D = 5.991;

/** A point (degrees). */
export interface GeoPoint {
  lat: number;
  lon: number;
}

/** The point `east`, `north` metres from p. */
export function offset(p: GeoPoint, east: number, north: number): GeoPoint {
  const lat = p.lat + north / R / DEG;
  const lon = p.lon + east / (R * Math.cos(p.lat * DEG)) / DEG;
  return { lat, lon: ((((lon + 180) % 360) + 360) % 360) - 180 };
}

/** Great-circle distance (km). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const h =
    Math.sin(((b.lat - a.lat) * DEG) / 2) ** 2 +
    Math.cos(a.lat * DEG) * Math.cos(b.lat * DEG) * Math.sin(((b.lon - a.lon) * DEG) / 2) ** 2;
  return (2 * R * Math.asin(Math.min(1, Math.sqrt(h)))) / 1000;
}

/** A sample of the impact error: offset (m east, m north) and its probability weight. */
export interface ErrorSample {
  east: number;
  north: number;
  weight: number;
}

// A 7 × 7 grid at −3…3 σ along each principal axis, weighted by the normal density: deterministic, so
// the same estimate always gives the same probability (no seed, no flapping from sampling noise).
const NODES = [-3, -2, -1, 0, 1, 2, 3];
const NODE_W = NODES.map((k) => Math.exp((-k * k) / 2));
const NODE_SUM = NODE_W.reduce((s, w) => s + w, 0);

/** The 49 weighted samples of a 95 % ellipse (weights sum to 1; the centre is index 24). */
export function ellipseSamples(e: WarningEllipse): ErrorSample[] {
  const sMaj = e.semiMajorM / Math.sqrt(CHI2_95_2D);
  const sMin = e.semiMinorM / Math.sqrt(CHI2_95_2D);
  const az = e.orientationDeg * DEG;
  const major = [Math.sin(az), Math.cos(az)] as const;
  const minor = [Math.cos(az), -Math.sin(az)] as const;
  const out: ErrorSample[] = [];
  NODES.forEach((a, i) => {
    NODES.forEach((b, j) => {
      out.push({
        east: a * sMaj * major[0] + b * sMin * minor[0],
        north: a * sMaj * major[1] + b * sMin * minor[1],
        weight: ((NODE_W[i] as number) * (NODE_W[j] as number)) / (NODE_SUM * NODE_SUM),
      });
    });
  });
  return out;
}

/** A CAP ring (closed, seven decimals) around a 95 % ellipse, with `n` vertices. */
export function ellipseRing(centre: GeoPoint, e: WarningEllipse, n = 24, minSemiAxisM = 1000): Ring {
  const a = Math.max(e.semiMajorM, minSemiAxisM);
  const b = Math.max(e.semiMinorM, minSemiAxisM);
  const az = e.orientationDeg * DEG;
  const pts: AlertPoint[] = [];
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n;
    const u = a * Math.cos(th);
    const v = b * Math.sin(th);
    pts.push(
      capPoint(offset(centre, u * Math.sin(az) + v * Math.cos(az), u * Math.cos(az) - v * Math.sin(az))),
    );
  }
  pts.push(pts[0] as AlertPoint);
  return pts;
}

/** A CAP ring around a polyline: a corridor `halfWidthKm` either side; undefined for fewer than 2 points. */
export function corridorRing(line: readonly GeoPoint[], halfWidthKm: number): Ring | undefined {
  if (line.length < 2) return undefined;
  const left: AlertPoint[] = [];
  const right: AlertPoint[] = [];
  line.forEach((p, i) => {
    const a = line[Math.max(0, i - 1)] as GeoPoint;
    const b = line[Math.min(line.length - 1, i + 1)] as GeoPoint;
    const e = (b.lon - a.lon) * Math.cos(p.lat * DEG);
    const n = b.lat - a.lat;
    const len = Math.hypot(e, n) || 1;
    const w = halfWidthKm * 1000;
    // Left normal of (e, n) is (−n, e).
    left.push(capPoint(offset(p, (-n / len) * w, (e / len) * w)));
    right.push(capPoint(offset(p, (n / len) * w, (-e / len) * w)));
  });
  const ring = [...left, ...right.reverse()];
  ring.push(ring[0] as AlertPoint);
  return ring;
}

/** Rounds to the seven decimals CAP polygons carry. */
export function capPoint(p: GeoPoint): AlertPoint {
  return { lat: Math.round(p.lat * 1e7) / 1e7, lon: Math.round(p.lon * 1e7) / 1e7 };
}
