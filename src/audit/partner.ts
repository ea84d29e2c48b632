/**
 * What one partner knows of another node's log: the signed heads it has accepted from that node, each
 * proved consistent with the largest one seen, and any misbehaviour found along the way. Two validly
 * signed heads of one size with different roots are a fork, proof enough on their own for a third party;
 * a head that no consistency proof joins to the heads already held means the node rewrote its history.
 */
import type { KeyObject } from "node:crypto";
import { type HeadFailure, type SignedTreeHead, toBase64, verifyTreeHead } from "./head.ts";
import { type ProofFailure, verifyConsistency } from "./proof.ts";

/** Evidence that a node's log was not append-only. */
export type Misbehaviour =
  | { kind: "fork"; first: SignedTreeHead; second: SignedTreeHead }
  | {
      kind: "inconsistent";
      older: SignedTreeHead;
      newer: SignedTreeHead;
      /** The proof the node offered, base64. */
      proof: string[];
      failure: ProofFailure;
    }
  | { kind: "time-reversed"; smaller: SignedTreeHead; larger: SignedTreeHead };

/** Why a head was not accepted. */
export type ObservationProblem = HeadFailure | "FORK" | "REWRITTEN_HISTORY" | "TIME_REVERSED";

/** The result of offering a head (and a consistency proof) to the view. */
export type Observation =
  | { accepted: true; relation: "first" | "same" | "extends" | "precedes"; head: SignedTreeHead }
  | { accepted: false; problem: ObservationProblem; message: string; evidence?: Misbehaviour };

interface Held {
  head: SignedTreeHead;
  root: Uint8Array;
}

/** One partner's record of the tree heads it has seen from one node's log. */
export class PartnerView {
  /** Accepted heads, one per size, ordered by size. */
  readonly #held: Held[] = [];
  readonly #misbehaviour: Misbehaviour[] = [];

  /** A view of log `logId`, whose heads verify with `publicKey` (Ed25519). */
  constructor(
    readonly logId: string,
    readonly publicKey: KeyObject,
  ) {}

  /** The largest accepted head, if any. */
  get latest(): SignedTreeHead | undefined {
    return this.#held[this.#held.length - 1]?.head;
  }

  /** Accepted heads, ordered by tree size. */
  get heads(): readonly SignedTreeHead[] {
    return this.#held.map((h) => h.head);
  }

  /** Misbehaviour found so far, in the order found. */
  get misbehaviour(): readonly Misbehaviour[] {
    return this.#misbehaviour.slice();
  }

  /**
   * Offers a signed head. `proof` is the consistency proof between it and the latest accepted head
   * (from the latest to it when it is larger, from it to the latest when smaller; empty for the first
   * head or one of a size already held). Heads arrive from partners, so `value` is unchecked input.
   */
  observe(value: unknown, proof: readonly Uint8Array[]): Observation {
    const checked = verifyTreeHead(value, this.publicKey, this.logId);
    if (!checked.ok) return { accepted: false, problem: checked.failure, message: checked.message };
    const head = checked.head;
    const incoming: Held = { head, root: checked.root };
    const latest = this.#held[this.#held.length - 1];
    if (!latest) {
      this.#held.push(incoming);
      return { accepted: true, relation: "first", head };
    }

    const sameSize = this.#held.find((h) => h.head.treeSize === head.treeSize);
    if (sameSize) {
      if (sameSize.head.rootHash === head.rootHash) return { accepted: true, relation: "same", head };
      return this.#reject("FORK", `two roots for ${this.logId}@${head.treeSize}`, {
        kind: "fork",
        first: sameSize.head,
        second: head,
      });
    }

    for (const h of this.#held) {
      const [smaller, larger] = h.head.treeSize < head.treeSize ? [h.head, head] : [head, h.head];
      if (smaller.timestamp > larger.timestamp) {
        return this.#reject(
          "TIME_REVERSED",
          `${this.logId}@${larger.treeSize} is stamped before ${this.logId}@${smaller.treeSize}`,
          { kind: "time-reversed", smaller, larger },
        );
      }
    }

    const grows = head.treeSize > latest.head.treeSize;
    const [older, newer] = grows ? [latest, incoming] : [incoming, latest];
    const check = verifyConsistency(older.head.treeSize, newer.head.treeSize, proof, older.root, newer.root);
    if (!check.ok) {
      return this.#reject(
        "REWRITTEN_HISTORY",
        `${this.logId}@${older.head.treeSize} is not a prefix of @${newer.head.treeSize}: ${check.message}`,
        {
          kind: "inconsistent",
          older: older.head,
          newer: newer.head,
          proof: proof.map(toBase64),
          failure: check.failure,
        },
      );
    }
    // Every held head is a prefix of the latest, so consistency with the latest is consistency with all.
    const at = this.#held.findIndex((h) => h.head.treeSize > head.treeSize);
    if (at === -1) this.#held.push(incoming);
    else this.#held.splice(at, 0, incoming);
    return { accepted: true, relation: grows ? "extends" : "precedes", head };
  }

  #reject(problem: ObservationProblem, message: string, evidence: Misbehaviour): Observation {
    this.#misbehaviour.push(evidence);
    return { accepted: false, problem, message, evidence };
  }
}
