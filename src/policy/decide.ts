/**
 * Release decisions: may this item go from this sender to this recipient, by this route and channel, at
 * this moment? A pure function of the compiled policy and its arguments. A permit names the agreement
 * used, the route, the recipient's marking in its own national terms and the fields removed; a denial
 * names every reason that applies, under every agreement that could have carried the item.
 */
import { OPERATIVE_STATUSES } from "../model/agreement.ts";
import { ALWAYS_SOURCE_FIELDS, type Item } from "../model/item.ts";
import type { Topic } from "../model/label.ts";
import { parseIso } from "../model/time.ts";
import type { CompiledAgreement, CompiledRow, Policy } from "./policy.ts";
import { intervalAt } from "./status.ts";

/** Ways of delivery: a real-time data link, or case-by-case exchange. */
export type Channel = "real-time" | "deferred";

/** What is asked. `at` is epoch milliseconds; `via` lists the parties the item passes through. */
export interface DecisionRequest {
  item: Item;
  sender: string;
  recipient: string;
  via?: readonly string[];
  channel: Channel;
  at: number;
}

/** Why a release is refused. */
export type DenialCode =
  | "UNKNOWN_PARTY"
  | "UNKNOWN_CLASSIFICATION"
  | "NOT_A_RELEASE"
  | "NOFORN"
  | "NOT_IN_REL_TO"
  | "NO_AGREEMENT"
  | "NOT_A_PARTY"
  | "NOT_IN_FORCE"
  | "BASIS_NOT_IN_FORCE"
  | "KIND_OUT_OF_SCOPE"
  | "TOPIC_OUT_OF_SCOPE"
  | "SUBJECT_OUT_OF_SCOPE"
  | "ABOVE_CEILING"
  | "ROUTE_FORBIDDEN"
  | "RELAY_FORBIDDEN"
  | "NO_ORIGINATOR_CONSENT"
  | "CHANNEL_UNAVAILABLE"
  | "OUTSIDE_TIME_WINDOW";

/** One reason, with the agreement it concerns (absent for reasons that hold under every agreement). */
export interface Reason {
  code: DenialCode;
  agreement?: string;
  message: string;
}

/** A marking in one nation's own terms. */
export interface Marking {
  party: string;
  level: string;
  native: string;
  banner: string;
}

/** A permit. */
export interface Permit {
  outcome: "permit";
  agreement: string;
  /** Parties from originator to recipient. */
  route: string[];
  channel: Channel;
  /** What satisfied the originator-consent rule. */
  consent: string;
  tier: string;
  marking: Marking;
  /** Markings at each intermediate party (the hub re-marks in its own terms). */
  relayMarkings: Marking[];
  removedFields: string[];
  alsoPermittedBy: string[];
  why: string;
}

/** A denial with every reason that applies. */
export interface Denial {
  outcome: "deny";
  route: string[];
  channel: Channel;
  reasons: Reason[];
}

/** A decision. */
export type Decision = Permit | Denial;

/** The route as parties, originator first, consecutive repeats (hops inside one nation) folded. */
export function routeOf(
  originator: string,
  sender: string,
  via: readonly string[],
  recipient: string,
): string[] {
  const route = [originator];
  for (const p of [sender, ...via, recipient]) if (route[route.length - 1] !== p) route.push(p);
  return route;
}

function hasTopicOutside(topics: readonly Topic[], allowed: ReadonlySet<Topic>): Topic[] {
  return topics.filter((t) => !allowed.has(t));
}

/** Per-agreement checks. Returns the reasons it cannot carry the item, or the row it carries it in. */
function checkAgreement(
  c: CompiledAgreement,
  policy: Policy,
  req: DecisionRequest,
  route: string[],
): { reasons: Reason[]; row?: CompiledRow; consent: string } {
  const a = c.agreement;
  const id = a.id;
  const label = req.item.label;
  const reasons: Reason[] = [];
  const o = label.originator;
  const r = req.recipient;
  let consent = "";

  for (const p of route) {
    if (!c.parties.has(p))
      reasons.push({ code: "NOT_A_PARTY", agreement: id, message: `${p} is not a party` });
  }
  const iv = intervalAt(c.timeline, req.at);
  if (!OPERATIVE_STATUSES.has(iv.status)) {
    reasons.push({ code: "NOT_IN_FORCE", agreement: id, message: `${iv.status} (${iv.cause})` });
  }
  for (const basis of a.requires) {
    const b = policy.byId.get(basis);
    if (b && !OPERATIVE_STATUSES.has(intervalAt(b.timeline, req.at).status)) {
      reasons.push({
        code: "BASIS_NOT_IN_FORCE",
        agreement: id,
        message: `its basis ${basis} is not in force`,
      });
    }
  }
  if (!c.itemKinds.has(req.item.kind)) {
    reasons.push({ code: "KIND_OUT_OF_SCOPE", agreement: id, message: `does not carry ${req.item.kind}s` });
  }
  const outside = c.topics === "all" ? [] : hasTopicOutside(label.topics, c.topics);
  const excluded = label.topics.filter((t) => c.excludedTopics.has(t));
  if (outside.length + excluded.length > 0) {
    reasons.push({
      code: "TOPIC_OUT_OF_SCOPE",
      agreement: id,
      message: `topic ${[...outside, ...excluded].join(", ")} outside its scope`,
    });
  }
  if (c.subjects !== "any" && !c.subjects.has(label.subject)) {
    reasons.push({
      code: "SUBJECT_OUT_OF_SCOPE",
      agreement: id,
      message: `items about ${label.subject} outside scope`,
    });
  }

  // Classification: the originator's grade must stand in an enabled row that every receiving party shares.
  const compiledRow = c.rowOf.get(o)?.get(label.classification);
  if (!c.parties.has(o)) {
    // NOT_A_PARTY already says it: an agreement covers only its parties' own items.
  } else if (!compiledRow?.enabled) {
    const rank = policy.levels.get(o)?.get(label.classification)?.rank ?? 0;
    const why = compiledRow ? `its row is off (parameter ${compiledRow.row.requires})` : "not in its table";
    reasons.push({
      code: "ABOVE_CEILING",
      agreement: id,
      message: `${o} ${label.classification} (rank ${rank}) ${why}; ceiling ${c.ceiling.tier}`,
    });
  } else {
    for (const p of route.slice(1)) {
      if (c.parties.has(p) && !compiledRow.row.levels[p]) {
        reasons.push({
          code: "ABOVE_CEILING",
          agreement: id,
          message: `${p} has no grade for ${compiledRow.row.tier}`,
        });
      }
    }
  }

  // Route.
  const routing = a.routing;
  if (routing.mode === "direct") {
    if (route.length !== 2) {
      reasons.push({
        code: "ROUTE_FORBIDDEN",
        agreement: id,
        message: `direct only: ${route.join("→")} is not a direct transfer from the originator`,
      });
    }
  } else {
    const h = routing.hub;
    const expected = o === h || r === h ? [o, r] : [o, h, r];
    if (route.join() !== expected.join()) {
      reasons.push({
        code: "ROUTE_FORBIDDEN",
        agreement: id,
        message: `must travel ${expected.join("→")}, not ${route.join("→")}`,
      });
    }
  }

  // Originator consent (the third-party rule).
  if (req.sender === o) {
    consent = "sent by the originator";
  } else if (a.consent.relay === "forbidden") {
    reasons.push({
      code: "RELAY_FORBIDDEN",
      agreement: id,
      message: `no relay of ${o} items by ${req.sender}`,
    });
  } else {
    const standing =
      a.consent.relay === "standing" &&
      !label.caveats.includes("ORCON") &&
      hasTopicOutside(label.topics, c.standingTopics).length === 0;
    if (standing) {
      consent = `standing consent of ${id}`;
    } else {
      const approval = label.approvals.find((ap) => ap.to === r && approvedBy(ap.at, req.at));
      if (approval) consent = `${o} approval ${approval.ref}`;
      else {
        const orcon = label.caveats.includes("ORCON") ? " (ORCON)" : "";
        reasons.push({
          code: "NO_ORIGINATOR_CONSENT",
          agreement: id,
          message: `${req.sender} may relay to ${r} only with ${o}'s approval${orcon}`,
        });
      }
    }
  }

  if (!c.channels.has(req.channel)) {
    reasons.push({
      code: "CHANNEL_UNAVAILABLE",
      agreement: id,
      message: `provides ${[...c.channels].join(", ")} exchange, not ${req.channel}`,
    });
  }

  const window = a.scope.launchToImpactOnly;
  if (window && req.item.kind === "track-report") {
    const item = req.item;
    const launch = Date.parse(item.launch.time);
    const end = Date.parse(item.impact.time) + window.graceS * 1000;
    const asOf = Date.parse(item.asOf);
    if (asOf < launch || asOf > end || req.at < launch || req.at > end) {
      reasons.push({
        code: "OUTSIDE_TIME_WINDOW",
        agreement: id,
        message: `shares only from launch to impact (+${window.graceS} s); item as of ${item.asOf}, released ${new Date(req.at).toISOString()}`,
      });
    }
  }
  return compiledRow ? { reasons, row: compiledRow, consent } : { reasons, consent };
}

function approvedBy(at: string, ms: number): boolean {
  const parsed = parseIso(at);
  return parsed.ok && parsed.ms <= ms;
}

/** The marking of the item in `party`'s terms, for a row of a correspondence table. */
export function markingFor(policy: Policy, party: string, row: CompiledRow, item: Item): Marking {
  const label = item.label;
  const code = row.row.levels[party]?.[0] ?? "?";
  const level = policy.levels.get(party)?.get(code);
  const scheme = policy.schemes.get(party);
  const mark = level?.portionMark ?? level?.native ?? code;
  const relTo = label.releasableTo.length > 0 ? `//REL TO ${label.releasableTo.join(", ")}` : "";
  const banner =
    party === label.originator
      ? `${level?.native ?? code}${relTo}`
      : (scheme?.foreignOriginMarking ?? "{origin} {level}")
          .replace("{origin}", scheme?.partyNames[label.originator] ?? label.originator)
          .replace("{level}", mark) + relTo;
  return { party, level: code, native: level?.native ?? code, banner };
}

/** Fields of the item that release under this agreement removes. */
export function removedFields(c: CompiledAgreement, item: Item): string[] {
  const removed = new Set<string>();
  const record = item as unknown as Record<string, unknown>;
  for (const f of [
    ...ALWAYS_SOURCE_FIELDS,
    ...c.agreement.sanitisation.removeFields,
    ...item.label.sourceFields,
  ]) {
    if (hasPath(record, f)) removed.add(f);
  }
  const keep = c.agreement.sanitisation.keepOnlyFields;
  if (keep) for (const k of Object.keys(record)) if (!keep.includes(k)) removed.add(k);
  return [...removed].sort();
}

function hasPath(obj: Record<string, unknown>, path: string): boolean {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur !== undefined;
}

/**
 * Orders agreements that all permit: narrower scope first (a purpose-built arrangement over a general
 * one), then the more recent, then by id, so the choice is deterministic and can be explained.
 */
function preference(x: CompiledAgreement, y: CompiledAgreement): number {
  return (
    x.breadth - y.breadth || y.inForceSince - x.inForceSince || x.agreement.id.localeCompare(y.agreement.id)
  );
}

function explainChoice(chosen: CompiledAgreement, others: CompiledAgreement[]): string {
  if (others.length === 0) return `only ${chosen.agreement.id} permits this release`;
  const parts = others.map((o) => {
    if (chosen.breadth !== o.breadth) {
      const scope = (c: CompiledAgreement) =>
        c.breadth === Number.POSITIVE_INFINITY ? "all topics" : `${c.breadth} topics`;
      return `over ${o.agreement.id} (narrower scope: ${scope(chosen)} vs ${scope(o)})`;
    }
    if (chosen.inForceSince !== o.inForceSince) return `over ${o.agreement.id} (more recent)`;
    return `over ${o.agreement.id} (by id)`;
  });
  return `chose ${chosen.agreement.id} ${parts.join(", ")}`;
}

/** Decides a release. Pure: the same policy and request always give the same decision. */
export function decide(policy: Policy, req: DecisionRequest): Decision {
  const label = req.item.label;
  const via = req.via ?? [];
  const route = routeOf(label.originator, req.sender, via, req.recipient);
  const deny = (reasons: Reason[]): Denial => ({ outcome: "deny", route, channel: req.channel, reasons });

  const unknown = [label.originator, req.sender, req.recipient, ...via].filter((p) => !policy.levels.has(p));
  if (unknown.length > 0) {
    return deny([
      {
        code: "UNKNOWN_PARTY",
        message: `unknown part${unknown.length > 1 ? "ies" : "y"} ${unknown.join(", ")}`,
      },
    ]);
  }
  if (!policy.levels.get(label.originator)?.has(label.classification)) {
    return deny([
      { code: "UNKNOWN_CLASSIFICATION", message: `${label.originator} has no grade ${label.classification}` },
    ]);
  }
  if (req.sender === req.recipient || route.length < 2) {
    return deny([
      {
        code: "NOT_A_RELEASE",
        message: `${req.sender} to ${req.recipient} is not a release to another party`,
      },
    ]);
  }

  const general: Reason[] = [];
  if (label.caveats.includes("NOFORN")) {
    general.push({ code: "NOFORN", message: `NOFORN: not releasable outside ${label.originator}` });
  }
  const notRel = route.slice(1).filter((p) => !label.releasableTo.includes(p));
  if (notRel.length > 0) {
    const relTo =
      label.releasableTo.length > 0 ? `REL TO ${label.releasableTo.join(", ")}` : "no REL TO marking";
    general.push({
      code: "NOT_IN_REL_TO",
      message: `${notRel.join(", ")} not in the releasability (${relTo})`,
    });
  }

  const permitting: { c: CompiledAgreement; row: CompiledRow; consent: string }[] = [];
  const perAgreement: Reason[] = [];
  for (const c of policy.agreements) {
    const check = checkAgreement(c, policy, req, route);
    if (check.reasons.length === 0 && check.row)
      permitting.push({ c, row: check.row, consent: check.consent });
    else for (const r of check.reasons) perAgreement.push(r);
  }
  if (general.length > 0 || permitting.length === 0) {
    const reasons = [...general, ...perAgreement];
    if (policy.agreements.length === 0)
      reasons.push({ code: "NO_AGREEMENT", message: "no agreements are loaded" });
    return deny(reasons);
  }
  permitting.sort((x, y) => preference(x.c, y.c));
  const best = permitting[0] as (typeof permitting)[number];
  const others = permitting.slice(1).map((p) => p.c);
  return {
    outcome: "permit",
    agreement: best.c.agreement.id,
    route,
    channel: req.channel,
    consent: best.consent,
    tier: best.row.row.tier,
    marking: markingFor(policy, req.recipient, best.row, req.item),
    relayMarkings: route.slice(1, -1).map((p) => markingFor(policy, p, best.row, req.item)),
    removedFields: removedFields(best.c, req.item),
    alsoPermittedBy: others.map((o) => o.agreement.id),
    why: explainChoice(best.c, others),
  };
}
