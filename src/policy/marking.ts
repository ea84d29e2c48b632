/**
 * How a released item is marked at each party (in that party's own national terms, naming the
 * originator, with the releasability) and which of its fields release removes.
 *
 * Both are pure functions of a few small facts (the party, its grade, the originator, the REL TO set as
 * a bit mask; the agreement, the item kind and which removable fields are present), so each distinct
 * marking is built once per correspondence row and shared, frozen, by every decision that needs it. The
 * tables are bounded by those facts, not by the number of items.
 */
import type { Item } from "../model/item.ts";
import type { Marking } from "./decision.ts";
import type { CompiledAgreement, CompiledRow, Policy } from "./policy.ts";

/** A marking without the releasability suffix, per recipient party, grade and originator. */
interface MarkingStem {
  party: string;
  level: string;
  native: string;
  stem: string;
  /** Complete markings by REL TO mask (−1: a REL TO naming a party outside the policy). */
  byRelTo: Map<number, Marking>;
}

/** Stems per correspondence row, keyed by recipient and originator party indices (rows are per policy). */
const stemsOfRow = new WeakMap<CompiledRow, Map<number, MarkingStem>>();

function markingStem(policy: Policy, party: string, row: CompiledRow, originator: string): MarkingStem {
  let stems = stemsOfRow.get(row);
  if (!stems) {
    stems = new Map();
    stemsOfRow.set(row, stems);
  }
  const key = ((policy.partyIndex.get(party) ?? 31) << 5) | (policy.partyIndex.get(originator) ?? 31);
  let stem = stems.get(key);
  if (!stem) {
    const code = row.row.levels[party]?.[0] ?? "?";
    const level = policy.levels.get(party)?.get(code);
    const scheme = policy.schemes.get(party);
    const native = level?.native ?? code;
    const text =
      party === originator
        ? native
        : (scheme?.foreignOriginMarking ?? "{origin} {level}")
            .replace("{origin}", scheme?.partyNames[originator] ?? originator)
            .replace("{level}", level?.portionMark ?? native);
    stem = { party, level: code, native, stem: text, byRelTo: new Map() };
    stems.set(key, stem);
  }
  return stem;
}

/** The REL TO set as a bit mask over the policy's parties, or −1 if it names a party the policy lacks. */
export function relToMask(policy: Policy, item: Pick<Item, "label">): number {
  let mask = 0;
  for (const p of item.label.releasableTo) {
    const index = policy.partyIndex.get(p);
    if (index === undefined) return -1;
    mask |= 1 << index;
  }
  return mask;
}

/** The REL TO suffix of a banner (`//REL TO USA, JPN, KOR`), or nothing without a REL TO marking. */
export function relToSuffix(item: Pick<Item, "label">): string {
  const relTo = item.label.releasableTo;
  return relTo.length > 0 ? `//REL TO ${relTo.join(", ")}` : "";
}

/** The marking of the item in `party`'s terms, for a row of a correspondence table. */
export function markingFor(
  policy: Policy,
  party: string,
  row: CompiledRow,
  item: Pick<Item, "label">,
  mask = relToMask(policy, item),
): Marking {
  const stem = markingStem(policy, party, row, item.label.originator);
  let marking = mask >= 0 ? stem.byRelTo.get(mask) : undefined;
  if (!marking) {
    const suffix = relToSuffix(item);
    marking = Object.freeze({ party, level: stem.level, native: stem.native, banner: stem.stem + suffix });
    // Labels hold REL TO in canonical order, so one mask always has one suffix.
    if (mask >= 0) stem.byRelTo.set(mask, marking);
  }
  return marking;
}

function hasPath(obj: Record<string, unknown>, path: string): boolean {
  if (!path.includes(".")) return obj[path] !== undefined;
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur !== undefined;
}

/** Fields of the item that release under this agreement removes, sorted. */
export function removedFields(c: CompiledAgreement, item: Pick<Item, "label">): string[] {
  return computeRemoved(c, item);
}

function computeRemoved(c: CompiledAgreement, item: Pick<Item, "label">): string[] {
  const removed: string[] = [];
  const record = item as unknown as Record<string, unknown>;
  for (const f of c.removeFields) if (hasPath(record, f)) removed.push(f);
  for (const f of item.label.sourceFields) if (!removed.includes(f) && hasPath(record, f)) removed.push(f);
  if (c.keepOnlyFields) {
    for (const k in record) if (!c.keepOnlyFields.has(k) && !removed.includes(k)) removed.push(k);
  }
  return removed.length > 1 ? removed.sort() : removed;
}
