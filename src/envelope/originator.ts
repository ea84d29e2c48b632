/**
 * Originator proofs, which survive every relay. A report carries its own detached JWS (EdDSA). Tracks are
 * signed in batches: the originator gathers releases over a short window, signs the Merkle root once
 * (a compact JWS over the batch header), and each track carries its leaf index and audit path; a receiver
 * verifies each batch header once and caches it, so a batch costs one Ed25519 verification per receiver.
 */
import { type KeyObject, sign, verify } from "node:crypto";
import { FlattenedSign, flattenedVerify } from "jose";
import { z } from "zod";
import { leafHash } from "../audit/hash.ts";
import { canonicalBytes } from "../audit/jcs.ts";
import type { KeyRing, NodeKeys, PeerKeys } from "../keys/node-keys.ts";
import { okpThumbprint } from "../keys/node-keys.ts";
import type { Item, TrackReport } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import { strictBase64url } from "./base64url.ts";
import { batchTree, includedUnder, inclusionProblem } from "./inclusion.ts";
import { randomId } from "./random.ts";
import {
  BatchHeader,
  type BatchHeader as BatchHeaderT,
  type BatchProof,
  bundleId,
  MAX_BUNDLE_TRACKS,
  type OriginatorProof,
  type RelayedRelease,
  type Release,
  type ReportProof,
  type TrackBundle,
} from "./schema.ts";

/** JWS `typ` of a report's detached signature. */
export const RELEASE_TYP = "triwatch-release+jws";
/** JWS `typ` of a batch header. */
export const BATCH_TYP = "triwatch-batch+jws";

/** A release ready to send: the statement and its exact signed bytes. */
export interface ReleaseBytes {
  readonly release: RelayedRelease;
  readonly bytes: Buffer;
}

/**
 * Builds the statement an originator signs for one recipient, from the sanitised item. The bytes are the
 * release's JSON as built here; every check is over the exact bytes received, so no canonical form is
 * needed (and RFC 8785 would cost three times as much on the hot path).
 */
export function makeRelease(args: {
  origin: string;
  dest: string;
  item: Item;
  releasedAt: number;
  nonce?: string;
}): { release: Release; bytes: Buffer } {
  const release: Release = {
    v: 1,
    origin: args.origin,
    dest: args.dest,
    releasedAt: args.releasedAt,
    nonce: args.nonce ?? randomId(),
    item: args.item,
  };
  return { release, bytes: Buffer.from(JSON.stringify(release), "utf8") };
}

/** A track's JSON as a bundle carries it: without its label, which is the bundle's. */
export function bundledTrackJson(track: TrackReport): string {
  const { label: _label, ...rest } = track;
  return JSON.stringify(rest);
}

/**
 * Builds a track bundle: the tracks (sanitised, all under `label`) an originator releases to one
 * recipient at once, as one statement to sign. Returned with `release` as a node reads it back (see
 * `RelayedRelease`), so it seals like any release; its `tracks` are left out (nothing was read).
 */
export function makeBundle(args: {
  origin: string;
  dest: string;
  label: Label;
  tracks: readonly TrackReport[];
  releasedAt: number;
  nonce?: string;
}): ReleaseBytes {
  const { tracks, ...rest } = args;
  return assembleBundle({ ...rest, trackJson: tracks.map(bundledTrackJson) });
}

/**
 * Builds a track bundle from each track's JSON as `bundledTrackJson` wrote it (an originator writes each
 * track's JSON when it releases it, so what is signed is the track as it was then).
 */
export function assembleBundle(args: {
  origin: string;
  dest: string;
  label: Label;
  trackJson: readonly string[];
  releasedAt: number;
  nonce?: string;
}): ReleaseBytes {
  const count = args.trackJson.length;
  if (count === 0 || count > MAX_BUNDLE_TRACKS)
    throw new RangeError(`a bundle carries 1 to ${MAX_BUNDLE_TRACKS} tracks, not ${count}`);
  const nonce = args.nonce ?? randomId();
  const head: Omit<TrackBundle, "tracks"> = {
    v: 2,
    origin: args.origin,
    dest: args.dest,
    releasedAt: args.releasedAt,
    nonce,
    label: args.label,
  };
  const text = `${JSON.stringify(head).slice(0, -1)},"tracks":[${args.trackJson.join(",")}]}`;
  const release: RelayedRelease = {
    v: 1,
    origin: args.origin,
    dest: args.dest,
    releasedAt: args.releasedAt,
    nonce,
    item: { kind: "track-report", id: bundleId(args.origin, nonce), label: args.label },
  };
  return { release, bytes: Buffer.from(text, "utf8") };
}

/** Key ids by signing key (the JWK export and thumbprint cost more than the signature's hashing). */
const kids = new WeakMap<NodeKeys["sign"]["publicKey"], string>();

function kidOf(keys: NodeKeys): string {
  let kid = kids.get(keys.sign.publicKey);
  if (kid === undefined) {
    const jwk = keys.sign.publicKey.export({ format: "jwk" });
    kid = okpThumbprint({ crv: String(jwk.crv), x: String(jwk.x) });
    kids.set(keys.sign.publicKey, kid);
  }
  return kid;
}

/** Signs one release as a report: a flattened EdDSA JWS whose payload (the release bytes) travels apart. */
export async function signReport(keys: NodeKeys, releaseBytes: Uint8Array): Promise<ReportProof> {
  const jws = await new FlattenedSign(releaseBytes)
    .setProtectedHeader({ alg: "EdDSA", kid: kidOf(keys), typ: RELEASE_TYP })
    .sign(keys.sign.privateKey);
  return { kind: "jws", protected: jws.protected ?? "", signature: jws.signature };
}

/**
 * Signs a batch of releases: one Merkle tree, one EdDSA signature over its header, one proof per release
 * in input order. `batchId` must be unique per originator; `windowStart` is when the window opened.
 */
export async function signBatch(
  keys: NodeKeys,
  batch: { batchId: string; windowStart: number; releases: readonly Uint8Array[] },
): Promise<BatchProof[]> {
  const tree = batchTree(batch.releases);
  const header: BatchHeaderT = {
    typ: "triwatch-batch",
    root: b64u(tree.root),
    batchId: batch.batchId,
    origin: keys.node,
    count: batch.releases.length,
    windowStart: batch.windowStart,
  };
  const compact = signCompactEdDSA(keys, BATCH_TYP, canonicalBytes(header));
  return batch.releases.map((_, index) => ({
    kind: "batch",
    header: compact,
    index,
    path: (tree.paths[index] ?? []).map(b64u),
  }));
}

/** A SHA-256 hash from canonical base64url, or null. */
function decodeHash(text: string): Buffer | null {
  return strictBase64url(text, 32);
}

function b64u(h: Uint8Array): string {
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("base64url");
}

/**
 * A compact JWS (RFC 7515, EdDSA per RFC 8037) made with node:crypto directly: the batch header is on the
 * hot path, and jose's WebCrypto route costs about three times as much CPU. Tests check that jose reads
 * these and that this reader accepts jose's.
 */
function signCompactEdDSA(keys: NodeKeys, typ: string, payload: Uint8Array): string {
  const header = Buffer.from(JSON.stringify({ alg: "EdDSA", kid: kidOf(keys), typ })).toString("base64url");
  const input = `${header}.${Buffer.from(payload).toString("base64url")}`;
  return `${input}.${sign(null, Buffer.from(input), keys.sign.privateKey).toString("base64url")}`;
}

const JwsHeader = z.strictObject({ alg: z.literal("EdDSA"), kid: z.string(), typ: z.string() });

/** Verifies a compact EdDSA JWS with node:crypto; returns its protected header and payload, or why not. */
function verifyCompactEdDSA(
  compact: string,
  key: KeyObject,
): { header: z.infer<typeof JwsHeader>; payload: Buffer } | string {
  const [h = "", p = "", s = "", ...rest] = compact.split(".");
  if (rest.length > 0) return "not a compact JWS";
  const signature = strictBase64url(s, 64);
  if (!signature) return "signature is not 64 bytes of canonical base64url";
  let header: z.infer<typeof JwsHeader>;
  try {
    // Only these three members: an unknown one (`crit`, `b64`…) could change the meaning, so refuse it.
    const parsed = JwsHeader.safeParse(JSON.parse(Buffer.from(h, "base64url").toString("utf8")));
    if (!parsed.success) return "protected header is not {alg: EdDSA, kid, typ}";
    header = parsed.data;
  } catch {
    return "protected header is not JSON";
  }
  if (!verify(null, Buffer.from(`${h}.${p}`), key, signature)) return "signature verification failed";
  return { header, payload: Buffer.from(p, "base64url") };
}

function headerProblem(
  header: { typ?: string | undefined; kid?: string | undefined } | undefined,
  typ: string,
  peer: PeerKeys,
): string | null {
  if (header?.typ !== typ) return `JWS typ ${header?.typ} is not ${typ}`;
  if (header.kid !== peer.signKid) return `JWS kid ${header.kid} is not ${peer.node}'s key`;
  return null;
}

/** Why an originator proof failed (the detail for BAD_ORIGINATOR_SIGNATURE), or null when it holds. */
export type ProofCheck = null | string;

/**
 * Verifies originator proofs against the key ring, caching verified batch headers (bounded, oldest
 * first out). A header that failed is not cached, so a forged one cannot poison the cache.
 */
export class OriginatorVerifier {
  #batches = new Map<string, { header: BatchHeaderT; root: Buffer; known: Set<string> }>();
  #signatureChecks = 0;
  constructor(
    readonly ring: KeyRing,
    readonly options: { maxCachedBatches: number } = { maxCachedBatches: 4096 },
  ) {}

  /** Ed25519 verifications made so far (a batch should cost one per receiver, whatever its size). */
  get signatureChecks(): number {
    return this.#signatureChecks;
  }

  /**
   * Checks that `origin`'s key signed `releaseBytes`, by either kind of proof. A batch proof is checked
   * synchronously (no promise per track on the hot path); a report's JWS asynchronously (jose).
   */
  verify(releaseBytes: Uint8Array, origin: string, proof: OriginatorProof): ProofCheck | Promise<ProofCheck> {
    const peer = this.ring.get(origin);
    if (!peer) return `no key for originator ${origin}`;
    return proof.kind === "jws"
      ? this.#verifyReport(releaseBytes, peer, proof)
      : this.#verifyBatch(releaseBytes, peer, proof);
  }

  async #verifyReport(releaseBytes: Uint8Array, peer: PeerKeys, proof: ReportProof): Promise<ProofCheck> {
    if (strictBase64url(proof.signature, 64) === null)
      return "signature is not 64 bytes of canonical base64url";
    this.#signatureChecks += 1;
    try {
      const r = await flattenedVerify(
        {
          protected: proof.protected,
          signature: proof.signature,
          payload: Buffer.from(releaseBytes).toString("base64url"),
        },
        peer.sign,
        { algorithms: ["EdDSA"] },
      );
      return headerProblem(r.protectedHeader, RELEASE_TYP, peer);
    } catch (e) {
      return `JWS: ${(e as Error).message}`;
    }
  }

  #verifyBatch(releaseBytes: Uint8Array, peer: PeerKeys, proof: BatchProof): ProofCheck {
    let entry = this.#batches.get(proof.header);
    if (!entry) {
      const checked = this.#verifyHeader(proof.header, peer);
      if (typeof checked === "string") return checked;
      entry = { ...checked, known: new Set() };
      if (this.#batches.size >= this.options.maxCachedBatches) {
        const oldest = this.#batches.keys().next();
        if (!oldest.done) this.#batches.delete(oldest.value);
      }
      this.#batches.set(proof.header, entry);
    }
    if (entry.header.origin !== peer.node) return `batch signed by ${entry.header.origin}, not ${peer.node}`;
    const leaf = leafHash(releaseBytes);
    const { count } = entry.header;
    if (includedUnder(leaf, proof.index, count, proof.path, decodeHash, entry.root, entry.known)) return null;
    // Refused: work out why, on the slow path.
    return inclusionProblem(leaf, proof.index, count, proof.path.map(decodeHash), entry.root);
  }

  #verifyHeader(compact: string, peer: PeerKeys): { header: BatchHeaderT; root: Buffer } | string {
    this.#signatureChecks += 1;
    const r = verifyCompactEdDSA(compact, peer.sign);
    if (typeof r === "string") return `batch JWS: ${r}`;
    const problem = headerProblem(r.header, BATCH_TYP, peer);
    if (problem) return problem;
    try {
      const header = BatchHeader.safeParse(JSON.parse(r.payload.toString("utf8")));
      if (!header.success) return "batch header does not match its schema";
      const root = strictBase64url(header.data.root, 32);
      if (!root) return "batch root is not canonical base64url";
      return { header: header.data, root };
    } catch (e) {
      return `batch JWS: ${(e as Error).message}`;
    }
  }
}
