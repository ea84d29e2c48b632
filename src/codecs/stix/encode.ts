/**
 * IntelReport → STIX 2.1 bundle: one `report` SDO, the originator as an `identity`, one or more objects
 * per attachment and the label as one marking definition that every other object references.
 * Sources and methods (`sensor`, `collection`) are never written.
 */
import { ALWAYS_SOURCE_FIELDS, type Attachment, type IntelReport } from "../../model/item.ts";
import { isoToMs } from "../../model/time.ts";
import { stixId } from "./ids.ts";
import { labelMarking } from "./marking.ts";
import {
  SEISMIC_EXT,
  type StixBundle,
  type StixMarkedObject,
  type StixObject,
  VESSEL_EXT,
} from "./objects.ts";
import { toStixTime } from "./time.ts";

/** Options of an export. */
export interface StixExportOptions {
  /** Time of this version of the objects (`modified`); defaults to `producedAt`, never before it. */
  readonly modified?: string;
}

/** A report that cannot be exported as asked (a caller's error, not a data error). */
export class StixExportError extends Error {
  /** Stable code. */
  readonly code: "STIX_MODIFIED_BEFORE_CREATED" | "STIX_SOURCE_FIELD_PRESENT";
  constructor(code: StixExportError["code"], message: string) {
    super(message);
    this.name = "StixExportError";
    this.code = code;
  }
}

type Attach = (typeof Attachment)["_output"];
type Common = Pick<StixMarkedObject, "spec_version" | "created" | "modified" | "object_marking_refs"> & {
  created_by_ref: string;
};

function hasPath(obj: unknown, path: string): boolean {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur !== undefined;
}

function attachmentObjects(a: Attach, i: number, itemId: string, c: Common): StixMarkedObject[] {
  const part = `attachment/${i}`;
  switch (a.kind) {
    case "seismic-event":
      return [
        {
          type: "location",
          id: stixId("location", itemId, part),
          ...c,
          latitude: a.lat,
          longitude: a.lon,
          extensions: {
            [SEISMIC_EXT]: {
              extension_type: "property-extension",
              origin_time: toStixTime(a.originTime),
              magnitude: a.magnitude,
              magnitude_type: a.magnitudeType,
              agency: a.agency,
            },
          },
        },
      ];
    case "indicator":
      return [
        {
          type: "indicator",
          id: stixId("indicator", itemId, part),
          ...c,
          pattern: a.pattern,
          pattern_type: a.patternType,
          valid_from: c.created,
          ...(a.description === undefined ? {} : { description: a.description }),
        },
      ];
    case "location":
      return [
        {
          type: "location",
          id: stixId("location", itemId, part),
          ...c,
          name: a.name,
          latitude: a.lat,
          longitude: a.lon,
        },
      ];
    case "vessel": {
      const vessel = stixId("infrastructure", itemId, part);
      const where = stixId("location", itemId, `${part}/position`);
      const seen = toStixTime(a.observedAt);
      return [
        {
          type: "sighting",
          id: stixId("sighting", itemId, part),
          ...c,
          sighting_of_ref: vessel,
          where_sighted_refs: [where],
          first_seen: seen,
          last_seen: seen,
          description: a.activity,
        },
        {
          type: "infrastructure",
          id: vessel,
          ...c,
          name: a.name,
          infrastructure_types: ["vessel"],
          ...(a.imo === undefined && a.flag === undefined
            ? {}
            : {
                extensions: {
                  [VESSEL_EXT]: {
                    extension_type: "property-extension",
                    ...(a.imo === undefined ? {} : { imo: a.imo }),
                    ...(a.flag === undefined ? {} : { flag: a.flag }),
                  },
                },
              }),
        },
        { type: "location", id: where, ...c, latitude: a.lat, longitude: a.lon },
      ];
    }
  }
}

/** The report as a STIX 2.1 bundle with deterministic ids (UUIDv5 of the item id). */
export function intelReportToStix(report: IntelReport, options: StixExportOptions = {}): StixBundle {
  const exportable = report.label.sourceFields.filter(
    (f) => !(ALWAYS_SOURCE_FIELDS as readonly string[]).includes(f.split(".")[0] as string),
  );
  const present = exportable.filter((f) => hasPath(report, f));
  if (present.length > 0)
    throw new StixExportError(
      "STIX_SOURCE_FIELD_PRESENT",
      `${report.id}: sources-and-methods fields ${present.join(", ")} are present; sanitise before export`,
    );
  const created = toStixTime(report.producedAt);
  const modified = options.modified === undefined ? created : toStixTime(options.modified);
  if (isoToMs(modified) < isoToMs(created))
    throw new StixExportError(
      "STIX_MODIFIED_BEFORE_CREATED",
      `${report.id}: modified ${modified} is before created ${created}`,
    );
  const marking = labelMarking(report.id, report.label, created);
  const identity = stixId("identity", report.id, "originator");
  const c: Common = {
    spec_version: "2.1",
    created,
    modified,
    created_by_ref: identity,
    object_marking_refs: [marking.id],
  };
  const parts = report.attachments.flatMap((a, i) => attachmentObjects(a, i, report.id, c));
  const objects: StixObject[] = [
    {
      type: "report",
      id: stixId("report", report.id, "report"),
      ...c,
      name: report.title,
      description: report.body,
      published: created,
      report_types: [...report.label.topics],
      object_refs: [identity, ...parts.map((o) => o.id)],
      external_references: [{ source_name: "triwatch", external_id: report.id }],
    },
    {
      type: "identity",
      id: identity,
      ...c,
      name: report.label.originator,
      identity_class: "organization",
      sectors: ["government"],
    },
    ...parts,
    marking,
  ];
  return { type: "bundle", id: stixId("bundle", report.id, "bundle"), objects };
}
