/** GeoJSON (RFC 7946) export: tracks, impact ellipses, warning areas and approximate sensor coverage. */
export { alertToGeoJson } from "./alert.ts";
export { splitLine, splitRing } from "./antimeridian.ts";
export { checkGeoJson, type GeoJsonCheck } from "./check.ts";
export {
  type CoverageOptions,
  type CoverageRadius,
  coverageRadius,
  sensorCoverageToGeoJson,
} from "./coverage.ts";
export { type TrackGeoJsonOptions, trackReportToGeoJson } from "./track.ts";
export type * from "./types.ts";
export { rewindPolygon } from "./winding.ts";
