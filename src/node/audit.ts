/**
 * A node's audit trail: every release decision, relay, receipt and rejection as a leaf of its Merkle log,
 * mirrored in its store, and the list of refusals (with the node's or the envelope layer's reason code).
 */
import {
  AUDIT_BUNDLE_RECORD_VERSION,
  AUDIT_RECORD_VERSION,
  type AuditRecord,
  canonicalBytes,
  decisionRecord,
  encodeRecord,
  itemDigest,
  type JsonValue,
  leafHash,
  MerkleLog,
  type ObservationProblem,
} from "../audit/index.ts";
import type { HandshakeFailure, RejectReason } from "../envelope/index.ts";
import type { Item } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import type { AuditLeaf } from "../model/store-records.ts";
import type { Decision } from "../policy/decide.ts";
import type { Delivery, Store } from "../ports.ts";

/** Why an incoming message was not taken: the node's own reasons, or the envelope layer's. */
export type Rejection =
  | "WRONG_PATH"
  | "POLICY"
  | "SUPERSEDED"
  | "DUPLICATE"
  | RejectReason
  /** A partner's tree head refused (see `PartnerView`): a fork, a rewritten history, time reversal, a bad head. */
  | `TREE_HEAD_${ObservationProblem}`
  /** A link handshake message refused. */
  | `HANDSHAKE_${HandshakeFailure["reason"]}`
  /** A key confirmation (link-confirm) whose tag does not check under the channel it names. */
  | "HANDSHAKE_BAD_CONFIRMATION";

/** The digest of an item's canonical JSON, as audit records carry it. */
function hashItem(item: Item): string {
  return itemDigest(canonicalBytes(item as unknown as JsonValue));
}

/**
 * A track bundle as audit records name it: its id, the ids of the tracks the record is about, its label,
 * and its signed release bytes, whose digest the record carries (the same bytes at every node it passes,
 * so the partners' records of one bundle carry one digest).
 */
export interface BundleSubject {
  readonly kind: "bundle";
  readonly id: string;
  readonly items: readonly string[];
  readonly label: Label;
  readonly bytes: Uint8Array;
}

/** What a record is about: one item, or a bundle of tracks. */
export type Audited = Item | BundleSubject;

/** The version, ids and digest a record about `x` carries (`items` only for a bundle), to spread into it. */
interface SubjectFields {
  v: 1 | 2;
  item: string;
  items?: string[];
  itemHash: string;
}

function subjectFields(x: Audited): SubjectFields {
  if (x.kind === "bundle")
    return { v: AUDIT_BUNDLE_RECORD_VERSION, item: x.id, items: [...x.items], itemHash: itemDigest(x.bytes) };
  return { v: AUDIT_RECORD_VERSION, item: x.id, itemHash: hashItem(x) };
}

/**
 * One node's audit log and refusals.
 *
 * Records are taken at once, in order, and encoded, hashed and appended to the Merkle log when the
 * current task ends, or `buildDelayMs` later (or earlier, whenever anything reads the log, waits for it,
 * or counts what is pending): the decision's relay goes out first, and the hashing (about a sixth of a
 * hop's CPU) is done while the envelope is on the wire; with a delay, after the envelope has gone on
 * through the other nodes of this process, in larger batches under load. Nothing can observe the
 * difference: `log`, `settled()` and `pendingWrites` bring every record taken so far in first (a report
 * is acknowledged only after `settled()`). The store writes follow in batches.
 */
export class NodeAudit {
  readonly #log = new MerkleLog();
  readonly rejections: { id: string; from: string; why: Rejection; detail: string }[] = [];
  /** Records taken and not yet in the log (in order). */
  #records: (() => AuditRecord)[] = [];
  /** Cancels the build scheduled by `append`, if one is. */
  #building: (() => void) | undefined;
  /** A record that could not be encoded (not JSON data): reported by `settled()`. */
  #failure: Error | undefined;
  /** Leaves appended to the log and not yet handed to the store. */
  #queue: AuditLeaf[] = [];
  /** Leaves being written now. */
  #writingCount = 0;
  /** The drain in progress, if any: it writes batches until the queue is empty. */
  #writing: Promise<void> | undefined;

  constructor(
    readonly node: string,
    readonly party: string,
    readonly partyOf: ReadonlyMap<string, string>,
    readonly store: Store,
    readonly now: () => number,
    /** Told of every refusal as it is noted. */
    readonly onRejection?: (r: { id: string; from: string; why: Rejection; detail: string }) => void,
    /** How long after a record the log is built (see the class); 0: when the current task ends. */
    readonly buildDelayMs = 0,
  ) {}

  /** The Merkle log, with every record taken so far in it. */
  get log(): MerkleLog {
    this.#build();
    return this.#log;
  }

  /** Waits until every record so far is in the store. */
  settled(): Promise<void> {
    this.#build();
    if (this.#failure) return Promise.reject(this.#failure);
    return this.#writing ?? Promise.resolve();
  }

  /** Records taken and store writes queued, not yet done. */
  get pendingWrites(): number {
    return this.#records.length + this.#queue.length + this.#writingCount;
  }

  /** A receipt of an item (or of a bundle's tracks) by the route `parties`. */
  receipt(item: Audited, parties: string[], at: number): void {
    this.append(() => ({
      ...subjectFields(item),
      kind: "receipt",
      node: this.node,
      at: new Date(at).toISOString(),
      sender: parties[0] as string,
      recipient: this.party,
      route: parties,
      outcome: "accept",
      reasons: [],
    }));
  }

  /** A release decision, relay or policy rejection, under `decision`. */
  record(
    kind: "release-decision" | "relay" | "rejection",
    decision: Decision,
    item: Audited,
    recipient: string,
    at: number,
    sender = this.party,
  ): void {
    if (kind === "rejection") {
      const reasons = decision.outcome === "deny" ? decision.reasons.map((r) => ({ code: r.code })) : [];
      this.append(() => ({
        ...subjectFields(item),
        kind: "rejection",
        node: this.node,
        at: new Date(at).toISOString(),
        sender,
        recipient,
        route: decision.route,
        outcome: "reject",
        reasons: reasons.length > 0 ? reasons : [{ code: "POLICY" }],
      }));
      return;
    }
    this.append(() => {
      const { item: id, items, itemHash } = subjectFields(item);
      return decisionRecord(decision, {
        kind,
        node: this.node,
        at,
        itemId: id,
        ...(items ? { items } : {}),
        sender,
        recipient,
        itemHash,
      });
    });
  }

  /**
   * Takes a record for the log (appended when the current task ends, see the class) and its store write.
   * A function is called then: the items it reads must not change meanwhile (they do not: a release's
   * item is the caller's, sanitised copies are new, and received items are parsed per delivery).
   */
  append(record: AuditRecord | (() => AuditRecord)): void {
    this.#records.push(typeof record === "function" ? record : () => record);
    if (this.#building !== undefined) return;
    const build = () => {
      this.#building = undefined;
      this.#build();
    };
    if (this.buildDelayMs > 0) {
      const timer = setTimeout(build, this.buildDelayMs);
      this.#building = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(build);
      this.#building = () => clearImmediate(immediate);
    }
  }

  /** Encodes and appends every record taken so far, and queues their store writes. */
  #build(): void {
    this.#building?.();
    this.#building = undefined;
    if (this.#records.length === 0) return;
    const records = this.#records;
    this.#records = [];
    for (const record of records) {
      let bytes: Uint8Array;
      try {
        bytes = encodeRecord(record());
      } catch (e) {
        this.#failure ??= new Error(`an audit record could not be encoded: ${String(e)}`, { cause: e });
        continue;
      }
      const index = this.#log.append(bytes);
      this.#queue.push({ index, bytes, leafHash: leafHash(bytes) });
    }
    this.#writing ??= this.#drain();
  }

  /**
   * Writes the queued leaves in batches (one transaction each, `appendAuditLeaves`) until none is left:
   * a leaf a transaction costs about 1.4 ms on PGlite, a leaf in a batch about 0.07 ms (bench/store.ts).
   * A failed batch goes back to the head of the queue, and `settled()` rejects.
   */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, 1000);
        this.#writingCount = batch.length;
        try {
          await this.store.appendAuditLeaves(batch);
        } catch (e) {
          this.#queue.unshift(...batch);
          throw e;
        } finally {
          this.#writingCount = 0;
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /** Notes a refusal whose audit record was already written. */
  note(d: Delivery, why: Rejection, detail: string): void {
    const r = { id: d.id, from: d.from, why, detail };
    this.rejections.push(r);
    this.onRejection?.(r);
  }

  /** Refuses a delivery and audits it; without a readable item the record names the delivery instead. */
  reject(d: Delivery, why: Rejection, detail: string, item?: Audited): void {
    this.note(d, why, detail);
    const fromParty = this.partyOf.get(d.from) ?? this.party;
    const subject: SubjectFields = item
      ? subjectFields(item)
      : { v: AUDIT_RECORD_VERSION, item: `delivery:${d.from}:${d.id}`, itemHash: itemDigest(d.payload) };
    this.append({
      ...subject,
      kind: "rejection",
      node: this.node,
      at: new Date(this.now()).toISOString(),
      sender: item?.label.originator ?? fromParty,
      recipient: this.party,
      route:
        item && item.label.originator !== this.party
          ? [item.label.originator, this.party]
          : [fromParty, this.party],
      outcome: "reject",
      reasons: [{ code: why }],
    });
  }
}
