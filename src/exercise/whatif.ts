/**
 * What-if comparison: one scenario replayed under several agreement states (variants, see variants.ts),
 * scored per nation against the truth. Pure: it takes finished COP timelines and the truth and returns a
 * zod-typed comparison; running the exercises, printing and drawing are the caller's (the `whatif`
 * command, `whatif-html.ts`). The JSON shape is documented in docs/WHATIF.md.
 *
 * A nation is its nodes (for the USA: the earliest, or the best, over USFK, INDOPACOM and USFJ). Times are
 * seconds after the scenario's first launch.
 */
import { z } from "zod";
import type { CopEvent, CopFusedEvent, CopTimeline, CopTrackEvent, CopWarningEvent } from "../model/cop.ts";
import { PartyCode } from "../model/party.ts";
import type { ExerciseTruth } from "./run.ts";

/** Nations compared, in the order shown. */
export const WHATIF_NATIONS = ["USA", "KOR", "JPN"] as const;
/** Default times after launch (s) at which impact-point errors are reported. */
export const DEFAULT_ERROR_TIMES_S = [60, 120, 180, 300] as const;
/** Default step (s) of the impact-error curves. */
export const DEFAULT_CURVE_STEP_S = 10;
/** Label of release denials that name no agreement (the general rules: NOFORN, REL TO, unknown grade). */
export const GENERAL_RULES = "(general rules)";

const FirstDetection = z.strictObject({
  s: z.number(),
  node: z.string(),
  sensorId: z.string(),
  sensorKind: z.string(),
});
const FirstOwnTrack = z.strictObject({ s: z.number(), node: z.string(), trackId: z.string() });
/** A partner's track as first received: by which node, from whom, along which node path. */
const SharedTrack = z.strictObject({
  s: z.number(),
  node: z.string(),
  fromParty: PartyCode,
  fromNode: z.string(),
  path: z.array(z.string()),
});
const Warning = z.strictObject({
  s: z.number(),
  kind: z.string(),
  msgType: z.string(),
  alertId: z.string(),
  headline: z.string(),
});
/** Impact-point error of a nation's best estimate at a time after launch. */
export const ImpactError = z.strictObject({
  atS: z.number(),
  /** Great-circle distance (km) from the predicted impact point to the nearest missile's true one. */
  km: z.number().nonnegative().nullable(),
  /** `fused`: a node's fused picture; `own-track`: a node's own track (no fused event yet); null: none. */
  source: z.enum(["fused", "own-track"]).nullable(),
  node: z.string().nullable(),
  /** The truth object it was scored against. */
  objectId: z.string().nullable(),
  /** Estimates the nation held at that time (over its nodes). */
  estimates: z.number().int().nonnegative(),
});
export type ImpactError = z.infer<typeof ImpactError>;

/** One nation under one variant. */
export const NationOutcome = z.strictObject({
  nation: PartyCode,
  name: z.string(),
  nodes: z.array(z.string()),
  firstDetection: FirstDetection.nullable(),
  firstOwnTrack: FirstOwnTrack.nullable(),
  /** The first partner track received (not stale), from any partner. */
  firstSharedTrack: SharedTrack.nullable(),
  /** The first track received from each partner party that sent any, in order of arrival. */
  firstTrackFrom: z.array(SharedTrack),
  /** Partner track updates received (events), over the nation's nodes. */
  sharedUpdates: z.number().int().nonnegative(),
  /** Whether the exercise issues this nation's public warnings (JPN, KOR). */
  issuesWarnings: z.boolean(),
  firstWarning: Warning.nullable(),
  warnings: z.array(Warning),
  impactErrors: z.array(ImpactError),
  /** Impact error every `curveStepS` from launch to the end of the timeline (km; null: no estimate). */
  errorCurve: z.array(z.strictObject({ s: z.number(), km: z.number().nonnegative().nullable() })),
});
export type NationOutcome = z.infer<typeof NationOutcome>;

/** Release decisions of one agreement, as the timeline records them (once per track, recipient, outcome). */
export const AgreementReleases = z.strictObject({
  agreement: z.string(),
  released: z.number().int().nonnegative(),
  denied: z.number().int().nonnegative(),
});
export type AgreementReleases = z.infer<typeof AgreementReleases>;

/** One variant's outcome. */
export const VariantOutcome = z.strictObject({
  id: z.string(),
  description: z.string(),
  /** Each agreement's status at the launch under this variant. */
  agreements: z.array(
    z.strictObject({ id: z.string(), title: z.string(), status: z.string(), detail: z.string() }),
  ),
  links: z.array(
    z.strictObject({ a: z.string(), b: z.string(), enabled: z.boolean(), agreements: z.array(z.string()) }),
  ),
  nations: z.array(NationOutcome),
  releases: z.array(AgreementReleases),
  /** Release denials per originating and recipient party, with the distinct reasons (code and agreement) of the agreements they are held against. */
  denials: z.array(
    z.strictObject({
      from: PartyCode,
      to: PartyCode,
      decisions: z.number().int().nonnegative(),
      reasons: z.array(z.string()),
    }),
  ),
  /** Partner track updates delivered, per originating and receiving party. */
  deliveries: z.array(
    z.strictObject({
      from: PartyCode,
      to: PartyCode,
      updates: z.number().int().nonnegative(),
      tracks: z.number().int().nonnegative(),
    }),
  ),
  /** Generated sentences: how this variant differs from the baseline (the baseline: what happened). */
  summary: z.array(z.string()),
});
export type VariantOutcome = z.infer<typeof VariantOutcome>;

/** The comparison of one scenario under several variants. */
export const WhatIfComparison = z.strictObject({
  scenario: z.strictObject({ id: z.string(), title: z.string(), launchMs: z.number(), launch: z.string() }),
  seed: z.number().int(),
  /** Id of the variant the others are compared with (`actual`). */
  baseline: z.string(),
  errorTimesS: z.array(z.number().nonnegative()),
  curveStepS: z.number().positive(),
  /** End of the replay (s after launch). */
  endS: z.number(),
  parties: z.array(z.strictObject({ code: PartyCode, name: z.string() })),
  nodes: z.array(z.strictObject({ id: z.string(), party: PartyCode, name: z.string(), role: z.string() })),
  /** The true impacts the errors are measured against (missiles only). */
  missiles: z.array(
    z.strictObject({ objectId: z.string(), impactS: z.number(), lat: z.number(), lon: z.number() }),
  ),
  variants: z.array(VariantOutcome),
});
export type WhatIfComparison = z.infer<typeof WhatIfComparison>;

/** One finished exercise to compare. */
export interface WhatIfRun {
  timeline: CopTimeline;
  truth: ExerciseTruth;
}

/** Options of the comparison. */
export interface CompareOptions {
  /** Variant the others are compared with (default `actual`; it must be among the runs). */
  baseline?: string;
  errorTimesS?: readonly number[];
  curveStepS?: number;
  /** Nations whose warnings the exercise issues (default JPN and KOR, as `WARNING_NODES` of run.ts). */
  warningNations?: readonly string[];
}

/**
 * Compares runs of one scenario (same seed) under different variants. Throws when the runs are of
 * different scenarios or seeds, when a variant repeats, or when the baseline is not among them.
 */
export function compareVariants(runs: readonly WhatIfRun[], options: CompareOptions = {}): WhatIfComparison {
  const baseline = options.baseline ?? "actual";
  const errorTimesS = [...(options.errorTimesS ?? DEFAULT_ERROR_TIMES_S)].sort((a, b) => a - b);
  const curveStepS = options.curveStepS ?? DEFAULT_CURVE_STEP_S;
  const warningNations = new Set(options.warningNations ?? ["JPN", "KOR"]);
  const first = runs[0];
  if (!first) throw new Error("compareVariants: no runs");
  const { setup } = first.timeline;
  for (const r of runs) {
    const s = r.timeline.setup;
    if (s.scenario.id !== setup.scenario.id || s.seed !== setup.seed)
      throw new Error(
        `compareVariants: runs differ (${s.scenario.id} seed ${s.seed} vs ${setup.scenario.id} seed ${setup.seed})`,
      );
  }
  const ids = runs.map((r) => r.timeline.setup.variant.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new Error(`compareVariants: variant "${repeated}" given twice`);
  if (!ids.includes(baseline))
    throw new Error(`compareVariants: baseline "${baseline}" is not among the runs (${ids.join(", ")})`);

  const launchMs = Math.min(...setup.scenario.launches.map((l) => l.time));
  const endS = Math.max(...runs.map((r) => (r.timeline.setup.endMs - launchMs) / 1000));
  const missiles = first.truth.objects
    .filter((o) => o.role === "missile" && o.impact !== null)
    .map((o) => {
      const impact = o.impact as NonNullable<typeof o.impact>;
      return { objectId: o.objectId, impactS: impact.t - launchMs / 1000, lat: impact.lat, lon: impact.lon };
    });
  const curveTimes: number[] = [];
  for (let s = 0; s <= endS + 1e-9; s += curveStepS) curveTimes.push(s);

  const outcomes = runs.map((r) => {
    const tl = r.timeline;
    const nations = WHATIF_NATIONS.map((nation) => {
      const nodes = tl.setup.nodes.filter((n) => n.party === nation).map((n) => n.id);
      const name = tl.setup.parties.find((p) => p.code === nation)?.name ?? nation;
      return nationOutcome(tl.events, {
        nation,
        name,
        nodes,
        launchMs,
        missiles,
        errorTimesS,
        curveTimes,
        issuesWarnings: warningNations.has(nation),
      });
    });
    return {
      id: tl.setup.variant.id,
      description: tl.setup.variant.description,
      agreements: tl.setup.agreements.map((a) => ({ ...a })),
      links: tl.setup.links.map((l) => ({ ...l, agreements: [...l.agreements] })),
      nations,
      releases: releasesPerAgreement(tl.events),
      denials: denials(tl.events, new Map(tl.setup.nodes.map((n) => [n.id, n.party]))),
      deliveries: deliveries(tl.events),
      summary: [] as string[],
    };
  });
  const base = outcomes.find((o) => o.id === baseline) as (typeof outcomes)[number];
  for (const o of outcomes) o.summary = o === base ? describeBaseline(o) : summarise(o, base);
  // Baseline first, the others in the order given.
  const ordered = [base, ...outcomes.filter((o) => o !== base)];
  return WhatIfComparison.parse({
    scenario: {
      id: setup.scenario.id,
      title: setup.scenario.title,
      launchMs,
      launch: new Date(launchMs).toISOString(),
    },
    seed: setup.seed,
    baseline,
    errorTimesS,
    curveStepS,
    endS,
    parties: setup.parties,
    nodes: setup.nodes,
    missiles,
    variants: ordered,
  });
}

interface NationContext {
  nation: string;
  name: string;
  nodes: readonly string[];
  launchMs: number;
  missiles: readonly Missile[];
  errorTimesS: readonly number[];
  curveTimes: readonly number[];
  issuesWarnings: boolean;
}
type Missile = { objectId: string; impactS: number; lat: number; lon: number };

const afterLaunch = (t: number, launchMs: number): number => Math.round(t - launchMs) / 1000;

/** Firsts, warnings and impact errors of one nation in one timeline. */
function nationOutcome(events: readonly CopEvent[], c: NationContext): NationOutcome {
  const mine = new Set(c.nodes);
  const s = (t: number) => afterLaunch(t, c.launchMs);
  const detection = events.find((e) => e.type === "detection" && mine.has(e.node));
  const ownTrack = events.find((e): e is CopTrackEvent => e.type === "track" && e.own && mine.has(e.node));
  const shared = events.filter(
    (e): e is CopTrackEvent => e.type === "track" && !e.own && !e.stale && mine.has(e.node),
  );
  const firstFrom = new Map<string, CopTrackEvent>();
  // At equal times (one tick), the shortest path is the one that counts.
  for (const e of shared) {
    const f = firstFrom.get(e.origin.party);
    if (!f || (f.t === e.t && e.path.length < f.path.length)) firstFrom.set(e.origin.party, e);
  }
  const sharedTrack = (e: CopTrackEvent) => ({
    s: s(e.t),
    node: e.node,
    fromParty: e.origin.party,
    fromNode: e.origin.node,
    path: [...e.path],
  });
  const warnings = c.issuesWarnings
    ? events
        .filter((e): e is CopWarningEvent => e.type === "warning" && e.issuer === c.nation)
        .map((e) => ({
          s: s(e.t),
          kind: e.kind,
          msgType: e.msgType,
          alertId: e.alertId,
          headline: e.headlines.en ?? Object.values(e.headlines)[0] ?? "",
        }))
    : [];
  const errors = impactErrorsAt(events, c, [...c.errorTimesS, ...c.curveTimes]);
  const at = (sec: number) => errors.get(sec) as ImpactError;
  const byArrival = [...firstFrom.values()].sort((a, b) => a.t - b.t || a.path.length - b.path.length);
  const firstShared = byArrival[0];
  return {
    nation: c.nation,
    name: c.name,
    nodes: [...c.nodes],
    firstDetection:
      detection?.type === "detection"
        ? {
            s: s(detection.t),
            node: detection.node,
            sensorId: detection.sensorId,
            sensorKind: detection.sensorKind,
          }
        : null,
    firstOwnTrack: ownTrack
      ? { s: s(ownTrack.t), node: ownTrack.node, trackId: ownTrack.report.trackId }
      : null,
    firstSharedTrack: firstShared ? sharedTrack(firstShared) : null,
    firstTrackFrom: byArrival.map(sharedTrack),
    sharedUpdates: shared.length,
    issuesWarnings: c.issuesWarnings,
    firstWarning: warnings.find((w) => !isCancellation(w)) ?? null,
    warnings,
    impactErrors: c.errorTimesS.map(at),
    errorCurve: c.curveTimes.map((sec) => ({ s: sec, km: at(sec).km })),
  };
}

/**
 * The nation's best impact-point error at each time asked (s after launch), in one pass over the events:
 * per node, the latest fused event of each fused object at or before the time (or, for a node with no
 * fused event yet, the latest report of each of its own tracks), each scored against the nearest missile's
 * true impact; the smallest over objects and nodes.
 */
function impactErrorsAt(
  events: readonly CopEvent[],
  c: NationContext,
  timesS: readonly number[],
): Map<number, ImpactError> {
  const mine = new Set(c.nodes);
  const fused = new Map<string, CopFusedEvent>();
  const own = new Map<string, CopTrackEvent>();
  const out = new Map<number, ImpactError>();
  let i = 0;
  for (const atS of [...new Set(timesS)].sort((a, b) => a - b)) {
    const tMs = c.launchMs + atS * 1000;
    for (; i < events.length && (events[i] as CopEvent).t <= tMs; i++) {
      const e = events[i] as CopEvent;
      if (e.type === "fused" && mine.has(e.node)) fused.set(`${e.node}|${e.fusedId}`, e);
      else if (e.type === "track" && e.own && mine.has(e.node)) own.set(`${e.node}|${e.report.trackId}`, e);
    }
    out.set(atS, bestEstimate(atS, [...fused.values()], [...own.values()], c.missiles));
  }
  return out;
}

/** The estimate closest to a missile's true impact: fused ones, and own tracks of nodes without any. */
function bestEstimate(
  atS: number,
  fused: readonly CopFusedEvent[],
  own: readonly CopTrackEvent[],
  missiles: readonly Missile[],
): ImpactError {
  const nodesWithFused = new Set(fused.map((e) => e.node));
  const candidates = [
    ...fused.map((e) => ({ source: "fused" as const, node: e.node, impact: e.report.impact })),
    ...own
      .filter((e) => !nodesWithFused.has(e.node))
      .map((e) => ({ source: "own-track" as const, node: e.node, impact: e.report.impact })),
  ];
  let best: ImpactError = {
    atS,
    km: null,
    source: null,
    node: null,
    objectId: null,
    estimates: candidates.length,
  };
  for (const cand of candidates)
    for (const m of missiles) {
      const km = greatCircleKm(cand.impact.lat, cand.impact.lon, m.lat, m.lon);
      if (best.km === null || km < best.km)
        best = {
          ...best,
          km: Math.round(km * 1000) / 1000,
          source: cand.source,
          node: cand.node,
          objectId: m.objectId,
        };
    }
  return best;
}

/** Whether a warning lifts an earlier one (CAP msgType `cancel`, in any case). */
export const isCancellation = (w: { msgType: string }): boolean => w.msgType.toLowerCase() === "cancel";

/** Haversine distance on the mean Earth sphere (km). */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Counts the release decisions per agreement: permits by their agreement, denials by every one named. */
function releasesPerAgreement(events: readonly CopEvent[]): AgreementReleases[] {
  const counts = new Map<string, { released: number; denied: number }>();
  const bump = (id: string, key: "released" | "denied") => {
    const c = counts.get(id) ?? { released: 0, denied: 0 };
    c[key]++;
    counts.set(id, c);
  };
  for (const e of events) {
    if (e.type !== "decision" || e.action !== "release") continue;
    if (e.permitted) bump(e.agreement ?? GENERAL_RULES, "released");
    else for (const id of denyingAgreements(e.reasons)) bump(id, "denied");
  }
  return [...counts.entries()]
    .map(([agreement, c]) => ({ agreement, ...c }))
    .sort((a, b) => a.agreement.localeCompare(b.agreement));
}

/** A denial reason as the timeline renders it: `CODE (agreement): message`, or `CODE: message`. */
const REASON = /^([A-Z0-9_]+)(?: \(([^)]+)\))?:/;

/**
 * The agreements a denial is held against: each one its reasons name, except those that do not cover
 * the parties at all (NOT_A_PARTY); a denial by the general rules alone counts under GENERAL_RULES.
 */
export function denyingAgreements(reasons: readonly string[]): string[] {
  const named = new Set<string>();
  const notParty = new Set<string>();
  for (const r of reasons) {
    const m = REASON.exec(r);
    const id = m?.[2] ?? GENERAL_RULES;
    named.add(id);
    if (m?.[1] === "NOT_A_PARTY" && m[2] !== undefined) notParty.add(id);
  }
  const held = [...named].filter((id) => !notParty.has(id));
  return held.length > 0 ? held.sort() : [GENERAL_RULES];
}

/** Release denials per originating and recipient party, with the distinct reasons that held them. */
function denials(
  events: readonly CopEvent[],
  partyOf: ReadonlyMap<string, string>,
): VariantOutcome["denials"] {
  const out = new Map<string, { from: string; to: string; decisions: number; reasons: Set<string> }>();
  for (const e of events) {
    if (e.type !== "decision" || e.action !== "release" || e.permitted) continue;
    const from = partyOf.get(e.from) ?? e.from;
    const to = partyOf.get(e.to) ?? e.to;
    const d = out.get(`${from}>${to}`) ?? { from, to, decisions: 0, reasons: new Set<string>() };
    d.decisions++;
    // Only the reasons of the agreements the denial is held against (not those that never applied).
    const held = new Set(denyingAgreements(e.reasons));
    for (const r of e.reasons) {
      const m = REASON.exec(r);
      if (held.has(m?.[2] ?? GENERAL_RULES)) d.reasons.add(m ? r.slice(0, m[0].length - 1) : r);
    }
    out.set(`${from}>${to}`, d);
  }
  return [...out.values()]
    .map((d) => ({ ...d, reasons: [...d.reasons].sort() }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** Partner track updates delivered, per originating and receiving party. */
function deliveries(events: readonly CopEvent[]): VariantOutcome["deliveries"] {
  const counts = new Map<string, { from: string; to: string; updates: number; tracks: Set<string> }>();
  for (const e of events) {
    if (e.type !== "track" || e.own || e.holder === "PUBLIC") continue;
    const key = `${e.origin.party}>${e.holder}`;
    const c = counts.get(key) ?? { from: e.origin.party, to: e.holder, updates: 0, tracks: new Set() };
    c.updates++;
    c.tracks.add(e.report.trackId);
    counts.set(key, c);
  }
  return [...counts.values()]
    .map((c) => ({ from: c.from, to: c.to, updates: c.updates, tracks: c.tracks.size }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** How a party's tracks are called in a sentence ("Japan's first ROK track"). */
const TRACK_ADJECTIVE: Readonly<Record<string, string>> = { USA: "US", KOR: "ROK", JPN: "Japanese" };
const adjective = (party: string): string => TRACK_ADJECTIVE[party] ?? party;
const secs = (x: number): string => `+${x.toFixed(0)} s`;
const km = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
/** A node path in short form: each node id up to its first underscore. */
export const shortPath = (path: readonly string[]): string => path.map((n) => n.split("_")[0] ?? n).join("→");
const viaText = (path: readonly string[]): string =>
  path.length <= 2 ? "directly" : `via ${shortPath(path.slice(1, -1))}`;

/** What happened under the baseline, one sentence per nation. */
function describeBaseline(v: VariantOutcome): string[] {
  return v.nations.map((n) => {
    const parts: string[] = [];
    parts.push(n.firstOwnTrack ? `own track at ${secs(n.firstOwnTrack.s)}` : "no own track");
    parts.push(
      n.firstTrackFrom.length > 0
        ? n.firstTrackFrom
            .map((f) => `first ${adjective(f.fromParty)} track at ${secs(f.s)} ${viaText(f.path)}`)
            .join(", ")
        : "no partner track",
    );
    if (n.issuesWarnings)
      parts.push(
        n.firstWarning ? `${n.firstWarning.kind} at ${secs(n.firstWarning.s)}` : "no public warning",
      );
    return `Under ${v.id}, ${n.name}: ${parts.join("; ")}.`;
  });
}

/** How a variant differs from the baseline, most telling first; one sentence when nothing differs. */
function summarise(v: VariantOutcome, base: VariantOutcome): string[] {
  const out: string[] = [];
  const lead = `Under ${v.id}`;
  for (const n of v.nations) {
    const b = base.nations.find((x) => x.nation === n.nation);
    if (!b) continue;
    const partners = new Set([...n.firstTrackFrom, ...b.firstTrackFrom].map((f) => f.fromParty));
    for (const p of partners) {
      const x = n.firstTrackFrom.find((f) => f.fromParty === p);
      const y = b.firstTrackFrom.find((f) => f.fromParty === p);
      const what = `${n.name}'s first ${adjective(p)} track`;
      if (y && !x)
        out.push(
          `${lead}, ${n.name} receives no ${adjective(p)} track (${base.id}: ${secs(y.s)} ${viaText(y.path)}).`,
        );
      else if (x && !y)
        out.push(`${lead}, ${what} arrives at ${secs(x.s)} ${viaText(x.path)} (${base.id}: none).`);
      else if (x && y && x.s !== y.s)
        out.push(
          `${lead}, ${what} arrives ${Math.abs(x.s - y.s).toFixed(0)} s ${x.s > y.s ? "later" : "earlier"} (${secs(x.s)} ${viaText(x.path)}; ${base.id}: ${secs(y.s)} ${viaText(y.path)}).`,
        );
      else if (x && y && shortPath(x.path) !== shortPath(y.path))
        out.push(
          `${lead}, ${what} arrives at the same time by another path (${viaText(x.path)}; ${base.id}: ${viaText(y.path)}).`,
        );
    }
    if (n.issuesWarnings) {
      const x = n.firstWarning;
      const y = b.firstWarning;
      if (y && !x)
        out.push(`${lead}, ${n.name} issues no public warning (${base.id}: ${y.kind} at ${secs(y.s)}).`);
      else if (x && !y)
        out.push(`${lead}, ${n.name} issues ${x.kind} at ${secs(x.s)} (${base.id}: no warning).`);
      else if (x && y && (x.s !== y.s || x.kind !== y.kind))
        out.push(
          `${lead}, ${n.name}'s first public warning is ${x.kind} at ${secs(x.s)} (${base.id}: ${y.kind} at ${secs(y.s)}).`,
        );
    }
    const err = largestErrorChange(n, b, base.id);
    if (err) out.push(`${lead}, ${err}`);
  }
  if (out.length === 0)
    out.push(
      `${lead}, nothing differs from ${base.id}: the same first tracks, shared tracks, warnings and impact errors.`,
    );
  return out;
}

/** The impact-error time with the largest change (at least 1 km and 10 %), as a clause, or undefined. */
function largestErrorChange(n: NationOutcome, b: NationOutcome, baseId: string): string | undefined {
  let best: { atS: number; x: number | null; y: number | null; d: number } | undefined;
  for (const e of n.impactErrors) {
    const y = b.impactErrors.find((f) => f.atS === e.atS)?.km ?? null;
    const x = e.km;
    if (x === null && y === null) continue;
    const d = x === null || y === null ? Number.POSITIVE_INFINITY : Math.abs(x - y);
    const significant = x === null || y === null || (d >= 1 && d >= 0.1 * Math.min(x, y));
    if (significant && (!best || d > best.d)) best = { atS: e.atS, x, y, d };
  }
  if (!best) return undefined;
  const { atS, x, y } = best;
  if (x === null)
    return `${n.name} has no impact-point estimate at ${secs(atS)} (${baseId}: ${km(y as number)} km).`;
  if (y === null)
    return `${n.name} has an impact-point estimate at ${secs(atS)} (${km(x)} km; ${baseId}: none).`;
  return `${n.name}'s impact-point error at ${secs(atS)} is ${km(x)} km instead of ${km(y)} km.`;
}
