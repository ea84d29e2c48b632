/**
 * Transport latency over the four hops ROK_KTMO_CELL → USFK_TMO_CELL → INDOPACOM_LINK_CTRL_HI → USFJ_C4I
 * → JSDF, each hop receiving and forwarding (a trivial loop standing in for the node runtime). Baselines
 * in the same run: raw core NATS on a plain server (no accounts), one hop and the same four hops, and
 * raw core NATS on the accounts server with the nodes' own users. Then the NatsTransport (tracks over
 * core NATS, reports over JetStream) and the in-process transport with zero latency configured.
 * One message in flight at a time; p50/p99 in milliseconds. `npx tsx bench/transport.ts [samples]`
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
const WARMUP = 500;
const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const payload = new TextEncoder().encode(
  JSON.stringify({ track: "T-0001", lat: 39.0, lon: 125.7, pad: "x".repeat(400) }),
);

/** Runs `once` WARMUP + n times and returns the sorted latencies of the measured runs. */
async function measure(n: number, once: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await once(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const rows: { name: string; p50: number; p99: number; n: number }[] = [];
function row(name: string, sorted: number[]): void {
  rows.push({ name, p50: pct(sorted, 50), p99: pct(sorted, 99), n: sorted.length });
}

/** A relay of raw core NATS connections along `route` (one connection per node). */
async function rawChain(conns: NatsConnection[], route: string[], n: number): Promise<number[]> {
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
  return measure(n, async () => {
    const done = new Promise<void>((r) => {
      arrived = r;
    });
    (conns[0] as NatsConnection).publish(subjectOf(route[0] as string, route[1] as string, "track"), payload);
    await done;
  });
}

/** A relay through a Transport along `route`: each node forwards what it receives to the next one. */
async function transportChain(
  transport: Transport,
  route: string[],
  cls: TrafficClass,
  n: number,
): Promise<number[]> {
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
  const result = await measure(n, async (i) => {
    const id = `${cls}-${i}`;
    const done = new Promise<void>((r) => waiting.set(id, r));
    await first.send(route[1] as string, { id, class: cls, payload });
    await done;
    waiting.delete(id);
  });
  await Promise.all(ends.map((e) => e.close()));
  return result;
}

async function main(): Promise<void> {
  const plain = await NatsServer.start();
  const accounts = await NatsServer.start({ topology });
  try {
    const plainConns = await Promise.all(ROUTE.map(() => connect({ servers: plain.url })));
    row("raw NATS, plain server, 1 hop", await rawChain(plainConns.slice(0, 2), ROUTE.slice(0, 2), SAMPLES));
    await Promise.all(plainConns.map((c) => c.close()));
    const plainConns4 = await Promise.all(ROUTE.map(() => connect({ servers: plain.url })));
    row("raw NATS, plain server, 4 hops", await rawChain(plainConns4, ROUTE, SAMPLES));
    await Promise.all(plainConns4.map((c) => c.close()));
    const accConns = await Promise.all(
      ROUTE.map((id) => connect({ servers: accounts.url, ...accounts.credentials(id) })),
    );
    row("raw NATS, accounts server, 4 hops", await rawChain(accConns, ROUTE, SAMPLES));
    await Promise.all(accConns.map((c) => c.close()));

    const nats = new NatsTransport({
      topology,
      servers: accounts.url,
      credentials: (id) => accounts.credentials(id),
    });
    row("NatsTransport track, 1 hop", await transportChain(nats, ROUTE.slice(0, 2), "track", SAMPLES));
    row("NatsTransport track, 4 hops", await transportChain(nats, ROUTE, "track", SAMPLES));
    row(
      "NatsTransport report (JetStream), 4 hops",
      await transportChain(nats, ROUTE, "report", Math.min(SAMPLES, 500)),
    );
    await nats.close();
  } finally {
    await accounts.dispose();
    await plain.dispose();
  }
  const inproc = new InProcessTransport({ topology });
  row("InProcessTransport track, 4 hops, 0 ms", await transportChain(inproc, ROUTE, "track", SAMPLES));
  row("InProcessTransport report, 4 hops, 0 ms", await transportChain(inproc, ROUTE, "report", SAMPLES));
  await inproc.close();

  console.log(`transport latency, one message in flight, ${payload.length}-byte payload (ms)`);
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(44)} p50 ${r.p50.toFixed(3).padStart(7)}  p99 ${r.p99.toFixed(3).padStart(7)}  n=${r.n}`,
    );
  }
  const get = (name: string) => rows.find((r) => r.name === name);
  const raw4 = get("raw NATS, plain server, 4 hops");
  const tw4 = get("NatsTransport track, 4 hops");
  if (raw4 !== undefined && tw4 !== undefined) {
    console.log(
      `  NatsTransport track − raw NATS, 4 hops: p50 +${(tw4.p50 - raw4.p50).toFixed(3)} ms, p99 +${(tw4.p99 - raw4.p99).toFixed(3)} ms (aim ≤ 2 ms)`,
    );
  }
}

await main();
