/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte sequence a JSON value has, so that every party
 * hashes and signs the same bytes for the same record. ECMAScript's own number and string serialisation
 * are what the RFC prescribes (§3.2.2.3, §3.2.2.2); what remains is sorting object keys by UTF-16 code
 * units and refusing what I-JSON (RFC 7493) forbids: non-finite numbers, lone surrogates, non-data values.
 */
import { AuditError } from "./hash.ts";

/** A JSON value as canonicalisation accepts it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue | undefined };

// With the u flag a surrogate range matches only surrogates that are not half of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const encoder = new TextEncoder();

function refuse(path: string, why: string): never {
  throw new AuditError("NOT_CANONICAL_JSON", `${path || "value"}: ${why}`);
}

function str(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) refuse(path, "string holds a lone surrogate");
  return JSON.stringify(s);
}

function write(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) refuse(path, `${value} is not a JSON number`);
      // Number.prototype.toString is the RFC's algorithm; it writes -0 as "0", as §3.2.2.3 requires.
      out.push(String(value));
      return;
    case "string":
      out.push(str(value, path));
      return;
    case "object":
      break;
    default:
      refuse(path, `a ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((v: unknown, i) => {
      if (i > 0) out.push(",");
      if (v === undefined) refuse(`${path}[${i}]`, "undefined in an array");
      write(v, `${path}[${i}]`, out);
    });
    out.push("]");
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) refuse(path, "only plain objects are JSON objects");
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order §3.2.3 requires.
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  out.push("{");
  keys.forEach((k, i) => {
    if (i > 0) out.push(",");
    out.push(str(k, path), ":");
    write(record[k], path ? `${path}.${k}` : k, out);
  });
  out.push("}");
}

/**
 * The RFC 8785 canonical text of `value`. Properties whose value is `undefined` are left out (as
 * JSON.stringify does); anything else that is not JSON data throws AuditError NOT_CANONICAL_JSON.
 */
export function canonicalJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, "", out);
  return out.join("");
}

/** The canonical text of `value` as UTF-8 bytes. */
export function canonicalBytes(value: JsonValue): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
