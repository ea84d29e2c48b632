import { describe, expect, it } from "vitest";
import { loadFile } from "../../config/files.ts";
import { DEFAULT_PATHS } from "../../config/project.ts";
import { Topology } from "../../model/topology.ts";
import type { Delivery } from "../../ports.ts";
import { message, transportContract } from "../transport.contract.ts";
import { ManualScheduler } from "./scheduler.ts";
import { InProcessTransport } from "./transport.ts";

const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const ACK_WAIT = 150;

transportContract("in-process (real timers, 2 ms ± 3 ms jitter)", topology, async () => {
  const transport = new InProcessTransport({
    topology,
    conditions: { latencyMs: 2, jitterMs: 3 },
    ackWaitMs: ACK_WAIT,
    seed: 7,
  });
  return {
    transport,
    ackWaitMs: ACK_WAIT,
    interrupt: async (a, b) => transport.setLinkUp(a, b, false),
    restore: async (a, b) => transport.setLinkUp(a, b, true),
    close: () => transport.close(),
  };
});

describe("InProcessTransport link simulation (fake time)", () => {
  const ROK = "ROK_KTMO_CELL";
  const USFK = "USFK_TMO_CELL";

  async function pair(options: Partial<ConstructorParameters<typeof InProcessTransport>[0]> = {}) {
    const scheduler = new ManualScheduler();
    const transport = new InProcessTransport({ topology, scheduler, ackWaitMs: 1_000, ...options });
    const a = await transport.connect(ROK);
    const b = await transport.connect(USFK);
    const got: { at: number; d: Delivery }[] = [];
    await b.subscribe((d) => {
      got.push({ at: scheduler.now(), d });
      d.ack();
    });
    return { scheduler, transport, a, b, got };
  }

  it("delays by the configured latency plus jitter, per link, and keeps order under jitter", async () => {
    const { scheduler, transport, a, got } = await pair({
      conditions: { latencyMs: 1, jitterMs: 0 },
      links: [{ a: USFK, b: ROK, conditions: { latencyMs: 40, jitterMs: 20 } }],
    });
    const sentAt: number[] = [];
    await a.send(USFK, message("t0", "track"));
    sentAt.push(scheduler.now());
    scheduler.advance(39.9);
    expect(got).toEqual([]);
    for (let i = 1; i < 50; i++) {
      await a.send(USFK, message(`t${i}`, "track"));
      sentAt.push(scheduler.now());
      scheduler.advance(0.5);
    }
    scheduler.advance(200);
    expect(got.map((g) => g.d.id)).toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`));
    const delays = got.map((g, i) => g.at - (sentAt[i] as number));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(40);
    // FIFO may hold a message behind a slower predecessor, but never beyond the worst draw.
    expect(Math.max(...delays)).toBeLessThan(60);
    expect(new Set(delays.map(Math.round)).size).toBeGreaterThan(5);
    await transport.close();
    expect(scheduler.pending).toBe(0);
  });

  it("loses tracks at the configured rate, reproducibly for a seed, but never reports", async () => {
    const run = async (seed: number) => {
      const { scheduler, transport, a, got } = await pair({ conditions: { lossProbability: 0.3 }, seed });
      for (let i = 0; i < 1000; i++) await a.send(USFK, message(`t${i}`, "track"));
      for (let i = 0; i < 100; i++) await a.send(USFK, message(`r${i}`, "report"));
      scheduler.advance(10);
      await transport.close();
      return got.map((g) => g.d.id);
    };
    const first = await run(42);
    const tracks = first.filter((id) => id.startsWith("t")).length;
    expect(tracks).toBeGreaterThan(640);
    expect(tracks).toBeLessThan(760);
    expect(first.filter((id) => id.startsWith("r"))).toHaveLength(100);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
  });

  it("drops tracks on a down link and holds reports until it is back", async () => {
    const { scheduler, transport, a, got } = await pair({ conditions: { latencyMs: 5 } });
    transport.setLinkUp(ROK, USFK, false);
    expect(transport.isLinkUp(USFK, ROK)).toBe(false);
    await a.send(USFK, message("lost-track", "track"));
    await a.send(USFK, message("held-report", "report"));
    scheduler.advance(60_000);
    expect(got).toEqual([]);
    transport.setLinkUp(USFK, ROK, true);
    scheduler.advance(4);
    expect(got).toEqual([]);
    scheduler.advance(1);
    expect(got.map((g) => [g.d.id, g.at])).toEqual([["held-report", 60_005]]);
    await transport.close();
  });

  it("redelivers unacknowledged reports every ack wait, and forgets a repeated id only after the window", async () => {
    const scheduler = new ManualScheduler();
    const transport = new InProcessTransport({
      topology,
      scheduler,
      ackWaitMs: 1_000,
      dedupeWindowMs: 5_000,
    });
    const a = await transport.connect(ROK);
    const b = await transport.connect(USFK);
    const counts: number[] = [];
    await b.subscribe((d) => {
      counts.push(d.deliveryCount);
      if (d.deliveryCount === 3) d.ack();
    });
    await a.send(USFK, message("r", "report"));
    scheduler.advance(0);
    expect(counts).toEqual([1]);
    expect(transport.unacknowledged(USFK)).toBe(1);
    scheduler.advance(999);
    expect(counts).toEqual([1]);
    scheduler.advance(1);
    expect(counts).toEqual([1, 2]);
    scheduler.advance(5_000);
    expect(counts).toEqual([1, 2, 3]);
    expect(transport.unacknowledged(USFK)).toBe(0);
    await a.send(USFK, message("r", "report"));
    scheduler.advance(0);
    expect(counts).toEqual([1, 2, 3, 1]);
    await transport.close();
  });

  it("refuses links that the topology does not have", () => {
    expect(
      () => new InProcessTransport({ topology, links: [{ a: USFK, b: "JSDF", conditions: {} }] }),
    ).toThrow(/no link/);
    const transport = new InProcessTransport({ topology });
    expect(() => transport.setLinkUp("USFK_TMO_CELL", "JSDF", false)).toThrow(/no link/);
  });
});
