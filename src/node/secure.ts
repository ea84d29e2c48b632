/**
 * The node's side of the envelope layer: how a release names its channel, which marking a permit gives a
 * hop recipient, and the receiver a node opens envelopes with (ranks and minimum ranks from the policy).
 */
import { randomBytes } from "node:crypto";
import { createReceiver, type LinkChannel, type Receiver } from "../envelope/index.ts";
import type { KeyRing, NodeKeys } from "../keys/index.ts";
import type { Item } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import type { Channel, Marking, Permit } from "../policy/decide.ts";
import { relToSuffix } from "../policy/marking.ts";
import type { Policy } from "../policy/policy.ts";

const CHANNEL_PREFIX: Readonly<Record<Channel, string>> = { "real-time": "R", deferred: "D" };

/**
 * A release nonce that also names the channel, so that the channel is covered by the originator's
 * signature (the signed release has no field for it): one letter, `R` or `D`, then 21 random base64url
 * characters (126 bits, still unique per release for the end-to-end replay guard).
 */
export function channelNonce(channel: Channel): string {
  return CHANNEL_PREFIX[channel] + randomBytes(16).toString("base64url").slice(0, 21);
}

/** The channel a release nonce names, or undefined for a nonce not made by `channelNonce`. */
export function channelOfNonce(nonce: string): Channel | undefined {
  if (nonce.startsWith("R")) return "real-time";
  if (nonce.startsWith("D")) return "deferred";
  return undefined;
}

/**
 * The marking a party on a permit's route gives the item: the recipient's or an intermediate party's
 * from the permit, or, for a hop still inside the originator's party (USFK → INDOPACOM), the
 * originator's own grade in its own terms.
 */
export function markingForParty(
  permit: Permit,
  party: string,
  item: Pick<Item, "label">,
  policy: Policy,
): Marking | undefined {
  const { route } = permit;
  if (route[route.length - 1] === party) return permit.marking;
  const index = route.indexOf(party);
  if (index === 0) {
    const { originator, classification } = item.label;
    const native = policy.levels.get(originator)?.get(classification)?.native ?? classification;
    return { party: originator, level: classification, native, banner: `${native}${relToSuffix(item)}` };
  }
  return index >= 1 && index < route.length - 1 ? permit.relayMarkings[index - 1] : undefined;
}

/** The rank of a grade in a party's scheme, from the policy. */
export function rankIn(policy: Policy, party: string, code: string): number | undefined {
  return policy.levels.get(party)?.get(code)?.rank;
}

/**
 * The lowest rank any enabled correspondence row gives `party` for the label's grade: a floor the
 * receiver checks before the node has a route. The node then checks the marking against the rank its
 * own decision for the actual route gives (`markingForParty`), which is exact.
 */
export function minimumRankIn(policy: Policy, label: Label, party: string): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const agreement of policy.agreements) {
    const row = agreement.rowOf.get(label.originator)?.get(label.classification);
    if (!row?.enabled) continue;
    const code = row.row.levels[party]?.[0];
    const rank = code === undefined ? undefined : rankIn(policy, party, code);
    if (rank !== undefined && rank < lowest) lowest = rank;
  }
  return lowest;
}

/** Age limits for envelopes and releases (the hop and originator times). */
export const ENVELOPE_LIMITS = { maxAgeMs: 30_000, maxSkewMs: 2_000 } as const;

/** The receiver a node opens envelopes with; `channels` is the node's own map, filled by handshakes. */
export function nodeReceiver(args: {
  keys: NodeKeys;
  ring: KeyRing;
  channels: ReadonlyMap<string, LinkChannel>;
  /** The channel before the current one, per neighbour (for reports held across a rekey). */
  previousChannels?: ReadonlyMap<string, readonly LinkChannel[]>;
  partyOf: ReadonlyMap<string, string>;
  policy: Policy;
}): Receiver {
  const { keys, ring, channels, previousChannels, partyOf, policy } = args;
  return createReceiver({
    self: keys,
    ring,
    channels,
    ...(previousChannels ? { previousChannels } : {}),
    partyOf: (node) => partyOf.get(node),
    rankOf: (party, code) => rankIn(policy, party, code),
    minimumRank: (label, party) => minimumRankIn(policy, label, party),
    ...ENVELOPE_LIMITS,
    // Every node re-decides the whole route with the item's times, so relays parse the item too.
    parseRelayedItems: true,
  });
}
