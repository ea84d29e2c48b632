/**
 * The shapes of a release decision: the request, a permit, a denial and its reasons. Shared by the
 * policy core and everything that stores, signs, audits or shows decisions.
 */
import type { Item } from "../model/item.ts";
import type { Label } from "../model/label.ts";

/** Ways of delivery: a real-time data link, or case-by-case exchange. */
export type Channel = "real-time" | "deferred";

/**
 * What a decision reads of an item: its kind, id and label, and a track report's times (the real-time
 * mechanism's launch-to-impact window). Every item fits; so does what a relay reads of a bundled track
 * (`TrackHead` and the bundle's label), which passes the rest of the track on unread.
 */
export type DecisionItem =
  | {
      readonly kind: "track-report";
      readonly id: string;
      readonly label: Label;
      readonly asOf: string;
      readonly launch: { readonly time: string };
      readonly impact: { readonly time: string };
    }
  | { readonly kind: Exclude<Item["kind"], "track-report">; readonly id: string; readonly label: Label };

/** What is asked. `at` is epoch milliseconds; `via` lists the parties the item passes through. */
export interface DecisionRequest {
  item: DecisionItem;
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
  readonly code: DenialCode;
  readonly agreement?: string | undefined;
  readonly message: string;
}

/**
 * A reason whose message is rendered only when read: a denial records every reason under every
 * agreement, and most are never displayed, so building their text eagerly would dominate the cost of a
 * decision. Serialises to `{ code, agreement?, message }`.
 */
export class LazyReason<A extends unknown[]> implements Reason {
  readonly #render: (...args: A) => string;
  readonly #args: A;
  #message: string | undefined;
  constructor(
    readonly code: DenialCode,
    readonly agreement: string | undefined,
    render: (...args: A) => string,
    ...args: A
  ) {
    this.#render = render;
    this.#args = args;
  }
  get message(): string {
    this.#message ??= this.#render(...this.#args);
    return this.#message;
  }
  toJSON(): Reason {
    return this.agreement === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, agreement: this.agreement, message: this.message };
  }
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
