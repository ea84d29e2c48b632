/**
 * The distributed transport over NATS. Each node connects as its own user (in its party's account), so
 * the server, not this code, keeps a node out of traffic it is not party to. Tracks are core NATS
 * publishes (best-effort, ordered per connection, never redelivered). Reports are JetStream publishes
 * into the recipient's report stream, retried with the same `Nats-Msg-Id` until the stream acknowledges
 * them (the stream's duplicate window drops the repeats); the recipient reads them through a durable
 * pull consumer with explicit acks, so unacknowledged reports are redelivered after the ack wait.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import {
  ClosedConnectionError,
  connect,
  headers as createHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type NodeConnectionOptions,
  nanos,
  type Subscription,
} from "@nats-io/transport-node";
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
import {
  checkMessage,
  ID_HEADER,
  invokeHandler,
  LinkGraph,
  parseSubject,
  subjectOf,
} from "../transport-links.ts";
import { inboxPrefixOf, reportConsumerOf, reportStreamOf } from "./config.ts";

/** Options of a NatsTransport. */
export interface NatsTransportOptions {
  readonly topology: TransportTopology;
  readonly servers: string | readonly string[];
  /** User name and password of each node. */
  readonly credentials: (nodeId: string) => { readonly user: string; readonly pass: string };
  /** Time after which an unacknowledged report is redelivered (default 30 s). */
  readonly ackWaitMs?: number;
  /** Time one JetStream publish waits for the stream's acknowledgement before retrying (default 2 s). */
  readonly publishTimeoutMs?: number;
  /** Time a report send keeps retrying before it fails with NOT_STORED (default 60 s). */
  readonly sendTimeoutMs?: number;
  /** Pause between reconnection attempts (default 250 ms). */
  readonly reconnectWaitMs?: number;
  /** Connection factory (default: `connect` of @nats-io/transport-node); chosen here, never globally. */
  readonly connect?: (options: NodeConnectionOptions) => Promise<NatsConnection>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The NATS Transport: one connection per attached node. */
export class NatsTransport implements Transport {
  readonly #graph: LinkGraph;
  readonly #options: NatsTransportOptions;
  readonly #endpoints = new Set<NatsEndpoint>();
  #closed = false;

  constructor(options: NatsTransportOptions) {
    this.#graph = new LinkGraph(options.topology);
    this.#options = options;
  }

  /** Connects a node with its own credentials. */
  async connect(nodeId: string): Promise<TransportEndpoint> {
    if (this.#closed) throw new TransportError("CLOSED", "transport is closed");
    this.#graph.requireNode(nodeId);
    const o = this.#options;
    const nc = await (o.connect ?? connect)({
      servers: typeof o.servers === "string" ? o.servers : [...o.servers],
      ...o.credentials(nodeId),
      name: `triwatch-${nodeId}`,
      inboxPrefix: inboxPrefixOf(nodeId),
      maxReconnectAttempts: -1,
      reconnectTimeWait: o.reconnectWaitMs ?? 250,
    });
    const endpoint = new NatsEndpoint(nodeId, nc, this.#graph, o, () => this.#endpoints.delete(endpoint));
    this.#endpoints.add(endpoint);
    return endpoint;
  }

  /** Closes every endpoint's connection. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#endpoints].map((e) => e.close()));
  }
}

/** Application headers of a message: everything but the transport's own. */
function appHeaders(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === undefined) return out;
  for (const k of h.keys()) if (!/^(nats-|tw-)/i.test(k)) out[k] = h.get(k);
  return out;
}

/** One node's NATS connection. */
class NatsEndpoint implements TransportEndpoint {
  readonly nodeId: string;
  readonly #nc: NatsConnection;
  readonly #graph: LinkGraph;
  readonly #options: NatsTransportOptions;
  readonly #onClose: () => void;
  #subscription: { tracks: Subscription[]; stop: () => void } | undefined;
  #subscribing = false;
  #closed = false;

  /** The server's `max_payload`, from its INFO (NATS refuses a larger publish). */
  get maxMessageBytes(): number | undefined {
    return this.#nc.info?.max_payload;
  }

  constructor(
    nodeId: string,
    nc: NatsConnection,
    graph: LinkGraph,
    options: NatsTransportOptions,
    onClose: () => void,
  ) {
    this.nodeId = nodeId;
    this.#nc = nc;
    this.#graph = graph;
    this.#options = options;
    this.#onClose = onClose;
  }

  async send(to: string, message: TransportMessage): Promise<void> {
    if (this.#closed) throw new TransportError("CLOSED", `endpoint ${this.nodeId} is closed`);
    checkMessage(message);
    this.#graph.requireLink(this.nodeId, to);
    const h = createHeaders();
    for (const [k, v] of Object.entries(message.headers ?? {})) h.set(k, v);
    h.set(ID_HEADER, message.id);
    const subject = subjectOf(this.nodeId, to, message.class);
    if (message.class === "track") {
      try {
        this.#nc.publish(subject, message.payload, { headers: h });
      } catch (e) {
        throw new TransportError("CLOSED", `cannot publish on ${subject}`, { cause: e });
      }
      return;
    }
    await this.#publishReport(subject, message, h);
  }

  /** Publishes until the recipient's stream acknowledges; repeats carry the same id and are deduplicated. */
  async #publishReport(subject: string, message: TransportMessage, h: MsgHdrs): Promise<void> {
    const js = jetstream(this.#nc);
    const timeout = this.#options.publishTimeoutMs ?? 2_000;
    const deadline = Date.now() + (this.#options.sendTimeoutMs ?? 60_000);
    const msgID = `${this.nodeId}:${message.id}`;
    let pause = 50;
    let last: unknown;
    while (Date.now() < deadline) {
      if (this.#closed)
        throw new TransportError("CLOSED", `endpoint ${this.nodeId} is closed`, { cause: last });
      try {
        await js.publish(subject, message.payload, { msgID, headers: h, timeout });
        return;
      } catch (e) {
        if (e instanceof ClosedConnectionError)
          throw new TransportError("CLOSED", "connection closed", { cause: e });
        last = e;
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 1_000);
    }
    throw new TransportError("NOT_STORED", `report ${message.id} not stored on ${subject}`, { cause: last });
  }

  async subscribe(handler: DeliveryHandler): Promise<TransportSubscription> {
    if (this.#closed) throw new TransportError("CLOSED", `endpoint ${this.nodeId} is closed`);
    if (this.#subscription !== undefined || this.#subscribing) {
      throw new TransportError("ALREADY_SUBSCRIBED", `${this.nodeId} already has a subscription`);
    }
    this.#subscribing = true;
    try {
      return await this.#subscribe(handler);
    } finally {
      this.#subscribing = false;
    }
  }

  async #subscribe(handler: DeliveryHandler): Promise<TransportSubscription> {
    const tracks = this.#graph.peersOf(this.nodeId).map((peer) =>
      this.#nc.subscribe(subjectOf(peer, this.nodeId, "track"), {
        callback: (err, msg) => {
          if (err === null) invokeHandler(handler, this.#trackDelivery(msg));
        },
      }),
    );
    let reports: ConsumerMessages;
    try {
      reports = await this.#consumeReports(handler);
    } catch (e) {
      for (const s of tracks) s.unsubscribe();
      throw e;
    }
    await this.#nc.flush();
    const subscription = { tracks, stop: () => reports.stop() };
    this.#subscription = subscription;
    return {
      unsubscribe: async () => {
        if (this.#subscription !== subscription) return;
        this.#subscription = undefined;
        for (const s of tracks) s.unsubscribe();
        reports.stop();
        await reports.closed().catch(() => undefined);
      },
    };
  }

  /** Starts reading the node's report stream through its durable consumer. */
  async #consumeReports(handler: DeliveryHandler): Promise<ConsumerMessages> {
    const stream = reportStreamOf(this.nodeId);
    const durable = reportConsumerOf(this.nodeId);
    await this.#ensureConsumer(stream, durable);
    const consumer = await jetstream(this.#nc).consumers.get(stream, durable);
    return consumer.consume({
      max_messages: 256,
      callback: (m) => {
        const d = this.#reportDelivery(m);
        // A message without our id header cannot be acknowledged meaningfully; terminate it.
        if (d !== undefined) invokeHandler(handler, d);
        else m.term();
      },
    });
  }

  /** Creates the node's durable consumer, or updates its ack wait if it differs. */
  async #ensureConsumer(stream: string, durable: string): Promise<void> {
    const jsm = await jetstreamManager(this.#nc);
    const ackWait = nanos(this.#options.ackWaitMs ?? 30_000);
    const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
    if (existing === undefined) {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ackWait,
        max_deliver: -1,
      });
    } else if (existing.config.ack_wait !== ackWait) {
      await jsm.consumers.update(stream, durable, { ack_wait: ackWait });
    }
  }

  #trackDelivery(msg: Msg): Delivery {
    const from = parseSubject(msg.subject)?.from ?? "";
    return {
      from,
      to: this.nodeId,
      id: msg.headers?.get(ID_HEADER) ?? "",
      class: "track",
      payload: msg.data,
      headers: appHeaders(msg.headers),
      deliveryCount: 1,
      ack: () => {},
    };
  }

  #reportDelivery(m: JsMsg): Delivery | undefined {
    const parsed = parseSubject(m.subject);
    const id = m.headers?.get(ID_HEADER) ?? "";
    if (parsed === undefined || parsed.to !== this.nodeId || id === "") return undefined;
    return {
      from: parsed.from,
      to: this.nodeId,
      id,
      class: "report",
      payload: m.data,
      headers: appHeaders(m.headers),
      deliveryCount: m.info.deliveryCount,
      ack: () => m.ack(),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription?.stop();
    this.#subscription = undefined;
    this.#onClose();
    await this.#nc.close();
  }
}
