/**
 * Point-in-polygon over a layer of area features, in plane lon/lat degrees (GeoJSON order, [lon, lat]).
 *
 * `IndexedPolygonLocator`: a Flatbush R-tree over the bounding boxes of polygon parts picks candidates;
 * each part keeps its edges (outer ring and holes together) bucketed into horizontal bands, so the
 * crossing test at a point reads only the edges of one band. `ScanPolygonLocator` tests every edge of
 * every part: the brute-force reference for tests and the bench. Both use the same even-odd crossing
 * predicate (half-open in latitude), so they agree exactly, boundary points included.
 *
 * Edges are straight in lon/lat. The region spans 115–165°E: no part crosses the antimeridian, so no
 * wrapping is done (a layer that crossed ±180° would need splitting first).
 */
import Flatbush from "flatbush";
import type { AreaGeometry } from "../model/geodata.ts";

const KM_PER_DEG = (6371.0088 * Math.PI) / 180;

/** One polygon (outer ring + holes) of a feature, compiled for queries. */
interface CompiledPart {
  feature: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** x1, y1, x2, y2 per edge. */
  edges: Float64Array;
  /** Edges to leave out of distance queries (e.g. where a layer was clipped to its window). */
  ignored: Uint8Array;
  bandY0: number;
  bandHeight: number;
  bandStart: Uint32Array;
  bandEdges: Uint32Array;
}

/** Decides whether an edge is an artefact (such as a clip line) rather than a real boundary. */
export type EdgeFilter = (x1: number, y1: number, x2: number, y2: number) => boolean;

/** Answers which features of a layer contain a point and how far the nearest boundary is. */
export interface PolygonLocator {
  /** Indices of the features containing (lon, lat), ascending. */
  containing(lon: number, lat: number): number[];
  /** Distance (km) from (lon, lat) to the nearest non-ignored edge if within `maxKm`, else null. */
  nearestEdgeKm(lon: number, lat: number, maxKm: number): number | null;
}

function compile(geometries: AreaGeometry[], ignore: EdgeFilter | undefined): CompiledPart[] {
  const parts: CompiledPart[] = [];
  geometries.forEach((g, feature) => {
    const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
    for (const rings of polygons) {
      let n = 0;
      for (const r of rings) n += r.length - 1;
      const edges = new Float64Array(n * 4);
      const ignored = new Uint8Array(n);
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      let e = 0;
      for (const r of rings) {
        for (let i = 0; i + 1 < r.length; i++) {
          const a = r[i] as [number, number];
          const b = r[i + 1] as [number, number];
          edges[e * 4] = a[0];
          edges[e * 4 + 1] = a[1];
          edges[e * 4 + 2] = b[0];
          edges[e * 4 + 3] = b[1];
          if (ignore?.(a[0], a[1], b[0], b[1])) ignored[e] = 1;
          minX = Math.min(minX, a[0]);
          maxX = Math.max(maxX, a[0]);
          minY = Math.min(minY, a[1]);
          maxY = Math.max(maxY, a[1]);
          e++;
        }
      }
      parts.push({ feature, minX, minY, maxX, maxY, edges, ignored, ...bands(edges, n, minY, maxY) });
    }
  });
  return parts;
}

/** Buckets edges into horizontal bands (about two edges per band, at most 4096 bands). */
function bands(edges: Float64Array, n: number, minY: number, maxY: number) {
  const count = Math.max(1, Math.min(4096, Math.ceil(n / 2)));
  const bandHeight = (maxY - minY) / count || 1;
  const bandOf = (y: number) => Math.min(count - 1, Math.max(0, Math.floor((y - minY) / bandHeight)));
  const sizes = new Uint32Array(count + 1);
  for (let e = 0; e < n; e++) {
    const y1 = edges[e * 4 + 1] as number;
    const y2 = edges[e * 4 + 3] as number;
    for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b++)
      sizes[b + 1] = (sizes[b + 1] ?? 0) + 1;
  }
  for (let b = 0; b < count; b++) sizes[b + 1] = (sizes[b + 1] ?? 0) + (sizes[b] ?? 0);
  const bandStart = sizes.slice();
  const fill = sizes.slice();
  const bandEdges = new Uint32Array(bandStart[count] ?? 0);
  for (let e = 0; e < n; e++) {
    const y1 = edges[e * 4 + 1] as number;
    const y2 = edges[e * 4 + 3] as number;
    for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b++) {
      const at = fill[b] as number;
      bandEdges[at] = e;
      fill[b] = at + 1;
    }
  }
  return { bandY0: minY, bandHeight, bandStart, bandEdges };
}

/** Whether the ray from (x, y) towards +x crosses edge e (half-open in y: shared vertices count once). */
function crosses(edges: Float64Array, e: number, x: number, y: number): boolean {
  const x1 = edges[e * 4] as number;
  const y1 = edges[e * 4 + 1] as number;
  const x2 = edges[e * 4 + 2] as number;
  const y2 = edges[e * 4 + 3] as number;
  return y1 > y !== y2 > y && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1);
}

/** Distance (km) from (x, y) to edge e, in a local equirectangular frame at the point (spherical Earth). */
function edgeDistanceKm(edges: Float64Array, e: number, x: number, y: number, kx: number): number {
  const ax = ((edges[e * 4] as number) - x) * kx;
  const ay = ((edges[e * 4 + 1] as number) - y) * KM_PER_DEG;
  const bx = ((edges[e * 4 + 2] as number) - x) * kx;
  const by = ((edges[e * 4 + 3] as number) - y) * KM_PER_DEG;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
  const px = ax + t * dx;
  const py = ay + t * dy;
  return Math.sqrt(px * px + py * py);
}

function inPartBanded(p: CompiledPart, x: number, y: number): boolean {
  if (x < p.minX || x > p.maxX || y < p.minY || y > p.maxY) return false;
  const count = p.bandStart.length - 1;
  const b = Math.min(count - 1, Math.max(0, Math.floor((y - p.bandY0) / p.bandHeight)));
  let inside = false;
  for (let i = p.bandStart[b] as number; i < (p.bandStart[b + 1] as number); i++)
    if (crosses(p.edges, p.bandEdges[i] as number, x, y)) inside = !inside;
  return inside;
}

function inPartScan(p: CompiledPart, x: number, y: number): boolean {
  let inside = false;
  const n = p.edges.length / 4;
  for (let e = 0; e < n; e++) if (crosses(p.edges, e, x, y)) inside = !inside;
  return inside;
}

function uniqueSorted(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** Degrees of latitude and longitude that `km` spans at latitude `lat` (generously rounded up). */
function degreeBox(lat: number, km: number): { dLat: number; dLon: number; kx: number } {
  const kx = KM_PER_DEG * Math.cos((lat * Math.PI) / 180);
  return { dLat: (km / KM_PER_DEG) * 1.01 + 1e-9, dLon: (km / Math.max(kx, 1e-6)) * 1.01 + 1e-9, kx };
}

/** R-tree over parts plus banded edges inside each part. */
export class IndexedPolygonLocator implements PolygonLocator {
  private readonly parts: CompiledPart[];
  private readonly tree: Flatbush | null;

  /** Compiles the geometries (feature index = position in the array). */
  constructor(geometries: AreaGeometry[], ignore?: EdgeFilter) {
    this.parts = compile(geometries, ignore);
    if (this.parts.length === 0) {
      this.tree = null;
      return;
    }
    const tree = new Flatbush(this.parts.length);
    for (const p of this.parts) tree.add(p.minX, p.minY, p.maxX, p.maxY);
    tree.finish();
    this.tree = tree;
  }

  containing(lon: number, lat: number): number[] {
    if (!this.tree) return [];
    const out: number[] = [];
    for (const i of this.tree.search(lon, lat, lon, lat)) {
      const p = this.parts[i] as CompiledPart;
      if (inPartBanded(p, lon, lat)) out.push(p.feature);
    }
    return out.length > 1 ? uniqueSorted(out) : out;
  }

  nearestEdgeKm(lon: number, lat: number, maxKm: number): number | null {
    if (!this.tree) return null;
    const { dLat, dLon, kx } = degreeBox(lat, maxKm);
    let best = Infinity;
    for (const i of this.tree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const p = this.parts[i] as CompiledPart;
      const count = p.bandStart.length - 1;
      const b0 = Math.max(0, Math.floor((lat - dLat - p.bandY0) / p.bandHeight));
      const b1 = Math.min(count - 1, Math.floor((lat + dLat - p.bandY0) / p.bandHeight));
      for (let b = b0; b <= b1; b++) {
        for (let k = p.bandStart[b] as number; k < (p.bandStart[b + 1] as number); k++) {
          const e = p.bandEdges[k] as number;
          if (p.ignored[e]) continue;
          const x1 = p.edges[e * 4] as number;
          const x2 = p.edges[e * 4 + 2] as number;
          if (Math.max(x1, x2) < lon - dLon || Math.min(x1, x2) > lon + dLon) continue;
          best = Math.min(best, edgeDistanceKm(p.edges, e, lon, lat, kx));
        }
      }
    }
    return best <= maxKm ? best : null;
  }
}

/** Every edge of every part, no index: the reference the indexed locator must agree with. */
export class ScanPolygonLocator implements PolygonLocator {
  private readonly parts: CompiledPart[];

  /** Compiles the geometries (feature index = position in the array). */
  constructor(geometries: AreaGeometry[], ignore?: EdgeFilter) {
    this.parts = compile(geometries, ignore);
  }

  containing(lon: number, lat: number): number[] {
    return uniqueSorted(this.parts.filter((p) => inPartScan(p, lon, lat)).map((p) => p.feature));
  }

  nearestEdgeKm(lon: number, lat: number, maxKm: number): number | null {
    const kx = KM_PER_DEG * Math.cos((lat * Math.PI) / 180);
    let best = Infinity;
    for (const p of this.parts) {
      const n = p.edges.length / 4;
      for (let e = 0; e < n; e++)
        if (!p.ignored[e]) best = Math.min(best, edgeDistanceKm(p.edges, e, lon, lat, kx));
    }
    return best <= maxKm ? best : null;
  }
}

/** How the region index finds polygons: the R-tree (default) or a full scan (reference, benchmarks). */
export type LocatorKind = "indexed" | "scan";

/** Builds a locator of the given kind. */
export function polygonLocator(
  kind: LocatorKind,
  geometries: AreaGeometry[],
  ignore?: EdgeFilter,
): PolygonLocator {
  return kind === "indexed"
    ? new IndexedPolygonLocator(geometries, ignore)
    : new ScanPolygonLocator(geometries, ignore);
}
