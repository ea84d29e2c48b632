// The WebSocket stream with a real client over a real socket: authentication, the snapshot, events
// pushed as the replay clock reaches them (only those the operator may see), and a new snapshot on seek.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { CopEvent } from "../src/model/cop.ts";
import { fixtureTimeline } from "../src/server/cop.fixture.ts";
import { StreamMessage } from "../src/server/schemas.ts";
import { fixtureServer } from "../src/server/testing.ts";

type Server = Awaited<ReturnType<typeof fixtureServer>>;
let server: Server;
let base: string;
const timeline = fixtureTimeline();
const { startMs } = timeline.setup;

/** A connected client that records every message (parsed through the stream's schema). */
async function connect(query: string): Promise<{
  messages: StreamMessage[];
  closed: Promise<{ code: number }>;
  until: (p: (m: StreamMessage[]) => boolean, what: string) => Promise<void>;
  ws: WebSocket;
}> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/api/stream${query}`);
  const messages: StreamMessage[] = [];
  ws.on("message", (data) => messages.push(StreamMessage.parse(JSON.parse(String(data)))));
  const closed = new Promise<{ code: number }>((resolve) => ws.on("close", (code) => resolve({ code })));
  await new Promise<void>((resolve, reject) => {
    ws.on("open", () => resolve());
    ws.on("error", reject);
  });
  const until = async (p: (m: StreamMessage[]) => boolean, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!p(messages)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { messages, closed, until, ws };
}

const control = (body: unknown) =>
  server.app.inject({
    method: "POST",
    url: "/api/replay",
    payload: body as object,
    headers: { authorization: "Bearer t-USA-TS" },
  });

beforeAll(async () => {
  server = await fixtureServer();
  await control({ action: "pause" });
  await control({ action: "seek", positionMs: startMs });
  base = await server.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => server.close());

describe("GET /api/stream (WebSocket)", () => {
  it("closes with 4401 without a token or with a bad one", async () => {
    for (const q of ["", "?token=wrong-token"]) {
      const c = await connect(q);
      expect((await c.closed).code).toBe(4401);
    }
  });

  it("sends a snapshot, then each visible event as the clock reaches it, and a new snapshot on seek", async () => {
    const jpn = await connect("?token=t-JPN-GOKUHI");
    const kor = await connect("?token=t-KOR-III");
    for (const c of [jpn, kor]) await c.until((m) => m.some((x) => x.type === "snapshot"), "snapshot");
    const snap = jpn.messages.find((m) => m.type === "snapshot");
    expect(snap?.type === "snapshot" && snap.events).toEqual([]);
    expect(jpn.messages[0]?.type).toBe("hello");

    // Play at 100× and let 0.7 s of wall time pass: 70 s of scenario, the first minute's events.
    await control({ action: "speed", speed: 100 });
    await control({ action: "play" });
    server.wall.now += 700;
    const pushed = (c: typeof jpn) =>
      c.messages.flatMap((m) => (m.type === "event" ? [m.event] : [])) as CopEvent[];
    await jpn.until(() => pushed(jpn).some((e) => e.type === "fused"), "the fused event");
    await control({ action: "pause" });
    await new Promise((r) => setTimeout(r, 100));

    const expected = (party: string, rank: number) =>
      timeline.events
        .filter(
          (e) =>
            e.t <= startMs + 70_000 &&
            (e.holder === party || e.holder === "PUBLIC") &&
            e.marking.rank <= rank,
        )
        .map((e) => e.seq);
    expect(pushed(jpn).map((e) => e.seq)).toEqual(expected("JPN", 2));
    expect(pushed(kor).map((e) => e.seq)).toEqual(expected("KOR", 1));
    expect(pushed(kor).some((e) => e.holder === "JPN")).toBe(false);

    await control({ action: "seek", positionMs: startMs + 500_000 });
    await jpn.until((m) => m.filter((x) => x.type === "snapshot").length === 2, "a second snapshot");
    const second = jpn.messages.filter((m) => m.type === "snapshot")[1];
    expect(second?.type === "snapshot" && second.events.map((e) => e.type)).toContain("warning");
    for (const c of [jpn, kor]) c.ws.close();
  });
});
