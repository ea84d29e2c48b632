/**
 * Warnings to GeoJSON: one feature per area per language, its polygons converted from the model's
 * latitude/longitude points to GeoJSON longitude/latitude, rewound (exterior counter-clockwise) and cut
 * at the antimeridian; geocodes in the properties. An area given only by codes has a null geometry.
 */
import type { Alert } from "../../model/alert.ts";
import { polygonGeometry } from "./geometry.ts";
import type { Feature, FeatureCollection, JsonValue, Position } from "./types.ts";

function kindProperties(kind: Alert["kind"]): { [key: string]: JsonValue } {
  switch (kind.system) {
    case "j-alert":
      return { system: kind.system, type: kind.type };
    case "kr-civil-defence":
      return {
        system: kind.system,
        level: kind.level,
        ...(kind.cellBroadcast ? { cellBroadcast: kind.cellBroadcast } : {}),
      };
    case "kr-cell-broadcast":
      return { system: kind.system, tier: kind.tier };
  }
}

/** The warning's areas as a FeatureCollection. */
export function alertToGeoJson(alert: Alert): FeatureCollection {
  const features = alert.infos.flatMap((info) =>
    info.areas.map((area, i): Feature => {
      const rings = area.polygons.map((ring) => ring.map((p): Position => [p.lon, p.lat]));
      return {
        type: "Feature",
        id: `${alert.id}/${info.language}/${i}`,
        geometry: polygonGeometry(rings),
        properties: {
          role: "alert-area",
          alertId: alert.id,
          sender: alert.sender,
          sent: alert.sent,
          status: alert.status,
          msgType: alert.msgType,
          kind: kindProperties(alert.kind),
          language: info.language,
          headline: info.headline,
          areaDesc: area.description,
          geocodes: area.codes.map((c) => ({ scheme: c.scheme, code: c.code })),
        },
      };
    }),
  );
  return { type: "FeatureCollection", features };
}
