/**
 * Ports: the small interfaces that runtime code depends on and adapters implement. Each port has one
 * shared contract suite under `src/adapters/` that every implementation passes.
 */
import type { Item } from "./model/item.ts";
import type {
  AgreementEventRecord,
  AlertFilter,
  AlertRecord,
  AuditLeaf,
  DecisionFilter,
  DecisionRecord,
  EpochMs,
  InboxDelivery,
  ItemMeta,
  OutboxEntry,
  PendingOutbox,
  StoredItem,
  TimeRange,
  TrackStateRecord,
  TreeHeadRecord,
} from "./model/store-records.ts";
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
  /**
   * The largest payload one message may carry, in bytes, where the transport has a limit (NATS: the
   * server's `max_payload`); absent: no limit. Nodes size their envelopes of tracks to fit.
   */
  readonly maxMessageBytes?: number | undefined;
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

// ── Store ────────────────────────────────────────────────────────────────────────────────────────────
// What a node keeps. Times are epoch milliseconds (see `src/model/store-records.ts`). Every record is
// parsed with its schema at the port; bad input fails with StoreError INVALID_RECORD naming the field.
// An item the process already parsed at its edge and froze (`markChecked`, src/model/checked.ts: a
// received envelope's item) is taken as checked, not parsed again.
// Writes that may be repeated (redelivery, restart) are idempotent and say whether they were new.
// Exactly once to the application: a receipt is keyed by (sender node, envelope id), since transport ids
// are unique per sender only. `receiveItem` records the receipt and the item in one transaction, so a
// redelivered envelope is a "duplicate"; the runtime hands over `undeliveredItems()` and calls
// `markDelivered` after acting, so an outage between storing and acting loses nothing (the action must
// itself be idempotent, as `putAlert` is). The outbox keeps reports until acknowledged.

/** A node's storage: items, track histories, decisions, audit log, tree heads, agreement events, alerts. */
export interface Store {
  /** Brings the schema to the latest version; safe to call again and from several processes. */
  migrate(): Promise<void>;
  /** Releases connections or the embedded database; later calls fail with CLOSED. */
  close(): Promise<void>;

  /** Stores an item unless its id is already stored (the first version is kept). */
  putItem(item: Item, meta: ItemMeta): Promise<"stored" | "duplicate">;
  /**
   * Stores several items in one statement, each unless its id is already stored or came earlier in the
   * batch (the first version is kept); answers per entry, in order. A bad entry refuses the whole batch.
   */
  putItems(entries: readonly { item: Item; meta: ItemMeta }[]): Promise<("stored" | "duplicate")[]>;
  /** The item with this id, or undefined. */
  getItem(id: string): Promise<StoredItem | undefined>;

  /** Records one received envelope (id unique per sender); "duplicate" if it was received before. */
  markReceived(from: string, envelopeId: string, receivedAt: EpochMs): Promise<"new" | "duplicate">;
  /**
   * Records the envelope and stores its item in one transaction; `meta.storedAt` is the receipt time and
   * `meta.sender` becomes `from`. "duplicate" if the envelope was received before or the item id is
   * already stored (the receipt is still recorded); only "stored" items are queued for the application.
   */
  receiveItem(from: string, envelopeId: string, item: Item, meta: ItemMeta): Promise<"stored" | "duplicate">;
  /** Stored received items not yet handed to the application, in the order received. */
  undeliveredItems(limit?: number): Promise<InboxDelivery[]>;
  /** Marks a received item as handed to the application. */
  markDelivered(
    from: string,
    envelopeId: string,
    at: EpochMs,
  ): Promise<"delivered" | "already-delivered" | "unknown">;

  /** Queues a report until the recipient acknowledges it; "duplicate" if the id is already queued. */
  enqueueOutbox(entry: OutboxEntry): Promise<"queued" | "duplicate">;
  /** Unacknowledged reports in the order queued, optionally for one recipient. */
  pendingOutbox(options?: { recipient?: string; limit?: number }): Promise<PendingOutbox[]>;
  /** Counts one sending attempt of a queued report. */
  recordOutboxAttempt(id: string, at: EpochMs): Promise<void>;
  /** Settles a report so that it is no longer pending. */
  ackOutbox(id: string, ackedAt: EpochMs): Promise<"acked" | "already-acked" | "unknown">;

  /** Appends one state to a track's history. */
  appendTrackState(state: TrackStateRecord): Promise<void>;
  /** Appends many states in one transaction. */
  appendTrackStates(states: readonly TrackStateRecord[]): Promise<void>;
  /** A track's states with from ≤ at < to, by time (ties in the order appended). */
  trackHistory(trackId: string, range?: TimeRange): Promise<TrackStateRecord[]>;

  /** Records a release decision; "duplicate" if its id is already recorded. */
  recordDecision(record: DecisionRecord): Promise<"stored" | "duplicate">;
  /** Decisions matching every given field, by time then id. */
  listDecisions(filter?: DecisionFilter): Promise<DecisionRecord[]>;

  /** Appends leaf `index`; it must equal the current size (AUDIT_INDEX_GAP / AUDIT_INDEX_TAKEN otherwise). */
  appendAuditLeaf(index: number, bytes: Uint8Array, leafHash: Uint8Array): Promise<void>;
  /** Appends consecutive leaves starting at `leaves[0].index`, all or none. */
  appendAuditLeaves(leaves: readonly AuditLeaf[]): Promise<void>;
  /** Leaves with from ≤ index < to, in order. */
  auditLeaves(from: number, to: number): Promise<AuditLeaf[]>;
  /** Number of leaves in the log. */
  auditSize(): Promise<number>;

  /** Keeps a signed tree head; heads that disagree for one size are all kept (evidence of a fork). */
  putTreeHead(head: TreeHeadRecord): Promise<"stored" | "duplicate">;
  /** A log's heads by tree size, then timestamp. */
  treeHeads(logId: string): Promise<TreeHeadRecord[]>;

  /** Records an agreement event; "duplicate" if one of that type at that time is recorded. */
  recordAgreementEvent(record: AgreementEventRecord): Promise<"stored" | "duplicate">;
  /** An agreement's recorded events by the time they happened. */
  agreementEvents(agreementId: string): Promise<AgreementEventRecord[]>;

  /** Stores an issued alert; "duplicate" if its id is already stored. */
  putAlert(alert: AlertRecord): Promise<"stored" | "duplicate">;
  /** Alerts matching every given field, by time sent then id. */
  listAlerts(filter?: AlertFilter): Promise<AlertRecord[]>;
}

/** Stable codes of store failures. */
export type StoreErrorCode =
  | "INVALID_RECORD"
  | "AUDIT_INDEX_GAP"
  | "AUDIT_INDEX_TAKEN"
  | "NOT_MIGRATED"
  | "MIGRATION_MISMATCH"
  | "UNAVAILABLE"
  | "CLOSED";

/** A refused or failed store operation, with a stable code. */
export class StoreError extends Error {
  /** Names the failure for callers that branch on it. */
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}
// ── end Store ────────────────────────────────────────────────────────────────────────────────────────
