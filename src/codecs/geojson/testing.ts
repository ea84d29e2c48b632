// Test support: Ajv (draft-07) with the shared GeoJSON schema, and the example inputs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { TrackReport } from "../../model/item.ts";
import { SCHEMAS } from "../testing/xmllint.ts";
import { checkGeoJson } from "./check.ts";
import type { FeatureCollection } from "./types.ts";

const schema: unknown = JSON.parse(readFileSync(`${SCHEMAS}geojson/GeoJSON.json`, "utf8"));
const validate = new Ajv({ allErrors: true }).compile(schema as object);

/** Schema errors (Ajv, draft-07, schemas/geojson/GeoJSON.json) and checkGeoJson problems; empty if valid. */
export function geoJsonProblems(fc: FeatureCollection): string[] {
  const schemaErrors = validate(fc)
    ? []
    : (validate.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message ?? ""}`);
  const check = checkGeoJson(fc);
  return [...schemaErrors, ...(check.ok ? [] : check.problems)];
}

/** The example track report of a nation (examples/<nation>-track-report.json). */
export function exampleTrackReport(nation: "jpn" | "rok" | "usa"): TrackReport {
  const path = fileURLToPath(new URL(`../../../examples/${nation}-track-report.json`, import.meta.url));
  return TrackReport.parse(JSON.parse(readFileSync(path, "utf8")));
}
