/**
 * Audit records: one per release decision, relay, receipt and rejection a node makes, and their canonical
 * bytes (RFC 8785), which are the leaves of the node's Merkle log. A record names the item by id and by
 * the SHA-256 of the bytes as sent, so a partner holding the item can check that it is the one logged.
 */
import { z } from "zod";
import { PartyCode } from "../model/party.ts";
import { isoUtc, parseIso } from "../model/time.ts";
import { NodeSpec } from "../model/topology.ts";
import { sha256, toHex } from "./hash.ts";
import { canonicalBytes } from "./jcs.ts";

/** Version of the record layout; a change of fields is a new version, never a silent reinterpretation. */
export const AUDIT_RECORD_VERSION = 1;
/**
 * Version of a record about a track bundle (several track reports released as one, see the envelope
 * layer): version 1's fields plus `items`, the ids of the bundle's tracks; `item` is then the bundle's id
 * and `itemHash` the digest of the bundle's signed release bytes.
 */
export const AUDIT_BUNDLE_RECORD_VERSION = 2;
/** The most item ids a bundle record lists. */
export const MAX_RECORD_ITEMS = 4096;

/** What happened: a sender's release decision, a hub's relay decision, a recipient's receipt or refusal. */
export const AuditKind = z.enum(["release-decision", "relay", "receipt", "rejection"]);
export type AuditKind = z.infer<typeof AuditKind>;

/** The outcome: permit/deny for decisions and relays, accept for a receipt, reject for a rejection. */
export const AuditOutcome = z.enum(["permit", "deny", "accept", "reject"]);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

const OUTCOMES_OF: Record<AuditKind, readonly AuditOutcome[]> = {
  "release-decision": ["permit", "deny"],
  relay: ["permit", "deny"],
  receipt: ["accept"],
  rejection: ["reject"],
};

/**
 * A UTC instant written exactly as Date.prototype.toISOString writes it, so one instant has one
 * spelling and therefore one leaf hash.
 */
export const UtcTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    "UTC with milliseconds, as 2023-12-19T09:00:00.000Z",
  )
  .refine((s) => parseIso(s).ok, "not a date in the calendar");

/** `sha256:` and 64 lower-case hex digits: the digest of the item's bytes as sent. */
export const ItemDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "sha256: and 64 lower-case hex digits");

/** A reason code (policy denial codes, envelope and receipt failures), with the agreement it concerns. */
export const AuditReason = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an upper-case reason code"),
  agreement: z.string().min(1).optional(),
});
export type AuditReason = z.infer<typeof AuditReason>;

/** One audit record. */
export const AuditRecord = z
  .strictObject({
    v: z.union([z.literal(AUDIT_RECORD_VERSION), z.literal(AUDIT_BUNDLE_RECORD_VERSION)]),
    kind: AuditKind,
    /** The node whose log holds the record. */
    node: NodeSpec.shape.id,
    at: UtcTime,
    /** The item's id (a bundle's id in a version 2 record). */
    item: z.string().min(1),
    /** Version 2 only: the ids of the bundle's tracks that the record is about. */
    items: z.array(z.string().min(1)).min(1).max(MAX_RECORD_ITEMS).optional(),
    sender: PartyCode,
    recipient: PartyCode,
    /** Parties from originator to recipient. */
    route: z.array(PartyCode).min(2),
    /** The agreement that carried (or would have carried) the item. */
    agreement: z.string().min(1).optional(),
    outcome: AuditOutcome,
    reasons: z.array(AuditReason),
    itemHash: ItemDigest,
  })
  .superRefine((r, ctx) => {
    if ((r.v === AUDIT_BUNDLE_RECORD_VERSION) !== (r.items !== undefined)) {
      const message = r.items ? "only a version 2 record lists items" : "a version 2 record lists its items";
      ctx.addIssue({ code: "custom", path: ["items"], message });
    }
    if (!OUTCOMES_OF[r.kind].includes(r.outcome)) {
      ctx.addIssue({ code: "custom", path: ["outcome"], message: `a ${r.kind} cannot be "${r.outcome}"` });
    }
    if (r.outcome === "permit" && r.agreement === undefined) {
      ctx.addIssue({ code: "custom", path: ["agreement"], message: "a permit names its agreement" });
    }
    const refusal = r.outcome === "deny" || r.outcome === "reject";
    if (refusal !== r.reasons.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["reasons"],
        message: refusal ? "a refusal gives at least one reason" : "only a refusal has reasons",
      });
    }
    if (r.route[r.route.length - 1] !== r.recipient) {
      ctx.addIssue({ code: "custom", path: ["route"], message: "the route ends at the recipient" });
    }
    if (!r.route.includes(r.sender)) {
      ctx.addIssue({ code: "custom", path: ["route"], message: "the route passes through the sender" });
    }
  });
export type AuditRecord = z.infer<typeof AuditRecord>;

/** The leaf bytes of a record: its RFC 8785 canonical JSON in UTF-8. */
export function encodeRecord(record: AuditRecord): Uint8Array {
  return canonicalBytes(record);
}

/** A record read back from leaf bytes, or why the bytes are not a canonical record. */
export type DecodedRecord = { ok: true; record: AuditRecord } | { ok: false; why: string };

/** Reads leaf bytes: valid UTF-8 JSON, a valid record, and byte-for-byte its canonical encoding. */
export function decodeRecord(bytes: Uint8Array): DecodedRecord {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    return { ok: false, why: `not UTF-8 JSON: ${(cause as Error).message}` };
  }
  const parsed = AuditRecord.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, why: `not an audit record: ${issue?.path.join(".")} ${issue?.message}` };
  }
  const again = encodeRecord(parsed.data);
  if (Buffer.compare(again, bytes) !== 0) return { ok: false, why: "not in canonical form" };
  return { ok: true, record: parsed.data };
}

/** The digest recorded for an item: SHA-256 of its bytes as sent. */
export function itemDigest(bytesAsSent: Uint8Array): string {
  return `sha256:${toHex(sha256(bytesAsSent))}`;
}

/**
 * The parts of a policy decision an audit record keeps. Declared here by shape, because the audit core
 * may not import the policy core; policy's `Decision` fits it.
 */
export type DecisionSummary =
  | { readonly outcome: "permit"; readonly agreement: string; readonly route: readonly string[] }
  | {
      readonly outcome: "deny";
      readonly route: readonly string[];
      readonly reasons: readonly { readonly code: string; readonly agreement?: string | undefined }[];
    };

/** Where and when a decision was made, and what it was about. `at` is epoch milliseconds. */
export interface DecisionContext {
  kind: "release-decision" | "relay";
  node: string;
  at: number;
  itemId: string;
  /** For a bundle: the ids of its tracks (the record is then version 2, `itemId` the bundle's id). */
  items?: readonly string[];
  sender: string;
  recipient: string;
  itemHash: string;
}

/**
 * The audit record of a release or relay decision. A denial keeps each distinct (code, agreement) pair
 * once, in the decision's order; messages are not kept, since they are rendered from the same facts.
 * Throws a ZodError if the context does not make a valid record (a caller's bug).
 */
export function decisionRecord(decision: DecisionSummary, context: DecisionContext): AuditRecord {
  const reasons: AuditReason[] = [];
  if (decision.outcome === "deny") {
    const seen = new Set<string>();
    for (const r of decision.reasons) {
      const key = `${r.code}\u0000${r.agreement ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reasons.push(r.agreement === undefined ? { code: r.code } : { code: r.code, agreement: r.agreement });
    }
  }
  return AuditRecord.parse({
    v: context.items ? AUDIT_BUNDLE_RECORD_VERSION : AUDIT_RECORD_VERSION,
    kind: context.kind,
    node: context.node,
    at: isoUtc(context.at),
    item: context.itemId,
    ...(context.items ? { items: [...context.items] } : {}),
    sender: context.sender,
    recipient: context.recipient,
    route: [...decision.route],
    ...(decision.outcome === "permit" ? { agreement: decision.agreement } : {}),
    outcome: decision.outcome,
    reasons,
    itemHash: context.itemHash,
  });
}
