// Signed tree heads and a partner's view of a node's log: extension, forks, rewritten history.
import { describe, expect, it } from "vitest";
import { toHex } from "./hash.ts";
import {
  type SignedTreeHead,
  signTreeHead,
  treeHeadOf,
  treeHeadSigningBytes,
  verifyTreeHead,
} from "./head.ts";
import { PartnerView } from "./partner.ts";
import { encodeRecord } from "./record.ts";
import { ed25519, sampleRecord, sampleRecords } from "./testing/fixtures.ts";
import { MerkleLog } from "./tree.ts";
import { logOfRecords } from "./verify.ts";

const NODE = "ROK_KTMO_CELL";
const T0 = Date.UTC(2023, 11, 20, 0, 0, 0);
const keys = ed25519();
const sthOf = (log: MerkleLog, at: number): SignedTreeHead =>
  signTreeHead(treeHeadOf(log, NODE, at), keys.privateKey);

describe("signed tree heads", () => {
  const log = logOfRecords(sampleRecords(7));
  const sth = sthOf(log, T0);

  it("verify with the node's key and carry the root", () => {
    const checked = verifyTreeHead(sth, keys.publicKey, NODE);
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(toHex(checked.root)).toBe(toHex(log.root()));
    expect(sth).toMatchObject({ logId: NODE, treeSize: 7, timestamp: "2023-12-20T00:00:00.000Z" });
  });

  it("sign the domain-separated canonical JSON of the head", () => {
    const text = new TextDecoder().decode(treeHeadSigningBytes(sth));
    expect(text).toBe(
      `triwatch/audit/tree-head/v1\n{"logId":"${NODE}","rootHash":"${sth.rootHash}","timestamp":"2023-12-20T00:00:00.000Z","treeSize":7}`,
    );
  });

  it("refuse any change to a signed field, another key, another log, or a malformed head", () => {
    const other = ed25519();
    const changed: unknown[] = [
      { ...sth, treeSize: 8 },
      { ...sth, timestamp: "2023-12-20T00:00:01.000Z" },
      { ...sth, rootHash: signTreeHead(treeHeadOf(new MerkleLog(), NODE, T0), keys.privateKey).rootHash },
      signTreeHead(treeHeadOf(log, NODE, T0), other.privateKey),
    ];
    for (const h of changed)
      expect(verifyTreeHead(h, keys.publicKey, NODE)).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
    expect(verifyTreeHead(sth, keys.publicKey, "JSDF")).toMatchObject({ ok: false, failure: "WRONG_LOG" });
    expect(verifyTreeHead({ ...sth, signature: "AAAA" }, keys.publicKey)).toMatchObject({
      failure: "MALFORMED",
    });
    expect(verifyTreeHead({ ...sth, extra: 1 }, keys.publicKey)).toMatchObject({ failure: "MALFORMED" });
    expect(verifyTreeHead("not a head", keys.publicKey)).toMatchObject({ failure: "MALFORMED" });
  });

  it("refuse keys that are not Ed25519 of the right kind", () => {
    expect(() => signTreeHead(treeHeadOf(log, NODE, T0), keys.publicKey)).toThrow(
      expect.objectContaining({ code: "BAD_KEY" }),
    );
    expect(() => verifyTreeHead(sth, keys.privateKey)).toThrow(expect.objectContaining({ code: "BAD_KEY" }));
  });
});

describe("PartnerView", () => {
  function growingNode() {
    const log = new MerkleLog();
    let n = 0;
    return {
      log,
      grow(count: number) {
        for (let i = 0; i < count; i++) log.append(encodeRecord(sampleRecord(n++)));
      },
    };
  }

  it("accepts heads that extend, repeat or precede what it holds, each by a consistency proof", () => {
    const node = growingNode();
    const view = new PartnerView(NODE, keys.publicKey);
    node.grow(5);
    const h5 = sthOf(node.log, T0);
    expect(view.observe(h5, [])).toMatchObject({ accepted: true, relation: "first" });
    node.grow(3);
    const h8 = sthOf(node.log, T0 + 1000);
    node.grow(9);
    const h17 = sthOf(node.log, T0 + 2000);
    expect(view.observe(h17, node.log.consistencyProof(5, 17))).toMatchObject({
      accepted: true,
      relation: "extends",
    });
    expect(view.observe(h5, [])).toMatchObject({ accepted: true, relation: "same" });
    expect(view.observe(h8, node.log.consistencyProof(8, 17))).toMatchObject({
      accepted: true,
      relation: "precedes",
    });
    expect(view.heads.map((h) => h.treeSize)).toEqual([5, 8, 17]);
    expect(view.latest).toEqual(h17);
    expect(view.misbehaviour).toEqual([]);
  });

  it("flags a fork: two signed heads of one size with different roots", () => {
    const honest = logOfRecords(sampleRecords(10));
    const view = new PartnerView(NODE, keys.publicKey);
    view.observe(sthOf(honest, T0), []);
    const forked = logOfRecords([...sampleRecords(9), sampleRecord(10)]);
    const result = view.observe(sthOf(forked, T0 + 1000), []);
    expect(result).toMatchObject({ accepted: false, problem: "FORK", evidence: { kind: "fork" } });
    expect(view.misbehaviour).toHaveLength(1);
    expect(view.heads).toHaveLength(1);
  });

  it("flags rewritten history: a changed or dropped leaf breaks consistency with the held head", () => {
    const records = sampleRecords(10);
    const view = new PartnerView(NODE, keys.publicKey);
    view.observe(sthOf(logOfRecords(records), T0), []);

    const changed = records.map((r, i) => (i === 3 ? { ...r, item: "rok-3-edited" } : r));
    const changedLog = logOfRecords([...changed, ...sampleRecords(14).slice(10)]);
    const a = view.observe(sthOf(changedLog, T0 + 1000), changedLog.consistencyProof(10));
    expect(a).toMatchObject({
      accepted: false,
      problem: "REWRITTEN_HISTORY",
      evidence: { kind: "inconsistent" },
    });

    const dropped = logOfRecords([
      ...records.slice(0, 4),
      ...records.slice(5),
      ...sampleRecords(14).slice(10),
    ]);
    const b = view.observe(sthOf(dropped, T0 + 2000), dropped.consistencyProof(10));
    expect(b).toMatchObject({ accepted: false, problem: "REWRITTEN_HISTORY" });

    // Not even a proof made against the honest log helps a rewritten head through.
    const honest = logOfRecords(sampleRecords(13));
    const c = view.observe(sthOf(dropped, T0 + 3000), honest.consistencyProof(10));
    expect(c).toMatchObject({ accepted: false, problem: "REWRITTEN_HISTORY" });
    expect(view.misbehaviour.map((m) => m.kind)).toEqual(["inconsistent", "inconsistent", "inconsistent"]);
    expect(view.latest?.treeSize).toBe(10);
  });

  it("flags a larger tree stamped before a smaller one, and ignores heads that do not verify", () => {
    const node = growingNode();
    const view = new PartnerView(NODE, keys.publicKey);
    node.grow(4);
    view.observe(sthOf(node.log, T0 + 5000), []);
    node.grow(4);
    const early = sthOf(node.log, T0);
    expect(view.observe(early, node.log.consistencyProof(4))).toMatchObject({
      accepted: false,
      problem: "TIME_REVERSED",
    });
    const forged = signTreeHead(treeHeadOf(node.log, NODE, T0 + 6000), ed25519().privateKey);
    expect(view.observe(forged, node.log.consistencyProof(4))).toMatchObject({
      accepted: false,
      problem: "BAD_SIGNATURE",
    });
    expect(view.heads).toHaveLength(1);
    expect(view.misbehaviour.map((m) => m.kind)).toEqual(["time-reversed"]);
  });
});
