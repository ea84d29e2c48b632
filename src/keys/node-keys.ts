/**
 * Key material of one node: an Ed25519 identity key (signs originator statements and link handshakes)
 * and an X25519 agreement key (receives JWE). Keys travel as JWK (RFC 7517, OKP per RFC 8037): the
 * public bundle `{ node, sign, agree }` is what a topology carries; the private file stays on the node.
 * Pure: no files here (see `files.ts`).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { z } from "zod";

const B64U_32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "32 bytes, base64url without padding");

/** A node id as in the topology. */
export const NodeId = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "upper-case letters, digits and _");

/** An Ed25519 public key as JWK. */
export const Ed25519PublicJwk = z.strictObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: B64U_32,
  kid: z.string().optional(),
});
/** An X25519 public key as JWK. */
export const X25519PublicJwk = z.strictObject({
  kty: z.literal("OKP"),
  crv: z.literal("X25519"),
  x: B64U_32,
  kid: z.string().optional(),
});
const Ed25519PrivateJwk = Ed25519PublicJwk.extend({ d: B64U_32 });
const X25519PrivateJwk = X25519PublicJwk.extend({ d: B64U_32 });

/** The public keys of one node, as embedded in the topology. */
export const PublicKeyBundle = z.strictObject({
  node: NodeId,
  sign: Ed25519PublicJwk,
  agree: X25519PublicJwk,
});
export type PublicKeyBundle = z.infer<typeof PublicKeyBundle>;

/** The private key file of one node. */
export const PrivateKeyFile = z.strictObject({
  v: z.literal(1),
  node: NodeId,
  sign: Ed25519PrivateJwk,
  agree: X25519PrivateJwk,
});
export type PrivateKeyFile = z.infer<typeof PrivateKeyFile>;

/** A key pair as node:crypto key objects. */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** One node's own keys, ready for use. */
export interface NodeKeys {
  readonly node: string;
  readonly sign: KeyPair;
  readonly agree: KeyPair;
}

/** Another node's public keys, ready for use. */
export interface PeerKeys {
  readonly node: string;
  readonly sign: KeyObject;
  readonly agree: KeyObject;
  /** RFC 7638 thumbprint of the signing key, used as the JWS `kid`. */
  readonly signKid: string;
}

/** Why key material was refused. */
export type KeyProblem = { ok: false; code: "MALFORMED" | "MISMATCH"; message: string };

/** Generates fresh Ed25519 and X25519 key pairs for a node. */
export function generateNodeKeys(node: string): NodeKeys {
  if (!NodeId.safeParse(node).success) throw new Error(`not a node id: ${node}`);
  return {
    node,
    sign: generateKeyPairSync("ed25519"),
    agree: generateKeyPairSync("x25519"),
  };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an OKP public key. */
export function okpThumbprint(jwk: { crv: string; x: string }): string {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
  const text = `{"crv":"${jwk.crv}","kty":"OKP","x":"${jwk.x}"}`;
  return createHash("sha256").update(text).digest("base64url");
}

function publicJwk(key: KeyObject): { crv: string; x: string } {
  const jwk = key.export({ format: "jwk" });
  return { crv: String(jwk.crv), x: String(jwk.x) };
}

/** The public bundle of a node's keys, for the topology. */
export function publicBundle(keys: NodeKeys): PublicKeyBundle {
  const s = publicJwk(keys.sign.publicKey);
  const a = publicJwk(keys.agree.publicKey);
  return {
    node: keys.node,
    sign: { kty: "OKP", crv: "Ed25519", x: s.x, kid: okpThumbprint(s) },
    agree: { kty: "OKP", crv: "X25519", x: a.x, kid: okpThumbprint(a) },
  };
}

/** The private key file contents of a node's keys. */
export function privateKeyFile(keys: NodeKeys): PrivateKeyFile {
  const s = keys.sign.privateKey.export({ format: "jwk" });
  const a = keys.agree.privateKey.export({ format: "jwk" });
  return {
    v: 1,
    node: keys.node,
    sign: { kty: "OKP", crv: "Ed25519", x: String(s.x), d: String(s.d) },
    agree: { kty: "OKP", crv: "X25519", x: String(a.x), d: String(a.d) },
  };
}

/** Node keys from a private key file; refuses a file whose public halves do not match its private ones. */
export function nodeKeysFromFile(input: unknown): { ok: true; keys: NodeKeys } | KeyProblem {
  const parsed = PrivateKeyFile.safeParse(input);
  if (!parsed.success)
    return { ok: false, code: "MALFORMED", message: parsed.error.issues[0]?.message ?? "" };
  const f = parsed.data;
  try {
    const pairs = [f.sign, f.agree].map((jwk) => {
      const privateKey = createPrivateKey({ key: { ...jwk }, format: "jwk" });
      const publicKey = createPublicKey(privateKey);
      if (publicJwk(publicKey).x !== jwk.x) throw new MismatchError(jwk.crv);
      return { privateKey, publicKey };
    });
    const [sign, agree] = pairs as [KeyPair, KeyPair];
    return { ok: true, keys: { node: f.node, sign, agree } };
  } catch (e) {
    if (e instanceof MismatchError) {
      return { ok: false, code: "MISMATCH", message: `${f.node}: ${e.message}` };
    }
    return { ok: false, code: "MALFORMED", message: `${f.node}: ${(e as Error).message}` };
  }
}

class MismatchError extends Error {
  constructor(crv: string) {
    super(`the ${crv} public key x does not match its private key d`);
  }
}

/** Peer keys from a public bundle (validated here, since bundles arrive from files and topologies). */
export function peerKeysFromBundle(input: unknown): { ok: true; peer: PeerKeys } | KeyProblem {
  const parsed = PublicKeyBundle.safeParse(input);
  if (!parsed.success)
    return { ok: false, code: "MALFORMED", message: parsed.error.issues[0]?.message ?? "" };
  const b = parsed.data;
  try {
    const sign = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b.sign.x }, format: "jwk" });
    const agree = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b.agree.x }, format: "jwk" });
    return { ok: true, peer: { node: b.node, sign, agree, signKid: okpThumbprint(b.sign) } };
  } catch (e) {
    return { ok: false, code: "MALFORMED", message: `${b.node}: ${(e as Error).message}` };
  }
}

/** The peer view of a node's own keys (a node is a peer to itself when it checks its own statements). */
export function peerKeysOf(keys: NodeKeys): PeerKeys {
  return {
    node: keys.node,
    sign: keys.sign.publicKey,
    agree: keys.agree.publicKey,
    signKid: okpThumbprint(publicJwk(keys.sign.publicKey)),
  };
}

/** Public keys of every known node, by node id. */
export type KeyRing = ReadonlyMap<string, PeerKeys>;

/** A key ring from public bundles; the first bad bundle is reported, and duplicate nodes are refused. */
export function keyRingFromBundles(bundles: readonly unknown[]): { ok: true; ring: KeyRing } | KeyProblem {
  const ring = new Map<string, PeerKeys>();
  for (const b of bundles) {
    const r = peerKeysFromBundle(b);
    if (!r.ok) return r;
    if (ring.has(r.peer.node)) {
      return { ok: false, code: "MALFORMED", message: `two bundles for node ${r.peer.node}` };
    }
    ring.set(r.peer.node, r.peer);
  }
  return { ok: true, ring };
}
