/**
 * `triwatch demo`: the main job. The full embedded demo (every node in one process, a historical launch
 * replayed, the COP in the browser) is issue 6 and is NOT built yet; until then this command says so and
 * shows the most useful things that exist, for the default scenario (2022-10-04): the agreements at
 * that moment, each nation tracking the launch on its own sensors, the warnings each would have issued
 * against the historical record, and how a Japanese track would be released to each partner.
 */

import { join } from "node:path";
import type { Command } from "commander";
import { loadFile } from "../../config/files.ts";
import { loadProject, PROJECT_ROOT } from "../../config/project.ts";
import { Item } from "../../model/item.ts";
import { isoUtc } from "../../model/time.ts";
import { decide } from "../../policy/decide.ts";
import { runScenario } from "../../sim/run-scenario.ts";
import { loadScenarioFile } from "../../sim/scenario-file.ts";
import type { CliIo } from "../io.ts";
import { agreementStatusRows, renderStatusTable } from "./agreements.ts";
import { scenarioWarnings } from "./alerts.ts";
import { itemTime, renderDecision } from "./policy.ts";
import { fileErrors, loadSensorDir, renderScenario, SCENARIO_DIR } from "./scenario.ts";

/** Registers `demo`. */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "the embedded demo (for now: agreement status and sample release decisions; the COP is not built yet)",
    )
    .action(() => {
      io.err(
        "NOTE: the embedded demo with the common operating picture (http://localhost:8080) is not built yet.\n" +
          "      Showing instead, for the 2022-10-04 launch: the agreements, each nation tracking it, the warnings\n" +
          "      each would have issued, and how a Japanese track would be released.\n",
      );
      const { policy, topology } = loadProject();
      const item = loadFile(join(PROJECT_ROOT, "examples", "jpn-track-report.json"), Item);
      const at = itemTime(item);
      io.out(`Agreements at ${isoUtc(at)} (the 2022-10-04 Hwasong-12 overflight of Aomori)\n`);
      io.out(`${renderStatusTable(agreementStatusRows(policy, at))}\n`);

      const file = join(SCENARIO_DIR, "2022-10-04.yaml");
      const scenario = loadScenarioFile(file);
      if (!scenario.ok) throw fileErrors(scenario.errors);
      const sensors = loadSensorDir(join(PROJECT_ROOT, "sensors"));
      io.err("2022-10-04: flying the missile, simulating every sensor, tracking per nation (a few seconds)…");
      const run = runScenario(scenario.value, file, sensors, topology, { seed: 1 });
      if (!run.ok) throw fileErrors(run.errors);
      io.out(`Each nation tracking on its own sensors (no sharing yet):\n${renderScenario(run.value)}\n`);
      const warned = scenarioWarnings(scenario.value, file, sensors, topology, { seed: 1 });
      if (!warned.ok) throw fileErrors(warned.errors);
      io.out("Public warnings each nation would have issued (seconds after launch), and the record:");
      for (const n of warned.value) {
        const ours = n.warnings
          .map((w) => `${w.kind} +${Math.round(w.sentS)} s (${w.areas.join(", ")})`)
          .join("; ");
        io.out(`  ${n.nation}: ${ours || "none"}`);
        for (const m of n.history?.messages ?? [])
          io.out(`    record: ${m.kind} +${Math.round(m.sentS)} s (${m.areas.join(", ")})`);
      }
      io.out("");
      for (const [recipient, via, channel] of [
        ["USA", [], "real-time"],
        ["KOR", [], "real-time"],
        ["KOR", ["USA"], "real-time"],
        ["KOR", [], "deferred"],
      ] as const) {
        const d = decide(policy, { item, sender: "JPN", recipient, via, channel, at });
        io.out(`${renderDecision(d, item, at)}\n`);
      }
      io.out("Try: npx triwatch policy explain examples/rok-track-report.json --from KOR --to JPN");
    });
}
