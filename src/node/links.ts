/**
 * Establishing link channels between running nodes: for each topology link between two of the given
 * nodes, the node whose id sorts first sends the signed handshake hello, the other answers, and the first
 * finishes it. In one process the hello and reply are handed across directly; a deployment carries the
 * same two compact JWS over its control channel. Channels are made for every configured link, enabled
 * or not at the moment: routing decides at each release which links the agreements in force allow.
 */
import type { Topology } from "../model/topology.ts";
import type { TriwatchNode } from "./node.ts";

/** Runs the handshake between two nodes; the channel is then in place at both ends. */
export async function linkPair(a: TriwatchNode, b: TriwatchNode): Promise<void> {
  const [first, second] = a.id < b.id ? [a, b] : [b, a];
  const hello = await first.openLink(second.id);
  const reply = await second.acceptLink(hello);
  await first.completeLink(second.id, reply);
}

/** Runs the handshakes on every topology link whose two ends are among `nodes`. */
export async function linkNodes(topology: Topology, nodes: ReadonlyMap<string, TriwatchNode>): Promise<void> {
  for (const link of topology.links) {
    const a = nodes.get(link.a);
    const b = nodes.get(link.b);
    if (a && b) await linkPair(a, b);
  }
}
