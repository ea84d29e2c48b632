/**
 * Sealing, opening and relaying hop envelopes. An envelope is one compact JWE per hop (`dir` + A256GCM
 * under the link key, see hop.ts) whose plaintext is the `EnvelopeBody` JSON: each batch header once,
 * and one entry per item with its marking for the hop recipient, the label it shows, its originator
 * proof, and its signed release: a track's as its exact bytes in base64url, a report's sealed to the recipient's
 * X25519 key (ECDH-ES+A256KW). Tracks for the same next hop travel together, so the hop's cipher pass,
 * sequence number and body parse are paid once per window, not once per track.
 *
 * Every hop decrypts and re-encrypts, as TISA's "through the US hub" has it: the hub reads the item and
 * its label (it must, to check consent and re-mark), but cannot alter either without breaking the
 * originator's signature, which every hop and the final recipient check. Bytes are validated once, where
 * they enter a node (`openFrame`); relays pass the typed result on, and forward each release's text
 * text unchanged.
 */
import { CompactEncrypt } from "jose";
import type { PeerKeys } from "../keys/node-keys.ts";
import type { LinkChannel } from "./channel.ts";
import { openEntry, REPORT_JWE } from "./entry.ts";
import { openHop, readHop, sealHop } from "./hop.ts";
import type { ReleaseBytes } from "./originator.ts";
import { randomId } from "./random.ts";
import { ageProblem, type Receiver } from "./receiver.ts";
import {
  type EnvelopeBody,
  EnvelopeBody as EnvelopeBodySchema,
  type EnvelopeMarking,
  type FrameResult,
  type HopClass,
  type Opened,
  type OpenResult,
  type OriginatorProof,
  type Rejected,
  type RejectReason,
  type WireEntry,
} from "./schema.ts";

export { compareLabels } from "./labels.ts";
export { createReceiver, type Receiver } from "./receiver.ts";

/** One item to send: the release as the originator signed it, its proof, and its marking for the hop recipient. */
export interface EntryArgs {
  /** The release (relays pass on the text they received). */
  release: ReleaseBytes;
  proof: OriginatorProof;
  /** The item's marking in the hop recipient's terms (the permit's `marking` or `relayMarkings` entry). */
  marking: EnvelopeMarking;
  /** The release bytes in base64url, if at hand (relays have it), to spare encoding them again. */
  releaseB64?: string;
  /** The label to show, as the signed release holds it, and its JSON text (relays have it); else the release's. */
  signedLabel?: { value: unknown; text: string };
}

/** The hop an envelope goes by. */
export interface HopArgs {
  /** The channel to the hop recipient. */
  channel: LinkChannel;
  /**
   * The traffic class the envelope travels in (its own key and sequence space on the link). Default:
   * `report` if any entry is a report item, else `track`. A track released on the deferred channel
   * travels as a report.
   */
  cls?: HopClass;
  /** The hop recipient's public keys: reports are sealed to its X25519 key. */
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

/** Seals items for one hop in one envelope: one body, one AES-GCM pass, one sequence number. */
export async function sealFrame(hop: HopArgs, entries: readonly EntryArgs[]): Promise<string> {
  const { channel, now } = hop;
  if (hop.recipient.node !== channel.peer)
    throw new Error(`recipient ${hop.recipient.node} is not ${channel.peer}`);
  if (entries.length === 0) throw new RangeError("an envelope holds at least one item");
  const batches = new Table<string>((h) => h);
  const markings = new Table<EnvelopeMarking>((m) => JSON.stringify(m));
  const labels = new Table<unknown>((l) => JSON.stringify(l));
  const wire: WireEntry[] = [];
  for (const e of entries) {
    const { release, bytes } = e.release;
    const proof: WireEntry["proof"] =
      e.proof.kind === "batch"
        ? { kind: "batch", batch: batches.at(e.proof.header), index: e.proof.index, path: e.proof.path }
        : e.proof;
    const common = {
      id: randomId(),
      dest: release.dest,
      marking: markings.at(e.marking),
      label: e.signedLabel
        ? labels.at(e.signedLabel.value, e.signedLabel.text)
        : labels.at(release.item.label),
      proof,
    };
    if (release.item.kind === "track-report") {
      wire.push({ ...common, release: e.releaseB64 ?? Buffer.from(bytes).toString("base64url") });
    } else {
      const sealed = await new CompactEncrypt(bytes)
        .setProtectedHeader({ ...REPORT_JWE, kid: hop.recipient.node })
        .encrypt(hop.recipient.agree);
      wire.push({ ...common, sealed });
    }
  }
  const body: EnvelopeBody = {
    v: 1,
    batches: batches.values,
    markings: markings.values,
    labels: labels.values,
    entries: wire,
  };
  const cls =
    hop.cls ?? (entries.some((e) => e.release.release.item.kind !== "track-report") ? "report" : "track");
  return sealHop(channel, channel.nextSeq(cls), now, Buffer.from(JSON.stringify(body), "utf8"), cls);
}

/** Values listed once each, by identity and then by key (equal markings or labels from different objects). */
class Table<T> {
  readonly values: T[] = [];
  readonly #byRef = new Map<T, number>();
  readonly #byKey = new Map<string, number>();
  constructor(readonly keyOf: (v: T) => string) {}

  /** The position of `v` in `values`, adding it if new; `key` if the caller already has it. */
  at(v: T, key?: string): number {
    const known = this.#byRef.get(v);
    if (known !== undefined) return known;
    key ??= this.keyOf(v);
    let at = this.#byKey.get(key);
    if (at === undefined) {
      at = this.values.push(v) - 1;
      this.#byKey.set(key, at);
    }
    this.#byRef.set(v, at);
    return at;
  }
}

function reject(reason: RejectReason, detail: string, claimed?: Rejected["claimed"]): Rejected {
  return { ok: false, reason, detail, claimed };
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
 * Opens an envelope. First the hop, as a whole: its form, recipient, sender, link, GCM tag (the hop MAC,
 * over the header and the body), age and sequence number, then the body's form; a failure there refuses
 * every entry and leaves the channel as it was. Then each entry on its own: its release, age, originator
 * proof, destination, label and marking, and the end-to-end replay guard. The channel's track sequence
 * number advances once the hop is accepted. Open one channel's track envelopes one at a time, in order
 * (a later one accepted first makes the earlier REORDERED).
 *
 * Report-class envelopes are not ordered, have no age limit (only the future-skew one) and skip the
 * replay guard: the transport may hold them through an outage and deliver them again after a missing
 * acknowledgement, and the final recipient's store inbox (keyed by the signed release) keeps each once.
 */
export async function openFrame(r: Receiver, wire: string, now: number): Promise<FrameResult> {
  const read = readHop(wire);
  if (typeof read === "string") return reject("MALFORMED", read);
  const { hop } = read;
  const claimed = { from: hop.from, seq: hop.seq };
  if (hop.to !== r.self.node)
    return reject("WRONG_RECIPIENT", `sent to ${hop.to}, this is ${r.self.node}`, claimed);
  const current = r.channels.get(hop.from);
  const others = r.previousChannels?.get(hop.from) ?? [];
  const first = current ?? others[0];
  if (!r.ring.has(hop.from) || !first)
    return reject("UNKNOWN_SENDER", `no channel with ${hop.from}`, claimed);
  if (hop.link !== first.link) return reject("WRONG_LINK", `${hop.link} is not ${first.link}`, claimed);
  let opened = first;
  let plaintext = openHop(first, read);
  if (!plaintext) {
    // Sealed under another channel: an earlier one (a report held by the transport across a rekey, or a
    // track the partner sealed before crossing handshakes settled; its sequence numbers are that
    // channel's own), or one this node answered and the partner has just confirmed.
    for (const other of others) {
      if (other === first || other.link !== hop.link) continue;
      plaintext = openHop(other, read);
      if (plaintext) {
        opened = other;
        break;
      }
    }
  }
  if (!plaintext) return reject("BAD_HOP_MAC", "hop JWE does not authenticate under the link key", claimed);
  const ordered = hop.cls === "track";
  const hopAge = ageProblem(r, hop.sentAt, now, "envelope", ordered);
  if (hopAge) return reject("STALE", hopAge, claimed);
  const seqVerdict = ordered ? opened.checkSeq(hop.seq) : "OK";
  if (seqVerdict !== "OK") return reject(seqVerdict, `sequence ${hop.seq} on ${hop.link}`, claimed);
  let body: EnvelopeBody;
  try {
    const parsed = EnvelopeBodySchema.safeParse(JSON.parse(plaintext.toString("utf8")));
    if (!parsed.success) return reject("MALFORMED", `envelope: ${parsed.error.issues[0]?.message ?? ""}`);
    body = parsed.data;
  } catch {
    return reject("MALFORMED", "envelope body is not JSON", claimed);
  }
  const accepted = ordered ? opened.acceptSeq(hop.seq) : "OK";
  if (accepted !== "OK") return reject(accepted, `sequence ${hop.seq} on ${hop.link}`, claimed);
  const results: OpenResult[] = [];
  const tables = { ...body, labelTexts: body.labels.map((l) => JSON.stringify(l)) };
  for (const entry of body.entries) {
    const result = openEntry(r, hop, tables, entry, now);
    results.push(result instanceof Promise ? await result : result);
  }
  return { ok: true, hop, results };
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
      releaseB64: o.releaseB64,
      signedLabel: o.signedLabel,
      proof: o.proof,
      marking: markingOf(o),
    })),
  );
}
