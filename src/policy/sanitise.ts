/**
 * Applying a permit to an item: the fields the permit names are removed (sensor type and location,
 * collection methods, anything outside an agreement's allow-list). Returns a new item; the input is
 * never changed.
 */
import type { Item } from "../model/item.ts";
import type { Permit } from "./decide.ts";

/**
 * Deletes the field at `parts` from `root`, copying each object or array on the way that is not a copy
 * made in this pass (`fresh`), so that the input item is never changed.
 */
function removePath(root: Record<string, unknown>, parts: readonly string[], fresh: Set<object>): void {
  let cur: Record<string, unknown> = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const next = cur[key];
    if (next === null || typeof next !== "object") return;
    let own = next as Record<string, unknown>;
    if (!fresh.has(own)) {
      own = (Array.isArray(own) ? [...own] : { ...own }) as Record<string, unknown>;
      fresh.add(own);
      cur[key] = own;
    }
    cur = own;
  }
  delete cur[parts[parts.length - 1] as string];
}

/**
 * The item as it may be released under a permit: a new item without the permit's removed fields. Only
 * the objects on the way to a removed field are copied (a deep copy of every track cost a sixth of an
 * originator's CPU under load); the rest is shared with the input, so treat both as immutable, as every
 * item in Triwatch is once made.
 */
export function sanitise(item: Item, permit: Pick<Permit, "removedFields">): Item {
  const copy: Record<string, unknown> = { ...(item as unknown as Record<string, unknown>) };
  const fresh = new Set<object>([copy]);
  for (const path of permit.removedFields) removePath(copy, path.split("."), fresh);
  return copy as unknown as Item;
}
