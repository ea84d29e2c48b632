/**
 * Sealing and opening hop envelopes. On the wire an envelope is a compact JWS (HS256 under the link's MAC
 * key for this direction: the signature is the hop MAC) whose payload is the `Envelope` JSON. Its
 * `payload` member is a compact JWE of the signed release bytes: `dir`+A256GCM under the link's
 * encryption key for tracks, ECDH-ES+A256KW/A256GCM to the hop recipient's X25519 key for reports.
 *
 * Every hop decrypts and re-encrypts, as TISA's "through the US hub" has it: the hub reads the item and
 * its label (it must, to check consent and re-mark), but cannot alter either without breaking the
 * originator's signature, which every hop and the final recipient check.
 */
import { randomBytes } from "node:crypto";
import { CompactEncrypt, compactDecrypt } from "jose";
import type { KeyRing, NodeKeys, PeerKeys } from "../keys/node-keys.ts";
import type { Item } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import { canonicalJson, strictBase64url } from "./canonical.ts";
import type { LinkChannel } from "./channel.ts";
import { OriginatorVerifier, type ReleaseBytes } from "./originator.ts";
import { ReleaseReplayGuard } from "./replay.ts";
import {
  Envelope,
  type EnvelopeMarking,
  type OpenResult,
  type OriginatorProof,
  type Rejected,
  type RejectReason,
  Release,
} from "./schema.ts";

const HOP_HEADER = Buffer.from('{"alg":"HS256","typ":"triwatch-hop+jws"}').toString("base64url");
const DIR_HEADER = Buffer.from('{"alg":"dir","enc":"A256GCM"}').toString("base64url");
const REPORT_JWE = { alg: "ECDH-ES+A256KW", enc: "A256GCM" } as const;

/** What a sender needs to seal one hop. */
export interface SealArgs {
  /** The channel to the hop recipient. */
  channel: LinkChannel;
  /** The release as the originator signed it (relays pass on the bytes they received). */
  release: ReleaseBytes;
  proof: OriginatorProof;
  /** The item's marking in the hop recipient's terms (the permit's `marking` or `relayMarkings` entry). */
  marking: EnvelopeMarking;
  /** The hop recipient's public keys: reports are encrypted to its X25519 key. */
  recipient: PeerKeys;
  now: number;
}

/** Seals one hop: encrypts the release for the hop recipient and MACs the whole envelope. */
export async function sealEnvelope(args: SealArgs): Promise<string> {
  const { channel, release, now } = args;
  if (args.recipient.node !== channel.peer)
    throw new Error(`recipient ${args.recipient.node} is not ${channel.peer}`);
  const seq = channel.nextSeq();
  const payload =
    release.release.item.kind === "track-report"
      ? dirJwe(channel, seq, release.bytes)
      : await new CompactEncrypt(release.bytes)
          .setProtectedHeader({ ...REPORT_JWE, kid: args.recipient.node })
          .encrypt(args.recipient.agree);
  const envelope: Envelope = {
    v: 1,
    id: randomBytes(16).toString("base64url"),
    from: channel.self,
    to: channel.peer,
    link: channel.link,
    dest: release.release.dest,
    seq,
    sentAt: now,
    marking: args.marking,
    label: release.release.item.label,
    payload,
    proof: args.proof,
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
  readonly verifier: OriginatorVerifier;
  readonly replays: ReleaseReplayGuard;
}

/** Builds a receiver with its own batch-header cache and end-to-end replay guard. */
export function createReceiver(
  options: Omit<Receiver, "verifier" | "replays"> & { maxCachedBatches?: number },
): Receiver {
  const { maxCachedBatches, ...rest } = options;
  return {
    ...rest,
    verifier: new OriginatorVerifier(options.ring, { maxCachedBatches: maxCachedBatches ?? 4096 }),
    replays: new ReleaseReplayGuard(options.maxAgeMs + options.maxSkewMs),
  };
}

function reject(reason: RejectReason, detail: string, env?: Envelope): Rejected {
  return {
    ok: false,
    reason,
    detail,
    claimed: env ? { id: env.id, from: env.from, seq: env.seq } : undefined,
  };
}

function ageProblem(r: Receiver, at: number, now: number, what: string): string | null {
  if (now - at > r.maxAgeMs) return `${what} ${now - at} ms old; limit ${r.maxAgeMs} ms`;
  if (at - now > r.maxSkewMs) return `${what} ${at - now} ms in the future; limit ${r.maxSkewMs} ms`;
  return null;
}

/**
 * Opens an envelope: every check that can be made without the originator's key first, then the
 * originator's proof, then the label and marking against what the originator signed. The channel's
 * sequence number and the replay guard advance only if everything holds. Open one channel's envelopes
 * one at a time, in order (a later one accepted first makes the earlier one REORDERED).
 */
export async function openEnvelope(r: Receiver, wire: string, now: number): Promise<OpenResult> {
  const parts = wire.split(".");
  if (parts.length !== 3 || parts[0] !== HOP_HEADER) return reject("MALFORMED", "not a hop JWS");
  const [, body = "", mac = ""] = parts;
  let env: Envelope;
  try {
    const parsed = Envelope.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
    if (!parsed.success) return reject("MALFORMED", `envelope: ${parsed.error.issues[0]?.message ?? ""}`);
    env = parsed.data;
  } catch {
    return reject("MALFORMED", "envelope is not JSON");
  }
  if (env.to !== r.self.node)
    return reject("WRONG_RECIPIENT", `sent to ${env.to}, this is ${r.self.node}`, env);
  const channel = r.channels.get(env.from);
  if (!r.ring.has(env.from) || !channel) return reject("UNKNOWN_SENDER", `no channel with ${env.from}`, env);
  if (env.link !== channel.link) return reject("WRONG_LINK", `${env.link} is not ${channel.link}`, env);
  if (!channel.checkMac(`${parts[0]}.${body}`, mac))
    return reject("BAD_HOP_MAC", "hop MAC does not verify", env);
  const hopAge = ageProblem(r, env.sentAt, now, "envelope");
  if (hopAge) return reject("STALE", hopAge, env);
  const seqVerdict = channel.checkSeq(env.seq);
  if (seqVerdict !== "OK") return reject(seqVerdict, `sequence ${env.seq} on ${env.link}`, env);

  const bytes = await decryptPayload(r, channel, env);
  if (!bytes) return reject("UNDECRYPTABLE", "payload does not decrypt for this node", env);
  let release: Release;
  try {
    const parsed = Release.safeParse(JSON.parse(bytes.toString("utf8")));
    if (!parsed.success) return reject("MALFORMED", `release: ${parsed.error.issues[0]?.message ?? ""}`, env);
    release = parsed.data;
  } catch {
    return reject("MALFORMED", "release is not JSON", env);
  }
  const releaseAge = ageProblem(r, release.releasedAt, now, "release");
  if (releaseAge) return reject("STALE", releaseAge, env);
  if (!r.ring.has(release.origin)) return reject("UNKNOWN_ORIGINATOR", `no key for ${release.origin}`, env);
  const proofProblem = await r.verifier.verify(bytes, release.origin, env.proof);
  if (proofProblem) return reject("BAD_ORIGINATOR_SIGNATURE", proofProblem, env);
  const originParty = r.partyOf(release.origin);
  if (originParty !== release.item.label.originator) {
    const detail = `${release.origin} (${originParty}) cannot originate a ${release.item.label.originator} item`;
    return reject("BAD_ORIGINATOR_SIGNATURE", detail, env);
  }
  if (release.dest !== env.dest)
    return reject("WRONG_RECIPIENT", `signed for ${release.dest}, not ${env.dest}`, env);

  const labelProblem = compareLabels(release.item.label, env.label);
  if (labelProblem) return reject(labelProblem.reason, labelProblem.detail, env);
  const markingProblem = checkMarking(r, env, release.item.label);
  if (markingProblem) return reject(markingProblem.reason, markingProblem.detail, env);

  if (r.replays.has(release.origin, release.nonce, release.releasedAt)) {
    return reject("REPLAY", `release ${release.nonce} from ${release.origin} was accepted before`, env);
  }
  const accepted = channel.acceptSeq(env.seq);
  if (accepted !== "OK") return reject(accepted, `sequence ${env.seq} on ${env.link}`, env);
  r.replays.add(release.origin, release.nonce, release.releasedAt, now);
  return {
    ok: true,
    envelope: env,
    release,
    item: release.item as Item,
    originator: release.origin,
    proof: env.proof,
    releaseBytes: bytes,
    final: env.dest === r.self.node,
  };
}

async function decryptPayload(r: Receiver, channel: LinkChannel, env: Envelope): Promise<Buffer | null> {
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

/** Relays an opened envelope one hop further: same signed release and proof, the next hop's marking. */
export function relayEnvelope(
  opened: Extract<OpenResult, { ok: true }>,
  next: Omit<SealArgs, "release" | "proof">,
): Promise<string> {
  return sealEnvelope({
    ...next,
    release: { release: opened.release, bytes: opened.releaseBytes },
    proof: opened.proof,
  });
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
  if (canonicalJson(signed) !== canonicalJson(shown)) {
    const field = (Object.keys(signed) as (keyof Label)[]).find(
      (k) => canonicalJson(signed[k]) !== canonicalJson(shown[k]),
    );
    return { reason: "RELABELLED", detail: `label ${field ?? "members"} differs from the signed item's` };
  }
  return null;
}

function checkMarking(
  r: Receiver,
  env: Envelope,
  label: Label,
): { reason: "DOWNGRADED" | "MISMARKED"; detail: string } | null {
  const m = env.marking;
  const party = r.partyOf(env.to);
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
