// Track bundles across the network: a relay passes a bundle on whole or refuses it whole (its tracks are
// signed as one), and audits it once, naming every track.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRecord } from "../src/audit/index.ts";
import type { TrackReport } from "../src/model/item.ts";
import { FRAME_RELEASE_BYTES } from "../src/node/node.ts";
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
  it("goes in bundles and envelopes of bounded size (under NATS's 1 MiB), and every track arrives", async () => {
    const sizes: number[] = [];
    const burst = await fakeTimeNetwork(
      t(base.asOf),
      { conditions: { latencyMs: 1, jitterMs: 0 } },
      undefined,
      {
        endpointFor: (id, endpoint) =>
          id !== "ROK_KTMO_CELL"
            ? endpoint
            : {
                nodeId: endpoint.nodeId,
                send: (to, m) => {
                  if (to === "USFK_TMO_CELL" && m.class === "track") sizes.push(m.payload.length);
                  return endpoint.send(to, m);
                },
                subscribe: (h) => endpoint.subscribe(h),
                close: () => endpoint.close(),
              },
      },
    );
    try {
      // 200 tracks of about 9 KB each (100 trajectory samples), released in one task: 1.8 MB of releases.
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
      // Before the bound: one envelope of about 3 MB, three times NATS's default 1 MiB limit.
      expect(sizes.length).toBeGreaterThan(1);
      expect(Math.max(...sizes)).toBeLessThan(2 * FRAME_RELEASE_BYTES);
      const jsdf = burst.node("JSDF");
      expect(tracks.filter((x) => jsdf.picture.get(`KOR:${x.trackId}`)?.item.id === x.id)).toHaveLength(200);
      expect(jsdf.rejections).toEqual([]);
    } finally {
      await burst.close();
    }
  });
});
