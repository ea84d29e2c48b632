import fc from "fast-check";
import geodesic from "geographiclib-geodesic";
import { beforeAll, describe, expect, it } from "vitest";
import { loadGeodata } from "../config/geodata.ts";
import type { GeodataLayers } from "../model/geodata.ts";
import { GroundTrackClassification, type Region, RegionAnswer } from "../model/region.ts";
import { geodesicPath } from "./geodesic-path.ts";
import { buildRegionIndex, type RegionIndex } from "./regions.ts";

const WGS84 = geodesic.Geodesic.WGS84;
let layers: GeodataLayers;
let index: RegionIndex;
let scan: RegionIndex;

beforeAll(() => {
  layers = loadGeodata();
  index = buildRegionIndex(layers);
  scan = buildRegionIndex(layers, { locator: "scan" });
});

/** The primary record at a point, checked against the schema. */
function at(lat: number, lon: number): Region {
  const answer = RegionAnswer.parse(index.regionAt(lat, lon));
  return answer.regions[0] as Region;
}

/** The point `km` from (lat, lon) along `azimuthDeg`. */
function offset(lat: number, lon: number, azimuthDeg: number, km: number): [number, number] {
  const r = WGS84.Direct(lat, lon, azimuthDeg, km * 1000);
  return [r.lat2 ?? Number.NaN, r.lon2 ?? Number.NaN];
}

describe("regionAt: known places", () => {
  it.each([
    ["Tokyo (Metropolitan Govt)", 35.6895, 139.6917, "13", "東京都"],
    ["Aomori city", 40.8244, 140.74, "02", "青森県"],
    ["Sapporo", 43.0621, 141.3544, "01", "北海道"],
    ["Naha", 26.2124, 127.6809, "47", "沖縄県"],
    ["Oshima-Oshima (island)", 41.51, 139.37, "01", "北海道"],
  ])("%s is land of JPN in prefecture %s", (_, lat, lon, code, name) => {
    const r = at(lat, lon);
    expect(r).toMatchObject({ kind: "land", nation: "JPN", subdivision: { code, nameNative: name } });
    expect(r.disputed).toBeUndefined();
  });

  it.each([
    ["Seoul City Hall", 37.5663, 126.9779, "11", "KR-11", "서울특별시"],
    ["Busan City Hall", 35.1798, 129.075, "21", "KR-26", "부산광역시"],
    ["Jeju City Hall", 33.4996, 126.5312, "39", "KR-49", "제주특별자치도"],
  ])("%s is land of KOR in province %s (%s)", (_, lat, lon, code, iso, name) => {
    expect(at(lat, lon)).toMatchObject({
      kind: "land",
      nation: "KOR",
      subdivision: { codeScheme: "KOSTAT SGIS 2018", code, iso3166_2: iso, nameNative: name },
    });
  });

  it.each([
    ["Izu Oshima", 34.75, 139.39],
    ["Hachijojima", 33.11, 139.79],
    ["Chichijima (Ogasawara)", 27.09, 142.2],
  ])("%s is Tokyo (13), in its island municipalities", (_, lat, lon) => {
    expect(at(lat, lon)).toMatchObject({
      kind: "land",
      subdivision: { code: "13", iso3166_2: "JP-13", area: "tokyo-islands" },
    });
  });

  it("Pyongyang is land of PRK (no subdivision)", () => {
    const r = at(39.0392, 125.7625);
    expect(r).toMatchObject({ kind: "land", nation: "PRK", source: "natural-earth-admin0" });
    expect(r.kind === "land" && r.subdivision).toBeFalsy();
  });

  it("5 NM off Cape Erimo is Japanese territorial sea", () => {
    const [lat, lon] = offset(41.925, 143.245, 180, 5 * 1.852);
    expect(at(lat, lon)).toMatchObject({ kind: "territorial-sea", nation: "JPN" });
  });

  it("9 km west of Okushiri is territorial sea, 30 km west is EEZ", () => {
    expect(at(42.15, 139.3)).toMatchObject({ kind: "territorial-sea", nation: "JPN" });
    expect(at(42.15, 139.04)).toMatchObject({ kind: "eez", nation: "JPN" });
  });

  it("100 NM east of Honshu (off Miyako) is in Japan's EEZ, not approximate there", () => {
    const [lat, lon] = offset(39.64, 141.98, 90, 100 * 1.852);
    const r = at(lat, lon);
    expect(r).toMatchObject({ kind: "eez", nation: "JPN", zone: "JPN" });
    expect(r.approximate).toBeUndefined();
  });

  it("200 km west of Oshima-Oshima (2022-11-18 ICBM) is in Japan's EEZ", () => {
    expect(at(41.51, 136.97)).toMatchObject({ kind: "eez", nation: "JPN" });
  });

  it("57 km east of Sokcho is KOR EEZ; Ieodo has no territorial sea", () => {
    expect(at(38.2, 129.25)).toMatchObject({ kind: "eez", nation: "KOR" });
    expect(at(32.1233, 125.1822)).toMatchObject({ kind: "eez", nation: "KOR" });
  });

  it("the mid-Pacific is open sea; beyond the EEZ data's window it says so", () => {
    const inside = at(35, 150);
    expect(inside.kind).toBe("open-sea");
    expect(inside.approximate).toBeUndefined();
    const beyond = at(30, 175);
    expect(beyond.kind).toBe("open-sea");
    expect(beyond.approximate?.reason).toMatch(/outside the approximate EEZ's window/);
  });

  it("near an edge of the approximate EEZ the answer is flagged approximate, with the distance", () => {
    // Walk east from 35N 150E (open sea) until the JPN zone begins; the points either side are near its edge.
    let lon = 150;
    while (at(35, lon).kind === "open-sea") lon -= 0.01;
    const inside = at(35, lon);
    const outside = at(35, lon + 0.02);
    expect(inside).toMatchObject({ kind: "eez", nation: "JPN", approximate: { reason: expect.any(String) } });
    expect(outside.kind).toBe("open-sea");
    expect(outside.approximate?.edgeDistanceKm).toBeLessThan(5);
    expect(at(35, lon - 0.2).approximate).toBeUndefined(); // ~18 km inside
  });
});

describe("regionAt: disputed areas are flagged, never silently assigned", () => {
  it("Takeshima/Dokdo: flagged with both claimants on every record", () => {
    const a = index.regionAt(37.2417, 131.8653);
    expect(a.disputed.map((d) => d.zone)).toEqual(["TAKESHIMA_DOKDO"]);
    expect(a.disputed[0]?.claimants).toEqual(expect.arrayContaining(["KOR", "JPN"]));
    for (const r of a.regions) expect(r.disputed?.zone).toBe("TAKESHIMA_DOKDO");
  });

  it("the sea between Dokdo and Oki is an EEZ with no nation, flagged", () => {
    const r = at(37.0, 132.2);
    expect(r).toMatchObject({ kind: "eez", nation: null, disputed: { zone: "TAKESHIMA_DOKDO" } });
  });

  it.each([
    ["Senkaku (Uotsuri)", 25.7433, 123.4733, "SENKAKU", ["JPN", "CHN", "TWN"]],
    ["Etorofu/Iturup", 45, 147.6, "NORTHERN_TERRITORIES", ["RUS", "JPN"]],
  ])("%s is flagged %s", (_, lat, lon, zone, claimants) => {
    const a = index.regionAt(lat, lon);
    expect(a.disputed[0]).toMatchObject({ zone, claimants });
    expect(a.regions[0]?.disputed?.zone).toBe(zone);
  });

  it("Okinotorishima's zone carries the note that its EEZ is contested", () => {
    const r = at(20.5, 136.5);
    expect(r).toMatchObject({ kind: "eez", nation: "JPN", disputed: { zone: "OKINOTORISHIMA" } });
    expect(r.disputed?.note).toMatch(/China and South Korea/);
  });

  it("the Japanese side of the Nemuro Strait and Rausu are not flagged", () => {
    expect(index.regionAt(43.85, 145.25).disputed).toEqual([]);
    expect(index.regionAt(44.02, 145.19).disputed).toEqual([]);
  });
});

describe("classifyGroundTrack", () => {
  const mupyongri = { lat: 40.61, lon: 126.43 };

  it("2022-10-04 proxy (geodesic from Mupyong-ri over Aomori city, 4,600 km) overflies Aomori", () => {
    const inv = WGS84.Inverse(mupyongri.lat, mupyongri.lon, 40.8244, 140.74);
    const end = WGS84.Direct(mupyongri.lat, mupyongri.lon, inv.azi1 ?? 0, 4_600_000);
    const track = geodesicPath(mupyongri, { lat: end.lat2 ?? 0, lon: end.lon2 ?? 0 }, 2000);
    const c = GroundTrackClassification.parse(index.classifyGroundTrack(track));
    expect(c.subdivisionsOverflown.map((s) => s.code)).toContain("02");
    const jpn = c.sovereignSpans.filter((s) => s.nation === "JPN");
    expect(jpn.length).toBeGreaterThan(0);
    expect(jpn.flatMap((s) => s.subdivisions.map((x) => x.code))).toContain("02");
    // Runs tile the track in order: PRK land first, open sea at the end.
    expect(c.runs[0]).toMatchObject({ kind: "land", nation: "PRK", startIndex: 0 });
    expect(c.runs.at(-1)).toMatchObject({ kind: "open-sea", endIndex: 1999 });
    c.runs.forEach((r, i) => {
      if (i > 0) expect(r.startIndex).toBe((c.runs[i - 1]?.endIndex ?? -2) + 1);
    });
    // Entering Japanese territorial sea before land, leaving it after.
    const kinds = c.runs.filter((r) => r.nation === "JPN").map((r) => r.kind);
    expect(kinds[0]).toBe("eez");
    expect(kinds).toContain("territorial-sea");
  });

  it("the plain great circle Mupyong-ri → 40N 180E bulges north over Hokkaido instead", () => {
    const track = geodesicPath(mupyongri, { lat: 40, lon: 180 }, 2000);
    const codes = index.classifyGroundTrack(track).subdivisionsOverflown.map((s) => s.code);
    expect(codes).toEqual(["01"]);
  });

  it("a track through the Takeshima/Dokdo zone reports its span as disputed", () => {
    const track = geodesicPath({ lat: 37.2417, lon: 131.0 }, { lat: 37.2417, lon: 132.6 }, 400);
    const c = index.classifyGroundTrack(track);
    expect(c.runs.some((r) => r.disputedZone === "TAKESHIMA_DOKDO")).toBe(true);
    expect(c.sovereignSpans.filter((s) => s.disputed).length).toBeGreaterThan(0);
  });
});

describe("index agrees with the brute-force scan", () => {
  const japanSeas = fc.record({
    lat: fc.double({ min: 24, max: 46, noNaN: true }),
    lon: fc.double({ min: 122, max: 150, noNaN: true }),
  });
  const region = fc.record({
    lat: fc.double({ min: 10, max: 55, noNaN: true }),
    lon: fc.double({ min: 115, max: 165, noNaN: true }),
  });

  it("for random points around Japan and Korea and across the region", () => {
    fc.assert(
      fc.property(fc.oneof(japanSeas, region), ({ lat, lon }) => {
        expect(index.regionAt(lat, lon)).toEqual(scan.regionAt(lat, lon));
      }),
      { numRuns: 400, seed: 20221004 },
    );
  });

  it("for points on vertices of the data (the hardest case for half-open tests)", () => {
    const vertices = layers.prefectures
      .flatMap((f) => (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates))
      .flatMap((p) => p[0] ?? []);
    for (let i = 0; i < vertices.length; i += 97) {
      const [lon, lat] = vertices[i] as [number, number];
      expect(index.regionAt(lat, lon)).toEqual(scan.regionAt(lat, lon));
    }
  });

  it("rejects coordinates out of range", () => {
    expect(() => index.regionAt(91, 140)).toThrow(RangeError);
    expect(() => index.regionAt(35, Number.NaN)).toThrow(RangeError);
  });
});
