import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../../../test/helpers/cli.ts";
import { PROJECT_ROOT } from "../../config/project.ts";

const tmp = mkdtempSync(join(tmpdir(), "triwatch-track-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const example = join(PROJECT_ROOT, "examples", "measurements-small.json");
const measurements = JSON.parse(readFileSync(example, "utf8")) as {
  sensors: Record<string, unknown>[];
  detections: { t: number }[];
};
const write = (name: string, value: unknown) => {
  const f = join(tmp, name);
  writeFileSync(f, typeof value === "string" ? value : JSON.stringify(value));
  return f;
};

describe("triwatch track", () => {
  it("tracks the example file and writes triwatch-tracks/1", async () => {
    const out = join(tmp, "tracks.json");
    const r = await cli("track", "--measurements", example, "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/158 detections from 2 sensors → 1 confirmed tracks/);
    expect(r.out).toMatch(/T\d+\s+confirmed.*MRBM/);
    const tracks = JSON.parse(readFileSync(out, "utf8")) as {
      format: string;
      tracks: { estimates?: { impact: { ellipse95: { semiMajorM: number } }; groundTrack: unknown[] } }[];
    };
    expect(tracks.format).toBe("triwatch-tracks/1");
    expect(tracks.tracks).toHaveLength(1);
    expect(tracks.tracks[0]?.estimates?.groundTrack.length).toBeGreaterThan(10);
    const json = await cli("track", "--measurements", example, "--out", out, "--filter", "ukf", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ detections: 158, confirmed: 1 });
  });

  it("names the file and index of a detection out of time order (exit 2)", async () => {
    const dets = measurements.detections.map((d) => ({ ...d }));
    (dets[10] as { t: number }).t = (dets[9] as { t: number }).t - 5;
    const f = write("out-of-order.json", { ...measurements, detections: dets });
    const r = await cli("track", "--measurements", f, "--out", join(tmp, "x.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/out-of-order\.json: detections\[10\]\.t: earlier than detections\[9\]/);
  });

  it("names unknown fields, unknown sensors and bad options (exit 2)", async () => {
    const extra = write("extra.json", {
      ...measurements,
      sensors: [{ ...measurements.sensors[0], beamWidthDeg: 2 }, measurements.sensors[1]],
    });
    const a = await cli("track", "--measurements", extra, "--out", join(tmp, "x.json"));
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/extra\.json: sensors\[0\]: unknown field beamWidthDeg/);
    const stranger = write("stranger.json", {
      ...measurements,
      detections: measurements.detections.map((d, i) => (i === 3 ? { ...d, sensorId: "NOPE" } : d)),
    });
    const b = await cli("track", "--measurements", stranger, "--out", join(tmp, "x.json"));
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/stranger\.json: detections\[3\]\.sensorId: unknown sensor "NOPE"/);
    const c = await cli("track", "--measurements", example, "--out", join(tmp, "x.json"), "--filter", "pf");
    expect(c.code).toBe(2);
    expect(c.err).toContain("--filter pf");
    const d = await cli("track", "--measurements", join(tmp, "none.json"), "--out", join(tmp, "x.json"));
    expect(d.code).toBe(2);
    expect(d.err).toContain("none.json: no such file");
  });
});

describe("triwatch scenario", () => {
  it("lists the scenarios", async () => {
    const r = await cli("scenario", "list");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2017-08-29\s+1\s+Hwasong-12 IRBM/);
    const json = JSON.parse((await cli("scenario", "list", "--json")).out) as {
      scenarios: { name: string }[];
    };
    expect(json.scenarios.map((s) => s.name)).toContain("2023-11-21");
    expect(json.scenarios).toHaveLength(10);
  });

  it("runs one scenario and reports per nation, as a table and as JSON", async () => {
    const r = await cli("scenario", "run", "2017-08-29", "--seed", "3", "--json");
    expect(r.code).toBe(0);
    expect(r.err).toContain("tracking per nation");
    const res = JSON.parse(r.out) as {
      seed: number;
      nations: {
        nation: string;
        objects: {
          firstTrack: { confirmedS: number } | null;
          final: { impactErrorKm: number; class: string };
        }[];
      }[];
    };
    expect(res.seed).toBe(3);
    expect(res.nations.map((n) => n.nation)).toEqual(["USA", "KOR", "JPN"]);
    for (const n of res.nations) {
      expect(n.objects[0]?.firstTrack?.confirmedS, n.nation).toBeLessThan(150);
      expect(n.objects[0]?.final.impactErrorKm, n.nation).toBeLessThan(5);
      expect(n.objects[0]?.final.class, n.nation).toBe("MRBM");
    }
    const table = await cli("scenario", "run", "2017-08-29", "--seed", "3");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^KOR\s+\+\d+ \(\+\d+\)/m);
    expect(table.out).toContain("Truth HS12-20170829");
  });

  it("refuses an unknown scenario, listing the known ones (exit 2)", async () => {
    const r = await cli("scenario", "run", "1999-01-01");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown scenario "1999-01-01" \(available: 2016-09-05, .*2017-08-29/);
  });

  it("names file and field of an impossible scenario and of a bad sensor file (exit 2)", async () => {
    const text = readFileSync(join(PROJECT_ROOT, "scenarios", "2017-08-29.yaml"), "utf8");
    const bad = write("impossible.yaml", text.replace("apogeeKm: { value: 550,", "apogeeKm: { value: 5,"));
    const a = await cli("scenario", "run", bad);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/impossible\.yaml: launches\[0\]\.apogeeKm: apogee 5 km is below/);
    const dir = join(tmp, "sensors");
    mkdirSync(dir, { recursive: true });
    const rok = readFileSync(join(PROJECT_ROOT, "sensors", "rok.yaml"), "utf8");
    writeFileSync(
      join(dir, "rok.yaml"),
      rok.replace("    updateIntervalS: 2\n", "    updateIntervalS: 2\n    beamWidthDeg: 3\n"),
    );
    const b = await cli("scenario", "run", "2017-08-29", "--sensors", dir);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/rok\.yaml: sensors\[0\]\.beamWidthDeg: unknown field/);
    const c = await cli("scenario", "run", "2017-08-29", "--seed", "-1");
    expect(c.code).toBe(2);
  });

  it("has help", async () => {
    for (const args of [["track"], ["scenario", "run"], ["scenario", "list"]]) {
      const r = await cli(...args, "--help");
      expect(r.code).toBe(0);
      expect(r.out).toContain("Usage: triwatch");
    }
  });
});
