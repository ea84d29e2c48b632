/**
 * Track reports to GeoJSON: the trajectory (longitude, latitude, altitude), the launch point, the
 * predicted impact point and its 95 % ellipse. Sensor type and location are sources and methods and
 * are never written.
 */
import type { TrackReport } from "../../model/item.ts";
import { lineGeometry, polygonGeometry } from "./geometry.ts";
import { ellipseRing } from "./shapes.ts";
import type { Feature, FeatureCollection, JsonValue } from "./types.ts";

/** Options for track export. */
export interface TrackGeoJsonOptions {
  /** Vertices of the ellipse polygon (default 72, one every 5° of parameter). */
  ellipseVertices?: number;
}

/** The track report as a FeatureCollection (trajectory, launch, impact, 95 % impact ellipse). */
export function trackReportToGeoJson(
  report: TrackReport,
  options: TrackGeoJsonOptions = {},
): FeatureCollection {
  const common: { [key: string]: JsonValue } = {
    reportId: report.id,
    eventId: report.eventId,
    trackId: report.trackId,
    asOf: report.asOf,
    missileClass: report.missileClass,
    lofted: report.lofted,
    ...(report.apogeeKm === undefined ? {} : { apogeeKm: report.apogeeKm }),
  };
  const feature = (
    role: string,
    geometry: Feature["geometry"],
    extra: { [key: string]: JsonValue },
  ): Feature => ({
    type: "Feature",
    id: `${report.id}/${role}`,
    geometry,
    properties: { role, ...common, ...extra },
  });
  const { launch, impact } = report;
  const e = impact.ellipse95;
  const ellipseProps = {
    semiMajorM: e.semiMajorM,
    semiMinorM: e.semiMinorM,
    orientationDeg: e.orientationDeg,
  };
  const features: Feature[] = [
    feature("trajectory", lineGeometry(report.trajectory.map((s) => [s.lon, s.lat, s.altM])), {
      times: report.trajectory.map((s) => s.time),
    }),
    feature(
      "launch",
      { type: "Point", coordinates: [launch.lon, launch.lat] },
      {
        time: launch.time,
        uncertaintyM: launch.uncertaintyM,
        timeUncertaintyS: launch.timeUncertaintyS,
      },
    ),
    feature(
      "impact",
      { type: "Point", coordinates: [impact.lon, impact.lat] },
      {
        time: impact.time,
        ellipse95: ellipseProps,
      },
    ),
  ];
  // A degenerate ellipse (a zero semi-axis) has no area to draw; the impact point still carries it.
  if (e.semiMajorM > 0 && e.semiMinorM > 0) {
    const ring = ellipseRing(impact, e, options.ellipseVertices ?? 72);
    features.push(
      feature("impact-ellipse-95", polygonGeometry([ring], impact.lat >= 0 ? 1 : -1), {
        time: impact.time,
        confidence: 0.95,
        ...ellipseProps,
      }),
    );
  }
  return { type: "FeatureCollection", features };
}
