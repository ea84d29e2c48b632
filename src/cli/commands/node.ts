/** `triwatch node --config SITE.yaml`: one node as its own process (see src/node/site.ts, docs/DEPLOYMENT.md). */
import type { Command } from "commander";
import { eventLine, loadSiteConfig, runSite } from "../../node/site.ts";
import { type CliIo, LineBatch } from "../io.ts";

/** Registers `node`. */
export function registerNode(program: Command, io: CliIo): void {
  program
    .command("node")
    .description(
      "run one node of the topology as its own process: NATS transport, PostgreSQL (or PGlite) store, keys " +
        "from `triwatch keys init`; prints what happens as JSON lines; stops on SIGINT/SIGTERM",
    )
    .requiredOption("--config <file>", "the site file (YAML or JSON; see examples/site/)")
    .option(
      "--commands",
      "read JSON-line commands on stdin (release, publish-heads, status, stop); EOF stops",
    )
    .action(async (opts: { config: string; commands?: boolean }) => {
      const config = loadSiteConfig(opts.config);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      // Under load a node prints thousands of events a second: written together once each task ends.
      const lines = new LineBatch(io.out);
      try {
        await runSite(config, {
          emit: (event) => lines.push(eventLine(event)),
          ...(opts.commands ? { commands: process.stdin } : {}),
          stop: stop.signal,
        });
      } finally {
        lines.flush();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        if (opts.commands) process.stdin.pause();
      }
    });
}
