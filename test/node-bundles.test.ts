// Track bundles across the network: a relay passes a bundle on whole or refuses it whole (its tracks are
// signed as one), and audits it once, naming every track.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRecord } from "../src/audit/index.ts";
import type { TrackReport } from "../src/model/item.ts";
import { ENTRY_ALLOWANCE_BYTES, FRAME_RELEASE_BYTES, frameReleaseBytes } from "../src/node/node.ts";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { shiftDays, t, trackExample } from "./helpers/policy.ts";

const base = shiftDays(trackExample("rok-track-report"), 2);
/** Each link takes 500 ms, so USFJ decides 1.5 s after the release. */
const LINK_MS = 500;
let net: FakeTimeNetwork;
beforeAll(async () => {
  net = await fakeTimeNetwork(t(base.asOf), { conditions: { latencyMs: LINK_MS, jitterMs: 0 } });
});
afterAll(async () => net?.close());

/** A track whose predicted impact is `impactInMs` after its as-of time (the mechanism's window ends there). */
function track(id: string, impactInMs: number): TrackReport {
  const impact = new Date(t(base.asOf) + impactInMs).toISOString();
  return { ...base, id, trackId: id, impact: { ...base.impact, time: impact } };
}

async function records(id: string, from: number) {
  const node = net.node(id);
  await node.settled();
  const leaves = await net.stores.get(id)?.auditLeaves(from, node.log.size);
  return (leaves ?? []).map((l) => {
    const r = decodeRecord(l.bytes);
    if (!r.ok) throw new Error(r.why);
    return r.record;
  });
}

describe("a track bundle on its way through the hub", () => {
  it("is refused whole by the relay that finds one of its tracks outside the real-time window", async () => {
    const rok = net.node("ROK_KTMO_CELL");
    const sizes = new Map([...net.nodes].map(([id, n]) => [id, n.log.size]));
    // Both permitted at release; B's window closes 1.2 s later, before it reaches USFJ (1.5 s).
    const a = track("BUNDLE-WHOLE-A", 600_000);
    const b = track("BUNDLE-WHOLE-B", 1_200);
    const plans = await Promise.all([a, b].map((x) => rok.release(x, "JSDF", "real-time")));
    expect(plans.map((p) => p.ok && p.decision.agreement)).toEqual(["rtwm-2023", "rtwm-2023"]);
    await net.quiesce();

    const usfj = net.node("USFJ_C4I");
    expect(usfj.rejections.map((r) => r.why)).toEqual(["POLICY"]);
    expect(usfj.rejections[0]?.detail).toContain("OUTSIDE_TIME_WINDOW");
    const jsdf = net.node("JSDF");
    expect(jsdf.picture.has(`KOR:${a.trackId}`)).toBe(false); // A is not split off and passed on alone
    expect(jsdf.log.size).toBe(sizes.get("JSDF"));
    // USFK and the hub relayed the bundle once each; USFJ refused it in one record naming both tracks.
    for (const id of ["USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI"]) {
      const [relay, ...more] = await records(id, sizes.get(id) ?? 0);
      expect(more).toEqual([]);
      expect(relay).toMatchObject({ kind: "relay", outcome: "permit", v: 2, items: [a.id, b.id] });
    }
    const refused = await records("USFJ_C4I", sizes.get("USFJ_C4I") ?? 0);
    expect(refused).toMatchObject([
      {
        kind: "rejection",
        v: 2,
        items: [a.id, b.id],
        reasons: expect.arrayContaining([{ code: "OUTSIDE_TIME_WINDOW", agreement: "rtwm-2023" }]),
      },
    ]);
  });

  it("arrives whole when every track is inside the window", async () => {
    const rok = net.node("ROK_KTMO_CELL");
    const a = track("BUNDLE-OK-A", 600_000);
    const b = track("BUNDLE-OK-B", 600_000);
    await Promise.all([a, b].map((x) => rok.release(x, "JSDF", "real-time")));
    await net.quiesce();
    const jsdf = net.node("JSDF");
    expect([a, b].map((x) => jsdf.picture.get(`KOR:${x.trackId}`)?.item.id)).toEqual([a.id, b.id]);
  });
});

describe("a burst of large tracks", () => {
  /**
   * Releases 200 tracks of about 9 KB each (100 trajectory samples) at once, 1.8 MB of releases, over
   * endpoints that declare `maxMessageBytes` (or none); returns every track envelope's size, per sender.
   */
  async function burstSizes(maxMessageBytes: number | undefined): Promise<Map<string, number[]>> {
    const sizes = new Map<string, number[]>();
    const burst = await fakeTimeNetwork(
      t(base.asOf),
      { conditions: { latencyMs: 1, jitterMs: 0 } },
      undefined,
      {
        endpointFor: (id, endpoint) => ({
          nodeId: endpoint.nodeId,
          maxMessageBytes,
          send: (to, m) => {
            if (m.class === "track") sizes.set(id, [...(sizes.get(id) ?? []), m.payload.length]);
            return endpoint.send(to, m);
          },
          subscribe: (h) => endpoint.subscribe(h),
          close: () => endpoint.close(),
        }),
      },
    );
    try {
      const sample = base.trajectory[0] as TrackReport["trajectory"][number];
      const trajectory = Array.from({ length: 100 }, (_, i) => ({ ...sample, altM: sample.altM + i }));
      const tracks = Array.from({ length: 200 }, (_, i) => ({
        ...base,
        id: `BIG-${i}`,
        trackId: `BIG-${i}`,
        trajectory,
      }));
      const rok = burst.node("ROK_KTMO_CELL");
      await Promise.all(tracks.map((x) => rok.release(x, "JSDF", "real-time")));
      await burst.quiesce();
      const jsdf = burst.node("JSDF");
      expect(tracks.filter((x) => jsdf.picture.get(`KOR:${x.trackId}`)?.item.id === x.id)).toHaveLength(200);
      expect(jsdf.rejections).toEqual([]);
      return sizes;
    } finally {
      await burst.close();
    }
  }

  it("goes in envelopes of at most FRAME_RELEASE_BYTES of releases where the transport sets no limit", async () => {
    const sizes = await burstSizes(undefined);
    const rok = sizes.get("ROK_KTMO_CELL") ?? [];
    // Before any bound: one envelope of about 3 MB.
    expect(rok.length).toBeGreaterThan(1);
    expect(Math.max(...rok)).toBeLessThan(1.8 * frameReleaseBytes(undefined) + 16 * 1024);
  });

  for (const limit of [1024 * 1024, 300 * 1024]) {
    it(`fits every envelope, the relays' too, to a transport's ${limit / 1024} KiB message limit`, async () => {
      const sizes = await burstSizes(limit);
      for (const id of ["ROK_KTMO_CELL", "USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I"]) {
        const sent = sizes.get(id) ?? [];
        expect(sent.length, id).toBeGreaterThan(1);
        expect(Math.max(...sent), id).toBeLessThanOrEqual(limit);
        // Filled, not cut needlessly small: the largest holds more than half of what the limit allows.
        expect(Math.max(...sent), id).toBeGreaterThan(limit / 2);
      }
    });
  }
});

describe("the frame bound", () => {
  it("is FRAME_RELEASE_BYTES without a limit, and fits 1.8 times it (with 16 KiB to spare) under one", () => {
    expect(frameReleaseBytes(undefined)).toBe(FRAME_RELEASE_BYTES);
    expect(frameReleaseBytes(64 * 1024 * 1024)).toBe(FRAME_RELEASE_BYTES);
    expect(frameReleaseBytes(1024 * 1024)).toBe(Math.floor((1024 * 1024 - 16 * 1024) / 1.8));
    // A limit too small for anything still lets one entry through at a time (the transport refuses it).
    expect(frameReleaseBytes(1000)).toBe(ENTRY_ALLOWANCE_BYTES);
  });
});
