/**
 * How a released item is marked at each party (in that party's own national terms, naming the
 * originator, with the releasability) and which of its fields release removes.
 */
import type { Item } from "../model/item.ts";
import type { Marking } from "./decision.ts";
import type { CompiledAgreement, CompiledRow, Policy } from "./policy.ts";

/** A marking without the releasability suffix, per recipient party, grade and originator. */
interface MarkingStem {
  level: string;
  native: string;
  stem: string;
}
const stemCache = new WeakMap<Policy, Map<string, Map<string, Map<string, MarkingStem>>>>();

function markingStem(policy: Policy, party: string, code: string, originator: string): MarkingStem {
  let byParty = stemCache.get(policy);
  if (!byParty) {
    byParty = new Map();
    stemCache.set(policy, byParty);
  }
  let byCode = byParty.get(party);
  if (!byCode) {
    byCode = new Map();
    byParty.set(party, byCode);
  }
  let byOrigin = byCode.get(code);
  if (!byOrigin) {
    byOrigin = new Map();
    byCode.set(code, byOrigin);
  }
  let stem = byOrigin.get(originator);
  if (!stem) {
    const level = policy.levels.get(party)?.get(code);
    const scheme = policy.schemes.get(party);
    const native = level?.native ?? code;
    const text =
      party === originator
        ? native
        : (scheme?.foreignOriginMarking ?? "{origin} {level}")
            .replace("{origin}", scheme?.partyNames[originator] ?? originator)
            .replace("{level}", level?.portionMark ?? native);
    stem = { level: code, native, stem: text };
    byOrigin.set(originator, stem);
  }
  return stem;
}

/** The REL TO suffix of a banner (`//REL TO USA, JPN, KOR`), or nothing without a REL TO marking. */
export function relToSuffix(item: Item): string {
  const relTo = item.label.releasableTo;
  return relTo.length > 0 ? `//REL TO ${relTo.join(", ")}` : "";
}

/** The marking of the item in `party`'s terms, for a row of a correspondence table. */
export function markingFor(
  policy: Policy,
  party: string,
  row: CompiledRow,
  item: Item,
  suffix = relToSuffix(item),
): Marking {
  const stem = markingStem(policy, party, row.row.levels[party]?.[0] ?? "?", item.label.originator);
  return { party, level: stem.level, native: stem.native, banner: suffix ? stem.stem + suffix : stem.stem };
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
export function removedFields(c: CompiledAgreement, item: Item): string[] {
  const removed: string[] = [];
  const record = item as unknown as Record<string, unknown>;
  for (const f of c.removeFields) if (hasPath(record, f)) removed.push(f);
  for (const f of item.label.sourceFields) if (!removed.includes(f) && hasPath(record, f)) removed.push(f);
  if (c.keepOnlyFields) {
    for (const k in record) if (!c.keepOnlyFields.has(k) && !removed.includes(k)) removed.push(k);
  }
  return removed.length > 1 ? removed.sort() : removed;
}
