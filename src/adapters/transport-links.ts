/**
 * What both transport adapters share: the link graph of a topology, the subject scheme and message
 * checks. Subjects are `tw.<from>.<to>.<class>` (node ids are upper-case letters, digits and `_`, so
 * they are single NATS tokens); the in-process adapter uses the same strings as keys.
 */
import {
  type Delivery,
  type DeliveryHandler,
  type TrafficClass,
  TransportError,
  type TransportMessage,
  type TransportTopology,
} from "../ports.ts";

/** Root token of every Triwatch transport subject. */
export const SUBJECT_ROOT = "tw";

/** Header carrying the sender's message id (JetStream's own `Nats-Msg-Id` is scoped by sender). */
export const ID_HEADER = "Tw-Id";

const NODE_ID = /^[A-Z][A-Z0-9_]*$/;

/** The subject a message of `cls` from `from` to `to` travels on. */
export function subjectOf(from: string, to: string, cls: TrafficClass): string {
  return `${SUBJECT_ROOT}.${from}.${to}.${cls}`;
}

/** Reads a transport subject back into its parts, or undefined if it is not one. */
export function parseSubject(subject: string): { from: string; to: string; cls: TrafficClass } | undefined {
  const parts = subject.split(".");
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT) return undefined;
  const [, from, to, cls] = parts as [string, string, string, string];
  if (cls !== "track" && cls !== "report") return undefined;
  return { from, to, cls };
}

/** The link graph of a topology: who may talk to whom, and each node's party. */
export class LinkGraph {
  /** Party (NATS account) of each node. */
  readonly partyOf: ReadonlyMap<string, string>;
  readonly #peers = new Map<string, Set<string>>();

  constructor(topology: TransportTopology) {
    const parties = new Map<string, string>();
    for (const n of topology.nodes) {
      if (!NODE_ID.test(n.id))
        throw new TransportError("UNKNOWN_NODE", `node id ${n.id} is not a subject token`);
      parties.set(n.id, n.party);
      this.#peers.set(n.id, new Set());
    }
    this.partyOf = parties;
    for (const { a, b } of topology.links) {
      const pa = this.#peers.get(a);
      const pb = this.#peers.get(b);
      if (pa === undefined || pb === undefined || a === b) {
        throw new TransportError("UNKNOWN_NODE", `link ${a}–${b} names an unknown node or loops`);
      }
      pa.add(b);
      pb.add(a);
    }
  }

  /** Node ids in topology order. */
  get nodes(): string[] {
    return [...this.#peers.keys()];
  }

  /** The nodes linked to `node`. */
  peersOf(node: string): string[] {
    return [...this.#require(node)];
  }

  /** Whether `a` and `b` share a link. */
  linked(a: string, b: string): boolean {
    return this.#peers.get(a)?.has(b) ?? false;
  }

  /** Each link once, as [a, b] with a before b in topology order. */
  links(): [string, string][] {
    const order = this.nodes;
    const out: [string, string][] = [];
    for (const a of order)
      for (const b of this.#require(a)) if (order.indexOf(a) < order.indexOf(b)) out.push([a, b]);
    return out;
  }

  /** Throws UNKNOWN_NODE unless `node` is in the topology. */
  requireNode(node: string): void {
    this.#require(node);
  }

  /** Throws NO_LINK unless `from` may send to `to`. */
  requireLink(from: string, to: string): void {
    this.#require(to);
    if (!this.#require(from).has(to)) throw new TransportError("NO_LINK", `no link from ${from} to ${to}`);
  }

  #require(node: string): Set<string> {
    const peers = this.#peers.get(node);
    if (peers === undefined) throw new TransportError("UNKNOWN_NODE", `unknown node ${node}`);
    return peers;
  }
}

/** Rejects messages the transport cannot carry faithfully (empty id, reserved header names). */
export function checkMessage(message: TransportMessage): void {
  if (message.id.length === 0 || /[\s]/.test(message.id)) {
    throw new TransportError("INVALID_MESSAGE", "message id must be non-empty without whitespace");
  }
  if (message.class !== "track" && message.class !== "report") {
    throw new TransportError("INVALID_MESSAGE", `unknown traffic class ${String(message.class)}`);
  }
  for (const name of Object.keys(message.headers ?? {})) {
    if (/^(nats-|tw-)/i.test(name)) throw new TransportError("INVALID_MESSAGE", `header ${name} is reserved`);
  }
}

/** Calls a handler; a failure leaves a report unacknowledged, so it is redelivered after the ack wait. */
export function invokeHandler(handler: DeliveryHandler, delivery: Delivery): void {
  try {
    const result = handler(delivery);
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // The handler's failure is the runtime's to report; the transport only withholds the ack.
  }
}
