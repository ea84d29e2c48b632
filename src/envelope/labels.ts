/**
 * Label and marking checks at every hop: the label an entry shows must be the one the originator signed
 * (else RELABELLED, or DOWNGRADED for a lost caveat or changed REL TO), and the marking for the hop
 * recipient must be in its party's terms (else MISMARKED) at no lower a rank than the agreements require.
 */
import { canonicalJson, type JsonValue } from "../audit/jcs.ts";
import { deepFreeze } from "../model/checked.ts";
import { Label } from "../model/label.ts";
import type { EnvelopeMarking } from "./schema.ts";

/** A label problem: its rejection reason and what went wrong. */
export type LabelProblem = { reason: "RELABELLED" | "DOWNGRADED"; detail: string };

/** RFC 8785 text of a value, or null if it is not I-JSON (a lone surrogate, say), which then equals nothing. */
function canonical(value: unknown): string | null {
  try {
    return canonicalJson(value as JsonValue);
  } catch {
    return null;
  }
}

/**
 * Labels validated before, by their JSON text: the labels of a window's tracks are nearly always the same,
 * so a relay parses each distinct label once. Parsing is a pure function of the text, so a hit is exactly
 * what parsing again would give; the labels handed out are frozen, since results share them.
 */
export class LabelCache {
  readonly #labels = new Map<string, Label>();
  constructor(readonly maxEntries = 256) {}

  /** The parsed label for `raw`, whose JSON text is `text`, or null if it is not a label. */
  parse(raw: unknown, text: string | undefined): Label | null {
    if (text === undefined) return null;
    const hit = this.#labels.get(text);
    if (hit) return hit;
    const parsed = Label.safeParse(raw);
    if (!parsed.success) return null;
    if (this.#labels.size >= this.maxEntries) this.#labels.clear();
    const label = deepFreeze(parsed.data);
    this.#labels.set(text, label);
    return label;
  }
}

/** A label as read from JSON: the value and its JSON text (undefined when the value has none). */
export interface RawLabel {
  readonly label: unknown;
  readonly labelText: string | undefined;
}

/** Checks the label an entry shows (unparsed) against the signed one (parsed, and as read from the release). */
export function compareShownLabel(
  signed: Label,
  signedRaw: { readonly signedLabel: unknown; readonly signedText: string | undefined },
  shown: RawLabel,
): LabelProblem | null {
  // Fast path: the sender serialised the very label it read from the release.
  if (signedRaw.signedText !== undefined && shown.labelText === signedRaw.signedText) return null;
  const shownText = canonical(shown.label);
  if (shownText !== null && shownText === canonical(signedRaw.signedLabel)) return null;
  const parsed = Label.safeParse(shown.label);
  if (!parsed.success) return { reason: "RELABELLED", detail: "the label shown is not a label" };
  return compareLabels(signed, parsed.data);
}

/**
 * Compares the label the envelope shows with the one the originator signed. Losing a caveat, changing
 * REL TO or lowering the grade is a downgrade; any other difference is a relabelling.
 */
export function compareLabels(signed: Label, shown: Label): LabelProblem | null {
  for (const c of signed.caveats) {
    if (!shown.caveats.includes(c)) return { reason: "DOWNGRADED", detail: `caveat ${c} dropped` };
  }
  for (const p of signed.releasableTo) {
    if (!shown.releasableTo.includes(p)) return { reason: "DOWNGRADED", detail: `REL TO ${p} dropped` };
  }
  for (const p of shown.releasableTo) {
    if (!signed.releasableTo.includes(p)) return { reason: "DOWNGRADED", detail: `REL TO ${p} added` };
  }
  const signedText = canonical(signed);
  if (signedText === null || signedText !== canonical(shown)) {
    const field = (Object.keys(signed) as (keyof Label)[]).find((k) => {
      const a = canonical(signed[k]);
      return a === null || a !== canonical(shown[k]);
    });
    return { reason: "RELABELLED", detail: `label ${field ?? "members"} differs from the signed item's` };
  }
  return null;
}

/** What the marking check needs to know of the topology and the agreements. */
export interface MarkingRules {
  readonly partyOf: (node: string) => string | undefined;
  readonly rankOf: (party: string, code: string) => number | undefined;
  readonly minimumRank: (label: Label, party: string) => number;
}

/** Checks the marking an entry carries for hop recipient `to` against the signed label. */
export function checkMarking(
  r: MarkingRules,
  to: string,
  m: EnvelopeMarking,
  label: Label,
): { reason: "DOWNGRADED" | "MISMARKED"; detail: string } | null {
  const party = r.partyOf(to);
  if (m.party !== party)
    return { reason: "MISMARKED", detail: `marking in ${m.party} terms for a ${party} node` };
  const rank = r.rankOf(m.party, m.level);
  if (rank === undefined) return { reason: "MISMARKED", detail: `${m.party} has no grade ${m.level}` };
  const required = r.minimumRank(label, m.party);
  if (rank < required) {
    return {
      reason: "DOWNGRADED",
      detail: `marked ${m.level} (rank ${rank}); the item requires rank ${required}`,
    };
  }
  if (label.releasableTo.length > 0 && !m.banner.endsWith(`//REL TO ${label.releasableTo.join(", ")}`)) {
    return {
      reason: "DOWNGRADED",
      detail: `banner "${m.banner}" drops REL TO ${label.releasableTo.join(", ")}`,
    };
  }
  return null;
}
