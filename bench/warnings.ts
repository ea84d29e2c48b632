/**
 * Public warnings per historical scenario: every scenario in scenarios/ flown, sensed (fixed seeds) and
 * tracked per nation, then Japan's and Korea's warning rules (src/warning, default policies). Prints a
 * markdown table per scenario: per nation, the first warning's kind and time after launch, its areas, the
 * later messages, and the historical first message from facts.md §4 where it records one.
 *
 *   npx tsx bench/warnings.ts [--seeds 1,2,3] [scenario…]
 */
import { scenarioWarnings } from "../src/cli/commands/alerts.ts";
import { loadSensorDir, SCENARIO_DIR, scenarioNames, scenarioPath } from "../src/cli/commands/scenario.ts";
import { loadFile } from "../src/config/files.ts";
import { loadRegionIndex } from "../src/config/geodata.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../src/config/project.ts";
import { Topology } from "../src/model/topology.ts";
import { loadScenarioFile } from "../src/sim/scenario-file.ts";

const args = process.argv.slice(2);
const seedsAt = args.indexOf("--seeds");
const seeds = seedsAt >= 0 ? (args[seedsAt + 1] ?? "1").split(",").map(Number) : [1];
const names = args.filter((a, i) => !a.startsWith("--") && (seedsAt < 0 || i !== seedsAt + 1));
const regions = loadRegionIndex();
const sensors = loadSensorDir(`${PROJECT_ROOT}/sensors`);
const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const fmt = (s: number): string => `+${s} s (${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")})`;

for (const name of names.length > 0 ? names : scenarioNames(SCENARIO_DIR)) {
  const parsed = loadScenarioFile(scenarioPath(name));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  console.log(`\n### ${name}: ${parsed.value.title}\n`);
  console.log("| seed | nation | first warning | areas | later messages | history (facts.md §4) | Δ first |");
  console.log("|---|---|---|---|---|---|---|");
  for (const seed of seeds) {
    const r = scenarioWarnings(parsed.value, name, sensors, topology, { seed, regions });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    for (const n of r.value) {
      const [first, ...rest] = n.warnings;
      const hist = n.history?.messages ?? [];
      const h0 = hist[0];
      console.log(
        `| ${seed} | ${n.nation} | ${first ? `${first.kind} ${fmt(first.sentS)}` : "none"} | ${first?.areas.join(", ") ?? "–"} | ${
          rest
            .map((w) => `${w.kind} +${w.sentS} s${w.areas.length ? ` (${w.areas.join(", ")})` : ""}`)
            .join("; ") || "–"
        } | ${
          h0 ? hist.map((m) => `${m.time} ${m.kind} +${m.sentS} s`).join("; ") : "no timeline recorded"
        } | ${n.history?.firstDifferenceS ?? "–"} |`,
      );
    }
  }
}
