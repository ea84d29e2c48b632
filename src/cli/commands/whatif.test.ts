// `triwatch whatif` with the exercise replaced by hand-built timelines (the real replay is tested in
// src/exercise/whatif-exercise.test.ts): variants asked, progress, text, --json, --html, usage errors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import type { ExerciseOptions } from "../../exercise/run.ts";
import { actualEvents, allEvents, fixtureRun, parseReport } from "../../exercise/whatif.fixture.ts";
import { WhatIfComparison } from "../../exercise/whatif.ts";
import type { CliIo } from "../io.ts";
import { runCli } from "../main.ts";
import { type ExerciseRunner, parseVariants, registerWhatIf } from "./whatif.ts";

const dir = mkdtempSync(join(tmpdir(), "triwatch-whatif-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `whatif` with a fake exercise runner; returns the output, the runner's calls and the closes. */
async function whatif(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: ExerciseOptions[] = [];
  let closed = 0;
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), now: () => 0 };
  const run: ExerciseRunner = async (o) => {
    calls.push(o);
    for (const done of [0, 3, 5, 10])
      o.onProgress?.({ phase: "replaying through the network", done, total: 10 });
    const r =
      o.variant === "all"
        ? fixtureRun("all", allEvents())
        : fixtureRun(o.variant ?? "actual", actualEvents());
    return {
      ...r,
      auditProof: () => undefined,
      close: async () => {
        closed++;
      },
    };
  };
  const program = new Command("triwatch").exitOverride();
  registerWhatIf(program, io, run);
  for (const c of program.commands) c.exitOverride();
  await program.parseAsync(["whatif", ...args], { from: "user" });
  return { out: out.join("\n"), err: err.join("\n"), calls, closed: () => closed };
}

describe("triwatch whatif", () => {
  it("runs actual first, then the variants asked, each closed, with progress per variant on stderr", async () => {
    const r = await whatif(["fixture-2016", "--variants", "all", "--seed", "3", "--share-interval", "2"]);
    expect(r.calls.map((c) => c.variant)).toEqual(["actual", "all"]);
    expect(
      r.calls.every((c) => c.seed === 3 && c.shareIntervalS === 2 && c.scenarioId === "fixture-2016"),
    ).toBe(true);
    expect(r.calls[0]?.untilS).toBeUndefined();
    expect(r.closed()).toBe(2);
    expect(r.err).toContain(
      "whatif fixture-2016: variant 1 of 2 (actual): replaying through the network 50%",
    );
    expect(r.err).toContain("whatif fixture-2016: variant 2 of 2 (all): replaying through the network 100%");
    // One line per phase and per tenth: 0 %, 30 %, 50 %, 100 %.
    expect(r.err.split("\n").filter((l) => l.includes("variant 1 of 2 (actual): replaying"))).toHaveLength(4);
  });

  it("prints a table per nation with a row per variant, the releases and the summaries", async () => {
    const { out } = await whatif(["fixture-2016", "--variants", "all", "--times", "60,120"]);
    expect(out).toContain("Japan (JPN)");
    const japan = out.slice(out.indexOf("Japan (JPN)"), out.indexOf("Republic of Korea (KOR)"));
    expect(japan).toMatch(/err \+60\s+err \+120/);
    expect(japan).toMatch(
      /^actual\s+\+101 radar\s+\+106\s+USA \+52 USFK→INDOPACOM→USFJ→JSDF\s+\+120 J-Alert: launch\s+2\.0\s+0\.5$/m,
    );
    expect(japan).toMatch(
      /^all\s+.*KOR \+44 ROK→JSDF, USA \+52 USFK→INDOPACOM→USFJ→JSDF\s+\+100 J-Alert: launch\s+0\.3\s+0\.3$/m,
    );
    expect(out).toMatch(/^usa-jpn-gsomia-2007\s+1\/0\s+1\/0$/m);
    expect(out).toContain("- Under all, Japan's first ROK track arrives at +44 s directly (actual: none).");
    expect(out).toContain("actual: KOR→JPN: 1; CHANNEL_UNAVAILABLE (tisa-2014), NOT_IN_FORCE (rtwm-2023)");
  });

  it("--json prints the comparison object", async () => {
    const { out } = await whatif(["fixture-2016", "--variants", "all,actual", "--json"]);
    const parsed = WhatIfComparison.safeParse(JSON.parse(out));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.variants.map((v) => v.id)).toEqual(["actual", "all"]);
    expect(parsed.data?.errorTimesS).toEqual([60, 120, 180, 300]);
  });

  it("--html writes a well-formed self-contained report with the figures", async () => {
    const file = join(dir, "report.html");
    const r = await whatif(["fixture-2016", "--variants", "all", "--html", file, "--until", "400"]);
    expect(r.calls[0]?.untilS).toBe(400);
    expect(existsSync(file)).toBe(true);
    expect(r.err).toContain(`report written to ${file}`);
    const ids = new Set<string>();
    const visit = (e: ReturnType<typeof parseReport>) => {
      if (e.attributes.id) ids.add(e.attributes.id);
      e.children.forEach(visit);
    };
    visit(parseReport(readFileSync(file, "utf8")));
    for (const id of ["timeline-actual", "timeline-all", "error-JPN", "error-KOR", "error-USA", "agreements"])
      expect(ids.has(id), id).toBe(true);
    expect(r.out).toContain("Japan (JPN)");
  });

  it("defaults to every variant", () => {
    expect(parseVariants(undefined)).toEqual(["actual", "no-gsomia", "before-2023-12-19", "all"]);
    expect(parseVariants("all, all ,actual")).toEqual(["actual", "all"]);
  });
});

describe("triwatch whatif: usage errors (exit status 2)", () => {
  const cli = async (args: string[]) => {
    const err: string[] = [];
    const status = await runCli(["whatif", ...args], {
      out: () => {},
      err: (t) => err.push(t),
      now: () => 0,
    });
    return { status, err: err.join("\n") };
  };

  it("names the unknown variants and lists the known ones", async () => {
    const r = await cli(["2016-09-05", "--variants", "no-gsomia,nope,later"]);
    expect(r.status).toBe(2);
    expect(r.err).toContain(
      '--variants: unknown variants "nope", "later" (known: actual, no-gsomia, before-2023-12-19, all)',
    );
  });

  it("refuses bad numbers", async () => {
    for (const args of [
      ["--seed", "-1"],
      ["--share-interval", "0"],
      ["--times", "60,x"],
      ["--until", "abc"],
    ]) {
      const r = await cli(["2016-09-05", "--variants", "all", ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toContain(args[0] as string);
    }
  });

  it("refuses an unknown scenario, listing the available ones", async () => {
    const r = await cli(["1999-01-01", "--variants", "all"]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/no such scenario \(available: .*2016-09-05/);
  });
});
