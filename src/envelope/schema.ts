/**
 * Wire schemas of the envelope layer (one zod schema per type): the release an originator signs, the
 * originator's proof (a detached JWS, or a batch header JWS with a Merkle audit path), and the hop
 * envelope (its JWE protected header and its body). Also the result of opening an envelope, whose
 * failures are values with a reason.
 */
import { z } from "zod";
import { NodeId } from "../keys/node-keys.ts";
import { Item, TrackReport } from "../model/item.ts";
import { Label } from "../model/label.ts";
import { IsoTime } from "../model/time.ts";

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
  item: z.object({
    kind: z.enum(["track-report", "intel-report"]),
    id: z.string().min(1),
    label: Label,
  }),
});
/**
 * A release as a node holds it after reading it. For a bundle, `item` stands for the whole bundle (kind
 * `track-report`, id `bundleId(origin, nonce)`, the bundle's label) and `tracks` holds what was read of
 * each track: the heads at a relay, the whole reports (without label) at the final recipient.
 */
export type RelayedRelease = z.infer<typeof RelayedRelease> & { readonly tracks?: readonly TrackHead[] };

/** The head of a release with its label left unparsed, for a relay that looks the label up in its cache. */
export const ReleaseHead = RelayedRelease.extend({
  item: RelayedRelease.shape.item.extend({ label: z.unknown() }),
});

/** The most track reports one bundle carries (and the most releases one batch signature covers). */
export const MAX_BUNDLE_TRACKS = 1024;

/** A track report as a bundle carries it: without its label, which is the bundle's. */
export const BundledTrack = TrackReport.omit({ label: true });
export type BundledTrack = z.infer<typeof BundledTrack>;

/**
 * A track bundle: the track reports an originator releases to one recipient in one window under the
 * same label and the same decision (agreement, route and markings), signed as one release. Relays then
 * check, decide, audit and forward each bundle once, not each track (issue 4's 10,000 updates per
 * second); the final recipient takes or refuses each track on its own. `v: 2` tells it from a release
 * of one item.
 */
export const TrackBundle = z.strictObject({
  v: z.literal(2),
  origin: NodeId,
  dest: NodeId,
  releasedAt: EpochMs,
  nonce: Release.shape.nonce,
  label: Label,
  tracks: z.array(BundledTrack).min(1).max(MAX_BUNDLE_TRACKS),
});
export type TrackBundle = z.infer<typeof TrackBundle>;

/**
 * What a relay reads of each bundled track: its id, for the audit, and the times a policy decision
 * reads (as of, launch, impact). The rest is passed on unread, covered by the originator's signature.
 */
export const TrackHead = z.object({
  kind: z.literal("track-report"),
  id: z.string().min(1),
  asOf: IsoTime,
  launch: z.object({ time: IsoTime }),
  impact: z.object({ time: IsoTime }),
});
export type TrackHead = z.infer<typeof TrackHead>;

/** The head of a bundle as a relay reads it, the label left unparsed (it is looked up in the label cache). */
export const BundleHead = z.object({
  ...TrackBundle.shape,
  label: z.unknown(),
  tracks: z.array(TrackHead).min(1).max(MAX_BUNDLE_TRACKS),
});

/** The id a bundle goes by in audit records and refusals: its originator and nonce (unique per release). */
export function bundleId(origin: string, nonce: string): string {
  return `bundle:${origin}:${nonce}`;
}

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

/** One accepted item as its hop showed it: id, final recipient, marking for this node, label and originator proof. */
export interface EnvelopeEntry {
  readonly id: string;
  readonly dest: string;
  readonly marking: EnvelopeMarking;
  readonly label: Label;
  readonly proof: OriginatorProof;
}

/**
 * The protected header of a hop envelope, a compact JWE (RFC 7516) with `dir` + A256GCM under the link's
 * key for this direction. The header is the GCM additional authenticated data, so the hop's sender,
 * recipient, link, sequence number and time are authenticated with the body: the GCM tag is the hop MAC.
 */
export const HopHeader = z.strictObject({
  alg: z.literal("dir"),
  enc: z.literal("A256GCM"),
  typ: z.literal("triwatch-hop+jwe"),
  from: NodeId,
  to: NodeId,
  link: z.string().min(1),
  /** The traffic class: each has its own key and sequence space on the link (see channel.ts). */
  cls: z.enum(["track", "report"]),
  seq: z.number().int().positive(),
  sentAt: EpochMs,
});
export type HopHeader = z.infer<typeof HopHeader>;

/** A batch proof as an entry carries it: the batch header is named by its position in the envelope's `batches`. */
const WireBatchProof = z.strictObject({
  kind: z.literal("batch"),
  batch: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  // Each hash is decoded strictly (canonical base64url of 32 bytes) when the proof is checked.
  path: z.array(z.string().length(43)).max(64),
});

/**
 * One item in an envelope body. Its marking and the label it shows are named by their position in the
 * body's `markings` and `labels` (a window's tracks nearly always share both). A track's signed release
 * travels as its exact bytes, base64url (`release`), in the clear inside the hop JWE, and relays forward
 * that text as they received it; a report's travels as `sealed`, a compact JWE (ECDH-ES+A256KW, A256GCM)
 * of the release bytes to the hop recipient's X25519 key, so it stays readable with the node's long-term
 * key after the channel is gone.
 */
export const WireEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  dest: NodeId,
  marking: z.number().int().nonnegative(),
  label: z.number().int().nonnegative(),
  proof: z.discriminatedUnion("kind", [ReportProof, WireBatchProof]),
  release: z.string().min(1).optional(), // decoded strictly (canonical base64url) when opened
  sealed: z.string().regex(COMPACT_JWE, "a compact JWE").optional(),
});
export type WireEntry = z.infer<typeof WireEntry>;

/**
 * The plaintext of a hop envelope: each batch header, marking and shown label once, then the entries.
 * Tracks for the same next hop share one envelope (one AES-GCM pass, one sequence number), so the hop
 * cost is paid per window rather than per track, and a batch header once per envelope rather than once
 * per track. The labels are not parsed here but compared with the signed ones.
 */
export const EnvelopeBody = z.strictObject({
  v: z.literal(1),
  batches: z.array(z.string().regex(COMPACT_JWS, "a compact JWS")).max(4096),
  markings: z.array(EnvelopeMarking).min(1).max(4096),
  labels: z.array(z.unknown()).min(1).max(4096),
  entries: z.array(WireEntry).min(1).max(4096),
});
export type EnvelopeBody = z.infer<typeof EnvelopeBody>;

/** The hop an accepted entry came by. */
export type Hop = Pick<HopHeader, "from" | "to" | "link" | "cls" | "seq" | "sentAt">;

/**
 * A link's two traffic classes. Tracks are real time: strictly ordered, young, replays refused by
 * sequence. Reports are deferred and must survive outages and redelivery: any order, any age, repeats
 * left to the final recipient's store inbox.
 */
export type HopClass = HopHeader["cls"];

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
  /**
   * The released item as the originator signed it, parsed in full: at the final recipient, or at every
   * hop if the receiver asks. Null for a bundle (see `bundle`).
   */
  readonly item: Item | null;
  /** A bundle's track reports, parsed in full with the bundle's label: at the final recipient only. */
  readonly bundle?: readonly TrackReport[];
  /** The node that signed the item. */
  readonly originator: string;
  readonly proof: OriginatorProof;
  /** The exact signed release bytes. */
  readonly releaseBytes: Buffer;
  /** The same bytes, base64url, as a track's entry carried them: relays forward this text unchanged. */
  readonly releaseB64: string;
  /**
   * The item's label exactly as the release holds it (before zod's defaults and key order) and its JSON
   * text: relays show this one onward, so the next hop's label check takes its fast path.
   */
  readonly signedLabel: { readonly value: unknown; readonly text: string };
  /** True when this node is the item's final recipient; otherwise the caller relays it towards `dest`. */
  readonly final: boolean;
}

/** The result of opening a single-item envelope, or of one entry of an envelope. */
export type OpenResult = Opened | Rejected;

/** The result of opening an envelope of any size: refused as a whole, or a result per entry, in order. */
export type FrameResult = Rejected | { readonly ok: true; readonly hop: Hop; readonly results: OpenResult[] };
