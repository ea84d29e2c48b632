/**
 * A nats-server configuration generated from the topology. Each party is an account; each node is a user
 * of its party's account whose permissions name only its own links; a link between two parties is, per
 * direction f→t, a stream export of `tw.f.t.track` from f's account imported by t's, and a service export
 * of `tw.f.t.report` from t's account (where t's report stream lives) imported by f's, so that JetStream's
 * acknowledgement can travel back to the sender. Nothing else crosses an account boundary.
 */
import type { TransportTopology } from "../../ports.ts";
import { LinkGraph, subjectOf } from "../transport-links.ts";

/** Name of the JetStream stream holding the reports addressed to a node. */
export const reportStreamOf = (nodeId: string): string => `TW_IN_${nodeId}`;

/** Name of the durable consumer through which a node reads its reports. */
export const reportConsumerOf = (nodeId: string): string => `TW_${nodeId}`;

/** Inbox prefix of a node's connection; its user may subscribe only below it. */
export const inboxPrefixOf = (nodeId: string): string => `_INBOX_${nodeId}`;

/** The provisioning user of an account (lower case, so it cannot collide with a node id). */
export const adminUserOf = (party: string): string => `admin-${party.toLowerCase()}`;

/** Where the generated server listens and keeps its state. */
export interface ServerPlacement {
  /** Client port, or -1 to let the server choose (read back from the ports file). */
  readonly port: number;
  /** Monitoring port, or -1. */
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly portsDir: string;
  readonly logFile: string;
}

interface Permissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
}

/** The JetStream API subjects a node needs to read its own report stream, and no other. */
function jetStreamApi(nodeId: string): string[] {
  const s = reportStreamOf(nodeId);
  return [
    "$JS.API.INFO",
    `$JS.API.STREAM.INFO.${s}`,
    `$JS.API.CONSUMER.CREATE.${s}`,
    `$JS.API.CONSUMER.CREATE.${s}.>`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${s}.>`,
    `$JS.API.CONSUMER.INFO.${s}.>`,
    `$JS.API.CONSUMER.MSG.NEXT.${s}.>`,
    `$JS.ACK.${s}.>`,
  ];
}

/** A node's permissions: publish on its outgoing links, subscribe to its incoming tracks and its inbox. */
export function nodePermissions(graph: LinkGraph, nodeId: string): Permissions {
  const peers = graph.peersOf(nodeId);
  return {
    publish: {
      allow: [
        ...peers.flatMap((p) => [subjectOf(nodeId, p, "track"), subjectOf(nodeId, p, "report")]),
        ...jetStreamApi(nodeId),
      ],
    },
    subscribe: { allow: [...peers.map((p) => subjectOf(p, nodeId, "track")), `${inboxPrefixOf(nodeId)}.>`] },
  };
}

interface AccountBlock {
  jetstream: "enabled";
  users: { user: string; password: string; permissions?: Permissions }[];
  exports: ({ stream: string; accounts: string[] } | { service: string; accounts: string[] })[];
  imports: (
    | { stream: { account: string; subject: string } }
    | { service: { account: string; subject: string } }
  )[];
}

/** The `accounts` block: one account per party, users per node, exports and imports per cross-party link. */
export function accountsBlock(
  topology: TransportTopology,
  passwords: ReadonlyMap<string, string>,
): Record<string, AccountBlock> {
  const graph = new LinkGraph(topology);
  const accounts: Record<string, AccountBlock> = {};
  const account = (party: string): AccountBlock => {
    const found = accounts[party];
    if (found !== undefined) return found;
    const created: AccountBlock = { jetstream: "enabled", users: [], exports: [], imports: [] };
    accounts[party] = created;
    return created;
  };
  const password = (user: string): string => {
    const p = passwords.get(user);
    if (p === undefined) throw new Error(`no password for ${user}`);
    return p;
  };
  for (const party of new Set(graph.partyOf.values())) {
    const admin = adminUserOf(party);
    account(party).users.push({ user: admin, password: password(admin) });
  }
  for (const node of graph.nodes) {
    const party = graph.partyOf.get(node) as string;
    account(party).users.push({
      user: node,
      password: password(node),
      permissions: nodePermissions(graph, node),
    });
  }
  for (const [a, b] of graph.links()) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const pf = graph.partyOf.get(from) as string;
      const pt = graph.partyOf.get(to) as string;
      if (pf === pt) continue;
      const track = subjectOf(from, to, "track");
      const report = subjectOf(from, to, "report");
      account(pf).exports.push({ stream: track, accounts: [pt] });
      account(pt).imports.push({ stream: { account: pf, subject: track } });
      account(pt).exports.push({ service: report, accounts: [pf] });
      account(pf).imports.push({ service: { account: pt, subject: report } });
    }
  }
  return accounts;
}

/** `max_payload` of the servers this project generates: 4 MiB (NATS's default is 1 MiB; it warns above 8 MiB). */
export const NATS_MAX_PAYLOAD = 4 * 1024 * 1024;

/** The whole configuration file; with no topology, a plain server without accounts (for baselines). */
export function natsConfig(
  place: ServerPlacement,
  accounts: Record<string, AccountBlock> | undefined,
): string {
  const lines = [
    `host: "127.0.0.1"`,
    `port: ${place.port}`,
    `http_port: ${place.monitorPort}`,
    // Room for a node's largest envelope of tracks (1 MiB of releases, about 1.9 MB on the wire; see
    // FRAME_RELEASE_BYTES): fewer, larger envelopes cost less per track. Nodes fit their envelopes to
    // whatever limit a server has, so a server left at NATS's default 1 MiB still works.
    `max_payload: ${NATS_MAX_PAYLOAD}`,
    `ports_file_dir: ${JSON.stringify(place.portsDir)}`,
    `log_file: ${JSON.stringify(place.logFile)}`,
    `jetstream: ${JSON.stringify({ store_dir: place.storeDir, max_memory_store: 64 * 1024 * 1024 })}`,
  ];
  if (accounts !== undefined) lines.push(`accounts: ${JSON.stringify(accounts, null, 2)}`);
  return `${lines.join("\n")}\n`;
}
