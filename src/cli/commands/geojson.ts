/**
 * `triwatch geojson NAME --out F`: a scenario run as one GeoJSON FeatureCollection (RFC 7946, lon/lat,
 * counter-clockwise exterior rings, cut at the antimeridian; src/codecs/geojson): each confirmed track's
 * last report (trajectory, launch point, predicted impact point, 95 % impact ellipse), the areas of every
 * public warning issued, and the approximate coverage of the sensors. `--nation` narrows it to one
 * nation's tracks, warnings and sensors.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  alertToGeoJson,
  checkGeoJson,
  type Feature,
  type FeatureCollection,
  sensorCoverageToGeoJson,
  trackReportToGeoJson,
} from "../../codecs/geojson/index.ts";
import { InputError, loadFile } from "../../config/files.ts";
import { loadRegionIndex } from "../../config/geodata.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../../config/project.ts";
import { Topology } from "../../model/topology.ts";
import { loadScenarioFile } from "../../sim/scenario-file.ts";
import { type CliIo, UsageError } from "../io.ts";
import { fileErrors, loadSensorDir, scenarioPath } from "./scenario.ts";
import { type ScenarioPicture, scenarioPicture } from "./scenario-feed.ts";
import { shownPath } from "./track.ts";

/** Target altitude (m) of the coverage footprints by default: a missile in mid-course, well above 100 km. */
export const DEFAULT_COVERAGE_ALTITUDE_M = 300_000;

/** The picture as one FeatureCollection: last report per track, warning areas, sensor coverage. */
export function pictureToGeoJson(p: ScenarioPicture, coverageAltitudeM: number): FeatureCollection {
  const lastByTrack = new Map<string, ScenarioPicture["reports"][number]>();
  for (const r of p.reports) lastByTrack.set(r.report.trackId, r);
  const tag = (fc: FeatureCollection, extra: Feature["properties"]): Feature[] =>
    fc.features.map((f) => ({ ...f, properties: { ...f.properties, ...extra } }));
  const features = [
    ...[...lastByTrack.values()].flatMap((r) =>
      tag(trackReportToGeoJson(r.report), { layer: "track", nation: r.nation }),
    ),
    ...p.alerts.flatMap((a) => tag(alertToGeoJson(a), { layer: "warning", nation: a.issuer.nation })),
    ...tag(sensorCoverageToGeoJson(p.sensors, { altitudeM: coverageAltitudeM }), { layer: "coverage" }),
  ];
  return { type: "FeatureCollection", features };
}

/** Registers `geojson`. */
export function registerGeoJson(program: Command, io: CliIo): void {
  program
    .command("geojson")
    .description("a scenario run as GeoJSON: tracks, 95 % impact ellipses, warning areas, sensor coverage")
    .argument("<name>", "scenario name (see `triwatch scenario list`) or a path to a scenario .yaml file")
    .requiredOption("--out <file>", "GeoJSON file to write (- for standard output)")
    .option("--nation <code>", "only this nation's tracks, warnings and sensors: USA, KOR or JPN")
    .option("--seed <n>", "seed of the sensor simulation", "1")
    .option("--sensors <dir>", "directory of sensor set files (*.yaml)", `${PROJECT_ROOT}/sensors`)
    .option("--coverage-altitude <km>", "target altitude of the coverage footprints (km)", "300")
    .action(
      (
        name: string,
        opts: { out: string; nation?: string; seed: string; sensors: string; coverageAltitude: string },
      ) => {
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed) || seed < 0)
          throw new UsageError(`--seed ${opts.seed}: expected an integer ≥ 0`);
        const altKm = Number(opts.coverageAltitude);
        if (!Number.isFinite(altKm) || altKm < 0)
          throw new UsageError(`--coverage-altitude ${opts.coverageAltitude}: expected a number of km ≥ 0`);
        const nation = opts.nation?.toUpperCase();
        if (nation !== undefined && !["USA", "KOR", "JPN"].includes(nation))
          throw new UsageError(`--nation ${opts.nation}: expected USA, KOR or JPN`);
        const path = scenarioPath(name);
        const parsed = loadScenarioFile(shownPath(path));
        if (!parsed.ok) throw fileErrors(parsed.errors);
        const sensors = loadSensorDir(opts.sensors);
        const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
        io.err(`${parsed.value.id}: tracking (seed ${seed})…`);
        const picture = scenarioPicture(parsed.value, shownPath(path), sensors, topology, {
          seed,
          regions: loadRegionIndex(),
          ...(nation ? { nations: [nation] } : {}),
        });
        if (!picture.ok) throw fileErrors(picture.errors);
        const fc = pictureToGeoJson(picture.value, altKm * 1000);
        const check = checkGeoJson(fc);
        if (!check.ok) throw new Error(`GeoJSON export is inconsistent: ${check.problems.join("; ")}`);
        const text = `${JSON.stringify(fc)}\n`;
        if (opts.out === "-") io.out(text);
        else {
          try {
            writeFileSync(opts.out, text);
          } catch (e) {
            throw new InputError(opts.out, "", `cannot write (${(e as NodeJS.ErrnoException).code ?? e})`);
          }
          const count = (layer: string) => fc.features.filter((f) => f.properties.layer === layer).length;
          io.err(
            `${parsed.value.id}: ${fc.features.length} features (${count("track")} track, ${count("warning")} warning, ${count("coverage")} coverage) written to ${opts.out}`,
          );
        }
      },
    );
}
