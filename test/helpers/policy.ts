/** Shared fixtures for policy tests: the real project data and the example items. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject, PROJECT_ROOT, type ProjectData } from "../../src/config/project.ts";
import { Item, shiftTrackTimes, type TrackReport } from "../../src/model/item.ts";
import { parseIso } from "../../src/model/time.ts";
import type { ParameterOverrides } from "../../src/policy/policy.ts";

let cached: ProjectData | undefined;

/** The project's real agreements, schemes and topology, compiled with default parameters. */
export function project(overrides?: ParameterOverrides): ProjectData {
  if (overrides) return loadProject(undefined, overrides);
  cached ??= loadProject();
  return cached;
}

/** An example item from `examples/`, parsed. */
export function example(name: string): Item {
  return Item.parse(JSON.parse(readFileSync(join(PROJECT_ROOT, "examples", `${name}.json`), "utf8")));
}

/** An example track report from `examples/`. */
export function trackExample(name: string): TrackReport {
  const item = example(name);
  if (item.kind !== "track-report") throw new Error(`${name} is not a track report`);
  return item;
}

/** Epoch ms of an ISO time; throws on a bad literal in a test. */
export function t(iso: string): number {
  const r = parseIso(iso);
  if (!r.ok) throw new Error(r.why);
  return r.ms;
}

/** Shifts every time of a track report by whole days (to replay the same launch on another date). */
export function shiftDays(item: TrackReport, days: number): TrackReport {
  return shiftTrackTimes(item, days * 86_400_000);
}
