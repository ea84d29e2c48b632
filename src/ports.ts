/**
 * Ports: the small interfaces that runtime code depends on and adapters implement. Each port has one
 * shared contract suite under `src/adapters/` that every implementation passes.
 */
import type { Topology } from "./model/topology.ts";

// ── Transport ────────────────────────────────────────────────────────────────────────────────────────
// Two traffic classes with different promises. Tracks are real-time and best-effort: delivered at most
// once, in order per link, never redelivered (a late track is worse than none; the node runtime drops
// stale or superseded ones). Reports must never be lost: `send` resolves once the report is durably
// stored for the recipient, the recipient must `ack()` it, and an unacknowledged report is redelivered
// after the ack wait. Delivery is at least once; the ids let the store deliver exactly once to the
// application. Subjects (NATS) and link keys (in-process) are `tw.<from>.<to>.<class>`.

/** The two traffic classes a link carries. */
export type TrafficClass = "track" | "report";

/** What a node hands the transport: an id unique per sender, a class and opaque bytes. */
export interface TransportMessage {
  /** Unique per sender; reports with an id already seen on the link within the dedupe window are dropped. */
  readonly id: string;
  readonly class: TrafficClass;
  readonly payload: Uint8Array;
  /** Application headers; names starting with `Nats-` or `Tw-` are reserved for the transport. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A message as it reaches a recipient. */
export interface Delivery {
  readonly from: string;
  readonly to: string;
  readonly id: string;
  readonly class: TrafficClass;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on first delivery, higher on redelivery (always 1 for tracks). */
  readonly deliveryCount: number;
  /** Settles a report so that it is not redelivered; a no-op for tracks. */
  ack(): void;
}

/** Receives deliveries; a report whose handler throws or never acks is redelivered after the ack wait. */
export type DeliveryHandler = (delivery: Delivery) => void | Promise<void>;

/** An active subscription of one node. */
export interface TransportSubscription {
  /** Stops deliveries; unacknowledged reports stay stored and are redelivered to the next subscription. */
  unsubscribe(): Promise<void>;
}

/** One node's attachment to the network: it can send only on its own links and hear only its own. */
export interface TransportEndpoint {
  readonly nodeId: string;
  /** Sends to a linked node; tracks resolve once handed off, reports once durably stored. */
  send(to: string, message: TransportMessage): Promise<void>;
  /** Delivers everything addressed to this node (one subscription per endpoint at a time). */
  subscribe(handler: DeliveryHandler): Promise<TransportSubscription>;
  /** Detaches the node; stored reports wait for its next connection. */
  close(): Promise<void>;
}

/** The network between the nodes of a topology. */
export interface Transport {
  /** Attaches a node of the topology. */
  connect(nodeId: string): Promise<TransportEndpoint>;
  /** Closes every endpoint and releases timers and connections. */
  close(): Promise<void>;
}

/** The part of a topology a transport needs: nodes with their party, and the links between them. */
export type TransportTopology = {
  readonly nodes: readonly Pick<Topology["nodes"][number], "id" | "party">[];
  readonly links: readonly Pick<Topology["links"][number], "a" | "b">[];
};

/** Stable codes of transport failures. */
export type TransportErrorCode =
  | "UNKNOWN_NODE"
  | "NO_LINK"
  | "ALREADY_SUBSCRIBED"
  | "CLOSED"
  | "NOT_STORED"
  | "INVALID_MESSAGE";

/** An unexpected or refused transport operation, with a stable code. */
export class TransportError extends Error {
  /** Names the failure for callers that branch on it. */
  readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransportError";
    this.code = code;
  }
}
// ── end Transport ────────────────────────────────────────────────────────────────────────────────────
