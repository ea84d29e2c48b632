// The NATS transport against real nats-server processes started from the generated configuration.
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NATS_MAX_PAYLOAD } from "../src/adapters/nats/config.ts";
import { NatsServer } from "../src/adapters/nats/server.ts";
import { NatsTransport } from "../src/adapters/nats/transport.ts";
import { eventually, message, transportContract } from "../src/adapters/transport.contract.ts";
import { subjectOf } from "../src/adapters/transport-links.ts";
import { loadFile } from "../src/config/files.ts";
import { DEFAULT_PATHS } from "../src/config/project.ts";
import { Topology } from "../src/model/topology.ts";

const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const ACK_WAIT = 500;

function natsTransport(server: NatsServer): NatsTransport {
  return new NatsTransport({
    topology,
    servers: server.url,
    credentials: (n) => server.credentials(n),
    ackWaitMs: ACK_WAIT,
    publishTimeoutMs: 500,
    reconnectWaitMs: 100,
  });
}

transportContract("NATS (accounts per nation, JetStream reports)", topology, async () => {
  const server = await NatsServer.start({ topology });
  const transport = natsTransport(server);
  return {
    transport,
    ackWaitMs: ACK_WAIT,
    interrupt: () => server.stop(),
    restore: () => server.restart(),
    close: async () => {
      await transport.close();
      await server.dispose();
    },
  };
});

describe("NATS accounts keep nodes out of traffic they are not party to", () => {
  let server: NatsServer;
  let transport: NatsTransport;
  beforeAll(async () => {
    server = await NatsServer.start({ topology });
    transport = natsTransport(server);
  });
  afterAll(async () => {
    await transport?.close();
    await server?.dispose();
  });

  const ROK = "ROK_KTMO_CELL";
  const USFK = "USFK_TMO_CELL";
  const HUB = "INDOPACOM_LINK_CTRL_HI";
  const USFJ = "USFJ_C4I";
  const JSDF = "JSDF";
  const raw = (user: string) => connect({ servers: server.url, ...server.credentials(user) });

  it("tells its nodes the server's message limit, which the generated configuration raises to 4 MiB", async () => {
    const endpoint = await transport.connect(ROK);
    try {
      expect(endpoint.maxMessageBytes).toBe(NATS_MAX_PAYLOAD);
    } finally {
      await endpoint.close();
    }
  });

  it("refuses a node's subscription to another link's subjects, across and within accounts", async () => {
    for (const [user, subject] of [
      [JSDF, subjectOf(ROK, USFK, "track")],
      [JSDF, "tw.>"],
      [USFK, subjectOf(USFJ, HUB, "track")],
      [ROK, subjectOf(JSDF, USFJ, "track")],
    ] as const) {
      const nc = await raw(user);
      const sub = nc.subscribe(subject);
      const closed = await Promise.race([sub.closed, new Promise((r) => setTimeout(() => r("open"), 2_000))]);
      expect(String(closed), `${user} on ${subject}`).toMatch(/Permissions Violation for Subscription/);
      await nc.close();
    }
  });

  it("refuses to let a node read another node's report stream", async () => {
    const nc = await raw(USFK);
    await expect(nc.request(`$JS.API.STREAM.INFO.TW_IN_${HUB}`, "", { timeout: 1_000 })).rejects.toThrow();
    await nc.close();
  });

  it("carries into an account only the links of its nodes, even for a user allowed everything", async () => {
    const jpnAdmin = await raw("admin-jpn");
    const seen: string[] = [];
    jpnAdmin.subscribe("tw.>", {
      callback: (_e, m) => {
        seen.push(m.subject);
      },
    });
    await jpnAdmin.flush();
    const rok = await transport.connect(ROK);
    await rok.send(USFK, message("to-usfk", "track"));
    await rok.send(JSDF, message("to-jsdf", "track"));
    await eventually(() => seen.length >= 1, 5_000, "the ROK→JSDF track");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([subjectOf(ROK, JSDF, "track")]);
    await rok.close();
    await jpnAdmin.close();
  });

  it("drops a raw publish on a pair without a link, and the addressee sees nothing", async () => {
    const usfk = await transport.connect(USFK);
    const got: string[] = [];
    await usfk.subscribe((d) => {
      got.push(d.id);
      d.ack();
    });
    const nc = await connect({ servers: server.url, ...server.credentials(JSDF) });
    const errors: string[] = [];
    (async () => {
      for await (const s of nc.status()) if (s.type === "error") errors.push(String(s.error));
    })();
    nc.publish(subjectOf(JSDF, USFK, "track"), "forged");
    await nc.flush();
    await eventually(() => errors.length > 0, 5_000, "a permission error");
    expect(errors[0]).toMatch(/Permissions Violation for Publish/);
    expect(got).toEqual([]);
    await nc.close();
    await usfk.close();
  });
});
