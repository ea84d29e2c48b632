/**
 * Public warnings per historical scenario: every scenario in scenarios/ flown, sensed (fixed seeds) and
 * tracked per nation, then Japan's and Korea's warning rules (src/warning, default policies). Prints a
 * markdown table per scenario: per nation, the first warning's kind and time after launch, its areas, the
 * later messages, and the historical first message from facts.md §4 where it records one.
 *
 *   npx tsx bench/warnings.ts [--seeds 1,2,3] [scenario…]
 *
 * With `--widths 50,100,…` it calibrates Japan's targeting width instead (policy `targetWidthKm`): each
 * scenario with a recorded J-Alert area list is tracked once (seed 1), Japan's rules run at each width,
 * and the prefectures named in launch messages are compared with facts.md §4.1's (Jaccard index: shared
 * over all named; names compared without the 県 suffix; the 2022-10-04 Tokyo islands left out, as facts.md
 * calls that alert erroneous).
 */
import { scenarioSeries, scenarioWarnings, warningsFromSeries } from "../src/cli/commands/alerts.ts";
import { loadSensorDir, SCENARIO_DIR, scenarioNames, scenarioPath } from "../src/cli/commands/scenario.ts";
import { loadFile } from "../src/config/files.ts";
import { loadRegionIndex } from "../src/config/geodata.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../src/config/project.ts";
import { Topology } from "../src/model/topology.ts";
import { loadScenarioFile } from "../src/sim/scenario-file.ts";
import { HISTORY, WarningPolicy } from "../src/warning/index.ts";

const args = process.argv.slice(2);
const seedsAt = args.indexOf("--seeds");
const seeds = seedsAt >= 0 ? (args[seedsAt + 1] ?? "1").split(",").map(Number) : [1];
const widthsAt = args.indexOf("--widths");
const widths = widthsAt >= 0 ? (args[widthsAt + 1] ?? "50").split(",").map(Number) : [];
const names = args.filter(
  (a, i) => !a.startsWith("--") && (seedsAt < 0 || i !== seedsAt + 1) && (widthsAt < 0 || i !== widthsAt + 1),
);
const regions = loadRegionIndex();
const sensors = loadSensorDir(`${PROJECT_ROOT}/sensors`);
const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const fmt = (s: number): string => `+${s} s (${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")})`;

/** facts.md §4.1: "The Tokyo islands alert was erroneous" (2022-10-04). */
const ERRONEOUS: Record<string, string[]> = { "2022-10-04": ["東京都（伊豆諸島・小笠原諸島）"] };
const bare = (n: string): string => n.replace(/県$/, "");

function calibrate(): void {
  const events = HISTORY.filter(
    (h) => h.nation === "JPN" && h.messages.some((m) => m.kind === "launch" && m.areas.length > 0),
  ).filter(
    (h) => scenarioNames(SCENARIO_DIR).includes(h.event) && (names.length === 0 || names.includes(h.event)),
  );
  console.log(`| width (km) | ${events.map((h) => h.event).join(" | ")} | mean |`);
  console.log(`|---|${events.map(() => "---|").join("")}---|`);
  const tracked = events.map((h) => {
    const parsed = loadScenarioFile(scenarioPath(h.event));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const r = scenarioSeries(parsed.value, h.event, sensors, topology, { seed: 1 });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const wrong = new Set(ERRONEOUS[h.event] ?? []);
    const want = new Set(
      h.messages
        .filter((m) => m.kind === "launch")
        .flatMap((m) => m.areas.filter((a) => !wrong.has(a)).map(bare)),
    );
    return { h, series: r.value, want };
  });
  for (const w of widths) {
    const policy = WarningPolicy.parse({ nation: "JPN", targetWidthKm: w });
    const cells = tracked.map(({ h, series, want }) => {
      const jpn = warningsFromSeries(h.event, series, regions, { JPN: policy }).find(
        (n) => n.nation === "JPN",
      );
      const got = new Set(
        (jpn?.warnings ?? []).filter((x) => x.kind === "launch").flatMap((x) => x.areas.map(bare)),
      );
      const shared = [...got].filter((a) => want.has(a)).length;
      const union = new Set([...got, ...want]).size;
      return { j: union === 0 ? 1 : shared / union, got: got.size, want: want.size, shared };
    });
    const mean = cells.reduce((sum, c) => sum + c.j, 0) / cells.length;
    console.log(
      `| ${w} | ${cells.map((c) => `${c.j.toFixed(2)} (${c.shared} of ${c.got} named, ${c.want} in history)`).join(" | ")} | ${mean.toFixed(2)} |`,
    );
  }
}

if (widths.length > 0) calibrate();
else
  for (const name of names.length > 0 ? names : scenarioNames(SCENARIO_DIR)) {
    const parsed = loadScenarioFile(scenarioPath(name));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    console.log(`\n### ${name}: ${parsed.value.title}\n`);
    console.log(
      "| seed | nation | first warning | areas | later messages | history (facts.md §4) | Δ first |",
    );
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
