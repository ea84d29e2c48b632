/**
 * STIX 2.1 bundle → IntelReport. Strict at the edge: every object is parsed by its zod schema, an object
 * of a type Triwatch does not carry is refused by id (never dropped), every object must carry the one
 * Triwatch security-label marking, `modified` may not precede `created`, references must resolve and
 * every object must belong to the report.
 */
import type { z } from "zod";
import { IntelReport } from "../../model/item.ts";
import { isoToMs } from "../../model/time.ts";
import { labelFromMarking } from "./marking.ts";
import {
  BundleEnvelope,
  LABEL_DEFINITION_TYPE,
  type LabelMarking,
  OBJECT_SCHEMAS,
  SEISMIC_EXT,
  type StixMarkedObject,
  type StixObject,
  type StixReport,
  VESSEL_EXT,
} from "./objects.ts";
import { fromStixTime } from "./time.ts";

/** Why a bundle was refused. */
export interface StixError {
  readonly code:
    | "STIX_NOT_BUNDLE"
    | "STIX_UNKNOWN_TYPE"
    | "STIX_INVALID"
    | "STIX_BAD_TIMESTAMP"
    | "STIX_UNMARKED"
    | "STIX_MARKING"
    | "STIX_DUPLICATE_ID"
    | "STIX_REPORT_COUNT"
    | "STIX_BROKEN_REF"
    | "STIX_UNREFERENCED"
    | "STIX_INVALID_REPORT";
  readonly message: string;
  /** The STIX id of the object at fault, when there is one. */
  readonly objectId?: string;
  /** Where in the bundle, e.g. `objects[3].created`. */
  readonly path?: string;
}

/** The report, or why the bundle was refused. */
export type StixParse = { ok: true; report: IntelReport } | { ok: false; error: StixError };

class Refused extends Error {
  constructor(readonly error: StixError) {
    super(error.message);
  }
}
const refuse = (error: StixError): never => {
  throw new Refused(error);
};

function issueError(issue: z.core.$ZodIssue, at: string, objectId?: string): StixError {
  const path = [at, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  const timestamp = issue.code === "custom" && issue.params?.timestamp === true;
  return {
    code: timestamp ? "STIX_BAD_TIMESTAMP" : "STIX_INVALID",
    message: `${objectId ?? "bundle"}: ${path}: ${issue.message}`,
    path,
    ...(objectId === undefined ? {} : { objectId }),
  };
}

function parseObject(raw: { type: string; id: string }, i: number): StixObject {
  const at = `objects[${i}]`;
  const schema = (OBJECT_SCHEMAS as Record<string, z.ZodType<StixObject>>)[raw.type];
  if (schema === undefined)
    return refuse({
      code: "STIX_UNKNOWN_TYPE",
      message: `${raw.id}: objects of type "${raw.type}" are not carried by Triwatch; the bundle is refused rather than dropping it`,
      objectId: raw.id,
      path: `${at}.type`,
    });
  const definitionType = (raw as { definition_type?: unknown }).definition_type;
  if (raw.type === "marking-definition" && definitionType !== LABEL_DEFINITION_TYPE)
    return refuse({
      code: "STIX_MARKING",
      message: `${raw.id} is a marking Triwatch cannot map (${String(definitionType ?? (raw as { name?: unknown }).name ?? "no definition_type")}): only the national security label (${LABEL_DEFINITION_TYPE}) is carried, and a TLP colour is not a classification`,
      objectId: raw.id,
      path: `${at}.definition_type`,
    });
  const r = schema.safeParse(raw);
  if (!r.success) return refuse(issueError(r.error.issues[0] as z.core.$ZodIssue, at, raw.id));
  return r.data;
}

function checkMarkingAndTimes(o: StixMarkedObject, marking: LabelMarking): void {
  const refs = o.object_marking_refs;
  if (refs === undefined)
    refuse({ code: "STIX_UNMARKED", message: `${o.id} carries no marking`, objectId: o.id });
  else if (refs.length !== 1 || refs[0] !== marking.id)
    refuse({
      code: "STIX_MARKING",
      message: `${o.id} must carry exactly the bundle's security label ${marking.id}, not ${refs.join(", ")}`,
      objectId: o.id,
    });
  if (isoToMs(o.modified) < isoToMs(o.created))
    refuse({
      code: "STIX_BAD_TIMESTAMP",
      message: `${o.id}: modified ${o.modified} is before created ${o.created}`,
      objectId: o.id,
    });
}

function lookup<T extends StixObject["type"]>(
  byId: Map<string, StixObject>,
  id: string,
  type: T,
  from: string,
): Extract<StixObject, { type: T }> {
  const o = byId.get(id);
  if (o === undefined || o.type !== type)
    return refuse({
      code: "STIX_BROKEN_REF",
      message: `${from} refers to ${id}, which is not a ${type} in the bundle`,
      objectId: from,
    });
  return o as Extract<StixObject, { type: T }>;
}

function attachments(report: StixReport, byId: Map<string, StixObject>, reached: Set<string>): unknown[] {
  const out: unknown[] = [];
  const skip = new Set<string>();
  for (const ref of report.object_refs) {
    const o = byId.get(ref);
    if (o === undefined)
      refuse({
        code: "STIX_BROKEN_REF",
        message: `${report.id} refers to ${ref}, not in the bundle`,
        objectId: report.id,
      });
    reached.add(ref);
    if (skip.has(ref)) continue;
    const seismic = o?.type === "location" ? o.extensions?.[SEISMIC_EXT] : undefined;
    if (o?.type === "location" && seismic !== undefined)
      out.push({
        kind: "seismic-event",
        originTime: fromStixTime(seismic.origin_time),
        lat: o.latitude,
        lon: o.longitude,
        magnitude: seismic.magnitude,
        magnitudeType: seismic.magnitude_type,
        agency: seismic.agency,
      });
    else if (o?.type === "indicator")
      out.push({
        kind: "indicator",
        pattern: o.pattern,
        patternType: o.pattern_type,
        ...(o.description === undefined ? {} : { description: o.description }),
      });
    else if (o?.type === "location")
      out.push({ kind: "location", name: o.name, lat: o.latitude, lon: o.longitude });
    else if (o?.type === "sighting") {
      const vessel = lookup(byId, o.sighting_of_ref, "infrastructure", o.id);
      const ext = vessel.extensions?.[VESSEL_EXT];
      const where = lookup(byId, o.where_sighted_refs[0], "location", o.id);
      for (const id of [vessel.id, where.id]) {
        skip.add(id);
        reached.add(id);
      }
      out.push({
        kind: "vessel",
        name: vessel.name,
        ...(ext?.imo === undefined ? {} : { imo: ext.imo }),
        ...(ext?.flag === undefined ? {} : { flag: ext.flag }),
        observedAt: fromStixTime(o.first_seen),
        lat: where.latitude,
        lon: where.longitude,
        activity: o.description,
      });
    } else if (o?.type !== "identity" && o?.type !== "infrastructure")
      refuse({
        code: "STIX_INVALID",
        message: `${report.id} may not refer to ${ref} (${o?.type})`,
        objectId: report.id,
      });
  }
  return out;
}

function read(input: unknown): IntelReport {
  const env = BundleEnvelope.safeParse(input);
  if (!env.success) {
    const e = issueError(env.error.issues[0] as z.core.$ZodIssue, "");
    return refuse({ ...e, code: "STIX_NOT_BUNDLE" });
  }
  const objects = env.data.objects.map(parseObject);
  const byId = new Map<string, StixObject>();
  for (const o of objects) {
    if (byId.has(o.id))
      refuse({ code: "STIX_DUPLICATE_ID", message: `${o.id} appears twice`, objectId: o.id });
    byId.set(o.id, o);
  }
  const markings = objects.filter((o): o is LabelMarking => o.type === "marking-definition");
  const marking = markings[0];
  if (marking === undefined || markings.length > 1)
    return refuse({
      code: "STIX_MARKING",
      message: `a bundle carries exactly one security label; found ${markings.length}`,
    });
  const marked = objects.filter((o): o is StixMarkedObject => o.type !== "marking-definition");
  for (const o of marked) checkMarkingAndTimes(o, marking);
  const reports = marked.filter((o): o is StixReport => o.type === "report");
  const report = reports[0];
  if (report === undefined || reports.length > 1)
    return refuse({
      code: "STIX_REPORT_COUNT",
      message: `a bundle carries exactly one report; found ${reports.length}`,
    });
  const identity = lookup(byId, report.created_by_ref ?? "(none)", "identity", report.id);
  if (identity.name !== marking.definition.originator)
    refuse({
      code: "STIX_MARKING",
      message: `${report.id} is created by ${identity.name} but labelled by ${marking.definition.originator}`,
      objectId: report.id,
    });
  const reached = new Set([report.id, marking.id]);
  const items = attachments(report, byId, reached);
  const orphan = objects.find((o) => !reached.has(o.id));
  if (orphan !== undefined)
    refuse({
      code: "STIX_UNREFERENCED",
      message: `${orphan.id} is not part of the report`,
      objectId: orphan.id,
    });
  const parsed = IntelReport.safeParse({
    kind: "intel-report",
    id: report.external_references[0]?.external_id,
    label: labelFromMarking(marking.definition, report.report_types),
    producedAt: fromStixTime(report.published),
    title: report.name,
    body: report.description,
    attachments: items,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    return refuse({
      code: "STIX_INVALID_REPORT",
      message: `${report.id}: ${issue.path.join(".")}: ${issue.message}`,
      objectId: report.id,
    });
  }
  return parsed.data;
}

/** Reads a bundle (already JSON-parsed) into an intelligence report, or says why it was refused. */
export function stixToIntelReport(bundle: unknown): StixParse {
  try {
    return { ok: true, report: read(bundle) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: e.error };
    throw e;
  }
}
