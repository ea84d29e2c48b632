// TriwatchNode.idle() and InProcessTransport.inFlight: what a simulation driver needs to run the network
// under fake time until nothing moves (advance, await every node idle, until nothing is in flight).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRecord } from "../src/audit/index.ts";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { shiftDays, t, trackExample } from "./helpers/policy.ts";

const ROK = "ROK_KTMO_CELL";
const JSDF = "JSDF";
const track = shiftDays(trackExample("rok-track-report"), 2);
let net: FakeTimeNetwork;

beforeAll(async () => {
  // 3 ms on every link, so nothing arrives unless the test advances the fake clock.
  net = await fakeTimeNetwork(t(track.asOf), { conditions: { latencyMs: 3, jitterMs: 0 } });
});
afterAll(async () => net?.close());

describe("a node's idle() and the transport's inFlight", () => {
  it("idle() flushes the track batch and waits until the envelope is on the wire", async () => {
    const rok = net.node(ROK);
    expect(net.transport.inFlight).toBe(0);
    const released = rok.release(track, JSDF, "real-time"); // not awaited: idle() must cover it
    await rok.idle();
    // Without the flush the track would still wait for its 5 ms batch window (a real timer).
    expect(net.transport.backlog()).toEqual({ onWire: 1, held: 0, unacknowledged: 0 });
    expect(net.transport.inFlight).toBe(1);
    const plan = await released;
    expect(plan.ok).toBe(true);
    // Nothing arrives until fake time moves.
    expect(net.node(JSDF).picture.size).toBe(0);
  });

  it("a driver that advances and awaits idle() reaches quiescence with the track at JSDF and every leaf stored", async () => {
    const sizes = new Map([...net.nodes].map(([id, n]) => [id, n.log.size]));
    const took = await net.quiesce(1);
    // Four hops of 3 ms each; the ROK hop was already on the wire.
    expect(took).toBe(12);
    expect(net.transport.inFlight).toBe(0);
    expect(net.node(JSDF).picture.get("KOR:KTMO-0417")?.item.asOf).toBe(track.asOf);
    for (const [id, n] of net.nodes) {
      // The relays and the receipt were audited, and idle() waited until the store held every leaf.
      if (id !== ROK) expect(n.log.size, id).toBe((sizes.get(id) ?? 0) + 1);
      const stored = await net.stores.get(id)?.auditSize();
      expect(stored, id).toBe(n.log.size);
    }
    const [leaf] = (await net.stores.get(JSDF)?.auditLeaves(0, 1)) ?? [];
    const record = decodeRecord(leaf?.bytes ?? new Uint8Array());
    expect(record.ok && record.record.kind).toBe("receipt");
  });

  it("drained() resolves once the wire is empty", async () => {
    const again = { ...track, id: `${track.id}-again`, asOf: new Date(t(track.asOf) + 1000).toISOString() };
    await net.node(ROK).release(again, JSDF, "real-time");
    await net.node(ROK).idle();
    let drained = false;
    const waiting = net.transport.drained().then(() => {
      drained = true;
    });
    net.scheduler.advance(1);
    await Promise.resolve();
    expect(drained).toBe(false);
    await net.quiesce(1);
    await waiting;
    expect(drained).toBe(true);
  });
});
