/** `triwatch keys init`: per-node signing and key-agreement keys, and the public bundles for the topology. */

import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { initNodeKeys } from "../../config/key-files.ts";
import { loadProject } from "../../config/project.ts";
import { type CliIo, UsageError } from "../io.ts";

/** Registers `keys init`. */
export function registerKeys(program: Command, io: CliIo): void {
  const keys = program.command("keys").description("node keys (Ed25519 signing, X25519 key agreement)");
  keys
    .command("init")
    .description("generate keys for nodes of the topology: private JWK files (mode 0600) and public bundles")
    .option("--dir <dir>", "where to write the key files", "keys")
    .option("--node <ids...>", "only these nodes (default: every node of the topology)")
    .option("--force", "replace existing keys")
    .option("--json", "print the public bundles as JSON")
    .action(async (opts: { dir: string; node?: string[]; force?: boolean; json?: boolean }) => {
      const { topology } = loadProject();
      const known = topology.nodes.map((n) => n.id);
      const nodes = opts.node ?? known;
      for (const n of nodes) {
        if (!known.includes(n))
          throw new UsageError(`--node ${n}: not a node of the topology (known: ${known.join(", ")})`);
      }
      const dir = resolve(opts.dir);
      const r = await initNodeKeys(dir, nodes, { overwrite: opts.force === true });
      if (!r.ok)
        throw new UsageError(`${r.file}: ${r.message}${r.code === "EXISTS" ? " (use --force)" : ""}`);
      const bundleFile = join(dir, "public-bundles.json");
      writeFileSync(bundleFile, `${JSON.stringify(r.bundles, null, 2)}\n`);
      if (opts.json) io.out(JSON.stringify(r.bundles, null, 2));
      else {
        io.out(`Wrote keys for ${nodes.length} node(s) in ${dir}:`);
        for (const n of nodes) io.out(`  ${n}: ${n}.private.jwk.json (0600), ${n}.public.jwk.json`);
        io.out(`Public bundles for the topology: ${bundleFile}`);
      }
    });
}
