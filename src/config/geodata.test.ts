import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "./files.ts";
import { GEODATA_DIR, GEODATA_FILES, loadGeodata, loadRegionIndex } from "./geodata.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of geodata/ in a temporary directory, with one file's text replaced. */
function copyWith(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "triwatch-geodata-"));
  dirs.push(dir);
  for (const f of Object.values(GEODATA_FILES)) copyFileSync(join(GEODATA_DIR, f), join(dir, f));
  writeFileSync(join(dir, file), edit(readFileSync(join(GEODATA_DIR, file), "utf8")));
  return dir;
}

describe("geodata adapter", () => {
  it("loads every layer of the project's geodata", () => {
    const layers = loadGeodata();
    expect(layers.prefectures.length).toBe(48); // 47 prefectures, Tokyo as mainland + islands
    expect(new Set(layers.prefectures.map((f) => f.properties.jis_code)).size).toBe(47);
    expect(layers.provinces.length).toBe(17);
    expect(layers.countries.map((f) => f.properties.iso_a3)).not.toContain("JPN");
    expect(layers.territorialSea.map((f) => f.properties.iso_a3).sort()).toEqual(["JPN", "KOR"]);
    expect(layers.eez.length).toBe(13);
    expect(layers.disputedZones.map((f) => f.properties.id).sort()).toEqual([
      "NORTHERN_TERRITORIES",
      "OKINOTORISHIMA",
      "SENKAKU",
      "TAKESHIMA_DOKDO",
    ]);
    expect(loadRegionIndex().regionAt(35.6895, 139.6917).regions[0]?.kind).toBe("land");
  });

  it("names the file and the field of a bad property", () => {
    const dir = copyWith(GEODATA_FILES.prefectures, (t) => t.replace('"jis_code":"02"', '"jis_code":"99"'));
    expect(() => loadGeodata(dir)).toThrow(InputError);
    expect(() => loadGeodata(dir)).toThrow(
      /jp_prefectures_ne10m\.geojson: features\[\d+\]\.properties\.jis_code: /,
    );
  });

  it("names the ring of an unclosed polygon", () => {
    const dir = copyWith(GEODATA_FILES.disputedZones, (t) => {
      const j = JSON.parse(t);
      j.features[1].geometry.coordinates[0][0].pop();
      return JSON.stringify(j);
    });
    expect(() => loadGeodata(dir)).toThrow(
      /disputed_flag_zones_12nm\.geojson: features\[1\]\.geometry\.coordinates\[0\]\[0\]: ring is not closed/,
    );
  });

  it("reports malformed JSON and missing files by name", () => {
    const bad = copyWith(GEODATA_FILES.eez, (t) => t.slice(0, 100));
    expect(() => loadGeodata(bad)).toThrow(/eez_approx_equidistance_east_asia\.geojson: malformed JSON/);
    const missing = copyWith(GEODATA_FILES.eez, (t) => t);
    rmSync(join(missing, GEODATA_FILES.countries));
    expect(() => loadGeodata(missing)).toThrow(/ne10m_countries_east_asia\.geojson: no such file/);
  });
});
