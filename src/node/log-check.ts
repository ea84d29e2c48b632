/**
 * Checking a node's audit log as its store holds it, for an auditor (`triwatch audit verify`): every
 * leaf against its stored hash and the record schema, the indices for gaps, the rebuilt Merkle log
 * against every signed head the node made of it, inclusion proofs of chosen items against the latest
 * signed head that covers them, and the heads the node holds of its partners' logs (signatures, forks,
 * and, given a partner's own store, consistency with the partner's log). A changed leaf shows as a leaf
 * whose bytes do not match its hash or, if the hash was rewritten too, as a root that no longer matches
 * a signed head; a dropped leaf as a gap or a log shorter than a signed head.
 */

import type { AuditRecord } from "../audit/index.ts";
import {
  decodeRecord,
  equalBytes,
  leafHash,
  MerkleLog,
  type SignedTreeHead,
  toBase64,
  verifyHeadConsistency,
  verifyRecordInclusion,
  verifyTreeHead,
} from "../audit/index.ts";
import type { KeyRing } from "../keys/index.ts";
import type { Store } from "../ports.ts";
import { headOfRecord } from "./heads.ts";

/** One problem found, with a stable code. */
export interface LogProblem {
  code:
    | "CHANGED_LEAF"
    | "DROPPED_LEAF"
    | "UNDECODABLE_LEAF"
    | "FOREIGN_LEAF"
    | "BAD_HEAD"
    | "ROOT_MISMATCH"
    | "LOG_SHORTER_THAN_HEAD"
    | "FORK"
    | "INCLUSION_FAILED"
    | "ITEM_NOT_FOUND"
    | "ITEM_NOT_COVERED"
    | "PARTNER_INCONSISTENT";
  message: string;
  /** The leaf index or tree size concerned. */
  at?: number;
  /** The log concerned (this node's, or a partner's). */
  log: string;
}

/** An inclusion proof of one leaf about an item. */
export interface ItemInclusion {
  item: string;
  /** The bundle whose record names the item, when the leaf is about a bundle of tracks. */
  bundle?: string;
  index: number;
  kind: AuditRecord["kind"];
  treeSize: number;
  /** The audit path, base64 hashes. */
  proof: string[];
  ok: boolean;
}

/** What was checked and found. */
export interface LogCheckReport {
  node: string;
  leaves: number;
  /** This node's signed heads checked against the log. */
  heads: { treeSize: number; timestamp: string; ok: boolean }[];
  inclusions: ItemInclusion[];
  /** Per partner: the heads held and how far they were checked. */
  partners: { partner: string; heads: number; checkedAgainstLog: boolean }[];
  problems: LogProblem[];
  ok: boolean;
}

/** What to check. */
export interface LogCheckArgs {
  store: Store;
  node: string;
  ring: KeyRing;
  /** Items whose leaves get an inclusion proof. */
  items?: readonly string[];
  /** Partners whose heads (held in `store`) are checked; with a store, against that partner's own log. */
  partners?: readonly { id: string; store?: Store }[];
}

const PAGE = 10_000;

/** Reads a node's leaves from its store into a Merkle log, noting every leaf that fails a check. */
async function readLog(
  store: Store,
  node: string,
  problems: LogProblem[],
): Promise<{ log: MerkleLog; records: (AuditRecord | undefined)[] }> {
  const size = await store.auditSize();
  const log = new MerkleLog();
  const records: (AuditRecord | undefined)[] = [];
  for (let from = 0; from < size; from += PAGE) {
    for (const leaf of await store.auditLeaves(from, Math.min(size, from + PAGE))) {
      while (log.size < leaf.index) {
        problems.push({
          code: "DROPPED_LEAF",
          message: `leaf ${log.size} is missing`,
          at: log.size,
          log: node,
        });
        // The gap is kept as an empty leaf, so later indices stay where they were signed.
        log.append(new Uint8Array(0));
        records.push(undefined);
      }
      const hash = leafHash(leaf.bytes);
      if (!equalBytes(hash, leaf.leafHash)) {
        problems.push({
          code: "CHANGED_LEAF",
          message: `leaf ${leaf.index}: its bytes do not match the hash stored with them`,
          at: leaf.index,
          log: node,
        });
      }
      const decoded = decodeRecord(leaf.bytes);
      if (!decoded.ok) {
        problems.push({
          code: "UNDECODABLE_LEAF",
          message: `leaf ${leaf.index}: ${decoded.why}`,
          at: leaf.index,
          log: node,
        });
      } else if (decoded.record.node !== node) {
        const message = `leaf ${leaf.index} is ${decoded.record.node}'s record`;
        problems.push({ code: "FOREIGN_LEAF", message, at: leaf.index, log: node });
      }
      log.append(leaf.bytes);
      records.push(decoded.ok ? decoded.record : undefined);
    }
  }
  return { log, records };
}

/** Heads stored for `logId` whose signatures verify; the others are problems. */
function verifiedHeads(
  stored: readonly SignedTreeHead[],
  logId: string,
  ring: KeyRing,
  problems: LogProblem[],
): SignedTreeHead[] {
  const key = ring.get(logId)?.sign;
  if (!key) {
    problems.push({ code: "BAD_HEAD", message: `no public key for ${logId}`, log: logId });
    return [];
  }
  const good: SignedTreeHead[] = [];
  for (const head of stored) {
    const checked = verifyTreeHead(head, key, logId);
    if (checked.ok) good.push(head);
    else problems.push({ code: "BAD_HEAD", message: checked.message, at: head.treeSize, log: logId });
  }
  for (let i = 1; i < good.length; i++) {
    const [a, b] = [good[i - 1] as SignedTreeHead, good[i] as SignedTreeHead];
    if (a.treeSize === b.treeSize && a.rootHash !== b.rootHash) {
      problems.push({
        code: "FORK",
        message: `two signed roots for ${logId}@${a.treeSize}`,
        at: a.treeSize,
        log: logId,
      });
    }
  }
  return good;
}

/** Checks a node's log, its signed heads, inclusion of the given items, and the partners' heads it holds. */
export async function checkNodeLog(args: LogCheckArgs): Promise<LogCheckReport> {
  const { store, node, ring } = args;
  const problems: LogProblem[] = [];
  const { log, records } = await readLog(store, node, problems);
  const own = verifiedHeads((await store.treeHeads(node)).map(headOfRecord), node, ring, problems);
  const heads = own.map((head) => {
    let ok = true;
    if (head.treeSize > log.size) {
      ok = false;
      const message = `the store holds ${log.size} leaves; ${node} signed a head of ${head.treeSize}`;
      problems.push({ code: "LOG_SHORTER_THAN_HEAD", message, at: head.treeSize, log: node });
    } else if (toBase64(log.root(head.treeSize)) !== head.rootHash) {
      ok = false;
      const message = `the stored leaves do not rebuild the signed root of ${node}@${head.treeSize}`;
      problems.push({ code: "ROOT_MISMATCH", message, at: head.treeSize, log: node });
    }
    return { treeSize: head.treeSize, timestamp: head.timestamp, ok };
  });

  const inclusions: ItemInclusion[] = [];
  const key = ring.get(node)?.sign;
  for (const item of args.items ?? []) {
    // A leaf names the item itself, or lists it among a bundle's tracks (a version 2 record).
    const indices = records.flatMap((r, i) => (r?.item === item || r?.items?.includes(item) ? [i] : []));
    if (indices.length === 0) {
      problems.push({ code: "ITEM_NOT_FOUND", message: `no leaf about ${item}`, log: node });
      continue;
    }
    for (const index of indices) {
      const record = records[index] as AuditRecord;
      const head = [...own].reverse().find((h) => h.treeSize > index && h.treeSize <= log.size);
      if (!head || !key) {
        problems.push({
          code: "ITEM_NOT_COVERED",
          message: `leaf ${index} (${item}) is under no signed head yet`,
          at: index,
          log: node,
        });
        continue;
      }
      const proof = log.inclusionProof(index, head.treeSize);
      const ok = verifyRecordInclusion(record, index, proof, head, key).ok;
      if (!ok)
        problems.push({
          code: "INCLUSION_FAILED",
          message: `leaf ${index} (${item}) is not in ${node}@${head.treeSize}`,
          at: index,
          log: node,
        });
      inclusions.push({
        item,
        ...(record.item !== item ? { bundle: record.item } : {}),
        index,
        kind: record.kind,
        treeSize: head.treeSize,
        proof: proof.map(toBase64),
        ok,
      });
    }
  }

  const partners: LogCheckReport["partners"] = [];
  for (const partner of args.partners ?? []) {
    const held = verifiedHeads(
      (await store.treeHeads(partner.id)).map(headOfRecord),
      partner.id,
      ring,
      problems,
    );
    partners.push({
      partner: partner.id,
      heads: held.length,
      checkedAgainstLog: partner.store !== undefined,
    });
    if (!partner.store) continue;
    const theirs = await readLog(partner.store, partner.id, problems);
    const partnerKey = ring.get(partner.id)?.sign;
    for (const [i, head] of held.entries()) {
      if (head.treeSize > theirs.log.size || toBase64(theirs.log.root(head.treeSize)) !== head.rootHash) {
        const message = `${node} holds ${partner.id}@${head.treeSize}, which ${partner.id}'s stored log does not rebuild`;
        problems.push({ code: "PARTNER_INCONSISTENT", message, at: head.treeSize, log: partner.id });
        continue;
      }
      const next = held[i + 1];
      if (next && partnerKey && next.treeSize > head.treeSize && next.treeSize <= theirs.log.size) {
        const proof = theirs.log.consistencyProof(head.treeSize, next.treeSize);
        const check = verifyHeadConsistency(head, next, proof, partnerKey);
        if (!check.ok) {
          const message = `${partner.id}@${head.treeSize} and @${next.treeSize}: ${check.message}`;
          problems.push({ code: "PARTNER_INCONSISTENT", message, at: next.treeSize, log: partner.id });
        }
      }
    }
  }
  return { node, leaves: log.size, heads, inclusions, partners, problems, ok: problems.length === 0 };
}
