/**
 * Test support: validates STIX objects and bundles against the OASIS STIX 2.1 JSON schemas in
 * `schemas/stix2.1/schemas` (copied from `../shared/schemas`) (Ajv 8, 2020-12 mode, every schema file loaded first). Compiled once.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { PROJECT_ROOT } from "../../../config/project.ts";

/** Folder of the STIX 2.1 schemas. */
export const STIX_SCHEMAS = resolve(PROJECT_ROOT, "schemas/stix2.1/schemas");
const BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith(".json") ? [p] : [];
  });
}

let compiled: ((ref: string) => ValidateFunction) | undefined;

function validator(ref: string): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: false });
    // url-regex.json uses `format: "uri"`, checked by ajv-formats. `idn-hostname` (domain-name SCO, not
    // written by Triwatch) has no ajv-formats checker: Ajv warns and ignores it.
    addFormats.default(ajv);
    for (const f of files(STIX_SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(f, "utf8")));
    const cache = new Map<string, ValidateFunction>();
    compiled = (r) => {
      let v = cache.get(r);
      if (v === undefined) {
        const fn = ajv.getSchema(`${BASE}${r}`);
        if (fn === undefined) throw new Error(`no STIX schema ${r}`);
        v = fn;
        cache.set(r, v);
      }
      return v;
    };
  }
  return compiled(ref);
}

const SCHEMA_OF: Record<string, string> = {
  "marking-definition": "common/marking-definition.json",
  report: "sdos/report.json",
  identity: "sdos/identity.json",
  indicator: "sdos/indicator.json",
  location: "sdos/location.json",
  sighting: "sros/sighting.json",
  infrastructure: "sdos/infrastructure.json",
};

/**
 * Types that upstream `bundle.json` (@ 3bf9e69d) does not list among its SDOs although STIX 2.1 defines
 * them: such an object falls to the bundle's custom-object branch, where it matches both `core.json` and
 * `cyber-observable-core.json` of a `oneOf`, so no bundle holding a location can pass. Read from the file.
 */
export const UNLISTED_IN_BUNDLE_SCHEMA: ReadonlySet<string> = (() => {
  const bundle = JSON.parse(readFileSync(join(STIX_SCHEMAS, "common/bundle.json"), "utf8")) as {
    properties: { objects: { items: { anyOf: [{ oneOf: { $ref: string }[] }] } } };
  };
  const listed = new Set(
    bundle.properties.objects.items.anyOf[0].oneOf.map((r) => r.$ref.replace(/^.*\/|\.json$/g, "")),
  );
  return new Set(["location", "grouping", "incident", "note", "opinion"].filter((t) => !listed.has(t)));
})();

/** Errors of one value against one schema (`sdos/location.json`, `common/bundle.json` …); empty when valid. */
export function schemaErrors(ref: string, value: unknown): string[] {
  const v = validator(ref);
  return v(value) ? [] : [`${ref}: ${JSON.stringify(v.errors?.slice(0, 3))}`];
}

/**
 * Schema errors of a bundle; empty when valid. Every object is checked against its own type's schema;
 * the bundle against `bundle.json`, leaving out only objects of the types that schema fails to list
 * (`UNLISTED_IN_BUNDLE_SCHEMA`), which their own schema has checked.
 */
export function stixSchemaErrors(bundle: { objects: readonly { type: string; id: string }[] }): string[] {
  const out: string[] = [];
  for (const o of bundle.objects) {
    const ref = SCHEMA_OF[o.type];
    if (ref === undefined) out.push(`${o.id}: no schema for type ${o.type}`);
    else out.push(...schemaErrors(ref, o).map((e) => `${o.id} ${e}`));
  }
  const listed = bundle.objects.filter((o) => !UNLISTED_IN_BUNDLE_SCHEMA.has(o.type));
  out.push(...schemaErrors("common/bundle.json", { ...bundle, objects: listed }).map((e) => `bundle ${e}`));
  return out;
}
