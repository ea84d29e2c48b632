/**
 * `triwatch scenario list` and `triwatch scenario run NAME`: a historical launch flown, seen by every
 * nation's sensors and tracked by each nation on its own sensors, summarised per nation.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { fileErrors, InputError, loadFile } from "../../config/files.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../../config/project.ts";
import { loadSensors } from "../../exercise/inputs.ts";
import type { Sensor } from "../../model/sensing.ts";
import { Topology } from "../../model/topology.ts";
import { runScenario, type ScenarioResult } from "../../sim/run-scenario.ts";
import type { OffsetEstimate } from "../../sim/scenario-evaluation.ts";
import { loadScenarioFile } from "../../sim/scenario-file.ts";
import { table } from "../format.ts";
import { type CliIo, UsageError } from "../io.ts";
import { scenarioWarnings, warningsJson, writeAlerts } from "./alerts.ts";
import { shownPath } from "./track.ts";

/** Where the scenario and sensor files live by default. */
export const SCENARIO_DIR = join(PROJECT_ROOT, "scenarios");
const SENSOR_DIR = join(PROJECT_ROOT, "sensors");

export { fileErrors };

/** Scenario names (file names without .yaml) in a directory. */
export function scenarioNames(dir = SCENARIO_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""))
    .sort();
}

/** The file of a scenario given by name, or by a path to a .yaml file. */
export function scenarioPath(name: string, dir = SCENARIO_DIR): string {
  if (name.endsWith(".yaml") || name.includes("/")) {
    if (!existsSync(name)) throw new InputError(name, "", "no such file");
    return name;
  }
  const path = join(dir, `${name}.yaml`);
  if (!existsSync(path))
    throw new UsageError(`unknown scenario "${name}" (available: ${scenarioNames(dir).join(", ")})`);
  return path;
}

/** Every sensor of every sensor set file (*.yaml) in a directory; errors name file and field. */
export function loadSensorDir(dir: string): Sensor[] {
  return loadSensors(dir);
}

const km = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(d);
const secs = (x: number | null | undefined): string =>
  x === null || x === undefined ? "–" : `+${x.toFixed(0)}`;
const errs = (xs: OffsetEstimate[]): string => xs.map((x) => km(x.estimate?.impactErrorKm)).join(" / ");

/** Renders a scenario result as text: the truth, then one row per nation and object. */
export function renderScenario(r: ScenarioResult): string {
  const lines = [`Scenario ${r.scenarioId}: ${r.title} (seed ${r.seed})`, ""];
  const objects = r.nations[0]?.objects ?? [];
  for (const o of objects) {
    const t = o.truth;
    lines.push(
      `Truth ${o.objectId}: launch ${t.launch.latDeg.toFixed(3)}, ${t.launch.lonDeg.toFixed(3)}; burnout +${t.burnoutS.toFixed(0)} s; ` +
        (t.impact
          ? `impact ${t.impact.latDeg.toFixed(3)}, ${t.impact.lonDeg.toFixed(3)} at +${t.impact.tS.toFixed(0)} s; `
          : "no impact (orbit or time limit); ") +
        `apogee ${t.apogeeKm.toFixed(0)} km; range ${km(t.rangeKm)} km; ${t.class}${t.lofted ? " lofted" : ""}`,
    );
  }
  lines.push("");
  const rows: string[][] = [];
  for (const n of r.nations)
    for (const o of n.objects) {
      const f = o.final;
      // Launch point and class from 120 s into the coast: the final state may be in re-entry, where the
      // drag-free back-propagation and the energy classifier no longer hold.
      const c = o.afterCoastStart.find((x) => x.offsetS === 120)?.estimate ?? f;
      rows.push([
        n.nation,
        ...(objects.length > 1 ? [o.objectId] : []),
        o.firstDetection
          ? `${secs(o.firstDetection.observedS)} (${secs(o.firstDetection.receivedS)})`
          : "none",
        o.firstTrack ? `${secs(o.firstTrack.confirmedS)} (${secs(o.firstTrack.receivedS)})` : "none",
        errs(o.afterFirstTrack),
        secs(o.coastTrackStartS),
        errs(o.afterCoastStart),
        c ? km(c.launchErrorKm) : "–",
        c ? `${c.class}${c.lofted ? " lofted" : ""}` : "–",
        f ? km(f.impactErrorKm, 2) : "–",
        f ? `${km(f.impactEllipse95Km.semiMajor, 2)} × ${km(f.impactEllipse95Km.semiMinor, 2)}` : "–",
      ]);
    }
  lines.push(
    table(
      [
        "nation",
        ...(objects.length > 1 ? ["object"] : []),
        "first det (rcvd)",
        "first track (rcvd)",
        "impact err +30/60/120 s",
        "coast track",
        "impact err +30/60/120 s",
        "launch err",
        "class",
        "final impact err",
        "95 % ellipse",
      ],
      rows,
    ),
  );
  lines.push(
    "",
    "Times in s after launch; (rcvd) adds the sensor latency. Errors in km: impact error at 30/60/120 s after the",
    "first confirmed track, and after the first confirmed track at or after burnout (coast track). Launch error",
    "and class are taken 120 s after the coast track start; the launch point is a ballistic back-propagation,",
    "offset along the track by the powered ascent (tens of km, behind the pad for these flights). Final: the",
    "last track state on the object. --json adds the error timeline.",
  );
  const late = r.nations.filter((n) => n.lateScansDropped > 0);
  if (late.length > 0)
    lines.push(
      `Dropped as out of sequence (arrived after a later scan): ${late.map((n) => `${n.nation} ${n.lateScansDropped} scans`).join(", ")}.`,
    );
  return lines.join("\n");
}

/** Registers `scenario list` and `scenario run`. */
export function registerScenario(program: Command, io: CliIo): void {
  const scenario = program
    .command("scenario")
    .description("historical launches: fly them, sense them, track them per nation");
  scenario
    .command("list")
    .description("list the scenarios in scenarios/")
    .option("--json", "machine-readable output")
    .action((opts: { json?: boolean }) => {
      const rows = scenarioNames().map((name) => {
        const r = loadScenarioFile(join(SCENARIO_DIR, `${name}.yaml`));
        return r.ok
          ? { name, title: r.value.title, launches: r.value.launches.length, error: null }
          : { name, title: "", launches: 0, error: r.errors[0] ?? "invalid" };
      });
      if (opts.json) io.out(JSON.stringify({ scenarios: rows }, null, 2));
      else
        io.out(
          table(
            ["name", "launches", "title"],
            rows.map((r) => [r.name, String(r.launches), r.error ? `INVALID: ${r.error}` : r.title]),
          ),
        );
    });
  scenario
    .command("run")
    .description("fly a scenario, simulate every sensor and run one tracker per nation on its own sensors")
    .argument("<name>", "scenario name (see `triwatch scenario list`) or a path to a scenario .yaml file")
    .option("--seed <n>", "seed of the sensor noise, detections and false alarms", "1")
    .option("--sensors <dir>", "directory of sensor set files (*.yaml)", SENSOR_DIR)
    .option("--filter <ekf|ukf>", "filter family of every nation's tracker", "ekf")
    .option("--json", "machine-readable output (includes the error timeline and each nation's warnings)")
    .option("--alerts <dir>", "write each nation's public warnings as CAP 1.2 files <id>.xml in DIR")
    .action(
      (
        name: string,
        opts: { seed: string; sensors: string; filter: string; json?: boolean; alerts?: string },
      ) => {
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed) || seed < 0)
          throw new UsageError(`--seed ${opts.seed}: expected an integer ≥ 0`);
        if (opts.filter !== "ekf" && opts.filter !== "ukf")
          throw new UsageError(`--filter ${opts.filter}: expected ekf or ukf`);
        const path = scenarioPath(name);
        const parsed = loadScenarioFile(shownPath(path));
        if (!parsed.ok) throw fileErrors(parsed.errors);
        const sensors = loadSensorDir(opts.sensors);
        const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
        const started = io.now();
        io.err(
          `${parsed.value.id}: flying, simulating ${sensors.length} sensors (seed ${seed}), tracking per nation…`,
        );
        const result = runScenario(parsed.value, shownPath(path), sensors, topology, {
          seed,
          tracker: { filter: opts.filter },
        });
        if (!result.ok) throw fileErrors(result.errors);
        io.err(`${parsed.value.id}: done in ${((io.now() - started) / 1000).toFixed(1)} s`);
        const warned =
          opts.json || opts.alerts !== undefined
            ? scenarioWarnings(parsed.value, shownPath(path), sensors, topology, {
                seed,
                tracker: { filter: opts.filter },
              })
            : undefined;
        if (warned && !warned.ok) throw fileErrors(warned.errors);
        if (warned && opts.alerts !== undefined) {
          const files = writeAlerts(
            opts.alerts,
            warned.value.flatMap((n) => n.alerts),
          );
          io.err(`${parsed.value.id}: ${files.length} CAP alerts written to ${opts.alerts}`);
        }
        io.out(
          opts.json
            ? JSON.stringify(
                { ...result.value, warnings: warned?.ok ? warningsJson(warned.value) : [] },
                null,
                2,
              )
            : renderScenario(result.value),
        );
      },
    );
}
