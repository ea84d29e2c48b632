/**
 * Strict base64url (RFC 4648 §5, no padding): Node's decoder ignores stray characters and the unused low
 * bits of the last symbol, so two texts could decode to the same bytes; re-encoding rules that out.
 */

/**
 * Decodes base64url only in its canonical form (and of `bytes` length if given), else null. Re-encoding
 * the bytes and comparing refuses every other spelling (`+`, `/`, padding, stray characters, non-zero
 * unused bits) and costs about a tenth of a character-class regex over a large ciphertext.
 */
export function strictBase64url(text: string, bytes?: number): Buffer | null {
  const buf = Buffer.from(text, "base64url");
  if (buf.toString("base64url") !== text) return null;
  if (bytes !== undefined && buf.length !== bytes) return null;
  return buf;
}
