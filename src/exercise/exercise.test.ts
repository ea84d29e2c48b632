// An exercise end to end: the 2016-09-05 salvo through all five nodes (real policy, envelopes, audit,
// PGlite stores, in-process transport), as it was and with every agreement in force.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromHex, verifyInclusion } from "../audit/index.ts";
import { CopTimeline, type CopTrackEvent } from "../model/cop.ts";
import type { Exercise } from "./run.ts";
import { runExercise } from "./run.ts";

let actual: Exercise;
let all: Exercise;
const phases = new Set<string>();

beforeAll(async () => {
  actual = await runExercise({
    scenarioId: "2016-09-05",
    shareIntervalS: 2,
    onProgress: (p) => phases.add(p.phase),
  });
  // The first 150 s are enough to see where ROK tracks go.
  all = await runExercise({ scenarioId: "2016-09-05", shareIntervalS: 2, variant: "all", untilS: 150 });
}, 300_000);
afterAll(async () => {
  await actual?.close();
  await all?.close();
});

const tracksAt = (ex: Exercise, node: string): CopTrackEvent[] =>
  ex.timeline.events.filter((e): e is CopTrackEvent => e.type === "track" && e.node === node);

describe("runExercise (2016-09-05)", () => {
  it("refuses a bad option or variant before starting anything", async () => {
    await expect(runExercise({ scenarioId: "2016-09-05", shareIntervalS: 0 })).rejects.toThrow(
      /shareIntervalS/,
    );
    await expect(runExercise({ scenarioId: "2016-09-05", variant: "maybe" })).rejects.toThrow(
      /unknown variant "maybe"/,
    );
    await expect(runExercise({ scenarioId: "1999-01-01" })).rejects.toThrow(/no such scenario/);
  });

  it("stops between steps when its signal aborts, and says why", async () => {
    const abort = new AbortController();
    const run = runExercise({
      scenarioId: "2016-09-05",
      shareIntervalS: 2,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === "replaying through the network" && p.done >= 10)
          abort.abort(new Error("operator stop"));
      },
    });
    await expect(run).rejects.toThrow("operator stop");
  }, 120_000);

  it("produces a timeline the COP schema accepts, in time order with increasing sequence numbers", () => {
    const parsed = CopTimeline.safeParse(actual.timeline);
    expect(parsed.success ? "" : parsed.error.message.slice(0, 500)).toBe("");
    const ev = actual.timeline.events;
    for (let i = 1; i < ev.length; i++) {
      expect((ev[i] as (typeof ev)[0]).seq).toBe((ev[i - 1] as (typeof ev)[0]).seq + 1);
      expect((ev[i] as (typeof ev)[0]).t).toBeGreaterThanOrEqual((ev[i - 1] as (typeof ev)[0]).t);
    }
    expect([...phases]).toContain("replaying through the network");
  });

  it("every node of every nation detects and tracks the launch on its own sensors", () => {
    const detecting = new Set(
      actual.timeline.events.filter((e) => e.type === "detection").map((e) => e.holder),
    );
    expect([...detecting].sort()).toEqual(["JPN", "KOR", "USA"]);
    for (const node of ["ROK_KTMO_CELL", "USFK_TMO_CELL", "JSDF"])
      expect(tracksAt(actual, node).some((e) => e.own)).toBe(true);
  });

  it("as it was (no GSOMIA yet, no 2023 mechanism), JSDF gets US tracks through the hub and no ROK track", () => {
    const jsdf = tracksAt(actual, "JSDF").filter((e) => !e.own);
    expect(jsdf.some((e) => e.origin.party === "USA" && e.path.includes("INDOPACOM_LINK_CTRL_HI"))).toBe(
      true,
    );
    expect(jsdf.some((e) => e.origin.party === "KOR")).toBe(false);
    const refused = actual.timeline.events.find(
      (e) => e.type === "decision" && e.action === "release" && e.node === "ROK_KTMO_CELL" && e.to === "JSDF",
    );
    expect(refused).toMatchObject({ permitted: false, holder: "KOR" });
    expect(refused?.type === "decision" && refused.reasons.join(" ")).toMatch(/NOT_IN_FORCE/);
  });

  it("with every agreement in force, JSDF gets ROK tracks through the hub, sanitised and re-marked", () => {
    const rok = tracksAt(all, "JSDF").filter((e) => !e.own && e.origin.party === "KOR");
    expect(rok.length).toBeGreaterThan(0);
    const first = rok[0] as CopTrackEvent;
    expect(first.path).toContain("INDOPACOM_LINK_CTRL_HI");
    expect(first.report.sensor).toBeUndefined();
    expect(first.holder).toBe("JPN");
    expect(first.marking.rank).toBeGreaterThan(0);
    // ... and earlier than JSDF's own first track.
    const own = tracksAt(all, "JSDF").find((e) => e.own);
    expect(first.t).toBeLessThan(own?.t ?? Number.POSITIVE_INFINITY);
    // The replay stopped where asked.
    expect(
      all.timeline.setup.endMs - (all.timeline.setup.scenario.launches[0]?.time ?? 0),
    ).toBeLessThanOrEqual(152_000);
  });

  it("shows each relay and receipt once per track and step, naming the track, though tracks travel in bundles", () => {
    const steps = all.timeline.events.filter(
      (e) => e.type === "decision" && (e.action === "relay" || e.action === "receipt"),
    );
    expect(steps.length).toBeGreaterThan(0);
    const keys = steps.map((e) =>
      e.type === "decision"
        ? `${e.node}|${e.action}|${e.itemId.replace(/-\d+$/, "")}|${e.from}>${e.to}|${e.permitted}|${e.reasons.join(";")}`
        : "",
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(steps.every((e) => e.type === "decision" && !e.itemId.startsWith("bundle:"))).toBe(true);
  });

  it("own tracks carry their sensor; no partner track ever does", () => {
    const tracks = actual.timeline.events.filter((e): e is CopTrackEvent => e.type === "track");
    expect(tracks.filter((e) => e.own).every((e) => e.report.sensor !== undefined)).toBe(true);
    expect(tracks.filter((e) => !e.own).every((e) => e.report.sensor === undefined)).toBe(true);
  });

  it("fuses what a node holds and proves its audit leaves against the node's tree head", () => {
    const fused = actual.timeline.events.filter((e) => e.type === "fused" && e.node === "JSDF");
    expect(fused.some((e) => e.type === "fused" && e.contributors.length > 1)).toBe(true);
    const head = [...actual.timeline.events].reverse().find((e) => e.type === "audit" && e.node === "JSDF");
    expect(head?.type === "audit" && head.size).toBeGreaterThan(0);
    const p = actual.auditProof("JSDF", 0);
    expect(p).toBeDefined();
    if (!p) return;
    const check = verifyInclusion(
      0,
      p.treeSize,
      fromHex(p.leafHashHex),
      p.path.map(fromHex),
      fromHex(p.rootHex),
    );
    expect(check).toEqual({ ok: true });
    expect(actual.auditProof("JSDF", p.treeSize)).toBeUndefined();
    // At an earlier head (what a replay has reached), against that head's root.
    const early = actual.auditProof("JSDF", 0, 2);
    expect(early?.treeSize).toBe(2);
    expect(early?.rootHex).not.toBe(p.rootHex);
    if (early) {
      const c = verifyInclusion(
        0,
        2,
        fromHex(early.leafHashHex),
        early.path.map(fromHex),
        fromHex(early.rootHex),
      );
      expect(c).toEqual({ ok: true });
    }
    expect(actual.auditProof("JSDF", 2, 2)).toBeUndefined();
    expect(actual.auditProof("JSDF", 0, p.treeSize + 1)).toBeUndefined();
    expect(actual.auditProof("NOWHERE", 0)).toBeUndefined();
  });

  it("records the truth apart from every picture", () => {
    const missiles = actual.truth.objects.filter((o) => o.role === "missile");
    expect(missiles.length).toBe(3);
    expect(missiles.every((m) => m.impact !== null)).toBe(true);
  });
});
