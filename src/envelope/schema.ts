/**
 * Wire schemas of the envelope layer (one zod schema per type): the release an originator signs, the
 * originator's proof (a detached JWS, or a batch header JWS with a Merkle audit path), and the hop
 * envelope. Also the result of opening an envelope, whose failures are values with a reason.
 */
import { z } from "zod";
import { NodeId } from "../keys/node-keys.ts";
import { Item } from "../model/item.ts";
import { Label } from "../model/label.ts";

const B64U = /^[A-Za-z0-9_-]+$/;
const b64u = (what: string) => z.string().regex(B64U, `${what}: base64url`);
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const EpochMs = z.number().int().nonnegative();

/**
 * What an originator signs: the released (sanitised) item, bound to the node that released it, the node
 * it is meant for, the time of release and a random nonce (which also salts the Merkle leaf, so that an
 * audit path reveals nothing about the other items of a batch).
 */
export const Release = z.strictObject({
  v: z.literal(1),
  origin: NodeId,
  dest: NodeId,
  releasedAt: EpochMs,
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "16 bytes, base64url"),
  item: Item,
});
export type Release = z.infer<typeof Release>;

/**
 * A release as a relay reads it: everything but the item's body, which a relay passes on unread (it is
 * covered by the originator's signature, and the final recipient parses it in full). The label is
 * parsed, since the relay checks and re-marks by it.
 */
export const RelayedRelease = Release.extend({
  item: z.looseObject({
    kind: z.enum(["track-report", "intel-report"]),
    id: z.string().min(1),
    label: Label,
  }),
});
export type RelayedRelease = z.infer<typeof RelayedRelease>;

/** A report's own signature: a flattened JWS (EdDSA) with detached payload, the release bytes (RFC 7515 App. F). */
export const ReportProof = z.strictObject({
  kind: z.literal("jws"),
  protected: b64u("protected"),
  signature: b64u("signature"),
});
export type ReportProof = z.infer<typeof ReportProof>;

/** A track's share of a batch signature: the signed batch header (compact JWS), its leaf index and audit path. */
export const BatchProof = z.strictObject({
  kind: z.literal("batch"),
  header: z.string().regex(COMPACT_JWS, "a compact JWS"),
  index: z.number().int().nonnegative(),
  path: z.array(z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a SHA-256 hash, base64url")).max(64),
});
export type BatchProof = z.infer<typeof BatchProof>;

/** Either kind of originator proof. */
export const OriginatorProof = z.discriminatedUnion("kind", [ReportProof, BatchProof]);
export type OriginatorProof = z.infer<typeof OriginatorProof>;

/** The payload of a batch header JWS. */
export const BatchHeader = z.strictObject({
  typ: z.literal("triwatch-batch"),
  root: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  batchId: z.string().min(1).max(64),
  origin: NodeId,
  count: z.number().int().positive(),
  windowStart: EpochMs,
});
export type BatchHeader = z.infer<typeof BatchHeader>;

/** A marking in the hop recipient's own terms, as the release decision's permit states it. */
export const EnvelopeMarking = z.strictObject({
  party: z.string().regex(/^[A-Z]{3}$/),
  level: z.string().min(1),
  native: z.string().min(1),
  banner: z.string().min(1),
});
export type EnvelopeMarking = z.infer<typeof EnvelopeMarking>;

/** One item in an envelope: its id, final recipient, marking for the hop recipient, label and originator proof. */
export const EnvelopeEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  dest: NodeId,
  marking: EnvelopeMarking,
  label: Label,
  proof: OriginatorProof,
  /** Length in bytes of this item's signed release within the decrypted payload. */
  length: z.number().int().positive(),
});
export type EnvelopeEntry = z.infer<typeof EnvelopeEntry>;

/**
 * One hop of an envelope: the payload of the hop JWS (HS256 under the link's key for this direction; its
 * signature is the hop MAC). `to` is this hop's recipient; each entry names its final one. A report goes
 * alone; tracks bound for the same next hop share one envelope (one MAC, one AES-GCM pass, one sequence
 * number), which is what lets the hop cost be paid per window rather than per track.
 */
export const Envelope = z.strictObject({
  v: z.literal(1),
  from: NodeId,
  to: NodeId,
  link: z.string().min(1),
  seq: z.number().int().positive(),
  sentAt: EpochMs,
  entries: z.array(EnvelopeEntry).min(1).max(4096),
  /** A compact JWE of the entries' releases, concatenated: `dir`+A256GCM under the link key (tracks) or ECDH-ES+A256KW to the recipient (reports). */
  payload: z.string().regex(COMPACT_JWE, "a compact JWE"),
});
export type Envelope = z.infer<typeof Envelope>;

/**
 * The envelope as parsed at the edge. Each entry's label is not parsed here but compared with the label
 * inside the signed release (parsed there), which it must equal; parsing it twice would cost a tenth of
 * a hop for nothing.
 */
export const WireEnvelope = Envelope.extend({
  entries: z
    .array(EnvelopeEntry.extend({ label: z.record(z.string(), z.unknown()) }))
    .min(1)
    .max(4096),
});
export type WireEnvelope = z.infer<typeof WireEnvelope>;

/** The hop an accepted entry came by. */
export type Hop = Pick<Envelope, "from" | "to" | "link" | "seq" | "sentAt">;

/** Why an envelope was refused: a value for the audit log, never an exception. */
export type RejectReason =
  | "MALFORMED"
  | "WRONG_RECIPIENT"
  | "UNKNOWN_SENDER"
  | "WRONG_LINK"
  | "BAD_HOP_MAC"
  | "STALE"
  | "REPLAY"
  | "REORDERED"
  | "UNDECRYPTABLE"
  | "UNKNOWN_ORIGINATOR"
  | "BAD_ORIGINATOR_SIGNATURE"
  | "RELABELLED"
  | "DOWNGRADED"
  | "MISMARKED";

/** A refusal: the reason, what went wrong, and what could be read of the envelope (untrusted, for the audit). */
export interface Rejected {
  readonly ok: false;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly claimed?: { readonly from: string; readonly seq: number; readonly id?: string } | undefined;
}

/** An accepted envelope. */
export interface Opened {
  readonly ok: true;
  readonly hop: Hop;
  readonly entry: EnvelopeEntry;
  /** The release; its item fully parsed only where `item` is set. */
  readonly release: RelayedRelease;
  /** The released item as the originator signed it, parsed in full: at the final recipient, or at every hop if the receiver asks. */
  readonly item: Item | null;
  /** The node that signed the item. */
  readonly originator: string;
  readonly proof: OriginatorProof;
  /** The exact signed release bytes, to relay unchanged. */
  readonly releaseBytes: Buffer;
  /** True when this node is the item's final recipient; otherwise the caller relays it towards `dest`. */
  readonly final: boolean;
}

/** The result of opening a single-item envelope, or of one entry of an envelope. */
export type OpenResult = Opened | Rejected;

/** The result of opening an envelope of any size: refused as a whole, or a result per entry, in order. */
export type FrameResult = Rejected | { readonly ok: true; readonly hop: Hop; readonly results: OpenResult[] };
