// Link handshakes that cross: the initiator sent a second hello before the reply to its first came back,
// and the partner, on the channel it answered, sent a report before its reply arrived. Before the fix the
// first reply was refused (only the latest hello was kept) and the early report was refused as
// BAD_HOP_MAC and acknowledged: lost (seen under load in the five-process NATS test).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Item } from "../src/model/item.ts";
import { CONTROL_HEADER } from "../src/node/control.ts";
import type { TransportEndpoint } from "../src/ports.ts";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { example, t, trackExample } from "./helpers/policy.ts";

const ROK = "ROK_KTMO_CELL";
const JSDF = "JSDF";
let net: FakeTimeNetwork;

beforeAll(async () => {
  net = await fakeTimeNetwork(t("2017-09-03T05:00:00Z"), {}, (_id, s) => s, { link: false });
});
afterAll(async () => net?.close());

describe("crossing link handshakes", () => {
  it("a reply to an earlier hello still finishes the handshake", async () => {
    const jsdf = net.node(JSDF);
    const rok = net.node(ROK);
    const first = await jsdf.openLink(ROK);
    await jsdf.openLink(ROK); // a retry, sent before the reply to the first came back
    const reply = await rok.acceptLink(first, JSDF);
    await expect(jsdf.completeLink(ROK, reply)).resolves.toBeUndefined();
  });

  it("a report sealed under a channel whose reply has not arrived yet is delivered once it has", async () => {
    const jsdf = net.node(JSDF);
    const rok = net.node(ROK);
    const hello = await jsdf.openLink(ROK);
    const reply = await rok.acceptLink(hello, JSDF); // ROK now seals under the new channel
    const report: Item = { ...example("intel-nuclear-test"), id: "KOR-IR-CROSSING" };
    const plan = await rok.release(report, JSDF, "deferred");
    expect(plan.ok).toBe(true);
    await rok.idle();
    net.scheduler.advance(1);
    await jsdf.idle();
    expect(await net.stores.get(JSDF)?.getItem(report.id)).toBeUndefined();
    // The reply arrives; the transport delivers the unacknowledged report again.
    await jsdf.completeLink(ROK, reply);
    await net.quiesce(100, 1_000);
    expect((await net.stores.get(JSDF)?.getItem(report.id))?.item.id).toBe(report.id);
    expect(jsdf.rejections.filter((r) => r.why === "BAD_HOP_MAC" && !r.detail.includes("pending"))).toEqual(
      [],
    );
  });

  it("a track sealed under the channel the partner has just replaced still opens (its own sequence)", async () => {
    const jsdf = net.node(JSDF);
    const usfj = net.node("USFJ_C4I");
    // USFJ answers a new hello (a rekey on its side); JSDF has not had the reply yet and seals under the
    // channel before. Before the fix only reports fell back on the previous channel: the track was refused
    // as BAD_HOP_MAC (seen under load in the five-process NATS test).
    await jsdf.completeLink("USFJ_C4I", await usfj.acceptLink(await jsdf.openLink("USFJ_C4I"), JSDF));
    const hello = await jsdf.openLink("USFJ_C4I");
    await usfj.acceptLink(hello, JSDF);
    const track = {
      ...trackExample("jpn-track-report"),
      id: "JPN-TR-CROSSING",
      asOf: new Date(net.now()).toISOString(),
    };
    const plan = await jsdf.release(track, "USFJ_C4I", "real-time");
    expect(plan.ok).toBe(true);
    await net.quiesce(1, 100);
    expect(usfj.rejections.filter((r) => r.why === "BAD_HOP_MAC")).toEqual([]);
    expect([...usfj.picture.values()].some((e) => e.item.id === track.id)).toBe(true);
  });

  it("a track sealed under a channel whose reply has not arrived yet is opened once it has", async () => {
    const jsdf = net.node(JSDF);
    const usfj = net.node("USFJ_C4I");
    // USFJ answers JSDF's new hello and at once relays a track under the new channel; JSDF has not had
    // the reply yet. Before the fix the track was refused as BAD_HOP_MAC (tracks are not redelivered).
    const hello = await jsdf.openLink("USFJ_C4I");
    const reply = await usfj.acceptLink(hello, JSDF);
    const track = {
      ...trackExample("usa-track-report"),
      id: "USA-TR-EARLY",
      trackId: "USFJ-EARLY",
      asOf: new Date(net.now()).toISOString(),
    };
    expect((await usfj.release(track, JSDF, "real-time")).ok).toBe(true);
    await usfj.idle();
    net.scheduler.advance(1);
    await jsdf.idle();
    expect([...jsdf.picture.values()].some((e) => e.item.id === track.id)).toBe(false);
    await jsdf.completeLink("USFJ_C4I", reply);
    await jsdf.idle();
    expect([...jsdf.picture.values()].some((e) => e.item.id === track.id)).toBe(true);
    expect(jsdf.rejections.filter((r) => r.from === "USFJ_C4I")).toEqual([]);
  });
});

describe("key confirmation", () => {
  it("a lost reply leaves the answering node silent on that channel until a handshake is confirmed", async () => {
    // ROK answers JSDF's hello, but its reply is lost (as a reply refused as stale under load is): JSDF
    // never completes that channel. Before the fix ROK sent at once under the channel it had answered,
    // and JSDF could never open what it sent (BAD_HOP_MAC; the report stayed unacknowledged for good).
    // Now ROK waits for JSDF's confirmation, which comes with the handshake of JSDF's next hello.
    let dropped = 0;
    const dropFirstReply = (id: string, endpoint: TransportEndpoint): TransportEndpoint =>
      id !== ROK
        ? endpoint
        : {
            nodeId: endpoint.nodeId,
            subscribe: (h) => endpoint.subscribe(h),
            close: () => endpoint.close(),
            send: (to, message) => {
              if (to === JSDF && message.headers?.[CONTROL_HEADER] === "link-reply" && dropped === 0) {
                dropped++;
                return Promise.resolve();
              }
              return endpoint.send(to, message);
            },
          };
    const lossy = await fakeTimeNetwork(t("2017-09-03T05:00:00Z"), {}, (_id, s) => s, {
      link: false,
      endpointFor: dropFirstReply,
    });
    try {
      const jsdf = lossy.node(JSDF);
      const rok = lossy.node(ROK);
      const step = async () => {
        lossy.scheduler.advance(5);
        await jsdf.idle();
        await new Promise((r) => setTimeout(r, 5));
      };
      jsdf.connectLinks(100);
      rok.connectLinks(100);
      // ROK has answered JSDF's first hello (and its reply was dropped) before it releases the report.
      for (let i = 0; i < 200 && dropped === 0; i++) await step();
      expect(dropped).toBe(1);
      const report: Item = { ...example("intel-nuclear-test"), id: "KOR-IR-CONFIRM" };
      const released = rok.release(report, JSDF, "deferred");
      for (let i = 0; i < 400; i++) {
        if (await lossy.stores.get(JSDF)?.getItem(report.id)) break;
        await step();
      }
      expect((await released).ok).toBe(true);
      expect((await lossy.stores.get(JSDF)?.getItem(report.id))?.item.id).toBe(report.id);
      expect(jsdf.rejections.filter((r) => r.from === ROK)).toEqual([]);
      expect(rok.linkedPartners.has(JSDF)).toBe(true);
    } finally {
      await lossy.close();
    }
  }, 30_000);
});

describe("sends waiting for a handshake", () => {
  it("wait while the link comes up, and fail at once when the node stops", async () => {
    const lonely = await fakeTimeNetwork(t("2017-09-03T05:00:00Z"), {}, (_id, s) => s, { link: false });
    try {
      const jsdf = lonely.node(JSDF);
      // USFJ is unreachable: JSDF's hellos wait in the transport, so its link never comes up.
      lonely.transport.setLinkUp(JSDF, "USFJ_C4I", false);
      jsdf.connectLinks(100);
      const track = {
        ...trackExample("jpn-track-report"),
        id: "JPN-TR-WAITING",
        asOf: new Date(lonely.now()).toISOString(),
      };
      const outcome = jsdf.release(track, "USFJ_C4I", "real-time").then(
        () => "released",
        (e: unknown) => String(e),
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(await Promise.race([outcome, Promise.resolve("still waiting")])).toBe("still waiting");
      const t0 = performance.now();
      await jsdf.stop();
      expect(performance.now() - t0).toBeLessThan(2_000); // not the 10 s limit
      expect(await outcome).toMatch(/no channel with USFJ_C4I/);
    } finally {
      await lonely.close();
    }
  }, 20_000);
});
