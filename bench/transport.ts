/**
 * Transport latency over the four hops ROK_KTMO_CELL → USFK_TMO_CELL → INDOPACOM_LINK_CTRL_HI → USFJ_C4I
 * → JSDF, each hop receiving and forwarding (a trivial loop standing in for the node runtime). Baselines
 * in the same run: raw core NATS on a plain server (no accounts), one hop and the same four hops, and
 * raw core NATS on the accounts server with the nodes' own users. Then the NatsTransport (tracks over
 * core NATS, reports over JetStream) and the in-process transport with zero latency configured.
 * One message in flight at a time; the NATS cases run interleaved in rounds so that load on the machine
 * falls on all of them alike. p50/p99 in milliseconds. `npx tsx bench/transport.ts [samples]`
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { InProcessTransport } from "../src/adapters/inproc/transport.ts";
import { NatsServer } from "../src/adapters/nats/server.ts";
import { NatsTransport } from "../src/adapters/nats/transport.ts";
import { subjectOf } from "../src/adapters/transport-links.ts";
import { loadFile } from "../src/config/files.ts";
import { DEFAULT_PATHS } from "../src/config/project.ts";
import { Topology } from "../src/model/topology.ts";
import type { TrafficClass, Transport } from "../src/ports.ts";

const ROUTE = ["ROK_KTMO_CELL", "USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"];
const SAMPLES = Number(process.argv[2] ?? 2000);
const WARMUP = 300;
const ROUND = 100;
const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const payload = new TextEncoder().encode(
  JSON.stringify({ track: "T-0001", lat: 39.0, lon: 125.7, pad: "x".repeat(400) }),
);

/** One relay under test: `once` sends a message from the first node and resolves when the last has it. */
interface Relay {
  readonly name: string;
  readonly samples: number;
  once(i: number): Promise<void>;
  close(): Promise<void>;
}

/** Warms every relay up, then measures them in interleaved rounds; returns sorted latencies per relay. */
async function measure(relays: Relay[]): Promise<Map<Relay, number[]>> {
  const out = new Map<Relay, number[]>(relays.map((r) => [r, []]));
  for (const r of relays) for (let i = 0; i < WARMUP; i++) await r.once(-1 - i);
  let seq = 0;
  for (let done = false; !done; ) {
    done = true;
    for (const r of relays) {
      const got = out.get(r) as number[];
      for (let k = 0; k < ROUND && got.length < r.samples; k++) {
        const t0 = performance.now();
        await r.once(seq++);
        got.push(performance.now() - t0);
      }
      if (got.length < r.samples) done = false;
    }
  }
  for (const v of out.values()) v.sort((a, b) => a - b);
  return out;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Raw core NATS along `route`, one connection per node (credentials from `creds`, if any). */
async function rawRelay(name: string, url: string, route: string[], creds?: NatsServer): Promise<Relay> {
  const conns: NatsConnection[] = await Promise.all(
    route.map((id) => connect({ servers: url, ...(creds === undefined ? {} : creds.credentials(id)) })),
  );
  let arrived: (() => void) | undefined;
  for (let k = 1; k < route.length; k++) {
    const nc = conns[k] as NatsConnection;
    const me = route[k] as string;
    const next = route[k + 1];
    nc.subscribe(subjectOf(route[k - 1] as string, me, "track"), {
      callback: (_e, m) => {
        if (next === undefined) arrived?.();
        else nc.publish(subjectOf(me, next, "track"), m.data);
      },
    });
    await nc.flush();
  }
  const first = conns[0] as NatsConnection;
  const subject = subjectOf(route[0] as string, route[1] as string, "track");
  return {
    name,
    samples: SAMPLES,
    once: async () => {
      const done = new Promise<void>((r) => {
        arrived = r;
      });
      first.publish(subject, payload);
      await done;
    },
    close: async () => {
      await Promise.all(conns.map((c) => c.close()));
    },
  };
}

/** A relay through a Transport: each node forwards what it receives to the next one, then acks. */
async function transportRelay(
  name: string,
  transport: Transport,
  route: string[],
  cls: TrafficClass,
  samples = SAMPLES,
): Promise<Relay> {
  const ends = await Promise.all(route.map((id) => transport.connect(id)));
  const waiting = new Map<string, () => void>();
  for (let k = 1; k < route.length; k++) {
    const end = ends[k];
    const next = route[k + 1];
    await end?.subscribe(async (d) => {
      if (next === undefined) waiting.get(d.id)?.();
      else await end.send(next, { id: d.id, class: d.class, payload: d.payload });
      d.ack();
    });
  }
  const first = ends[0];
  if (first === undefined) throw new Error("empty route");
  return {
    name,
    samples,
    once: async (i) => {
      const id = `${name.length}-${i}`;
      const done = new Promise<void>((r) => waiting.set(id, r));
      await first.send(route[1] as string, { id, class: cls, payload });
      await done;
      waiting.delete(id);
    },
    close: async () => {
      await Promise.all(ends.map((e) => e.close()));
    },
  };
}

function print(results: Map<Relay, number[]>): void {
  for (const [r, v] of results) {
    const p50 = pct(v, 50).toFixed(3).padStart(7);
    const p99 = pct(v, 99).toFixed(3).padStart(7);
    console.log(`  ${r.name.padEnd(44)} p50 ${p50}  p99 ${p99}  n=${v.length}`);
  }
}

const signed = (x: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

async function main(): Promise<void> {
  const plain = await NatsServer.start();
  const accounts = await NatsServer.start({ topology });
  const nats = new NatsTransport({
    topology,
    servers: accounts.url,
    credentials: (id) => accounts.credentials(id),
  });
  const relays: Relay[] = [];
  try {
    // The pair the aim is about, interleaved; the other baselines afterwards, each group on its own.
    relays.push(await rawRelay("raw NATS, plain server, 4 hops", plain.url, ROUTE));
    relays.push(await transportRelay("NatsTransport track, 4 hops", nats, ROUTE, "track"));
    const results = await measure(relays);
    console.log(`transport latency, one message in flight, ${payload.length}-byte payload (ms)`);
    print(results);
    const at = (name: string) => [...results].find(([r]) => r.name === name)?.[1] ?? [];
    const raw4 = at("raw NATS, plain server, 4 hops");
    const tw4 = at("NatsTransport track, 4 hops");
    const d50 = pct(tw4, 50) - pct(raw4, 50);
    const d99 = pct(tw4, 99) - pct(raw4, 99);
    console.log(
      `  NatsTransport track − raw NATS (plain), 4 hops: p50 ${signed(d50)}, p99 ${signed(d99)} (aim ≤ +2 ms)`,
    );
    await Promise.all(relays.map((r) => r.close()));
    relays.length = 0;
    const nats1 = new NatsTransport({
      topology,
      servers: accounts.url,
      credentials: (id) => accounts.credentials(id),
    });
    const reports = new NatsTransport({
      topology,
      servers: accounts.url,
      credentials: (id) => accounts.credentials(id),
    });
    for (const make of [
      () => rawRelay("raw NATS, plain server, 1 hop", plain.url, ROUTE.slice(0, 2)),
      () => transportRelay("NatsTransport track, 1 hop", nats1, ROUTE.slice(0, 2), "track"),
      () => rawRelay("raw NATS, accounts server, 4 hops", accounts.url, ROUTE, accounts),
    ]) {
      relays.push(await make());
      print(await measure(relays));
      await Promise.all(relays.map((r) => r.close()));
      relays.length = 0;
    }
    await nats1.close();
    // Reports are measured on their own: JetStream's disk writes would colour the core-NATS rounds.
    relays.push(
      await transportRelay("NatsTransport report (JetStream), 4 hops", reports, ROUTE, "report", 500),
    );
    print(await measure(relays));
    await Promise.all(relays.map((r) => r.close()));
    relays.length = 0;
    await reports.close();
  } finally {
    await Promise.all(relays.map((r) => r.close()));
    await nats.close();
    await accounts.dispose();
    await plain.dispose();
  }
  const inproc = new InProcessTransport({ topology });
  const inprocReport = new InProcessTransport({ topology });
  const local = [
    await transportRelay("InProcessTransport track, 4 hops, 0 ms", inproc, ROUTE, "track"),
    await transportRelay("InProcessTransport report, 4 hops, 0 ms", inprocReport, ROUTE, "report"),
  ];
  print(await measure(local));
  await inproc.close();
  await inprocReport.close();
}

await main();
