/**
 * Strict base64url (RFC 4648 §5, no padding): Node's decoder skips stray characters, takes `+` and `/`
 * as well, and ignores the unused low bits of the last symbol, so several texts could decode to the same
 * bytes; only the canonical one is accepted.
 */

/** Each base64url symbol's value (-1: not a symbol). */
const SYMBOL = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].entries())
  SYMBOL[c.charCodeAt(0)] = i;

/**
 * Decodes base64url only in its canonical form (and of `bytes` length if given), else null. Checked
 * without encoding the bytes again to compare (a string over 128 KiB is made in V8's large-object space,
 * about 1 µs a kilobyte: an envelope of a thousand tracks is 1.3 MB of text): the canonical text of `n`
 * bytes has exactly ⌈4n/3⌉ symbols, so any character the decoder skipped shows in the length; what is
 * left is `+` or `/` for `-` or `_`, and unused bits set in the last symbol. Tested against encoding
 * again on random texts and every kind of change.
 */
export function strictBase64url(text: string, bytes?: number): Buffer | null {
  const buf = Buffer.from(text, "base64url");
  const n = buf.length;
  if (bytes !== undefined && n !== bytes) return null;
  if (text.length !== Math.ceil((n * 4) / 3)) return null;
  if (text.includes("+") || text.includes("/")) return null;
  const tail = n % 3; // 1: the last symbol carries 2 bits of data (4 unused); 2: 4 bits (2 unused)
  if (tail !== 0) {
    const code = text.charCodeAt(text.length - 1);
    const value = code < 128 ? (SYMBOL[code] as number) : -1;
    if (value < 0 || (value & (tail === 1 ? 0x0f : 0x03)) !== 0) return null;
  }
  return buf;
}
