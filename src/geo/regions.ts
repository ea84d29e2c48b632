/**
 * Region lookup for points and ground tracks: land (with the Japanese prefecture or Korean province),
 * territorial sea, approximate EEZ, open sea; disputed areas flagged, never decided.
 *
 * API takes `lat, lon` (degrees, WGS-84) as named arguments; internally everything is GeoJSON order
 * [lon, lat]. Pure: the parsed layers are passed in (see `src/config/geodata.ts` for the file adapter).
 *
 * Order of precedence at a point: land (prefectures, KOSTAT provinces, other nations' admin-0), else the
 * OSM territorial-sea polygon (which includes land and internal waters, hence second), else the
 * approximate EEZ (which includes land and territorial sea, hence third), else open sea.
 */
import type {
  AreaFeature,
  CountryProperties,
  DisputedZoneProperties,
  EezProperties,
  GeodataLayers,
} from "../model/geodata.ts";
import type {
  Approximation,
  DisputedFlag,
  GroundTrackClassification,
  ImpactEllipse,
  Region,
  RegionAnswer,
  SovereignSpan,
  Subdivision,
  TrackRun,
} from "../model/region.ts";
import { type LocatorKind, type PolygonLocator, polygonLocator } from "./polygon-index.ts";
import { type SubdivisionDistance, SubdivisionProximity } from "./proximity.ts";
import { prefectureSubdivision, provinceSubdivision } from "./subdivisions.ts";

export { prefectureSubdivision, provinceSubdivision };

/** Within this distance (km) of an edge of the approximate EEZ, EEZ and open-sea answers are flagged approximate. */
export const APPROXIMATE_EEZ_EDGE_KM = 5;

/** The window the approximate EEZ was computed over; zones are clipped at its edges (not real boundaries). */
export const EEZ_WINDOW = { west: 117, east: 162, south: 14, north: 52 } as const;

/** A ground-track point (degrees). */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Options of the region index. */
export interface RegionIndexOptions {
  /** "indexed" (R-tree + banded edges, default) or "scan" (every edge; the brute-force reference). */
  locator?: LocatorKind;
  /** Distance to an approximate EEZ edge under which answers are flagged approximate (km). */
  approximateEdgeKm?: number;
}

function landRecords(layers: GeodataLayers): Region[] {
  return [
    ...layers.prefectures.map(
      (f): Region => ({
        kind: "land",
        nation: "JPN",
        subdivision: prefectureSubdivision(f.properties),
        source: "natural-earth-admin1",
      }),
    ),
    ...layers.provinces.map(
      (f): Region => ({
        kind: "land",
        nation: "KOR",
        subdivision: provinceSubdivision(f.properties),
        source: "kostat-2018",
      }),
    ),
    ...layers.countries.map(
      (f: AreaFeature<CountryProperties>): Region => ({
        kind: "land",
        nation: f.properties.iso_a3,
        source: "natural-earth-admin0",
      }),
    ),
  ];
}

function zoneFlag(p: DisputedZoneProperties): DisputedFlag {
  return {
    zone: p.id,
    nameEn: p.name_en,
    claimants: p.claimants,
    administeredBy: p.administered_by,
    note: p.note,
  };
}

/** The dispute an EEZ zone itself carries (zones drawn around disputed features), if any. */
function eezFlag(p: EezProperties, zones: readonly DisputedFlag[]): DisputedFlag | null {
  if (p.status === "approx_equidistance") return null;
  const zone = p.owner.replace(/^DISPUTED_/, "").replace(/^JPN_/, "");
  return {
    zone,
    nameEn: zones.find((z) => z.zone === zone)?.nameEn ?? zone,
    claimants: p.claimants,
    administeredBy: p.administered_by ?? p.iso_a3,
    note: p.note ?? "",
  };
}

const onWindowEdge = (x1: number, y1: number, x2: number, y2: number): boolean => {
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-3;
  const w = EEZ_WINDOW;
  return (
    (near(x1, w.west) && near(x2, w.west)) ||
    (near(x1, w.east) && near(x2, w.east)) ||
    (near(y1, w.south) && near(y2, w.south)) ||
    (near(y1, w.north) && near(y2, w.north))
  );
};

const NO_FLAGS: DisputedFlag[] = [];
const OPEN_SEA: Region = { kind: "open-sea" };

/** The record itself when there is nothing to add (records are shared and never mutated). */
function withFlag(r: Region, disputed?: DisputedFlag, approximate?: Approximation): Region {
  if (!disputed && !approximate) return r;
  const out: Region = { ...r };
  if (disputed) out.disputed = disputed;
  if (approximate) out.approximate = approximate;
  return out;
}

/** Point and ground-track classification over the parsed layers. */
export class RegionIndex {
  private readonly land: PolygonLocator;
  private readonly landRecords: Region[];
  private readonly territorial: PolygonLocator;
  private readonly territorialRecords: Region[];
  private readonly eez: PolygonLocator;
  private readonly eezRecords: Region[];
  private readonly eezFlags: (DisputedFlag | null)[];
  private readonly disputed: PolygonLocator;
  private readonly disputedFlags: DisputedFlag[];
  private readonly edgeKm: number;
  /** Distance queries over prefectures and provinces. */
  readonly proximity: SubdivisionProximity;

  /** Compiles every layer; the layers are not modified. */
  constructor(layers: GeodataLayers, options: RegionIndexOptions = {}) {
    const kind = options.locator ?? "indexed";
    this.edgeKm = options.approximateEdgeKm ?? APPROXIMATE_EEZ_EDGE_KM;
    const landFeatures = [...layers.prefectures, ...layers.provinces, ...layers.countries];
    this.land = polygonLocator(
      kind,
      landFeatures.map((f) => f.geometry),
    );
    this.landRecords = landRecords(layers);
    this.territorial = polygonLocator(
      kind,
      layers.territorialSea.map((f) => f.geometry),
    );
    this.territorialRecords = layers.territorialSea.map(
      (f): Region => ({ kind: "territorial-sea", nation: f.properties.iso_a3, source: "openstreetmap" }),
    );
    this.eez = polygonLocator(
      kind,
      layers.eez.map((f) => f.geometry),
      onWindowEdge,
    );
    this.eezRecords = layers.eez.map(
      (f): Region => ({
        kind: "eez",
        nation: f.properties.iso_a3,
        zone: f.properties.owner,
        source: "approximate-equidistance",
      }),
    );
    this.disputed = polygonLocator(
      kind,
      layers.disputedZones.map((f) => f.geometry),
    );
    this.disputedFlags = layers.disputedZones.map((f) => zoneFlag(f.properties));
    this.eezFlags = layers.eez.map((f) => eezFlag(f.properties, this.disputedFlags));
    this.proximity = new SubdivisionProximity(layers, kind);
  }

  /** Every classification that applies at (lat, lon), most specific first, with disputed flags. */
  regionAt(lat: number, lon: number): RegionAnswer {
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new RangeError(`latitude ${lat} out of range`);
    if (!Number.isFinite(lon)) throw new RangeError(`longitude ${lon} is not finite`);
    const x = lon > 180 || lon < -180 ? ((((lon + 180) % 360) + 360) % 360) - 180 : lon;
    const zoneIds = this.disputed.containing(x, lat);
    const flags = zoneIds.length === 0 ? NO_FLAGS : zoneIds.map((i) => this.disputedFlags[i] as DisputedFlag);

    const land = this.land.containing(x, lat);
    if (land.length > 0) {
      const regions = land.map((i) => withFlag(this.landRecords[i] as Region, flags[0]));
      return { lat, lon, regions, disputed: flags };
    }
    const sea = this.territorial.containing(x, lat);
    if (sea.length > 0) {
      const regions = sea.map((i) => withFlag(this.territorialRecords[i] as Region, flags[0]));
      return { lat, lon, regions, disputed: flags };
    }

    const approximate = this.eezApproximation(x, lat);
    const zones = this.eez.containing(x, lat);
    if (zones.length === 0) {
      return { lat, lon, regions: [withFlag(OPEN_SEA, flags[0], approximate)], disputed: flags };
    }
    const all = [...flags];
    const regions = zones.map((i) => {
      const own = this.eezFlags[i] ?? undefined;
      if (own && !all.some((f) => f.zone === own.zone)) all.push(own);
      return withFlag(this.eezRecords[i] as Region, flags[0] ?? own, approximate);
    });
    return { lat, lon, regions, disputed: all };
  }

  /** Why an EEZ or open-sea answer at (x = lon, lat) is approximate, if it is. */
  private eezApproximation(x: number, lat: number): Approximation | undefined {
    const w = EEZ_WINDOW;
    if (x < w.west || x > w.east || lat < w.south || lat > w.north) {
      return {
        reason: `outside the approximate EEZ's window (${w.west}–${w.east}°E, ${w.south}–${w.north}°N)`,
      };
    }
    const d = this.eez.nearestEdgeKm(x, lat, this.edgeKm);
    if (d === null) return undefined;
    return {
      reason: `within ${this.edgeKm} km of an edge of the approximate (equidistance) EEZ`,
      edgeDistanceKm: Math.round(d * 1000) / 1000,
    };
  }

  /** Classifies each point of a ground track, then groups them into runs and sovereign spans. */
  classifyGroundTrack(points: readonly LatLon[]): GroundTrackClassification {
    const answers = points.map((p) => this.regionAt(p.lat, p.lon));
    return { points: answers, ...summariseTrack(answers) };
  }

  /** Prefectures and provinces within `km` (geodesic) of (lat, lon), nearest first. */
  subdivisionsWithinKm(lat: number, lon: number, km: number): SubdivisionDistance[] {
    return this.proximity.withinKm(lat, lon, km);
  }

  /** Prefectures and provinces that intersect an impact ellipse, nearest first. */
  subdivisionsInEllipse(ellipse: ImpactEllipse): SubdivisionDistance[] {
    return this.proximity.inEllipse(ellipse);
  }
}

/** Builds the region index from parsed layers. */
export function buildRegionIndex(layers: GeodataLayers, options: RegionIndexOptions = {}): RegionIndex {
  return new RegionIndex(layers, options);
}

function subdivisionKey(s: Subdivision): string {
  return `${s.nation}-${s.code}-${s.area ?? ""}`;
}

function runKey(r: Region): string {
  const nation = r.kind === "open-sea" ? "" : (r.nation ?? "");
  const sub = r.kind === "land" && r.subdivision ? subdivisionKey(r.subdivision) : "";
  return `${r.kind}|${nation}|${sub}|${r.disputed?.zone ?? ""}`;
}

/** Runs of equal primary classification, sovereign spans and subdivisions overflown. */
export function summariseTrack(answers: readonly RegionAnswer[]): Omit<GroundTrackClassification, "points"> {
  const runs: TrackRun[] = [];
  const sovereignSpans: SovereignSpan[] = [];
  const overflown = new Map<string, Subdivision>();
  let lastKey = "";
  answers.forEach((a, i) => {
    const primary = a.regions[0] as Region;
    const key = runKey(primary);
    const last = runs[runs.length - 1];
    if (last && key === lastKey) last.endIndex = i;
    else {
      const run: TrackRun = {
        kind: primary.kind,
        nation: primary.kind === "open-sea" ? null : primary.nation,
        startIndex: i,
        endIndex: i,
      };
      if (primary.kind === "land" && primary.subdivision) run.subdivision = primary.subdivision;
      if (primary.disputed) run.disputedZone = primary.disputed.zone;
      runs.push(run);
    }
    lastKey = key;

    const subs = a.regions.flatMap((r) => (r.kind === "land" && r.subdivision ? [r.subdivision] : []));
    for (const s of subs) if (!overflown.has(subdivisionKey(s))) overflown.set(subdivisionKey(s), s);
    if (primary.kind !== "land" && primary.kind !== "territorial-sea") return;
    const span = sovereignSpans[sovereignSpans.length - 1];
    if (span && span.nation === primary.nation && span.endIndex === i - 1) {
      span.endIndex = i;
      span.disputed ||= a.disputed.length > 0;
      for (const s of subs)
        if (!span.subdivisions.some((t) => subdivisionKey(t) === subdivisionKey(s)))
          span.subdivisions.push(s);
    } else {
      sovereignSpans.push({
        nation: primary.nation,
        startIndex: i,
        endIndex: i,
        subdivisions: [...subs],
        disputed: a.disputed.length > 0,
      });
    }
  });
  return { runs, sovereignSpans, subdivisionsOverflown: [...overflown.values()] };
}
