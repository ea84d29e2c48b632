/**
 * Opening one entry of an accepted hop envelope: its release (decoded, or unsealed for a report), its
 * age, originator proof, destination, label and marking, and the end-to-end replay guard. A track with a
 * batch proof is opened synchronously, with no promise per track; a report waits for jose.
 */
import { compactDecrypt } from "jose";
import type { z } from "zod";
import { markChecked } from "../model/checked.ts";
import { Item, type TrackReport } from "../model/item.ts";
import { strictBase64url } from "./base64url.ts";
import { checkMarking, compareShownLabel } from "./labels.ts";
import type { ProofCheck } from "./originator.ts";
import { ageProblem, type Receiver } from "./receiver.ts";
import {
  BundleHead,
  bundleId,
  type EnvelopeMarking,
  type Hop,
  type OpenResult,
  type OriginatorProof,
  type Rejected,
  type RejectReason,
  type RelayedRelease,
  Release,
  ReleaseHead,
  TrackBundle,
  type WireEntry,
} from "./schema.ts";

/** Key management and content encryption of a report sealed to its hop recipient. */
export const REPORT_JWE = { alg: "ECDH-ES+A256KW", enc: "A256GCM" } as const;

type Claimed = NonNullable<Rejected["claimed"]>;

function reject(reason: RejectReason, detail: string, claimed: Claimed): Rejected {
  return { ok: false, reason, detail, claimed };
}

/** The release bytes of an entry and their base64url (as carried, for relaying). */
interface Got {
  readonly bytes: Buffer;
  readonly b64: string;
}

/** The shared parts of an envelope body that entries name by position; `labelTexts` are the labels' JSON. */
export interface Tables {
  readonly batches: readonly string[];
  readonly markings: readonly EnvelopeMarking[];
  readonly labels: readonly unknown[];
  readonly labelTexts: readonly (string | undefined)[];
}

/** An entry with its marking and shown label looked up. */
interface Shown {
  readonly wire: WireEntry;
  readonly marking: EnvelopeMarking;
  readonly label: unknown;
  readonly labelText: string | undefined;
}

/** Opens one entry; a promise only when the entry is a report (sealed, or signed with its own JWS). */
export function openEntry(
  r: Receiver,
  hop: Hop,
  tables: Tables,
  wire: WireEntry,
  now: number,
): OpenResult | Promise<OpenResult> {
  const claimed = { from: hop.from, seq: hop.seq, id: wire.id };
  const marking = tables.markings[wire.marking];
  if (marking === undefined) return reject("MALFORMED", `no marking ${wire.marking}`, claimed);
  if (wire.label >= tables.labels.length) return reject("MALFORMED", `no label ${wire.label}`, claimed);
  const shown: Shown = {
    wire,
    marking,
    label: tables.labels[wire.label],
    labelText: tables.labelTexts[wire.label],
  };
  let proof: OriginatorProof = wire.proof as OriginatorProof;
  if (wire.proof.kind === "batch") {
    const header = tables.batches[wire.proof.batch];
    if (header === undefined) return reject("MALFORMED", `no batch ${wire.proof.batch}`, claimed);
    proof = { kind: "batch", header, index: wire.proof.index, path: wire.proof.path };
  }
  if ((wire.release === undefined) === (wire.sealed === undefined)) {
    return reject("MALFORMED", "an entry holds exactly one of release and sealed", claimed);
  }
  if (wire.sealed !== undefined) {
    return unseal(r, wire.sealed).then((got) =>
      got
        ? checkRelease({ r, hop, shown, proof, got, now, claimed })
        : reject("UNDECRYPTABLE", "sealed release does not decrypt for this node", claimed),
    );
  }
  const b64 = wire.release ?? "";
  const bytes = strictBase64url(b64);
  if (!bytes) return reject("MALFORMED", "release is not canonical base64url", claimed);
  return checkRelease({ r, hop, shown, proof, got: { bytes, b64 }, now, claimed });
}

async function unseal(r: Receiver, sealed: string): Promise<Got | null> {
  try {
    const { plaintext } = await compactDecrypt(sealed, r.self.agree.privateKey, {
      keyManagementAlgorithms: [REPORT_JWE.alg],
      contentEncryptionAlgorithms: [REPORT_JWE.enc],
    });
    const bytes = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    return { bytes, b64: bytes.toString("base64url") };
  } catch {
    return null;
  }
}

/** What is known of an entry once its release is parsed and its proof is due to be checked. */
interface Read {
  readonly release: RelayedRelease;
  readonly item: Item | null;
  readonly bundle?: readonly TrackReport[];
  readonly signedLabel: unknown;
  readonly signedText: string | undefined;
}

function readRelease(
  r: Receiver,
  wire: WireEntry,
  bytes: Buffer,
): Read | { reason: RejectReason; detail: string } {
  try {
    const json = JSON.parse(bytes.toString("utf8"));
    if (json?.v === 2) return readBundle(r, wire, json);
    const signedLabel: unknown = json?.item?.label;
    const signedText = JSON.stringify(signedLabel);
    if (wire.dest === r.self.node || r.parseRelayedItems) {
      const parsed = Release.safeParse(json);
      if (!parsed.success)
        return { reason: "MALFORMED", detail: `release: ${parsed.error.issues[0]?.message ?? ""}` };
      // The item is as `Item` parsed it: the store need not check it again (`markChecked`).
      const item = markChecked(Item, parsed.data.item);
      return { release: parsed.data, item, signedLabel, signedText };
    }
    const head = ReleaseHead.safeParse(json);
    if (!head.success)
      return { reason: "MALFORMED", detail: `release: ${head.error.issues[0]?.message ?? ""}` };
    const label = r.labels.parse(signedLabel, signedText);
    if (!label) return { reason: "MALFORMED", detail: "release: the item's label is not a label" };
    return {
      release: { ...head.data, item: { ...head.data.item, label } },
      item: null,
      signedLabel,
      signedText,
    };
  } catch {
    return { reason: "MALFORMED", detail: "release is not JSON" };
  }
}

/**
 * Reads a track bundle. The final recipient parses every track in full and gives each the bundle's
 * label; a relay reads only each track's id and times (`TrackHead`), and the label through its cache.
 */
function readBundle(
  r: Receiver,
  wire: WireEntry,
  json: unknown,
): Read | { reason: RejectReason; detail: string } {
  const signedLabel: unknown = (json as { label?: unknown }).label;
  const signedText = JSON.stringify(signedLabel);
  if (wire.dest === r.self.node) {
    const parsed = TrackBundle.safeParse(json);
    if (!parsed.success) return malformedBundle(parsed.error);
    const { tracks, label, ...head } = parsed.data;
    const release: RelayedRelease = {
      ...head,
      v: 1,
      item: { kind: "track-report", id: bundleId(head.origin, head.nonce), label },
      tracks,
    };
    // Each track as `TrackBundle` parsed it, with the bundle's parsed label: what `Item` accepts (tested),
    // so the store need not check it again (`markChecked`).
    const bundle = tracks.map((t): TrackReport => markChecked(Item, { ...t, label }));
    return { release, item: null, bundle, signedLabel, signedText };
  }
  const head = BundleHead.safeParse(json);
  if (!head.success) return malformedBundle(head.error);
  const label = r.labels.parse(signedLabel, signedText);
  if (!label) return { reason: "MALFORMED", detail: "bundle: its label is not a label" };
  const { tracks, label: _raw, ...rest } = head.data;
  const release: RelayedRelease = {
    ...rest,
    v: 1,
    item: { kind: "track-report", id: bundleId(rest.origin, rest.nonce), label },
    tracks,
  };
  return { release, item: null, signedLabel, signedText };
}

/** A bundle that does not match its schema: MALFORMED, naming the first field at fault. */
function malformedBundle(error: z.ZodError): { reason: RejectReason; detail: string } {
  const issue = error.issues[0];
  return { reason: "MALFORMED", detail: `bundle: ${issue?.path.join(".")} ${issue?.message ?? ""}` };
}

/** An entry on its way through the checks. */
interface Ctx {
  readonly r: Receiver;
  readonly hop: Hop;
  readonly shown: Shown;
  readonly proof: OriginatorProof;
  readonly got: Got;
  readonly now: number;
  readonly claimed: Claimed;
}

function checkRelease(ctx: Ctx): OpenResult | Promise<OpenResult> {
  const { r, shown, proof, got, now, claimed } = ctx;
  const { wire } = shown;
  const read = readRelease(r, wire, got.bytes);
  if ("reason" in read) return reject(read.reason, read.detail, claimed);
  const { release } = read;
  if (release.item.kind !== "track-report" && wire.sealed === undefined)
    return reject("MALFORMED", "a report travels sealed to its hop recipient", claimed);
  const releaseAge = ageProblem(r, release.releasedAt, now, "release", ctx.hop.cls === "track");
  if (releaseAge) return reject("STALE", releaseAge, claimed);
  if (!r.ring.has(release.origin))
    return reject("UNKNOWN_ORIGINATOR", `no key for ${release.origin}`, claimed);
  const check = r.verifier.verify(got.bytes, release.origin, proof);
  return check instanceof Promise
    ? check.then((problem) => finish(ctx, read, problem))
    : finish(ctx, read, check);
}

function finish(ctx: Ctx, read: Read, proofProblem: ProofCheck): OpenResult {
  const { r, hop, shown, proof, got, now, claimed } = ctx;
  const { release } = read;
  const { wire, marking } = shown;
  if (proofProblem) return reject("BAD_ORIGINATOR_SIGNATURE", proofProblem, claimed);
  const originParty = r.partyOf(release.origin);
  if (originParty !== release.item.label.originator) {
    const detail = `${release.origin} (${originParty}) cannot originate a ${release.item.label.originator} item`;
    return reject("BAD_ORIGINATOR_SIGNATURE", detail, claimed);
  }
  if (release.dest !== wire.dest) {
    return reject("WRONG_RECIPIENT", `signed for ${release.dest}, not ${wire.dest}`, claimed);
  }
  const labelProblem = compareShownLabel(release.item.label, read, shown);
  if (labelProblem) return reject(labelProblem.reason, labelProblem.detail, claimed);
  const markingProblem = checkMarking(r, hop.to, marking, release.item.label);
  if (markingProblem) return reject(markingProblem.reason, markingProblem.detail, claimed);
  // Reports are kept exactly once by the final recipient's store inbox, which survives a redelivery of
  // an envelope whose first delivery failed midway; tracks, which are never redelivered, use the guard.
  if (hop.cls === "track" && !r.replays.accept(release.origin, release.nonce, release.releasedAt, now)) {
    return reject("REPLAY", `release ${release.nonce} from ${release.origin} was accepted before`, claimed);
  }
  const entry = { id: wire.id, dest: wire.dest, marking, label: release.item.label, proof };
  const signedLabel = { value: read.signedLabel, text: read.signedText ?? "" };
  return {
    ok: true,
    hop,
    entry,
    release,
    item: read.item,
    ...(read.bundle ? { bundle: read.bundle } : {}),
    originator: release.origin,
    proof,
    releaseBytes: got.bytes,
    releaseB64: got.b64,
    signedLabel,
    final: wire.dest === r.self.node,
  };
}
