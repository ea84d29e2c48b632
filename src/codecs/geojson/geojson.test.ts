import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Alert } from "../../model/alert.ts";
import { loadSensorSetFile } from "../../sim/sensor-file.ts";
import { CAP_FIXTURES } from "../cap/fixtures/alerts.fixture.ts";
import {
  alertToGeoJson,
  checkGeoJson,
  coverageRadius,
  type FeatureCollection,
  type Position,
  sensorCoverageToGeoJson,
  splitLine,
  splitRing,
  trackReportToGeoJson,
} from "./index.ts";
import { exampleTrackReport, geoJsonProblems } from "./testing.ts";

const fcOf = (geometry: FeatureCollection["features"][number]["geometry"]): FeatureCollection => ({
  type: "FeatureCollection",
  features: [{ type: "Feature", id: "x", geometry, properties: {} }],
});
const roles = (fc: FeatureCollection) => fc.features.map((f) => f.properties.role);
const feature = (fc: FeatureCollection, role: string) => {
  const f = fc.features.find((x) => x.properties.role === role);
  if (!f) throw new Error(`no ${role} feature`);
  return f;
};

describe("track reports", () => {
  it.each(["jpn", "rok", "usa"] as const)(
    "%s example validates against the schema and checkGeoJson",
    (nation) => {
      const fc = trackReportToGeoJson(exampleTrackReport(nation));
      expect(geoJsonProblems(fc)).toEqual([]);
      expect(roles(fc)).toEqual(["trajectory", "launch", "impact", "impact-ellipse-95"]);
    },
  );

  it("writes lon, lat, altitude and never the sensor", () => {
    const report = exampleTrackReport("jpn");
    const fc = trackReportToGeoJson(report);
    expect(feature(fc, "trajectory").geometry).toEqual({
      type: "LineString",
      coordinates: report.trajectory.map((s) => [s.lon, s.lat, s.altM]),
    });
    expect(feature(fc, "launch").geometry).toEqual({ type: "Point", coordinates: [126.4, 40.6] });
    const text = JSON.stringify(fc);
    expect(text).not.toMatch(/FPS-5|sensor/i);
    expect(text).not.toContain("141.1");
  });

  it("splits the 2022-10-04 ellipse at 180° into two counter-clockwise polygons, ~400 km either way", () => {
    const fc = trackReportToGeoJson(exampleTrackReport("jpn"));
    const g = feature(fc, "impact-ellipse-95").geometry;
    if (g?.type !== "MultiPolygon") throw new Error(`expected MultiPolygon, got ${g?.type}`);
    expect(g.coordinates).toHaveLength(2);
    const lons = g.coordinates.flat(2).map((p) => p[0]);
    expect(Math.max(...lons)).toBe(180);
    expect(Math.min(...lons)).toBe(-180);
    // 400 km at 40° N is about 4.7° of longitude.
    expect(Math.min(...lons.filter((l) => l > 0))).toBeCloseTo(180 - 4.69, 1);
    expect(Math.max(...lons.filter((l) => l < 0))).toBeCloseTo(-180 + 4.69, 1);
  });

  it("draws an ellipse that contains the north pole, closed along latitude 90", () => {
    const base = exampleTrackReport("jpn");
    const ellipse95 = { semiMajorM: 400_000, semiMinorM: 300_000, orientationDeg: 30 };
    const fc = trackReportToGeoJson({ ...base, impact: { ...base.impact, lat: 89, lon: 170, ellipse95 } });
    expect(geoJsonProblems(fc)).toEqual([]);
    const g = feature(fc, "impact-ellipse-95").geometry;
    expect(JSON.stringify(g)).toContain(",90]");
  });

  it("draws the ellipse with its semi-axes along the given orientation", () => {
    const fc = trackReportToGeoJson(exampleTrackReport("rok"));
    const g = feature(fc, "impact-ellipse-95").geometry;
    if (g?.type !== "Polygon") throw new Error("expected Polygon");
    const [ring] = g.coordinates;
    expect(ring).toHaveLength(73);
    expect(ring?.[0]).toEqual(ring?.[72]);
    // First vertex: 90 km from (42.5, 136.6) at azimuth 65°: north-east of the centre.
    const [lon, lat] = ring?.[0] ?? [0, 0];
    expect(lon).toBeGreaterThan(136.6 + 0.9);
    expect(lat).toBeGreaterThan(42.5 + 0.3);
  });
});

describe("alerts", () => {
  it.each(Object.keys(CAP_FIXTURES))(
    "CAP fixture %s validates against the schema and checkGeoJson",
    (name) => {
      const fc = alertToGeoJson(Alert.parse(CAP_FIXTURES[name]));
      expect(fc.features.length).toBeGreaterThan(0);
      expect(geoJsonProblems(fc)).toEqual([]);
    },
  );

  it("turns lat/lon rings into lon/lat Polygons, rewound, with geocodes", () => {
    const fc = alertToGeoJson(Alert.parse(CAP_FIXTURES["kr-2023-05-31-baengnyeong-daecheong"]));
    const f = fc.features[0];
    expect(f?.geometry?.type).toBe("Polygon");
    const ring = f?.geometry?.type === "Polygon" ? f.geometry.coordinates[0] : [];
    // Baengnyeong lies at about 37.9° N, 124.7° E.
    for (const [lon, lat] of ring ?? []) {
      expect(lon).toBeGreaterThan(124);
      expect(lat).toBeLessThan(38.5);
    }
    expect(f?.properties.geocodes).toEqual([{ scheme: "ISO 3166-2", code: "KR-28" }]);
  });

  it("cuts a warning area that crosses the antimeridian, and keeps areas given only by codes", () => {
    const base = Alert.parse(CAP_FIXTURES["jalert-2022-10-04-launch"]);
    const ring = [
      { lat: 39, lon: 178 },
      { lat: 39, lon: -178 },
      { lat: 41, lon: -178 },
      { lat: 41, lon: 178 },
      { lat: 39, lon: 178 },
    ];
    const info = base.infos[0];
    if (!info) throw new Error("fixture has no info");
    const alert: Alert = {
      ...base,
      infos: [{ ...info, areas: [{ description: "Pacific", polygons: [ring], codes: [] }] }],
    };
    const fc = alertToGeoJson(alert);
    expect(geoJsonProblems(fc)).toEqual([]);
    expect(fc.features[0]?.geometry?.type).toBe("MultiPolygon");
    const codesOnly = alertToGeoJson(base).features[0];
    expect(codesOnly?.geometry).toBeNull();
    expect(codesOnly?.properties.geocodes).toEqual([{ scheme: "JIS X 0401", code: "01" }]);
  });
});

describe("sensor coverage", () => {
  const files = ["jpn", "rok", "usa"].map((n) =>
    fileURLToPath(new URL(`../../../sensors/${n}.yaml`, import.meta.url)),
  );
  const sensors = files.flatMap((path) => {
    const r = loadSensorSetFile(path);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.value.sensors;
  });

  it.each([0, 100_000, 1_000_000])(
    "every sensor's footprint at %i m validates, labelled approximate",
    (altitudeM) => {
      const fc = sensorCoverageToGeoJson(sensors, { altitudeM });
      expect(fc.features).toHaveLength(sensors.length);
      expect(geoJsonProblems(fc)).toEqual([]);
      for (const f of fc.features) expect(f.properties.approximate).toBe(true);
    },
  );

  it("is limited by the horizon low down and by the maximum range high up", () => {
    const fps5 = sensors.find((s) => s.id === "JSDF-FPS5-SADO");
    if (!fps5) throw new Error("no Sado radar");
    const low = coverageRadius(fps5, 10_000);
    expect(low.limitedBy).toBe("elevation");
    // Radar at 300 m, target at 10 km, 0.5° minimum elevation: a few hundred km at most.
    expect(low.groundRangeM).toBeGreaterThan(200_000);
    expect(low.groundRangeM).toBeLessThan(420_000);
    const high = coverageRadius(fps5, 500_000);
    expect(high.limitedBy).toBe("max-range");
    expect(high.groundRangeM).toBeLessThan(1_200_000);
  });

  it("a sector radar's footprint points along its boresight; the GEO satellite's crosses 180° and is split", () => {
    const fc = sensorCoverageToGeoJson(sensors, { altitudeM: 100_000 });
    // Shariki (140.33° E) looks west (265° ± 60°): the whole footprint lies west of the radar.
    const tpy2 = fc.features.find((f) => f.id === "coverage/USFJ-TPY2-SHARIKI")?.geometry;
    if (tpy2?.type !== "Polygon") throw new Error("expected a Polygon for Shariki");
    const lons = tpy2.coordinates.flat().map((p) => p[0]);
    expect(Math.max(...lons)).toBeCloseTo(140.33, 6);
    expect(Math.min(...lons)).toBeLessThan(140.33 - 5);
    const geo = fc.features.find((f) => f.properties.sensorKind === "space-ir");
    expect(geo?.geometry?.type).toBe("MultiPolygon");
    expect(geo?.properties.truncated).toBe(true);
  });
});

describe("checkGeoJson", () => {
  it("catches swapped longitude and latitude", () => {
    const fc = trackReportToGeoJson(exampleTrackReport("rok"));
    const swap = (p: Position): Position => [p[1], p[0], ...p.slice(2)];
    const swapped = structuredClone(fc);
    const launch = swapped.features.find((f) => f.properties.role === "launch");
    if (launch?.geometry?.type !== "Point") throw new Error("no launch point");
    launch.geometry.coordinates = swap(launch.geometry.coordinates);
    const r = checkGeoJson(swapped);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join("\n")).toMatch(/features\[1\].*latitude 125\.7 outside/);
  });

  it("knows the winding of a square with a hole", () => {
    const exterior: Position[] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    const hole: Position[] = [
      [2, 2],
      [2, 8],
      [8, 8],
      [8, 2],
      [2, 2],
    ];
    expect(checkGeoJson(fcOf({ type: "Polygon", coordinates: [exterior, hole] }))).toEqual({ ok: true });
    const r = checkGeoJson(
      fcOf({ type: "Polygon", coordinates: [[...exterior].reverse(), [...hole].reverse()] }),
    );
    expect(r.ok ? [] : r.problems).toEqual([
      "$.features[0].geometry.coordinates[0]: exterior ring is not counter-clockwise",
      "$.features[0].geometry.coordinates[1]: hole is not clockwise",
    ]);
  });

  it("refuses open rings, out-of-range positions and segments across the antimeridian", () => {
    const r = checkGeoJson(
      fcOf({
        type: "MultiLineString",
        coordinates: [
          [
            [179, 0],
            [-179, 1],
          ],
          [
            [0, 0],
            [181, 0],
          ],
        ],
      }),
    );
    expect(r.ok ? [] : r.problems).toEqual([
      "$.features[0].geometry.coordinates[0][1]: segment crosses the antimeridian (split it, RFC 7946 §3.1.9)",
      "$.features[0].geometry.coordinates[1][1]: longitude 181 outside [-180, 180]",
      "$.features[0].geometry.coordinates[1][1]: segment crosses the antimeridian (split it, RFC 7946 §3.1.9)",
    ]);
    const open = checkGeoJson(
      fcOf({
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    );
    expect(open.ok ? [] : open.problems.join()).toMatch(/not closed/);
  });
});

describe("antimeridian", () => {
  it("splits a line crossing 180° eastward, interpolating latitude and altitude", () => {
    expect(
      splitLine([
        [170, 0, 0],
        [-170, 10, 1000],
      ]),
    ).toEqual([
      [
        [170, 0, 0],
        [180, 5, 500],
      ],
      [
        [-180, 5, 500],
        [-170, 10, 1000],
      ],
    ]);
  });

  it("splits westward, and does not split a line that only touches 180°", () => {
    expect(
      splitLine([
        [-175, 0],
        [175, 0],
      ]),
    ).toEqual([
      [
        [-175, 0],
        [-180, 0],
      ],
      [
        [180, 0],
        [175, 0],
      ],
    ]);
    expect(
      splitLine([
        [170, 0],
        [180, 1],
      ]),
    ).toEqual([
      [
        [170, 0],
        [180, 1],
      ],
    ]);
    expect(
      splitLine([
        [170, 0],
        [180, 1],
        [-170, 2],
      ]),
    ).toEqual([
      [
        [170, 0],
        [180, 1],
      ],
      [
        [-180, 1],
        [-170, 2],
      ],
    ]);
  });

  it("splits a ring into two counter-clockwise rings meeting at ±180°", () => {
    const parts = splitRing([
      [175, -5],
      [-175, -5],
      [-175, 5],
      [175, 5],
      [175, -5],
    ]);
    expect(parts).toEqual([
      [
        [175, -5],
        [180, -5],
        [180, 5],
        [175, 5],
        [175, -5],
      ],
      [
        [-180, -5],
        [-175, -5],
        [-175, 5],
        [-180, 5],
        [-180, -5],
      ],
    ]);
  });

  it("closes a ring round the north pole along latitude 90", () => {
    const ring: Position[] = [0, 90, 180, 270, 360].map((l) => [l > 180 ? l - 360 : l, 80]);
    const parts = splitRing(ring, 1);
    const fc = fcOf({ type: "MultiPolygon", coordinates: parts.map((r) => [r]) });
    expect(geoJsonProblems(fc)).toEqual([]);
    expect(parts.flat().some((p) => p[1] === 90)).toBe(true);
  });
});
