import geodesic from "geographiclib-geodesic";
import { beforeAll, describe, expect, it } from "vitest";
import { loadGeodata } from "../config/geodata.ts";
import type { GeodataLayers } from "../model/geodata.ts";
import { SubdivisionProximity } from "./proximity.ts";

const WGS84 = geodesic.Geodesic.WGS84;
let layers: GeodataLayers;
let proximity: SubdivisionProximity;

beforeAll(() => {
  layers = loadGeodata();
  proximity = new SubdivisionProximity(layers);
});

/** Shortest geodesic distance (km) from a point to any vertex of a prefecture: an upper bound on the true distance. */
function nearestVertexKm(code: string, lat: number, lon: number): number {
  let best = Infinity;
  for (const f of layers.prefectures.filter((p) => p.properties.jis_code === code))
    for (const poly of f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates)
      for (const ring of poly)
        for (const [x, y] of ring)
          best = Math.min(best, (WGS84.Inverse(lat, lon, y, x).s12 ?? Infinity) / 1000);
  return best;
}

describe("subdivisions near a point or in an ellipse", () => {
  it("Tokyo: its own prefecture at 0 km, neighbours within 50 km, nearest first", () => {
    const near = proximity.withinKm(35.6895, 139.6917, 50);
    expect(near[0]).toMatchObject({ subdivision: { code: "13", area: "mainland" }, distanceKm: 0 });
    const codes = near.map((d) => d.subdivision.code);
    expect(codes).toEqual(expect.arrayContaining(["11", "12", "14"]));
    expect(codes).not.toContain("02");
    for (let i = 1; i < near.length; i++)
      expect(near[i]?.distanceKm).toBeGreaterThanOrEqual(near[i - 1]?.distanceKm ?? 0);
  });

  it("distances agree with exact geodesics to the data's vertices (never more, at most a vertex gap less)", () => {
    const lat = 41.3; // Tsugaru Strait, between Aomori and Hokkaido
    const lon = 140.6;
    for (const d of proximity.withinKm(lat, lon, 60)) {
      if (d.subdivision.nation !== "JPN") continue;
      const vertex = nearestVertexKm(d.subdivision.code, lat, lon);
      expect(d.distanceKm).toBeLessThanOrEqual(vertex + 1e-6);
      expect(vertex - d.distanceKm).toBeLessThan(10);
    }
    const codes = proximity.withinKm(lat, lon, 60).map((d) => d.subdivision.code);
    expect(codes).toEqual(expect.arrayContaining(["01", "02"]));
  });

  it("the threshold is sharp: a prefecture at distance d is in at d + 0.01 km and out at d − 0.01 km", () => {
    const [first] = proximity.withinKm(38.0, 136.0, 300);
    expect(first).toBeDefined();
    const d = first?.distanceKm ?? 0;
    const code = first?.subdivision.code;
    expect(proximity.withinKm(38.0, 136.0, d + 0.01).some((x) => x.subdivision.code === code)).toBe(true);
    expect(proximity.withinKm(38.0, 136.0, d - 0.01).some((x) => x.subdivision.code === code)).toBe(false);
  });

  it("an ellipse elongated east–west off Tsugaru reaches Aomori but a north–south one of the same size does not reach it further east", () => {
    const ew = proximity.inEllipse({
      lat: 41.0,
      lon: 139.0,
      semiMajorKm: 150,
      semiMinorKm: 20,
      majorAxisAzimuthDeg: 90,
    });
    expect(ew.map((d) => d.subdivision.code)).toContain("02");
    const ns = proximity.inEllipse({
      lat: 41.0,
      lon: 139.0,
      semiMajorKm: 150,
      semiMinorKm: 20,
      majorAxisAzimuthDeg: 0,
    });
    expect(ns.map((d) => d.subdivision.code)).not.toContain("02");
  });

  it("an ellipse around Izu Oshima returns Tokyo's islands", () => {
    const r = proximity.inEllipse({
      lat: 34.6,
      lon: 139.4,
      semiMajorKm: 40,
      semiMinorKm: 15,
      majorAxisAzimuthDeg: 0,
    });
    expect(r.map((d) => `${d.subdivision.code}/${d.subdivision.area}`)).toContain("13/tokyo-islands");
  });

  it("Korean provinces are found too, with their KOSTAT codes", () => {
    const r = proximity.withinKm(35.1798, 129.075, 20).map((d) => d.subdivision.code);
    expect(r[0]).toBe("21");
  });

  it("index and scan give the same answers", () => {
    const scan = new SubdivisionProximity(layers, "scan");
    const e = { lat: 40.9, lon: 140.0, semiMajorKm: 300, semiMinorKm: 60, majorAxisAzimuthDeg: 80 };
    expect(proximity.inEllipse(e)).toEqual(scan.inEllipse(e));
  });
});
