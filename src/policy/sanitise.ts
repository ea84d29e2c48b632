/**
 * Applying a permit to an item: the fields the permit names are removed (sensor type and location,
 * collection methods, anything outside an agreement's allow-list). Returns a new item; the input is
 * never changed.
 */
import type { Item } from "../model/item.ts";
import type { Permit } from "./decide.ts";

function removePath(obj: Record<string, unknown>, path: string): void {
  const parts = path.split(".");
  let cur: unknown = obj;
  for (const part of parts.slice(0, -1)) {
    if (cur === null || typeof cur !== "object") return;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur !== null && typeof cur === "object")
    delete (cur as Record<string, unknown>)[parts[parts.length - 1] as string];
}

/** The item as it may be released under a permit: a deep copy with the permit's removed fields gone. */
export function sanitise(item: Item, permit: Pick<Permit, "removedFields">): Item {
  const copy = structuredClone(item) as unknown as Record<string, unknown>;
  for (const path of permit.removedFields) removePath(copy, path);
  return copy as unknown as Item;
}
