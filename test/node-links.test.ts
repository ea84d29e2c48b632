// The link handshake over the transport (as separate processes do it): hellos, replies and requests as
// control messages, then envelopes flow on the channels they set up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { shiftDays, t, trackExample } from "./helpers/policy.ts";

const track = shiftDays(trackExample("rok-track-report"), 2);
let net: FakeTimeNetwork;

beforeAll(async () => {
  net = await fakeTimeNetwork(t(track.asOf), { conditions: { latencyMs: 2, jitterMs: 0 } }, undefined, {
    link: false,
  });
});
afterAll(async () => net?.close());

describe("link handshakes over the transport", () => {
  it("sets up every topology link, and a ROK track then reaches JSDF", async () => {
    // No channel yet: the release fails at sealing, and nothing goes on the wire.
    await expect(net.node("ROK_KTMO_CELL").release(track, "JSDF", "real-time")).rejects.toThrow(/no channel/);
    expect(net.transport.inFlight).toBe(0);

    for (const n of net.nodes.values()) n.connectLinks(60_000);
    await net.quiesce();
    for (const [id, n] of net.nodes) expect([...n.linkedPartners].sort(), id).toEqual([...n.partners].sort());

    const later = { ...track, id: `${track.id}-linked`, asOf: new Date(net.now()).toISOString() };
    await net.node("ROK_KTMO_CELL").release(later, "JSDF", "real-time");
    await net.quiesce();
    expect(net.node("JSDF").picture.get("KOR:KTMO-0417")?.item.id).toBe(later.id);
  });

  it("a node that comes back asks its partner to start again; both ends take the new channel", async () => {
    const usfj = net.node("USFJ_C4I");
    // JSDF sorts before USFJ_C4I, so USFJ answers hellos; its link-request makes JSDF send a new one.
    usfj.connectLinks(60_000);
    await net.quiesce();
    expect(usfj.linkedPartners.has("JSDF")).toBe(true);
    const again = { ...track, id: `${track.id}-rekeyed`, asOf: new Date(net.now() + 1).toISOString() };
    net.scheduler.advance(1);
    await net.node("ROK_KTMO_CELL").release(again, "JSDF", "real-time");
    await net.quiesce();
    expect(net.node("JSDF").picture.get("KOR:KTMO-0417")?.item.id).toBe(again.id);
    expect(net.node("JSDF").rejections.filter((r) => r.why === "BAD_HOP_MAC")).toEqual([]);
  });
});
