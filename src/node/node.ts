/**
 * A national node: one system of the topology (ROK KTMO-Cell, USFK TMO-Cell, the INDOPACOM hub, USFJ C4I,
 * JSDF). It releases items only by a path the policy permits, relays through the hub only with the
 * originator's consent, decides again before it accepts anything (defence in depth), keeps received
 * reports exactly once, keeps its picture of partner tracks current (a track update older than the one it
 * holds, or older than the staleness bound, is never shown as current), and puts every release, relay,
 * receipt and rejection in its audit log.
 *
 * Traffic between nodes is the envelope layer's (`src/envelope/`): the originator signs each report (JWS)
 * and each window of tracks (one signed Merkle root, batcher.ts); every hop is one AES-GCM JWE under the
 * link's channel key (from the signed handshake, links.ts); relays re-mark each item in their own terms
 * and forward the originator's signed bytes unchanged; every receiver checks hop MAC, sequence, age,
 * originator signature, label, marking and destination before the policy decides again. The node path
 * is not carried: each node plans it again from the signed origin, destination, release time and
 * channel (the channel travels in the signed release's nonce, see secure.ts).
 */

import { createHash } from "node:crypto";
import { type Misbehaviour, type SignedTreeHead, signTreeHead, TreeHead, toBase64 } from "../audit/index.ts";
import {
  answerHandshake,
  assembleBundle,
  bundledTrackJson,
  type EntryArgs,
  finishHandshake,
  type HopArgs,
  type LinkChannel,
  MAX_BUNDLE_TRACKS,
  makeRelease,
  type Opened,
  openFrame,
  type PendingHandshake,
  type Receiver,
  relayFrame,
  sealFrame,
  signReport,
  startHandshake,
} from "../envelope/index.ts";
import type { KeyRing, NodeKeys } from "../keys/index.ts";
import type { Item, TrackReport } from "../model/item.ts";
import type { ItemMeta } from "../model/store-records.ts";
import { isoToMs, isoUtc } from "../model/time.ts";
import type { NodeSpec, Topology } from "../model/topology.ts";
import {
  type Channel,
  type Decision,
  type DecisionItem,
  decideEach,
  type Marking,
  type Permit,
} from "../policy/decide.ts";
import type { Policy } from "../policy/policy.ts";
import { sanitise } from "../policy/sanitise.ts";
import type { Delivery, Store, TrafficClass, TransportEndpoint, TransportSubscription } from "../ports.ts";
import { type Audited, type BundleSubject, NodeAudit } from "./audit.ts";
import { type PendingTrack, type SignedTrack, TrackBatcher } from "./batcher.ts";
import { CONTROL_HEADER, Control } from "./control.ts";
import { headRecord, PartnerHeads } from "./heads.ts";
import { partiesOf, planRelease, type ReleasePlan } from "./routing.ts";
import {
  channelNonce,
  channelOfNonce,
  ENVELOPE_LIMITS,
  markingForParty,
  nodeReceiver,
  rankIn,
} from "./secure.ts";

/** A partner track as this node holds it. */
export interface PictureEntry {
  item: TrackReport;
  from: string;
  receivedAt: number;
  /** True once the track's `asOf` is older than the staleness bound. */
  stale: boolean;
}

export type { Rejection } from "./audit.ts";

import type { Rejection } from "./audit.ts";

/** Something that happened at a node, for whoever runs it (a log, a process's output, a test). */
export type NodeEvent =
  | { kind: "received"; item: Item; from: string; origin: string; at: number; stale: boolean }
  | { kind: "rejected"; id: string; from: string; why: Rejection; detail: string }
  | { kind: "link-up"; peer: string };

/** What a node needs; the transport endpoint and store are ports, the clock is injected. */
export interface NodeDeps {
  spec: NodeSpec;
  topology: Topology;
  policy: Policy;
  store: Store;
  endpoint: TransportEndpoint;
  now: () => number;
  /** This node's private keys. */
  keys: NodeKeys;
  /** Every node's public keys (from the topology's bundles: `keyRingFromBundles`). */
  ring: KeyRing;
  /** Track updates whose `asOf` is older than this are stale (default 30 s). */
  stalenessMs?: number;
  /** How long the originator gathers tracks before signing them as one batch (default 5 ms). */
  batchWindowMs?: number;
  /**
   * How long after a decision its audit record is hashed into the log and written (default 5 ms; 0: when
   * the current task ends). Long enough for a track to cross the nodes of one process before their
   * audit work runs (the embedded topology shares one thread), and under load the records of a few
   * milliseconds go in together; reads of the log, `settled()` and a report's acknowledgement never see
   * the lag.
   */
  auditDelayMs?: number;
  /** Every how often the node signs its tree head and sends it to its link partners (default: never; call `publishTreeHead`). */
  treeHeadIntervalMs?: number;
  /** Told of every receipt, refusal and link established. */
  observer?: (event: NodeEvent) => void;
}

/** Where a track goes once its batch is signed. */
interface TrackMeta {
  next: string;
  marking: Marking;
  trafficClass: TrafficClass;
}

/** A sanitised track released here, waiting for its window's bundle. */
interface QueuedTrack {
  item: TrackReport;
  /** Its JSON in the bundle (`bundledTrackJson`), written when it was released. */
  json: string;
  /** The final recipient. */
  to: string;
  channel: Channel;
  /** The release decision, and the recipient's party and the time it was made (for its audit record). */
  decision: Permit;
  recipient: string;
  at: number;
  meta: TrackMeta;
}

/** An opened item this node passes on, with its marking for the next hop. */
interface Onward {
  opened: Opened;
  marking: Marking;
}

/**
 * The most release bytes one track bundle, or one envelope of tracks, carries (a single larger track
 * still goes, alone), where the transport has no lower limit (`frameReleaseBytes`). Fewer, larger
 * envelopes cost less per track: each envelope a node handles costs it a millisecond or more of CPU
 * whatever its size (a process woken for it finds its caches cold), so at 6,000 tracks a second the
 * relays used a fifth less CPU with bundles of up to 1,024 tracks than with 256 (bench/RESULTS.md,
 * ninth session).
 */
export const FRAME_RELEASE_BYTES = 1024 * 1024;

/**
 * What an envelope entry adds to its release's bytes, counted towards the bound: its id, destination,
 * table indexes and Merkle proof path (up to 1,024 leaves: ten 43-character hashes).
 */
export const ENTRY_ALLOWANCE_BYTES = 1024;

/**
 * The release bytes (each entry counted with `ENTRY_ALLOWANCE_BYTES`) one envelope of tracks may carry
 * for a transport whose messages hold at most `maxMessageBytes`. A release travels base64url inside the
 * envelope's JSON, which travels base64url as a JWE: under 1.8 times the counted bytes on the wire; 16
 * KiB are left for the JWE header and the transport's headers.
 */
export function frameReleaseBytes(maxMessageBytes?: number): number {
  if (maxMessageBytes === undefined) return FRAME_RELEASE_BYTES;
  const fits = Math.floor((maxMessageBytes - 16 * 1024) / 1.8);
  return Math.max(ENTRY_ALLOWANCE_BYTES, Math.min(FRAME_RELEASE_BYTES, fits));
}

/** Channels kept per partner after rekeys, so that what was sealed under them still opens. */
const PREVIOUS_CHANNELS = 4;
/** Track deliveries parked per partner while a handshake with it is pending (beyond this: refused). */
const PARKED_TRACKS = 64;
/** Answered hellos kept per partner while their confirmation is awaited. */
const UNCONFIRMED_CHANNELS = 8;
/** How long an envelope waits for a channel with its next hop while a handshake is under way. */
const CHANNEL_WAIT_MS = 10_000;

const helloHash = (hello: string) => createHash("sha256").update(hello).digest("base64url");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A running node. */
export class TriwatchNode {
  readonly id: string;
  readonly party: string;
  readonly #audit: NodeAudit;
  readonly picture = new Map<string, PictureEntry>();
  #deps: NodeDeps;
  #partyOf: Map<string, string>;
  #sequence = 0;
  #subscription: TransportSubscription | undefined;
  #channels = new Map<string, LinkChannel>();
  /** The channel each neighbour had before its latest handshake. */
  /** Per partner, track deliveries that arrived under a channel whose handshake is still pending. */
  #parked = new Map<string, Delivery[]>();
  /** Per partner, the channels before the current one, newest first (at most PREVIOUS_CHANNELS). */
  #previousChannels = new Map<string, LinkChannel[]>();
  /** Per partner, the handshakes this node started and not yet finished, oldest first. */
  #pending = new Map<string, PendingHandshake[]>();
  #receiver: Receiver;
  #tracks: TrackBatcher<TrackMeta, QueuedTrack>;
  /** The release bytes one bundle or envelope of tracks carries here (`frameReleaseBytes` of the endpoint's limit). */
  readonly #frameBytes: number;
  /** Per next hop, the end of the queue of envelopes being sealed and sent (sequence numbers in order). */
  #sending = new Map<string, Promise<void>>();
  /** Envelopes queued in `#send` and not yet handed to the transport (or failed). */
  #outstandingSends = 0;
  /** Releases and received deliveries still being worked on (for `idle`). */
  readonly #inProgress = new Set<Promise<unknown>>();
  /** Link partners (topology links of this node). */
  readonly #partners: string[];
  /** The heads this node holds of its partners' logs. */
  readonly #partnerHeads: PartnerHeads;
  /** Per partner, the tree size of the last head sent to it. */
  readonly #headSent = new Map<string, number>();
  #headTimer: ReturnType<typeof setInterval> | undefined;
  /** Partners whose link channel is established (by either end of the handshake). */
  readonly #linked = new Set<string>();
  /** Partners to which a hello is being signed and sent. */
  readonly #helloInFlight = new Set<string>();
  /** The end of the queue of partner-track writes to the store, and how many are waiting. */
  #trackWrites: Promise<void> = Promise.resolve();
  #trackWritesPending = 0;
  /** Partner tracks waiting for the next batch write. */
  #trackBatch: { item: TrackReport; meta: ItemMeta }[] = [];
  /** Per sender and traffic class, the end of the queue of deliveries being handled. */
  readonly #receiving = new Map<string, Promise<void>>();
  /** Per partner, the end of the queue of control messages being handled. */
  readonly #controlQueue = new Map<string, Promise<void>>();
  /** Per partner, the SHA-256 (base64url) of the hello the current channel came from. */
  readonly #channelHello = new Map<string, string>();
  #linkTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Per partner, channels this node answered a hello for and the partner has not confirmed yet: they open
   * what the partner seals under them, but nothing is sent under them before the confirmation.
   */
  readonly #unconfirmed = new Map<string, { hash: string; hello: string; channel: LinkChannel }[]>();
  /** Per partner, sends waiting for a channel (a handshake under way). */
  readonly #channelWaiters = new Map<string, (() => void)[]>();

  constructor(deps: NodeDeps) {
    this.#deps = deps;
    this.id = deps.spec.id;
    this.party = deps.spec.party;
    this.#partyOf = new Map(deps.topology.nodes.map((n) => [n.id, n.party]));
    this.#frameBytes = frameReleaseBytes(deps.endpoint.maxMessageBytes);
    this.#audit = new NodeAudit(
      this.id,
      this.party,
      this.#partyOf,
      deps.store,
      deps.now,
      (r) => deps.observer?.({ kind: "rejected", ...r }),
      deps.auditDelayMs ?? 5,
    );
    this.#receiver = nodeReceiver({
      keys: deps.keys,
      ring: deps.ring,
      channels: this.#channels,
      previousChannels: this.#previousChannels,
      partyOf: this.#partyOf,
      policy: deps.policy,
    });
    this.#partners = deps.topology.links.flatMap((l) =>
      l.a === this.id ? [l.b] : l.b === this.id ? [l.a] : [],
    );
    this.#partnerHeads = new PartnerHeads(this.#partners, deps.ring, deps.store);
    this.#tracks = new TrackBatcher<TrackMeta, QueuedTrack>(
      deps.keys,
      deps.now,
      (signed) => this.#sendTracks(signed),
      { windowMs: deps.batchWindowMs ?? 5, maxItems: MAX_BUNDLE_TRACKS },
      (tracks) => this.#bundle(tracks),
    );
  }

  /** The node's audit log (a Merkle log, mirrored in its store). */
  get log(): NodeAudit["log"] {
    return this.#audit.log;
  }

  /** Every delivery or item this node refused, with its reason. */
  get rejections(): NodeAudit["rejections"] {
    return this.#audit.rejections;
  }

  /** Starts receiving. Channels come from the handshakes (`linkNodes`, or `openLink`/`acceptLink`/`completeLink`). */
  async start(): Promise<void> {
    await this.#partnerHeads.load();
    this.#subscription = await this.#deps.endpoint.subscribe((d) => this.#watch(this.#inOrder(d)));
    const every = this.#deps.treeHeadIntervalMs;
    if (every !== undefined && every > 0) {
      this.#headTimer = setInterval(() => {
        this.publishTreeHead().catch(() => {});
      }, every);
      this.#headTimer.unref?.();
    }
  }

  /**
   * Signs the head of this node's log, keeps it in the store, and sends it to every link partner whose
   * last head from here was of another size, with a consistency proof from that size. Returns the head.
   */
  publishTreeHead(): Promise<SignedTreeHead> {
    return this.#watch(this.#publishTreeHead());
  }

  async #publishTreeHead(only?: { partner: string; from: number }): Promise<SignedTreeHead> {
    // The head covers the leaves appended so far, and is signed once the store holds them all (leaves
    // appended while waiting are left to the next head).
    const log = this.#audit.log;
    const size = log.size;
    await this.#audit.settled();
    const unsigned = TreeHead.parse({
      logId: this.id,
      treeSize: size,
      rootHash: toBase64(log.root(size)),
      timestamp: isoUtc(this.#deps.now()),
    });
    const head = signTreeHead(unsigned, this.#deps.keys.sign.privateKey);
    await this.#deps.store.putTreeHead(headRecord(head));
    const targets = only ? [only.partner] : this.#partners;
    await Promise.all(
      targets.map(async (p) => {
        const from = only?.from ?? this.#headSent.get(p) ?? 0;
        if (!only && from === head.treeSize && this.#headSent.has(p)) return;
        const proof =
          from > 0 && from < head.treeSize ? log.consistencyProof(from, head.treeSize).map(toBase64) : [];
        const control: Control = { kind: "tree-head", head, proofFrom: from, proof };
        await this.#control(p, control).then(
          () => this.#headSent.set(p, head.treeSize),
          () => {}, // a partner not linked in the transport: nothing to send it
        );
      }),
    );
    return head;
  }

  /** Asks `partner` for its current tree head, with a proof from the largest head held here. */
  requestTreeHead(partner: string): Promise<void> {
    const have = this.#partnerHeads.view(partner)?.latest?.treeSize ?? 0;
    return this.#watch(this.#control(partner, { kind: "tree-head-request", have }));
  }

  /** The heads this node has accepted of `partner`'s log, by size. */
  partnerHeads(partner: string): readonly SignedTreeHead[] {
    return this.#partnerHeads.view(partner)?.heads ?? [];
  }

  /** Misbehaviour found in partners' heads (forks, rewritten history, time reversal), with the evidence. */
  get partnerMisbehaviour(): { partner: string; evidence: Misbehaviour }[] {
    return this.#partnerHeads.misbehaviour();
  }

  #control(to: string, control: Control): Promise<void> {
    return this.#deps.endpoint.send(to, {
      id: `${this.id}:c${++this.#sequence}`,
      class: "report",
      payload: encoder.encode(JSON.stringify(control)),
      headers: { [CONTROL_HEADER]: control.kind },
    });
  }

  /** A control message from a partner: a tree head to check and keep, or a request for ours. */
  async #receiveControl(d: Delivery): Promise<void> {
    let control: Control;
    try {
      const parsed = Control.safeParse(JSON.parse(decoder.decode(d.payload)));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid");
      control = parsed.data;
    } catch (e) {
      this.#audit.reject(d, "MALFORMED", `control message: ${(e as Error).message}`);
      d.ack();
      return;
    }
    if (control.kind === "tree-head-request") {
      await this.#publishTreeHead({ partner: d.from, from: control.have });
      d.ack();
      return;
    }
    if (
      control.kind === "link-hello" ||
      control.kind === "link-reply" ||
      control.kind === "link-request" ||
      control.kind === "link-confirm"
    ) {
      await this.#linkControl(d, control);
      d.ack();
      return;
    }
    const outcome = await this.#partnerHeads.take(d.from, control);
    if (outcome.kind === "ask")
      await this.#control(d.from, { kind: "tree-head-request", have: outcome.have });
    else if (outcome.kind === "refused") {
      const { problem, message } = outcome.observation;
      this.#audit.reject(d, `TREE_HEAD_${problem}`, message);
    }
    d.ack();
  }

  /**
   * Resolves once nothing is in progress here: no track waiting for its batch (the batch is flushed now),
   * no release being signed, no envelope being sealed or sent, no received delivery still being opened,
   * decided or stored, and every audit record written to the store. Work that arrives meanwhile (a relay
   * a delivery caused) is waited for too. What is on the wire is the transport's (`InProcessTransport`:
   * `inFlight`, `drained()`).
   */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#tracks.waiting > 0) await this.#tracks.flush();
      if (this.#inProgress.size > 0) await Promise.allSettled([...this.#inProgress]);
      if (this.#outstandingSends > 0) await Promise.allSettled([...this.#sending.values()]);
      if (this.#audit.pendingWrites > 0) await this.#audit.settled();
      if (this.#trackWritesPending > 0) await this.#trackWrites;
      if (this.#busy === 0) return;
    }
  }

  /**
   * The partner tracks as they stand at `at` (default now): each entry's `stale` says whether its `asOf`
   * is older than the staleness bound at that time, so a track not updated during an outage is never
   * shown as current. (The `picture` map keeps the flag as it was on receipt.)
   */
  trackPicture(at = this.#deps.now()): PictureEntry[] {
    const bound = this.#deps.stalenessMs ?? 30_000;
    return [...this.picture.values()].map((e) => ({ ...e, stale: at - Date.parse(e.item.asOf) > bound }));
  }

  /** How many things are in progress (0 when idle). */
  get #busy(): number {
    return (
      this.#tracks.waiting +
      this.#inProgress.size +
      this.#outstandingSends +
      this.#audit.pendingWrites +
      this.#trackWritesPending
    );
  }

  /**
   * Queues a partner track's write to the store, in arrival order. Writes are batched: while one batch is
   * being written the next ones gather, and go in one statement (`putItems`) when it is done.
   */
  #storeTrack(item: TrackReport, from: string, at: number): void {
    this.#trackWritesPending++;
    this.#trackBatch.push({ item, meta: { storedAt: at, origin: "partner", sender: from } });
    if (this.#trackBatch.length > 1) return; // already queued behind the write in progress
    this.#trackWrites = this.#trackWrites.then(async () => {
      const batch = this.#trackBatch;
      this.#trackBatch = [];
      try {
        await this.#deps.store.putItems(batch);
      } catch (e) {
        for (const { item: it, meta } of batch)
          this.#deps.observer?.({
            kind: "rejected",
            id: it.id,
            from: meta.sender ?? "?",
            why: "POLICY",
            detail: `storing the track failed: ${String(e)}`,
          });
      } finally {
        this.#trackWritesPending -= batch.length;
      }
    });
  }

  /**
   * Handles one sender's deliveries of one class one at a time, in arrival order. A transport may hand
   * over several envelopes at once; handled concurrently, a small one could finish (and be relayed, or
   * shown) before a larger one that came first, and a track update would overtake the one before it.
   */
  #inOrder(d: Delivery): Promise<void> {
    const key = `${d.from}|${d.class}`;
    const handled = (this.#receiving.get(key) ?? Promise.resolve()).then(() => this.#receive(d));
    const tail = handled.catch(() => {});
    this.#receiving.set(key, tail);
    void tail.then(() => {
      if (this.#receiving.get(key) === tail) this.#receiving.delete(key);
    });
    return handled;
  }

  /** Keeps `work` in the set `idle` waits for until it settles. */
  #watch<T>(work: Promise<T>): Promise<T> {
    this.#inProgress.add(work);
    const done = () => this.#inProgress.delete(work);
    work.then(done, done);
    return work;
  }

  /** Sends the tracks still waiting for their batch, stops receiving and waits for pending audit writes. */
  async stop(): Promise<void> {
    if (this.#headTimer !== undefined) clearInterval(this.#headTimer);
    this.#headTimer = undefined;
    if (this.#linkTimer !== undefined) clearTimeout(this.#linkTimer);
    this.#linkTimer = undefined;
    await this.#tracks.close();
    await this.#subscription?.unsubscribe();
    // Sends waiting for a handshake give up now (they fail: no channel) instead of at their time limit.
    for (const [peer, waiters] of this.#channelWaiters) {
      this.#channelWaiters.delete(peer);
      for (const w of waiters) w();
    }
    await Promise.all(this.#sending.values());
    await this.#trackWrites;
    await this.#audit.settled();
  }

  /** Waits until every audit record so far is in the log and the store. */
  async settled(): Promise<void> {
    await this.#audit.settled();
  }

  /**
   * Establishes the link channels over the transport (a deployment's way; in one process `linkNodes`
   * hands the messages across directly). To each link partner whose id sorts after this node's it sends
   * the signed hello, again after `retryMs` (backing off to 8×) until the reply completes the handshake (the partner may not
   * be running yet, and a hello older than the skew limit is refused as stale); the other partners are
   * asked to start one. Returns at once: `linkedPartners` and the observer's `link-up` events tell when
   * each link is up.
   */
  connectLinks(retryMs = 1000): void {
    const round = () => {
      for (const p of this.#partners) if (this.id < p && !this.#linked.has(p)) this.#sendHello(p);
    };
    for (const p of this.#partners) {
      if (this.id > p && !this.#linked.has(p)) {
        const answered = this.#channelHello.get(p);
        this.#watch(this.#control(p, { kind: "link-request", ...(answered ? { answered } : {}) })).catch(
          () => {},
        );
      }
    }
    round();
    // Retries back off (retryMs, 2×, 4×, up to 8×): on a slow machine or link a reply can take longer
    // than retryMs, and every extra hello the partner answers is a rekey that strands what was sealed
    // under the channel before.
    if (this.#linkTimer !== undefined) clearTimeout(this.#linkTimer);
    let delay = retryMs;
    const again = () => {
      round();
      delay = Math.min(delay * 2, retryMs * 8);
      this.#linkTimer = setTimeout(again, delay);
      this.#linkTimer.unref?.();
    };
    this.#linkTimer = setTimeout(again, delay);
    this.#linkTimer.unref?.();
  }

  /** Signs and sends a hello to `p`, unless one is being sent or the link came up meanwhile. */
  #sendHello(p: string): void {
    if (this.#helloInFlight.has(p)) return;
    this.#helloInFlight.add(p);
    const sent = this.openLink(p)
      .then((hello) => {
        // Linked meanwhile (a reply to an earlier hello): another hello would make the partner rekey.
        if (this.#linked.has(p)) return;
        return this.#control(p, { kind: "link-hello", hello });
      })
      .finally(() => this.#helloInFlight.delete(p));
    this.#watch(sent).catch(() => {});
  }

  /** Partners with an established link channel. */
  get linkedPartners(): ReadonlySet<string> {
    return this.#linked;
  }

  /** The link partners of this node in the topology. */
  get partners(): readonly string[] {
    return this.#partners;
  }

  #linkUp(peer: string, hello: string): void {
    this.#linked.add(peer);
    this.#channelHello.set(peer, helloHash(hello));
    this.#deps.observer?.({ kind: "link-up", peer });
  }

  /**
   * A handshake message from a partner: answer a hello, finish with the reply to the latest hello sent,
   * or, asked by a partner that holds no channel or another one than ours (it restarted), start again.
   */
  async #linkControl(d: Delivery, control: Extract<Control, { kind: `link-${string}` }>): Promise<void> {
    if (control.kind === "link-request") {
      if (this.id > d.from || !this.#partners.includes(d.from)) return;
      if (control.answered !== undefined && control.answered === this.#channelHello.get(d.from)) return;
      this.#linked.delete(d.from);
      this.#sendHello(d.from);
      return;
    }
    if (control.kind === "link-hello") {
      const { keys, ring, now } = this.#deps;
      const answered = await answerHandshake(keys, ring, control.hello, now(), ENVELOPE_LIMITS);
      if (!answered.ok) {
        this.#audit.reject(d, `HANDSHAKE_${answered.reason}`, answered.detail);
        return;
      }
      if (answered.channel.peer !== d.from) {
        this.#audit.reject(d, "HANDSHAKE_WRONG_LINK", `hello of ${answered.channel.peer} sent by ${d.from}`);
        return;
      }
      // Key confirmation: the new channel opens at once what the partner seals under it, but this node
      // sends under it only once the partner shows it holds the same keys (link-confirm). Without it, a
      // reply that is lost, refused as stale under load, or overtaken by a retried hello left this end
      // sending under a channel the partner never completed: BAD_HOP_MAC there, and nothing recovered.
      const unconfirmed = this.#unconfirmed.get(d.from) ?? [];
      unconfirmed.push({ hash: helloHash(control.hello), hello: control.hello, channel: answered.channel });
      this.#unconfirmed.set(d.from, unconfirmed.slice(-UNCONFIRMED_CHANNELS));
      this.#openOnly(d.from, answered.channel);
      await this.#control(d.from, { kind: "link-reply", reply: answered.reply });
      return;
    }
    if (control.kind === "link-confirm") {
      const waiting = this.#unconfirmed.get(d.from) ?? [];
      const found = waiting.find((u) => u.hash === control.hello);
      if (!found) return; // confirmed before (a redelivery), or a hello this node never answered
      if (!found.channel.checkConfirmation(control.tag)) {
        this.#audit.reject(d, "HANDSHAKE_BAD_CONFIRMATION", `link-confirm from ${d.from} does not check`);
        return;
      }
      this.#unconfirmed.set(
        d.from,
        waiting.filter((u) => u !== found),
      );
      this.#setChannel(d.from, found.channel);
      this.#linkUp(d.from, found.hello);
      return;
    }
    if ((this.#pending.get(d.from)?.length ?? 0) === 0) return; // a reply to a handshake already finished
    let finished: { pending: PendingHandshake; channel: LinkChannel };
    try {
      finished = await this.#finish(d.from, control.reply);
    } catch {
      // A reply to none of the hellos waiting (already finished, stale, or forged): nothing changes; the
      // hello is sent again, and the partner sends nothing under a channel this end has not confirmed.
      return;
    }
    await this.#control(d.from, {
      kind: "link-confirm",
      hello: helloHash(finished.pending.hello),
      tag: finished.channel.confirmation(),
    });
    this.#linkUp(d.from, finished.pending.hello);
  }

  /** Adds a channel that opens what `peer` seals under it without sending under it (not yet confirmed). */
  #openOnly(peer: string, channel: LinkChannel): void {
    this.#previousChannels.set(
      peer,
      [channel, ...(this.#previousChannels.get(peer) ?? [])].slice(
        0,
        PREVIOUS_CHANNELS + UNCONFIRMED_CHANNELS,
      ),
    );
  }

  /** Puts a new channel with `peer` in place, keeping the one it replaces for reports sealed under it. */
  #setChannel(peer: string, channel: LinkChannel): void {
    const old = this.#channels.get(peer);
    const kept = (this.#previousChannels.get(peer) ?? []).filter((c) => c !== channel);
    const unconfirmed = new Set((this.#unconfirmed.get(peer) ?? []).map((u) => u.channel));
    // Confirmed channels before this one (at most PREVIOUS_CHANNELS), then any still awaiting confirmation.
    const previous = [...(old && old !== channel ? [old] : []), ...kept.filter((c) => !unconfirmed.has(c))];
    this.#previousChannels.set(peer, [
      ...previous.slice(0, PREVIOUS_CHANNELS),
      ...kept.filter((c) => unconfirmed.has(c)),
    ]);
    this.#channels.set(peer, channel);
    const waiters = this.#channelWaiters.get(peer) ?? [];
    this.#channelWaiters.delete(peer);
    for (const w of waiters) w();
  }

  /** Whether a handshake with `peer` is under way (a hello sent or being sent, or one answered and unconfirmed). */
  #handshaking(peer: string): boolean {
    return (
      (this.#pending.get(peer)?.length ?? 0) > 0 ||
      (this.#unconfirmed.get(peer)?.length ?? 0) > 0 ||
      this.#helloInFlight.has(peer) ||
      (this.#linkTimer !== undefined && this.#partners.includes(peer) && !this.#linked.has(peer))
    );
  }

  /** The channel to send to `peer` under: now, or once a handshake under way completes (bounded wait). */
  async #sendChannel(peer: string): Promise<LinkChannel> {
    const now = this.#channels.get(peer);
    if (now) return now;
    if (!this.#handshaking(peer)) throw new Error(`no channel with ${peer}`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.#channelWaiters.get(peer) ?? [];
        this.#channelWaiters.set(
          peer,
          list.filter((w) => w !== done),
        );
        reject(new Error(`no channel with ${peer} after waiting ${CHANNEL_WAIT_MS} ms for its handshake`));
      }, CHANNEL_WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#channelWaiters.set(peer, [...(this.#channelWaiters.get(peer) ?? []), done]);
    });
    const channel = this.#channels.get(peer);
    if (!channel) throw new Error(`no channel with ${peer}`);
    return channel;
  }

  /** Starts the link handshake with neighbour `peer`: the signed hello to hand it. */
  async openLink(peer: string): Promise<string> {
    const { hello, pending } = await startHandshake(this.#deps.keys, peer, this.#deps.now());
    // Earlier hellos stay answerable: the partner may have answered one of them (and be sending under
    // that channel) before this one reaches it.
    this.#pending.set(peer, [...(this.#pending.get(peer) ?? []), pending].slice(-8));
    return hello;
  }

  /**
   * Answers a neighbour's hello: the channel is in place here, and the reply is to hand back. With
   * `from`, the hello must come from that node (the transport's sender).
   */
  async acceptLink(hello: string, from?: string): Promise<string> {
    const { keys, ring, now } = this.#deps;
    const answered = await answerHandshake(keys, ring, hello, now(), ENVELOPE_LIMITS);
    if (!answered.ok) throw new Error(`handshake ${answered.reason}: ${answered.detail}`);
    if (from !== undefined && answered.channel.peer !== from) {
      throw new Error(`handshake from ${answered.channel.peer} arrived from ${from}`);
    }
    this.#setChannel(answered.channel.peer, answered.channel);
    return answered.reply;
  }

  /** Finishes a handshake this node started with `peer`, given the neighbour's reply. */
  async completeLink(peer: string, reply: string): Promise<void> {
    await this.#finish(peer, reply);
  }

  /**
   * Finishes the waiting handshake with `peer` that `reply` answers (newest first) and returns it; the
   * others still wait (the partner may answer them, in any order, and rekey).
   */
  async #finish(peer: string, reply: string): Promise<{ pending: PendingHandshake; channel: LinkChannel }> {
    const waiting = this.#pending.get(peer) ?? [];
    if (waiting.length === 0) throw new Error(`no handshake with ${peer} is waiting`);
    const { ring, now } = this.#deps;
    let last = "";
    for (let i = waiting.length - 1; i >= 0; i--) {
      const pending = waiting[i] as PendingHandshake;
      const finished = await finishHandshake(pending, ring, reply, now(), ENVELOPE_LIMITS);
      if (!finished.ok) {
        last = `handshake ${finished.reason}: ${finished.detail}`;
        continue;
      }
      // Only this one is done: a reply to an older hello may still come (the partner answered the hellos
      // out of order), and the channel the partner answered last is the one it sends under.
      const rest = waiting.filter((_, j) => j !== i);
      if (rest.length > 0) this.#pending.set(peer, rest);
      else this.#pending.delete(peer);
      this.#setChannel(peer, finished.channel);
      // Tracks that came under this channel before its reply: open them now, in arrival order.
      const parked = this.#parked.get(peer) ?? [];
      this.#parked.delete(peer);
      for (const d of parked) this.#watch(this.#receive(d)).catch(() => {});
      return { pending, channel: finished.channel };
    }
    throw new Error(last);
  }

  /** Releases an item produced here to node `to`, by the shortest path the policy permits. */
  release(item: Item, to: string, channel: Channel): Promise<ReleasePlan> {
    return this.#watch(this.#release(item, to, channel));
  }

  async #release(item: Item, to: string, channel: Channel): Promise<ReleasePlan> {
    const { policy, topology, now } = this.#deps;
    const at = now();
    const plan = planRelease(topology, policy, item, this.id, to, channel, at);
    const recipient = this.#partyOf.get(to) ?? "?";
    // A track's permit is audited with its bundle (`#bundle`), whose signed bytes the record names.
    if (!plan.ok || item.kind !== "track-report")
      this.#audit.record("release-decision", plan.decision, item, recipient, at);
    if (!plan.ok) return plan;
    const next = plan.path[1] as string;
    const marking = markingForParty(plan.decision, this.#partyOf.get(next) ?? "?", item, policy);
    if (!marking) throw new Error(`the permit gives no marking for ${next}`);
    const released = sanitise(item, plan.decision);
    if (released.kind === "track-report") {
      const trafficClass = channel === "real-time" ? "track" : "report";
      await this.#tracks.add({
        item: released,
        json: bundledTrackJson(released),
        to,
        channel,
        decision: plan.decision,
        recipient,
        at,
        meta: { next, marking, trafficClass },
      });
      return plan;
    }
    const release = makeRelease({
      origin: this.id,
      dest: to,
      item: released,
      releasedAt: at,
      nonce: channelNonce(channel),
    });
    const proof = await signReport(this.#deps.keys, release.bytes);
    await this.#send(next, "report", (hop) => sealFrame(hop, [{ release, proof, marking }]));
    return plan;
  }

  /**
   * Makes the releases of a window's tracks: one bundle per recipient, channel, next hop, marking, label
   * and decision (agreement and route), so that every track in a bundle was permitted alike; each
   * bundle's release decision goes in the audit log as one record naming its tracks.
   */
  #bundle(tracks: QueuedTrack[]): PendingTrack<TrackMeta>[] {
    const groups = new Map<string, QueuedTrack[]>();
    for (const t of tracks) {
      const { marking, next, trafficClass } = t.meta;
      const key = [
        t.to,
        t.channel,
        next,
        trafficClass,
        marking.party,
        marking.level,
        marking.banner,
        t.decision.agreement,
        t.decision.route.join(">"),
        JSON.stringify(t.item.label),
      ].join("|");
      const group = groups.get(key);
      if (group) group.push(t);
      else groups.set(key, [t]);
    }
    const releasedAt = this.#deps.now();
    const out: PendingTrack<TrackMeta>[] = [];
    const size = (t: QueuedTrack) => Buffer.byteLength(t.json);
    for (const group of groups.values()) {
      for (const part of bounded(group, MAX_BUNDLE_TRACKS, this.#frameBytes, size)) {
        const first = part[0] as QueuedTrack;
        const release = assembleBundle({
          origin: this.id,
          dest: first.to,
          label: first.item.label,
          trackJson: part.map((t) => t.json),
          releasedAt,
          nonce: channelNonce(first.channel),
        });
        const subject: BundleSubject = {
          kind: "bundle",
          id: release.release.item.id,
          items: part.map((t) => t.item.id),
          label: first.item.label,
          bytes: release.bytes,
        };
        this.#audit.record("release-decision", first.decision, subject, first.recipient, first.at);
        out.push({ release, meta: first.meta });
      }
    }
    return out;
  }

  /**
   * Seals a window's signed tracks, one envelope per next hop and traffic class (more than one when
   * their releases exceed the node's frame bound, `frameReleaseBytes`).
   */
  async #sendTracks(signed: SignedTrack<TrackMeta>[]): Promise<void> {
    const groups = new Map<string, { meta: TrackMeta; entries: EntryArgs[] }>();
    for (const { release, proof, meta } of signed) {
      const key = `${meta.next}|${meta.trafficClass}`;
      const group = groups.get(key) ?? { meta, entries: [] };
      group.entries.push({ release, proof, marking: meta.marking });
      groups.set(key, group);
    }
    await Promise.all(
      [...groups.values()].flatMap(({ meta, entries }) =>
        bounded(entries, Number.POSITIVE_INFINITY, this.#frameBytes, (e) => counted(e.release.bytes)).map(
          (frame) => this.#send(meta.next, meta.trafficClass, (hop) => sealFrame(hop, frame)),
        ),
      ),
    );
  }

  /**
   * Seals and sends one envelope to `next` in traffic class `cls`. Envelopes of one class to one neighbour
   * are sealed and sent one at a time, so tracks leave in the order of their sequence numbers (the
   * receiver refuses a late track as REORDERED); reports have their own sequence space and queue, so a
   * report held back by the transport never blocks or is blocked by tracks.
   */
  #send(next: string, cls: TrafficClass, seal: (hop: HopArgs) => Promise<string>): Promise<void> {
    const recipient = this.#deps.ring.get(next);
    if (!recipient) return Promise.reject(new Error(`no key for ${next}`));
    if (!this.#channels.has(next) && !this.#handshaking(next))
      return Promise.reject(new Error(`no channel with ${next}`));
    const queue = `${next}|${cls}`;
    const previous = this.#sending.get(queue) ?? Promise.resolve();
    this.#outstandingSends++;
    const sent = previous
      .then(async () => {
        // Taken when its turn comes (a rekey meanwhile gives the newer channel), waiting for a handshake
        // under way if there is none yet.
        const channel = this.#channels.get(next) ?? (await this.#sendChannel(next));
        const wire = await seal({ channel, recipient, now: this.#deps.now(), cls });
        const id = `${this.id}:${++this.#sequence}`;
        await this.#deps.endpoint.send(next, { id, class: cls, payload: encoder.encode(wire) });
      })
      .finally(() => {
        this.#outstandingSends--;
      });
    this.#sending.set(
      queue,
      sent.catch(() => {}),
    );
    return sent;
  }

  async #receive(d: Delivery): Promise<void> {
    if (d.headers[CONTROL_HEADER] !== undefined) {
      // One partner's control messages are handled one at a time, in arrival order: a handshake answered
      // out of order would leave the two ends on different channels, and heads are checked in order.
      const queued = (this.#controlQueue.get(d.from) ?? Promise.resolve()).then(() =>
        this.#receiveControl(d),
      );
      this.#controlQueue.set(
        d.from,
        queued.catch(() => {}),
      );
      return queued;
    }
    const at = this.#deps.now();
    // Opened at once, before any await: the channel's track sequence numbers are checked in arrival order.
    const frame = await openFrame(this.#receiver, decoder.decode(d.payload), at);
    if (!frame.ok) {
      // A report sealed under a channel whose handshake this node has not finished yet (the partner
      // answered a hello and sent before the reply got here): left unacknowledged, so the transport
      // delivers it again once the reply has put the channel in place.
      // A track in the same case is parked (a few, briefly) and opened again when the handshake finishes.
      const early = frame.reason === "BAD_HOP_MAC" || frame.reason === "UNKNOWN_SENDER";
      if (early && (this.#pending.get(d.from)?.length ?? 0) > 0) {
        if (d.class === "report") {
          this.#audit.note(
            d,
            frame.reason,
            `${frame.detail}; a handshake with ${d.from} is pending: redelivery awaited`,
          );
          return;
        }
        const parked = this.#parked.get(d.from) ?? [];
        if (parked.length < PARKED_TRACKS) {
          parked.push(d);
          this.#parked.set(d.from, parked);
          return;
        }
      }
      this.#audit.reject(d, frame.reason, frame.detail);
      await this.#ack(d);
      return;
    }
    const onward = new Map<string, Onward[]>();
    for (const result of frame.results) {
      if (result.ok) await this.#take(d, result, at, onward);
      else this.#audit.reject(d, result.reason, result.detail);
    }
    for (const [next, items] of onward) {
      const markings = new Map(items.map((o) => [o.opened, o.marking]));
      // In envelopes this node's transport carries (a partner's may allow larger ones).
      const frames = bounded(
        items.map((o) => o.opened),
        Number.POSITIVE_INFINITY,
        this.#frameBytes,
        (o) => counted(o.releaseBytes),
      );
      const relayed = Promise.all(
        frames.map((opened) =>
          this.#send(next, d.class, (hop) => relayFrame(opened, hop, (o) => markings.get(o) as Marking)),
        ),
      ).then(() => {});
      // A report is acknowledged only once passed on (the transport redelivers it otherwise, and the
      // final recipient's inbox keeps it once); a track that cannot go on is lost, as tracks may be.
      if (d.class === "report") await relayed;
      else
        await relayed.catch((e: unknown) =>
          this.#audit.note(d, "POLICY", `relay to ${next} failed: ${String(e)}`),
        );
    }
    await this.#ack(d);
  }

  /**
   * Acknowledges a delivery; a report only once every audit record taken so far (its relay, receipt or
   * rejection among them) is in the store, so that a report the transport will not bring again is never
   * missing from the log after a crash. If the store fails, the report stays unacknowledged and comes
   * again.
   */
  async #ack(d: Delivery): Promise<void> {
    if (d.class === "report") await this.#audit.settled();
    d.ack();
  }

  /**
   * Decides again on one opened release and keeps it (final recipient) or queues it for the next hop. A
   * bundle is decided track by track; a relay passes it on whole or not at all (its tracks are signed as
   * one), and the final recipient takes or refuses each track on its own.
   */
  async #take(d: Delivery, opened: Opened, at: number, onward: Map<string, Onward[]>): Promise<void> {
    const { policy, topology } = this.#deps;
    const channel = channelOfNonce(opened.release.nonce);
    const subjects = decisionSubjects(opened);
    const first = subjects[0];
    const audited: Audited | undefined = opened.release.tracks
      ? bundleSubject(opened, subjects)
      : (opened.item ?? undefined);
    if (!first || !audited || !channel) {
      this.#audit.reject(d, "MALFORMED", first ? "release names no channel" : "item not parsed");
      return;
    }
    const { origin, dest, releasedAt } = opened.release;
    const plan = planRelease(topology, policy, first, origin, dest, channel, releasedAt);
    const path = plan.ok ? plan.path : [];
    const index = path.indexOf(this.id);
    if (index <= 0 || path[index - 1] !== opened.hop.from) {
      const route = plan.ok ? path.join("→") : "no permitted path";
      const detail = `${route} does not bring ${opened.hop.from}'s item here`;
      this.#audit.reject(d, "WRONG_PATH", detail, audited);
      return;
    }
    const parties = partiesOf(path, this.#partyOf);
    const originParty = parties[0] as string;
    const destinationParty = parties[parties.length - 1] as string;

    // Defence in depth: every node decides the whole route again before it takes or passes anything on.
    const request = {
      sender: originParty,
      recipient: destinationParty,
      via: parties.slice(1, -1),
      channel,
      at,
    };
    // One decision per time class of a bundle's tracks (`decideEach`: each track gets what deciding on
    // it alone gives; a bundle inside its windows costs one decision).
    const checks = decideEach(policy, request, subjects);
    const check = checks.find((c): c is Permit => c.outcome === "permit");
    if (!opened.final || !check) {
      const denied = checks.find((c) => c.outcome === "deny");
      if (denied) {
        this.#audit.record("rejection", denied, audited, destinationParty, at, originParty);
        this.#audit.note(d, "POLICY", denied.reasons.map((r) => r.code).join(", "));
        return;
      }
    }
    if (!check) return; // unreachable: no subject was permitted, and a denial returned above
    // The marking this hop carried must be at least the rank this route's correspondence requires here
    // (for a bundle whose tracks fell under different agreements, the highest any of them requires).
    const required = strictestMarking(policy, permitsOf(checks), this.party, first, false);
    const shown = opened.entry.marking;
    const rank = (m: Marking) => rankIn(policy, m.party, m.level) ?? 0;
    if (required && (shown.party !== required.party || rank(shown) < rank(required))) {
      const detail = `marked ${shown.party} ${shown.level}; this route requires ${required.level}`;
      this.#audit.reject(d, "DOWNGRADED", detail, audited);
      return;
    }

    if (opened.final) {
      await this.#accept(d, opened, checks, parties, at);
      return;
    }

    // Relay. Leaving this party for another one needs this party's own relay decision (the third-party
    // rule: the hub passes an item on only with the originator's consent); a hop inside the party is
    // audited under the route decision just made.
    const next = path[index + 1] as string;
    const nextParty = this.#partyOf.get(next) ?? "?";
    let relays: Decision[] = checks;
    if (nextParty !== this.party) {
      const rest = partiesOf(path.slice(index), this.#partyOf);
      const relayRequest = {
        sender: this.party,
        recipient: destinationParty,
        via: rest.slice(1, -1),
        channel,
        at,
      };
      relays = decideEach(policy, relayRequest, subjects);
    }
    const denied = relays.find((r) => r.outcome === "deny");
    if (denied) {
      this.#audit.record("relay", denied, audited, destinationParty, at, this.party);
      this.#audit.note(d, "POLICY", denied.reasons.map((r) => r.code).join(", "));
      return;
    }
    for (const group of sameDecision(relays, subjects)) {
      // Nearly always one group, about the whole release (the subject already made).
      const whole = group.subjects.length === subjects.length;
      const about = whole ? audited : bundleSubject(opened, group.subjects);
      this.#audit.record("relay", group.decision, about, destinationParty, at, this.party);
    }
    // Re-marked in the next party's terms, as this node's own decisions give them (the highest grade any
    // of a bundle's tracks requires: the bundle travels under one marking).
    const marking = strictestMarking(policy, permitsOf(relays), nextParty, first, true);
    if (!marking) {
      const route = (relays[0] as Decision).route.join("→");
      this.#audit.note(d, "POLICY", `no marking for ${nextParty} on ${route}`);
      return;
    }
    onward.set(next, [...(onward.get(next) ?? []), { opened, marking }]);
  }

  /** Keeps what the final recipient was sent: each permitted track, or the report, exactly once. */
  async #accept(
    d: Delivery,
    opened: Opened,
    checks: Decision[],
    parties: string[],
    at: number,
  ): Promise<void> {
    if (opened.bundle) {
      const accepted: TrackReport[] = [];
      opened.bundle.forEach((item, i) => {
        const check = checks[i] as Decision;
        if (check.outcome === "deny") {
          this.#audit.record("rejection", check, item, parties[parties.length - 1] as string, at, parties[0]);
          this.#audit.note(d, "POLICY", `${item.id}: ${check.reasons.map((r) => r.code).join(", ")}`);
          return;
        }
        if (this.#acceptTrack(d, opened, item, at)) accepted.push(item);
      });
      if (accepted.length > 0) this.#audit.receipt(bundleSubject(opened, accepted), parties, at);
      return;
    }
    const item = opened.item;
    if (!item) return;
    if (item.kind === "track-report") {
      if (this.#acceptTrack(d, opened, item, at)) this.#audit.receipt(item, parties, at);
      return;
    }
    // Exactly once: the inbox key is the release (originator and nonce), whichever envelope carried it.
    // The item is stored, then acted on (audited as received), then marked delivered; the transport's
    // ack comes last. A failure in between leaves the report unacknowledged, so it comes again: if the
    // store already holds it but it was never acted on, this delivery acts on it.
    const releaseId = `${opened.originator}:${opened.release.nonce}`;
    const { store } = this.#deps;
    const stored = await store.receiveItem(d.from, releaseId, item, { storedAt: at, origin: "partner" });
    if (stored === "duplicate") {
      const waiting = await store.undeliveredItems();
      if (!waiting.some((w) => w.from === d.from && w.envelopeId === releaseId)) {
        this.#audit.reject(
          d,
          "DUPLICATE",
          `${releaseId} (${item.id}) from ${d.from} was received before`,
          item,
        );
        return;
      }
    }
    this.#audit.receipt(item, parties, at);
    await this.#audit.settled();
    await store.markDelivered(d.from, releaseId, at);
    this.#deps.observer?.({
      kind: "received",
      item,
      from: d.from,
      origin: opened.originator,
      at,
      stale: false,
    });
  }

  /**
   * Puts a partner track in the picture unless the one held is as new or newer (then refused as
   * SUPERSEDED); a stale one is kept, as the newest known, but never shown as current. True if taken.
   */
  #acceptTrack(d: Delivery, opened: Opened, item: TrackReport, at: number): boolean {
    const key = `${item.label.originator}:${item.trackId}`;
    const held = this.picture.get(key);
    // Both times were checked at the edge: read with the fast reader, not Date.parse (once per track).
    const asOf = isoToMs(item.asOf);
    if (held && isoToMs(held.item.asOf) >= asOf) {
      const detail = `${key} as of ${item.asOf} is not newer than ${held.item.asOf}`;
      this.#audit.reject(d, "SUPERSEDED", detail, item);
      return false;
    }
    const stale = at - asOf > (this.#deps.stalenessMs ?? 30_000);
    this.picture.set(key, { item, from: d.from, receivedAt: at, stale });
    // The history write is queued, not awaited: a slow store must not hold the picture back or let a
    // later envelope overtake this one (tracks are best effort; `idle()` and `stop()` wait for it).
    this.#storeTrack(item, d.from, at);
    this.#deps.observer?.({ kind: "received", item, from: d.from, origin: opened.originator, at, stale });
    return true;
  }
}

/** An envelope entry's size as `bounded` counts it: its release bytes and the entry's allowance. */
function counted(release: Uint8Array): number {
  return release.length + ENTRY_ALLOWANCE_BYTES;
}

/**
 * `xs` cut, in order, into runs of at most `count` items whose sizes add up to at most `limit` (an item
 * larger than that alone makes a run).
 */
function bounded<T>(xs: readonly T[], count: number, limit: number, size: (x: T) => number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const x of xs) {
    const n = size(x);
    if (run.length > 0 && (run.length >= count || bytes + n > limit)) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(x);
    bytes += n;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * What a node decides on for an opened release: the item; a bundle's tracks in full at the final
 * recipient; at a relay, each bundled track's id and times with the bundle's label.
 */
function decisionSubjects(opened: Opened): DecisionItem[] {
  if (opened.bundle) return [...opened.bundle];
  const { tracks, item } = opened.release;
  if (tracks) return tracks.map((t) => ({ ...t, label: item.label }));
  return opened.item ? [opened.item] : [];
}

/** A bundle as audit records name it, about the tracks `subjects` (all of its tracks, or some). */
function bundleSubject(opened: Opened, subjects: readonly DecisionItem[]): BundleSubject {
  return {
    kind: "bundle",
    id: opened.release.item.id,
    items: subjects.map((s) => s.id),
    label: opened.release.item.label,
    bytes: opened.releaseBytes,
  };
}

/** The permits among `decisions`, one per agreement and route (the marking follows from those). */
function permitsOf(decisions: readonly Decision[]): Permit[] {
  const seen = new Map<string, Permit>();
  // Each distinct decision once: `decideEach` gives the tracks of a time class one decision object.
  for (const d of new Set(decisions)) if (d.outcome === "permit") seen.set(decisionKey(d), d);
  return [...seen.values()];
}

/** What tells decisions apart for a bundle: outcome, agreement and route. */
function decisionKey(d: Decision): string {
  return `${d.outcome}|${d.outcome === "permit" ? d.agreement : ""}|${d.route.join(">")}`;
}

/**
 * The marking of highest rank that any of `permits` gives `party`. With `everyPermit`, undefined if one
 * of them gives none (a bundle cannot travel under a marking some of its tracks lack); without, only
 * undefined if none gives one.
 */
function strictestMarking(
  policy: Policy,
  permits: readonly Permit[],
  party: string,
  item: DecisionItem,
  everyPermit: boolean,
): Marking | undefined {
  let strictest: Marking | undefined;
  for (const permit of permits) {
    const m = markingForParty(permit, party, item, policy);
    if (!m) {
      if (everyPermit) return undefined;
      continue;
    }
    const rank = rankIn(policy, m.party, m.level) ?? 0;
    if (!strictest || rank > (rankIn(policy, strictest.party, strictest.level) ?? 0)) strictest = m;
  }
  return strictest;
}

/** Subjects grouped by identical decisions (outcome, agreement and route), in order of first appearance. */
function sameDecision(
  decisions: readonly Decision[],
  subjects: readonly DecisionItem[],
): { decision: Decision; subjects: DecisionItem[] }[] {
  const groups = new Map<string, { decision: Decision; subjects: DecisionItem[] }>();
  // Keyed once per distinct decision object (`decideEach` shares one across a time class's tracks).
  const keys = new Map<Decision, string>();
  decisions.forEach((decision, i) => {
    let key = keys.get(decision);
    if (key === undefined) {
      key = decisionKey(decision);
      keys.set(decision, key);
    }
    const group = groups.get(key) ?? { decision, subjects: [] };
    group.subjects.push(subjects[i] as DecisionItem);
    groups.set(key, group);
  });
  return [...groups.values()];
}
