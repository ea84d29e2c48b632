/**
 * The STIX 2.1 objects Triwatch writes and reads, as zod schemas: the edge where a bundle is parsed.
 * Objects are strict (a property Triwatch does not carry is refused, not dropped).
 */
import { z } from "zod";
import { isStixTime } from "./time.ts";

/** The custom marking-definition type that carries a Triwatch security label. */
export const LABEL_DEFINITION_TYPE = "x-triwatch-security-label";
/**
 * Property extension of a `location` that makes it a seismic event's epicentre (origin time, magnitude).
 * Extensions, not custom object types: the OASIS bundle schema cannot validate a custom SDO (it matches
 * both `core.json` and `cyber-observable-core.json` of a `oneOf`), and STIX 2.1 deprecates custom objects.
 */
export const SEISMIC_EXT = "extension-definition--1b0e3f3a-5c1e-5d0b-9a55-2f4f1c2d7e01";
/** Property extension of an `infrastructure` (type `vessel`) carrying the IMO number and flag. */
export const VESSEL_EXT = "extension-definition--6f8d2b7c-3a4e-5f10-8b2d-9c1e4a7b5d02";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}";
/** A STIX identifier of the given type. */
export const stixRef = (type: string) => z.string().regex(new RegExp(`^${type}--${UUID}$`), `a ${type} id`);
const AnyRef = stixRef("[a-z][a-z0-9-]+[a-z0-9]");

/** A STIX timestamp; its issues carry `params.timestamp` so the decoder can name them. */
export const StixTime = z.string().superRefine((s, ctx) => {
  if (!isStixTime(s))
    ctx.addIssue({
      code: "custom",
      message: `"${s}" is not a STIX timestamp (UTC, Z, at least millisecond digits)`,
      params: { timestamp: true },
    });
});

const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);
const Text = z.string().min(1);

const common = {
  spec_version: z.literal("2.1"),
  created: StixTime,
  modified: StixTime,
  created_by_ref: stixRef("identity").optional(),
  object_marking_refs: z.array(stixRef("marking-definition")).min(1).optional(),
};

/** The Triwatch security label inside a marking definition. */
export const LabelDefinition = z.strictObject({
  originator: z.string(),
  classification: z.string(),
  handling: z.array(z.string()),
  releasable_to: z.array(z.string()),
  caveats: z.array(z.string()),
  subject: z.string(),
  source_fields: z.array(z.string()),
  approvals: z.array(z.strictObject({ to: z.string(), at: z.string(), ref: z.string() })),
});
export type LabelDefinition = z.infer<typeof LabelDefinition>;

/** A marking definition carrying a Triwatch security label. */
export const LabelMarking = z.strictObject({
  type: z.literal("marking-definition"),
  spec_version: z.literal("2.1"),
  id: stixRef("marking-definition"),
  created: StixTime,
  name: Text,
  definition_type: z.literal(LABEL_DEFINITION_TYPE),
  definition: LabelDefinition,
});
export type LabelMarking = z.infer<typeof LabelMarking>;

/** The report SDO: the intelligence report itself. */
export const StixReport = z.strictObject({
  type: z.literal("report"),
  id: stixRef("report"),
  ...common,
  name: Text,
  description: Text,
  published: StixTime,
  report_types: z.array(Text).min(1),
  object_refs: z.array(AnyRef).min(1),
  external_references: z
    .array(z.strictObject({ source_name: z.literal("triwatch"), external_id: Text }))
    .length(1),
});
export type StixReport = z.infer<typeof StixReport>;

/** The originator as an identity (every object's `created_by_ref`). */
export const StixIdentity = z.strictObject({
  type: z.literal("identity"),
  id: stixRef("identity"),
  ...common,
  name: Text,
  identity_class: z.literal("organization"),
  sectors: z.tuple([z.literal("government")]),
});

/** An indicator SDO. */
export const StixIndicator = z.strictObject({
  type: z.literal("indicator"),
  id: stixRef("indicator"),
  ...common,
  pattern: Text,
  pattern_type: z.enum(["stix", "snort", "yara"]),
  valid_from: StixTime,
  description: z.string().optional(),
});

/** The seismic-event extension of a location. */
export const SeismicExtension = z.strictObject({
  extension_type: z.literal("property-extension"),
  origin_time: StixTime,
  magnitude: z.number(),
  magnitude_type: Text,
  agency: Text,
});

/** A location SDO: a facility, where a vessel was sighted, or (with the extension) a seismic event. */
export const StixLocation = z.strictObject({
  type: z.literal("location"),
  id: stixRef("location"),
  ...common,
  name: Text.optional(),
  latitude: Lat,
  longitude: Lon,
  extensions: z.strictObject({ [SEISMIC_EXT]: SeismicExtension }).optional(),
});

/** A vessel as an `infrastructure` SDO of type `vessel` (a physical resource used in the activity). */
export const StixVessel = z.strictObject({
  type: z.literal("infrastructure"),
  id: stixRef("infrastructure"),
  ...common,
  name: Text,
  infrastructure_types: z.tuple([z.literal("vessel")]),
  extensions: z
    .strictObject({
      [VESSEL_EXT]: z.strictObject({
        extension_type: z.literal("property-extension"),
        imo: z.string().optional(),
        flag: z.string().optional(),
      }),
    })
    .optional(),
});

/** A sighting of a vessel: when (first = last seen), where (a location) and what it was doing. */
export const StixSighting = z.strictObject({
  type: z.literal("sighting"),
  id: stixRef("sighting"),
  ...common,
  sighting_of_ref: stixRef("infrastructure"),
  where_sighted_refs: z.tuple([stixRef("location")]),
  first_seen: StixTime,
  last_seen: StixTime,
  description: Text,
});

/** Schema of each object type Triwatch reads; any other type in a bundle is refused. */
export const OBJECT_SCHEMAS = {
  "marking-definition": LabelMarking,
  report: StixReport,
  identity: StixIdentity,
  indicator: StixIndicator,
  location: StixLocation,
  infrastructure: StixVessel,
  sighting: StixSighting,
} as const;

/** Any object Triwatch writes or reads. */
export type StixObject = z.infer<(typeof OBJECT_SCHEMAS)[keyof typeof OBJECT_SCHEMAS]>;
/** Any object other than a marking definition (SDOs and SROs: these carry markings). */
export type StixMarkedObject = Exclude<StixObject, LabelMarking>;

/** A STIX 2.1 bundle. */
export interface StixBundle {
  readonly type: "bundle";
  readonly id: string;
  readonly objects: readonly StixObject[];
}

/** The bundle envelope, read before its objects. */
export const BundleEnvelope = z.strictObject({
  type: z.literal("bundle"),
  id: stixRef("bundle"),
  objects: z.array(z.looseObject({ type: z.string(), id: z.string() })).min(1),
});
