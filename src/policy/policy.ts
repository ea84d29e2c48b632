/**
 * A compiled policy: agreements, national schemes and parameter settings, prepared once so that a release
 * decision is a handful of set look-ups (the bench asks for over a million decisions per second).
 */
import type { Agreement, AgreementParameter, CorrespondenceRow } from "../model/agreement.ts";
import type { ClassificationLevel, ClassificationScheme } from "../model/classification.ts";
import { ALWAYS_SOURCE_FIELDS } from "../model/item.ts";
import { type Topic, Topic as TopicSchema } from "../model/label.ts";
import { type StatusTimeline, statusTimeline } from "./status.ts";

/** Each topic's bit in a topic mask. */
export const TOPIC_BIT: Readonly<Record<Topic, number>> = Object.fromEntries(
  TopicSchema.options.map((t, i) => [t, 1 << i]),
) as Record<Topic, number>;

/** Parties a policy can index in its 31-bit masks. */
export const MAX_PARTIES = 31;

/** Overrides of agreement parameters: agreement id → parameter name → value. */
export type ParameterOverrides = Record<string, Record<string, boolean | number | string>>;

/** A correspondence row with its parameter gate resolved. */
export interface CompiledRow {
  row: CorrespondenceRow;
  enabled: boolean;
  /** Parties (bits by `Policy.partyIndex`) that have a grade in this row. */
  levelMask: number;
}

/** Bits of item kinds and channels in masks. */
export const KIND_BIT: Readonly<Record<string, number>> = { "track-report": 1, "intel-report": 2 };
/** Bits of channels in masks. */
export const CHANNEL_BIT: Readonly<Record<string, number>> = { "real-time": 1, deferred: 2 };

/** An agreement prepared for fast decisions. */
export interface CompiledAgreement {
  agreement: Agreement;
  timeline: StatusTimeline;
  parties: ReadonlySet<string>;
  topics: ReadonlySet<Topic> | "all";
  excludedTopics: ReadonlySet<Topic>;
  subjects: ReadonlySet<string> | "any";
  itemKinds: ReadonlySet<string>;
  channels: ReadonlySet<string>;
  standingTopics: ReadonlySet<Topic>;
  /** party → level code → row (enabled or not) in which that party's level stands. */
  rowOf: Map<string, Map<string, CompiledRow>>;
  /** Rank of the highest enabled row, and its tier name: the ceiling. */
  ceiling: { rank: number; tier: string };
  /** Effective parameter values after overrides. */
  parameters: Record<string, AgreementParameter["value"]>;
  /** Scope breadth used to choose among agreements: the number of topics, or Infinity for all. */
  breadth: number;
  /** Start of the first in-force interval, for tie-breaking (newer first). */
  inForceSince: number;
  /** The agreements this one requires (its legal basis), resolved after compilation. */
  requiresCompiled: CompiledAgreement[];
  /** Bit masks (parties by `Policy.partyIndex`, topics by TOPIC_BIT…) for integer scope checks. */
  partyMask: number;
  kindMask: number;
  channelMask: number;
  topicMask: number;
  excludedMask: number;
  standingMask: number;
  /** Fields release always removes under this agreement: sources and methods plus its own list. */
  removeFields: string[];
  /** If the agreement has an allow-list, the top-level fields that survive release. */
  keepOnlyFields?: ReadonlySet<string>;
}

/** A compiled policy. */
export interface Policy {
  agreements: CompiledAgreement[];
  byId: Map<string, CompiledAgreement>;
  schemes: Map<string, ClassificationScheme>;
  /** party → level code → level. */
  levels: Map<string, Map<string, ClassificationLevel>>;
  /** party → bit index in masks. */
  partyIndex: Map<string, number>;
}

/** A policy that cannot be compiled (unknown parameter, a row naming an unknown level...). */
export class PolicyConfigError extends Error {
  readonly code = "POLICY_CONFIG";
  constructor(
    message: string,
    readonly agreementId: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

function maskOf<T>(items: Iterable<T>, bit: (item: T) => number): number {
  let mask = 0;
  for (const item of items) mask |= bit(item);
  return mask;
}

function compileAgreement(
  a: Agreement,
  levels: Map<string, Map<string, ClassificationLevel>>,
  partyIndex: Map<string, number>,
  overrides: Record<string, boolean | number | string>,
): CompiledAgreement {
  for (const name of Object.keys(overrides)) {
    if (!(name in a.parameters)) {
      const known = Object.keys(a.parameters).join(", ") || "none";
      throw new PolicyConfigError(`unknown parameter "${name}" (known: ${known})`, a.id, [
        "parameters",
        name,
      ]);
    }
  }
  const parameters: Record<string, AgreementParameter["value"]> = {};
  for (const [name, p] of Object.entries(a.parameters)) parameters[name] = overrides[name] ?? p.value;

  const rowOf = new Map<string, Map<string, CompiledRow>>();
  let ceiling = { rank: 0, tier: "none" };
  a.classification.correspondence.forEach((row, i) => {
    if (row.requires !== undefined && !(row.requires in parameters)) {
      throw new PolicyConfigError(`row requires unknown parameter "${row.requires}"`, a.id, [
        "classification",
        "correspondence",
        i,
        "requires",
      ]);
    }
    const enabled = row.requires === undefined || parameters[row.requires] === true;
    const compiledRow: CompiledRow = {
      row,
      enabled,
      levelMask: maskOf(Object.keys(row.levels), (p) => 1 << (partyIndex.get(p) ?? 31)),
    };
    if (enabled && row.rank > ceiling.rank) ceiling = { rank: row.rank, tier: row.tier };
    for (const [party, codes] of Object.entries(row.levels)) {
      if (!a.parties.includes(party)) {
        throw new PolicyConfigError(`row names ${party}, not a party`, a.id, [
          "classification",
          "correspondence",
          i,
          "levels",
          party,
        ]);
      }
      const scheme = levels.get(party);
      let map = rowOf.get(party);
      if (!map) {
        map = new Map();
        rowOf.set(party, map);
      }
      for (const code of codes) {
        if (scheme && !scheme.has(code)) {
          throw new PolicyConfigError(`${party} has no level ${code}`, a.id, [
            "classification",
            "correspondence",
            i,
            "levels",
            party,
          ]);
        }
        map.set(code, compiledRow);
      }
    }
  });

  const timeline = statusTimeline(a);
  const firstInForce = timeline.intervals.find((iv) => iv.status === "in-force");
  const scope = a.scope;
  const graceOverride = parameters.graceAfterImpactS;
  const agreement =
    typeof graceOverride === "number" && scope.launchToImpactOnly
      ? { ...a, scope: { ...scope, launchToImpactOnly: { graceS: graceOverride } } }
      : a;
  const keep = a.sanitisation.keepOnlyFields;
  return {
    ...(keep ? { keepOnlyFields: new Set(keep) } : {}),
    requiresCompiled: [],
    partyMask: maskOf(a.parties, (p) => 1 << (partyIndex.get(p) ?? 31)),
    kindMask: maskOf(scope.itemKinds, (k) => KIND_BIT[k] ?? 0),
    channelMask: maskOf(a.channels, (ch) => CHANNEL_BIT[ch] ?? 0),
    topicMask: scope.topics === "all" ? -1 : maskOf(scope.topics, (t) => TOPIC_BIT[t]),
    excludedMask: maskOf(scope.excludedTopics, (t) => TOPIC_BIT[t]),
    standingMask: maskOf(a.consent.standingTopics, (t) => TOPIC_BIT[t]),
    removeFields: [...new Set([...ALWAYS_SOURCE_FIELDS, ...a.sanitisation.removeFields])],
    agreement,
    timeline,
    parties: new Set(a.parties),
    topics: scope.topics === "all" ? "all" : new Set(scope.topics),
    excludedTopics: new Set(scope.excludedTopics),
    subjects: scope.subjects === "any" ? "any" : new Set(scope.subjects),
    itemKinds: new Set(scope.itemKinds),
    channels: new Set(a.channels),
    standingTopics: new Set(a.consent.standingTopics),
    rowOf,
    ceiling,
    parameters,
    breadth: scope.topics === "all" ? Number.POSITIVE_INFINITY : scope.topics.length,
    inForceSince: firstInForce ? firstInForce.from : Number.POSITIVE_INFINITY,
  };
}

/** Compiles agreements and schemes into a policy; throws PolicyConfigError on inconsistent data. */
export function compilePolicy(
  agreements: readonly Agreement[],
  schemes: readonly ClassificationScheme[],
  overrides: ParameterOverrides = {},
): Policy {
  const levels = new Map<string, Map<string, ClassificationLevel>>();
  const schemeMap = new Map<string, ClassificationScheme>();
  for (const s of schemes) {
    schemeMap.set(s.party, s);
    levels.set(s.party, new Map(s.levels.map((l) => [l.code, l])));
  }
  const ids = new Set(agreements.map((a) => a.id));
  for (const id of Object.keys(overrides)) {
    if (!ids.has(id)) throw new PolicyConfigError(`no agreement "${id}"`, id, []);
  }
  const partyIndex = new Map<string, number>();
  for (const s of schemes) if (!partyIndex.has(s.party)) partyIndex.set(s.party, partyIndex.size);
  for (const a of agreements) {
    a.parties.forEach((p, i) => {
      if (!partyIndex.has(p))
        throw new PolicyConfigError(`${p} has no classification scheme`, a.id, ["parties", i]);
    });
  }
  if (partyIndex.size > MAX_PARTIES) {
    throw new PolicyConfigError(
      `at most ${MAX_PARTIES} parties are supported, got ${partyIndex.size}`,
      "",
      [],
    );
  }
  const compiled = agreements.map((a) => compileAgreement(a, levels, partyIndex, overrides[a.id] ?? {}));
  const byId = new Map(compiled.map((c) => [c.agreement.id, c]));
  for (const c of compiled) {
    c.agreement.requires.forEach((r, i) => {
      const basis = byId.get(r);
      if (basis) c.requiresCompiled.push(basis);
      if (!byId.has(r))
        throw new PolicyConfigError(`requires unknown agreement "${r}"`, c.agreement.id, ["requires", i]);
    });
  }
  return { agreements: compiled, byId, schemes: schemeMap, levels, partyIndex };
}
