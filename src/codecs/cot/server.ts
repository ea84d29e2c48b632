/**
 * `cot serve` building block: a TCP server that streams CoT events to every connected client as TAK
 * expects on its plain streaming port — `<event>` documents written back to back, without XML
 * declarations or newlines between them. Read-only: what clients send is discarded. A client that stops
 * reading is dropped once its unsent backlog passes a limit, so one slow reader cannot hold memory.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { CotEvent } from "./event.ts";
import { cotToXml } from "./xml.ts";

/** Where to listen. */
export interface CotServerOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Unsent bytes a client may have queued before it is dropped. Default 1 MiB. */
  readonly maxBacklogBytes?: number;
  /** Events a client receives first on connecting (e.g. the current picture); default none. */
  readonly greeting?: () => readonly CotEvent[];
}

/** A running CoT stream server. */
export interface CotServer {
  /** The port actually bound. */
  readonly port: number;
  /** Number of connected clients. */
  clientCount(): number;
  /** Sends events to every connected client; returns how many clients they were written to. */
  send(events: CotEvent | readonly CotEvent[]): number;
  /** Stops listening and disconnects every client. */
  close(): Promise<void>;
}

/** Starts a CoT stream server. */
export function createCotServer(options: CotServerOptions): Promise<CotServer> {
  const clients = new Set<Socket>();
  const maxBacklog = options.maxBacklogBytes ?? 1024 * 1024;
  const server: Server = createServer((socket) => {
    clients.add(socket);
    const first = options.greeting?.() ?? [];
    if (first.length > 0) socket.write(first.map((e) => cotToXml(e, { declaration: false })).join(""));
    socket.on("data", () => {}); // clients' own events are not relayed
    socket.on("error", () => socket.destroy());
    socket.on("close", () => clients.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : options.port;
      resolve({
        port,
        clientCount: () => clients.size,
        send(events) {
          const list: readonly CotEvent[] = Array.isArray(events) ? events : [events as CotEvent];
          const bytes = list.map((e) => cotToXml(e, { declaration: false })).join("");
          let written = 0;
          for (const socket of clients) {
            if (socket.writableLength > maxBacklog) {
              socket.destroy();
              continue;
            }
            socket.write(bytes);
            written++;
          }
          return written;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of clients) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Splits a CoT byte stream into whole `<event>…</event>` documents, keeping any unfinished tail. */
export class CotStreamSplitter {
  private buffer = "";

  /** Adds received text; returns the documents it completed. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const done: string[] = [];
    for (;;) {
      const end = this.buffer.indexOf("</event>");
      if (end < 0) break;
      const start = this.buffer.indexOf("<event");
      const stop = end + "</event>".length;
      if (start >= 0 && start < end) done.push(this.buffer.slice(start, stop));
      this.buffer = this.buffer.slice(stop);
    }
    return done;
  }
}
