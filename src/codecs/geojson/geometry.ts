/** Geometries from lines and rings, cut at the antimeridian when they cross it. */
import { splitLine, splitRing } from "./antimeridian.ts";
import type { Geometry, Position } from "./types.ts";

/** A LineString, or a MultiLineString when the line crosses the antimeridian; null if it has no length. */
export function lineGeometry(line: readonly Position[]): Geometry | null {
  const parts = splitLine(line);
  const [only] = parts;
  if (only === undefined) return null;
  return parts.length === 1
    ? { type: "LineString", coordinates: only }
    : { type: "MultiLineString", coordinates: parts };
}

/** A Polygon, or a MultiPolygon for several rings or a ring cut at the antimeridian; null if none is left. */
export function polygonGeometry(rings: readonly (readonly Position[])[], pole?: 1 | -1): Geometry | null {
  const pieces = rings.flatMap((r) => splitRing(r, pole));
  const [only] = pieces;
  if (only === undefined) return null;
  return pieces.length === 1
    ? { type: "Polygon", coordinates: [only] }
    : { type: "MultiPolygon", coordinates: pieces.map((r) => [r]) };
}
