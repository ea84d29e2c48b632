/** Ring orientation in the longitude/latitude plane, as RFC 7946 §3.1.6 and common checkers read it. */
import type { Position } from "./types.ts";

/** Twice the signed planar area of a closed ring (shoelace): positive when counter-clockwise. */
export function signedArea2(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1] as Position;
    const b = ring[i] as Position;
    sum += (a[0] - b[0]) * (a[1] + b[1]);
  }
  return sum;
}

/** The ring with the orientation asked for (a new array; the input is not changed). */
export function orientRing(ring: readonly Position[], counterClockwise: boolean): Position[] {
  const ccw = signedArea2(ring) > 0;
  return ccw === counterClockwise ? [...ring] : [...ring].reverse();
}

/** A polygon with its exterior counter-clockwise and its holes clockwise (RFC 7946 §3.1.6). */
export function rewindPolygon(rings: readonly (readonly Position[])[]): Position[][] {
  return rings.map((r, i) => orientRing(r, i === 0));
}
