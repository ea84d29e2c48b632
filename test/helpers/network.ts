/**
 * Five national nodes on the in-process transport under fake time (a ManualScheduler), with in-memory
 * PGlite stores: the harness for tests that drive the network step by step until it is quiescent.
 */
import {
  InProcessTransport,
  type InProcessTransportOptions,
  ManualScheduler,
} from "../../src/adapters/inproc/index.ts";
import { PgliteStore } from "../../src/adapters/pglite/pglite-store.ts";
import { cachedPgliteTemplate } from "../../src/adapters/pglite/template-cache.ts";
import {
  generateNodeKeys,
  type KeyRing,
  keyRingFromBundles,
  type NodeKeys,
  publicBundle,
} from "../../src/keys/index.ts";
import { linkNodes } from "../../src/node/links.ts";
import { TriwatchNode } from "../../src/node/node.ts";
import type { Store, TransportEndpoint } from "../../src/ports.ts";
import { project } from "./policy.ts";

/** A network of every topology node, its fake clock, and a way to run it until nothing moves. */
export interface FakeTimeNetwork {
  readonly scheduler: ManualScheduler;
  readonly transport: InProcessTransport;
  readonly nodes: ReadonlyMap<string, TriwatchNode>;
  readonly stores: ReadonlyMap<string, Store>;
  readonly keys: ReadonlyMap<string, NodeKeys>;
  readonly ring: KeyRing;
  /** Epoch ms the fake clock reads now. */
  now(): number;
  node(id: string): TriwatchNode;
  /**
   * Advances time in `stepMs` steps, awaiting every node's `idle()` after each, until the transport has
   * nothing in flight and every node is idle; returns the fake milliseconds it took. Throws after
   * `maxSteps` (a network that never settles is a bug the test should see).
   */
  quiesce(stepMs?: number, maxSteps?: number): Promise<number>;
  close(): Promise<void>;
}

/** Stores and keys to use instead of the defaults (in-memory PGlite, fresh keys). */
export interface NetworkParts {
  /** A migrated store for a node (the caller closes it), or undefined for the default. */
  storeFor?: (id: string) => Store | undefined;
  /** Keys for every node (for keys read from files). */
  keys?: ReadonlyMap<string, NodeKeys>;
  /** Run the link handshakes directly between the node objects (default true); false leaves them to the test. */
  link?: boolean;
  /** Wraps a node's transport endpoint (to drop or inspect what it sends). */
  endpointFor?: (id: string, endpoint: TransportEndpoint) => TransportEndpoint;
}

/**
 * Starts the network at epoch ms `start`. `wrapStore` may wrap a node's store (to inject a failure);
 * `options` are the transport's (latency, loss, ack wait).
 */
export async function fakeTimeNetwork(
  start: number,
  options: Partial<Omit<InProcessTransportOptions, "topology" | "scheduler">> = {},
  wrapStore: (id: string, store: Store) => Store = (_id, s) => s,
  parts: NetworkParts = {},
): Promise<FakeTimeNetwork> {
  const { topology, policy } = project();
  const scheduler = new ManualScheduler();
  const transport = new InProcessTransport({ topology, scheduler, ...options });
  const template = await cachedPgliteTemplate({ migrated: true });
  const now = () => start + scheduler.now();
  const keys = new Map<string, NodeKeys>(
    topology.nodes.map((n) => [n.id, parts.keys?.get(n.id) ?? generateNodeKeys(n.id)]),
  );
  const bundles = keyRingFromBundles([...keys.values()].map(publicBundle));
  if (!bundles.ok) throw new Error(bundles.message);
  const ring = bundles.ring;
  const nodes = new Map<string, TriwatchNode>();
  const stores = new Map<string, Store>();
  const raw: PgliteStore[] = [];
  for (const spec of topology.nodes) {
    let base = parts.storeFor?.(spec.id);
    if (!base) {
      const pglite = new PgliteStore({ template });
      await pglite.migrate();
      raw.push(pglite);
      base = pglite;
    }
    const store = wrapStore(spec.id, base);
    stores.set(spec.id, store);
    const connected = await transport.connect(spec.id);
    const endpoint = parts.endpointFor?.(spec.id, connected) ?? connected;
    const n = new TriwatchNode({
      spec,
      topology,
      policy,
      store,
      endpoint,
      now,
      keys: keys.get(spec.id) as NodeKeys,
      ring,
    });
    await n.start();
    nodes.set(spec.id, n);
  }
  if (parts.link !== false) await linkNodes(topology, nodes);
  const node = (id: string) => {
    const n = nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  };
  const allIdle = () => Promise.all([...nodes.values()].map((n) => n.idle()));
  return {
    scheduler,
    transport,
    nodes,
    stores,
    keys,
    ring,
    now,
    node,
    async quiesce(stepMs = 1, maxSteps = 100_000) {
      const from = scheduler.now();
      await allIdle();
      for (let step = 0; transport.inFlight > 0; step++) {
        if (step >= maxSteps)
          throw new Error(`not quiescent after ${maxSteps} steps: ${JSON.stringify(transport.backlog())}`);
        scheduler.advance(stepMs);
        await allIdle();
      }
      return scheduler.now() - from;
    },
    async close() {
      for (const n of nodes.values()) await n.stop();
      await transport.close();
      for (const s of raw) await s.close();
    },
  };
}
