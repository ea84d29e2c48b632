/**
 * What an exercise reads from the project: the scenario file, every sensor set, and the labels each
 * nation's node puts on the tracks it produces (`config/track-labels.yaml`, assumptions). Problems are
 * `InputError`s naming the file and field.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { fileErrors, InputError, loadFile } from "../config/files.ts";
import { PROJECT_ROOT } from "../config/project.ts";
import { Label } from "../model/label.ts";
import { PartyCode } from "../model/party.ts";
import type { Scenario } from "../model/scenario.ts";
import type { Sensor } from "../model/sensing.ts";
import { loadScenarioFile } from "../sim/scenario-file.ts";
import { loadSensorSetFile } from "../sim/sensor-file.ts";

export const SCENARIO_DIR = join(PROJECT_ROOT, "scenarios");
export const SENSOR_DIR = join(PROJECT_ROOT, "sensors");
export const TRACK_LABELS_FILE = join(PROJECT_ROOT, "config", "track-labels.yaml");

/** Per party, the label its nodes put on the tracks they produce. */
export const TrackLabelsFile = z.strictObject({ labels: z.record(PartyCode, Label) });
export type TrackLabelsFile = z.infer<typeof TrackLabelsFile>;

const shown = (path: string): string => relative(process.cwd(), path) || path;

/** Scenario ids: the `.yaml` files of the scenario directory. */
export function scenarioIds(dir = SCENARIO_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** A scenario by id (a file of the scenario directory) or by path to a `.yaml` file. */
export function loadScenario(idOrPath: string, dir = SCENARIO_DIR): { scenario: Scenario; file: string } {
  const file = idOrPath.endsWith(".yaml") ? idOrPath : join(dir, `${idOrPath}.yaml`);
  if (!existsSync(file)) {
    const known = scenarioIds(dir).join(", ");
    throw new InputError(shown(file), "", `no such scenario (available: ${known})`);
  }
  const r = loadScenarioFile(file);
  if (!r.ok) throw fileErrors(r.errors);
  return { scenario: r.value, file };
}

/** Every sensor of every set in the directory. */
export function loadSensors(dir = SENSOR_DIR): Sensor[] {
  if (!existsSync(dir)) throw new InputError(shown(dir), "", "no such directory");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  if (files.length === 0) throw new InputError(shown(dir), "", "no sensor set files (*.yaml)");
  return files.flatMap((f) => {
    const r = loadSensorSetFile(shown(join(dir, f)));
    if (!r.ok) throw fileErrors(r.errors);
    return r.value.sensors;
  });
}

/** The track labels, each checked to name its own party as originator. */
export function loadTrackLabels(file = TRACK_LABELS_FILE): Map<string, Label> {
  const parsed = loadFile(file, TrackLabelsFile);
  const out = new Map<string, Label>();
  for (const [party, label] of Object.entries(parsed.labels)) {
    if (label.originator !== party)
      throw new InputError(
        shown(file),
        `labels.${party}.originator`,
        `must be ${party}, not ${label.originator}`,
      );
    out.set(party, label);
  }
  return out;
}
