/**
 * Release decisions: may this item go from this sender to this recipient, by this route and channel, at
 * this moment? A pure function of the compiled policy and its arguments. A permit names the agreement
 * used, the route, the recipient's marking in its own national terms and the fields removed; a denial
 * names every reason that applies, under every agreement that could have carried the item.
 */
import type { Item } from "../model/item.ts";
import type { Topic } from "../model/label.ts";
import { isoToMs } from "../model/time.ts";
import { choose } from "./choice.ts";
import {
  type Channel,
  type Decision,
  type DecisionItem,
  type DecisionRequest,
  type Denial,
  LazyReason,
  type Marking,
  type Reason,
} from "./decision.ts";
import { markingFor, relToMask, removedFields } from "./marking.ts";
import {
  CHANNEL_BIT,
  type CompiledAgreement,
  type CompiledRow,
  KIND_BIT,
  type Policy,
  TOPIC_BIT,
} from "./policy.ts";
import { intervalAt, type StatusInterval } from "./status.ts";

export type {
  Channel,
  Decision,
  DecisionItem,
  DecisionRequest,
  Denial,
  DenialCode,
  Marking,
  Permit,
  Reason,
} from "./decision.ts";
export { markingFor, removedFields } from "./marking.ts";

// tsx runs modules with getter-backed import bindings; local aliases keep those getters off the hot path
// (measured: about a tenth of a decision's cost).
const TOPIC = TOPIC_BIT;
const KIND = KIND_BIT;
const CHANNEL = CHANNEL_BIT;
const toMs = isoToMs;
const statusOf = intervalAt;
const chooseAmong = choose;
const markFor = markingFor;
const relToMaskOf = relToMask;
const removedOf = removedFields;
const Lazy = LazyReason;

/** The route as parties, originator first, consecutive repeats (hops inside one nation) folded. */
export function routeOf(
  originator: string,
  sender: string,
  via: readonly string[],
  recipient: string,
): string[] {
  const route = [originator];
  if (sender !== originator) route.push(sender);
  for (const p of via) if (route[route.length - 1] !== p) route.push(p);
  if (route[route.length - 1] !== recipient) route.push(recipient);
  return route;
}

function sameRoute(route: readonly string[], a: string, b: string, c?: string): boolean {
  if (c === undefined) return route.length === 2 && route[0] === a && route[1] === b;
  return route.length === 3 && route[0] === a && route[1] === b && route[2] === c;
}

/** What carries an item under one agreement: the correspondence row and what satisfied consent. */
interface Carriage {
  row: CompiledRow;
  /** `originator`: sent by the originator; `standing`: the agreement's standing consent; else an approval ref. */
  consent: "originator" | "standing" | { approval: string };
}

function consentText(carriage: Carriage, agreementId: string, originator: string): string {
  if (carriage.consent === "originator") return "sent by the originator";
  if (carriage.consent === "standing") return `standing consent of ${agreementId}`;
  return `${originator} approval ${carriage.consent.approval}`;
}

/**
 * Facts about one request that every agreement's check reads, computed once per decision: parties and
 * topics as bit masks (see `policy.ts`), so that each agreement's scope checks are integer operations.
 */
interface RequestFacts {
  routeMask: number;
  topicMask: number;
  orcon: boolean;
  /** Track-report times, read on first need (only agreements with a launch-to-impact window need them). */
  times: { asOf: number; launch: number; impact: number } | undefined;
}

function trackTimes(
  req: DecisionRequest,
  facts: RequestFacts,
): { asOf: number; launch: number; impact: number } {
  if (!facts.times) {
    const item = req.item as Extract<DecisionItem, { kind: "track-report" }>;
    facts.times = {
      asOf: toMs(item.asOf),
      launch: toMs(item.launch.time),
      impact: toMs(item.impact.time),
    };
  }
  return facts.times;
}

// Renderers of reason texts: module-level, so that recording a reason captures values, not a scope.
const notParty = (route: string[], c: CompiledAgreement) =>
  `${route.filter((p) => !c.parties.has(p)).join(", ")} ${route.filter((p) => !c.parties.has(p)).length > 1 ? "are not parties" : "is not a party"}`;
const notInForce = (iv: StatusInterval) => `${iv.status} (${iv.cause})`;
const basisDown = (basis: string) => `its basis ${basis} is not in force`;
const kindOut = (kind: string) => `does not carry ${kind}s`;
const topicOut = (topics: readonly Topic[], c: CompiledAgreement) =>
  `topic ${topics.filter((t) => c.excludedTopics.has(t) || (c.topics !== "all" && !c.topics.has(t))).join(", ")} outside its scope`;
const subjectOut = (subject: string) => `items about ${subject} outside scope`;
const aboveCeiling = (policy: Policy, label: Item["label"], c: CompiledAgreement) => {
  const row = c.rowOf.get(label.originator)?.get(label.classification);
  const rank = policy.levels.get(label.originator)?.get(label.classification)?.rank ?? 0;
  const why = row ? `its row is off (parameter ${row.row.requires})` : "not in its table";
  return `${label.originator} ${label.classification} (rank ${rank}) ${why}; ceiling ${c.ceiling.tier}`;
};
const noGrade = (party: string, row: CompiledRow) => `${party} has no grade for ${row.row.tier}`;
const directOnly = (route: string[]) =>
  `direct only: ${route.join("→")} is not a direct transfer from the originator`;
const viaHub = (route: string[], expected: string[]) =>
  `must travel ${expected.join("→")}, not ${route.join("→")}`;
const noRelay = (o: string, sender: string) => `no relay of ${o} items by ${sender}`;
const noConsent = (req: DecisionRequest, orcon: boolean) =>
  `${req.sender} may relay to ${req.recipient} only with ${req.item.label.originator}'s approval${orcon ? " (ORCON)" : ""}`;
const noChannel = (c: CompiledAgreement, channel: Channel) =>
  `provides ${c.agreement.channels.join(", ")} exchange, not ${channel}`;
const outsideWindowText = (graceS: number, asOf: string, at: number) =>
  `shares only from launch to impact (+${graceS} s); item as of ${asOf}, released ${new Date(at).toISOString()}`;

/**
 * Checks one agreement. With `out` null it stops at the first failure and builds nothing (the fast path,
 * taken first on every decision); with an array it records every reason (taken only to explain a
 * denial). Both paths run the same conditions in the same code.
 */
function checkAgreement(
  c: CompiledAgreement,
  policy: Policy,
  req: DecisionRequest,
  route: string[],
  facts: RequestFacts,
  out: Reason[] | null,
): Carriage | null {
  const a = c.agreement;
  const id = a.id;
  const label = req.item.label;
  const o = label.originator;
  const r = req.recipient;
  let failed = false;

  if ((facts.routeMask & ~c.partyMask) !== 0) {
    if (!out) return null;
    failed = true;
    out.push(new Lazy("NOT_A_PARTY", id, notParty, route, c));
  }
  const iv = statusOf(c.timeline, req.at);
  if (!iv.operative) {
    if (!out) return null;
    failed = true;
    out.push(new Lazy("NOT_IN_FORCE", id, notInForce, iv));
  }
  for (const b of c.requiresCompiled) {
    if (!statusOf(b.timeline, req.at).operative) {
      if (!out) return null;
      failed = true;
      out.push(new Lazy("BASIS_NOT_IN_FORCE", id, basisDown, b.agreement.id));
    }
  }
  if ((c.kindMask & (KIND[req.item.kind] ?? 0)) === 0) {
    if (!out) return null;
    failed = true;
    out.push(new Lazy("KIND_OUT_OF_SCOPE", id, kindOut, req.item.kind));
  }
  if ((facts.topicMask & ~c.topicMask) !== 0 || (facts.topicMask & c.excludedMask) !== 0) {
    if (!out) return null;
    failed = true;
    out.push(new Lazy("TOPIC_OUT_OF_SCOPE", id, topicOut, label.topics, c));
  }
  if (c.subjects !== "any" && !c.subjects.has(label.subject)) {
    if (!out) return null;
    failed = true;
    out.push(new Lazy("SUBJECT_OUT_OF_SCOPE", id, subjectOut, label.subject));
  }

  // Classification: the originator's grade must stand in an enabled row that every receiving party shares.
  // An agreement covers only its parties' own items: for a non-party originator NOT_A_PARTY says it all.
  const compiledRow = c.rowOf.get(o)?.get(label.classification);
  if (c.parties.has(o)) {
    if (!compiledRow?.enabled) {
      if (!out) return null;
      failed = true;
      out.push(new Lazy("ABOVE_CEILING", id, aboveCeiling, policy, label, c));
    } else {
      if ((facts.routeMask & c.partyMask & ~compiledRow.levelMask) !== 0) {
        for (let i = 1; i < route.length; i++) {
          const p = route[i] as string;
          if (c.parties.has(p) && !compiledRow.row.levels[p]) {
            if (!out) return null;
            failed = true;
            out.push(new Lazy("ABOVE_CEILING", id, noGrade, p, compiledRow));
          }
        }
      }
    }
  }

  // Route.
  const routing = a.routing;
  if (routing.mode === "direct") {
    if (route.length !== 2) {
      if (!out) return null;
      failed = true;
      out.push(new Lazy("ROUTE_FORBIDDEN", id, directOnly, route));
    }
  } else {
    const h = routing.hub;
    const spokeToSpoke = o !== h && r !== h;
    if (spokeToSpoke ? !sameRoute(route, o, h, r) : !sameRoute(route, o, r)) {
      if (!out) return null;
      failed = true;
      out.push(new Lazy("ROUTE_FORBIDDEN", id, viaHub, route, spokeToSpoke ? [o, h, r] : [o, r]));
    }
  }

  // Originator consent (the third-party rule).
  let consent: Carriage["consent"] = "originator";
  if (req.sender !== o) {
    if (a.consent.relay === "forbidden") {
      if (!out) return null;
      failed = true;
      out.push(new Lazy("RELAY_FORBIDDEN", id, noRelay, o, req.sender));
    } else if (a.consent.relay === "standing" && !facts.orcon && (facts.topicMask & ~c.standingMask) === 0) {
      consent = "standing";
    } else {
      let approval: string | undefined;
      for (const ap of label.approvals) {
        if (ap.to === r && toMs(ap.at) <= req.at) {
          approval = ap.ref;
          break;
        }
      }
      if (approval !== undefined) consent = { approval };
      else {
        if (!out) return null;
        failed = true;
        out.push(new Lazy("NO_ORIGINATOR_CONSENT", id, noConsent, req, facts.orcon));
      }
    }
  }

  if ((c.channelMask & (CHANNEL[req.channel] ?? 0)) === 0) {
    if (!out) return null;
    failed = true;
    out.push(new Lazy("CHANNEL_UNAVAILABLE", id, noChannel, c, req.channel));
  }

  const window = a.scope.launchToImpactOnly;
  if (window && req.item.kind === "track-report") {
    if (outsideWindow(trackTimes(req, facts), window.graceS, req.at)) {
      if (!out) return null;
      failed = true;
      out.push(new Lazy("OUTSIDE_TIME_WINDOW", id, outsideWindowText, window.graceS, req.item.asOf, req.at));
    }
  }
  return failed || !compiledRow ? null : { row: compiledRow, consent };
}

function denial(route: string[], channel: Channel, reasons: Reason[]): Denial {
  return { outcome: "deny", route, channel, reasons };
}

/** Whether a track's times or the decision's time fall outside a launch-to-impact window. */
function outsideWindow(
  times: { asOf: number; launch: number; impact: number },
  graceS: number,
  at: number,
): boolean {
  const end = times.impact + graceS * 1000;
  return times.asOf < times.launch || times.asOf > end || at < times.launch || at > end;
}

/**
 * The class of an item's times under the policy at `at`: for each agreement that shares only from
 * launch to impact, whether a track report is inside its window ("1") or not ("0"); empty for other
 * items. Everything else a decision reads of an item is its kind and label, so two items of one kind
 * under one label in one class get the same decision to the same request, but for the texts of the
 * reasons (which quote the item's as-of time) and `removedFields` (which depends on the fields the item
 * has).
 */
export function timeClass(policy: Policy, item: DecisionItem, at: number): string {
  if (item.kind !== "track-report") return "";
  let times: { asOf: number; launch: number; impact: number } | undefined;
  let bits = "";
  for (const c of policy.agreements) {
    const window = c.agreement.scope.launchToImpactOnly;
    if (!window) continue;
    times ??= { asOf: toMs(item.asOf), launch: toMs(item.launch.time), impact: toMs(item.impact.time) };
    bits += outsideWindow(times, window.graceS, at) ? "0" : "1";
  }
  return bits;
}

/**
 * Decides one request for each of `items`, as `decide` would, but once per time class (`timeClass`)
 * among the items that share the first item's kind and label object (a bundle's tracks): a bundle of
 * tracks inside their windows costs one decision, not one per track. Items that share a class share one
 * decision object, whose reason texts and `removedFields` are those of the first item of the class;
 * outcome, agreement, route, markings and reason codes are each item's own. For deciding on items
 * received, not for sanitising a release (use `decide` and its `removedFields` there).
 */
export function decideEach(
  policy: Policy,
  req: Omit<DecisionRequest, "item">,
  items: readonly DecisionItem[],
): Decision[] {
  const first = items[0];
  const byClass = new Map<string, Decision>();
  return items.map((item) => {
    if (item.label !== first?.label || item.kind !== first.kind) return decide(policy, { ...req, item });
    const key = timeClass(policy, item, req.at);
    let decision = byClass.get(key);
    if (!decision) {
      decision = decide(policy, { ...req, item });
      byClass.set(key, decision);
    }
    return decision;
  });
}

/** Decides a release. Pure: the same policy and request always give the same decision. */
export function decide(policy: Policy, req: DecisionRequest): Decision {
  const label = req.item.label;
  const via = req.via ?? [];
  const route = routeOf(label.originator, req.sender, via, req.recipient);

  let unknown = "";
  let routeMask = 0;
  for (const p of route) {
    const index = policy.partyIndex.get(p);
    if (index === undefined) unknown = unknown ? `${unknown}, ${p}` : p;
    else routeMask |= 1 << index;
  }
  if (unknown) {
    return denial(route, req.channel, [{ code: "UNKNOWN_PARTY", message: `unknown party: ${unknown}` }]);
  }
  if (!policy.levels.get(label.originator)?.has(label.classification)) {
    const message = `${label.originator} has no grade ${label.classification}`;
    return denial(route, req.channel, [{ code: "UNKNOWN_CLASSIFICATION", message }]);
  }
  if (req.sender === req.recipient || route.length < 2) {
    const message = `${req.sender} to ${req.recipient} is not a release to another party`;
    return denial(route, req.channel, [{ code: "NOT_A_RELEASE", message }]);
  }

  let general: Reason[] | null = null;
  if (label.caveats.includes("NOFORN")) {
    general = [{ code: "NOFORN", message: `NOFORN: not releasable outside ${label.originator}` }];
  }
  for (let i = 1; i < route.length; i++) {
    if (!label.releasableTo.includes(route[i] as string)) {
      const notRel = route.slice(1).filter((p) => !label.releasableTo.includes(p));
      const relTo =
        label.releasableTo.length > 0 ? `REL TO ${label.releasableTo.join(", ")}` : "no REL TO marking";
      general ??= [];
      general.push({
        code: "NOT_IN_REL_TO",
        message: `${notRel.join(", ")} not in the releasability (${relTo})`,
      });
      break;
    }
  }

  let topicMask = 0;
  for (const t of label.topics) topicMask |= TOPIC[t];
  const facts: RequestFacts = {
    routeMask,
    topicMask,
    orcon: label.caveats.includes("ORCON"),
    times: undefined,
  };

  // Fast path: which agreements carry the item (no messages built).
  if (!general) {
    const carriages: (Carriage | null)[] = new Array(policy.agreements.length);
    let any = false;
    for (let i = 0; i < carriages.length; i++) {
      const found = checkAgreement(
        policy.agreements[i] as CompiledAgreement,
        policy,
        req,
        route,
        facts,
        null,
      );
      carriages[i] = found;
      if (found) any = true;
    }
    if (any) {
      const choice = chooseAmong(policy, carriages);
      const carriage = carriages[choice.best] as Carriage;
      const best = policy.agreements[choice.best] as CompiledAgreement;
      const mask = relToMaskOf(policy, req.item);
      const relayMarkings: Marking[] = [];
      for (let i = 1; i < route.length - 1; i++)
        relayMarkings.push(markFor(policy, route[i] as string, carriage.row, req.item, mask));
      return {
        outcome: "permit",
        agreement: best.agreement.id,
        route,
        channel: req.channel,
        consent: consentText(carriage, best.agreement.id, label.originator),
        tier: carriage.row.row.tier,
        marking: markFor(policy, req.recipient, carriage.row, req.item, mask),
        relayMarkings,
        removedFields: removedOf(best, req.item),
        alsoPermittedBy: choice.alsoPermittedBy.slice(),
        why: choice.why,
      };
    }
  }

  // Denial: every reason, under every agreement.
  const reasons = general ?? [];
  for (const c of policy.agreements) checkAgreement(c, policy, req, route, facts, reasons);
  if (policy.agreements.length === 0)
    reasons.push({ code: "NO_AGREEMENT", message: "no agreements are loaded" });
  return denial(route, req.channel, reasons);
}
