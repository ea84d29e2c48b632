/**
 * `triwatch track --measurements FILE.json --out TRACKS.json`: the tracker alone over recorded
 * detections (docs/FORMATS.md: `triwatch-measurements/1` in, `triwatch-tracks/1` out), so that other
 * trackers can be compared on the same data.
 */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Command } from "commander";
import { InputError, loadFile } from "../../config/files.ts";
import { MeasurementsFile } from "../../model/sensing.ts";
import { isoUtc } from "../../model/time.ts";
import {
  firstOutOfOrder,
  TrackingInputError,
  type TracksFile,
  trackDetections,
} from "../../tracking/index.ts";
import { table } from "../format.ts";
import { type CliIo, UsageError } from "../io.ts";

/** The file name as the user should see it (relative to the working directory when inside it). */
export function shownPath(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** Runs the tracker over a parsed measurements file; bad detections become errors naming file and index. */
export function trackMeasurements(file: MeasurementsFile, shown: string, filter: "ekf" | "ukf"): TracksFile {
  const bad = firstOutOfOrder(file.detections);
  if (bad >= 0) {
    const prev = file.detections[bad - 1]?.t;
    const cur = file.detections[bad]?.t;
    throw new InputError(
      shown,
      `detections[${bad}].t`,
      `earlier than detections[${bad - 1}] (${cur} < ${prev}); detections must be in time order`,
    );
  }
  try {
    return trackDetections(file, { tracker: { filter } });
  } catch (e) {
    if (!(e instanceof TrackingInputError)) throw e;
    const d = file.detections[e.index];
    if (e.code === "UNKNOWN_SENSOR")
      throw new InputError(
        shown,
        `detections[${e.index}].sensorId`,
        `unknown sensor "${d?.sensorId}" (sensors: ${file.sensors.map((s) => s.id).join(", ")})`,
      );
    if (e.code === "DETECTION_INCOMPLETE")
      throw new InputError(shown, `detections[${e.index}].rangeM`, `missing: ${e.message}`);
    throw new InputError(shown, `detections[${e.index}]`, e.message);
  }
}

/** One printed line per reported track. */
export function renderTracks(tracks: TracksFile): string {
  if (tracks.tracks.length === 0) return "No confirmed tracks.";
  return table(
    [
      "track",
      "status",
      "hits",
      "confirmed",
      "impact (lat, lon)",
      "at",
      "95 % ellipse",
      "class",
      "apogee",
      "range",
    ],
    tracks.tracks.map((t) => {
      const e = t.estimates;
      return [
        t.id,
        t.status,
        String(t.hits),
        t.confirmedT === undefined ? "–" : isoUtc(t.confirmedT * 1000).slice(11, 19),
        e ? `${e.impact.latDeg.toFixed(3)}, ${e.impact.lonDeg.toFixed(3)}` : "–",
        e ? isoUtc(e.impact.t * 1000).slice(11, 19) : "–",
        e
          ? `${(e.impact.ellipse95.semiMajorM / 1000).toFixed(1)} × ${(e.impact.ellipse95.semiMinorM / 1000).toFixed(1)} km`
          : "–",
        e ? `${e.class}${e.lofted ? " lofted" : ""}` : "–",
        e ? `${(e.apogee.heightM / 1000).toFixed(0)} km` : "–",
        e ? `${(e.groundRangeM / 1000).toFixed(0)} km` : "–",
      ];
    }),
  );
}

/** Registers `track`. */
export function registerTrack(program: Command, io: CliIo): void {
  program
    .command("track")
    .description(
      "run the tracker alone over recorded detections (triwatch-measurements/1, see docs/FORMATS.md) and write the tracks",
    )
    .requiredOption("--measurements <file.json>", "sensors and time-ordered detections")
    .requiredOption("--out <tracks.json>", "where to write the tracks (triwatch-tracks/1)")
    .option("--filter <ekf|ukf>", "filter family", "ekf")
    .option("--json", "print the summary as JSON instead of a table")
    .action((opts: { measurements: string; out: string; filter: string; json?: boolean }) => {
      if (opts.filter !== "ekf" && opts.filter !== "ukf")
        throw new UsageError(`--filter ${opts.filter}: expected ekf or ukf`);
      const shown = shownPath(opts.measurements);
      const file = loadFile(opts.measurements, MeasurementsFile);
      const slow = file.detections.length > 2000;
      const started = io.now();
      if (slow)
        io.err(
          `tracking ${file.detections.length} detections from ${file.sensors.length} sensors (${opts.filter})…`,
        );
      const tracks = trackMeasurements(file, shown, opts.filter);
      try {
        writeFileSync(opts.out, `${JSON.stringify(tracks)}\n`);
      } catch (e) {
        throw new InputError(
          shownPath(opts.out),
          "",
          `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        );
      }
      if (slow) io.err(`done in ${((io.now() - started) / 1000).toFixed(1)} s`);
      const confirmed = tracks.tracks.filter((t) => t.confirmedT !== undefined).length;
      if (opts.json) {
        io.out(
          JSON.stringify(
            {
              out: opts.out,
              detections: file.detections.length,
              tracks: tracks.tracks.length,
              confirmed,
              withEstimates: tracks.tracks.filter((t) => t.estimates).length,
            },
            null,
            2,
          ),
        );
      } else {
        io.out(
          `${file.detections.length} detections from ${file.sensors.length} sensors → ${confirmed} confirmed tracks, written to ${opts.out}\n\n${renderTracks(tracks)}`,
        );
      }
    });
}
