// Signed tree-head exchange between link partners: every node sends its signed head to its partners,
// which check it against the last one (consistency proof) and keep it; a fork is flagged and audited.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTreeHead, toBase64, verifyHeadConsistency } from "../src/audit/index.ts";
import type { NodeKeys } from "../src/keys/index.ts";
import { isoUtc } from "../src/model/time.ts";
import { CONTROL_HEADER } from "../src/node/control.ts";
import { headOfRecord } from "../src/node/heads.ts";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { shiftDays, t, trackExample } from "./helpers/policy.ts";

const ROK = "ROK_KTMO_CELL";
const USFJ = "USFJ_C4I";
const JSDF = "JSDF";
const track = shiftDays(trackExample("rok-track-report"), 2);
let net: FakeTimeNetwork;

beforeAll(async () => {
  net = await fakeTimeNetwork(t(track.asOf), { conditions: { latencyMs: 1, jitterMs: 0 } });
});
afterAll(async () => net?.close());

const publishAll = async () => {
  for (const n of net.nodes.values()) await n.publishTreeHead();
  await net.quiesce();
};

describe("tree-head exchange", () => {
  it("each node keeps its own signed heads and its partners', proved consistent as the logs grow", async () => {
    await net.node(ROK).release(track, JSDF, "real-time");
    await net.quiesce();
    await publishAll();
    const jsdf = net.node(JSDF);
    const first = jsdf.partnerHeads(USFJ);
    expect(first.map((h) => h.treeSize)).toEqual([net.node(USFJ).log.size]);
    // Kept in the partner's store, and the node's own head in its own store.
    const stored = (await net.stores.get(JSDF)?.treeHeads(USFJ)) ?? [];
    expect(stored.map(headOfRecord)).toEqual(first);
    const own = (await net.stores.get(USFJ)?.treeHeads(USFJ)) ?? [];
    expect(own.at(-1)?.treeSize).toBe(net.node(USFJ).log.size);
    // ROK's partners are USFK and JSDF (the GSOMIA link): both hold its head.
    expect(net.node("USFK_TMO_CELL").partnerHeads(ROK)).toHaveLength(1);
    expect(jsdf.partnerHeads(ROK)).toHaveLength(1);

    // More traffic, new heads: accepted with a consistency proof from the previous one.
    const later = { ...track, id: `${track.id}-2`, asOf: new Date(t(track.asOf) + 2000).toISOString() };
    net.scheduler.advance(2000);
    await net.node(ROK).release(later, JSDF, "real-time");
    await net.quiesce();
    await publishAll();
    const heads = jsdf.partnerHeads(USFJ);
    expect(heads.map((h) => h.treeSize)).toEqual([first[0]?.treeSize, net.node(USFJ).log.size]);
    expect(heads[1]?.treeSize).toBeGreaterThan(heads[0]?.treeSize ?? 0);
    const usfjLog = net.node(USFJ).log;
    const [a, b] = heads;
    if (!a || !b) throw new Error("two heads");
    const proof = usfjLog.consistencyProof(a.treeSize, b.treeSize);
    const key = net.ring.get(USFJ)?.sign;
    if (!key) throw new Error("key");
    expect(verifyHeadConsistency(a, b, proof, key).ok).toBe(true);
    expect(jsdf.partnerMisbehaviour).toEqual([]);
  });

  it("a partner asked on demand answers with a proof from the head the asker holds", async () => {
    const jsdf = net.node(JSDF);
    const before = jsdf.partnerHeads(USFJ).length;
    const extra = { ...track, id: `${track.id}-3`, asOf: new Date(net.now()).toISOString() };
    await net.node(ROK).release(extra, JSDF, "real-time");
    await net.quiesce();
    await jsdf.requestTreeHead(USFJ);
    await net.quiesce();
    const heads = jsdf.partnerHeads(USFJ);
    expect(heads).toHaveLength(before + 1);
    expect(heads.at(-1)?.treeSize).toBe(net.node(USFJ).log.size);
  });

  it("flags a fork (two signed roots for one size), audits it and keeps both heads as evidence", async () => {
    const jsdf = net.node(JSDF);
    const held = jsdf.partnerHeads(USFJ).at(-1);
    if (!held) throw new Error("no head");
    // USFJ (or whoever holds its key) signs a different root for a size JSDF already holds.
    const forged = signTreeHead(
      {
        logId: USFJ,
        treeSize: held.treeSize,
        rootHash: toBase64(randomBytes(32)),
        timestamp: isoUtc(net.now()),
      },
      (net.keys.get(USFJ) as NodeKeys).sign.privateKey,
    );
    const endpoint = await net.transport.connect(USFJ);
    const control = { kind: "tree-head", head: forged, proofFrom: held.treeSize, proof: [] };
    const size = jsdf.log.size;
    await endpoint.send(JSDF, {
      id: "forged-head",
      class: "report",
      payload: new TextEncoder().encode(JSON.stringify(control)),
      headers: { [CONTROL_HEADER]: "tree-head" },
    });
    await net.quiesce();
    expect(jsdf.partnerMisbehaviour.map((m) => [m.partner, m.evidence.kind])).toEqual([[USFJ, "fork"]]);
    expect(jsdf.rejections.at(-1)?.why).toBe("TREE_HEAD_FORK");
    expect(jsdf.log.size).toBe(size + 1); // audited
    const kept = ((await net.stores.get(JSDF)?.treeHeads(USFJ)) ?? []).filter(
      (h) => h.treeSize === held.treeSize,
    );
    expect(kept).toHaveLength(2);
    // The accepted heads are unchanged.
    expect(jsdf.partnerHeads(USFJ).at(-1)).toEqual(held);
  });

  it("refuses a head not signed by the partner's key", async () => {
    const jsdf = net.node(JSDF);
    const held = jsdf.partnerHeads(USFJ).at(-1);
    if (!held) throw new Error("no head");
    const bySomeoneElse = signTreeHead(
      {
        logId: USFJ,
        treeSize: held.treeSize + 5,
        rootHash: toBase64(randomBytes(32)),
        timestamp: isoUtc(net.now()),
      },
      (net.keys.get(ROK) as NodeKeys).sign.privateKey,
    );
    const endpoint = await net.transport.connect(USFJ);
    await endpoint.send(JSDF, {
      id: "badly-signed-head",
      class: "report",
      payload: new TextEncoder().encode(
        JSON.stringify({ kind: "tree-head", head: bySomeoneElse, proofFrom: held.treeSize, proof: [] }),
      ),
      headers: { [CONTROL_HEADER]: "tree-head" },
    });
    await net.quiesce();
    expect(jsdf.rejections.at(-1)?.why).toBe("TREE_HEAD_BAD_SIGNATURE");
    expect(jsdf.partnerHeads(USFJ).at(-1)).toEqual(held);
  });
});
