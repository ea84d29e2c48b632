/** GeoJSON (RFC 7946) types, as far as Triwatch writes them. Positions are longitude, latitude[, altitude]. */

/** A position: longitude and latitude in degrees, optionally altitude in metres (RFC 7946 §3.1.1). */
export type Position = [lon: number, lat: number, ...altitude: number[]];

/** A single position. */
export interface Point {
  type: "Point";
  coordinates: Position;
}
/** Two or more positions. */
export interface LineString {
  type: "LineString";
  coordinates: Position[];
}
/** Lines split at the antimeridian. */
export interface MultiLineString {
  type: "MultiLineString";
  coordinates: Position[][];
}
/** An exterior ring (counter-clockwise) and holes (clockwise), each closed. */
export interface Polygon {
  type: "Polygon";
  coordinates: Position[][];
}
/** Polygons, e.g. one area split at the antimeridian. */
export interface MultiPolygon {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
/** Any geometry Triwatch writes. */
export type Geometry = Point | LineString | MultiLineString | Polygon | MultiPolygon;

/** A JSON value, for feature properties. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A feature: a geometry (or none, for an area given only by codes) and its properties. */
export interface Feature {
  type: "Feature";
  id: string;
  geometry: Geometry | null;
  properties: { [key: string]: JsonValue };
}

/** A collection of features. */
export interface FeatureCollection {
  type: "FeatureCollection";
  features: Feature[];
}
