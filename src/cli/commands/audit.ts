/** `triwatch audit verify`: checks a node's audit log as its store holds it (see src/node/log-check.ts). */
import { resolve } from "node:path";
import type { Command } from "commander";
import { openStore } from "../../adapters/open-store.ts";
import { readPublicBundles } from "../../config/key-files.ts";
import { loadProject } from "../../config/project.ts";
import { keyRingFromBundles } from "../../keys/index.ts";
import { checkNodeLog, type LogCheckReport } from "../../node/log-check.ts";
import type { Store } from "../../ports.ts";
import { type CliIo, UsageError } from "../io.ts";

interface VerifyOptions {
  node: string;
  store: string;
  schema?: string;
  keys: string;
  item?: string[];
  partner?: string[];
  partnerStore?: string[];
  json?: boolean;
}

/** Registers `audit verify`. */
export function registerAudit(program: Command, io: CliIo): void {
  const audit = program.command("audit").description("audit logs: Merkle logs of every node's decisions");
  audit
    .command("verify")
    .description(
      "check a node's log from its store: every leaf against its hash, no gaps, the rebuilt log against " +
        "every head the node signed, inclusion proofs of items, and the heads it holds of its partners " +
        "(signatures, forks; with --partner-store, consistency with the partner's own log). " +
        "Exit status 0: verified; 2: a problem found or bad input.",
    )
    .requiredOption("--node <id>", "the node whose log to check")
    .requiredOption(
      "--store <location>",
      "its store: a PGlite data directory or a postgres:// URL (?schema=NAME)",
    )
    .option("--schema <name>", "PostgreSQL schema of the store (default triwatch)")
    .option("--keys <dir>", "directory of public key bundles (from `triwatch keys init`)", "keys")
    .option(
      "--item <ids...>",
      "items whose leaves to prove included in the latest signed head (a track also in its bundle's records)",
    )
    .option("--partner <ids...>", "partners whose heads to check (default: the node's link partners)")
    .option(
      "--partner-store <pairs...>",
      "ID=LOCATION: a partner's own store, to check the heads held against its log",
    )
    .option("--json", "print the report as JSON")
    .action(async (opts: VerifyOptions) => {
      const report = await verify(opts);
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else io.out(describe(report));
      if (!report.ok)
        throw new UsageError(
          `audit verify: ${report.problems.length} problem(s) in ${opts.node}'s audit records`,
        );
    });
}

async function verify(opts: VerifyOptions): Promise<LogCheckReport> {
  const { topology } = loadProject();
  const known = topology.nodes.map((n) => n.id);
  const requireNode = (id: string, option: string) => {
    if (!known.includes(id))
      throw new UsageError(`${option} ${id}: not a node of the topology (known: ${known.join(", ")})`);
  };
  requireNode(opts.node, "--node");
  const keysDir = resolve(opts.keys);
  let bundles: Awaited<ReturnType<typeof readPublicBundles>>;
  try {
    bundles = await readPublicBundles(keysDir);
  } catch (e) {
    throw new UsageError(`--keys ${keysDir}: ${(e as Error).message}`);
  }
  if (!bundles.ok) throw new UsageError(`${bundles.file}: ${bundles.message}`);
  const ring = keyRingFromBundles(bundles.bundles);
  if (!ring.ok) throw new UsageError(`--keys ${keysDir}: ${ring.message}`);
  if (!ring.ring.has(opts.node)) throw new UsageError(`--keys ${keysDir}: no public bundle for ${opts.node}`);

  const linked = topology.links.flatMap((l) => (l.a === opts.node ? [l.b] : l.b === opts.node ? [l.a] : []));
  const partnerIds = opts.partner ?? linked;
  for (const p of partnerIds) requireNode(p, "--partner");
  const partnerLocations = new Map<string, string>();
  for (const pair of opts.partnerStore ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--partner-store ${pair}: expected ID=LOCATION`);
    const id = pair.slice(0, at);
    requireNode(id, "--partner-store");
    partnerLocations.set(id, pair.slice(at + 1));
    if (!partnerIds.includes(id)) partnerIds.push(id);
  }

  const opened: Store[] = [];
  const open = async (location: string, schema?: string) => {
    try {
      const store = await openStore(location, { mustExist: true, ...(schema ? { schema } : {}) });
      opened.push(store);
      return store;
    } catch (e) {
      throw new UsageError(`store ${location}: ${(e as Error).message}`);
    }
  };
  try {
    const store = await open(opts.store, opts.schema);
    const partners = [];
    for (const id of partnerIds) {
      const location = partnerLocations.get(id);
      partners.push(location ? { id, store: await open(location) } : { id });
    }
    return await checkNodeLog({ store, node: opts.node, ring: ring.ring, items: opts.item ?? [], partners });
  } finally {
    for (const s of opened) await s.close().catch(() => {});
  }
}

/** The report for a reader. */
function describe(r: LogCheckReport): string {
  const lines: string[] = [];
  const latest = r.heads.at(-1);
  lines.push(
    `${r.node}: ${r.leaves} leaves; ${r.heads.length} signed head(s) of its own checked` +
      (latest ? ` (latest ${r.node}@${latest.treeSize}, ${latest.timestamp})` : " (none signed yet)"),
  );
  for (const i of r.inclusions) {
    lines.push(
      `  ${i.item}${i.bundle ? ` (in ${i.bundle})` : ""}: leaf ${i.index} (${i.kind}) in ${r.node}@${i.treeSize}: ${i.ok ? "included" : "NOT included"} (path of ${i.proof.length})`,
    );
  }
  for (const p of r.partners) {
    lines.push(
      `  partner ${p.partner}: ${p.heads} head(s) held${p.checkedAgainstLog ? ", checked against its own log" : ""}`,
    );
  }
  if (r.ok) lines.push("verified: no problem found");
  for (const p of r.problems)
    lines.push(`PROBLEM ${p.code} (${p.log}${p.at !== undefined ? ` @${p.at}` : ""}): ${p.message}`);
  return lines.join("\n");
}
