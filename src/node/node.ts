/**
 * A national node: one system of the topology (ROK KTMO-Cell, USFK TMO-Cell, the INDOPACOM hub, USFJ C4I,
 * JSDF). It releases items only by a path the policy permits, relays through the hub only with the
 * originator's consent, decides again before it accepts anything (defence in depth), keeps received
 * reports exactly once, keeps its picture of partner tracks current (a track update older than the one it
 * holds, or older than the staleness bound, is never shown as current), and puts every release, relay,
 * receipt and rejection in its audit log.
 *
 * NOT DONE YET (issue 4): messages between nodes are plain JSON here. The signed and encrypted envelopes
 * of `src/envelope/` are not wired in, so this runtime must not be described as carrying signed or
 * encrypted traffic until they are.
 */
import { z } from "zod";
import {
  type AuditRecord,
  canonicalBytes,
  decisionRecord,
  encodeRecord,
  itemDigest,
  type JsonValue,
  leafHash,
  MerkleLog,
} from "../audit/index.ts";
import { Item, type TrackReport } from "../model/item.ts";
import type { NodeSpec, Topology } from "../model/topology.ts";
import { type Channel, type Decision, decide } from "../policy/decide.ts";
import type { Policy } from "../policy/policy.ts";
import { sanitise } from "../policy/sanitise.ts";
import type { Delivery, Store, TransportEndpoint, TransportSubscription } from "../ports.ts";
import { partiesOf, planRelease, type ReleasePlan } from "./routing.ts";

/** What travels between nodes (plain JSON until the envelopes are wired in: see the file comment). */
export const NodeMessage = z.strictObject({
  v: z.literal(1),
  /** Unique per sending node. */
  id: z.string().min(1),
  /** The originating release this message carries. */
  release: z.string().min(1),
  origin: z.string().min(1),
  destination: z.string().min(1),
  /** The planned node path, origin first. */
  path: z.array(z.string().min(1)).min(2),
  channel: z.enum(["real-time", "deferred"]),
  item: Item,
});
export type NodeMessage = z.infer<typeof NodeMessage>;

/** A partner track as this node holds it. */
export interface PictureEntry {
  item: TrackReport;
  from: string;
  receivedAt: number;
  /** True once the track's `asOf` is older than the staleness bound. */
  stale: boolean;
}

/** Why an incoming message was not taken. */
export type Rejection = "MALFORMED" | "WRONG_PATH" | "POLICY" | "SUPERSEDED" | "STALE" | "DUPLICATE";

/** What a node needs; the transport endpoint and store are ports, the clock is injected. */
export interface NodeDeps {
  spec: NodeSpec;
  topology: Topology;
  policy: Policy;
  store: Store;
  endpoint: TransportEndpoint;
  now: () => number;
  /** Track updates whose `asOf` is older than this are stale (default 30 s). */
  stalenessMs?: number;
}

/** The digest of an item's canonical JSON, as audit records carry it. */
function hashItem(item: Item): string {
  return itemDigest(canonicalBytes(item as unknown as JsonValue));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A running node. */
export class TriwatchNode {
  readonly id: string;
  readonly party: string;
  readonly log = new MerkleLog();
  readonly picture = new Map<string, PictureEntry>();
  readonly rejections: { id: string; from: string; why: Rejection; detail: string }[] = [];
  #deps: NodeDeps;
  #partyOf: Map<string, string>;
  #sequence = 0;
  #subscription: TransportSubscription | undefined;
  #audit: Promise<void> = Promise.resolve();

  constructor(deps: NodeDeps) {
    this.#deps = deps;
    this.id = deps.spec.id;
    this.party = deps.spec.party;
    this.#partyOf = new Map(deps.topology.nodes.map((n) => [n.id, n.party]));
  }

  /** Starts receiving. */
  async start(): Promise<void> {
    this.#subscription = await this.#deps.endpoint.subscribe((d) => this.#receive(d));
  }

  /** Stops receiving and waits for pending audit writes. */
  async stop(): Promise<void> {
    await this.#subscription?.unsubscribe();
    await this.#audit;
  }

  /** Releases an item produced here to node `to`, by the shortest path the policy permits. */
  async release(item: Item, to: string, channel: Channel): Promise<ReleasePlan> {
    const { policy, topology, now } = this.#deps;
    const at = now();
    const plan = planRelease(topology, policy, item, this.id, to, channel, at);
    const recipient = this.#partyOf.get(to) ?? "?";
    this.#record("release-decision", plan.decision, item, recipient, at);
    if (!plan.ok) return plan;
    const released = sanitise(item, plan.decision);
    const message: NodeMessage = {
      v: 1,
      id: `${this.id}:${++this.#sequence}`,
      release: `${this.id}:${item.id}:${at}`,
      origin: this.id,
      destination: to,
      path: plan.path,
      channel,
      item: released,
    };
    await this.#forward(message, plan.path[1] as string);
    return plan;
  }

  /** Waits until every audit record so far is in the log and the store. */
  async settled(): Promise<void> {
    await this.#audit;
  }

  async #forward(message: NodeMessage, next: string): Promise<void> {
    const trafficClass =
      message.channel === "real-time" && message.item.kind === "track-report" ? "track" : "report";
    const payload = encoder.encode(JSON.stringify({ ...message, id: `${this.id}:${++this.#sequence}` }));
    await this.#deps.endpoint.send(next, {
      id: `${this.id}:${this.#sequence}`,
      class: trafficClass,
      payload,
    });
  }

  async #receive(d: Delivery): Promise<void> {
    const { policy, now } = this.#deps;
    const at = now();
    let message: NodeMessage;
    try {
      message = NodeMessage.parse(JSON.parse(decoder.decode(d.payload)));
    } catch (e) {
      this.#reject(d, "MALFORMED", e instanceof Error ? e.message.slice(0, 200) : "unreadable");
      d.ack();
      return;
    }
    const index = message.path.indexOf(this.id);
    if (index <= 0 || message.path[index - 1] !== d.from) {
      this.#reject(d, "WRONG_PATH", `path ${message.path.join("→")} does not bring ${d.from}'s message here`);
      d.ack();
      return;
    }
    const parties = partiesOf(message.path, this.#partyOf);
    const originParty = parties[0] as string;
    const destinationParty = parties[parties.length - 1] as string;
    const item = message.item;

    // Defence in depth: every node decides the whole route again before it takes or passes anything on.
    const check = decide(policy, {
      item,
      sender: originParty,
      recipient: destinationParty,
      via: parties.slice(1, -1),
      channel: message.channel,
      at,
    });
    if (check.outcome === "deny") {
      this.#record("rejection", check, item, destinationParty, at, originParty);
      this.#note(d, "POLICY", check.reasons.map((r) => r.code).join(", "));
      d.ack();
      return;
    }

    if (message.destination === this.id) {
      await this.#accept(d, message, parties, at);
      d.ack();
      return;
    }

    // Relay. Leaving this party for another one needs this party's own relay decision (the third-party
    // rule: the hub passes an item on only with the originator's consent); a hop inside the party is
    // audited under the route decision just made.
    const next = message.path[index + 1] as string;
    let relay: Decision = check;
    if ((this.#partyOf.get(next) ?? "?") !== this.party) {
      const rest = partiesOf(message.path.slice(index), this.#partyOf);
      relay = decide(policy, {
        item,
        sender: this.party,
        recipient: destinationParty,
        via: rest.slice(1, -1),
        channel: message.channel,
        at,
      });
    }
    this.#record("relay", relay, item, destinationParty, at, this.party);
    if (relay.outcome === "deny") {
      this.#note(d, "POLICY", relay.reasons.map((r) => r.code).join(", "));
      d.ack();
      return;
    }
    await this.#forward(message, next);
    d.ack();
  }

  async #accept(d: Delivery, message: NodeMessage, parties: string[], at: number): Promise<void> {
    const item = message.item;
    if (item.kind === "track-report") {
      const key = `${item.label.originator}:${item.trackId}`;
      const held = this.picture.get(key);
      const asOf = Date.parse(item.asOf);
      if (held && Date.parse(held.item.asOf) >= asOf) {
        this.#reject(d, "SUPERSEDED", `${key} as of ${item.asOf} is not newer than ${held.item.asOf}`, item);
        return;
      }
      // A stale update is kept (it is still the newest known) but never shown as current.
      const stale = at - asOf > (this.#deps.stalenessMs ?? 30_000);
      this.picture.set(key, { item, from: d.from, receivedAt: at, stale });
      await this.#deps.store.putItem(item, { storedAt: at, origin: "partner", sender: d.from });
      this.#appendAudit(this.#receiptRecord(item, parties, at));
      return;
    }
    const stored = await this.#deps.store.receiveItem(d.from, message.id, item, {
      storedAt: at,
      origin: "partner",
    });
    if (stored === "duplicate") {
      this.#reject(d, "DUPLICATE", `${message.id} from ${d.from} was received before`, item);
      return;
    }
    this.#appendAudit(this.#receiptRecord(item, parties, at));
  }

  #receiptRecord(item: Item, parties: string[], at: number): AuditRecord {
    return {
      v: 1,
      kind: "receipt",
      node: this.id,
      at: new Date(at).toISOString(),
      item: item.id,
      sender: parties[0] as string,
      recipient: this.party,
      route: parties,
      outcome: "accept",
      reasons: [],
      itemHash: hashItem(item),
    };
  }

  #record(
    kind: "release-decision" | "relay" | "rejection",
    decision: Decision,
    item: Item,
    recipient: string,
    at: number,
    sender = this.party,
  ): void {
    const itemHash = hashItem(item);
    if (kind === "rejection") {
      const reasons = decision.outcome === "deny" ? decision.reasons.map((r) => ({ code: r.code })) : [];
      this.#appendAudit({
        v: 1,
        kind: "rejection",
        node: this.id,
        at: new Date(at).toISOString(),
        item: item.id,
        sender,
        recipient,
        route: decision.route,
        outcome: "reject",
        reasons: reasons.length > 0 ? reasons : [{ code: "POLICY" }],
        itemHash,
      });
      return;
    }
    this.#appendAudit(
      decisionRecord(decision, { kind, node: this.id, at, itemId: item.id, sender, recipient, itemHash }),
    );
  }

  #appendAudit(record: AuditRecord): void {
    const bytes = encodeRecord(record);
    const index = this.log.append(bytes);
    const hash = leafHash(bytes);
    this.#audit = this.#audit.then(() => this.#deps.store.appendAuditLeaf(index, bytes, hash));
  }

  /** Notes a refusal whose audit record was already written. */
  #note(d: Delivery, why: Rejection, detail: string): void {
    this.rejections.push({ id: d.id, from: d.from, why, detail });
  }

  /** Refuses a delivery and audits it; without a readable item the record names the delivery instead. */
  #reject(d: Delivery, why: Rejection, detail: string, item?: Item): void {
    this.#note(d, why, detail);
    const fromParty = this.#partyOf.get(d.from) ?? this.party;
    this.#appendAudit({
      v: 1,
      kind: "rejection",
      node: this.id,
      at: new Date(this.#deps.now()).toISOString(),
      item: item?.id ?? `delivery:${d.from}:${d.id}`,
      sender: item?.label.originator ?? fromParty,
      recipient: this.party,
      route:
        item && item.label.originator !== this.party
          ? [item.label.originator, this.party]
          : [fromParty, this.party],
      outcome: "reject",
      reasons: [{ code: why }],
      itemHash: item ? hashItem(item) : itemDigest(d.payload),
    });
  }
}
