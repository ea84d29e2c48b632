// The what-if comparison on small hand-built timelines whose figures can be worked out by hand.
import { describe, expect, it } from "vitest";
import {
  actualEvents,
  allEvents,
  fixtureRun,
  fixtureSetup,
  IMPACT_1,
  IMPACT_2,
  north,
  TRUTH,
  timeline,
} from "./whatif.fixture.ts";
import {
  compareVariants,
  denyingAgreements,
  GENERAL_RULES,
  greatCircleKm,
  type NationOutcome,
  WhatIfComparison,
} from "./whatif.ts";

const actual = fixtureRun("actual", actualEvents());
const all = fixtureRun("all", allEvents());
const same = fixtureRun("before-2023-12-19", actualEvents());

const nation = (c: WhatIfComparison, variant: string, code: string): NationOutcome => {
  const n = c.variants.find((v) => v.id === variant)?.nations.find((x) => x.nation === code);
  if (!n) throw new Error(`no ${code} under ${variant}`);
  return n;
};
const errorAt = (n: NationOutcome, s: number) => n.impactErrors.find((e) => e.atS === s);

describe("compareVariants: firsts per nation", () => {
  const c = compareVariants([actual, all, same]);

  it("returns a comparison the schema accepts, baseline first", () => {
    expect(WhatIfComparison.safeParse(c).success).toBe(true);
    expect(c.variants.map((v) => v.id)).toEqual(["actual", "all", "before-2023-12-19"]);
    expect(c.missiles.map((m) => m.objectId)).toEqual(["MRBM-1", "MRBM-2"]);
    expect(c.missiles[0]?.impactS).toBeCloseTo(560, 6);
  });

  it("takes each nation's first detection and own track over its nodes", () => {
    const usa = nation(c, "actual", "USA");
    expect(usa.nodes).toEqual(["USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I"]);
    expect(usa.firstDetection).toMatchObject({ s: 34, node: "USFK_TMO_CELL", sensorKind: "space-ir" });
    expect(usa.firstOwnTrack).toMatchObject({ s: 52, node: "USFK_TMO_CELL" });
    expect(nation(c, "actual", "JPN").firstDetection?.s).toBe(101);
    expect(nation(c, "actual", "JPN").firstOwnTrack?.s).toBe(106);
    expect(nation(c, "actual", "KOR").firstOwnTrack?.s).toBe(42);
  });

  it("takes the first partner track that was not stale, with its origin and path", () => {
    const jpn = nation(c, "actual", "JPN");
    expect(jpn.firstSharedTrack).toEqual({
      s: 52,
      node: "JSDF",
      fromParty: "USA",
      fromNode: "USFK_TMO_CELL",
      path: ["USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"],
    });
    expect(jpn.firstTrackFrom.map((f) => f.fromParty)).toEqual(["USA"]);
    expect(jpn.sharedUpdates).toBe(1);
  });

  it("of tracks from one partner in the same tick, the shortest path counts; the earliest partner is first", () => {
    const jpn = nation(c, "all", "JPN");
    expect(jpn.firstSharedTrack).toMatchObject({ s: 44, fromParty: "KOR", path: ["ROK_KTMO_CELL", "JSDF"] });
    expect(jpn.firstTrackFrom.map((f) => [f.fromParty, f.s])).toEqual([
      ["KOR", 44],
      ["USA", 52],
    ]);
  });

  it("reports warnings only for the nations that issue them, the first not being a cancellation", () => {
    const jpn = nation(c, "actual", "JPN");
    expect(jpn.firstWarning).toMatchObject({ s: 120, kind: "J-Alert: launch", msgType: "alert" });
    expect(jpn.warnings.map((w) => w.msgType)).toEqual(["alert", "cancel"]);
    expect(nation(c, "all", "JPN").firstWarning?.s).toBe(100);
    expect(nation(c, "actual", "KOR")).toMatchObject({ issuesWarnings: true, firstWarning: null });
    expect(nation(c, "actual", "KOR").warnings.map((w) => w.kind)).toEqual(["경보해제"]);
    expect(nation(c, "actual", "USA")).toMatchObject({
      issuesWarnings: false,
      firstWarning: null,
      warnings: [],
    });
  });
});

describe("compareVariants: impact-point error", () => {
  const c = compareVariants([actual, all], { errorTimesS: [30, 60, 109, 120], curveStepS: 40 });

  it("is null before any estimate", () => {
    expect(errorAt(nation(c, "actual", "JPN"), 30)).toMatchObject({ km: null, source: null, estimates: 0 });
  });

  it("uses the latest fused event of each object at or before the time, scored against the nearest missile", () => {
    const jpn = nation(c, "actual", "JPN");
    expect(errorAt(jpn, 60)).toMatchObject({ source: "fused", node: "JSDF", objectId: "MRBM-2" });
    expect(errorAt(jpn, 60)?.km).toBeCloseTo(2, 2);
    expect(errorAt(jpn, 109)?.km).toBeCloseTo(2, 2);
    // The fused event at +110 s replaces the one of +52 s; the own track at +106 s is not used.
    expect(errorAt(jpn, 120)?.km).toBeCloseTo(0.5, 2);
  });

  it("takes the best of several fused objects (a spurious one does not count)", () => {
    const kor = nation(c, "actual", "KOR");
    expect(errorAt(kor, 60)).toMatchObject({ source: "fused", estimates: 2, objectId: "MRBM-1" });
    expect(errorAt(kor, 60)?.km).toBeCloseTo(5, 2);
  });

  it("falls back on own tracks when a nation has no fused event", () => {
    const usa = nation(c, "actual", "USA");
    expect(errorAt(usa, 60)).toMatchObject({ source: "own-track", node: "USFK_TMO_CELL" });
    expect(errorAt(usa, 60)?.km).toBeCloseTo(10, 2);
    expect(errorAt(usa, 120)?.km).toBeCloseTo(1, 2);
  });

  it("samples the error curve every curveStepS to the end of the replay", () => {
    const jpn = nation(c, "all", "JPN");
    expect(jpn.errorCurve.map((p) => p.s)).toEqual([0, 40, 80, 120, 160, 200, 240, 280, 320]);
    expect(jpn.errorCurve[1]?.km).toBeNull();
    expect(jpn.errorCurve[2]?.km).toBeCloseTo(0.3, 2);
  });

  it("measures great circles in km", () => {
    expect(greatCircleKm(IMPACT_1.lat, IMPACT_1.lon, north(IMPACT_1, 100), IMPACT_1.lon)).toBeCloseTo(100, 6);
    expect(greatCircleKm(0, 0, 0, 1)).toBeCloseTo(111.195, 2);
    expect(greatCircleKm(IMPACT_1.lat, IMPACT_1.lon, IMPACT_2.lat, IMPACT_2.lon)).toBeCloseTo(222.39, 1);
  });
});

describe("compareVariants: releases, denials, deliveries", () => {
  const c = compareVariants([actual]);
  const v = c.variants[0];

  it("counts permits by agreement and denials against the agreements that applied", () => {
    expect(v?.releases).toEqual([
      { agreement: GENERAL_RULES, released: 0, denied: 1 },
      { agreement: "rtwm-2023", released: 0, denied: 1 },
      { agreement: "tisa-2014", released: 0, denied: 1 },
      { agreement: "usa-jpn-gsomia-2007", released: 1, denied: 0 },
      { agreement: "usa-kor-1987", released: 1, denied: 0 },
    ]);
  });

  it("groups denials by parties with the reasons that held them", () => {
    expect(v?.denials).toEqual([
      { from: "JPN", to: "KOR", decisions: 1, reasons: ["NOFORN"] },
      {
        from: "KOR",
        to: "JPN",
        decisions: 1,
        reasons: ["CHANNEL_UNAVAILABLE (tisa-2014)", "NOT_IN_FORCE (rtwm-2023)"],
      },
    ]);
  });

  it("holds a denial against general rules only when no agreement applied", () => {
    expect(denyingAgreements(["NOT_A_PARTY (a): x", "NOT_IN_FORCE (b): y", "NOT_A_PARTY (b): z"])).toEqual([
      GENERAL_RULES,
    ]);
    expect(denyingAgreements(["NOT_IN_FORCE (b): y", "REL_TO: z"])).toEqual([GENERAL_RULES, "b"].sort());
    expect(denyingAgreements([])).toEqual([GENERAL_RULES]);
  });

  it("counts partner track updates delivered per pair of parties (stale ones too)", () => {
    expect(v?.deliveries).toEqual([
      { from: "KOR", to: "JPN", updates: 1, tracks: 1 },
      { from: "USA", to: "JPN", updates: 1, tracks: 1 },
      { from: "USA", to: "KOR", updates: 1, tracks: 1 },
    ]);
  });
});

describe("compareVariants: summaries", () => {
  it("describes what happened under the baseline, per nation", () => {
    const c = compareVariants([actual]);
    const s = c.variants[0]?.summary ?? [];
    expect(s).toHaveLength(3);
    expect(s.find((x) => x.includes("Japan"))).toBe(
      "Under actual, Japan: own track at +106 s; first US track at +52 s via INDOPACOM→USFJ; J-Alert: launch at +120 s.",
    );
  });

  it("says what a variant changes: a new partner, an earlier warning, a smaller error", () => {
    const c = compareVariants([actual, all]);
    const s = c.variants.find((v) => v.id === "all")?.summary ?? [];
    expect(s).toContain("Under all, Japan's first ROK track arrives at +44 s directly (actual: none).");
    expect(s).toContain(
      "Under all, Japan's first public warning is J-Alert: launch at +100 s (actual: J-Alert: launch at +120 s).",
    );
    expect(s).toContain("Under all, Japan's impact-point error at +60 s is 0.3 km instead of 2.0 km.");
    expect(s.some((x) => x.includes("Republic of Korea") || x.includes("United States"))).toBe(false);
  });

  it("says what is lost, and when a first track arrives later, against any baseline", () => {
    const later = fixtureRun(
      "later",
      actualEvents().map((e) =>
        e.type === "track" && !e.own && e.node === "JSDF" && !e.stale ? { ...e, t: e.t + 8000 } : e,
      ),
    );
    const c = compareVariants([actual, all, later], { baseline: "all" });
    expect(c.variants[0]?.id).toBe("all");
    const lost = c.variants.find((v) => v.id === "actual")?.summary ?? [];
    expect(lost).toContain("Under actual, Japan receives no ROK track (all: +44 s directly).");
    const late = c.variants.find((v) => v.id === "later")?.summary ?? [];
    expect(late).toContain(
      "Under later, Japan's first US track arrives 8 s later (+60 s via INDOPACOM→USFJ; all: +52 s via INDOPACOM→USFJ).",
    );
  });

  it("says so when nothing differs", () => {
    const c = compareVariants([actual, same]);
    expect(c.variants[1]?.summary).toEqual([
      "Under before-2023-12-19, nothing differs from actual: the same first tracks, shared tracks, warnings and impact errors.",
    ]);
  });
});

describe("compareVariants: input checks", () => {
  it("refuses runs of different scenarios, a repeated variant, or a missing baseline", () => {
    const other = {
      timeline: timeline({ ...fixtureSetup({ id: "all", description: "x" }), seed: 2 }, actualEvents()),
      truth: TRUTH,
    };
    expect(() => compareVariants([actual, other])).toThrow(/runs differ/);
    expect(() => compareVariants([actual, actual])).toThrow(/given twice/);
    expect(() => compareVariants([all])).toThrow(/baseline "actual" is not among the runs/);
    expect(() => compareVariants([])).toThrow(/no runs/);
  });

  it("does not change its input", () => {
    const runs = [fixtureRun("actual", actualEvents()), fixtureRun("all", allEvents())];
    const before = JSON.stringify(runs);
    compareVariants(runs);
    expect(JSON.stringify(runs)).toBe(before);
  });
});
