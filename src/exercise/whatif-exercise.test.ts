// The what-if comparison on a real exercise: the 2016-09-05 salvo replayed through all five nodes as it
// was and with every agreement in force (shortened to 320 s after launch to keep it fast).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exercise } from "./run.ts";
import { runExercise } from "./run.ts";
import { parseReport } from "./whatif.fixture.ts";
import { compareVariants, type WhatIfComparison } from "./whatif.ts";
import { renderWhatIfHtml } from "./whatif-html.ts";

let runs: Exercise[] = [];
let c: WhatIfComparison;

beforeAll(async () => {
  for (const variant of ["all", "actual"])
    runs.push(await runExercise({ scenarioId: "2016-09-05", shareIntervalS: 2, untilS: 320, variant }));
  c = compareVariants(runs);
}, 900_000);
afterAll(async () => {
  for (const r of runs) await r.close();
  runs = [];
});

const nation = (variant: string, code: string) => {
  const n = c.variants.find((v) => v.id === variant)?.nations.find((x) => x.nation === code);
  if (!n) throw new Error(`no ${code} under ${variant}`);
  return n;
};

describe("compareVariants on the 2016-09-05 exercise", () => {
  it("puts the baseline first and scores against the three missiles", () => {
    expect(c.variants.map((v) => v.id)).toEqual(["actual", "all"]);
    expect(c.missiles.map((m) => m.objectId)).toEqual(["MRBM-1", "MRBM-2", "MRBM-3"]);
    expect(c.endS).toBeGreaterThanOrEqual(320);
  });

  it("every nation detects before it tracks, within the first two minutes", () => {
    for (const code of ["USA", "KOR", "JPN"]) {
      const n = nation("actual", code);
      expect(n.firstDetection?.s, code).toBeGreaterThan(0);
      expect(n.firstOwnTrack?.s, code).toBeLessThan(120);
      expect(n.firstDetection?.s ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(n.firstOwnTrack?.s ?? 0);
    }
  });

  it("as it was, Japan gets US tracks through the hub and no ROK track; with every agreement, an ROK track first", () => {
    const was = nation("actual", "JPN");
    expect(was.firstTrackFrom.map((f) => f.fromParty)).toEqual(["USA"]);
    expect(was.firstSharedTrack?.path).toContain("INDOPACOM_LINK_CTRL_HI");
    const all = nation("all", "JPN");
    const rok = all.firstTrackFrom.find((f) => f.fromParty === "KOR");
    expect(rok).toBeDefined();
    expect(rok?.s ?? Number.POSITIVE_INFINITY).toBeLessThan(all.firstOwnTrack?.s ?? 0);
    const sentence = c.variants[1]?.summary.find((s) =>
      s.startsWith("Under all, Japan's first ROK track arrives"),
    );
    expect(sentence).toBe(
      `Under all, Japan's first ROK track arrives at +${rok?.s.toFixed(0)} s via ${rok?.path
        .slice(1, -1)
        .map((n) => n.split("_")[0])
        .join("→")} (actual: none).`,
    );
  });

  it("converges: every nation's impact-point error at +300 s is a few km at most", () => {
    for (const v of ["actual", "all"])
      for (const code of ["USA", "KOR", "JPN"]) {
        const e = nation(v, code).impactErrors.find((x) => x.atS === 300);
        expect(e?.source, `${v} ${code}`).toBe("fused");
        expect(e?.km ?? Number.POSITIVE_INFINITY, `${v} ${code}`).toBeLessThan(5);
      }
  });

  it("holds the denials as it was against the 2023 mechanism, which releases under every agreement", () => {
    const was = c.variants[0]?.releases.find((r) => r.agreement === "rtwm-2023");
    expect(was?.denied).toBeGreaterThan(0);
    expect(was?.released).toBe(0);
    expect(c.variants[1]?.releases.find((r) => r.agreement === "rtwm-2023")?.released).toBeGreaterThan(0);
    expect(c.variants[1]?.denials).toEqual([]);
  });

  it("renders a well-formed report with a timeline per variant and an error plot per nation", () => {
    const ids = new Set<string>();
    const visit = (e: ReturnType<typeof parseReport>) => {
      if (e.attributes.id) ids.add(e.attributes.id);
      e.children.forEach(visit);
    };
    visit(parseReport(renderWhatIfHtml(c)));
    for (const id of ["timeline-actual", "timeline-all", "error-USA", "error-KOR", "error-JPN"])
      expect(ids.has(id), id).toBe(true);
  });
});
