/**
 * The status of an agreement at any moment, derived from its event history and its renewal rule
 * (not stored): GSOMIA noticed for termination on 2019-08-23 would have ended at the anniversary at least
 * 90 days later, unless the notice was suspended or withdrawn first.
 */
import { type Agreement, type AgreementStatus, OPERATIVE_STATUSES } from "../model/agreement.ts";
import { parseIso } from "../model/time.ts";

const DAY_MS = 86_400_000;

/** One stretch of time with one status; `from` is inclusive, the next interval's `from` exclusive. */
export interface StatusInterval {
  from: number;
  status: AgreementStatus;
  /** Whether the agreement operates in this status (in force, or a notice not yet taken effect). */
  operative: boolean;
  /** What put the agreement in this status (an event, or the renewal rule). */
  cause: string;
  /** While a termination notice runs: when it takes effect. */
  terminationEffectiveAt?: number;
}

/** An agreement's statuses over all time, ordered; the first interval starts at −∞. */
export interface StatusTimeline {
  agreementId: string;
  intervals: StatusInterval[];
}

/** An inconsistent event history (a suspension with no notice, say), with the path of the bad field. */
export class AgreementHistoryError extends Error {
  readonly code = "AGREEMENT_HISTORY";
  constructor(
    message: string,
    readonly agreementId: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

/** Parses `"+09:00"` into minutes east of UTC. */
function offsetMinutes(zone: string): number {
  const sign = zone.startsWith("-") ? -1 : 1;
  const [h, m] = zone.slice(1).split(":").map(Number);
  return sign * ((h ?? 0) * 60 + (m ?? 0));
}

/** Midnight (in the agreement's zone) of the local calendar day containing `ms`, as a UTC day number. */
function localDayNumber(ms: number, offsetMin: number): number {
  return Math.floor((ms + offsetMin * 60_000) / DAY_MS);
}

/**
 * When a termination notice given at `noticeMs` takes effect under the renewal rule, or `undefined` if
 * only an explicit `terminated` event can end the agreement.
 */
export function terminationEffect(agreement: Agreement, noticeMs: number): number | undefined {
  const renewal = agreement.renewal;
  if (renewal.kind === "indefinite") {
    return renewal.noticeDays === undefined ? undefined : noticeMs + renewal.noticeDays * DAY_MS;
  }
  const off = offsetMinutes(agreement.timeZone);
  const noticeDay = localDayNumber(noticeMs, off);
  const [mm, dd] = renewal.anniversary.split("-").map(Number);
  const noticeYear = new Date(noticeMs + off * 60_000).getUTCFullYear();
  for (let year = noticeYear; year < noticeYear + 3; year++) {
    const anniversaryDay = Math.floor(Date.UTC(year, (mm ?? 1) - 1, dd ?? 1) / DAY_MS);
    if (anniversaryDay - noticeDay >= renewal.noticeDays) {
      return anniversaryDay * DAY_MS - off * 60_000;
    }
  }
  return undefined;
}

/** Builds the status timeline of an agreement; throws AgreementHistoryError on an impossible history. */
export function statusTimeline(agreement: Agreement): StatusTimeline {
  const events = agreement.events
    .map((e, index) => {
      const parsed = parseIso(e.at, agreement.timeZone);
      if (!parsed.ok) throw new AgreementHistoryError(parsed.why, agreement.id, ["events", index, "at"]);
      return { ...e, ms: parsed.ms, index };
    })
    .sort((a, b) => a.ms - b.ms || a.index - b.index);

  const intervals: StatusInterval[] = [
    {
      from: Number.NEGATIVE_INFINITY,
      status: "not-yet-in-force",
      operative: false,
      cause: "before entry into force",
    },
  ];
  let status = "not-yet-in-force" as AgreementStatus;
  let pending: number | undefined;
  const push = (from: number, next: AgreementStatus, cause: string, effective?: number) => {
    status = next;
    const interval: StatusInterval = { from, status: next, operative: OPERATIVE_STATUSES.has(next), cause };
    if (effective !== undefined) interval.terminationEffectiveAt = effective;
    intervals.push(interval);
  };
  const lapse = (until: number) => {
    if (status === "termination-noticed" && pending !== undefined && pending <= until) {
      push(pending, "terminated", `termination notice took effect (${agreement.renewal.kind} renewal rule)`);
      pending = undefined;
    }
  };

  for (const e of events) {
    lapse(e.ms);
    const where = ["events", e.index, "type"];
    const who = e.by ? ` by ${e.by}` : "";
    switch (e.type) {
      case "signed":
        break;
      case "entered-into-force":
        if (status !== "not-yet-in-force" && status !== "terminated") {
          throw new AgreementHistoryError(`entered into force while ${status}`, agreement.id, where);
        }
        push(e.ms, "in-force", `entered into force ${e.at}`);
        break;
      case "termination-noticed": {
        if (status !== "in-force")
          throw new AgreementHistoryError(`termination noticed while ${status}`, agreement.id, where);
        pending = terminationEffect(agreement, e.ms);
        push(e.ms, "termination-noticed", `termination noticed${who} ${e.at}`, pending);
        break;
      }
      case "notice-suspended":
        if (status !== "termination-noticed") {
          throw new AgreementHistoryError(`notice suspended while ${status}`, agreement.id, where);
        }
        pending = undefined;
        push(e.ms, "notice-suspended", `termination notice suspended${who} ${e.at}`);
        break;
      case "notice-withdrawn":
        if (status !== "termination-noticed" && status !== "notice-suspended") {
          throw new AgreementHistoryError(`notice withdrawn while ${status}`, agreement.id, where);
        }
        pending = undefined;
        push(e.ms, "in-force", `termination notice withdrawn${who} ${e.at}`);
        break;
      case "terminated":
        if (status === "not-yet-in-force" || status === "terminated") {
          throw new AgreementHistoryError(`terminated while ${status}`, agreement.id, where);
        }
        pending = undefined;
        push(e.ms, "terminated", `terminated${who} ${e.at}`);
        break;
    }
  }
  lapse(Number.POSITIVE_INFINITY);
  return { agreementId: agreement.id, intervals };
}

/** The interval of a timeline that contains `ms`. */
export function intervalAt(timeline: StatusTimeline, ms: number): StatusInterval {
  const iv = timeline.intervals;
  let lo = 0;
  let hi = iv.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((iv[mid] as StatusInterval).from <= ms) lo = mid;
    else hi = mid - 1;
  }
  return iv[lo] as StatusInterval;
}

/** The status of an agreement at a moment (epoch milliseconds). */
export function statusAt(agreement: Agreement, ms: number): StatusInterval {
  return intervalAt(statusTimeline(agreement), ms);
}
