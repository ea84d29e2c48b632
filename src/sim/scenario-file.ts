/**
 * Loads scenario YAML files (src/model/scenario.ts) with errors naming the file and the field path.
 */
import { readFileSync } from "node:fs";
import { type FileResult, parseYaml } from "../config/parse.ts";
import { Scenario } from "../model/scenario.ts";

/** Parses scenario YAML text; `file` labels the messages. */
export function parseScenario(text: string, file: string): FileResult<Scenario> {
  return parseYaml(text, file, Scenario);
}

/** Reads and parses a scenario file; a missing file is an error value too. */
export function loadScenarioFile(path: string): FileResult<Scenario> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { ok: false, errors: [`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`] };
  }
  return parseScenario(text, path);
}

/** Unix seconds from an ISO 8601 UTC time string (already validated by the schema). */
export function unixSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}
