/**
 * Records that cross the `Store` port, one zod schema each (the single source of their types). Stores
 * parse every record they are given with these schemas, so bad input is refused at the port, not by SQL.
 *
 * Time: every time the store itself keeps (stored, received, sent, acknowledged, recorded, a tree head's
 * timestamp) is epoch milliseconds, an integer. A track state's `at` is epoch milliseconds too but may carry
 * a fraction (sensor times are finer than a millisecond). Times inside an item or an agreement event stay
 * the ISO strings of their own schemas. A signed tree head's ISO `timestamp` (always the
 * `toISOString()` form, see `src/audit/record.ts` UtcTime) converts losslessly: `isoUtc(ms)` gives it back.
 */
import { z } from "zod";
import { AgreementEvent } from "./agreement.ts";
import type { Item } from "./item.ts";
import { PartyCode } from "./party.ts";

/** Epoch milliseconds, an integer (0 is 1970-01-01T00:00:00Z). */
export const EpochMs = z
  .number()
  .int("epoch milliseconds are an integer")
  .min(0)
  .max(8_640_000_000_000_000, "beyond the largest date JavaScript represents");
export type EpochMs = z.infer<typeof EpochMs>;

/** An identifier of something stored (item, envelope, alert, decision, node). */
const Id = z.string().min(1, "an id is not empty").max(512, "an id has at most 512 characters");

/** Raw bytes (a `Uint8Array`; a Node `Buffer` is one). */
export const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, "bytes are a Uint8Array");

/** A SHA-256 hash: exactly 32 bytes. */
export const Hash32 = Bytes.refine((b) => b.length === 32, "a SHA-256 hash has 32 bytes");

/** Where a stored item came from. */
export const ItemMeta = z.strictObject({
  /** When this store recorded it. */
  storedAt: EpochMs,
  /** `local`: produced by this node; `partner`: received from another node. */
  origin: z.enum(["local", "partner"]),
  /** The node that sent it here (partner items; set by `receiveItem`). */
  sender: Id.optional(),
  /** The envelope it arrived in (set by `receiveItem`). */
  envelopeId: Id.optional(),
});
export type ItemMeta = z.infer<typeof ItemMeta>;

/** An item with where it came from. */
export interface StoredItem {
  item: Item;
  meta: ItemMeta;
}

/** Where a track state came from (mirrors `src/tracking/state.ts` Provenance). */
export const TrackProvenance = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("initiated"), sensorId: Id }),
  z.strictObject({ kind: z.literal("predicted") }),
  z.strictObject({ kind: z.literal("updated"), sensorId: Id }),
  z.strictObject({ kind: z.literal("fused"), partner: Id, partnerTrackId: Id }),
]);
export type TrackProvenance = z.infer<typeof TrackProvenance>;

/** One Gaussian state of a track: mean and row-major covariance (ECEF), with its provenance. */
export const TrackStateRecord = z
  .strictObject({
    trackId: Id,
    /** Time of validity, epoch milliseconds (may carry a fraction). */
    at: z.number().finite().min(0),
    dim: z.number().int().min(1).max(12),
    x: z.array(z.number().finite()),
    P: z.array(z.number().finite()),
    provenance: TrackProvenance,
  })
  .superRefine((s, ctx) => {
    if (s.x.length !== s.dim)
      ctx.addIssue({ code: "custom", path: ["x"], message: `x has ${s.x.length} entries, dim is ${s.dim}` });
    if (s.P.length !== s.dim * s.dim)
      ctx.addIssue({
        code: "custom",
        path: ["P"],
        message: `P has ${s.P.length} entries, a ${s.dim}×${s.dim} covariance has ${s.dim * s.dim}`,
      });
  });
export type TrackStateRecord = z.infer<typeof TrackStateRecord>;

/** A half-open time range [from, to) in epoch milliseconds; either end may be open. */
export const TimeRange = z.strictObject({
  from: z.number().finite().optional(),
  to: z.number().finite().optional(),
});
export type TimeRange = z.infer<typeof TimeRange>;

const Channel = z.enum(["real-time", "deferred"]);
const Route = z.array(PartyCode).min(1);
const Marking = z.strictObject({
  party: z.string(),
  level: z.string(),
  native: z.string(),
  banner: z.string(),
});

/** A release decision as stored: the shape of `src/policy/decide.ts` Permit | Denial. */
export const StoredDecision = z.discriminatedUnion("outcome", [
  z.strictObject({
    outcome: z.literal("permit"),
    agreement: Id,
    route: Route,
    channel: Channel,
    consent: z.string(),
    tier: z.string(),
    marking: Marking,
    relayMarkings: z.array(Marking),
    removedFields: z.array(z.string()),
    alsoPermittedBy: z.array(z.string()),
    why: z.string(),
  }),
  z.strictObject({
    outcome: z.literal("deny"),
    route: Route,
    channel: Channel,
    reasons: z.array(
      z.strictObject({ code: z.string().min(1), agreement: z.string().optional(), message: z.string() }),
    ),
  }),
]);
export type StoredDecision = z.infer<typeof StoredDecision>;

/** A decision taken at `at` about sending item `itemId` from `sender` to `recipient`. */
export const DecisionRecord = z.strictObject({
  id: Id,
  at: EpochMs,
  itemId: Id,
  sender: Id,
  recipient: Id,
  decision: StoredDecision,
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

/** Which decisions to list: every given field must match; ordered by time, then id. */
export const DecisionFilter = z.strictObject({
  itemId: Id.optional(),
  sender: Id.optional(),
  recipient: Id.optional(),
  outcome: z.enum(["permit", "deny"]).optional(),
  /** The agreement a permit used. */
  agreement: Id.optional(),
  from: EpochMs.optional(),
  to: EpochMs.optional(),
  limit: z.number().int().positive().optional(),
});
export type DecisionFilter = z.infer<typeof DecisionFilter>;

/** One leaf of this node's audit log: the canonical record bytes and their RFC 9162 leaf hash. */
export const AuditLeaf = z.strictObject({
  index: z.number().int().min(0),
  bytes: Bytes,
  leafHash: Hash32,
});
export type AuditLeaf = z.infer<typeof AuditLeaf>;

/** A signed tree head of some node's log, kept as opaque bytes (see the file comment for the timestamp). */
export const TreeHeadRecord = z.strictObject({
  logId: Id,
  treeSize: z.number().int().min(0),
  rootHash: Hash32,
  timestamp: EpochMs,
  signature: Bytes.refine((b) => b.length > 0, "a signature is not empty"),
});
export type TreeHeadRecord = z.infer<typeof TreeHeadRecord>;

/** An event in an agreement's life, as learnt by this node at `recordedAt`. */
export const AgreementEventRecord = z.strictObject({
  agreementId: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and -"),
  event: AgreementEvent,
  recordedAt: EpochMs,
});
export type AgreementEventRecord = z.infer<typeof AgreementEventRecord>;

/** Kinds of public warning (the warning core's vocabulary). */
export const AlertKind = z.enum([
  "launch",
  "predicted-impact",
  "impact",
  "overflight",
  "impact-outside-territorial-waters",
  "cancellation",
]);

/** A public warning as issued, with its CAP 1.2 document when one was rendered. */
export const AlertRecord = z.strictObject({
  id: Id,
  sentAt: EpochMs,
  /** Node that issued it. */
  issuer: Id,
  nation: PartyCode,
  kind: AlertKind,
  msgType: z.enum(["Alert", "Update", "Cancel"]),
  status: z.enum(["Actual", "Exercise", "System", "Test", "Draft"]),
  eventId: Id.optional(),
  trackId: Id.optional(),
  /** Region codes (prefecture, province) the warning covers. */
  areas: z.array(z.string().min(1)).min(1, "an alert covers at least one area"),
  headline: z.string().min(1),
  /** Ids of earlier alerts this one updates or cancels. */
  references: z.array(Id).default([]),
  cap: z.string().optional(),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

/** Which alerts to list: every given field must match; ordered by time sent, then id. */
export const AlertFilter = z.strictObject({
  nation: PartyCode.optional(),
  eventId: Id.optional(),
  trackId: Id.optional(),
  from: EpochMs.optional(),
  to: EpochMs.optional(),
  limit: z.number().int().positive().optional(),
});
export type AlertFilter = z.infer<typeof AlertFilter>;

/** A report received and stored but not yet handed to the application (the inbox). */
export interface InboxDelivery {
  /** The node the envelope came from. */
  from: string;
  envelopeId: string;
  receivedAt: EpochMs;
  stored: StoredItem;
}

/** A report waiting for the recipient's acknowledgement (the outbox). */
export const OutboxEntry = z.strictObject({
  /** The envelope id (unique per sender, the recipient's dedupe key). */
  id: Id,
  recipient: Id,
  payload: Bytes,
  createdAt: EpochMs,
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/** An outbox entry still unacknowledged, with its sending attempts so far. */
export interface PendingOutbox extends OutboxEntry {
  attempts: number;
  lastAttemptAt?: EpochMs;
}
