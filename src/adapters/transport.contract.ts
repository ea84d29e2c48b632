/**
 * The Transport contract: the behaviour the node runtime relies on, run against every adapter
 * (in-process and NATS). Node pairs are taken from the topology given, so the suite is not tied to the
 * trilateral one; it needs at least one cross-party link and one pair of nodes without a link.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  Delivery,
  Transport,
  TransportEndpoint,
  TransportError,
  TransportMessage,
  TransportTopology,
} from "../ports.ts";
import { LinkGraph } from "./transport-links.ts";

/** A transport under test, with a way to cut and restore the path between two nodes. */
export interface TransportFixture {
  readonly transport: Transport;
  /** The ack wait the transport was built with (kept short so redelivery tests are quick). */
  readonly ackWaitMs: number;
  /** Cuts the path between a and b (in-process: link down; NATS: server stopped). */
  interrupt(a: string, b: string): Promise<void>;
  /** Restores the path cut by `interrupt`. */
  restore(a: string, b: string): Promise<void>;
  /** Releases everything (servers, timers, connections), even after a failed test. */
  close(): Promise<void>;
}

const text = new TextEncoder();
const untext = new TextDecoder();

/** A message with a JSON body. */
export function message(id: string, cls: "track" | "report", body: unknown = { id }): TransportMessage {
  return { id, class: cls, payload: text.encode(JSON.stringify(body)) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), failing after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

type Policy = (d: Delivery) => "ack" | "ignore" | "throw";

/** Subscribes an endpoint and records what it receives, acknowledging as `policy` says. */
async function record(endpoint: TransportEndpoint, policy: Policy = () => "ack"): Promise<Delivery[]> {
  const got: Delivery[] = [];
  await endpoint.subscribe((d) => {
    got.push(d);
    const action = policy(d);
    if (action === "throw") throw new Error("handler failed");
    if (action === "ack") d.ack();
  });
  return got;
}

const count = (got: Delivery[], id: string): number => got.filter((d) => d.id === id).length;

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (e) {
    return e as TransportError;
  }
  throw new Error("expected a rejection");
}

/** Registers the shared Transport tests for one adapter. */
export function transportContract(
  name: string,
  topology: TransportTopology,
  make: () => Promise<TransportFixture>,
): void {
  const graph = new LinkGraph(topology);
  const links = graph.links();
  const crossParty = links.find(([a, b]) => graph.partyOf.get(a) !== graph.partyOf.get(b));
  const nodes = graph.nodes;
  const unlinked = nodes.flatMap((a) =>
    nodes.filter((b) => a !== b && !graph.linked(a, b)).map((b) => [a, b]),
  )[0];
  if (crossParty === undefined || unlinked === undefined)
    throw new Error("topology too small for the contract");
  const [src, dst] = crossParty;
  const [loner, stranger] = unlinked as [string, string];

  describe(`Transport contract: ${name}`, () => {
    let fx: TransportFixture;
    beforeEach(async () => {
      fx = await make();
    });
    afterEach(async () => {
      await fx?.close();
    });

    it("delivers tracks and reports on every link in both directions, with ids, payloads and headers", async () => {
      const ends = new Map<string, TransportEndpoint>();
      const inboxes = new Map<string, Delivery[]>();
      for (const n of nodes) ends.set(n, await fx.transport.connect(n));
      for (const [n, e] of ends) inboxes.set(n, await record(e));
      const sends: Promise<void>[] = [];
      for (const [n, e] of ends) {
        for (const peer of graph.peersOf(n)) {
          for (const cls of ["track", "report"] as const) {
            const id = `${cls}-${n}-${peer}`;
            sends.push(
              e.send(peer, { ...message(id, cls, { from: n, to: peer }), headers: { "x-trace": id } }),
            );
          }
        }
      }
      await Promise.all(sends);
      const expected = links.length * 2 * 2;
      const total = (): number => [...inboxes.values()].reduce((s, g) => s + g.length, 0);
      await eventually(() => total() >= expected, 10_000, "all deliveries");
      for (const [n, got] of inboxes) {
        const ids = got.map((d) => d.id).sort();
        const want = graph.peersOf(n).flatMap((p) => [`report-${p}-${n}`, `track-${p}-${n}`]);
        expect(ids).toEqual(want.sort());
        for (const d of got) {
          expect(d.to).toBe(n);
          expect(d.id).toBe(`${d.class}-${d.from}-${n}`);
          expect(JSON.parse(untext.decode(d.payload))).toEqual({ from: d.from, to: n });
          expect(d.headers).toEqual({ "x-trace": d.id });
          expect(d.deliveryCount).toBe(1);
        }
      }
    });

    it("refuses to send where the topology has no link, and to unknown nodes", async () => {
      const a = await fx.transport.connect(loner);
      const b = await fx.transport.connect(stranger);
      const got = await record(b);
      for (const cls of ["track", "report"] as const) {
        expect((await rejection(a.send(stranger, message(`x-${cls}`, cls)))).code).toBe("NO_LINK");
      }
      expect((await rejection(a.send("NOWHERE", message("y", "track")))).code).toBe("UNKNOWN_NODE");
      expect((await rejection(fx.transport.connect("NOWHERE"))).code).toBe("UNKNOWN_NODE");
      await sleep(100);
      expect(got).toEqual([]);
    });

    it("delivers tracks in order per link and never redelivers them", async () => {
      const a = await fx.transport.connect(src);
      const b = await fx.transport.connect(dst);
      const got = await record(b, () => "ignore");
      const ids = Array.from({ length: 100 }, (_, i) => `t${i}`);
      for (const id of ids) await a.send(dst, message(id, "track"));
      await eventually(() => got.length >= ids.length, 10_000, "100 tracks");
      await sleep(fx.ackWaitMs * 2);
      expect(got.map((d) => d.id)).toEqual(ids);
      expect(got.every((d) => d.deliveryCount === 1 && d.class === "track" && d.from === src)).toBe(true);
    });

    it("redelivers an unacknowledged report after the ack wait, and not an acknowledged one", async () => {
      const a = await fx.transport.connect(src);
      const b = await fx.transport.connect(dst);
      const got = await record(b, (d) => (d.id === "acked" || d.deliveryCount >= 2 ? "ack" : "ignore"));
      await a.send(dst, message("acked", "report"));
      await a.send(dst, message("unacked", "report"));
      await eventually(() => count(got, "unacked") >= 2, fx.ackWaitMs * 6, "redelivery");
      await sleep(fx.ackWaitMs * 1.5);
      expect(count(got, "acked")).toBe(1);
      expect(got.filter((d) => d.id === "unacked").map((d) => d.deliveryCount)).toEqual([1, 2]);
    });

    it("redelivers a report whose handler throws", async () => {
      const a = await fx.transport.connect(src);
      const b = await fx.transport.connect(dst);
      const got = await record(b, (d) => (d.deliveryCount === 1 ? "throw" : "ack"));
      await a.send(dst, message("fragile", "report"));
      await eventually(() => got.length >= 2, fx.ackWaitMs * 6, "redelivery after a throw");
      await sleep(fx.ackWaitMs * 1.5);
      expect(got.map((d) => d.deliveryCount)).toEqual([1, 2]);
    });

    it("delivers a report sent twice with the same id once; ids are scoped by sender", async () => {
      const a = await fx.transport.connect(src);
      const b = await fx.transport.connect(dst);
      const got = await record(b);
      await a.send(dst, message("twice", "report"));
      await a.send(dst, message("twice", "report"));
      const other = graph.peersOf(dst).find((p) => p !== src);
      if (other !== undefined)
        await (await fx.transport.connect(other)).send(dst, message("twice", "report"));
      const want = other === undefined ? 1 : 2;
      await eventually(() => got.length >= want, 10_000, "deliveries");
      await sleep(fx.ackWaitMs * 1.5);
      expect(got.map((d) => d.from).sort()).toEqual([src, ...(other === undefined ? [] : [other])].sort());
    });

    it("keeps reports for a node that is not connected and delivers them when it subscribes", async () => {
      const a = await fx.transport.connect(src);
      const early = await fx.transport.connect(dst);
      const first = await record(early);
      await a.send(dst, message("before", "report"));
      await eventually(() => first.length === 1, 10_000, "first report");
      await early.close();
      await a.send(dst, message("while-away", "report"));
      await sleep(50);
      const b = await fx.transport.connect(dst);
      const got = await record(b);
      await eventually(() => got.length >= 1, 10_000, "stored report");
      await sleep(fx.ackWaitMs * 1.5);
      expect(got.map((d) => d.id)).toEqual(["while-away"]);
    });

    it("delivers reports sent during an outage after it ends, once each when acknowledged", async () => {
      const a = await fx.transport.connect(src);
      const b = await fx.transport.connect(dst);
      const got = await record(b);
      await a.send(dst, message("before", "report"));
      await eventually(() => got.length === 1, 10_000, "report before the outage");
      await fx.interrupt(src, dst);
      const ids = ["o1", "o2", "o3", "o4", "o5"];
      const sends = ids.map((id) => a.send(dst, message(id, "report")));
      const settled = Promise.allSettled(sends);
      await sleep(200);
      expect(got.map((d) => d.id)).toEqual(["before"]);
      await fx.restore(src, dst);
      for (const r of await settled) expect(r.status).toBe("fulfilled");
      await eventually(() => got.length >= 1 + ids.length, 20_000, "reports after the outage");
      await sleep(fx.ackWaitMs * 1.5);
      expect(got.map((d) => d.id).sort()).toEqual(["before", ...ids].sort());
    });

    it("refuses a second subscription, bad messages, and any use after close", async () => {
      const a = await fx.transport.connect(src);
      await a.subscribe(() => {});
      expect(await rejection(a.subscribe(() => {}))).toMatchObject({ code: "ALREADY_SUBSCRIBED" });
      const bad = { ...message("h", "track"), headers: { "Nats-Msg-Id": "forged" } };
      expect(await rejection(a.send(dst, bad))).toMatchObject({ code: "INVALID_MESSAGE" });
      expect(await rejection(a.send(dst, message("", "report")))).toMatchObject({ code: "INVALID_MESSAGE" });
      await a.close();
      expect(await rejection(a.send(dst, message("late", "track")))).toMatchObject({ code: "CLOSED" });
    });
  });
}
