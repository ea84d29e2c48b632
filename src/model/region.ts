/**
 * What the region lookup answers for a point: land, territorial sea, EEZ or open sea, with the
 * prefecture or province and their official codes, and flags for disputed places and for answers that
 * rest on the approximate EEZ. Public warnings (J-Alert's prefecture targeting, "impact inside the
 * territorial sea", "impact outside the EEZ") are built on these records.
 */
import { z } from "zod";
import { NationCode } from "./geodata.ts";

export { NationCode };

/** A first-level division: a Japanese prefecture or a Korean 시도, with its official codes and names. */
export const Subdivision = z.strictObject({
  nation: z.enum(["JPN", "KOR"]),
  /** Which code list `code` comes from. */
  codeScheme: z.enum(["JIS X 0401", "KOSTAT SGIS 2018"]),
  /** "13" (Tokyo, JIS X 0401) or "37" (경상북도, KOSTAT census code). */
  code: z.string().regex(/^\d{2}$/),
  /** ISO 3166-2 code, e.g. JP-13, KR-47. */
  iso3166_2: z.string().regex(/^(JP|KR)-\d{2}$/),
  nameEn: z.string(),
  /** Name in Japanese or Korean script. */
  nameNative: z.string(),
  /** Tokyo only: whether the point is in the Izu/Ogasawara island municipalities (J-Alert targets them apart). */
  area: z.enum(["mainland", "tokyo-islands"]).optional(),
});
export type Subdivision = z.infer<typeof Subdivision>;

/** The point lies in a disputed area: the lookup reports the claimants and decides nothing. */
export const DisputedFlag = z.strictObject({
  /** Zone id: TAKESHIMA_DOKDO, SENKAKU, NORTHERN_TERRITORIES, OKINOTORISHIMA. */
  zone: z.string(),
  nameEn: z.string(),
  claimants: z.array(NationCode).min(1),
  /** Who administers it de facto (what the source data records), not a ruling on sovereignty. */
  administeredBy: NationCode.nullable(),
  note: z.string(),
});
export type DisputedFlag = z.infer<typeof DisputedFlag>;

/** Why an answer is approximate (e.g. within 5 km of an edge of the approximate EEZ). */
export const Approximation = z.strictObject({
  reason: z.string(),
  /** Distance to the nearest approximate edge, when that is the reason. */
  edgeDistanceKm: z.number().nonnegative().optional(),
});
export type Approximation = z.infer<typeof Approximation>;

const common = {
  /** Set when the point is in a disputed area; `nation` is then only what the source data records. */
  disputed: DisputedFlag.optional(),
  approximate: Approximation.optional(),
};

/** Land of a nation; for JPN and KOR with the prefecture or province. */
export const LandRegion = z.strictObject({
  kind: z.literal("land"),
  nation: NationCode,
  subdivision: Subdivision.optional(),
  /** Dataset that placed the point on land. */
  source: z.enum(["natural-earth-admin1", "kostat-2018", "natural-earth-admin0"]),
  ...common,
});

/** Territorial sea (12 NM, or 3 NM in Japan's designated straits) or internal waters of JPN or KOR. */
export const TerritorialSeaRegion = z.strictObject({
  kind: z.literal("territorial-sea"),
  nation: NationCode,
  source: z.literal("openstreetmap"),
  ...common,
});

/** Inside an approximate equidistance EEZ zone (not on land, not in a territorial sea). */
export const EezRegion = z.strictObject({
  kind: z.literal("eez"),
  /** The zone's nation; null for a zone drawn around a disputed feature. */
  nation: NationCode.nullable(),
  /** The data's zone label (JPN, DISPUTED_SENKAKU, JPN_OKINOTORISHIMA, …). */
  zone: z.string(),
  source: z.literal("approximate-equidistance"),
  ...common,
});

/** Outside every EEZ zone of the data (or outside the data's window, then `approximate` says so). */
export const OpenSeaRegion = z.strictObject({
  kind: z.literal("open-sea"),
  ...common,
});

/** One classification of a point. */
export const Region = z.discriminatedUnion("kind", [
  LandRegion,
  TerritorialSeaRegion,
  EezRegion,
  OpenSeaRegion,
]);
export type Region = z.infer<typeof Region>;
/** The kinds, most specific first. */
export type RegionKind = Region["kind"];

/** Everything that applies at one point. */
export const RegionAnswer = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /**
   * Most specific kind first: land records, else territorial-sea records, else EEZ records, else one
   * open-sea record. Several records of one kind mean overlapping data (e.g. a border), all reported.
   */
  regions: z.array(Region).min(1),
  /** Every disputed zone containing the point (also copied onto each record). */
  disputed: z.array(DisputedFlag),
});
export type RegionAnswer = z.infer<typeof RegionAnswer>;

/** A stretch of consecutive ground-track points with the same primary classification. */
export const TrackRun = z.strictObject({
  kind: z.enum(["land", "territorial-sea", "eez", "open-sea"]),
  nation: NationCode.nullable(),
  subdivision: Subdivision.optional(),
  disputedZone: z.string().optional(),
  /** First and last point index (inclusive). */
  startIndex: z.number().int().nonnegative(),
  endIndex: z.number().int().nonnegative(),
});
export type TrackRun = z.infer<typeof TrackRun>;

/** A stretch over one nation's land or territorial sea (what "overflight" warnings are about). */
export const SovereignSpan = z.strictObject({
  nation: NationCode,
  startIndex: z.number().int().nonnegative(),
  endIndex: z.number().int().nonnegative(),
  /** Prefectures/provinces overflown in this span, in order of first overflight. */
  subdivisions: z.array(Subdivision),
  /** Whether any point of the span is flagged disputed. */
  disputed: z.boolean(),
});
export type SovereignSpan = z.infer<typeof SovereignSpan>;

/** A classified ground track. */
export const GroundTrackClassification = z.strictObject({
  points: z.array(RegionAnswer),
  runs: z.array(TrackRun),
  /** Land or territorial sea spans per nation, in track order. */
  sovereignSpans: z.array(SovereignSpan),
  /** Distinct prefectures/provinces under the track (land points only), in order of first overflight. */
  subdivisionsOverflown: z.array(Subdivision),
});
export type GroundTrackClassification = z.infer<typeof GroundTrackClassification>;

/** An impact ellipse on the ground: centre, semi-axes (km, geodesic) and the major axis's azimuth. */
export const ImpactEllipse = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  semiMajorKm: z.number().positive(),
  semiMinorKm: z.number().positive(),
  /** Azimuth of the major axis, degrees clockwise from north. */
  majorAxisAzimuthDeg: z.number(),
});
export type ImpactEllipse = z.infer<typeof ImpactEllipse>;

/** A prefecture or province near a point or ellipse, with its geodesic distance from the centre. */
export const SubdivisionDistance = z.strictObject({
  subdivision: Subdivision,
  /** Shortest distance (km) from the centre to the subdivision; 0 when the centre is inside it. */
  distanceKm: z.number().nonnegative(),
});
export type SubdivisionDistance = z.infer<typeof SubdivisionDistance>;
