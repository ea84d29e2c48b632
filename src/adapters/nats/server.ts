/**
 * Starts and stops a real `nats-server` from a configuration generated from the topology, in a temporary
 * directory, on ports the server chooses (read back from its ports file), and provisions each node's
 * report stream with the account's provisioning user. A restart keeps the ports and the JetStream store,
 * which is how tests simulate an outage.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { connect, nanos } from "@nats-io/transport-node";
import type { TransportTopology } from "../../ports.ts";
import { LinkGraph, subjectOf } from "../transport-links.ts";
import { accountsBlock, adminUserOf, natsConfig, reportStreamOf } from "./config.ts";

/** Options of a generated server; without a topology it is a plain server (no accounts, no auth). */
export interface NatsServerOptions {
  readonly topology?: TransportTopology;
  /** Path of the nats-server binary (default: $NATS_SERVER, /usr/sbin/nats-server, or the PATH). */
  readonly binary?: string;
  /** JetStream duplicate window of the report streams (default 2 min). */
  readonly duplicateWindowMs?: number;
  /** How long to wait for the server to become healthy (default 10 s). */
  readonly startTimeoutMs?: number;
}

/** User name and password of one node (or provisioning user). */
export interface NatsCredentials {
  readonly user: string;
  readonly pass: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: never leave a server behind if the process exits without stopping it. */
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

function defaultBinary(): string {
  const env = process.env.NATS_SERVER;
  if (env !== undefined && env !== "") return env;
  return existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server";
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A running (or stopped, restartable) nats-server child process. */
export class NatsServer {
  /** Working directory: config, logs, ports file and JetStream store. */
  readonly dir: string;
  readonly #options: NatsServerOptions;
  readonly #passwords: Map<string, string>;
  #child: ChildProcess | undefined;
  #port = -1;
  #monitorPort = -1;

  private constructor(dir: string, options: NatsServerOptions, passwords: Map<string, string>) {
    this.dir = dir;
    this.#options = options;
    this.#passwords = passwords;
  }

  /** Generates the configuration, starts the server, waits until healthy and provisions report streams. */
  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const dir = await mkdtemp(join(tmpdir(), "triwatch-nats-"));
    const passwords = new Map<string, string>();
    if (options.topology !== undefined) {
      const graph = new LinkGraph(options.topology);
      for (const n of graph.nodes) passwords.set(n, randomBytes(18).toString("base64url"));
      for (const p of new Set(graph.partyOf.values()))
        passwords.set(adminUserOf(p), randomBytes(18).toString("base64url"));
    }
    const server = new NatsServer(dir, options, passwords);
    try {
      await server.#launch();
      if (options.topology !== undefined) await server.#provision(options.topology);
    } catch (e) {
      await server.dispose();
      throw e;
    }
    return server;
  }

  /** Client URL (loopback). */
  get url(): string {
    return `nats://127.0.0.1:${this.#port}`;
  }

  /** Client port. */
  get port(): number {
    return this.#port;
  }

  /** The server process's id while it runs (for CPU accounting in benches). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Credentials of a node (or of a party's provisioning user, `admin-<party>`). */
  credentials(user: string): NatsCredentials {
    const pass = this.#passwords.get(user);
    if (pass === undefined) throw new Error(`no such NATS user ${user}`);
    return { user, pass };
  }

  /** Stops the process (SIGTERM, SIGKILL after 5 s); the store and ports are kept for `restart`. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Starts the process again on the same ports with the same JetStream store. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#launch();
  }

  /** Stops the process and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #launch(): Promise<void> {
    const place = {
      port: this.#port,
      monitorPort: this.#monitorPort,
      storeDir: join(this.dir, "jetstream"),
      portsDir: join(this.dir, "ports"),
      logFile: join(this.dir, "server.log"),
    };
    await rm(place.portsDir, { recursive: true, force: true });
    await mkdir(place.portsDir, { recursive: true });
    const topology = this.#options.topology;
    const accounts = topology === undefined ? undefined : accountsBlock(topology, this.#passwords);
    const configFile = join(this.dir, "server.conf");
    await writeFile(configFile, natsConfig(place, accounts));
    const child = spawn(this.#options.binary ?? defaultBinary(), ["-c", configFile], { stdio: "ignore" });
    track(child);
    this.#child = child;
    let failure: Error | undefined;
    child.once("error", (e) => {
      failure = e;
    });
    child.once("exit", (code, signal) => {
      failure ??= new Error(`nats-server exited (${code ?? signal}) during start`);
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + (this.#options.startTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (failure !== undefined) break;
      if (this.#port < 0 || this.#monitorPort < 0) await this.#readPorts(place.portsDir);
      if (this.#monitorPort > 0 && (await this.#healthy())) return;
      await sleep(20);
    }
    const log = await readFile(place.logFile, "utf8").catch(() => "");
    await this.stop("SIGKILL");
    throw new Error(
      `nats-server did not become healthy: ${failure?.message ?? "timeout"}\n${log.slice(-2000)}`,
      {
        cause: failure,
      },
    );
  }

  async #readPorts(portsDir: string): Promise<void> {
    const files = await readdir(portsDir).catch(() => [] as string[]);
    const file = files.find((f) => f.endsWith(".ports"));
    if (file === undefined) return;
    try {
      const ports = JSON.parse(await readFile(join(portsDir, file), "utf8")) as {
        nats?: string[];
        monitoring?: string[];
      };
      const port = (u: string | undefined): number => (u === undefined ? -1 : Number(new URL(u).port));
      this.#port = port(ports.nats?.[0]);
      this.#monitorPort = port(ports.monitoring?.[0]);
    } catch {
      // Half-written; read again on the next poll.
    }
  }

  async #healthy(): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.#monitorPort}/healthz`);
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Creates, in each node's account, the stream of the reports addressed to it (subjects of its links). */
  async #provision(topology: TransportTopology): Promise<void> {
    const graph = new LinkGraph(topology);
    for (const party of new Set(graph.partyOf.values())) {
      const nc = await connect({ servers: this.url, ...this.credentials(adminUserOf(party)) });
      try {
        const jsm = await jetstreamManager(nc);
        for (const node of graph.nodes.filter((n) => graph.partyOf.get(n) === party)) {
          await jsm.streams.add({
            name: reportStreamOf(node),
            subjects: graph.peersOf(node).map((p) => subjectOf(p, node, "report")),
            storage: StorageType.File,
            retention: RetentionPolicy.Workqueue,
            duplicate_window: nanos(this.#options.duplicateWindowMs ?? 120_000),
            num_replicas: 1,
          });
        }
      } finally {
        await nc.close();
      }
    }
  }
}
