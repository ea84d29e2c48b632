/**
 * Builds the project's geodata/ from the reviewed boundary files in ../shared/geodata (see its README and
 * docs/DATA.md). Geometry is copied vertex for vertex (no simplification: the files are already small);
 * what changes is the properties (trimmed and normalised: claimants as arrays), the split of Tokyo into
 * its mainland and its island municipalities, and the removal of JPN and KOR from the admin-0 layer
 * (their land comes from the prefecture and province layers).
 *
 *   npx tsx scripts/build-geodata.ts [sourceDir] [outDir]
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Ring = [number, number][];
type Polygon = Ring[];
interface Feature {
  type: "Feature";
  properties: Record<string, unknown>;
  geometry: { type: "Polygon"; coordinates: Polygon } | { type: "MultiPolygon"; coordinates: Polygon[] };
}
interface Collection {
  type: "FeatureCollection";
  features: Feature[];
}

const source = process.argv[2] ?? join(import.meta.dirname, "..", "..", "shared", "geodata");
const out = process.argv[3] ?? join(import.meta.dirname, "..", "geodata");

/** Parts of JP-13 lying wholly south of this latitude are the Izu and Ogasawara island municipalities. */
const TOKYO_ISLANDS_NORTH_LIMIT = 35.2;

function read(name: string): Collection {
  return JSON.parse(readFileSync(join(source, name), "utf8")) as Collection;
}

function pick(props: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of keys) if (props[k] !== undefined) o[k] = props[k];
  return o;
}

function partsOf(f: Feature): Polygon[] {
  return f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
}

function multi(parts: Polygon[]): Feature["geometry"] {
  return parts.length === 1 && parts[0]
    ? { type: "Polygon", coordinates: parts[0] }
    : { type: "MultiPolygon", coordinates: parts };
}

/** "KOR(administers),JPN" → { claimants: ["KOR","JPN"], administered_by: "KOR" }. */
function claimants(text: string): { claimants: string[]; administered_by?: string } {
  const items = text.split(",").map((s) => s.trim());
  const admin = items.find((s) => s.endsWith("(administers)"));
  const codes = items.map((s) => s.replace("(administers)", ""));
  return admin
    ? { claimants: codes, administered_by: admin.replace("(administers)", "") }
    : { claimants: codes };
}

function write(name: string, features: Feature[]): void {
  const text = `${JSON.stringify({ type: "FeatureCollection", features })}\n`;
  writeFileSync(join(out, name), text);
  console.log(
    `${name}: ${features.length} features, ${(statSync(join(out, name)).size / 1024).toFixed(0)} KB`,
  );
}

// Japanese prefectures (Natural Earth admin-1); JP-13 split into mainland and islands.
const prefectures: Feature[] = [];
for (const f of read("jp_prefectures_ne10m.geojson").features) {
  const props = pick(f.properties, ["jis_code", "iso_3166_2", "name_en", "name_ja", "wikidata"]);
  if (props.jis_code !== "13") {
    prefectures.push({ type: "Feature", properties: props, geometry: f.geometry });
    continue;
  }
  const parts = partsOf(f);
  const islands = parts.filter((p) => (p[0] ?? []).every(([, lat]) => lat < TOKYO_ISLANDS_NORTH_LIMIT));
  const mainland = parts.filter((p) => !islands.includes(p));
  prefectures.push({
    type: "Feature",
    properties: { ...props, area: "mainland" },
    geometry: multi(mainland),
  });
  prefectures.push({
    type: "Feature",
    properties: { ...props, area: "tokyo-islands" },
    geometry: multi(islands),
  });
}
write("jp_prefectures_ne10m.geojson", prefectures);

// Korean provinces (KOSTAT SGIS 2018, KOGL Type 1).
write(
  "kr_provinces_kostat2018.geojson",
  read("kr_provinces_kostat2018.geojson").features.map((f) => ({
    type: "Feature",
    properties: pick(f.properties, ["kostat_code", "iso_3166_2", "name_en", "name_ko", "base_year"]),
    geometry: f.geometry,
  })),
);

// Other nations' land (Natural Earth admin-0 via world-atlas); JPN and KOR come from the layers above.
write(
  "ne10m_countries_east_asia.geojson",
  read("ne10m_countries_east_asia.geojson")
    .features.filter((f) => f.properties.iso_a3 !== "JPN" && f.properties.iso_a3 !== "KOR")
    .map((f) => ({
      type: "Feature",
      properties: pick(f.properties, ["iso_a3", "name_en"]),
      geometry: f.geometry,
    })),
);

// Territorial sea (OpenStreetMap, ODbL): land + internal waters + territorial sea of JPN and KOR.
write(
  "jp_kr_territorial_sea_osm.geojson",
  read("jp_kr_territorial_sea_osm.geojson").features.map((f) => ({
    type: "Feature",
    properties: pick(f.properties, ["iso_a3", "osm_snapshot"]),
    geometry: f.geometry,
  })),
);

// Approximate equidistance EEZ.
write(
  "eez_approx_equidistance_east_asia.geojson",
  read("eez_approx_equidistance_east_asia.geojson").features.map((f) => ({
    type: "Feature",
    properties: {
      ...pick(f.properties, ["owner", "iso_a3", "status", "note"]),
      ...claimants(String(f.properties.claimants)),
    },
    geometry: f.geometry,
  })),
);

// Disputed-area flag zones.
write(
  "disputed_flag_zones_12nm.geojson",
  read("disputed_flag_zones_12nm.geojson").features.map((f) => ({
    type: "Feature",
    properties: {
      ...pick(f.properties, ["id", "name_en", "name_ja", "name_ko", "administered_by", "note"]),
      claimants: String(f.properties.claimants).split(","),
    },
    geometry: f.geometry,
  })),
);
