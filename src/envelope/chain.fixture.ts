/**
 * Test fixture: the five nodes of the trilateral relay (ROK → USFK → INDOPACOM hub → USFJ → JSDF) with
 * fresh keys, handshaken channels on each link and a receiver per node. Grade tables mirror the project's
 * schemes; the correspondence is by rank (II ↔ S ↔ GOKUHI), as the agreements' tables have it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  generateNodeKeys,
  type KeyRing,
  type NodeKeys,
  type PeerKeys,
  peerKeysOf,
} from "../keys/node-keys.ts";
import { type IntelReport, Item, type TrackReport } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import { answerHandshake, finishHandshake, type LinkChannel, startHandshake } from "./channel.ts";
import { createReceiver, type Receiver } from "./envelope.ts";
import type { EnvelopeMarking } from "./schema.ts";

/** The relay chain, originator first. */
export const CHAIN = [
  "ROK_KTMO_CELL",
  "USFK_TMO_CELL",
  "INDOPACOM_LINK_CTRL_HI",
  "USFJ_C4I",
  "JSDF",
] as const;
/** Party of each node. */
export const PARTY_OF: Readonly<Record<string, string>> = {
  ROK_KTMO_CELL: "KOR",
  USFK_TMO_CELL: "USA",
  INDOPACOM_LINK_CTRL_HI: "USA",
  USFJ_C4I: "USA",
  JSDF: "JPN",
};
const GRADES: Record<string, { code: string; native: string; rank: number }[]> = {
  USA: [
    { code: "C", native: "CONFIDENTIAL", rank: 1 },
    { code: "S", native: "SECRET", rank: 2 },
    { code: "TS", native: "TOP SECRET", rank: 3 },
  ],
  KOR: [
    { code: "III", native: "군사III급비밀", rank: 1 },
    { code: "II", native: "군사II급비밀", rank: 2 },
    { code: "I", native: "군사I급비밀", rank: 3 },
  ],
  JPN: [
    { code: "HI", native: "秘", rank: 1 },
    { code: "GOKUHI", native: "極秘", rank: 2 },
    { code: "KIMITSU", native: "機密", rank: 3 },
  ],
};

/** Rank of a grade in a party's scheme. */
export function rankOf(party: string, code: string): number | undefined {
  return GRADES[party]?.find((g) => g.code === code)?.rank;
}

/** The rank a party must mark an item with: the same rank as the originator's grade. */
export function minimumRank(label: Label, _party: string): number {
  return rankOf(label.originator, label.classification) ?? Number.POSITIVE_INFINITY;
}

/** The marking of an item in `party`'s terms at the required rank, with the label's REL TO. */
export function markingFor(party: string, label: Label): EnvelopeMarking {
  const grade = GRADES[party]?.find((g) => g.rank === minimumRank(label, party));
  if (!grade) throw new Error(`no grade for ${party}`);
  const rel = label.releasableTo.length > 0 ? `//REL TO ${label.releasableTo.join(", ")}` : "";
  return { party, level: grade.code, native: grade.native, banner: `${grade.native}${rel}` };
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** An example item from the project's `examples/`. */
export function exampleItem(name: string): Item {
  return Item.parse(JSON.parse(readFileSync(join(ROOT, "examples", `${name}.json`), "utf8")));
}

/** The ROK track report example. */
export function rokTrack(): TrackReport {
  const item = exampleItem("rok-track-report");
  if (item.kind !== "track-report") throw new Error("not a track");
  return item;
}

/** The ROK nuclear-test intelligence report example. */
export function rokReport(): IntelReport {
  const item = exampleItem("intel-nuclear-test");
  if (item.kind !== "intel-report") throw new Error("not a report");
  return item;
}

/** A built chain: keys, key ring, channels by `from>to`, receivers by node. */
export interface Chain {
  keys: Map<string, NodeKeys>;
  ring: KeyRing;
  peers: Map<string, PeerKeys>;
  /** The channel end at `a` towards `b`, keyed `a>b`. */
  channel: (a: string, b: string) => LinkChannel;
  receivers: Map<string, Receiver>;
  receiver: (node: string) => Receiver;
}

/** Limits used by the fixture's receivers. */
export const LIMITS = { maxAgeMs: 30_000, maxSkewMs: 2_000 } as const;

/** Builds the chain (and optionally extra nodes that have keys but no channels) at time `now`. */
export async function buildChain(now: number, extraNodes: readonly string[] = []): Promise<Chain> {
  const keys = new Map<string, NodeKeys>();
  for (const n of [...CHAIN, ...extraNodes]) keys.set(n, generateNodeKeys(n));
  const peers = new Map<string, PeerKeys>();
  for (const [n, k] of keys) peers.set(n, peerKeysOf(k));
  const ring: KeyRing = peers;
  const ends = new Map<string, LinkChannel>();
  for (let i = 0; i + 1 < CHAIN.length; i++) {
    const a = get(keys, CHAIN[i]);
    const b = get(keys, CHAIN[i + 1]);
    const { hello, pending } = await startHandshake(a, b.node, now);
    const answered = await answerHandshake(b, ring, hello, now, LIMITS);
    if (!answered.ok) throw new Error(answered.detail);
    const finished = await finishHandshake(pending, ring, answered.reply, now, LIMITS);
    if (!finished.ok) throw new Error(finished.detail);
    ends.set(`${a.node}>${b.node}`, finished.channel);
    ends.set(`${b.node}>${a.node}`, answered.channel);
  }
  const receivers = new Map<string, Receiver>();
  for (const [node, k] of keys) {
    const channels = new Map<string, LinkChannel>();
    for (const [key, ch] of ends) if (key.startsWith(`${node}>`)) channels.set(ch.peer, ch);
    receivers.set(
      node,
      createReceiver({
        self: k,
        ring,
        channels,
        partyOf: (n) => PARTY_OF[n],
        rankOf,
        minimumRank,
        ...LIMITS,
      }),
    );
  }
  return {
    keys,
    ring,
    peers,
    channel: (a, b) => get(ends, `${a}>${b}`),
    receivers,
    receiver: (n) => get(receivers, n),
  };
}

function get<V>(map: ReadonlyMap<string, V>, key: string | undefined): V {
  const v = key === undefined ? undefined : map.get(key);
  if (v === undefined) throw new Error(`fixture has no ${key}`);
  return v;
}
