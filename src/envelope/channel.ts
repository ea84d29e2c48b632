/**
 * Authenticated channels per link. A signed ephemeral Diffie–Hellman (as in TLS 1.3 or SIGMA): each side
 * signs a fresh X25519 public key with its Ed25519 identity key, as a compact JWS naming both nodes, the
 * link, a nonce and the time; the reply also binds the hash of the hello. HKDF-SHA256 over the shared
 * secret, salted with the transcript, gives one AES-256-GCM key per direction. Messages then cost one
 * AES-GCM pass (its tag is the hop MAC), not a signature, and carry a sequence number per direction and
 * traffic class, from which the GCM nonce is derived.
 *
 * The two traffic classes have separate keys and sequence spaces, so a report the transport holds back
 * (an outage, a redelivery after a missing acknowledgement) is never refused because a later track
 * overtook it. Tracks are checked strictly in order (`checkSeq`/`acceptSeq`: a late one is REORDERED, a
 * repeated one REPLAY). Reports are not ordered at the hop: they arrive when the transport can deliver
 * them, possibly more than once, and the final recipient's store inbox keeps each exactly once.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { CompactSign, compactVerify } from "jose";
import { z } from "zod";
import { canonicalBytes } from "../audit/jcs.ts";
import { type KeyRing, NodeId, type NodeKeys, okpThumbprint } from "../keys/node-keys.ts";
import { strictBase64url } from "./base64url.ts";
import type { HopClass } from "./schema.ts";

/** JWS `typ` of handshake messages. */
export const HANDSHAKE_TYP = "triwatch-link-handshake+jws";
const REPLAY_WINDOW = 1024;

/** The id of the link between two nodes, the same from either end. */
export function linkId(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

const HandshakeMessage = z.strictObject({
  step: z.enum(["hello", "reply"]),
  link: z.string().min(1),
  from: NodeId,
  to: NodeId,
  /** The sender's ephemeral X25519 public key, base64url. */
  eph: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  at: z.number().int().nonnegative(),
  /** In a reply: SHA-256 of the hello it answers, base64url. */
  hello: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
});
type HandshakeMessage = z.infer<typeof HandshakeMessage>;

/** Why a handshake failed. */
export type HandshakeFailure = {
  ok: false;
  reason: "MALFORMED" | "UNKNOWN_SENDER" | "BAD_SIGNATURE" | "WRONG_RECIPIENT" | "WRONG_LINK" | "STALE";
  detail: string;
};

/** Limits for accepting a handshake message. */
export interface HandshakeOptions {
  /** How far a handshake's time may be from ours, either way. */
  maxSkewMs: number;
}

/** The initiator's state between hello and reply. */
export interface PendingHandshake {
  readonly self: NodeKeys;
  readonly peer: string;
  readonly link: string;
  readonly hello: string;
  readonly ephemeral: KeyObject;
}

function kidOf(keys: NodeKeys): string {
  const jwk = keys.sign.publicKey.export({ format: "jwk" });
  return okpThumbprint({ crv: String(jwk.crv), x: String(jwk.x) });
}

async function signMessage(self: NodeKeys, msg: HandshakeMessage): Promise<string> {
  return new CompactSign(canonicalBytes(msg))
    .setProtectedHeader({ alg: "EdDSA", kid: kidOf(self), typ: HANDSHAKE_TYP })
    .sign(self.sign.privateKey);
}

function ephemeralPair(): { privateKey: KeyObject; x: string } {
  const pair = generateKeyPairSync("x25519");
  return { privateKey: pair.privateKey, x: String(pair.publicKey.export({ format: "jwk" }).x) };
}

/** Starts a handshake with `peer`: returns the hello to send and the state to keep for the reply. */
export async function startHandshake(
  self: NodeKeys,
  peer: string,
  now: number,
): Promise<{ hello: string; pending: PendingHandshake }> {
  const eph = ephemeralPair();
  const link = linkId(self.node, peer);
  const msg: HandshakeMessage = {
    step: "hello",
    link,
    from: self.node,
    to: peer,
    eph: eph.x,
    nonce: randomBytes(16).toString("base64url"),
    at: now,
  };
  const hello = await signMessage(self, msg);
  return { hello, pending: { self, peer, link, hello, ephemeral: eph.privateKey } };
}

async function readMessage(
  compact: string,
  self: NodeKeys,
  ring: KeyRing,
  step: HandshakeMessage["step"],
  now: number,
  options: HandshakeOptions,
): Promise<{ ok: true; msg: HandshakeMessage } | HandshakeFailure> {
  const parts = compact.split(".");
  if (parts.length !== 3) return { ok: false, reason: "MALFORMED", detail: "not a compact JWS" };
  let claimed: unknown;
  try {
    claimed = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "MALFORMED", detail: "payload is not JSON" };
  }
  const parsed = HandshakeMessage.safeParse(claimed);
  if (!parsed.success || parsed.data.step !== step) {
    return { ok: false, reason: "MALFORMED", detail: `not a handshake ${step}` };
  }
  const msg = parsed.data;
  const peer = ring.get(msg.from);
  if (!peer) return { ok: false, reason: "UNKNOWN_SENDER", detail: `no key for ${msg.from}` };
  if (strictBase64url(parts[2] ?? "", 64) === null) {
    return { ok: false, reason: "BAD_SIGNATURE", detail: "signature is not canonical base64url" };
  }
  try {
    const r = await compactVerify(compact, peer.sign, { algorithms: ["EdDSA"] });
    if (r.protectedHeader.typ !== HANDSHAKE_TYP || r.protectedHeader.kid !== peer.signKid) {
      return { ok: false, reason: "BAD_SIGNATURE", detail: `not a handshake signed by ${msg.from}'s key` };
    }
  } catch (e) {
    return { ok: false, reason: "BAD_SIGNATURE", detail: (e as Error).message };
  }
  if (msg.to !== self.node) return { ok: false, reason: "WRONG_RECIPIENT", detail: `meant for ${msg.to}` };
  if (msg.link !== linkId(msg.from, msg.to)) {
    return { ok: false, reason: "WRONG_LINK", detail: `${msg.link} does not join ${msg.from} and ${msg.to}` };
  }
  if (Math.abs(now - msg.at) > options.maxSkewMs) {
    return { ok: false, reason: "STALE", detail: `sent at ${msg.at}, now ${now}` };
  }
  return { ok: true, msg };
}

function sha256b64u(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/** Answers a hello: checks it, and returns the reply to send and the channel it opens. */
export async function answerHandshake(
  self: NodeKeys,
  ring: KeyRing,
  hello: string,
  now: number,
  options: HandshakeOptions,
): Promise<{ ok: true; reply: string; channel: LinkChannel } | HandshakeFailure> {
  const read = await readMessage(hello, self, ring, "hello", now, options);
  if (!read.ok) return read;
  const eph = ephemeralPair();
  const msg: HandshakeMessage = {
    step: "reply",
    link: read.msg.link,
    from: self.node,
    to: read.msg.from,
    eph: eph.x,
    nonce: randomBytes(16).toString("base64url"),
    at: now,
    hello: sha256b64u(hello),
  };
  const reply = await signMessage(self, msg);
  const shared = agree(eph.privateKey, read.msg.eph);
  const channel = new LinkChannel(read.msg.link, self.node, read.msg.from, shared, hello, reply, now);
  return { ok: true, reply, channel };
}

/** Completes a handshake with the peer's reply, returning the initiator's channel. */
export async function finishHandshake(
  pending: PendingHandshake,
  ring: KeyRing,
  reply: string,
  now: number,
  options: HandshakeOptions,
): Promise<{ ok: true; channel: LinkChannel } | HandshakeFailure> {
  const read = await readMessage(reply, pending.self, ring, "reply", now, options);
  if (!read.ok) return read;
  const msg = read.msg;
  if (msg.from !== pending.peer || msg.link !== pending.link || msg.hello !== sha256b64u(pending.hello)) {
    return { ok: false, reason: "MALFORMED", detail: "the reply does not answer our hello" };
  }
  const shared = agree(pending.ephemeral, msg.eph);
  const channel = new LinkChannel(
    pending.link,
    pending.self.node,
    pending.peer,
    shared,
    pending.hello,
    reply,
    now,
  );
  return { ok: true, channel };
}

function agree(privateKey: KeyObject, peerX: string): Buffer {
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: peerX }, format: "jwk" });
  return diffieHellman({ privateKey, publicKey });
}

function derive(shared: Buffer, salt: Buffer, link: string, from: string, to: string, use: string): Buffer {
  const info = `triwatch/link/v1 ${link} ${from}->${to} ${use}`;
  return Buffer.from(hkdfSync("sha256", shared, salt, info, 32));
}

/** Verdict on an incoming sequence number. */
export type SeqVerdict = "OK" | "REPLAY" | "REORDERED";

/**
 * One end of an established link: directional keys, the next sequence number to send, and the receive
 * window. The window is the only mutable state, and advances only through `acceptSeq`, which the opener
 * calls after everything else about a message has been checked.
 */
export class LinkChannel {
  readonly #sendEnc: Record<HopClass, Buffer>;
  readonly #recvEnc: Record<HopClass, Buffer>;
  readonly #sendSeq: Record<HopClass, number> = { track: 0, report: 0 };
  /** Key-confirmation tags: this end's (sent to the peer) and the one expected from the peer. */
  readonly #confirmOut: string;
  readonly #confirmIn: Buffer;
  #lastSeq = 0;
  readonly #seen = new Uint8Array(REPLAY_WINDOW);

  constructor(
    readonly link: string,
    readonly self: string,
    readonly peer: string,
    shared: Buffer,
    hello: string,
    reply: string,
    readonly establishedAt: number,
  ) {
    const salt = createHash("sha256").update(hello).update(".").update(reply).digest();
    this.#sendEnc = {
      track: derive(shared, salt, link, self, peer, "enc track"),
      report: derive(shared, salt, link, self, peer, "enc report"),
    };
    this.#recvEnc = {
      track: derive(shared, salt, link, peer, self, "enc track"),
      report: derive(shared, salt, link, peer, self, "enc report"),
    };
    // Key confirmation (as TLS's Finished): an HMAC under a key only the two ends of this handshake can
    // derive, over the link and direction; showing it proves the sender completed the same handshake.
    const tag = (from: string, to: string) =>
      createHmac("sha256", derive(shared, salt, link, from, to, "confirm"))
        .update(`triwatch/link/v1 confirm ${link} ${from}->${to}`)
        .digest();
    this.#confirmOut = tag(self, peer).toString("base64url");
    this.#confirmIn = tag(peer, self);
    shared.fill(0);
  }

  /** This end's key-confirmation tag (base64url), for the peer's `checkConfirmation`. */
  confirmation(): string {
    return this.#confirmOut;
  }

  /** Whether `tag` is the peer's key-confirmation tag for this channel (constant-time comparison). */
  checkConfirmation(tag: string): boolean {
    const got = strictBase64url(tag, 32);
    return got !== null && timingSafeEqual(got, this.#confirmIn);
  }

  /** The next sequence number to send in traffic class `cls` (1, 2, 3, … in each class). */
  nextSeq(cls: HopClass = "track"): number {
    this.#sendSeq[cls] += 1;
    return this.#sendSeq[cls];
  }

  /**
   * AES-256-GCM under this direction's key, authenticating `aad` (ASCII) with the plaintext. The nonce is
   * the sequence number, which never repeats under one key (`nextSeq`; one key per traffic class).
   */
  encrypt(
    seq: number,
    plaintext: Uint8Array,
    aad: string,
    cls: HopClass = "track",
  ): { iv: Buffer; ct: Buffer; tag: Buffer } {
    const iv = seqIv(seq);
    const c = createCipheriv("aes-256-gcm", this.#sendEnc[cls], iv);
    c.setAAD(Buffer.from(aad, "latin1"));
    const head = c.update(plaintext);
    const tail = c.final();
    return { iv, ct: tail.length === 0 ? head : Buffer.concat([head, tail]), tag: c.getAuthTag() };
  }

  /** Decrypts from the peer, or null if the tag does not verify or the nonce is not the one `seq` implies. */
  decrypt(
    seq: number,
    iv: Buffer,
    ct: Buffer,
    tag: Buffer,
    aad: string,
    cls: HopClass = "track",
  ): Buffer | null {
    if (!iv.equals(seqIv(seq)) || tag.length !== 16) return null;
    try {
      const d = createDecipheriv("aes-256-gcm", this.#recvEnc[cls], iv);
      d.setAAD(Buffer.from(aad, "latin1"));
      d.setAuthTag(tag);
      const head = d.update(ct);
      const tail = d.final();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      return null;
    }
  }

  /** Checks an incoming track sequence number without accepting it (reports are not ordered). */
  checkSeq(seq: number): SeqVerdict {
    if (seq > this.#lastSeq) return "OK";
    if (this.#lastSeq - seq >= REPLAY_WINDOW) return "REPLAY"; // too old to tell; never new
    return this.#seen[seq % REPLAY_WINDOW] === 1 ? "REPLAY" : "REORDERED";
  }

  /** Accepts an incoming track sequence number (re-checking it, in case another was accepted meanwhile). */
  acceptSeq(seq: number): SeqVerdict {
    const verdict = this.checkSeq(seq);
    if (verdict !== "OK") return verdict;
    const gap = seq - this.#lastSeq;
    if (gap >= REPLAY_WINDOW) this.#seen.fill(0);
    else for (let s = this.#lastSeq + 1; s < seq; s++) this.#seen[s % REPLAY_WINDOW] = 0;
    this.#seen[seq % REPLAY_WINDOW] = 1;
    this.#lastSeq = seq;
    return "OK";
  }
}

function seqIv(seq: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(seq), 4);
  return iv;
}
