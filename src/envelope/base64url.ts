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

/**
 * Decodes base64url without the canonical check, for text whose bytes are authenticated once decoded: a
 * hop's ciphertext (its GCM tag) and a track's release (its originator's proof). Another spelling of the
 * same bytes then changes nothing, and re-encoding to compare is what costs most on a large text: a
 * string over 128 KiB is made in V8's large-object space, about 1 µs a kilobyte, ten times a small one's
 * cost; an envelope of a thousand tracks carries about 1.3 MB. Stray characters are skipped by Node's
 * decoder and leave bytes that fail their authentication; an empty result is null.
 */
export function authenticatedBase64url(text: string): Buffer | null {
  const buf = Buffer.from(text, "base64url");
  return buf.length > 0 ? buf : null;
}
