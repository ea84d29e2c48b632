/**
 * What one operator may see at one replay position: the ONE place where the server authorises. Every
 * endpoint and the stream read the exercise only through an `OperatorView`; each filter below is
 * `copVisible` (held by the operator's party or public, marked at or below the clearance) plus the
 * replay bound (t ≤ position). Sensors are treated as events held by their own nation.
 */
import {
  type CopAuditEvent,
  type CopDecisionEvent,
  type CopEvent,
  type CopFusedEvent,
  type CopSetup,
  type CopTrackEvent,
  type CopWarningEvent,
  copVisible,
  PUBLIC_MARKING,
} from "../model/cop.ts";
import type { Operator } from "./auth.ts";
import type { CopExercise } from "./session.ts";

/** Index of the first event with t > position (events are in order of t). */
export function eventsUpTo(events: readonly CopEvent[], positionMs: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as CopEvent).t <= positionMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether `op` may see `e` (the authorisation rule, nothing else decides it). */
export function maySee(op: Operator, e: Pick<CopEvent, "holder" | "marking">): boolean {
  return copVisible(e, op.party, op.clearanceRank);
}

/** One operator's view of an exercise at a replay position. */
export class OperatorView {
  readonly #visible: CopEvent[];

  constructor(
    readonly operator: Operator,
    readonly exercise: CopExercise,
    readonly positionMs: number,
  ) {
    const events = exercise.timeline.events;
    const end = eventsUpTo(events, positionMs);
    this.#visible = [];
    for (let i = 0; i < end; i++) {
      const e = events[i] as CopEvent;
      if (maySee(operator, e)) this.#visible.push(e);
    }
  }

  /** Every visible event, optionally after a sequence number. */
  events(afterSeq = -1): CopEvent[] {
    return afterSeq < 0 ? [...this.#visible] : this.#visible.filter((e) => e.seq > afterSeq);
  }

  /** The setup with only the operator's own nation's sensors. */
  setup(): CopSetup {
    const s = this.exercise.timeline.setup;
    return {
      ...s,
      sensors: s.sensors.filter((x) => maySee(this.operator, { holder: x.nation, marking: PUBLIC_MARKING })),
    };
  }

  /** The latest state of each track at each holding node. */
  currentTracks(): CopTrackEvent[] {
    const latest = new Map<string, CopTrackEvent>();
    for (const e of this.#visible)
      if (e.type === "track") latest.set(`${e.node}\u0000${e.origin.node}\u0000${e.report.trackId}`, e);
    return [...latest.values()];
  }

  /** Every state of one track id (at any holding node), in order. */
  trackHistory(trackId: string): CopTrackEvent[] {
    return this.#visible.filter(
      (e): e is CopTrackEvent => e.type === "track" && e.report.trackId === trackId,
    );
  }

  /** The latest fused estimate of each fused object. */
  fused(): CopFusedEvent[] {
    const latest = new Map<string, CopFusedEvent>();
    for (const e of this.#visible) if (e.type === "fused") latest.set(`${e.node}\u0000${e.fusedId}`, e);
    return [...latest.values()];
  }

  /** Releases, relays, receipts and rejections with their reasons. */
  decisions(): CopDecisionEvent[] {
    return this.#visible.filter((e): e is CopDecisionEvent => e.type === "decision");
  }

  /** Warnings issued so far. */
  warnings(): CopWarningEvent[] {
    return this.#visible.filter((e): e is CopWarningEvent => e.type === "warning");
  }

  /** The latest audit tree head of each node the operator may see. */
  auditHeads(): CopAuditEvent[] {
    const latest = new Map<string, CopAuditEvent>();
    for (const e of this.#visible) if (e.type === "audit") latest.set(e.node, e);
    return [...latest.values()];
  }
}
