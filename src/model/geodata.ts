/**
 * The boundary files under geodata/ (GeoJSON, RFC 7946: WGS-84, [lon, lat] positions in degrees) and
 * the properties each layer carries. `src/config/geodata.ts` reads the files through these schemas;
 * `src/geo/regions.ts` builds its index from the parsed layers. See docs/DATA.md for sources.
 */
import { z } from "zod";

/** ISO 3166-1 alpha-3 nation code (JPN, KOR, PRK, …). */
export const NationCode = z.string().regex(/^[A-Z]{3}$/, "ISO 3166-1 alpha-3 code");
export type NationCode = z.infer<typeof NationCode>;

/** A GeoJSON position: [longitude, latitude] in degrees (longitude first, as GeoJSON orders it). */
export const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type Position = z.infer<typeof Position>;

/** A closed linear ring: at least four positions, the last equal to the first. */
export const LinearRing = z
  .array(Position)
  .min(4)
  .refine((r) => {
    const a = r[0];
    const b = r[r.length - 1];
    return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
  }, "ring is not closed (last position differs from the first)");
export type LinearRing = z.infer<typeof LinearRing>;

/** Polygon coordinates: an outer ring then its holes. */
export const PolygonCoordinates = z.array(LinearRing).min(1);
export type PolygonCoordinates = z.infer<typeof PolygonCoordinates>;

/** A Polygon or MultiPolygon geometry. */
export const AreaGeometry = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("Polygon"), coordinates: PolygonCoordinates }),
  z.strictObject({ type: z.literal("MultiPolygon"), coordinates: z.array(PolygonCoordinates).min(1) }),
]);
export type AreaGeometry = z.infer<typeof AreaGeometry>;

/** A feature collection whose features have area geometries and the given properties. */
export function areaCollection<P extends z.ZodType>(properties: P) {
  return z.strictObject({
    type: z.literal("FeatureCollection"),
    features: z.array(
      z.strictObject({
        type: z.literal("Feature"),
        id: z.union([z.string(), z.number()]).optional(),
        properties,
        geometry: AreaGeometry,
      }),
    ),
  });
}

/** A Japanese prefecture (Natural Earth admin-1); Tokyo comes as two features, mainland and islands. */
export const PrefectureProperties = z.strictObject({
  /** JIS X 0401 prefecture code, "01" (Hokkaido) … "47" (Okinawa). */
  jis_code: z.string().regex(/^(0[1-9]|[1-3]\d|4[0-7])$/, "JIS X 0401 code 01–47"),
  iso_3166_2: z.string().regex(/^JP-\d{2}$/),
  name_en: z.string().min(1),
  name_ja: z.string().min(1),
  wikidata: z.string().optional(),
  /** Only for Tokyo (13): its mainland or its Izu and Ogasawara island municipalities. */
  area: z.enum(["mainland", "tokyo-islands"]).optional(),
});
export type PrefectureProperties = z.infer<typeof PrefectureProperties>;

/** A Korean first-level division (시도) from KOSTAT SGIS 2018 census boundaries. */
export const ProvinceProperties = z.strictObject({
  /** KOSTAT SGIS census code of the 시도 (11 Seoul … 39 Jeju), as in the 2018 data. */
  kostat_code: z.string().regex(/^\d{2}$/),
  iso_3166_2: z.string().regex(/^KR-\d{2}$/),
  name_en: z.string().min(1),
  name_ko: z.string().min(1),
  base_year: z.string().regex(/^\d{4}$/),
});
export type ProvinceProperties = z.infer<typeof ProvinceProperties>;

/** Another nation's land (Natural Earth admin-0). */
export const CountryProperties = z.strictObject({ iso_a3: NationCode, name_en: z.string().min(1) });
export type CountryProperties = z.infer<typeof CountryProperties>;

/** Land + internal waters + territorial sea of a nation (OpenStreetMap admin_level 2). */
export const TerritorialSeaProperties = z.strictObject({ iso_a3: NationCode, osm_snapshot: z.string() });
export type TerritorialSeaProperties = z.infer<typeof TerritorialSeaProperties>;

/** One zone of the approximate equidistance EEZ (includes the land and territorial sea inside it). */
export const EezProperties = z.strictObject({
  /** Nation code, or a label such as DISPUTED_TAKESHIMA_DOKDO or JPN_OKINOTORISHIMA. */
  owner: z.string().regex(/^[A-Z_]+$/),
  iso_a3: NationCode.nullable(),
  status: z.enum(["approx_equidistance", "disputed", "contested_feature"]),
  claimants: z.array(NationCode).min(1),
  administered_by: NationCode.optional(),
  note: z.string().optional(),
});
export type EezProperties = z.infer<typeof EezProperties>;

/** A 12 NM flag zone around a disputed feature: points inside are flagged, never assigned. */
export const DisputedZoneProperties = z.strictObject({
  id: z.string().regex(/^[A-Z_]+$/),
  name_en: z.string(),
  name_ja: z.string(),
  name_ko: z.string(),
  administered_by: NationCode,
  claimants: z.array(NationCode).min(1),
  note: z.string(),
});
export type DisputedZoneProperties = z.infer<typeof DisputedZoneProperties>;

/** The layer files and their schemas. */
export const PrefectureCollection = areaCollection(PrefectureProperties);
/** KOSTAT provinces file. */
export const ProvinceCollection = areaCollection(ProvinceProperties);
/** Other nations' land file. */
export const CountryCollection = areaCollection(CountryProperties);
/** Territorial sea file. */
export const TerritorialSeaCollection = areaCollection(TerritorialSeaProperties);
/** Approximate EEZ file. */
export const EezCollection = areaCollection(EezProperties);
/** Disputed flag zones file. */
export const DisputedZoneCollection = areaCollection(DisputedZoneProperties);

/** One parsed area feature of a layer. */
export interface AreaFeature<P> {
  properties: P;
  geometry: AreaGeometry;
}

/** Every layer the region lookup needs, parsed. */
export interface GeodataLayers {
  prefectures: AreaFeature<PrefectureProperties>[];
  provinces: AreaFeature<ProvinceProperties>[];
  countries: AreaFeature<CountryProperties>[];
  territorialSea: AreaFeature<TerritorialSeaProperties>[];
  eez: AreaFeature<EezProperties>[];
  disputedZones: AreaFeature<DisputedZoneProperties>[];
}
