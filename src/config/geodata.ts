/**
 * Reads the project's boundary files (geodata/, see docs/DATA.md) through their zod schemas and builds
 * the region index. Errors are InputErrors naming the file and the field (`features[3].properties.jis_code`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { buildRegionIndex, type RegionIndex, type RegionIndexOptions } from "../geo/regions.ts";
import {
  type AreaFeature,
  CountryCollection,
  DisputedZoneCollection,
  EezCollection,
  type GeodataLayers,
  PrefectureCollection,
  ProvinceCollection,
  TerritorialSeaCollection,
} from "../model/geodata.ts";
import { InputError, zodToInputError } from "./files.ts";
import { PROJECT_ROOT } from "./project.ts";

/** The project's geodata directory. */
export const GEODATA_DIR = join(PROJECT_ROOT, "geodata");

/** File name of each layer inside the geodata directory. */
export const GEODATA_FILES = {
  prefectures: "jp_prefectures_ne10m.geojson",
  provinces: "kr_provinces_kostat2018.geojson",
  countries: "ne10m_countries_east_asia.geojson",
  territorialSea: "jp_kr_territorial_sea_osm.geojson",
  eez: "eez_approx_equidistance_east_asia.geojson",
  disputedZones: "disputed_flag_zones_12nm.geojson",
} as const satisfies Record<keyof GeodataLayers, string>;

function layer<P>(
  dir: string,
  file: string,
  schema: z.ZodType<{ features: { properties: P; geometry: AreaFeature<P>["geometry"] }[] }>,
): AreaFeature<P>[] {
  // Read here rather than by files.ts's loadFile, which would parse a .geojson file as YAML (slow, lax).
  let text: string;
  try {
    text = readFileSync(join(dir, file), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, "", code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, "", `malformed JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw zodToInputError(file, parsed.error);
  return parsed.data.features.map((f) => ({ properties: f.properties, geometry: f.geometry }));
}

/** Reads and validates every layer; throws InputError naming the file and field on any problem. */
export function loadGeodata(dir: string = GEODATA_DIR): GeodataLayers {
  return {
    prefectures: layer(dir, GEODATA_FILES.prefectures, PrefectureCollection),
    provinces: layer(dir, GEODATA_FILES.provinces, ProvinceCollection),
    countries: layer(dir, GEODATA_FILES.countries, CountryCollection),
    territorialSea: layer(dir, GEODATA_FILES.territorialSea, TerritorialSeaCollection),
    eez: layer(dir, GEODATA_FILES.eez, EezCollection),
    disputedZones: layer(dir, GEODATA_FILES.disputedZones, DisputedZoneCollection),
  };
}

/** Reads the geodata and builds the region index. */
export function loadRegionIndex(dir: string = GEODATA_DIR, options: RegionIndexOptions = {}): RegionIndex {
  return buildRegionIndex(loadGeodata(dir), options);
}
