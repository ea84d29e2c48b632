/**
 * Signed tree heads: a node's statement "my log `logId` had `treeSize` leaves with root `rootHash` at
 * `timestamp`", signed with the node's Ed25519 key. The signed bytes are a fixed domain-separation prefix
 * and the head's RFC 8785 canonical JSON, so a head signature can never be mistaken for a signature on
 * anything else made with the same key.
 */
import { type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";
import { isoUtc } from "../model/time.ts";
import { NodeSpec } from "../model/topology.ts";
import { AuditError, HASH_SIZE } from "./hash.ts";
import { canonicalBytes } from "./jcs.ts";
import { UtcTime } from "./record.ts";
import { MAX_TREE_SIZE, type MerkleLog } from "./tree.ts";

/** Prefix of the bytes a tree-head signature covers. */
export const TREE_HEAD_CONTEXT = "triwatch/audit/tree-head/v1\n";

const Base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes");
const Base64Signature = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "base64 of a 64-byte Ed25519 signature");

/** An unsigned tree head. */
export const TreeHead = z.strictObject({
  logId: NodeSpec.shape.id,
  treeSize: z.number().int().nonnegative().max(MAX_TREE_SIZE),
  rootHash: Base64Hash,
  timestamp: UtcTime,
});
export type TreeHead = z.infer<typeof TreeHead>;

/** A tree head with the log's Ed25519 signature (base64). */
export const SignedTreeHead = TreeHead.extend({ signature: Base64Signature });
export type SignedTreeHead = z.infer<typeof SignedTreeHead>;

/** Bytes to base64. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Base64 to bytes. */
export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** The head of `log` at its current size, stamped with `at` (epoch milliseconds). */
export function treeHeadOf(log: MerkleLog, logId: string, at: number): TreeHead {
  return TreeHead.parse({ logId, treeSize: log.size, rootHash: toBase64(log.root()), timestamp: isoUtc(at) });
}

const CONTEXT_BYTES = new TextEncoder().encode(TREE_HEAD_CONTEXT);

/** The bytes a tree-head signature covers. */
export function treeHeadSigningBytes(head: TreeHead): Uint8Array {
  const { logId, treeSize, rootHash, timestamp } = head;
  const body = canonicalBytes({ logId, rootHash, timestamp, treeSize });
  const prefix = CONTEXT_BYTES;
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

function requireEd25519(key: KeyObject, type: "private" | "public"): void {
  if (key.asymmetricKeyType !== "ed25519" || key.type !== type) {
    throw new AuditError(
      "BAD_KEY",
      `tree heads are signed with Ed25519; got a ${key.asymmetricKeyType} ${key.type} key`,
    );
  }
}

/** Signs a head with the log's Ed25519 private key. */
export function signTreeHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  requireEd25519(privateKey, "private");
  const signature = sign(null, treeHeadSigningBytes(head), privateKey);
  return {
    logId: head.logId,
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    signature: toBase64(signature),
  };
}

/** Why a signed head was refused. */
export type HeadFailure = "MALFORMED" | "WRONG_LOG" | "BAD_SIGNATURE";

/** A signed head checked against the log's public key, or why it was refused. */
export type HeadCheck =
  | { ok: true; head: SignedTreeHead; root: Uint8Array }
  | { ok: false; failure: HeadFailure; message: string };

/**
 * Checks that `value` is a well-formed signed head, from `logId` when given, signed by `publicKey`.
 * Takes unknown input because heads arrive from partners.
 */
export function verifyTreeHead(value: unknown, publicKey: KeyObject, logId?: string): HeadCheck {
  requireEd25519(publicKey, "public");
  const parsed = SignedTreeHead.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, failure: "MALFORMED", message: `${issue?.path.join(".")}: ${issue?.message}` };
  }
  const head = parsed.data;
  if (logId !== undefined && head.logId !== logId) {
    return { ok: false, failure: "WRONG_LOG", message: `head of ${head.logId}, expected ${logId}` };
  }
  const good = verify(null, treeHeadSigningBytes(head), publicKey, fromBase64(head.signature));
  if (!good)
    return {
      ok: false,
      failure: "BAD_SIGNATURE",
      message: `signature on ${head.logId}@${head.treeSize} does not verify`,
    };
  const root = fromBase64(head.rootHash);
  if (root.length !== HASH_SIZE) return { ok: false, failure: "MALFORMED", message: "root is not 32 bytes" };
  return { ok: true, head, root };
}
