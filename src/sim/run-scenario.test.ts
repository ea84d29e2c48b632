import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFile } from "../config/files.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../config/project.ts";
import type { Sensor } from "../model/sensing.ts";
import { Topology } from "../model/topology.ts";
import { nationsOf, runScenario, type ScenarioResult } from "./run-scenario.ts";
import { parseScenario } from "./scenario-file.ts";
import { loadSensorSetFile } from "./sensor-file.ts";

const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const sensors: Sensor[] = ["usa", "rok", "jpn"].flatMap((n) => {
  const r = loadSensorSetFile(join(PROJECT_ROOT, "sensors", `${n}.yaml`));
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.value.sensors;
});
const scenarioText = readFileSync(join(PROJECT_ROOT, "scenarios", "2017-08-29.yaml"), "utf8");
const parsed = parseScenario(scenarioText, "2017-08-29.yaml");
if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
const scenario = parsed.value;

function run(seed: number): ScenarioResult {
  const r = runScenario(scenario, "2017-08-29.yaml", sensors, topology, { seed });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.value;
}
const result = run(1);
const nation = (code: string) => {
  const n = result.nations.find((x) => x.nation === code);
  if (!n) throw new Error(`no ${code}`);
  const o = n.objects[0];
  if (!o) throw new Error(`no object for ${code}`);
  return { n, o };
};

describe("nationsOf", () => {
  it("groups sensors by the party of their node, in topology order", () => {
    const r = nationsOf(sensors, topology);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.value.map((g) => g.nation)).toEqual(["USA", "KOR", "JPN"]);
    const usa = r.value[0];
    expect(usa?.nodes.sort()).toEqual(["INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "USFK_TMO_CELL"]);
    expect(usa?.sensors.map((s) => s.id)).toContain("US-SBIRS-GEO");
    expect(r.value[1]?.sensors.every((s) => s.id.startsWith("ROK-"))).toBe(true);
  });

  it("names a sensor whose node is not in the topology", () => {
    const stray = { ...(sensors[0] as Sensor), id: "STRAY", node: "NOWHERE" } as Sensor;
    const r = nationsOf([...sensors, stray], topology);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^sensor STRAY: node "NOWHERE" is not in the topology/);
  });
});

describe("runScenario 2017-08-29 (Hwasong-12, seed 1)", () => {
  it("reports the truth the run flew", () => {
    const { o } = nation("KOR");
    expect(o.truth.apogeeKm).toBeGreaterThan(530);
    expect(o.truth.apogeeKm).toBeLessThan(570);
    expect(o.truth.rangeKm).toBeGreaterThan(2640);
    expect(o.truth.impact?.tS).toBeGreaterThan(800);
    expect(o.truth.lofted).toBe(false);
  });

  it("has the ROK radars detect and track within tens of seconds, then predict the impact to a few km", () => {
    const { o } = nation("KOR");
    expect(o.firstDetection?.observedS).toBeLessThan(60);
    expect(o.firstDetection?.receivedS).toBeCloseTo((o.firstDetection?.observedS ?? 0) + 2, 6);
    expect(o.firstTrack?.confirmedS).toBeLessThan(70);
    expect(o.coastTrackStartS).toBeGreaterThanOrEqual(o.truth.burnoutS);
    const at120 = o.afterCoastStart.find((x) => x.offsetS === 120)?.estimate;
    expect(at120?.impactErrorKm).toBeLessThan(10);
    expect(at120?.class).toBe(o.truth.class);
  });

  it("shrinks every nation's impact error from boost to coast and ends within a few km", () => {
    for (const code of ["USA", "KOR", "JPN"]) {
      const { o } = nation(code);
      const early = o.afterFirstTrack[0]?.estimate?.impactErrorKm ?? Number.POSITIVE_INFINITY;
      expect(o.final?.impactErrorKm, code).toBeLessThan(5);
      expect(o.final?.impactErrorKm ?? Number.POSITIVE_INFINITY, code).toBeLessThan(early);
      // The launch point is a ballistic back-propagation: near the pad, up-range of it (behind it), since
      // the vacuum arc through the faster burnout state reaches back further than the powered ascent did.
      expect(o.final?.launchErrorKm, code).toBeLessThan(200);
      expect(Math.abs(o.final?.launchTimeErrorS ?? 1e9), code).toBeLessThan(200);
      const tl = o.timeline;
      expect(tl.length, code).toBeGreaterThan(3);
      expect(tl.at(-1)?.impactErrorKm ?? 1e9, code).toBeLessThan(tl[0]?.impactErrorKm ?? 0);
      expect(o.final?.impactEllipse95Km.semiMajor, code).toBeGreaterThan(0);
    }
  });

  it("reprocesses the slow space-IR reports that arrive behind radar scans, and says so", () => {
    const { n, o } = nation("USA");
    expect(n.lateScansDropped).toBe(0);
    expect(n.lateScansReprocessed).toBeGreaterThan(0);
    // Here the space-IR reports (boost only, 30 s late) all predate the radar track they could update, so
    // reprocessing finds no track to fold them into; reprocess.test.ts shows the updates themselves.
    expect(o.firstDetection?.sensorId).toBe("US-SBIRS-GEO");
    expect((o.firstDetection?.receivedS ?? 0) - (o.firstDetection?.observedS ?? 0)).toBeCloseTo(30, 6);
    expect(nation("KOR").n.lateScansDropped).toBe(0);
    expect(nation("KOR").n.lateScansReprocessed).toBe(0);
  });

  it("is a pure function of the seed", () => {
    const again = run(1);
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
    const other = run(2);
    expect(other.nations[1]?.objects[0]?.firstDetection?.observedS).not.toBe(
      result.nations[1]?.objects[0]?.firstDetection?.observedS,
    );
  });

  it("refuses an impossible range/apogee pair, naming file and field", () => {
    const bad = parseScenario(
      scenarioText.replace("apogeeKm: { value: 550,", "apogeeKm: { value: 5,"),
      "bad.yaml",
    );
    if (!bad.ok) throw new Error(bad.errors.join("\n"));
    const r = runScenario(bad.value, "bad.yaml", sensors, topology, { seed: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^bad\.yaml: launches\[0\]\.apogeeKm: /);
  });
});
