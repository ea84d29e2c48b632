// Regression: reports are never lost and reach the application exactly once after outages, and stale
// tracks are never shown as current. Before tracks and reports had their own sequence spaces per link, a
// report held back by the transport (a link down for longer than the envelope age limit, a redelivery
// after a missing acknowledgement) and overtaken by a later track was refused (STALE, REORDERED or
// REPLAY on the shared sequence) and lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRecord } from "../src/audit/index.ts";
import type { Item, TrackReport } from "../src/model/item.ts";
import { linkPair } from "../src/node/links.ts";
import type { Store } from "../src/ports.ts";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { example, shiftDays, t, trackExample } from "./helpers/policy.ts";

const ROK = "ROK_KTMO_CELL";
const USFK = "USFK_TMO_CELL";
const JSDF = "JSDF";
const base = shiftDays(trackExample("rok-track-report"), 2); // 2023-12-20: the real-time mechanism runs
const T0 = t(base.asOf);

/**
 * Faults at USFK, each once: the store fails before taking report 2; it takes report 3 and then fails
 * (before the node acts on it); it marks report 4 delivered and then fails (before the transport ack).
 */
const FAIL_BEFORE = "KOR-IR-OUTAGE-2";
const FAIL_AFTER = "KOR-IR-OUTAGE-3";
const FAIL_ACK = "KOR-IR-OUTAGE-4";
const failures: string[] = [];

/** USFK's real PGlite store with three injected faults (each once). */
function faulty(id: string, store: Store): Store {
  if (id !== USFK) return store;
  const failed = new Set<string>();
  return new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      if (name === "markDelivered") {
        return async (...args: Parameters<Store["markDelivered"]>) => {
          const done = await target.markDelivered(...args);
          const inbox = await target.getItem(FAIL_ACK);
          if (inbox?.meta.envelopeId === args[1] && !failed.has(FAIL_ACK)) {
            failed.add(FAIL_ACK);
            failures.push(`${FAIL_ACK} ack`);
            throw new Error("injected: crash after acting, before the transport ack");
          }
          return done;
        };
      }
      if (name !== "receiveItem") return value.bind(target);
      return async (...args: Parameters<Store["receiveItem"]>) => {
        const item = args[2];
        if (item.id === FAIL_BEFORE && !failed.has(item.id)) {
          failed.add(item.id);
          failures.push(`${item.id} before`);
          throw new Error("injected: store unavailable");
        }
        const stored = await target.receiveItem(...args);
        if (item.id === FAIL_AFTER && !failed.has(item.id)) {
          failed.add(item.id);
          failures.push(`${item.id} after`);
          throw new Error("injected: crash after storing, before the ack");
        }
        return stored;
      };
    },
  });
}

const report = (n: number): Item => ({ ...example("intel-nuclear-test"), id: `KOR-IR-OUTAGE-${n}` });
const trackAt = (ms: number, suffix: string): TrackReport => ({
  ...base,
  id: `${base.id}-${suffix}`,
  trackId: "KTMO-OUTAGE",
  asOf: new Date(ms).toISOString(),
});

let net: FakeTimeNetwork;
beforeAll(async () => {
  net = await fakeTimeNetwork(T0, { conditions: { latencyMs: 2, jitterMs: 0 }, ackWaitMs: 1_000 }, faulty);
});
afterAll(async () => net?.close());

/** USFK's audit records, decoded from its store. */
async function usfkRecords() {
  const store = net.stores.get(USFK) as Store;
  const leaves = await store.auditLeaves(0, await store.auditSize());
  return leaves.map((l) => {
    const r = decodeRecord(l.bytes);
    if (!r.ok) throw new Error("undecodable leaf");
    return r.record;
  });
}

describe("an outage on ROK–USFK with reports and tracks in flight", () => {
  it("delivers every report exactly once, and shows no stale track as current", async () => {
    const rok = net.node(ROK);
    const jsdf = net.node(JSDF);
    // Before the outage: a track reaches JSDF through USFK and the hub.
    const before = trackAt(net.now(), "before");
    expect((await rok.release(before, JSDF, "real-time")).ok).toBe(true);
    await net.quiesce();
    expect(jsdf.trackPicture().find((e) => e.item.id === before.id)?.stale).toBe(false);

    net.transport.setLinkUp(ROK, USFK, false);
    for (const n of [1, 2, 3, 4]) {
      const plan = await rok.release(report(n), USFK, "deferred");
      expect(plan.ok && plan.path, `report ${n}`).toEqual([ROK, USFK]);
    }
    await rok.release(trackAt(net.now(), "during"), JSDF, "real-time"); // lost: tracks are not held
    await rok.idle();
    expect(net.transport.backlog().held).toBe(4);
    // Two minutes down: far beyond the 30 s age limit of real-time envelopes.
    net.scheduler.advance(120_000);
    const during = jsdf.trackPicture().find((e) => e.item.trackId === "KTMO-OUTAGE");
    expect(during?.item.id).toBe(before.id);
    expect(during?.stale).toBe(true); // not updated for two minutes: never shown as current

    net.transport.setLinkUp(ROK, USFK, true);
    // A later track follows the held reports on the same link and overtakes the redelivered ones.
    const after = trackAt(net.now(), "after");
    await rok.release(after, JSDF, "real-time");
    await net.quiesce(5);

    expect(failures).toEqual([`${FAIL_BEFORE} before`, `${FAIL_AFTER} after`, `${FAIL_ACK} ack`]);
    const records = await usfkRecords();
    for (const n of [1, 2, 3, 4]) {
      const id = `KOR-IR-OUTAGE-${n}`;
      const receipts = records.filter((r) => r.kind === "receipt" && r.item === id);
      expect(receipts.length, `${id} receipts`).toBe(1);
      expect((await net.stores.get(USFK)?.getItem(id))?.item.id).toBe(id);
    }
    // Acted on once each: nothing is left in the store inbox waiting to be handed over.
    expect(await net.stores.get(USFK)?.undeliveredItems()).toEqual([]);
    // Report 3 was stored but not acted on: its redelivery acted on it (one receipt, above). Report 4 was
    // acted on but not acknowledged: its redelivery is refused as a duplicate.
    const refused = net.node(USFK).rejections.map((r) => r.why);
    expect(refused.filter((w) => w === "DUPLICATE")).toHaveLength(1);
    expect(refused.filter((w) => w === "REORDERED" || w === "REPLAY" || w === "STALE")).toEqual([]);
    // The later track is current at JSDF; the one lost in the outage never arrived.
    const now = jsdf.trackPicture().find((e) => e.item.trackId === "KTMO-OUTAGE");
    expect(now?.item.id).toBe(after.id);
    expect(now?.stale).toBe(false);
  });

  it("delivers a report held through an outage during which the link was rekeyed", async () => {
    const rok = net.node(ROK);
    net.transport.setLinkUp(ROK, USFK, false);
    const held = report(5);
    await rok.release(held, USFK, "deferred"); // sealed under the current channel, held by the transport
    await rok.idle();
    // A new handshake while the report waits (in one process the messages are handed across directly).
    await linkPair(rok, net.node(USFK));
    net.scheduler.advance(60_000);
    net.transport.setLinkUp(ROK, USFK, true);
    await net.quiesce(5);
    const receipts = (await usfkRecords()).filter((r) => r.kind === "receipt" && r.item === held.id);
    expect(receipts).toHaveLength(1);
    expect(net.node(USFK).rejections.filter((r) => r.why === "BAD_HOP_MAC")).toEqual([]);
  });
});
