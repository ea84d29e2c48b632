/**
 * Sealing and opening hop envelopes. On the wire an envelope is a compact JWS (HS256 under the link's MAC
 * key for this direction: the signature is the hop MAC) whose payload is the `Envelope` JSON: a hop
 * header and one entry per item. Its `payload` member is a compact JWE of the items' signed release
 * bytes: `dir`+A256GCM under the link's encryption key for tracks, ECDH-ES+A256KW/A256GCM to the hop
 * recipient's X25519 key for reports. A report travels alone; tracks for the same next hop travel
 * together, so the hop's MAC, cipher pass and JSON parse are paid once per window, not once per track.
 *
 * Every hop decrypts and re-encrypts, as TISA's "through the US hub" has it: the hub reads the item and
 * its label (it must, to check consent and re-mark), but cannot alter either without breaking the
 * originator's signature, which every hop and the final recipient check.
 */
import { CompactEncrypt, compactDecrypt } from "jose";
import { canonicalJson, type JsonValue } from "../audit/jcs.ts";
import type { KeyRing, NodeKeys, PeerKeys } from "../keys/node-keys.ts";
import type { Item } from "../model/item.ts";
import { Label } from "../model/label.ts";
import { strictBase64url } from "./base64url.ts";
import type { LinkChannel } from "./channel.ts";
import { OriginatorVerifier, type ReleaseBytes } from "./originator.ts";
import { randomId } from "./random.ts";
import { ReleaseReplayGuard } from "./replay.ts";
import {
  type Envelope,
  type EnvelopeEntry,
  type EnvelopeMarking,
  type FrameResult,
  type Hop,
  type Opened,
  type OpenResult,
  type OriginatorProof,
  type Rejected,
  type RejectReason,
  RelayedRelease,
  Release,
  WireEnvelope,
} from "./schema.ts";

type WireEntry = WireEnvelope["entries"][number];

const HOP_HEADER = Buffer.from('{"alg":"HS256","typ":"triwatch-hop+jws"}').toString("base64url");
const DIR_HEADER = Buffer.from('{"alg":"dir","enc":"A256GCM"}').toString("base64url");
const REPORT_JWE = { alg: "ECDH-ES+A256KW", enc: "A256GCM" } as const;

/** One item to send: the release as the originator signed it, its proof, and its marking for the hop recipient. */
export interface EntryArgs {
  /** The release (relays pass on the bytes they received). */
  release: ReleaseBytes;
  proof: OriginatorProof;
  /** The item's marking in the hop recipient's terms (the permit's `marking` or `relayMarkings` entry). */
  marking: EnvelopeMarking;
}

/** The hop an envelope goes by. */
export interface HopArgs {
  /** The channel to the hop recipient. */
  channel: LinkChannel;
  /** The hop recipient's public keys: envelopes holding a report are encrypted to its X25519 key. */
  recipient: PeerKeys;
  now: number;
}

/** What a sender needs to seal one item for one hop. */
export type SealArgs = EntryArgs & HopArgs;

/** Seals one item for one hop. */
export function sealEnvelope(args: SealArgs): Promise<string> {
  const { release, proof, marking, ...hop } = args;
  return sealFrame(hop, [{ release, proof, marking }]);
}

/**
 * Seals items for one hop in one envelope: the releases are concatenated and encrypted once (`dir` under
 * the link key if all are tracks, else a JWE to the recipient's X25519 key) and the envelope is MACed once.
 */
export async function sealFrame(hop: HopArgs, entries: readonly EntryArgs[]): Promise<string> {
  const { channel, now } = hop;
  if (hop.recipient.node !== channel.peer)
    throw new Error(`recipient ${hop.recipient.node} is not ${channel.peer}`);
  if (entries.length === 0) throw new RangeError("an envelope holds at least one item");
  const seq = channel.nextSeq();
  const plaintext =
    entries.length === 1
      ? (entries[0] as EntryArgs).release.bytes
      : Buffer.concat(entries.map((e) => e.release.bytes));
  const payload = entries.every((e) => e.release.release.item.kind === "track-report")
    ? dirJwe(channel, seq, plaintext)
    : await new CompactEncrypt(plaintext)
        .setProtectedHeader({ ...REPORT_JWE, kid: hop.recipient.node })
        .encrypt(hop.recipient.agree);
  const envelope: Envelope = {
    v: 1,
    from: channel.self,
    to: channel.peer,
    link: channel.link,
    seq,
    sentAt: now,
    entries: entries.map((e) => ({
      id: randomId(),
      dest: e.release.release.dest,
      marking: e.marking,
      label: e.release.release.item.label,
      proof: e.proof,
      length: e.release.bytes.length,
    })),
    payload,
  };
  const signingInput = `${HOP_HEADER}.${Buffer.from(JSON.stringify(envelope)).toString("base64url")}`;
  return `${signingInput}.${channel.mac(signingInput)}`;
}

function dirJwe(channel: LinkChannel, seq: number, plaintext: Uint8Array): string {
  const { iv, ct, tag } = channel.encrypt(seq, plaintext, DIR_HEADER);
  return `${DIR_HEADER}..${iv.toString("base64url")}.${ct.toString("base64url")}.${tag.toString("base64url")}`;
}

/** What a node needs to open envelopes, and the state it keeps between them. */
export interface Receiver {
  readonly self: NodeKeys;
  readonly ring: KeyRing;
  /** The established channel with each neighbour, by node id. */
  readonly channels: ReadonlyMap<string, LinkChannel>;
  /** The party of a node, from the topology. */
  readonly partyOf: (node: string) => string | undefined;
  /** The rank of a grade in a party's scheme, or undefined for a code the scheme lacks. */
  readonly rankOf: (party: string, code: string) => number | undefined;
  /** The lowest rank in `party`'s scheme that the item's correspondence allows (from the agreements). */
  readonly minimumRank: (label: Label, party: string) => number;
  /** Oldest envelope or release accepted, and how far into the future their times may be. */
  readonly maxAgeMs: number;
  readonly maxSkewMs: number;
  /**
   * Parse each item in full at relays too, not only at the final recipient (a relay that re-decides with
   * the item's times needs it; one that re-marks by the label does not, and saves a third of its work).
   */
  readonly parseRelayedItems: boolean;
  readonly verifier: OriginatorVerifier;
  readonly replays: ReleaseReplayGuard;
}

/** Builds a receiver with its own batch-header cache and end-to-end replay guard. */
export function createReceiver(
  options: Omit<Receiver, "verifier" | "replays" | "parseRelayedItems"> & {
    maxCachedBatches?: number;
    parseRelayedItems?: boolean;
  },
): Receiver {
  const { maxCachedBatches, parseRelayedItems, ...rest } = options;
  return {
    ...rest,
    parseRelayedItems: parseRelayedItems ?? false,
    verifier: new OriginatorVerifier(options.ring, { maxCachedBatches: maxCachedBatches ?? 4096 }),
    replays: new ReleaseReplayGuard(options.maxAgeMs + options.maxSkewMs),
  };
}

function reject(reason: RejectReason, detail: string, claimed?: Rejected["claimed"]): Rejected {
  return { ok: false, reason, detail, claimed };
}

function ageProblem(r: Receiver, at: number, now: number, what: string): string | null {
  if (now - at > r.maxAgeMs) return `${what} ${now - at} ms old; limit ${r.maxAgeMs} ms`;
  if (at - now > r.maxSkewMs) return `${what} ${at - now} ms in the future; limit ${r.maxSkewMs} ms`;
  return null;
}

/** Opens a single-item envelope; see `openFrame` for the checks. */
export async function openEnvelope(r: Receiver, wire: string, now: number): Promise<OpenResult> {
  const frame = await openFrame(r, wire, now);
  if (!frame.ok) return frame;
  const [only, ...more] = frame.results;
  if (!only || more.length > 0)
    return reject("MALFORMED", `${frame.results.length} items where one was expected`);
  return only;
}

/**
 * Opens an envelope. First the hop, as a whole: its form, recipient, sender, link, MAC, age and sequence
 * number, then decryption; a failure there refuses every entry and leaves the channel as it was. Then each
 * entry on its own: its release, age, originator proof, destination, label and marking, and the
 * end-to-end replay guard. The channel's sequence number advances once the hop is accepted. Open one
 * channel's envelopes one at a time, in order (a later one accepted first makes the earlier REORDERED).
 */
export async function openFrame(r: Receiver, wire: string, now: number): Promise<FrameResult> {
  const parts = wire.split(".");
  if (parts.length !== 3 || parts[0] !== HOP_HEADER) return reject("MALFORMED", "not a hop JWS");
  const [, body = "", mac = ""] = parts;
  let env: WireEnvelope;
  try {
    const parsed = WireEnvelope.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
    if (!parsed.success) return reject("MALFORMED", `envelope: ${parsed.error.issues[0]?.message ?? ""}`);
    env = parsed.data;
  } catch {
    return reject("MALFORMED", "envelope is not JSON");
  }
  const claimed = { from: env.from, seq: env.seq };
  if (env.to !== r.self.node)
    return reject("WRONG_RECIPIENT", `sent to ${env.to}, this is ${r.self.node}`, claimed);
  const channel = r.channels.get(env.from);
  if (!r.ring.has(env.from) || !channel)
    return reject("UNKNOWN_SENDER", `no channel with ${env.from}`, claimed);
  if (env.link !== channel.link) return reject("WRONG_LINK", `${env.link} is not ${channel.link}`, claimed);
  if (!channel.checkMac(`${parts[0]}.${body}`, mac))
    return reject("BAD_HOP_MAC", "hop MAC does not verify", claimed);
  const hopAge = ageProblem(r, env.sentAt, now, "envelope");
  if (hopAge) return reject("STALE", hopAge, claimed);
  const seqVerdict = channel.checkSeq(env.seq);
  if (seqVerdict !== "OK") return reject(seqVerdict, `sequence ${env.seq} on ${env.link}`, claimed);
  const plaintext = await decryptPayload(r, channel, env);
  let total = 0;
  for (const e of env.entries) total += e.length;
  if (!plaintext || plaintext.length !== total) {
    return reject("UNDECRYPTABLE", "payload does not decrypt for this node into its items", claimed);
  }
  const accepted = channel.acceptSeq(env.seq);
  if (accepted !== "OK") return reject(accepted, `sequence ${env.seq} on ${env.link}`, claimed);

  const hop = { from: env.from, to: env.to, link: env.link, seq: env.seq, sentAt: env.sentAt };
  const results: OpenResult[] = [];
  let offset = 0;
  for (const entry of env.entries) {
    const bytes = plaintext.subarray(offset, offset + entry.length);
    offset += entry.length;
    results.push(await openEntry(r, hop, entry, bytes, now));
  }
  return { ok: true, hop, results };
}

async function openEntry(
  r: Receiver,
  hop: Hop,
  wire: WireEntry,
  bytes: Buffer,
  now: number,
): Promise<OpenResult> {
  const claimed = { from: hop.from, seq: hop.seq, id: wire.id };
  let release: RelayedRelease;
  let item: Item | null = null;
  let signedLabel: unknown;
  try {
    const json = JSON.parse(bytes.toString("utf8"));
    signedLabel = json?.item?.label;
    if (wire.dest === r.self.node || r.parseRelayedItems) {
      const parsed = Release.safeParse(json);
      if (!parsed.success)
        return reject("MALFORMED", `release: ${parsed.error.issues[0]?.message ?? ""}`, claimed);
      release = parsed.data;
      item = parsed.data.item;
    } else {
      const parsed = RelayedRelease.safeParse(json);
      if (!parsed.success)
        return reject("MALFORMED", `release: ${parsed.error.issues[0]?.message ?? ""}`, claimed);
      release = parsed.data;
    }
  } catch {
    return reject("MALFORMED", "release is not JSON", claimed);
  }
  const releaseAge = ageProblem(r, release.releasedAt, now, "release");
  if (releaseAge) return reject("STALE", releaseAge, claimed);
  if (!r.ring.has(release.origin))
    return reject("UNKNOWN_ORIGINATOR", `no key for ${release.origin}`, claimed);
  const proofProblem = await r.verifier.verify(bytes, release.origin, wire.proof);
  if (proofProblem) return reject("BAD_ORIGINATOR_SIGNATURE", proofProblem, claimed);
  const originParty = r.partyOf(release.origin);
  if (originParty !== release.item.label.originator) {
    const detail = `${release.origin} (${originParty}) cannot originate a ${release.item.label.originator} item`;
    return reject("BAD_ORIGINATOR_SIGNATURE", detail, claimed);
  }
  if (release.dest !== wire.dest) {
    return reject("WRONG_RECIPIENT", `signed for ${release.dest}, not ${wire.dest}`, claimed);
  }
  const labelProblem = compareShownLabel(release.item.label, signedLabel, wire.label);
  if (labelProblem) return reject(labelProblem.reason, labelProblem.detail, claimed);
  const entry: EnvelopeEntry = { ...wire, label: release.item.label };
  const markingProblem = checkMarking(r, hop.to, entry.marking, release.item.label);
  if (markingProblem) return reject(markingProblem.reason, markingProblem.detail, claimed);
  if (r.replays.has(release.origin, release.nonce, release.releasedAt)) {
    return reject("REPLAY", `release ${release.nonce} from ${release.origin} was accepted before`, claimed);
  }
  r.replays.add(release.origin, release.nonce, release.releasedAt, now);
  return {
    ok: true,
    hop,
    entry,
    release,
    item,
    originator: release.origin,
    proof: entry.proof,
    releaseBytes: bytes,
    final: entry.dest === r.self.node,
  };
}

async function decryptPayload(
  r: Receiver,
  channel: LinkChannel,
  env: Pick<Envelope, "payload" | "seq">,
): Promise<Buffer | null> {
  const p = env.payload.split(".");
  if (p[0] === DIR_HEADER) {
    if (p[1] !== "") return null;
    const iv = strictBase64url(p[2] ?? "", 12);
    const ct = strictBase64url(p[3] ?? "");
    const tag = strictBase64url(p[4] ?? "", 16);
    if (!iv || !ct || !tag) return null;
    return channel.decrypt(env.seq, iv, ct, tag, DIR_HEADER);
  }
  try {
    const { plaintext } = await compactDecrypt(env.payload, r.self.agree.privateKey, {
      keyManagementAlgorithms: [REPORT_JWE.alg],
      contentEncryptionAlgorithms: [REPORT_JWE.enc],
    });
    return Buffer.from(plaintext);
  } catch {
    return null;
  }
}

/** Relays an opened item one hop further: same signed release and proof, the next hop's marking. */
export function relayEnvelope(opened: Opened, next: HopArgs & { marking: EnvelopeMarking }): Promise<string> {
  const { marking, ...hop } = next;
  return relayFrame([opened], hop, () => marking);
}

/** Relays opened items together in one envelope, each re-marked for the next hop by `markingOf`. */
export function relayFrame(
  opened: readonly Opened[],
  next: HopArgs,
  markingOf: (o: Opened) => EnvelopeMarking,
): Promise<string> {
  return sealFrame(
    next,
    opened.map((o) => ({
      release: { release: o.release, bytes: o.releaseBytes },
      proof: o.proof,
      marking: markingOf(o),
    })),
  );
}

/** Checks the label an entry shows (unparsed) against the signed one: equal as JSON, or why not. */
function compareShownLabel(
  signed: Label,
  signedRaw: unknown,
  shownRaw: unknown,
): { reason: "RELABELLED" | "DOWNGRADED"; detail: string } | null {
  // Fast path: the sender serialised the very label it read from the release.
  if (JSON.stringify(shownRaw) === JSON.stringify(signedRaw)) return null;
  const shownText = canonical(shownRaw);
  if (shownText !== null && shownText === canonical(signedRaw)) return null;
  const shown = Label.safeParse(shownRaw);
  if (!shown.success) return { reason: "RELABELLED", detail: "the label shown is not a label" };
  return compareLabels(signed, shown.data);
}

/**
 * Compares the label the envelope shows with the one the originator signed. Losing a caveat, changing
 * REL TO or lowering the grade is a downgrade; any other difference is a relabelling.
 */
export function compareLabels(
  signed: Label,
  shown: Label,
): { reason: "RELABELLED" | "DOWNGRADED"; detail: string } | null {
  for (const c of signed.caveats) {
    if (!shown.caveats.includes(c)) return { reason: "DOWNGRADED", detail: `caveat ${c} dropped` };
  }
  for (const p of signed.releasableTo) {
    if (!shown.releasableTo.includes(p)) return { reason: "DOWNGRADED", detail: `REL TO ${p} dropped` };
  }
  for (const p of shown.releasableTo) {
    if (!signed.releasableTo.includes(p)) return { reason: "DOWNGRADED", detail: `REL TO ${p} added` };
  }
  const signedText = canonical(signed);
  if (signedText === null || signedText !== canonical(shown)) {
    const field = (Object.keys(signed) as (keyof Label)[]).find((k) => {
      const a = canonical(signed[k]);
      return a === null || a !== canonical(shown[k]);
    });
    return { reason: "RELABELLED", detail: `label ${field ?? "members"} differs from the signed item's` };
  }
  return null;
}

/** RFC 8785 text of a value, or null if it is not I-JSON (a lone surrogate, say), which then equals nothing. */
function canonical(value: unknown): string | null {
  try {
    return canonicalJson(value as JsonValue);
  } catch {
    return null;
  }
}

function checkMarking(
  r: Receiver,
  to: string,
  m: EnvelopeMarking,
  label: Label,
): { reason: "DOWNGRADED" | "MISMARKED"; detail: string } | null {
  const party = r.partyOf(to);
  if (m.party !== party)
    return { reason: "MISMARKED", detail: `marking in ${m.party} terms for a ${party} node` };
  const rank = r.rankOf(m.party, m.level);
  if (rank === undefined) return { reason: "MISMARKED", detail: `${m.party} has no grade ${m.level}` };
  const required = r.minimumRank(label, m.party);
  if (rank < required) {
    return {
      reason: "DOWNGRADED",
      detail: `marked ${m.level} (rank ${rank}); the item requires rank ${required}`,
    };
  }
  if (label.releasableTo.length > 0 && !m.banner.endsWith(`//REL TO ${label.releasableTo.join(", ")}`)) {
    return {
      reason: "DOWNGRADED",
      detail: `banner "${m.banner}" drops REL TO ${label.releasableTo.join(", ")}`,
    };
  }
  return null;
}
