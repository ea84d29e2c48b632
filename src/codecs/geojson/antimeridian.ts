/**
 * Antimeridian cutting (RFC 7946 §3.1.9): a line or ring that crosses ±180° is split into parts that
 * each stay within [−180, 180], meeting at the antimeridian. Work is done on "unwrapped" longitudes
 * (each step shorter than 180°, so values may leave [−180, 180]), then cut at 180° + k·360°. Crossing
 * points are interpolated linearly in longitude/latitude (and altitude), as RFC 7946 suggests.
 */

import type { Position } from "./types.ts";
import { orientRing, signedArea2 } from "./winding.ts";

/** Longitude wrapped into [−180, 180), keeping exactly 180 as 180. */
export function wrapLon(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon;
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

function with0(p: Position, lon: number): Position {
  const q = [...p] as Position;
  q[0] = lon;
  return q;
}

/** Positions with longitudes made continuous (every step under 180°), the first kept where it is. */
export function unwrap(line: readonly Position[]): Position[] {
  const out: Position[] = [];
  let prevRaw = 0;
  let prev = 0;
  for (const [i, p] of line.entries()) {
    let lon = p[0];
    if (i > 0) {
      let d = (p[0] - prevRaw) % 360;
      if (d > 180) d -= 360;
      else if (d < -180) d += 360;
      lon = prev + d;
    }
    prevRaw = p[0];
    prev = lon;
    out.push(with0(p, lon));
  }
  return out;
}

/** The point at fraction t from a to b, with longitude set exactly to `lon`. */
function between(a: Position, b: Position, t: number, lon: number): Position {
  const q = a.map((v, i) => v + ((b[i] ?? v) - v) * t) as Position;
  q[0] = lon;
  return q;
}

/** Meridians 180 + 360k met going from a to b: [a, b) eastward, (b, a] westward, in order of travel. */
function meridiansMet(a: number, b: number): number[] {
  const out: number[] = [];
  // (a − 180) / 360 can round across an integer; the guards keep m on the travelled side of a.
  if (b > a) {
    let m = 180 + 360 * Math.ceil((a - 180) / 360);
    if (m < a) m += 360;
    for (; m < b; m += 360) out.push(m);
  } else if (b < a) {
    let m = 180 + 360 * Math.floor((a - 180) / 360);
    if (m > a) m -= 360;
    for (; m > b; m -= 360) out.push(m);
  }
  return out;
}

function dedupe(line: readonly Position[]): Position[] {
  return line.filter((p, i) => {
    const q = line[i - 1];
    return q === undefined || q[0] !== p[0] || q[1] !== p[1];
  });
}

/** Shifts a part lying between two consecutive antimeridians into [−180, 180]. */
function shiftIntoRange(part: Position[]): Position[] {
  const hi = Math.max(...part.map((p) => p[0]));
  const k = Math.ceil((hi - 180) / 360);
  return k === 0 ? part : part.map((p) => with0(p, p[0] - 360 * k));
}

/** A line cut at the antimeridian: one part if it does not cross it, more if it does. */
export function splitLine(line: readonly Position[]): Position[][] {
  const u = unwrap(line);
  const first = u[0];
  if (first === undefined) return [];
  const parts: Position[][] = [];
  let current: Position[] = [first];
  for (let i = 1; i < u.length; i++) {
    const a = u[i - 1] as Position;
    const b = u[i] as Position;
    for (const m of meridiansMet(a[0], b[0])) {
      const x = between(a, b, (m - a[0]) / (b[0] - a[0]), m);
      current.push(x);
      parts.push(current);
      current = [x];
    }
    current.push(b);
  }
  parts.push(current);
  return parts
    .map(dedupe)
    .filter((p) => p.length >= 2)
    .map(shiftIntoRange);
}

/** Sutherland–Hodgman clip of an open ring to one side of the meridian `lon`. */
function clipRing(ring: readonly Position[], lon: number, keepWest: boolean): Position[] {
  const inside = (p: Position) => (keepWest ? p[0] <= lon : p[0] >= lon);
  const out: Position[] = [];
  for (const [i, cur] of ring.entries()) {
    const prev = ring[(i + ring.length - 1) % ring.length] as Position;
    const cross = () => between(prev, cur, (lon - prev[0]) / (cur[0] - prev[0]), lon);
    if (inside(cur)) {
      if (!inside(prev)) out.push(cross());
      out.push(cur);
    } else if (inside(prev)) out.push(cross());
  }
  return out;
}

function closeRing(open: readonly Position[]): Position[] | undefined {
  const ring = dedupe(open);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first === undefined || last === undefined) return undefined;
  if (first[0] === last[0] && first[1] === last[1]) ring.pop();
  if (ring.length < 3) return undefined;
  const closed = [...ring, [...first] as Position];
  return signedArea2(closed) === 0 ? undefined : closed;
}

/**
 * A closed ring cut at the antimeridian into closed counter-clockwise rings, one per polygon. A ring
 * that winds once round a pole (its unwrapped longitudes drift by 360°) encloses that pole: it is
 * closed along the pole's latitude. `pole` says which (+1 north, −1 south); by default the hemisphere
 * of the ring's mean latitude.
 */
export function splitRing(ring: readonly Position[], pole?: 1 | -1): Position[][] {
  const u = unwrap(ring);
  const first = u[0];
  const last = u[u.length - 1];
  if (first === undefined || last === undefined) return [];
  const open = u.slice(0, -1);
  if (Math.abs(last[0] - first[0]) > 180) {
    // Winds round a pole: follow the ring to its unwrapped end, go to the pole, back along it, down.
    const side = pole ?? (u.reduce((s, p) => s + p[1], 0) >= 0 ? 1 : -1);
    // Along the pole in steps of at most 90°, so that no segment, once cut, spans more than 180°.
    const steps = Math.ceil(Math.abs(last[0] - first[0]) / 90);
    open.push(last);
    for (let i = 0; i <= steps; i++) open.push([last[0] + ((first[0] - last[0]) * i) / steps, 90 * side]);
  }
  const lo = Math.min(...open.map((p) => p[0]));
  const k = Math.floor((lo + 180) / 360);
  const shifted = k === 0 ? open : open.map((p) => with0(p, p[0] - 360 * k));
  const hi = Math.max(...shifted.map((p) => p[0]));
  const pieces =
    hi <= 180
      ? [shifted]
      : [clipRing(shifted, 180, true), clipRing(shifted, 180, false).map((p) => with0(p, p[0] - 360))];
  return pieces.flatMap((p) => {
    const closed = closeRing(p);
    return closed ? [orientRing(closed, true)] : [];
  });
}
