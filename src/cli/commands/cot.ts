/**
 * `triwatch cot serve --port P [--scenario NAME] [--speed X]`: a scenario's tracks, launch points,
 * predicted impact points and 95 % impact ellipses streamed as Cursor-on-Target events over TCP to TAK
 * clients (src/codecs/cot). The scenario is tracked first (as `scenario run` does); then its timeline is
 * replayed from now, `--speed` times faster than it happened, with every time in the events moved to the
 * replay's clock so that TAK clients do not discard them as stale. A client that connects late first
 * receives the latest events of every track. After the replay the final picture is kept for new clients
 * until SIGINT (Ctrl-C) or SIGTERM, which stop the server cleanly.
 */
import type { Command } from "commander";
import { type CotEvent, createCotServer, trackReportToCot } from "../../codecs/cot/index.ts";
import { loadFile } from "../../config/files.ts";
import { loadRegionIndex } from "../../config/geodata.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../../config/project.ts";
import { mapTrackTimes } from "../../model/item.ts";
import { isoToMs, isoUtc } from "../../model/time.ts";
import { Topology } from "../../model/topology.ts";
import { loadScenarioFile } from "../../sim/scenario-file.ts";
import { type CliIo, UsageError } from "../io.ts";
import { fileErrors, loadSensorDir, scenarioPath } from "./scenario.ts";
import { scenarioPicture } from "./scenario-feed.ts";
import { shownPath } from "./track.ts";

/** The scenario streamed when none is named: the 2022-10-04 overflight of Aomori. */
export const DEFAULT_COT_SCENARIO = "2022-10-04";
const NATIONS = ["USA", "KOR", "JPN"] as const;

/** Parses a positive number option. */
function positive(option: string, value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0) throw new UsageError(`${option} ${value}: expected a number > 0`);
  return x;
}

/** Registers `cot serve`. */
export function registerCot(program: Command, io: CliIo): void {
  const cot = program.command("cot").description("Cursor-on-Target output for TAK clients");
  cot
    .command("serve")
    .description("stream a scenario's tracks, launch and impact points and 95 % ellipses as CoT over TCP")
    .requiredOption("--port <port>", "TCP port to listen on (0 picks a free one)")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--scenario <name>", "scenario name or .yaml path", DEFAULT_COT_SCENARIO)
    .option("--speed <x>", "replay speed: scenario seconds per real second", "1")
    .option("--nation <code>", "whose tracks: USA, KOR, JPN or all", "all")
    .option("--seed <n>", "seed of the sensor simulation", "1")
    .option("--sensors <dir>", "directory of sensor set files (*.yaml)", `${PROJECT_ROOT}/sensors`)
    .option("--json", 'where it listens and when it stops as JSON lines ({"event": …}) instead of text')
    .action(
      async (opts: {
        port: string;
        host: string;
        scenario: string;
        speed: string;
        nation: string;
        seed: string;
        sensors: string;
        json?: boolean;
      }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port ${opts.port}: expected an integer from 0 to 65535`);
        const speed = positive("--speed", opts.speed);
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed) || seed < 0)
          throw new UsageError(`--seed ${opts.seed}: expected an integer ≥ 0`);
        const nation = opts.nation.toUpperCase();
        if (nation !== "ALL" && !(NATIONS as readonly string[]).includes(nation))
          throw new UsageError(`--nation ${opts.nation}: expected USA, KOR, JPN or all`);
        const path = scenarioPath(opts.scenario);
        const parsed = loadScenarioFile(shownPath(path));
        if (!parsed.ok) throw fileErrors(parsed.errors);
        const sensors = loadSensorDir(opts.sensors);
        const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
        io.err(`${parsed.value.id}: tracking (seed ${seed})…`);
        const picture = scenarioPicture(parsed.value, shownPath(path), sensors, topology, {
          seed,
          regions: loadRegionIndex(),
          ...(nation === "ALL" ? {} : { nations: [nation] }),
        });
        if (!picture.ok) throw fileErrors(picture.errors);
        const { reports, launchT } = picture.value;
        if (reports.length === 0)
          throw new UsageError(`${parsed.value.id}: no track to stream for ${opts.nation}`);

        // Scenario time → replay time: the launch is now, and the scenario runs `speed` times faster.
        const startMs = io.now();
        const replayMs = (t: number): number => startMs + ((t - launchT) * 1000) / speed;
        const at = (iso: string): string => isoUtc(Math.round(replayMs(isoToMs(iso) / 1000)));
        const latest = new Map<string, CotEvent>();
        const eventsOf = (r: (typeof reports)[number]): CotEvent[] =>
          trackReportToCot(mapTrackTimes(r.report, at), {
            now: isoUtc(Math.round(replayMs(r.t))),
            uidPrefix: "triwatch",
            trackStaleS: Math.max(30, 30 / speed),
          });

        const server = await createCotServer({
          port,
          host: opts.host,
          greeting: () => [...latest.values()],
        });
        const lastT = reports[reports.length - 1]?.t ?? launchT;
        await new Promise<void>((done) => {
          const timers: NodeJS.Timeout[] = [];
          let stopped = false;
          const stop = (signal: string): void => {
            if (stopped) return;
            stopped = true;
            for (const timer of timers) clearTimeout(timer);
            process.off("SIGINT", onInt);
            process.off("SIGTERM", onTerm);
            void server.close().then(() => {
              io.out(
                opts.json ? JSON.stringify({ event: "stopped", signal }) : `CoT stream stopped (${signal})`,
              );
              done();
            });
          };
          const onInt = (): void => stop("SIGINT");
          const onTerm = (): void => stop("SIGTERM");
          process.on("SIGINT", onInt);
          process.on("SIGTERM", onTerm);
          // Announced only once Ctrl-C is handled: a client that reads the line and signals at once must
          // get a clean stop, not the default signal death.
          if (opts.json)
            io.out(
              JSON.stringify({
                event: "listening",
                url: `tcp://${opts.host}:${server.port}`,
                scenario: parsed.value.id,
                reports: reports.length,
                scenarioS: Math.round(lastT - launchT),
                speed,
              }),
            );
          else
            io.out(
              `CoT stream listening on tcp://${opts.host}:${server.port} — scenario ${parsed.value.id}, ` +
                `${reports.length} track reports over ${Math.round(lastT - launchT)} s at speed ${speed} ` +
                `(${Math.ceil((lastT - launchT) / speed)} s); Ctrl-C stops`,
            );
          // One timer per distinct report time: every report available then goes out in one write.
          const byT = new Map<number, (typeof reports)[number][]>();
          for (const r of reports) byT.set(r.t, [...(byT.get(r.t) ?? []), r]);
          for (const [t, batch] of byT) {
            const delay = Math.max(0, replayMs(t) - io.now());
            timers.push(
              setTimeout(() => {
                const events = batch.flatMap(eventsOf);
                for (const e of events) latest.set(e.uid, e);
                server.send(events);
              }, delay),
            );
          }
          timers.push(
            setTimeout(
              () => io.err(`${parsed.value.id}: replay finished; serving the final picture until Ctrl-C`),
              Math.max(0, replayMs(lastT) - io.now()) + 10,
            ),
          );
        });
      },
    );
}
