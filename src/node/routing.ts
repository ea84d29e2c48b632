/**
 * Routing between nodes: which links the agreements in force enable at a moment, and which node path an
 * item takes to its destination. A path is acceptable only if the release decision for its party route
 * permits it, so a ROK track reaches JSDF through the US hub under the 2023 mechanism, or directly under
 * GSOMIA on the case-by-case channel, and not at all where no agreement allows it.
 */
import type { Topology } from "../model/topology.ts";
import { type Channel, type Decision, type DecisionItem, decide } from "../policy/decide.ts";
import type { Policy } from "../policy/policy.ts";
import { intervalAt } from "../policy/status.ts";

/** A link between two nodes, in both directions. */
export interface EnabledLink {
  a: string;
  b: string;
  /** The operative agreements that enable it; empty for a link inside one party. */
  agreements: string[];
}

/** Links whose agreements operate at `at` (links inside one party are always enabled). */
export function enabledLinks(topology: Topology, policy: Policy, at: number): EnabledLink[] {
  const out: EnabledLink[] = [];
  for (const link of topology.links) {
    if (link.agreements.length === 0) {
      out.push({ a: link.a, b: link.b, agreements: [] });
      continue;
    }
    const operative = link.agreements.filter((id) => {
      const c = policy.byId.get(id);
      return c !== undefined && intervalAt(c.timeline, at).operative;
    });
    if (operative.length > 0) out.push({ a: link.a, b: link.b, agreements: operative });
  }
  return out;
}

/** Every simple node path from `from` to `to` over the given links, shortest first (then by name). */
export function nodePaths(links: readonly EnabledLink[], from: string, to: string, maxHops = 6): string[][] {
  const neighbours = new Map<string, string[]>();
  for (const { a, b } of links) {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  }
  const paths: string[][] = [];
  const walk = (path: string[]) => {
    const last = path[path.length - 1] as string;
    if (last === to) {
      paths.push(path);
      return;
    }
    if (path.length > maxHops) return;
    for (const next of [...(neighbours.get(last) ?? [])].sort())
      if (!path.includes(next)) walk([...path, next]);
  };
  walk([from]);
  return paths.sort((x, y) => x.length - y.length || x.join().localeCompare(y.join()));
}

/** The parties a node path passes through, hops inside one party folded. */
export function partiesOf(path: readonly string[], partyOf: ReadonlyMap<string, string>): string[] {
  const parties: string[] = [];
  for (const node of path) {
    const p = partyOf.get(node) ?? "?";
    if (parties[parties.length - 1] !== p) parties.push(p);
  }
  return parties;
}

/** A planned release: the node path and the decision that permits it, or every path tried and why not. */
export type ReleasePlan =
  | { ok: true; path: string[]; decision: Extract<Decision, { outcome: "permit" }> }
  | { ok: false; tried: { path: string[]; decision: Decision }[]; decision: Decision };

/** Per topology: node → party, and the paths found per set of enabled links (topologies do not change). */
const partyMaps = new WeakMap<Topology, ReadonlyMap<string, string>>();
const pathCache = new WeakMap<Topology, Map<string, string[][]>>();

function partyMapOf(topology: Topology): ReadonlyMap<string, string> {
  let m = partyMaps.get(topology);
  if (!m) {
    m = new Map(topology.nodes.map((n) => [n.id, n.party]));
    partyMaps.set(topology, m);
  }
  return m;
}

/** `nodePaths` over the links enabled at `at`, remembered per set of enabled links (a few per history). */
function pathsAt(topology: Topology, policy: Policy, at: number, from: string, to: string): string[][] {
  const links = enabledLinks(topology, policy, at);
  const key = `${from}>${to}|${links.map((l) => `${l.a}-${l.b}`).join(",")}`;
  let cache = pathCache.get(topology);
  if (!cache) {
    cache = new Map();
    pathCache.set(topology, cache);
  }
  let paths = cache.get(key);
  if (!paths) {
    if (cache.size > 1024) cache.clear();
    paths = nodePaths(links, from, to);
    cache.set(key, paths);
  }
  return paths;
}

/**
 * Plans the release of an item from node `from` (whose party sends it) to node `to`: the shortest path
 * over enabled links whose party route the policy permits on `channel` at `at`. With no path at all, the
 * decision on the direct party route explains the refusal.
 */
export function planRelease(
  topology: Topology,
  policy: Policy,
  item: DecisionItem,
  from: string,
  to: string,
  channel: Channel,
  at: number,
): ReleasePlan {
  const partyOf = partyMapOf(topology);
  const sender = partyOf.get(from) ?? "?";
  const recipient = partyOf.get(to) ?? "?";
  const tried: { path: string[]; decision: Decision }[] = [];
  // The cached paths are shared: a plan hands out a copy of the one it takes.
  for (const shared of pathsAt(topology, policy, at, from, to)) {
    const path = [...shared];
    const parties = partiesOf(path, partyOf);
    const via = parties.slice(1, -1);
    const decision = decide(policy, { item, sender, recipient, via, channel, at });
    if (decision.outcome === "permit") return { ok: true, path, decision };
    tried.push({ path, decision });
  }
  const direct = tried[0]?.decision ?? decide(policy, { item, sender, recipient, channel, at });
  return { ok: false, tried, decision: direct };
}
