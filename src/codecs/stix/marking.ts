/**
 * A Triwatch security label as a STIX marking definition of the custom type `x-triwatch-security-label`.
 * The definition holds the label's fields (topics excepted: they are the report's `report_types`), so a
 * label survives a round trip exactly; `name` is a human-readable banner for tools that do not know the
 * type. TLP is never written: a national grade is not a TLP colour.
 */
import type { Label } from "../../model/label.ts";
import { uuidV5 } from "./ids.ts";
import { LABEL_DEFINITION_TYPE, type LabelDefinition, type LabelMarking } from "./objects.ts";

/** The label's fields as a marking definition body (snake_case, as STIX writes properties). */
export function labelDefinition(label: Label): LabelDefinition {
  return {
    originator: label.originator,
    classification: label.classification,
    handling: [...label.handling],
    releasable_to: [...label.releasableTo],
    caveats: [...label.caveats],
    subject: label.subject,
    source_fields: [...label.sourceFields],
    approvals: label.approvals.map((a) => ({ to: a.to, at: a.at, ref: a.ref })),
  };
}

/** Banner such as `KOR II//DAEOEBI//REL TO USA, JPN, KOR//ORCON`. */
export function labelBanner(d: LabelDefinition): string {
  const parts = [`${d.originator} ${d.classification}`, ...d.handling];
  if (d.releasable_to.length > 0) parts.push(`REL TO ${d.releasable_to.join(", ")}`);
  parts.push(...d.caveats);
  return parts.join("//");
}

/**
 * The marking definition for a label. Its id is a UUIDv5 of the item id and the label's content: a
 * marking definition never changes, so a re-labelled item gets a new one.
 */
export function labelMarking(itemId: string, label: Label, created: string): LabelMarking {
  const definition = labelDefinition(label);
  return {
    type: "marking-definition",
    spec_version: "2.1",
    id: `marking-definition--${uuidV5(`${itemId}#label#${JSON.stringify(definition)}`)}`,
    created,
    name: labelBanner(definition),
    definition_type: LABEL_DEFINITION_TYPE,
    definition,
  };
}

/** The label a marking definition carries, with the report's topics (parsed by the caller). */
export function labelFromMarking(d: LabelDefinition, topics: readonly string[]): Record<string, unknown> {
  return {
    originator: d.originator,
    classification: d.classification,
    handling: d.handling,
    releasableTo: d.releasable_to,
    caveats: d.caveats,
    topics,
    subject: d.subject,
    sourceFields: d.source_fields,
    approvals: d.approvals,
  };
}
