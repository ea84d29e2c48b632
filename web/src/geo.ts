/**
 * Shapes drawn on the map, on a sphere (good to a fraction of a percent at these distances, which is
 * finer than the uncertainties drawn): 95 % ellipses, sensor coverage sectors, trajectories.
 */
const R = 6371.0088e3;
const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** The point at `distM` from [lon, lat] on bearing `bearingDeg` (great circle). */
export function destination(lon: number, lat: number, bearingDeg: number, distM: number): [number, number] {
  const d = distM / R;
  const b = rad(bearingDeg);
  const p1 = rad(lat);
  const l1 = rad(lon);
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 =
    l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [((deg(l2) + 540) % 360) - 180, deg(p2)];
}

/** A closed ring approximating an ellipse (semi-axes in metres, major axis bearing from north). */
export function ellipseRing(
  lon: number,
  lat: number,
  semiMajorM: number,
  semiMinorM: number,
  orientationDeg: number,
  steps = 72,
): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const th = (2 * Math.PI * i) / steps;
    // Point on the ellipse in its own frame, then its bearing and distance from the centre.
    const along = semiMajorM * Math.cos(th);
    const across = semiMinorM * Math.sin(th);
    const dist = Math.hypot(along, across);
    const bearing = orientationDeg + deg(Math.atan2(across, along));
    ring.push(destination(lon, lat, bearing, dist));
  }
  return ring;
}

/** A closed ring for a sensor's coverage: a sector (or a disc when the half-width is 180°). */
export function sectorRing(
  lon: number,
  lat: number,
  rangeM: number,
  centreDeg: number,
  halfWidthDeg: number,
  steps = 48,
): [number, number][] {
  if (halfWidthDeg >= 180) return ellipseRing(lon, lat, rangeM, rangeM, 0, steps);
  const ring: [number, number][] = [[lon, lat]];
  for (let i = 0; i <= steps; i++) {
    const b = centreDeg - halfWidthDeg + (2 * halfWidthDeg * i) / steps;
    ring.push(destination(lon, lat, b, rangeM));
  }
  ring.push([lon, lat]);
  return ring;
}

/** Splits a line where it crosses the antimeridian, so MapLibre does not draw it across the world. */
export function unwrapLine(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let offset = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as [number, number];
    const prev = points[i - 1];
    if (prev) {
      const d = p[0] - prev[0];
      if (d > 180) offset -= 360;
      else if (d < -180) offset += 360;
    }
    out.push([p[0] + offset, p[1]]);
  }
  return out;
}
