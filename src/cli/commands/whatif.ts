/**
 * `triwatch whatif NAME --variants a,b`: a scenario replayed through all five nodes under the agreements
 * as they were (`actual`, always included as the baseline) and under each what-if variant, compared per
 * nation: first detection, own track, partner track and warning, impact-point error at fixed times, and
 * the release decisions per agreement. Text table, `--json` (the comparison object, docs/WHATIF.md) or
 * `--html FILE` (a self-contained report with plots).
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type Exercise, type ExerciseOptions, runExercise, WARNING_NODES } from "../../exercise/run.ts";
import { VARIANTS } from "../../exercise/variants.ts";
import {
  compareVariants,
  DEFAULT_ERROR_TIMES_S,
  shortPath,
  type WhatIfComparison,
} from "../../exercise/whatif.ts";
import { renderWhatIfHtml } from "../../exercise/whatif-html.ts";
import { table } from "../format.ts";
import { type CliIo, UsageError } from "../io.ts";

/** Runs one exercise (replaced in tests). */
export type ExerciseRunner = (options: ExerciseOptions) => Promise<Exercise>;

/** The variant ids asked for, `actual` first; unknown ids are a usage error listing the known ones. */
export function parseVariants(value: string | undefined): string[] {
  const known = VARIANTS.map((v) => v.id);
  const asked = (value ?? known.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = asked.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new UsageError(
      `--variants: unknown variant${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")} (known: ${known.join(", ")})`,
    );
  return ["actual", ...new Set(asked.filter((id) => id !== "actual"))];
}

/** `--times 60,120`: positive seconds after launch. */
function parseTimes(value: string): number[] {
  const xs = value.split(",").map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x < 0))
    throw new UsageError(`--times ${value}: expected seconds after launch, e.g. 60,120,180,300`);
  return [...new Set(xs)].sort((a, b) => a - b);
}

function parsePositive(option: string, value: string, integer: boolean): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))
    throw new UsageError(`${option} ${value}: expected a positive ${integer ? "integer" : "number"}`);
  return x;
}

const secs = (x: number | undefined | null) => (x === undefined || x === null ? "–" : `+${x.toFixed(0)}`);
const km = (x: number | null) => (x === null ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** The comparison as text: a table per nation (a row per variant), releases per agreement, summaries. */
export function renderWhatIf(c: WhatIfComparison): string {
  const lines = [
    `What-if ${c.scenario.id}: ${c.scenario.title} (launch ${c.scenario.launch}, seed ${c.seed}; baseline ${c.baseline})`,
  ];
  for (const v of c.variants) lines.push(`  ${v.id}: ${v.description}`);
  for (const nation of ["JPN", "KOR", "USA"]) {
    const rows = c.variants.flatMap((v) => {
      const n = v.nations.find((x) => x.nation === nation);
      if (!n) return [];
      return [
        [
          v.id,
          n.firstDetection ? `${secs(n.firstDetection.s)} ${n.firstDetection.sensorKind}` : "none",
          n.firstOwnTrack ? secs(n.firstOwnTrack.s) : "none",
          n.firstTrackFrom.map((f) => `${f.fromParty} ${secs(f.s)} ${shortPath(f.path)}`).join(", ") ||
            "none",
          n.issuesWarnings
            ? n.firstWarning
              ? `${secs(n.firstWarning.s)} ${n.firstWarning.kind}`
              : "none"
            : "n/a",
          ...n.impactErrors.map((e) => km(e.km)),
        ],
      ];
    });
    const name = c.variants[0]?.nations.find((x) => x.nation === nation)?.name ?? nation;
    lines.push(
      "",
      `${name} (${nation})`,
      table(
        [
          "variant",
          "first det",
          "own track",
          "first partner track per partner (path)",
          "first warning",
          ...c.errorTimesS.map((s) => `err +${s}`),
        ],
        rows,
      ),
    );
  }
  const agreements = [...new Set(c.variants.flatMap((v) => v.releases.map((r) => r.agreement)))].sort();
  lines.push(
    "",
    "Release decisions per agreement (released/denied; once per track, recipient and outcome)",
    table(
      ["agreement", ...c.variants.map((v) => v.id)],
      agreements.map((id) => [
        id,
        ...c.variants.map((v) => {
          const r = v.releases.find((x) => x.agreement === id);
          return `${r?.released ?? 0}/${r?.denied ?? 0}`;
        }),
      ]),
    ),
    "",
    "Release denials (from→to party: decisions; reasons)",
    ...c.variants.flatMap((v) =>
      v.denials.length === 0
        ? [`  ${v.id}: none`]
        : v.denials.map((d) => `  ${v.id}: ${d.from}→${d.to}: ${d.decisions}; ${d.reasons.join(", ")}`),
    ),
    "",
    "Summary",
    ...c.variants.flatMap((v) => v.summary.map((s) => `- ${s}`)),
    "",
    `Times in s after launch. Impact-point error in km at +${c.errorTimesS.join("/")} s: the nation's best estimate (fused`,
    "picture of any of its nodes, or its own track before any fusion) against the nearest missile's true impact.",
    "Paths: node ids up to the first underscore (ROK→USFK→INDOPACOM→USFJ→JSDF is the hub route).",
  );
  return lines.join("\n");
}

/** Progress on stderr: a line per phase and per 10 % of the replay, prefixed with the variant. */
function progressLine(io: CliIo, scenario: string, k: number, n: number, variant: string) {
  let lastPhase = "";
  let lastDecile = -1;
  return (p: { phase: string; done: number; total: number }) => {
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
    const decile = Math.floor(pct / 10);
    if (p.phase === lastPhase && decile === lastDecile) return;
    lastPhase = p.phase;
    lastDecile = decile;
    io.err(`whatif ${scenario}: variant ${k} of ${n} (${variant}): ${p.phase} ${pct}%`);
  };
}

/** Registers `whatif`. `run` replaces the exercise runner (tests). */
export function registerWhatIf(program: Command, io: CliIo, run: ExerciseRunner = runExercise): void {
  program
    .command("whatif")
    .description(
      "replay a scenario under several agreement states and compare, per nation, detection, tracks, shared tracks, warnings and impact-point error",
    )
    .argument("<name>", "scenario name (see `triwatch scenario list`) or a path to a scenario .yaml file")
    .option(
      "--variants <ids>",
      `comma-separated variants besides the baseline actual (${VARIANTS.map((v) => v.id).join(", ")}); default: all of them`,
    )
    .option("--seed <n>", "seed of the sensor simulation", "1")
    .option("--share-interval <s>", "seconds between releases of each updated track", "1")
    .option(
      "--until <s>",
      "end each replay this many seconds after launch (default: when the last detection arrives)",
    )
    .option(
      "--times <s,...>",
      "seconds after launch of the impact-error columns",
      DEFAULT_ERROR_TIMES_S.join(","),
    )
    .option("--json", "print the comparison object (docs/WHATIF.md) instead of the tables")
    .option("--html <file>", "also write a self-contained HTML report with plots to FILE")
    .action(
      async (
        name: string,
        opts: {
          variants?: string;
          seed: string;
          shareInterval: string;
          times: string;
          until?: string;
          json?: boolean;
          html?: string;
        },
      ) => {
        const variants = parseVariants(opts.variants);
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed) || seed < 0)
          throw new UsageError(`--seed ${opts.seed}: expected an integer ≥ 0`);
        const shareIntervalS = parsePositive("--share-interval", opts.shareInterval, false);
        const errorTimesS = parseTimes(opts.times);
        const untilS = opts.until === undefined ? undefined : parsePositive("--until", opts.until, false);
        const runs: { timeline: Exercise["timeline"]; truth: Exercise["truth"] }[] = [];
        for (const [i, variant] of variants.entries()) {
          const started = io.now();
          const ex = await run({
            scenarioId: name,
            seed,
            variant,
            shareIntervalS,
            ...(untilS === undefined ? {} : { untilS }),
            onProgress: progressLine(io, name, i + 1, variants.length, variant),
          });
          try {
            runs.push({ timeline: ex.timeline, truth: ex.truth });
          } finally {
            await ex.close();
          }
          io.err(
            `whatif ${name}: variant ${i + 1} of ${variants.length} (${variant}) done in ${((io.now() - started) / 1000).toFixed(0)} s`,
          );
        }
        const comparison = compareVariants(runs, { errorTimesS, warningNations: Object.keys(WARNING_NODES) });
        if (opts.html !== undefined) {
          writeFileSync(opts.html, renderWhatIfHtml(comparison));
          io.err(`whatif ${name}: report written to ${opts.html}`);
        }
        io.out(opts.json ? JSON.stringify(comparison, null, 2) : renderWhatIf(comparison));
      },
    );
}
