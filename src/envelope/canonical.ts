/**
 * Canonical bytes for signing and MACs: the JSON Canonicalization Scheme (RFC 8785): members sorted by
 * UTF-16 code units, no whitespace, ECMAScript number and string serialisation. Members whose value is
 * `undefined` are left out, as JSON.stringify does, so an absent optional field and a missing one agree.
 */

/** Thrown for values JSON cannot carry (NaN, Infinity, functions, bigints): a programming error. */
export class CanonicalJsonError extends Error {
  readonly code = "NOT_JSON";
}

function write(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} has no JSON form`);
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new CanonicalJsonError(`a ${typeof value} has no JSON form`);
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += write(value[i] === undefined ? null : value[i]);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = "{";
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(k)}:${write(v)}`;
  }
  return `${out}}`;
}

/** The RFC 8785 canonical JSON text of a value. */
export function canonicalJson(value: unknown): string {
  return write(value);
}

/** The RFC 8785 canonical JSON of a value as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(write(value), "utf8");
}

const B64U = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes base64url only in its canonical form: Node's decoder ignores stray characters and the unused
 * low bits of the last symbol, so two texts could decode to the same bytes; re-encoding rules that out.
 */
export function strictBase64url(text: string, bytes?: number): Buffer | null {
  if (!B64U.test(text)) return null;
  const buf = Buffer.from(text, "base64url");
  if (buf.toString("base64url") !== text) return null;
  if (bytes !== undefined && buf.length !== bytes) return null;
  return buf;
}
