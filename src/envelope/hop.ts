/**
 * The hop envelope on the wire: a compact JWE (RFC 7516 §7.1), `dir` + A256GCM under the link's key for
 * this direction. Its protected header names the hop (from, to, link, sequence number, time) and, being
 * the GCM additional authenticated data (RFC 7516 §5.1 step 14), is authenticated with the body, so the
 * GCM tag is the hop MAC: one cipher pass and one base64url layer per hop. The IV is the sequence number
 * (never repeated under one key: each traffic class has its own key and sequence); a receiver accepts
 * only that IV.
 */
import { strictBase64url } from "./base64url.ts";
import type { LinkChannel } from "./channel.ts";
import { type Hop, type HopClass, HopHeader } from "./schema.ts";

/** JWE `typ` of a hop envelope. */
export const HOP_TYP = "triwatch-hop+jwe";

/** Encrypts `body` for the channel's peer as the hop `seq` of class `cls`, returning the compact JWE. */
export function sealHop(
  channel: LinkChannel,
  seq: number,
  sentAt: number,
  body: Uint8Array,
  cls: HopClass = "track",
): string {
  const header: HopHeader = {
    alg: "dir",
    enc: "A256GCM",
    typ: HOP_TYP,
    from: channel.self,
    to: channel.peer,
    link: channel.link,
    cls,
    seq,
    sentAt,
  };
  const protectedB64 = Buffer.from(JSON.stringify(header)).toString("base64url");
  const { iv, ct, tag } = channel.encrypt(seq, body, protectedB64, cls);
  return `${protectedB64}..${iv.toString("base64url")}.${ct.toString("base64url")}.${tag.toString("base64url")}`;
}

/** A hop envelope whose header has been read but not yet authenticated. */
export interface ClaimedHop {
  readonly hop: Hop;
  readonly protectedB64: string;
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

/** Reads the (unauthenticated) protected header of a hop JWE, or says why it is not one. */
export function readHop(wire: string): ClaimedHop | string {
  const parts = wire.split(".");
  if (parts.length !== 5 || parts[1] !== "") return "not a compact dir JWE";
  const [protectedB64 = "", , iv = "", ct = "", tag = ""] = parts;
  // Canonical base64url only: the header's text is the AAD, so no other spelling of it may pass.
  const raw = strictBase64url(protectedB64);
  if (!raw) return "protected header is not canonical base64url";
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return "protected header is not JSON";
  }
  const parsed = HopHeader.safeParse(json);
  if (!parsed.success) return `protected header: ${parsed.error.issues[0]?.message ?? ""}`;
  const { from, to, link, cls, seq, sentAt } = parsed.data;
  return { hop: { from, to, link, cls, seq, sentAt }, protectedB64, iv, ct, tag };
}

/** Decrypts and authenticates a hop from the channel's peer; null if the tag or the IV is wrong. */
export function openHop(channel: LinkChannel, claimed: ClaimedHop): Buffer | null {
  const iv = strictBase64url(claimed.iv, 12);
  const ct = strictBase64url(claimed.ct);
  const tag = strictBase64url(claimed.tag, 16);
  if (!iv || !ct || !tag) return null;
  return channel.decrypt(claimed.hop.seq, iv, ct, tag, claimed.protectedB64, claimed.hop.cls);
}
