/**
 * Control messages between link partners, outside the envelope layer: the link handshake (its hello and
 * reply are signed compact JWS, so they need no channel) and the tree-head exchange (heads are signed by
 * the log's key). They travel as report-class messages (durable, redelivered) marked by the
 * `Triwatch-Control` header, and are parsed here, at the edge.
 */
import { z } from "zod";

/** The header that marks a control message (its value names the kind). */
export const CONTROL_HEADER = "Triwatch-Control";

const Base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes");
const Compact = z.string().min(1).max(4096);

/** A control message. */
export const Control = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("tree-head"),
    /** The signed head (checked by the PartnerView). */
    head: z.unknown(),
    /** The size the consistency proof starts from (0: none). */
    proofFrom: z.number().int().nonnegative(),
    proof: z.array(Base64Hash).max(64),
  }),
  z.strictObject({
    kind: z.literal("tree-head-request"),
    /** The size of the largest head the asker holds (0: none). */
    have: z.number().int().nonnegative(),
  }),
  /** The link handshake's signed hello (from the node whose id sorts first). */
  z.strictObject({ kind: z.literal("link-hello"), hello: Compact }),
  /** The signed reply to a hello. */
  z.strictObject({ kind: z.literal("link-reply"), reply: Compact }),
  /**
   * Key confirmation from the node that sent the hello, once it has the reply: `hello` is the SHA-256
   * (base64url) of the hello, `tag` the channel's confirmation tag (`LinkChannel.confirmation`). The
   * answering node sends under a channel only once it is confirmed.
   */
  z.strictObject({
    kind: z.literal("link-confirm"),
    hello: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    tag: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  }),
  /**
   * Asks the partner to start a handshake (the answering side, on start): `answered` is the SHA-256
   * (base64url) of the hello its current channel came from, if any, so that a partner already on that
   * channel does not rekey.
   */
  z.strictObject({
    kind: z.literal("link-request"),
    answered: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional(),
  }),
]);
export type Control = z.infer<typeof Control>;
