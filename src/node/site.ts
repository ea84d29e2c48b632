/**
 * One node as its own process (`triwatch node --config SITE.yaml`): the site file names the node, its key
 * directory (from `triwatch keys init`), its store (PostgreSQL, or a PGlite directory) and its NATS
 * connection; the topology, agreements and schemes are the project's. The node connects, starts, runs
 * the link handshakes over NATS, publishes its signed tree head every `treeHeadIntervalMs`, and reports
 * what happens as JSON lines (`SiteEvent`). Commands, when enabled, are JSON lines too (`SiteCommand`):
 * release an item, publish the tree head, report status, stop.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { NatsTransport } from "../adapters/nats/index.ts";
import { openStore } from "../adapters/open-store.ts";
import { InputError, loadFile } from "../config/files.ts";
import { readNodeKeys, readPublicBundles } from "../config/key-files.ts";
import { DEFAULT_PATHS, loadProject } from "../config/project.ts";
import { keyRingFromBundles, NodeId } from "../keys/index.ts";
import { jsonOf } from "../model/checked.ts";
import { Item } from "../model/item.ts";
import type { Store, TransportEndpoint } from "../ports.ts";
import { type NodeEvent, TriwatchNode } from "./node.ts";

const Millis = z.number().int().positive();

/** A site file: one node of the topology and where its keys, store and NATS server are. */
export const SiteConfig = z.strictObject({
  /** The node this process runs (a topology node id). */
  node: NodeId,
  /** Directory of key files from `triwatch keys init` (this node's private file, everyone's public bundles). */
  keys: z.string().min(1),
  store: z.union([
    z.strictObject({
      /** A PostgreSQL URL. */
      postgres: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
      /** The store's schema (default triwatch); one per node when nodes share a database. */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, "lower-case letters, digits and _")
        .optional(),
    }),
    z.strictObject({
      /** A PGlite data directory (one process at a time). */
      pglite: z.string().min(1),
    }),
  ]),
  nats: z
    .strictObject({
      servers: z.array(z.string().regex(/^nats:\/\//, "a nats:// URL")).min(1),
      /** The node's NATS user (default: the node id). */
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      /** A file holding the password (first line), instead of `password`. */
      passwordFile: z.string().min(1).optional(),
      /** Time after which an unacknowledged report is redelivered (default 30 s). */
      ackWaitMs: Millis.optional(),
    })
    .refine((n) => (n.password === undefined) !== (n.passwordFile === undefined), {
      message: "give exactly one of password and passwordFile",
    }),
  /** Project root holding agreements/, classification/ and topology/ (default: this checkout). */
  project: z.string().min(1).optional(),
  /** Track updates older than this are stale (default 30 s). */
  stalenessMs: Millis.optional(),
  /** Originator batch window for tracks (default 5 ms). */
  batchWindowMs: Millis.optional(),
  /** How long after a decision its audit leaf is built (`NodeDeps.auditDelayMs`; default 5 ms). */
  auditDelayMs: z.number().int().nonnegative().optional(),
  /** Every how often the signed tree head goes to the link partners (default 10 s). */
  treeHeadIntervalMs: Millis.optional(),
  /** Every how often an unanswered link hello is sent again (default 1 s). */
  linkRetryMs: Millis.optional(),
});
export type SiteConfig = z.infer<typeof SiteConfig>;

/** A command read from the command stream (one JSON object per line). */
export const SiteCommand = z.discriminatedUnion("cmd", [
  z.strictObject({
    cmd: z.literal("release"),
    item: Item,
    to: NodeId,
    channel: z.enum(["real-time", "deferred"]),
  }),
  z.strictObject({ cmd: z.literal("publish-heads") }),
  z.strictObject({ cmd: z.literal("status") }),
  z.strictObject({ cmd: z.literal("stop") }),
]);
export type SiteCommand = z.infer<typeof SiteCommand>;

/** What the process reports, one JSON object per line. */
export type SiteEvent =
  | { event: "ready"; node: string; partners: readonly string[] }
  | { event: "link-up"; peer: string }
  | {
      event: "received";
      id: string;
      kind: Item["kind"];
      from: string;
      origin: string;
      stale: boolean;
      item: Item;
    }
  | { event: "rejected"; id: string; from: string; why: string; detail: string }
  | { event: "released"; id: string; to: string; ok: boolean; path?: string[]; reasons?: string[] }
  | { event: "tree-head"; treeSize: number; rootHash: string }
  | { event: "status"; linked: string[]; logSize: number; picture: number }
  | { event: "error"; message: string }
  | { event: "stopped" };

/**
 * An event as the JSON line `triwatch node` prints: `JSON.stringify(event)`, with a received item's
 * text written once for the item (`jsonOf`: the store writes the same text).
 */
export function eventLine(event: SiteEvent): string {
  if (event.event !== "received") return JSON.stringify(event);
  const { item, ...rest } = event;
  return `${JSON.stringify(rest).slice(0, -1)},"item":${jsonOf(item)}}`;
}

/** Reads and checks a site file; relative paths in it are taken from the file's directory. */
export function loadSiteConfig(file: string): SiteConfig & { dir: string } {
  const config = loadFile(file, SiteConfig);
  return { ...config, dir: dirname(resolve(file)) };
}

/** How a site process is run: where events go, where commands come from, and when to stop. */
export interface SiteIo {
  emit: (event: SiteEvent) => void;
  /** A stream of JSON-line commands, if commands are enabled. */
  commands?: NodeJS.ReadableStream;
  /** Aborted by the caller (a signal) to stop the node. */
  stop: AbortSignal;
}

/** Runs the node until `io.stop` is aborted, a `stop` command arrives, or the command stream ends. */
export async function runSite(config: SiteConfig & { dir: string }, io: SiteIo): Promise<void> {
  const at = (p: string) => resolve(config.dir, p);
  const root = config.project ? at(config.project) : undefined;
  const { topology, policy } = loadProject(
    root
      ? {
          agreementsDir: join(root, "agreements"),
          classificationDir: join(root, "classification"),
          topologyFile: join(root, "topology", "trilateral.yaml"),
        }
      : DEFAULT_PATHS,
  );
  const spec = topology.nodes.find((n) => n.id === config.node);
  if (!spec) throw new InputError("site", "node", `${config.node} is not a node of the topology`);
  const keyDir = at(config.keys);
  const own = await readNodeKeys(keyDir, config.node);
  if (!own.ok) throw new InputError(own.file, "", own.message);
  const bundles = await readPublicBundles(keyDir);
  if (!bundles.ok) throw new InputError(bundles.file, "", bundles.message);
  const ring = keyRingFromBundles(bundles.bundles);
  if (!ring.ok) throw new InputError(keyDir, "", ring.message);
  for (const n of topology.nodes) {
    if (!ring.ring.has(n.id)) throw new InputError(keyDir, "", `no public bundle for ${n.id}`);
  }
  const pass =
    config.nats.password ?? readFileSync(at(config.nats.passwordFile as string), "utf8").split("\n")[0];

  let store: Store | undefined;
  let transport: NatsTransport | undefined;
  let endpoint: TransportEndpoint | undefined;
  let node: TriwatchNode | undefined;
  try {
    store =
      "postgres" in config.store
        ? await openStore(config.store.postgres, config.store.schema ? { schema: config.store.schema } : {})
        : await openStore(at(config.store.pglite));
    transport = new NatsTransport({
      topology,
      servers: config.nats.servers,
      credentials: () => ({ user: config.nats.user ?? config.node, pass: pass ?? "" }),
      ...(config.nats.ackWaitMs ? { ackWaitMs: config.nats.ackWaitMs } : {}),
    });
    endpoint = await transport.connect(config.node);
    const observer = (e: NodeEvent) => io.emit(siteEvent(e));
    node = new TriwatchNode({
      spec,
      topology,
      policy,
      store,
      endpoint,
      now: () => Date.now(),
      keys: own.keys,
      ring: ring.ring,
      observer,
      treeHeadIntervalMs: config.treeHeadIntervalMs ?? 10_000,
      ...(config.stalenessMs ? { stalenessMs: config.stalenessMs } : {}),
      ...(config.batchWindowMs ? { batchWindowMs: config.batchWindowMs } : {}),
      ...(config.auditDelayMs !== undefined ? { auditDelayMs: config.auditDelayMs } : {}),
    });
    await node.start();
    node.connectLinks(config.linkRetryMs ?? 1_000);
    io.emit({ event: "ready", node: config.node, partners: node.partners });
    await serve(node, io);
  } finally {
    await node?.stop().catch((e: unknown) => io.emit({ event: "error", message: String(e) }));
    await endpoint?.close().catch(() => {});
    await transport?.close().catch(() => {});
    await store?.close().catch(() => {});
    io.emit({ event: "stopped" });
  }
}

/** Reads commands until stopped. */
async function serve(node: TriwatchNode, io: SiteIo): Promise<void> {
  const stopped = new Promise<void>((r) => {
    if (io.stop.aborted) r();
    io.stop.addEventListener("abort", () => r(), { once: true });
  });
  if (!io.commands) return stopped;
  const lines = createInterface({ input: io.commands, crlfDelay: Number.POSITIVE_INFINITY });
  const ended = new Promise<void>((r) => lines.once("close", () => r()));
  const done = new Promise<void>((r) => {
    lines.on("line", (line) => {
      if (line.trim() === "") return;
      void command(node, line, io).then((stop) => {
        if (stop) r();
      });
    });
  });
  await Promise.race([stopped, ended, done]);
  lines.close();
}

/** Runs one command line; true for `stop`. */
async function command(node: TriwatchNode, line: string, io: SiteIo): Promise<boolean> {
  let cmd: SiteCommand;
  try {
    const parsed = SiteCommand.safeParse(JSON.parse(line));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${issue?.path.join(".") || "command"}: ${issue?.message ?? "invalid"}`);
    }
    cmd = parsed.data;
  } catch (e) {
    io.emit({ event: "error", message: `command: ${(e as Error).message}` });
    return false;
  }
  try {
    switch (cmd.cmd) {
      case "release": {
        const plan = await node.release(cmd.item, cmd.to, cmd.channel);
        io.emit(
          plan.ok
            ? { event: "released", id: cmd.item.id, to: cmd.to, ok: true, path: plan.path }
            : {
                event: "released",
                id: cmd.item.id,
                to: cmd.to,
                ok: false,
                reasons: plan.decision.outcome === "deny" ? plan.decision.reasons.map((r) => r.code) : [],
              },
        );
        return false;
      }
      case "publish-heads": {
        const head = await node.publishTreeHead();
        io.emit({ event: "tree-head", treeSize: head.treeSize, rootHash: head.rootHash });
        return false;
      }
      case "status":
        io.emit({
          event: "status",
          linked: [...node.linkedPartners].sort(),
          logSize: node.log.size,
          picture: node.picture.size,
        });
        return false;
      case "stop":
        return true;
    }
  } catch (e) {
    io.emit({ event: "error", message: `${cmd.cmd}: ${(e as Error).message}` });
  }
  return false;
}

function siteEvent(e: NodeEvent): SiteEvent {
  switch (e.kind) {
    case "link-up":
      return { event: "link-up", peer: e.peer };
    case "rejected":
      return { event: "rejected", id: e.id, from: e.from, why: e.why, detail: e.detail };
    case "received":
      return {
        event: "received",
        id: e.item.id,
        kind: e.item.kind,
        from: e.from,
        origin: e.origin,
        stale: e.stale,
        item: e.item,
      };
  }
}
