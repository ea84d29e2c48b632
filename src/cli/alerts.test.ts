// The warning rules on a whole scenario run (alerts.ts wires the tracker to them): the 2023-11-21
// satellite launch gives Japan the Okinawa launch message, as J-Alert did (facts.md §4.1), because the
// launcher's climbing tracks reach the satellite-launch rule; a ballistic scenario carries none.
import { describe, expect, it } from "vitest";
import { loadFile } from "../config/files.ts";
import { loadRegionIndex } from "../config/geodata.ts";
import { DEFAULT_PATHS, PROJECT_ROOT } from "../config/project.ts";
import { Topology } from "../model/topology.ts";
import { loadScenarioFile } from "../sim/scenario-file.ts";
import { scenarioSeries, warningsFromSeries } from "./commands/alerts.ts";
import { loadSensorDir, scenarioPath } from "./commands/scenario.ts";

const sensors = loadSensorDir(`${PROJECT_ROOT}/sensors`);
const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const regions = loadRegionIndex();
const tracked = (name: string) => {
  const parsed = loadScenarioFile(scenarioPath(name));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const r = scenarioSeries(parsed.value, name, sensors, topology, { seed: 1 });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.value;
};

describe("scenario warnings", () => {
  it("2023-11-21: Japan's launch message for Okinawa within minutes, then the call lifted after the launcher passed", () => {
    const run = tracked("2023-11-21");
    const jpn = run.series.get("JPN");
    expect(jpn?.spaceLaunch?.length ?? 0).toBeGreaterThan(10);
    const w = warningsFromSeries("2023-11-21", run, regions).find((n) => n.nation === "JPN");
    const [first, ...rest] = w?.warnings ?? [];
    expect(first).toMatchObject({ kind: "launch", areas: ["沖縄県"] });
    // History: 22:46 for a 22:43 launch (+180 s); the launcher passed Okinawa ~12 minutes in.
    expect(first?.sentS).toBeGreaterThanOrEqual(120);
    expect(first?.sentS).toBeLessThanOrEqual(300);
    expect(rest.map((x) => x.kind)).toEqual(["cancellation"]);
    expect(rest[0]?.sentS).toBeGreaterThan(600);
    expect(w?.alerts[0]?.basis?.missileClass).toBe("SLV");
  }, 120_000);

  it("a ballistic scenario carries no space-launch estimates", () => {
    expect(tracked("2022-10-04").series.get("JPN")?.spaceLaunch).toBeUndefined();
  }, 120_000);
});
