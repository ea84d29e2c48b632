/**
 * The `Store` contract: one suite that every implementation runs (`storeContract("PgliteStore", …)`),
 * so PGlite and PostgreSQL promise the same things. A harness opens stores over one underlying database
 * (again after a close, to test what survives an outage) and removes it afterwards.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { markChecked } from "../model/checked.ts";
import { Item } from "../model/item.ts";
import type {
  AlertRecord,
  DecisionRecord,
  ItemMeta,
  TrackStateRecord,
  TreeHeadRecord,
} from "../model/store-records.ts";
import { type Store, StoreError, type StoreErrorCode } from "../ports.ts";

/** Opens stores over one database and removes it. */
export interface StoreHarness {
  /** A new, unmigrated store over the harness's database (the same data each time). */
  open(): Store;
  /** Removes the database (called after every store it opened is closed). */
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2023, 11, 19, 0, 0, 0);

/** A track report with the given id. */
export function trackReport(id: string, trackId = "KOR-T1"): Item {
  return {
    kind: "track-report",
    id,
    label: {
      originator: "KOR",
      classification: "II",
      handling: [],
      releasableTo: ["USA", "JPN", "KOR"],
      caveats: [],
      topics: ["missile-warning"],
      subject: "PRK",
      sourceFields: [],
      approvals: [],
    },
    asOf: "2023-12-18T00:30:00Z",
    eventId: "PRK-2023-12-18",
    trackId,
    launch: {
      lat: 39.03,
      lon: 125.75,
      time: "2023-12-18T00:24:00Z",
      uncertaintyM: 2000,
      timeUncertaintyS: 5,
    },
    trajectory: [{ time: "2023-12-18T00:30:00Z", lat: 40.1, lon: 132.2, altM: 6.0e5 }],
    impact: {
      lat: 40.9,
      lon: 138.2,
      time: "2023-12-18T01:37:00Z",
      ellipse95: { semiMajorM: 25_000, semiMinorM: 9_000, orientationDeg: 75 },
    },
    missileClass: "ICBM",
    lofted: true,
    apogeeKm: 6518,
    sensor: { type: "radar", id: "ROK-GP-1" },
  };
}

/** An intelligence report with the given id. */
export function intelReport(id: string): Item {
  return {
    kind: "intel-report",
    id,
    label: {
      originator: "JPN",
      classification: "HI",
      handling: [],
      releasableTo: [],
      caveats: ["ORCON"],
      topics: ["nuclear-test"],
      subject: "PRK",
      sourceFields: ["collection"],
      approvals: [{ to: "KOR", at: "2017-09-03T05:00:00Z", ref: "JPN-APP-1" }],
    },
    producedAt: "2017-09-03T04:10:00Z",
    title: "Seismic event at Punggye-ri",
    body: 'Unicode survives: 核実験 / 핵실험 🚀; quotes " and \\, and a NUL \u0000 (which jsonb would refuse).',
    attachments: [
      {
        kind: "seismic-event",
        originTime: "2017-09-03T03:30:01Z",
        lat: 41.343,
        lon: 129.036,
        magnitude: 6.3,
        magnitudeType: "mb",
        agency: "USGS",
      },
      { kind: "indicator", pattern: "[file:name = 'x']", patternType: "stix" },
    ],
    collection: "seismic network",
  };
}

/** The node partner items arrive from in these tests. */
const HUB = "USFK_TMO_CELL";
const partner = (storedAt: number): ItemMeta => ({ storedAt, origin: "partner", sender: HUB });

function state(trackId: string, at: number, n: number): TrackStateRecord {
  return {
    trackId,
    at,
    dim: 2,
    x: [n, -n / 3],
    P: [1e-9, 0.1, 0.1, 123456.789],
    provenance: n % 2 ? { kind: "updated", sensorId: "ROK-GP-1" } : { kind: "predicted" },
  };
}

function decision(id: string, at: number, outcome: "permit" | "deny", recipient = "JPN"): DecisionRecord {
  const route = ["KOR", "USA", recipient];
  return {
    id,
    at,
    itemId: `item-${id}`,
    sender: "USA",
    recipient,
    decision:
      outcome === "permit"
        ? {
            outcome,
            agreement: "tisa-2014",
            route,
            channel: "real-time",
            consent: "originator approval JPN-APP-1",
            tier: "SECRET",
            marking: { party: recipient, level: "HI", native: "秘", banner: "秘" },
            relayMarkings: [
              { party: "USA", level: "S", native: "SECRET", banner: "SECRET//REL TO USA, JPN, KOR" },
            ],
            removedFields: ["sensor"],
            alsoPermittedBy: [],
            why: "TISA: through the hub with the originator's approval",
          }
        : {
            outcome,
            route,
            channel: "deferred",
            reasons: [
              { code: "NO_ORIGINATOR_CONSENT", agreement: "tisa-2014", message: "no approval for JPN" },
              { code: "NOFORN", message: "NOFORN items are not released" },
            ],
          },
  };
}

function leaf(index: number): { index: number; bytes: Uint8Array; leafHash: Uint8Array } {
  return {
    index,
    bytes: new TextEncoder().encode(`{"record":${index}}`),
    leafHash: new Uint8Array(32).fill(index % 256),
  };
}

function alert(id: string, sentAt: number, nation: "JPN" | "KOR", trackId?: string): AlertRecord {
  return {
    id,
    sentAt,
    issuer: nation === "JPN" ? "JSDF" : "ROK_KTMO_CELL",
    nation,
    kind: "launch",
    msgType: "Alert",
    status: "Exercise",
    eventId: "PRK-2023-12-18",
    ...(trackId === undefined ? {} : { trackId }),
    areas: ["JP-01", "JP-02"],
    headline: "Missile launch",
    references: [],
    cap: "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>",
  };
}

/** Resolves to the StoreError `promise` rejects with, failing if it resolves or throws something else. */
async function storeError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected StoreError ${code}`).toBeInstanceOf(StoreError);
  expect((e as StoreError).code).toBe(code);
  return e as StoreError;
}

/** Runs the Store contract against stores from `makeHarness` (one harness, a fresh database, per test). */
export function storeContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let opened: Store[];
    let store: Store;

    /** Opens and migrates another store over the same database (as a restarted node would). */
    async function reopen(): Promise<Store> {
      const s = harness.open();
      opened.push(s);
      await s.migrate();
      return s;
    }

    beforeEach(async () => {
      harness = await makeHarness();
      opened = [];
      store = await reopen();
    });

    afterEach(async () => {
      for (const s of opened) await s.close();
      await harness.dispose();
    });

    it("round-trips items of both kinds and keeps the first version of an id", async () => {
      const track = trackReport("KOR-TR-1");
      const intel = intelReport("JPN-IR-1");
      expect(await store.putItem(track, { storedAt: T0, origin: "local" })).toBe("stored");
      expect(await store.putItem(intel, partner(T0 + 1))).toBe("stored");
      expect(await store.getItem("KOR-TR-1")).toEqual({
        item: track,
        meta: { storedAt: T0, origin: "local" },
      });
      expect(await store.getItem("JPN-IR-1")).toEqual({ item: intel, meta: partner(T0 + 1) });
      expect(await store.getItem("nope")).toBeUndefined();
      const changed = { ...track, missileClass: "IRBM" as const };
      expect(await store.putItem(changed, partner(T0 + 2))).toBe("duplicate");
      expect((await store.getItem("KOR-TR-1"))?.item).toEqual(track);
    });

    it("stores a batch of items in one call: new ones stored, known ids and repeats in the batch duplicates", async () => {
      const known = trackReport("KOR-TR-B0");
      expect(await store.putItem(known, { storedAt: T0, origin: "local" })).toBe("stored");
      const a = trackReport("KOR-TR-B1");
      const b = intelReport("JPN-IR-B2");
      const again = { ...a, missileClass: "IRBM" as const } as Item;
      const knownChanged = { ...known, asOf: "2023-12-18T00:00:00Z" } as Item;
      expect(
        await store.putItems([
          { item: a, meta: partner(T0 + 1) },
          { item: knownChanged, meta: partner(T0 + 2) },
          { item: again, meta: partner(T0 + 3) },
          { item: b, meta: partner(T0 + 4) },
        ]),
      ).toEqual(["stored", "duplicate", "duplicate", "stored"]);
      expect(await store.getItem("KOR-TR-B1")).toEqual({ item: a, meta: partner(T0 + 1) });
      expect((await store.getItem("KOR-TR-B0"))?.item).toEqual(known);
      expect((await store.getItem("JPN-IR-B2"))?.item).toEqual(b);
      expect(await store.putItems([])).toEqual([]);
      // 1,200 rows: more than one statement's worth.
      const many = Array.from({ length: 1200 }, (_, i) => ({
        item: trackReport(`KOR-TR-M${i}`),
        meta: partner(T0),
      }));
      const answers = await store.putItems(many);
      expect(answers.filter((x) => x === "stored")).toHaveLength(1200);
      expect((await store.getItem("KOR-TR-M1199"))?.item.id).toBe("KOR-TR-M1199");
    });

    it("takes an item checked at the process's edge as it is; an equal copy is checked in full", async () => {
      const parse = vi.spyOn(Item, "safeParse");
      try {
        const edge = markChecked(Item, Item.parse(trackReport("KOR-TR-C1")));
        const received = markChecked(Item, Item.parse(trackReport("KOR-TR-C3")));
        parse.mockClear();
        expect(await store.putItems([{ item: edge, meta: partner(T0) }])).toEqual(["stored"]);
        expect(await store.receiveItem(HUB, "env-c3", received, partner(T0))).toEqual("stored");
        expect(parse).not.toHaveBeenCalled();
        await store.putItems([{ item: { ...edge, id: "KOR-TR-C2" }, meta: partner(T0) }]);
        expect(parse).toHaveBeenCalledTimes(1);
      } finally {
        parse.mockRestore();
      }
      expect((await store.getItem("KOR-TR-C1"))?.item).toEqual(trackReport("KOR-TR-C1"));
      expect((await store.getItem("KOR-TR-C2"))?.item.id).toBe("KOR-TR-C2");
    });

    it("refuses a batch with a bad entry, naming it, and stores none of it", async () => {
      const good = trackReport("KOR-TR-G1");
      const bad = { ...trackReport("KOR-TR-G2"), label: { ...trackReport("KOR-TR-G2").label, topics: [] } };
      const e = await storeError(
        store.putItems([
          { item: good, meta: partner(T0) },
          { item: bad as unknown as Item, meta: partner(T0) },
        ]),
        "INVALID_RECORD",
      );
      expect(e.message).toMatch(/putItems\[1\]/);
      expect(await store.getItem("KOR-TR-G1")).toBeUndefined();
    });

    it("returns track history in time order (ties as appended), within [from, to)", async () => {
      await store.appendTrackState(state("T1", T0 + 3000, 3));
      await store.appendTrackStates([state("T1", T0 + 1000.25, 1), state("T2", T0 + 1500, 9)]);
      await store.appendTrackStates([state("T1", T0 + 2000, 2), state("T1", T0 + 2000, 4)]);
      await store.appendTrackStates([]);
      const all = await store.trackHistory("T1");
      expect(all.map((s) => [s.at, s.x[0]])).toEqual([
        [T0 + 1000.25, 1],
        [T0 + 2000, 2],
        [T0 + 2000, 4],
        [T0 + 3000, 3],
      ]);
      expect(all[0]).toEqual(state("T1", T0 + 1000.25, 1));
      const window = await store.trackHistory("T1", { from: T0 + 2000, to: T0 + 3000 });
      expect(window.map((s) => s.x[0])).toEqual([2, 4]);
      expect((await store.trackHistory("T1", { from: T0 + 2500 })).map((s) => s.x[0])).toEqual([3]);
      expect((await store.trackHistory("T1", { to: T0 + 2000 })).map((s) => s.x[0])).toEqual([1]);
      expect(await store.trackHistory("T3")).toEqual([]);
    });

    it("records decisions once and filters them", async () => {
      const d1 = decision("d1", T0 + 10, "permit");
      const d2 = decision("d2", T0 + 5, "deny");
      const d3 = decision("d3", T0 + 20, "permit", "KOR");
      for (const d of [d1, d2, d3]) expect(await store.recordDecision(d)).toBe("stored");
      expect(await store.recordDecision({ ...d1, at: T0 + 99 })).toBe("duplicate");
      expect(await store.listDecisions()).toEqual([d2, d1, d3]);
      expect(await store.listDecisions({ outcome: "permit" })).toEqual([d1, d3]);
      expect(await store.listDecisions({ recipient: "JPN" })).toEqual([d2, d1]);
      expect(await store.listDecisions({ agreement: "tisa-2014", recipient: "KOR" })).toEqual([d3]);
      expect(await store.listDecisions({ itemId: "item-d2" })).toEqual([d2]);
      expect(await store.listDecisions({ from: T0 + 6, to: T0 + 20 })).toEqual([d1]);
      expect(await store.listDecisions({ limit: 2 })).toEqual([d2, d1]);
    });

    it("appends audit leaves strictly in sequence", async () => {
      expect(await store.auditSize()).toBe(0);
      await store.appendAuditLeaf(0, leaf(0).bytes, leaf(0).leafHash);
      await store.appendAuditLeaves([leaf(1), leaf(2), leaf(3)]);
      expect(await store.auditSize()).toBe(4);
      expect(await store.auditLeaves(1, 3)).toEqual([leaf(1), leaf(2)]);
      expect(await store.auditLeaves(0, 100)).toHaveLength(4);

      const gap = await storeError(
        store.appendAuditLeaf(5, leaf(5).bytes, leaf(5).leafHash),
        "AUDIT_INDEX_GAP",
      );
      expect(gap.message).toContain("4 leaves");
      await storeError(store.appendAuditLeaf(3, leaf(3).bytes, leaf(3).leafHash), "AUDIT_INDEX_TAKEN");
      await storeError(store.appendAuditLeaves([leaf(4), leaf(6)]), "AUDIT_INDEX_GAP");
      // A batch that overlaps the log is refused whole.
      await storeError(store.appendAuditLeaves([leaf(3), leaf(4)]), "AUDIT_INDEX_TAKEN");
      expect(await store.auditSize()).toBe(4);
      await store.appendAuditLeaves([leaf(4), leaf(5)]);
      expect(await store.auditSize()).toBe(6);
    });

    it("lets only one of several concurrent appends of one index through", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => store.appendAuditLeaf(0, leaf(0).bytes, leaf(0).leafHash)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected") expect((r.reason as StoreError).code).toBe("AUDIT_INDEX_TAKEN");
      expect(await store.auditSize()).toBe(1);
    });

    it("keeps tree heads, including disagreeing ones for one size", async () => {
      const head = (size: number, fill: number, ts: number): TreeHeadRecord => ({
        logId: "ROK_KTMO_CELL",
        treeSize: size,
        rootHash: new Uint8Array(32).fill(fill),
        timestamp: ts,
        signature: new Uint8Array(64).fill(fill + 1),
      });
      expect(await store.putTreeHead(head(8, 1, T0 + 2))).toBe("stored");
      expect(await store.putTreeHead(head(4, 2, T0 + 1))).toBe("stored");
      expect(await store.putTreeHead(head(4, 2, T0 + 1))).toBe("duplicate");
      expect(await store.putTreeHead(head(8, 3, T0 + 2))).toBe("stored");
      expect(await store.putTreeHead({ ...head(1, 1, T0), logId: "JSDF" })).toBe("stored");
      expect(await store.treeHeads("ROK_KTMO_CELL")).toEqual([
        head(4, 2, T0 + 1),
        head(8, 1, T0 + 2),
        head(8, 3, T0 + 2),
      ]);
      expect(await store.treeHeads("USFK")).toEqual([]);
    });

    it("records agreement events once, in the order they happened", async () => {
      const sources = [{ tag: "O" as const, ref: "MOFA 2016-11-23" }];
      const signed = {
        agreementId: "gsomia-2016",
        event: { at: "2016-11-23", type: "signed" as const, sources },
        recordedAt: T0,
      };
      const noticed = {
        agreementId: "gsomia-2016",
        event: { at: "2019-08-23T00:00:00+09:00", type: "termination-noticed" as const, by: "KOR", sources },
        recordedAt: T0 + 1,
      };
      expect(await store.recordAgreementEvent(noticed)).toBe("stored");
      expect(await store.recordAgreementEvent(signed)).toBe("stored");
      expect(await store.recordAgreementEvent({ ...signed, recordedAt: T0 + 5 })).toBe("duplicate");
      expect(await store.agreementEvents("gsomia-2016")).toEqual([signed, noticed]);
      expect(await store.agreementEvents("tisa-2014")).toEqual([]);
    });

    it("stores alerts once and filters them", async () => {
      const a1 = alert("a1", T0 + 20, "JPN", "T1");
      const a2 = alert("a2", T0 + 10, "KOR");
      const a3 = {
        ...alert("a3", T0 + 30, "JPN", "T1"),
        msgType: "Cancel" as const,
        kind: "cancellation" as const,
        references: ["a1"],
      };
      for (const a of [a1, a2, a3]) expect(await store.putAlert(a)).toBe("stored");
      expect(await store.putAlert({ ...a1, headline: "changed" })).toBe("duplicate");
      expect(await store.listAlerts()).toEqual([a2, a1, a3]);
      expect(await store.listAlerts({ nation: "JPN" })).toEqual([a1, a3]);
      expect(await store.listAlerts({ trackId: "T1", to: T0 + 30 })).toEqual([a1]);
      expect(await store.listAlerts({ eventId: "PRK-2023-12-18", from: T0 + 15, limit: 1 })).toEqual([a1]);
    });

    it("receives an envelope exactly once and hands its item over once", async () => {
      const item = trackReport("KOR-TR-7");
      expect(await store.receiveItem(HUB, "env-7", item, partner(T0))).toBe("stored");
      expect(await store.receiveItem(HUB, "env-7", item, partner(T0 + 5))).toBe("duplicate");
      expect(await store.getItem("KOR-TR-7")).toEqual({
        item,
        meta: { ...partner(T0), envelopeId: "env-7" },
      });
      const pending = await store.undeliveredItems();
      expect(pending.map((p) => [p.from, p.envelopeId, p.receivedAt, p.stored.item.id])).toEqual([
        [HUB, "env-7", T0, "KOR-TR-7"],
      ]);
      expect(await store.markDelivered(HUB, "env-7", T0 + 1)).toBe("delivered");
      expect(await store.markDelivered(HUB, "env-7", T0 + 2)).toBe("already-delivered");
      expect(await store.markDelivered(HUB, "env-unknown", T0 + 2)).toBe("unknown");
      expect(await store.undeliveredItems()).toEqual([]);
      expect(await store.receiveItem(HUB, "env-7", item, partner(T0 + 9))).toBe("duplicate");
      expect(await store.undeliveredItems()).toEqual([]);
    });

    it("keys receipts by sender and envelope id (ids are unique per sender only)", async () => {
      const local = { storedAt: T0, origin: "partner" as const };
      expect(await store.receiveItem(HUB, "env-1", trackReport("TR-A"), local)).toBe("stored");
      expect(await store.receiveItem("JSDF", "env-1", trackReport("TR-B"), local)).toBe("stored");
      expect((await store.getItem("TR-B"))?.meta).toEqual({ ...local, sender: "JSDF", envelopeId: "env-1" });
      expect(await store.markReceived("JSDF", "env-1", T0)).toBe("duplicate");
      expect(await store.markReceived("ROK_KTMO_CELL", "env-1", T0)).toBe("new");
      expect(await store.markDelivered("JSDF", "env-1", T0 + 1)).toBe("delivered");
      expect((await store.undeliveredItems()).map((p) => [p.from, p.stored.item.id])).toEqual([
        [HUB, "TR-A"],
      ]);
      await storeError(
        store.receiveItem("JSDF", "env-2", trackReport("TR-C"), partner(T0)),
        "INVALID_RECORD",
      );
    });

    it("treats the same item in a second envelope as a duplicate but remembers that envelope", async () => {
      expect(await store.receiveItem(HUB, "env-a", intelReport("IR-1"), partner(T0))).toBe("stored");
      expect(await store.receiveItem(HUB, "env-b", intelReport("IR-1"), partner(T0 + 1))).toBe("duplicate");
      expect(await store.markReceived(HUB, "env-b", T0 + 2)).toBe("duplicate");
      expect((await store.undeliveredItems()).map((p) => p.envelopeId)).toEqual(["env-a"]);
      expect(await store.markReceived(HUB, "env-c", T0 + 3)).toBe("new");
      expect(await store.markReceived(HUB, "env-c", T0 + 4)).toBe("duplicate");
      expect(await store.receiveItem(HUB, "env-c", intelReport("IR-2"), partner(T0 + 5))).toBe("duplicate");
      expect(await store.getItem("IR-2")).toBeUndefined();
    });

    it("stores one of many concurrent receipts of the same envelope", async () => {
      const item = trackReport("KOR-TR-8");
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.receiveItem(HUB, "env-8", item, partner(T0 + i))),
      );
      expect(outcomes.filter((o) => o === "stored")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(7);
      expect(await store.undeliveredItems()).toHaveLength(1);
    });

    it("survives a close and reopen: receipts, undelivered items, outbox and audit log", async () => {
      expect(await store.receiveItem(HUB, "env-1", trackReport("TR-1"), partner(T0))).toBe("stored");
      expect(await store.receiveItem(HUB, "env-2", trackReport("TR-2"), partner(T0 + 1))).toBe("stored");
      await store.markDelivered(HUB, "env-1", T0 + 2);
      await store.enqueueOutbox({
        id: "out-1",
        recipient: "JSDF",
        payload: new Uint8Array([1, 2, 3]),
        createdAt: T0,
      });
      await store.appendAuditLeaves([leaf(0), leaf(1)]);
      await store.close();

      const again = await reopen();
      expect(await again.receiveItem(HUB, "env-1", trackReport("TR-1"), partner(T0 + 10))).toBe("duplicate");
      expect(await again.receiveItem(HUB, "env-2", trackReport("TR-2"), partner(T0 + 10))).toBe("duplicate");
      // Stored before the outage but not yet acted on: still handed over, once.
      expect((await again.undeliveredItems()).map((p) => p.envelopeId)).toEqual(["env-2"]);
      expect((await again.pendingOutbox()).map((e) => e.id)).toEqual(["out-1"]);
      expect(await again.auditSize()).toBe(2);
      await storeError(again.appendAuditLeaf(1, leaf(1).bytes, leaf(1).leafHash), "AUDIT_INDEX_TAKEN");
    });

    it("keeps outbox entries in order until acknowledged", async () => {
      const entry = (id: string, recipient: string, at: number) => ({
        id,
        recipient,
        payload: new Uint8Array([at % 256, 0, 255]),
        createdAt: at,
      });
      expect(await store.enqueueOutbox(entry("o2", "JSDF", T0 + 5))).toBe("queued");
      expect(await store.enqueueOutbox(entry("o1", "USFK_TMO_CELL", T0))).toBe("queued");
      expect(await store.enqueueOutbox(entry("o3", "JSDF", T0 + 9))).toBe("queued");
      expect(await store.enqueueOutbox(entry("o2", "JSDF", T0 + 7))).toBe("duplicate");
      await store.recordOutboxAttempt("o2", T0 + 6);
      await store.recordOutboxAttempt("o2", T0 + 8);
      const pending = await store.pendingOutbox();
      expect(pending.map((e) => e.id)).toEqual(["o2", "o1", "o3"]);
      expect(pending[0]).toEqual({ ...entry("o2", "JSDF", T0 + 5), attempts: 2, lastAttemptAt: T0 + 8 });
      expect(pending[1]).toEqual({ ...entry("o1", "USFK_TMO_CELL", T0), attempts: 0 });
      expect((await store.pendingOutbox({ recipient: "JSDF", limit: 1 })).map((e) => e.id)).toEqual(["o2"]);
      expect(await store.ackOutbox("o2", T0 + 10)).toBe("acked");
      expect(await store.ackOutbox("o2", T0 + 11)).toBe("already-acked");
      expect(await store.ackOutbox("o9", T0 + 11)).toBe("unknown");
      expect((await store.pendingOutbox({ recipient: "JSDF" })).map((e) => e.id)).toEqual(["o3"]);
    });

    it("migrates idempotently, also from a second store over the same database", async () => {
      await store.putItem(trackReport("TR-M"), { storedAt: T0, origin: "local" });
      await store.migrate();
      await store.migrate();
      const other = await reopen();
      await other.migrate();
      expect((await other.getItem("TR-M"))?.item.id).toBe("TR-M");
    });

    it("refuses use before migrate() and after close()", async () => {
      const fresh = harness.open();
      opened.push(fresh);
      await storeError(fresh.getItem("x"), "NOT_MIGRATED");
      await fresh.close();
      await storeError(fresh.migrate(), "CLOSED");
      await store.close();
      await storeError(store.auditSize(), "CLOSED");
    });

    it("rejects bad records with INVALID_RECORD naming the field", async () => {
      const { topics: _topics, ...label } = trackReport("x").label;
      const noTopics = { ...trackReport("TR-BAD"), label } as unknown as Item;
      expect((await storeError(store.putItem(noTopics, partner(T0)), "INVALID_RECORD")).message).toMatch(
        /putItem item: .*label\.topics/,
      );
      const e2 = await storeError(
        store.appendTrackState({ ...state("T1", T0, 1), x: [1, 2, 3] }),
        "INVALID_RECORD",
      );
      expect(e2.message).toContain("x has 3 entries, dim is 2");
      const e3 = await storeError(
        store.appendAuditLeaf(0, new Uint8Array(1), new Uint8Array(31)),
        "INVALID_RECORD",
      );
      expect(e3.message).toContain("leafHash: a SHA-256 hash has 32 bytes");
      await storeError(store.putAlert({ ...alert("a", T0, "JPN"), areas: [] }), "INVALID_RECORD");
      await storeError(store.recordDecision({ ...decision("d", T0, "permit"), at: 1.5 }), "INVALID_RECORD");
      await storeError(store.receiveItem(HUB, "", trackReport("TR-E"), partner(T0)), "INVALID_RECORD");
      await storeError(store.markReceived(HUB, "env", -1), "INVALID_RECORD");
      const e4 = await storeError(
        store.receiveItem(HUB, "env-x", trackReport("TR-X"), { ...partner(T0), envelopeId: "env-y" }),
        "INVALID_RECORD",
      );
      expect(e4.message).toContain("env-y");
      // Nothing of the refused records reached the database.
      expect(await store.auditSize()).toBe(0);
      expect(await store.trackHistory("T1")).toEqual([]);
      expect(await store.getItem("TR-X")).toBeUndefined();
    });
  });
}
