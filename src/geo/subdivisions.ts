/** Subdivision records (official codes and names) from the prefecture and province layers' properties. */
import type { PrefectureProperties, ProvinceProperties } from "../model/geodata.ts";
import type { Subdivision } from "../model/region.ts";

/** Maps a prefecture's properties to its subdivision record. */
export function prefectureSubdivision(p: PrefectureProperties): Subdivision {
  const s: Subdivision = {
    nation: "JPN",
    codeScheme: "JIS X 0401",
    code: p.jis_code,
    iso3166_2: p.iso_3166_2,
    nameEn: p.name_en,
    nameNative: p.name_ja,
  };
  if (p.area) s.area = p.area;
  return s;
}

/** Maps a KOSTAT province's properties to its subdivision record. */
export function provinceSubdivision(p: ProvinceProperties): Subdivision {
  return {
    nation: "KOR",
    codeScheme: "KOSTAT SGIS 2018",
    code: p.kostat_code,
    iso3166_2: p.iso_3166_2,
    nameEn: p.name_en,
    nameNative: p.name_ko,
  };
}
