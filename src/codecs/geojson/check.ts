/**
 * Checks what the GeoJSON schema does not: positions in range (longitude −180…180, latitude −90…90,
 * finite), rings closed with at least four positions, exteriors counter-clockwise and holes clockwise
 * (RFC 7946 §3.1.6), and no segment jumping across the antimeridian (§3.1.9: such lines are split).
 * Swapped longitude/latitude show up as latitudes out of range wherever |longitude| > 90.
 */

import type { FeatureCollection, Geometry, Position } from "./types.ts";
import { signedArea2 } from "./winding.ts";

/** Result of `checkGeoJson`: every problem found, with a JSON path. */
export type GeoJsonCheck = { ok: true } | { ok: false; problems: string[] };

function checkPosition(p: Position, path: string, out: string[]): void {
  if (p.length < 2 || p.length > 3 || !p.every(Number.isFinite))
    out.push(`${path}: not 2 or 3 finite numbers`);
  else if (p[0] < -180 || p[0] > 180) out.push(`${path}: longitude ${p[0]} outside [-180, 180]`);
  else if (p[1] < -90 || p[1] > 90)
    out.push(`${path}: latitude ${p[1]} outside [-90, 90] (swapped lon/lat?)`);
}

function checkLine(line: readonly Position[], path: string, out: string[], minLength: number): void {
  if (line.length < minLength) out.push(`${path}: fewer than ${minLength} positions`);
  line.forEach((p, i) => {
    checkPosition(p, `${path}[${i}]`, out);
    const q = line[i - 1];
    if (q !== undefined && Math.abs(p[0] - q[0]) > 180)
      out.push(`${path}[${i}]: segment crosses the antimeridian (split it, RFC 7946 §3.1.9)`);
  });
}

function checkPolygon(rings: readonly Position[][], path: string, out: string[]): void {
  if (rings.length === 0) out.push(`${path}: no rings`);
  rings.forEach((ring, r) => {
    const at = `${path}[${r}]`;
    checkLine(ring, at, out, 4);
    const a = ring[0];
    const b = ring[ring.length - 1];
    if (a === undefined || b === undefined || a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2])
      out.push(`${at}: ring not closed`);
    const area = signedArea2(ring);
    if (r === 0 && !(area > 0)) out.push(`${at}: exterior ring is not counter-clockwise`);
    if (r > 0 && !(area < 0)) out.push(`${at}: hole is not clockwise`);
  });
}

function checkGeometry(g: Geometry, path: string, out: string[]): void {
  const at = `${path}.coordinates`;
  if (g.type === "Point") checkPosition(g.coordinates, at, out);
  else if (g.type === "LineString") checkLine(g.coordinates, at, out, 2);
  else if (g.type === "MultiLineString")
    for (const [i, l] of g.coordinates.entries()) checkLine(l, `${at}[${i}]`, out, 2);
  else if (g.type === "Polygon") checkPolygon(g.coordinates, at, out);
  else for (const [i, p] of g.coordinates.entries()) checkPolygon(p, `${at}[${i}]`, out);
}

/** Checks a FeatureCollection for what the schema cannot see; returns every problem found. */
export function checkGeoJson(fc: FeatureCollection): GeoJsonCheck {
  const problems: string[] = [];
  fc.features.forEach((f, i) => {
    if (f.geometry !== null) checkGeometry(f.geometry, `$.features[${i}].geometry`, problems);
  });
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
