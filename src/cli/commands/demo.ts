/**
 * `triwatch demo` (`npm start`): the main job. Every node of the trilateral topology runs in this
 * process (in-process links, PGlite), a historical launch is run through them, and the resulting common
 * operating picture is replayed at real speed or faster and served at http://localhost:8080: the map,
 * the API, the live stream. Progress is shown while the exercise is prepared; Ctrl-C stops cleanly.
 */
import type { Command } from "commander";
import { z } from "zod";
import { loadProject } from "../../config/project.ts";
import { runExercise, scenarioIds, VARIANTS } from "../../exercise/index.ts";
import { compilePolicy } from "../../policy/policy.ts";
import { type CopStartEvent, OPERATORS_FILE, policyAgreements, startCop } from "../../server/serve.ts";
import { type CliIo, UsageError } from "../io.ts";

const DemoOptions = z.strictObject({
  scenario: z.string().min(1),
  speed: z.coerce.number().min(0.1, "at least 0.1").max(1000, "at most 1000"),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  seed: z.coerce.number().int().optional(),
  variant: z.string().min(1),
  loop: z.boolean(),
  operators: z.string().min(1),
  logLevel: z.enum(["silent", "fatal", "error", "warn", "info", "debug", "trace"]),
  json: z.boolean().optional(),
});

/** Registers `demo`. */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "the embedded demo: every node in one process replays a historical launch; the COP at http://localhost:8080",
    )
    .option("--scenario <id>", "scenario to replay (see `triwatch scenario list`)", "2022-10-04")
    .option("--speed <factor>", "replay speed: 1 is real time, 10 ten times faster", "1")
    .option("--port <n>", "HTTP port", "8080")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--seed <n>", "seed of the sensor simulation (default: the exercise's)")
    .option("--variant <id>", `agreements to replay under: ${VARIANTS.map((v) => v.id).join(", ")}`, "actual")
    .option("--no-loop", "stop at the end instead of starting again")
    .option(
      "--json",
      'progress, address, operators and stop as JSON lines ({"event": …}) instead of text; logs stay JSON too',
    )
    .option("--operators <file>", "operators and their tokens", OPERATORS_FILE)
    .option(
      "--log-level <level>",
      "structured (JSON) log level on stdout: silent, error, warn, info, debug",
      "warn",
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = DemoOptions.safeParse(raw);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new UsageError(`--${String(i?.path[0] ?? "")}: ${i?.message ?? "invalid"}`);
      }
      const o = parsed.data;
      const known = scenarioIds();
      if (!known.includes(o.scenario))
        throw new UsageError(`--scenario: no scenario ${o.scenario} (available: ${known.join(", ")})`);
      if (!VARIANTS.some((v) => v.id === o.variant))
        throw new UsageError(`--variant: unknown ${o.variant} (${VARIANTS.map((v) => v.id).join(", ")})`);

      // Agreement status under each variant, from that variant's own policy.
      const { agreements, schemes } = loadProject();
      const titles = new Map(agreements.map((a) => [a.id, a.title]));
      const byVariant = new Map<string, ReturnType<typeof policyAgreements>>();
      const agreementsAt = (variantId: string, at: number) => {
        const v = VARIANTS.find((x) => x.id === variantId);
        if (!v) return undefined;
        let f = byVariant.get(v.id);
        if (!f) {
          f = policyAgreements(compilePolicy(v.apply(agreements), schemes), titles);
          byVariant.set(v.id, f);
        }
        return f(at);
      };

      const say = o.json ? () => {} : io.out;
      say(
        `Preparing ${o.scenario} (${o.variant}): every node in one process, the whole launch (about a minute; progress below)…`,
      );
      const { server, ready, stop, stopped } = await startCop({
        runner: runExercise,
        whatifRunner: runExercise,
        request: {
          scenarioId: o.scenario,
          variant: o.variant,
          ...(o.seed === undefined ? {} : { seed: o.seed }),
        },
        port: o.port,
        host: o.host,
        speed: o.speed,
        loop: o.loop,
        operatorsFile: o.operators,
        agreementsAt,
        say,
        ...(o.json ? { emit: (e: CopStartEvent) => io.out(JSON.stringify(e)) } : {}),
        logLevel: o.logLevel,
      });
      let failed: unknown;
      ready.catch((e) => {
        failed = e;
        stop("the exercise failed");
      });
      await stopped;
      if (failed) throw failed;
      if (server.session.state.status === "preparing" || server.whatif.running) {
        // The exercise runner takes no abort signal yet, so a stop during preparation would wait for it
        // to finish (minutes): everything of ours is closed by now, so end the process here.
        io.err(
          server.whatif.running
            ? "stopped while a what-if comparison was running"
            : "stopped while preparing the exercise",
        );
        process.exit(0);
      }
    });
}
