/**
 * A node's receiving side: its keys, key ring, channels, the rules for markings, the age limits, and the
 * state it keeps between envelopes (the batch-header and label caches and the end-to-end replay guard).
 */
import type { KeyRing, NodeKeys } from "../keys/node-keys.ts";
import type { Label } from "../model/label.ts";
import type { LinkChannel } from "./channel.ts";
import { LabelCache } from "./labels.ts";
import { OriginatorVerifier } from "./originator.ts";
import { ReleaseReplayGuard } from "./replay.ts";

/** What a node needs to open envelopes, and the state it keeps between them. */
export interface Receiver {
  readonly self: NodeKeys;
  readonly ring: KeyRing;
  /** The established channel with each neighbour, by node id. */
  readonly channels: ReadonlyMap<string, LinkChannel>;
  /**
   * The channels each neighbour had before the current one, newest first (rekeys): envelopes sealed under
   * them still open — reports held by the transport across a rekey, and tracks sealed before crossing
   * handshakes settled (each channel keeps its own track sequence).
   */
  readonly previousChannels?: ReadonlyMap<string, readonly LinkChannel[]>;
  /** The party of a node, from the topology. */
  readonly partyOf: (node: string) => string | undefined;
  /** The rank of a grade in a party's scheme, or undefined for a code the scheme lacks. */
  readonly rankOf: (party: string, code: string) => number | undefined;
  /** The lowest rank in `party`'s scheme that the item's correspondence allows (from the agreements). */
  readonly minimumRank: (label: Label, party: string) => number;
  /** Oldest envelope or release accepted, and how far into the future their times may be. */
  readonly maxAgeMs: number;
  readonly maxSkewMs: number;
  /**
   * Parse each item in full at relays too, not only at the final recipient (a relay that re-decides with
   * the item's times needs it; one that re-marks by the label does not, and saves a third of its work).
   */
  readonly parseRelayedItems: boolean;
  readonly verifier: OriginatorVerifier;
  readonly replays: ReleaseReplayGuard;
  /** Labels this node has validated, by JSON text. */
  readonly labels: LabelCache;
}

/** Builds a receiver with its own batch-header cache and end-to-end replay guard. */
export function createReceiver(
  options: Omit<Receiver, "verifier" | "replays" | "labels" | "parseRelayedItems"> & {
    maxCachedBatches?: number;
    parseRelayedItems?: boolean;
  },
): Receiver {
  const { maxCachedBatches, parseRelayedItems, ...rest } = options;
  return {
    ...rest,
    parseRelayedItems: parseRelayedItems ?? false,
    verifier: new OriginatorVerifier(options.ring, { maxCachedBatches: maxCachedBatches ?? 4096 }),
    replays: new ReleaseReplayGuard(options.maxAgeMs + options.maxSkewMs),
    labels: new LabelCache(),
  };
}

/**
 * Why a time `at` is too old or too far in the future at `now` (for STALE), or null. `limitAge` false
 * checks only the future skew (report traffic, which may wait out an outage).
 */
export function ageProblem(
  r: Receiver,
  at: number,
  now: number,
  what: string,
  limitAge = true,
): string | null {
  if (limitAge && now - at > r.maxAgeMs) return `${what} ${now - at} ms old; limit ${r.maxAgeMs} ms`;
  if (at - now > r.maxSkewMs) return `${what} ${at - now} ms in the future; limit ${r.maxSkewMs} ms`;
  return null;
}
