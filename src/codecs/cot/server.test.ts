import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TrackReport } from "../../model/item.ts";
import { type CotServer, CotStreamSplitter, createCotServer, trackReportToCot, xmlToCot } from "./index.ts";

const report = TrackReport.parse({
  kind: "track-report",
  id: "R1",
  label: { originator: "KOR", classification: "II", topics: ["missile-warning"] },
  asOf: "2023-05-30T21:29:30Z",
  eventId: "PRK-2023-05-31",
  trackId: "KOR-T1",
  launch: { lat: 39.66, lon: 124.705, time: "2023-05-30T21:27:00Z", uncertaintyM: 1500, timeUncertaintyS: 5 },
  trajectory: [{ time: "2023-05-30T21:29:30Z", lat: 38.2, lon: 124.4, altM: 120_000 }],
  impact: {
    lat: 36.5,
    lon: 124.1,
    time: "2023-05-30T21:36:00Z",
    ellipse95: { semiMajorM: 40_000, semiMinorM: 15_000, orientationDeg: 10 },
  },
  missileClass: "SLV",
});

let server: CotServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

async function client(port: number): Promise<{ documents: string[]; raw: () => string }> {
  const socket = connect({ host: "127.0.0.1", port });
  sockets.push(socket);
  socket.setEncoding("utf8"); // multi-byte characters may straddle TCP chunks
  const splitter = new CotStreamSplitter();
  const documents: string[] = [];
  let raw = "";
  socket.on("data", (chunk: string) => {
    raw += chunk;
    documents.push(...splitter.push(chunk));
  });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return { documents, raw: () => raw };
}

async function until(test: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("createCotServer", () => {
  it("streams events to TCP clients as concatenated <event> documents without newlines", async () => {
    server = await createCotServer({ port: 0 });
    expect(server.port).toBeGreaterThan(0);
    const a = await client(server.port);
    const b = await client(server.port);
    const srv = server;
    await until(() => srv.clientCount() === 2);
    const events = trackReportToCot(report, { now: "2023-05-30T21:29:31Z" });
    expect(server.send(events)).toBe(2);
    await until(() => a.documents.length === 4 && b.documents.length === 4);
    expect(a.raw()).not.toMatch(/[\r\n]/);
    expect(a.raw().startsWith("<event ")).toBe(true);
    expect(a.documents.map((d) => xmlToCot(d))).toEqual(events.map((event) => ({ ok: true, event })));
    expect(b.documents).toEqual(a.documents);
  });

  it("greets each new client with the events the caller gives (the current picture)", async () => {
    const picture = trackReportToCot(report, { now: "2023-05-30T21:29:31Z" });
    server = await createCotServer({ port: 0, greeting: () => picture });
    const a = await client(server.port);
    await until(() => a.documents.length === 4);
    expect(a.documents.map((d) => xmlToCot(d))).toEqual(picture.map((event) => ({ ok: true, event })));
  });

  it("forgets clients that disconnect and stops cleanly", async () => {
    server = await createCotServer({ port: 0, host: "127.0.0.1" });
    const srv = server;
    await client(server.port);
    await until(() => srv.clientCount() === 1);
    sockets.splice(0).forEach((s) => {
      s.destroy();
    });
    await until(() => srv.clientCount() === 0);
    expect(server.send(trackReportToCot(report, { now: "2023-05-30T21:29:31Z" }))).toBe(0);
  });

  it("splits a stream cut at any byte boundary", () => {
    const docs = ['<event uid="a"><point/></event>', '<event uid="b"><point/></event>'];
    const stream = docs.join("");
    for (let cut = 0; cut <= stream.length; cut++) {
      const s = new CotStreamSplitter();
      expect([...s.push(stream.slice(0, cut)), ...s.push(stream.slice(cut))]).toEqual(docs);
    }
  });
});
