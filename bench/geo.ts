/**
 * Region lookup speed: a 5,000-point ground track (the 2022-10-04 overflight proxy: geodesic from
 * Mupyong-ri through Aomori city, 4,600 km) classified with the R-tree index and, in the same run, with
 * the brute-force scan over every edge. Also: loading the files, building the index, proximity queries.
 *
 *   npx tsx bench/geo.ts
 */
import geodesic from "geographiclib-geodesic";
import { loadGeodata } from "../src/config/geodata.ts";
import { geodesicPath } from "../src/geo/geodesic-path.ts";
import { buildRegionIndex, type RegionIndex } from "../src/geo/regions.ts";

const WGS84 = geodesic.Geodesic.WGS84;

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const load = time(() => loadGeodata());
const layers = load.value;
const build = time(() => buildRegionIndex(layers));
const scanBuild = time(() => buildRegionIndex(layers, { locator: "scan" }));
const indexed: RegionIndex = build.value;
const scan: RegionIndex = scanBuild.value;

const from = { lat: 40.61, lon: 126.43 };
const inv = WGS84.Inverse(from.lat, from.lon, 40.8244, 140.74);
const end = WGS84.Direct(from.lat, from.lon, inv.azi1 ?? 0, 4_600_000);
const track = geodesicPath(from, { lat: end.lat2 ?? 0, lon: end.lon2 ?? 0 }, 5000);

for (let i = 0; i < 3; i++) indexed.classifyGroundTrack(track); // warm-up
const indexedRuns = Array.from({ length: 15 }, () => time(() => indexed.classifyGroundTrack(track)).ms);
scan.classifyGroundTrack(track.slice(0, 200)); // warm-up
const scanRuns = Array.from({ length: 3 }, () => time(() => scan.classifyGroundTrack(track)));
const a = JSON.stringify(indexed.classifyGroundTrack(track));
const same = scanRuns.every((r) => JSON.stringify(r.value) === a);

const proximity = Array.from(
  { length: 20 },
  () => time(() => indexed.subdivisionsWithinKm(35.6895, 139.6917, 100)).ms,
);
const ellipse = Array.from(
  { length: 20 },
  () =>
    time(() =>
      indexed.subdivisionsInEllipse({
        lat: 40.9,
        lon: 140.0,
        semiMajorKm: 300,
        semiMinorKm: 60,
        majorAxisAzimuthDeg: 80,
      }),
    ).ms,
);

const im = median(indexedRuns);
const sm = median(scanRuns.map((r) => r.ms));
console.log(`load + validate geodata files: ${load.ms.toFixed(0)} ms`);
console.log(`build index: ${build.ms.toFixed(1)} ms (scan reference: ${scanBuild.ms.toFixed(1)} ms)`);
console.log(
  `classifyGroundTrack, 5,000 points, R-tree index: ${im.toFixed(2)} ms median of 15 (${((im * 1000) / 5000).toFixed(2)} µs/point)`,
);
console.log(`classifyGroundTrack, 5,000 points, brute-force scan: ${sm.toFixed(0)} ms median of 3`);
console.log(`speed-up: ${(sm / im).toFixed(0)}×; answers identical: ${same}`);
console.log(`subdivisionsWithinKm(Tokyo, 100 km): ${median(proximity).toFixed(2)} ms median of 20`);
console.log(`subdivisionsInEllipse(300 × 60 km off Tsugaru): ${median(ellipse).toFixed(2)} ms median of 20`);
