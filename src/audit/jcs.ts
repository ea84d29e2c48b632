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

const encoder = new TextEncoder();

/** Where in the value a refusal happened: keys and indexes from the root (built only when refusing). */
type Path = (string | number)[];

function refuse(path: Path, why: string): never {
  const where = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
  throw new AuditError("NOT_CANONICAL_JSON", `${where || "value"}: ${why}`);
}

function str(s: string, path: Path): string {
  // A lone surrogate is not well formed (String.prototype.isWellFormed, ES2024).
  if (!s.isWellFormed()) refuse(path, "string holds a lone surrogate");
  return JSON.stringify(s);
}

/** Appends the canonical text of `value` to `out`; `path` is the way here, kept as a stack. */
function write(value: unknown, path: Path, out: string): string {
  if (value === null) return `${out}null`;
  switch (typeof value) {
    case "boolean":
      return out + (value ? "true" : "false");
    case "number":
      if (!Number.isFinite(value)) refuse(path, `${value} is not a JSON number`);
      // Number.prototype.toString is the RFC's algorithm; it writes -0 as "0", as §3.2.2.3 requires.
      return out + String(value);
    case "string":
      return out + str(value, path);
    case "object":
      break;
    default:
      refuse(path, `a ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    let text = `${out}[`;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ",";
      const v: unknown = value[i];
      path.push(i);
      if (v === undefined) refuse(path, "undefined in an array");
      text = write(v, path, text);
      path.pop();
    }
    return `${text}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) refuse(path, "only plain objects are JSON objects");
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order §3.2.3 requires.
  const keys = Object.keys(record).sort();
  let text = `${out}{`;
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (!first) text += ",";
    first = false;
    path.push(k);
    text = write(v, path, `${text}${str(k, path)}:`);
    path.pop();
  }
  return `${text}}`;
}

/**
 * The RFC 8785 canonical text of `value`. Properties whose value is `undefined` are left out (as
 * JSON.stringify does); anything else that is not JSON data throws AuditError NOT_CANONICAL_JSON.
 */
export function canonicalJson(value: JsonValue): string {
  return write(value, [], "");
}

/** The canonical text of `value` as UTF-8 bytes. */
export function canonicalBytes(value: JsonValue): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
