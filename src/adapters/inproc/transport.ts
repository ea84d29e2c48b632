/**
 * The embedded transport: every node in one process, links with simulated latency (fixed + uniform
 * jitter), loss (tracks only) and outages. Each direction of a link is a FIFO pipe, so jitter never
 * reorders a link. Reports are kept for the recipient until acknowledged: while a link is down they wait
 * in the sender's outbox; once arrived they wait in the recipient's inbox, survive its disconnection, and
 * are redelivered after the ack wait. Random draws come from a seeded generator, time from a Scheduler.
 */

import { mulberry32 } from "../../model/random.ts";
import {
  type Delivery,
  type DeliveryHandler,
  type Transport,
  type TransportEndpoint,
  TransportError,
  type TransportMessage,
  type TransportSubscription,
  type TransportTopology,
} from "../../ports.ts";
import { checkMessage, invokeHandler, LinkGraph } from "../transport-links.ts";
import { type Cancel, realTimeScheduler, type Scheduler } from "./scheduler.ts";

/** How a link behaves; applies to both directions. */
export interface LinkConditions {
  /** Fixed one-way delay. */
  readonly latencyMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs). */
  readonly jitterMs: number;
  /** Probability that a track message is lost (reports are never lost). */
  readonly lossProbability: number;
}

/** Options of an InProcessTransport; everything but the topology has a default. */
export interface InProcessTransportOptions {
  readonly topology: TransportTopology;
  /** Conditions of every link not listed in `links` (default: no delay, no loss). */
  readonly conditions?: Partial<LinkConditions>;
  /** Conditions of particular links (either order of a and b). */
  readonly links?: readonly {
    readonly a: string;
    readonly b: string;
    readonly conditions: Partial<LinkConditions>;
  }[];
  /** Seed of the generator for jitter and loss (default 1). */
  readonly seed?: number;
  /** Time source (default: real timers). */
  readonly scheduler?: Scheduler;
  /** Time after which an unacknowledged report is redelivered (default 30 s). */
  readonly ackWaitMs?: number;
  /** Window in which a repeated report id on the same link is dropped (default 2 min, as JetStream). */
  readonly dedupeWindowMs?: number;
}

interface InFlight {
  readonly from: string;
  readonly message: TransportMessage;
  readonly arriveAt: number;
}

interface Direction {
  readonly from: string;
  readonly to: string;
  readonly conditions: LinkConditions;
  /** Messages on the wire, in arrival order. */
  readonly wire: InFlight[];
  wireTimer: Cancel | undefined;
  /** Reports waiting for the link to come up. */
  readonly outbox: TransportMessage[];
  /** Report ids accepted within the dedupe window, with the time they were accepted (insertion order). */
  readonly seen: Map<string, number>;
}

interface StoredReport {
  readonly from: string;
  readonly message: TransportMessage;
  deliveryCount: number;
  ackTimer: Cancel | undefined;
  acked: boolean;
}

interface Inbox {
  readonly reports: StoredReport[];
  handler: DeliveryHandler | undefined;
}

const NO_CONDITIONS: LinkConditions = { latencyMs: 0, jitterMs: 0, lossProbability: 0 };

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** The in-process Transport: simulated links between endpoints of one process. */
export class InProcessTransport implements Transport {
  readonly #graph: LinkGraph;
  readonly #scheduler: Scheduler;
  readonly #random: () => number;
  readonly #ackWaitMs: number;
  readonly #dedupeWindowMs: number;
  readonly #directions = new Map<string, Direction>();
  readonly #down = new Set<string>();
  readonly #inboxes = new Map<string, Inbox>();
  readonly #endpoints = new Set<InProcessEndpoint>();
  #drainWaiters: (() => void)[] = [];
  #closed = false;

  constructor(options: InProcessTransportOptions) {
    this.#graph = new LinkGraph(options.topology);
    this.#scheduler = options.scheduler ?? realTimeScheduler;
    this.#random = mulberry32(options.seed ?? 1);
    this.#ackWaitMs = options.ackWaitMs ?? 30_000;
    this.#dedupeWindowMs = options.dedupeWindowMs ?? 120_000;
    const base = { ...NO_CONDITIONS, ...options.conditions };
    const perLink = new Map<string, LinkConditions>();
    for (const l of options.links ?? []) {
      this.#graph.requireLink(l.a, l.b);
      perLink.set(pairKey(l.a, l.b), { ...base, ...l.conditions });
    }
    for (const [a, b] of this.#graph.links()) {
      const conditions = perLink.get(pairKey(a, b)) ?? base;
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        this.#directions.set(`${from}>${to}`, {
          from,
          to,
          conditions,
          wire: [],
          wireTimer: undefined,
          outbox: [],
          seen: new Map(),
        });
      }
    }
    for (const n of this.#graph.nodes) this.#inboxes.set(n, { reports: [], handler: undefined });
  }

  /** Attaches a node; a node may reconnect after closing and finds its stored reports. */
  async connect(nodeId: string): Promise<TransportEndpoint> {
    this.#checkOpen();
    this.#graph.requireNode(nodeId);
    const endpoint = new InProcessEndpoint(this, nodeId);
    this.#endpoints.add(endpoint);
    return endpoint;
  }

  /** Takes a link down (tracks on it are lost, reports wait) or brings it back up. */
  setLinkUp(a: string, b: string, up: boolean): void {
    this.#graph.requireLink(a, b);
    const key = pairKey(a, b);
    if (up) {
      this.#down.delete(key);
      this.#pump(this.#direction(a, b));
      this.#pump(this.#direction(b, a));
    } else {
      this.#down.add(key);
    }
  }

  /** Whether a link is up. */
  isLinkUp(a: string, b: string): boolean {
    return !this.#down.has(pairKey(a, b));
  }

  /** Reports stored for a node and not yet acknowledged (arrived, not counting those still in transit). */
  unacknowledged(nodeId: string): number {
    return this.#inbox(nodeId).reports.length;
  }

  /**
   * What the network still holds: messages on the wire, reports waiting in an outbox for a link that is
   * down (`held`, they move only once the link is up), and reports arrived but not yet acknowledged.
   */
  backlog(): { onWire: number; held: number; unacknowledged: number } {
    let onWire = 0;
    let held = 0;
    for (const d of this.#directions.values()) {
      onWire += d.wire.length;
      held += d.outbox.length;
    }
    let unacknowledged = 0;
    for (const inbox of this.#inboxes.values()) unacknowledged += inbox.reports.length;
    return { onWire, held, unacknowledged };
  }

  /**
   * Messages the network will still deliver without outside help: on the wire or arrived and not yet
   * acknowledged (reports held behind a down link are not counted: they wait for `setLinkUp`). With a
   * ManualScheduler, a simulation loops "advance, await every node's idle()" until this is 0.
   */
  get inFlight(): number {
    const { onWire, unacknowledged } = this.backlog();
    return onWire + unacknowledged;
  }

  /**
   * Resolves once `inFlight` is 0 (at once if it is). Under real timers this is when the network is
   * drained; under a ManualScheduler it needs someone to advance time.
   */
  drained(): Promise<void> {
    if (this.inFlight === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Wakes `drained()` callers once nothing is in flight. */
  #checkDrained(): void {
    if (this.#drainWaiters.length === 0 || this.inFlight > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  /** Cancels every timer and drops all state. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#endpoints) e.detach();
    for (const d of this.#directions.values()) {
      d.wireTimer?.();
      d.wire.length = 0;
      d.outbox.length = 0;
    }
    for (const inbox of this.#inboxes.values()) {
      for (const r of inbox.reports) r.ackTimer?.();
      inbox.reports.length = 0;
      inbox.handler = undefined;
    }
    this.#checkDrained();
  }

  /** @internal Sends from an endpoint. */
  send(from: string, to: string, message: TransportMessage): void {
    this.#checkOpen();
    checkMessage(message);
    this.#graph.requireLink(from, to);
    const dir = this.#direction(from, to);
    if (message.class === "track") {
      if (!this.isLinkUp(from, to) || this.#random() < dir.conditions.lossProbability) return;
      this.#transmit(dir, message);
      return;
    }
    const now = this.#scheduler.now();
    for (const [id, at] of dir.seen) {
      if (at > now - this.#dedupeWindowMs) break;
      dir.seen.delete(id);
    }
    if (dir.seen.has(message.id)) return;
    dir.seen.set(message.id, now);
    dir.outbox.push(message);
    this.#pump(dir);
  }

  /** @internal Registers a node's handler and delivers what is waiting. */
  subscribe(nodeId: string, handler: DeliveryHandler): void {
    const inbox = this.#inbox(nodeId);
    if (inbox.handler !== undefined) {
      throw new TransportError("ALREADY_SUBSCRIBED", `${nodeId} already has a subscription`);
    }
    inbox.handler = handler;
    this.#dispatch(nodeId);
  }

  /** @internal Removes a node's handler; reports stay stored. */
  unsubscribe(nodeId: string, handler: DeliveryHandler): void {
    const inbox = this.#inbox(nodeId);
    if (inbox.handler === handler) inbox.handler = undefined;
  }

  /** @internal Forgets a closed endpoint. */
  forget(endpoint: InProcessEndpoint): void {
    this.#endpoints.delete(endpoint);
  }

  #checkOpen(): void {
    if (this.#closed) throw new TransportError("CLOSED", "transport is closed");
  }

  #direction(from: string, to: string): Direction {
    const d = this.#directions.get(`${from}>${to}`);
    if (d === undefined) throw new TransportError("NO_LINK", `no link from ${from} to ${to}`);
    return d;
  }

  #inbox(nodeId: string): Inbox {
    const inbox = this.#inboxes.get(nodeId);
    if (inbox === undefined) throw new TransportError("UNKNOWN_NODE", `unknown node ${nodeId}`);
    return inbox;
  }

  /** Moves waiting reports onto the wire while the link is up. */
  #pump(dir: Direction): void {
    if (!this.isLinkUp(dir.from, dir.to)) return;
    for (let m = dir.outbox.shift(); m !== undefined; m = dir.outbox.shift()) this.#transmit(dir, m);
  }

  /** Puts a message on the wire; it arrives no earlier than the one before it on this direction. */
  #transmit(dir: Direction, message: TransportMessage): void {
    const { latencyMs, jitterMs } = dir.conditions;
    const delay = latencyMs + (jitterMs > 0 ? this.#random() * jitterMs : 0);
    const last = dir.wire[dir.wire.length - 1];
    const arriveAt = Math.max(this.#scheduler.now() + delay, last?.arriveAt ?? -Infinity);
    dir.wire.push({ from: dir.from, message, arriveAt });
    if (dir.wireTimer === undefined) this.#armWire(dir);
  }

  #armWire(dir: Direction): void {
    const head = dir.wire[0];
    if (head === undefined) {
      dir.wireTimer = undefined;
      return;
    }
    dir.wireTimer = this.#scheduler.schedule(head.arriveAt - this.#scheduler.now(), () => {
      const now = this.#scheduler.now();
      while (dir.wire[0] !== undefined && (dir.wire[0] as InFlight).arriveAt <= now) {
        this.#arrive(dir.to, dir.wire.shift() as InFlight);
      }
      this.#armWire(dir);
      this.#checkDrained();
    });
  }

  #arrive(to: string, { from, message }: InFlight): void {
    const inbox = this.#inbox(to);
    if (message.class === "track") {
      if (inbox.handler !== undefined)
        invokeHandler(
          inbox.handler,
          this.#delivery(from, to, message, 1, () => {}),
        );
      return;
    }
    inbox.reports.push({ from, message, deliveryCount: 0, ackTimer: undefined, acked: false });
    this.#dispatch(to);
  }

  /** Hands every stored, not-in-flight report to the node's handler. */
  #dispatch(nodeId: string): void {
    const inbox = this.#inbox(nodeId);
    // A snapshot: handlers acknowledge (and so remove) reports while we iterate.
    for (const r of [...inbox.reports]) {
      const handler = inbox.handler;
      if (handler === undefined) return;
      if (r.ackTimer !== undefined || r.acked) continue;
      r.deliveryCount++;
      r.ackTimer = this.#scheduler.schedule(this.#ackWaitMs, () => {
        r.ackTimer = undefined;
        this.#dispatch(nodeId);
      });
      const ack = (): void => {
        if (r.acked) return;
        r.acked = true;
        r.ackTimer?.();
        r.ackTimer = undefined;
        const k = inbox.reports.indexOf(r);
        if (k >= 0) inbox.reports.splice(k, 1);
        this.#checkDrained();
      };
      invokeHandler(handler, this.#delivery(r.from, nodeId, r.message, r.deliveryCount, ack));
    }
  }

  #delivery(from: string, to: string, m: TransportMessage, deliveryCount: number, ack: () => void): Delivery {
    return {
      from,
      to,
      id: m.id,
      class: m.class,
      payload: m.payload,
      headers: m.headers ?? {},
      deliveryCount,
      ack,
    };
  }
}

/** One node's endpoint on an InProcessTransport. */
class InProcessEndpoint implements TransportEndpoint {
  readonly nodeId: string;
  readonly #net: InProcessTransport;
  #handler: DeliveryHandler | undefined;
  #closed = false;

  constructor(net: InProcessTransport, nodeId: string) {
    this.#net = net;
    this.nodeId = nodeId;
  }

  async send(to: string, message: TransportMessage): Promise<void> {
    if (this.#closed) throw new TransportError("CLOSED", `endpoint ${this.nodeId} is closed`);
    this.#net.send(this.nodeId, to, message);
  }

  async subscribe(handler: DeliveryHandler): Promise<TransportSubscription> {
    if (this.#closed) throw new TransportError("CLOSED", `endpoint ${this.nodeId} is closed`);
    if (this.#handler !== undefined) {
      throw new TransportError("ALREADY_SUBSCRIBED", `${this.nodeId} already has a subscription`);
    }
    this.#net.subscribe(this.nodeId, handler);
    this.#handler = handler;
    return {
      unsubscribe: async () => {
        if (this.#handler !== handler) return;
        this.#net.unsubscribe(this.nodeId, handler);
        this.#handler = undefined;
      },
    };
  }

  async close(): Promise<void> {
    this.detach();
    this.#net.forget(this);
  }

  /** Drops the subscription and refuses further use. */
  detach(): void {
    if (this.#handler !== undefined) this.#net.unsubscribe(this.nodeId, this.#handler);
    this.#handler = undefined;
    this.#closed = true;
  }
}
