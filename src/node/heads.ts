/**
 * Signed tree-head exchange between link partners. Each node signs the head of its own audit log and
 * sends it to every link partner with a consistency proof from the size it last sent that partner; the
 * partner checks it against the last head it holds of that log (`PartnerView`: fork, rewritten history,
 * time reversal) and stores what it accepted, and any signed evidence of misbehaviour. A partner whose
 * last head is not the one the proof starts from (a restart, a lost message) asks for a head with a proof
 * from the size it holds. Heads are signed by the log's own key, so they need no link channel: they
 * travel as report-class control messages (`control.ts`).
 */
import {
  fromBase64,
  type Misbehaviour,
  type Observation,
  PartnerView,
  SignedTreeHead,
  toBase64,
} from "../audit/index.ts";
import type { KeyRing } from "../keys/index.ts";
import type { TreeHeadRecord } from "../model/store-records.ts";
import { isoUtc } from "../model/time.ts";
import type { Store } from "../ports.ts";
import type { Control } from "./control.ts";

/** The tree-head messages of the control vocabulary. */
export type TreeHeadControl = Extract<Control, { kind: "tree-head" | "tree-head-request" }>;

/** A signed head as the store keeps it (bytes and epoch milliseconds). */
export function headRecord(head: SignedTreeHead): TreeHeadRecord {
  return {
    logId: head.logId,
    treeSize: head.treeSize,
    rootHash: fromBase64(head.rootHash),
    timestamp: Date.parse(head.timestamp),
    signature: fromBase64(head.signature),
  };
}

/** A stored head as it was signed (the timestamp spelt as `toISOString` spells it, as signed). */
export function headOfRecord(record: TreeHeadRecord): SignedTreeHead {
  return {
    logId: record.logId,
    treeSize: record.treeSize,
    rootHash: toBase64(record.rootHash),
    timestamp: isoUtc(record.timestamp),
    signature: toBase64(record.signature),
  };
}

/** What came of a partner's head. */
export type HeadOutcome =
  | { kind: "accepted"; observation: Observation & { accepted: true } }
  | { kind: "refused"; observation: Observation & { accepted: false } }
  /** The proof starts from another size than the one held: ask again from `have`. */
  | { kind: "ask"; have: number };

/** The heads this node holds of its partners' logs, one PartnerView per partner, mirrored in the store. */
export class PartnerHeads {
  readonly #views = new Map<string, PartnerView>();

  constructor(
    readonly partners: readonly string[],
    readonly ring: KeyRing,
    readonly store: Store,
  ) {}

  /** Restores each view from the largest head stored for that partner (accepted before a restart). */
  async load(): Promise<void> {
    for (const p of this.partners) {
      const stored = await this.store.treeHeads(p);
      const view = this.#view(p);
      const last = stored[stored.length - 1];
      if (view && last && view.latest === undefined) view.observe(headOfRecord(last), []);
    }
  }

  /** The view of `partner`'s log, if it is a partner with a known key. */
  view(partner: string): PartnerView | undefined {
    return this.#view(partner);
  }

  /** Every piece of misbehaviour found, by partner. */
  misbehaviour(): { partner: string; evidence: Misbehaviour }[] {
    return [...this.#views].flatMap(([partner, v]) =>
      v.misbehaviour.map((evidence) => ({ partner, evidence })),
    );
  }

  /** Offers a head `from` sent; stores it when accepted, and when it is signed evidence of misbehaviour. */
  async take(from: string, message: Extract<TreeHeadControl, { kind: "tree-head" }>): Promise<HeadOutcome> {
    const view = this.#view(from);
    if (!view) {
      const observation = {
        accepted: false as const,
        problem: "WRONG_LOG" as const,
        message: `${from} is not a link partner with a known key`,
      };
      return { kind: "refused", observation };
    }
    const held = view.latest;
    const size = (message.head as { treeSize?: unknown } | null)?.treeSize;
    const sameSize = typeof size === "number" && view.heads.some((h) => h.treeSize === size);
    if (held && !sameSize && held.treeSize !== message.proofFrom) return { kind: "ask", have: held.treeSize };
    const proof = held && !sameSize ? message.proof.map(fromBase64) : [];
    const observation = view.observe(message.head, proof);
    if (observation.accepted) {
      await this.store.putTreeHead(headRecord(observation.head));
      return { kind: "accepted", observation };
    }
    // A validly signed head that contradicts the ones held is evidence: kept beside them.
    if (observation.evidence) {
      await this.store.putTreeHead(headRecord(SignedTreeHead.parse(message.head)));
    }
    return { kind: "refused", observation };
  }

  #view(partner: string): PartnerView | undefined {
    if (!this.partners.includes(partner)) return undefined;
    let view = this.#views.get(partner);
    const key = this.ring.get(partner)?.sign;
    if (!view && key) {
      view = new PartnerView(partner, key);
      this.#views.set(partner, view);
    }
    return view;
  }
}
