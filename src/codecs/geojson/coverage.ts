/**
 * Approximate sensor coverage footprints: the ground area under which a target at a given altitude
 * can be seen, limited by the sensor's maximum range, the horizon (line of sight over a spherical
 * Earth) and its elevation limits, clipped to its azimuth sector. An approximation for display: no
 * refraction, terrain, beam shape or cone of silence above the maximum elevation.
 */
import type { Sensor } from "../../model/sensing.ts";
import { polygonGeometry } from "./geometry.ts";
import { sectorRing } from "./shapes.ts";
import type { Feature, FeatureCollection } from "./types.ts";

/** Mean Earth radius (m, IUGG R1) of the spherical model used for line of sight. */
const R = 6_371_008.8;
const DEG = Math.PI / 180;
const STEPS = 2048;

/** What bounds a footprint. */
export type CoverageLimit = "max-range" | "horizon" | "elevation";

/** Footprint radius for a target at `altitudeM`: ground range (m) along the surface and what limits it. */
export interface CoverageRadius {
  groundRangeM: number;
  limitedBy: CoverageLimit;
}

function failure(sensor: Sensor, altitudeM: number, theta: number): CoverageLimit | undefined {
  const a = R + sensor.position.heightM;
  const b = R + altitudeM;
  if (theta > Math.acos(Math.min(1, R / a)) + Math.acos(Math.min(1, R / b))) return "horizon";
  const range = Math.sqrt(a * a + b * b - 2 * a * b * Math.cos(theta));
  if (sensor.kind === "radar" && range > sensor.maxRangeM) return "max-range";
  if (range === 0) return undefined;
  const elevation = Math.asin(Math.max(-1, Math.min(1, (b * Math.cos(theta) - a) / range))) / DEG;
  const f = sensor.fieldOfRegard;
  if (elevation < f.minElevationDeg || elevation > f.maxElevationDeg) return "elevation";
  return undefined;
}

/**
 * The largest ground range at which a target at `altitudeM` is seen (central angles searched on a
 * grid, the edge refined by bisection); zero when it is seen nowhere.
 */
export function coverageRadius(sensor: Sensor, altitudeM: number): CoverageRadius {
  let last = -1;
  for (let i = 0; i <= STEPS; i++)
    if (failure(sensor, altitudeM, (Math.PI * i) / STEPS) === undefined) last = i;
  if (last < 0) return { groundRangeM: 0, limitedBy: "elevation" };
  if (last === STEPS) return { groundRangeM: Math.PI * R, limitedBy: "horizon" };
  let lo = (Math.PI * last) / STEPS;
  let hi = (Math.PI * (last + 1)) / STEPS;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (failure(sensor, altitudeM, mid) === undefined) lo = mid;
    else hi = mid;
  }
  return { groundRangeM: lo * R, limitedBy: failure(sensor, altitudeM, hi) ?? "horizon" };
}

/** Options for coverage footprints. */
export interface CoverageOptions {
  /** Altitude of the target (m above the ellipsoid). */
  altitudeM: number;
}

/** One coverage feature: the footprint drawn no further than 89° + |latitude| so it encloses at most one pole. */
function coverageFeature(sensor: Sensor, altitudeM: number): Feature {
  const radius = coverageRadius(sensor, altitudeM);
  const centre = { lat: sensor.position.latDeg, lon: sensor.position.lonDeg };
  const maxDrawnM = (89 + Math.abs(centre.lat)) * DEG * R;
  const drawnM = Math.min(radius.groundRangeM, maxDrawnM);
  const f = sensor.fieldOfRegard;
  // A footprint wider than a hemisphere can wind round the pole away from its centre's hemisphere.
  const pole = (90 - centre.lat) * DEG * R < drawnM ? 1 : -1;
  const ring = sectorRing(centre, drawnM, f.azimuthCentreDeg, f.azimuthHalfWidthDeg);
  const geometry = drawnM > 0 ? polygonGeometry([ring], pole) : null;
  return {
    type: "Feature",
    id: `coverage/${sensor.id}`,
    geometry,
    properties: {
      role: "sensor-coverage",
      sensorId: sensor.id,
      name: sensor.name,
      nation: sensor.nation,
      sensorKind: sensor.kind,
      targetAltitudeM: altitudeM,
      groundRangeM: Math.round(radius.groundRangeM),
      limitedBy: radius.limitedBy,
      truncated: drawnM < radius.groundRangeM,
      azimuthCentreDeg: f.azimuthCentreDeg,
      azimuthHalfWidthDeg: f.azimuthHalfWidthDeg,
      approximate: true,
      approximation:
        "spherical Earth line of sight, no refraction or terrain, no cone of silence; figures as labelled in the sensor file",
    },
  };
}

/** Approximate coverage footprints, one feature per sensor, for a target at `options.altitudeM`. */
export function sensorCoverageToGeoJson(
  sensors: readonly Sensor[],
  options: CoverageOptions,
): FeatureCollection {
  return { type: "FeatureCollection", features: sensors.map((s) => coverageFeature(s, options.altitudeM)) };
}
