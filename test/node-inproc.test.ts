// Five national nodes on the in-process transport with in-memory PGlite stores: what each receives,
// by which path, and what each audits.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InProcessTransport } from "../src/adapters/inproc/index.ts";
import { PgliteStore } from "../src/adapters/pglite/pglite-store.ts";
import { cachedPgliteTemplate } from "../src/adapters/pglite/template-cache.ts";
import { decodeRecord } from "../src/audit/index.ts";
import { finishHandshake, makeRelease, sealFrame, signBatch, startHandshake } from "../src/envelope/index.ts";
import { generateNodeKeys, keyRingFromBundles, type NodeKeys, publicBundle } from "../src/keys/index.ts";
import type { Item, TrackReport } from "../src/model/item.ts";
import { linkNodes, linkPair } from "../src/node/links.ts";
import { TriwatchNode } from "../src/node/node.ts";
import { channelNonce, ENVELOPE_LIMITS } from "../src/node/secure.ts";
import { decide } from "../src/policy/decide.ts";
import type { TransportEndpoint } from "../src/ports.ts";
import { example, project, shiftDays, t, trackExample } from "./helpers/policy.ts";

/** One network for the file (PGlite stores take seconds to start); tests use distinct items and the clock. */
const clock = { now: 0 };
let nodes: Map<string, TriwatchNode>;
let close: () => Promise<void>;
let keys: Map<string, NodeKeys>;
let ring: Exclude<ReturnType<typeof keyRingFromBundles>, { ok: false }>["ring"];
/** Each node's transport endpoint and store, for tests that put bytes on a link or read the audit. */
const endpoints = new Map<string, TransportEndpoint>();
const storeOf = new Map<string, PgliteStore>();
/** The last payload each node sent to each neighbour, keyed `from>to`. */
const sent = new Map<string, Uint8Array>();
/** Each report a node acknowledged: its delivery id and the node's stored audit size at that moment. */
const reportAcks: { node: string; id: string; stored: Promise<number> }[] = [];

beforeAll(async () => {
  const { topology, policy } = project();
  const transport = new InProcessTransport({ topology });
  const template = await cachedPgliteTemplate({ migrated: true });
  nodes = new Map();
  const stores: PgliteStore[] = [];
  // Each node's keys; every node holds the ring of all public bundles, as the topology distributes them.
  keys = new Map<string, NodeKeys>(topology.nodes.map((n) => [n.id, generateNodeKeys(n.id)]));
  const bundles = keyRingFromBundles([...keys.values()].map(publicBundle));
  if (!bundles.ok) throw new Error(bundles.message);
  ring = bundles.ring;
  for (const spec of topology.nodes) {
    const store = new PgliteStore({ template });
    await store.migrate();
    stores.push(store);
    storeOf.set(spec.id, store);
    const endpoint = await transport.connect(spec.id);
    endpoints.set(spec.id, endpoint);
    const tapped: TransportEndpoint = {
      nodeId: endpoint.nodeId,
      send: (to, m) => {
        sent.set(`${spec.id}>${to}`, m.payload);
        return endpoint.send(to, m);
      },
      subscribe: (h) =>
        endpoint.subscribe((d) =>
          h(
            Object.create(d, {
              ack: {
                value: () => {
                  // Asked at the ack, so it counts every store write the node had begun by then.
                  if (d.class === "report")
                    reportAcks.push({ node: spec.id, id: d.id, stored: store.auditSize() });
                  d.ack();
                },
              },
            }),
          ),
        ),
      close: () => endpoint.close(),
    };
    const n = new TriwatchNode({
      keys: keys.get(spec.id) as NodeKeys,
      ring,
      spec,
      topology,
      policy,
      store,
      endpoint: tapped,
      now: () => clock.now,
    });
    await n.start();
    nodes.set(spec.id, n);
  }
  // The signed link handshakes, run directly between the node objects (links.ts).
  await linkNodes(topology, nodes);
  close = async () => {
    for (const n of nodes.values()) await n.stop();
    await transport.close();
    for (const st of stores) await st.close();
  };
});
afterAll(async () => close?.());

const node = (id: string) => nodes.get(id) as TriwatchNode;
/** Audit log sizes of every node, to see what one step added. */
const sizes = () => Object.fromEntries([...nodes].map(([id, n]) => [id, n.log.size]));
const added = (before: Record<string, number>) =>
  Object.fromEntries([...nodes].map(([id, n]) => [id, n.log.size - (before[id] ?? 0)]));
/** Rejections a node noted after a mark. */
const marks = () => Object.fromEntries([...nodes].map(([id, n]) => [id, n.rejections.length]));
const since = (mark: Record<string, number>, id: string) => node(id).rejections.slice(mark[id] ?? 0);
const NONE = { ROK_KTMO_CELL: 0, USFK_TMO_CELL: 0, INDOPACOM_LINK_CTRL_HI: 0, USFJ_C4I: 0, JSDF: 0 };
/** One record at every node on the route: the release, three relays, a receipt. */
const ONE_EACH = { ROK_KTMO_CELL: 1, USFK_TMO_CELL: 1, INDOPACOM_LINK_CTRL_HI: 1, USFJ_C4I: 1, JSDF: 1 };

describe("national nodes in one process", () => {
  it("carries a ROK track to JSDF through the US hub in real time on 2023-12-20, sanitised", async () => {
    const track = shiftDays(trackExample("rok-track-report"), 2);
    clock.now = t(track.asOf);
    const before = sizes();
    const plan = await node("ROK_KTMO_CELL").release(track, "JSDF", "real-time");
    expect(plan.ok && plan.path).toEqual([
      "ROK_KTMO_CELL",
      "USFK_TMO_CELL",
      "INDOPACOM_LINK_CTRL_HI",
      "USFJ_C4I",
      "JSDF",
    ]);
    await vi.waitFor(() => expect(node("JSDF").picture.get("KOR:KTMO-0417")?.item.asOf).toBe(track.asOf));
    const held = node("JSDF").picture.get("KOR:KTMO-0417");
    expect(held?.item).not.toHaveProperty("sensor");
    expect(held?.stale).toBe(false);
    // Every node on the way audited what it did: a release, three relays, a receipt.
    await vi.waitFor(() => expect(added(before)).toEqual(ONE_EACH));
  });

  it("bundles the tracks released in one task: each node audits the bundle once, naming every track", async () => {
    const base = shiftDays(trackExample("rok-track-report"), 2);
    clock.now = t(base.asOf);
    const tracks = Array.from({ length: 5 }, (_, i) => ({
      ...base,
      id: `${base.id}-BUNDLE-${i}`,
      trackId: `KTMO-BUNDLE-${i}`,
    }));
    const before = sizes();
    await Promise.all(tracks.map((tr) => node("ROK_KTMO_CELL").release(tr, "JSDF", "real-time")));
    await vi.waitFor(() =>
      expect(tracks.filter((tr) => node("JSDF").picture.has(`KOR:${tr.trackId}`))).toHaveLength(5),
    );
    // One record per node for the five: the release, three relays, one receipt.
    await vi.waitFor(() => expect(added(before)).toEqual(ONE_EACH));
    const records = [];
    for (const [id, n] of nodes) {
      await n.settled();
      const from = before[id] ?? 0;
      const [leaf] = await (storeOf.get(id) as PgliteStore).auditLeaves(from, from + 1);
      const decoded = decodeRecord(leaf?.bytes ?? new Uint8Array());
      if (!decoded.ok) throw new Error(`${id}: ${decoded.why}`);
      records.push(decoded.record);
    }
    expect(records.map((r) => r.kind)).toEqual(["release-decision", "relay", "relay", "relay", "receipt"]);
    for (const r of records) {
      expect(r.v).toBe(2);
      expect(r.items).toEqual(tracks.map((tr) => tr.id));
      expect(r.item).toMatch(/^bundle:ROK_KTMO_CELL:R/);
    }
    // Every node names the same signed bytes: one bundle id and one digest along the route.
    expect(new Set(records.map((r) => `${r.item} ${r.itemHash}`)).size).toBe(1);
  });

  it("takes or refuses each track of a bundle on its own at the final recipient", async () => {
    const base = { ...shiftDays(trackExample("rok-track-report"), 2), trackId: "KTMO-BUNDLE-0" };
    clock.now = t(base.asOf);
    const held = node("JSDF").picture.get("KOR:KTMO-BUNDLE-0")?.item.asOf;
    expect(held).toBe(base.asOf); // from the test before
    const mark = marks();
    const before = sizes();
    const older = { ...base, id: `${base.id}-OLDER`, asOf: new Date(t(base.asOf) - 1_000).toISOString() };
    const fresh = { ...base, id: `${base.id}-FRESH`, trackId: "KTMO-BUNDLE-NEW" };
    await Promise.all([older, fresh].map((tr) => node("ROK_KTMO_CELL").release(tr, "JSDF", "real-time")));
    await vi.waitFor(() => expect(node("JSDF").picture.has("KOR:KTMO-BUNDLE-NEW")).toBe(true));
    await vi.waitFor(() => expect(since(mark, "JSDF").map((r) => r.why)).toEqual(["SUPERSEDED"]));
    expect(node("JSDF").picture.get("KOR:KTMO-BUNDLE-0")?.item.asOf).toBe(held);
    // JSDF: a rejection of the older track, then a receipt naming only the fresh one.
    await vi.waitFor(() => expect(added(before).JSDF).toBe(2));
    await node("JSDF").settled();
    const from = before.JSDF ?? 0;
    const leaves = await (storeOf.get("JSDF") as PgliteStore).auditLeaves(from, from + 2);
    const records = leaves.map((l) => decodeRecord(l.bytes)).map((d) => (d.ok ? d.record : d.why));
    expect(records).toMatchObject([
      { kind: "rejection", v: 1, item: older.id, reasons: [{ code: "SUPERSEDED" }] },
      { kind: "receipt", v: 2, items: [fresh.id] },
    ]);
  });

  it("finds no real-time path on 2023-12-18, and audits the refusal", async () => {
    const track = { ...trackExample("rok-track-report"), trackId: "KTMO-1218" };
    clock.now = t(track.asOf);
    const before = sizes();
    const plan = await node("ROK_KTMO_CELL").release(track, "JSDF", "real-time");
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.decision.outcome).toBe("deny");
    await new Promise((r) => setTimeout(r, 100));
    expect(node("JSDF").picture.has("KOR:KTMO-1218")).toBe(false);
    expect(added(before)).toEqual({ ...NONE, ROK_KTMO_CELL: 1 });
  });

  it("uses the direct GSOMIA link for case-by-case exchange, and keeps a report exactly once", async () => {
    const report = example("intel-nuclear-test");
    clock.now = t("2017-09-03T05:00:00Z");
    const before = sizes();
    const mark = marks();
    const plan = await node("ROK_KTMO_CELL").release(report, "JSDF", "deferred");
    expect(plan.ok && plan.path).toEqual(["ROK_KTMO_CELL", "JSDF"]);
    expect(plan.ok && plan.decision.agreement).toBe("jpn-kor-gsomia-2016");
    await vi.waitFor(() => expect(added(before)).toEqual({ ...NONE, ROK_KTMO_CELL: 1, JSDF: 1 }));
    // The same report released again comes in a new envelope but is the same item: stored once.
    await node("ROK_KTMO_CELL").release(report, "JSDF", "deferred");
    await vi.waitFor(() => expect(since(mark, "JSDF").map((r) => r.why)).toEqual(["DUPLICATE"]));
  });

  it("under TISA, the hub relays a ROK report to Japan only with ROK's approval", async () => {
    const report: Item = { ...example("intel-nuclear-test"), id: "KOR-IR-TISA-0001" };
    clock.now = t("2016-01-10T00:00:00Z");
    const mark = marks();
    const before = sizes();
    // Before GSOMIA the only path is through the US; the relay out of the US needs ROK's approval.
    const plan = await node("ROK_KTMO_CELL").release(report, "JSDF", "deferred");
    expect(plan.ok && plan.decision.agreement).toBe("tisa-2014");
    await vi.waitFor(() => expect(since(mark, "USFJ_C4I").map((r) => r.why)).toEqual(["POLICY"]));
    expect(since(mark, "USFJ_C4I")[0]?.detail).toContain("NO_ORIGINATOR_CONSENT");
    expect(added(before).JSDF).toBe(0);

    const approved: Item = {
      ...report,
      id: "KOR-IR-TISA-0002",
      label: { ...report.label, approvals: [{ to: "JPN", at: "2016-01-09T00:00:00Z", ref: "MND-0001" }] },
    };
    await node("ROK_KTMO_CELL").release(approved, "JSDF", "deferred");
    await vi.waitFor(() => expect(added(before).JSDF).toBe(1));
    expect(since(mark, "JSDF")).toEqual([]);
  });

  it("acknowledges a report it relays or takes only once its audit records are in its store", async () => {
    const report: Item = {
      ...example("intel-nuclear-test"),
      id: "KOR-IR-TISA-ACK",
      label: {
        ...example("intel-nuclear-test").label,
        approvals: [{ to: "JPN", at: "2016-01-09T00:00:00Z", ref: "MND-0002" }],
      },
    };
    clock.now = t("2016-01-10T00:00:00Z");
    const from = reportAcks.length;
    const before = sizes();
    await node("ROK_KTMO_CELL").release(report, "JSDF", "deferred");
    await vi.waitFor(() => expect(added(before).JSDF).toBe(1));
    const acks = reportAcks.slice(from);
    // The hub's three nodes relayed it and JSDF took it, each acknowledging once.
    expect(acks.map((a) => a.node)).toEqual(["USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"]);
    for (const a of acks) {
      // Every record the node had taken by then (its relay or receipt among them) was in the store.
      const logged = before[a.node] ?? 0;
      expect(await a.stored, a.node).toBeGreaterThanOrEqual(logged + 1);
    }
  });

  it("never shows an older or stale track update as current", async () => {
    const base = { ...shiftDays(trackExample("rok-track-report"), 2), trackId: "KTMO-STALE" };
    const rok = node("ROK_KTMO_CELL");
    const jsdf = node("JSDF");
    const mark = marks();
    const later: TrackReport = {
      ...base,
      id: `${base.id}-b`,
      asOf: new Date(t(base.asOf) + 5_000).toISOString(),
    };
    clock.now = t(later.asOf);
    await rok.release(later, "JSDF", "real-time");
    await vi.waitFor(() => expect(jsdf.picture.get("KOR:KTMO-STALE")?.item.asOf).toBe(later.asOf));
    await rok.release(base, "JSDF", "real-time"); // older than what JSDF holds
    await vi.waitFor(() => expect(since(mark, "JSDF").map((r) => r.why)).toEqual(["SUPERSEDED"]));
    expect(jsdf.picture.get("KOR:KTMO-STALE")?.item.asOf).toBe(later.asOf);

    // An update that arrives more than 30 s after its asOf is kept but marked stale.
    const late: TrackReport = {
      ...base,
      id: `${base.id}-c`,
      asOf: new Date(t(later.asOf) + 1_000).toISOString(),
    };
    clock.now = t(late.asOf) + 45_000;
    await rok.release(late, "JSDF", "real-time");
    await vi.waitFor(() => expect(jsdf.picture.get("KOR:KTMO-STALE")?.item.asOf).toBe(late.asOf));
    expect(jsdf.picture.get("KOR:KTMO-STALE")?.stale).toBe(true);
  });

  it("refuses a tampered frame (BAD_HOP_MAC) and a replayed one (REPLAY) on a link, and audits both", async () => {
    const track = { ...shiftDays(trackExample("rok-track-report"), 2), trackId: "KTMO-WIRE" };
    clock.now = t(track.asOf);
    await node("ROK_KTMO_CELL").release(track, "JSDF", "real-time");
    await vi.waitFor(() => expect(node("JSDF").picture.has("KOR:KTMO-WIRE")).toBe(true));
    const wire = new TextDecoder().decode(sent.get("USFJ_C4I>JSDF"));
    const parts = wire.split(".");
    const body = parts[3] as string;
    const flipped = body[10] === "A" ? "B" : "A";
    parts[3] = `${body.slice(0, 10)}${flipped}${body.slice(11)}`;
    const usfj = endpoints.get("USFJ_C4I") as TransportEndpoint;
    const jsdf = node("JSDF");

    for (const [payload, why] of [
      [parts.join("."), "BAD_HOP_MAC"],
      [wire, "REPLAY"],
    ] as const) {
      const mark = marks();
      const size = jsdf.log.size;
      await usfj.send("JSDF", {
        id: `test-${why}`,
        class: "track",
        payload: new TextEncoder().encode(payload),
      });
      await vi.waitFor(() => expect(since(mark, "JSDF").map((r) => r.why)).toEqual([why]));
      expect(jsdf.log.size).toBe(size + 1);
      await jsdf.settled();
      const [leaf] = await (storeOf.get("JSDF") as PgliteStore).auditLeaves(size, size + 1);
      const record = decodeRecord(leaf?.bytes ?? new Uint8Array());
      expect(record.ok && record.record).toMatchObject({
        kind: "rejection",
        outcome: "reject",
        reasons: [{ code: why }],
      });
    }
  });

  it("verifies the originator's signature at JSDF: a relay that alters the item is caught", async () => {
    const { policy } = project();
    const track = { ...shiftDays(trackExample("rok-track-report"), 2), trackId: "KTMO-SIGNED" };
    const at = t(track.asOf);
    clock.now = at;
    // A compromised USFJ: it holds USFJ's keys and a channel with JSDF, and relays a changed item.
    const usfjKeys = keys.get("USFJ_C4I") as NodeKeys;
    const { hello, pending } = await startHandshake(usfjKeys, "JSDF", at);
    const reply = await node("JSDF").acceptLink(hello);
    const finished = await finishHandshake(pending, ring, reply, at, ENVELOPE_LIMITS);
    if (!finished.ok) throw new Error(finished.detail);
    const signed = makeRelease({
      origin: "ROK_KTMO_CELL",
      dest: "JSDF",
      item: track,
      releasedAt: at,
      nonce: channelNonce("real-time"),
    });
    const [proof] = await signBatch(keys.get("ROK_KTMO_CELL") as NodeKeys, {
      batchId: "forged-test",
      windowStart: at,
      releases: [signed.bytes],
    });
    const altered = { ...signed.release, item: { ...track, trackId: "KTMO-ALTERED" } };
    const permit = decide(policy, {
      item: track,
      sender: "KOR",
      recipient: "JPN",
      via: ["USA"],
      channel: "real-time",
      at,
    });
    if (permit.outcome !== "permit" || !proof) throw new Error("no permit");
    const wire = await sealFrame(
      { channel: finished.channel, recipient: ring.get("JSDF") ?? (undefined as never), now: at },
      [
        {
          release: { release: altered, bytes: Buffer.from(JSON.stringify(altered)) },
          proof,
          marking: permit.marking,
        },
      ],
    );
    const mark = marks();
    await (endpoints.get("USFJ_C4I") as TransportEndpoint).send("JSDF", {
      id: "test-forged-relay",
      class: "track",
      payload: new TextEncoder().encode(wire),
    });
    await vi.waitFor(() =>
      expect(since(mark, "JSDF").map((r) => r.why)).toEqual(["BAD_ORIGINATOR_SIGNATURE"]),
    );
    expect(node("JSDF").picture.has("KOR:KTMO-ALTERED")).toBe(false);

    // The real USFJ node handshakes again (a rekey) and the genuine chain works as before.
    await linkPair(node("USFJ_C4I"), node("JSDF"));
    await node("ROK_KTMO_CELL").release(track, "JSDF", "real-time");
    await vi.waitFor(() => expect(node("JSDF").picture.has("KOR:KTMO-SIGNED")).toBe(true));
    expect(node("JSDF").picture.get("KOR:KTMO-SIGNED")?.item).not.toHaveProperty("sensor");
  });
});
