/**
 * Values already checked against a schema at an edge of the process, so that a port further in (the
 * store) need not check them again. A value is marked only as its schema (or a composition of checked
 * parts that the schema accepts) produced it, and is deep-frozen when marked, so that it stays what was
 * checked: code that tried to change it would throw. Anything unmarked (a caller's own object, a copy)
 * is checked in full as before.
 *
 * Why: a received track was parsed with the item's schema when its envelope was opened; checking it
 * again before it is written to the store cost the final recipient a tenth of its CPU under load.
 */
import type { z } from "zod";

/** The schema a value was checked against, or the schemas when there are several (rare). */
const checked = new WeakMap<object, z.ZodType | Set<z.ZodType>>();

/**
 * Freezes `value` and everything in it. A part already frozen is taken as frozen all through and skipped
 * (a bundle's tracks share one label, frozen once): freeze with this function, never shallowly, what it
 * may meet again.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Marks `value` as valid for `schema` and deep-freezes it. Only for values `schema` has just produced, or
 * has been shown to accept (the tests of each caller say which).
 */
export function markChecked<T extends object>(schema: z.ZodType, value: T): T {
  deepFreeze(value);
  const held = checked.get(value);
  if (held === undefined || held === schema) checked.set(value, schema);
  else if (held instanceof Set) held.add(schema);
  else checked.set(value, new Set([held, schema]));
  return value;
}

/** True if `value` was marked as valid for `schema` (and so is frozen as it was checked). */
export function isChecked(schema: z.ZodType, value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const held = checked.get(value);
  return held === schema || (held instanceof Set && held.has(schema));
}

const texts = new WeakMap<object, string>();

/**
 * `JSON.stringify(value)`, written once for a checked value (frozen, so the text cannot go out of date)
 * and kept with it: the final recipient writes each received item to its store and to its event stream.
 * Other values are written anew each time.
 */
export function jsonOf(value: object): string {
  if (!checked.has(value)) return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
