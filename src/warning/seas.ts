/**
 * The sea a point lies in, for "●●海に落下" and "●●へ通過". Coarse boxes around Japan and Korea, good
 * enough to name the body of water in a public message; not a hydrographic boundary (IHO S-23 limits are
 * not in the project's data).
 */

/** A sea's name in Japanese, Korean and English. */
export interface SeaName {
  ja: string;
  ko: string;
  en: string;
}

const JAPAN_SEA: SeaName = { ja: "日本海", ko: "동해", en: "Sea of Japan (East Sea)" };
const OKHOTSK: SeaName = { ja: "オホーツク海", ko: "오호츠크해", en: "Sea of Okhotsk" };
const EAST_CHINA: SeaName = { ja: "東シナ海", ko: "동중국해", en: "East China Sea" };
const YELLOW: SeaName = { ja: "黄海", ko: "서해", en: "Yellow Sea" };
const PACIFIC: SeaName = { ja: "太平洋", ko: "태평양", en: "Pacific Ocean" };

/** Eastern limit (°E) of the Sea of Japan by latitude: the line of the Japanese coast, coarsely. */
function japanSeaEast(lat: number): number {
  if (lat < 34.5) return 131;
  if (lat < 36) return 134;
  if (lat < 38) return 139;
  if (lat < 41.3) return 140;
  if (lat < 45.5) return 141.8;
  return 142;
}

/** The named sea at a point (the Pacific when no smaller sea contains it). */
export function seaAt(lat: number, lon: number): SeaName {
  if (lat >= 44 && lat <= 60 && lon > 142 && lon <= 156) return OKHOTSK;
  if (lat >= 33.5 && lat <= 52 && lon >= 127.5 && lon <= japanSeaEast(lat)) return JAPAN_SEA;
  if (lat >= 34 && lat <= 41 && lon >= 117 && lon < 126.8) return YELLOW;
  // West of the Ryukyu arc, roughly the line (24.3°N, 123°E)–(31°N, 130.5°E).
  if (lat >= 24 && lat < 34 && lon >= 119 && lon < 123 + (lat - 24.3) * 1.1) return EAST_CHINA;
  return PACIFIC;
}
