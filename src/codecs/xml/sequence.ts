/**
 * Reading an element's children against an XSD `sequence`: every child must be a known element in the
 * right namespace, in the declared order, within its occurrence bounds. A document in the wrong order
 * is refused rather than silently reordered.
 */
import type { XmlElement } from "./parse.ts";

/** One `element` of a sequence: name and occurrence bounds. */
export interface SequenceItem {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** Children by name, in document order, or the first problem found with its path. */
export type SequenceRead =
  | { ok: true; byName: ReadonlyMap<string, readonly XmlElement[]> }
  | { ok: false; path: string; message: string };

/** Shorthand for sequence items: `one`, `optional`, `many` (0..∞), `some` (1..∞). */
export const one = (name: string): SequenceItem => ({ name, min: 1, max: 1 });
/** An optional element. */
export const optional = (name: string): SequenceItem => ({ name, min: 0, max: 1 });
/** An element that may repeat, or be absent. */
export const many = (name: string): SequenceItem => ({ name, min: 0, max: Number.POSITIVE_INFINITY });
/** An element that occurs at least once. */
export const some = (name: string): SequenceItem => ({ name, min: 1, max: Number.POSITIVE_INFINITY });

/** Checks `parent`'s children against `sequence` (namespace `uri`); text between them must be blank. */
export function readSequence(
  parent: XmlElement,
  uri: string,
  sequence: readonly SequenceItem[],
  path: string,
): SequenceRead {
  if (parent.text.trim() !== "") {
    return { ok: false, path, message: `<${parent.name}> holds text outside its child elements` };
  }
  const byName = new Map<string, XmlElement[]>();
  let at = 0;
  for (const child of parent.children) {
    const where = `${path}/${child.name}`;
    if (child.uri !== uri) {
      return { ok: false, path: where, message: `<${child.name}> is not in namespace ${uri}` };
    }
    while (at < sequence.length && sequence[at]?.name !== child.name) {
      const skipped = sequence[at] as SequenceItem;
      if ((byName.get(skipped.name)?.length ?? 0) < skipped.min) {
        return { ok: false, path: `${path}/${skipped.name}`, message: `<${skipped.name}> is missing` };
      }
      at++;
    }
    const item = sequence[at];
    if (item === undefined) {
      const known = sequence.some((s) => s.name === child.name);
      const message = known ? `<${child.name}> is out of order` : `<${child.name}> is not allowed here`;
      return { ok: false, path: where, message };
    }
    const list = byName.get(child.name) ?? [];
    if (list.length >= item.max) {
      return { ok: false, path: where, message: `<${child.name}> occurs more than ${item.max} time(s)` };
    }
    list.push(child);
    byName.set(child.name, list);
  }
  for (const item of sequence.slice(at)) {
    if ((byName.get(item.name)?.length ?? 0) < item.min) {
      return { ok: false, path: `${path}/${item.name}`, message: `<${item.name}> is missing` };
    }
  }
  return { ok: true, byName };
}
