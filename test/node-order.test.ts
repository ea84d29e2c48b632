// Regression: envelopes a transport hands over together (several arrive in one step) are handled in
// arrival order. Before, each delivery was handled concurrently: a small envelope finished first and was
// relayed ahead of a larger one that came before it, so JSDF refused the older update as SUPERSEDED after
// the newer one had overtaken it (seen under load in bench/network.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { shiftDays, t, trackExample } from "./helpers/policy.ts";

const base = shiftDays(trackExample("rok-track-report"), 2);
let net: FakeTimeNetwork;
beforeAll(async () => {
  net = await fakeTimeNetwork(t(base.asOf), { conditions: { latencyMs: 3, jitterMs: 0 } });
});
afterAll(async () => net?.close());

describe("envelopes that arrive together", () => {
  it("are relayed and shown in the order they came: no update overtakes the one before it", async () => {
    const rok = net.node("ROK_KTMO_CELL");
    const asOf = (ms: number) => new Date(t(base.asOf) + ms).toISOString();
    // A large envelope (40 tracks), then a small one with a newer update of the first track, both on
    // the wire to USFK at once.
    for (let i = 0; i < 40; i++) {
      void rok.release(
        { ...base, id: `ORDER-A-${i}`, trackId: `ORDER-${i}`, asOf: asOf(0) },
        "JSDF",
        "real-time",
      );
    }
    await rok.idle();
    void rok.release({ ...base, id: "ORDER-B-0", trackId: "ORDER-0", asOf: asOf(500) }, "JSDF", "real-time");
    await rok.idle();
    expect(net.transport.backlog().onWire).toBe(2);
    await net.quiesce();
    const jsdf = net.node("JSDF");
    expect(jsdf.rejections.map((r) => r.why)).toEqual([]);
    expect(jsdf.picture.get("KOR:ORDER-0")?.item.id).toBe("ORDER-B-0");
    expect(jsdf.picture.get("KOR:ORDER-39")?.item.id).toBe("ORDER-A-39");
  });
});
