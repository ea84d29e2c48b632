// `triwatch stix export|import` and `triwatch geojson`: the files they write validate against the shared
// schemas (Ajv), round-trip with the fixtures, and bad input is refused with exit status 2 and a message
// naming the file and what is wrong.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../../test/helpers/cli.ts";
import type { FeatureCollection } from "../codecs/geojson/index.ts";
import { geoJsonProblems } from "../codecs/geojson/testing.ts";
import { stixSchemaErrors } from "../codecs/stix/testing/ajv.ts";
import { roundTripForm } from "../codecs/stix/testing/expected.ts";
import { PROJECT_ROOT } from "../config/project.ts";
import { IntelReport } from "../model/item.ts";

const ex = (name: string) => join(PROJECT_ROOT, "examples", `${name}.json`);
const fixture = (name: string) => join(PROJECT_ROOT, "src/codecs/stix/fixtures", name);
const tmp = mkdtempSync(join(tmpdir(), "triwatch-interop-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const read = (f: string): unknown => JSON.parse(readFileSync(f, "utf8"));

describe("triwatch stix export / import", () => {
  it("exports an intelligence report as a bundle that validates against the STIX 2.1 schemas (the fixture)", async () => {
    const out = join(tmp, "nuclear.bundle.json");
    const r = await cli("stix", "export", ex("intel-nuclear-test"), "--out", out);
    expect(r.code, r.err).toBe(0);
    const bundle = read(out) as { objects: { type: string; id: string }[] };
    expect(stixSchemaErrors(bundle)).toEqual([]);
    expect(bundle).toEqual(read(fixture("nuclear-test.bundle.json")));
    expect(bundle.objects.map((o) => o.type)).toContain("marking-definition");
  });

  it("imports the bundle back to the report (label from the marking, sources and methods gone)", async () => {
    const r = await cli("stix", "import", fixture("nuclear-test.bundle.json"));
    expect(r.code, r.err).toBe(0);
    const report = IntelReport.parse(JSON.parse(r.out));
    expect(report).toEqual(roundTripForm(IntelReport.parse(read(ex("intel-nuclear-test")))));
    expect(report.label).toMatchObject({ originator: "KOR", classification: "II" });
  });

  it("refuses a bundle marked with TLP only: it cannot map to a national label", async () => {
    const r = await cli("stix", "import", fixture("tlp-only.bundle.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/tlp-only\.bundle\.json: .*STIX_MARKING: .*TLP colour is not a classification/);
  });

  it("refuses a bundle with an object of a type Triwatch does not carry, naming the object", async () => {
    const bundle = read(fixture("nuclear-test.bundle.json")) as { objects: Record<string, unknown>[] };
    const malware = {
      ...bundle.objects[1],
      type: "malware",
      id: "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
    };
    bundle.objects.push(malware);
    const f = join(tmp, "malware.bundle.json");
    writeFileSync(f, JSON.stringify(bundle));
    const r = await cli("stix", "import", f);
    expect(r.code).toBe(2);
    expect(r.err).toContain("STIX_UNKNOWN_TYPE");
    expect(r.err).toContain(malware.id);
  });

  it("refuses malformed JSON, a missing file, a non-bundle and a track report, with status 2", async () => {
    const broken = join(tmp, "broken.json");
    writeFileSync(broken, '{"type": "bundle", ');
    const a = await cli("stix", "import", broken);
    expect(a.code).toBe(2);
    expect(a.err).toContain("broken.json");
    const b = await cli("stix", "import", join(tmp, "absent.json"));
    expect(b.code).toBe(2);
    expect(b.err).toContain("no such file");
    const c = await cli("stix", "import", ex("intel-nuclear-test"));
    expect(c.code).toBe(2);
    expect(c.err).toContain("STIX_NOT_BUNDLE");
    const d = await cli("stix", "export", ex("jpn-track-report"));
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/jpn-track-report\.json: kind: a track report does not go to STIX/);
    const e = await cli("stix", "export", ex("intel-nuclear-test"), "--modified", "yesterday");
    expect(e.code).toBe(2);
    expect(e.err).toContain("--modified yesterday");
  });
});

describe("triwatch geojson", () => {
  it("writes a scenario run's tracks, ellipses, warning areas and sensor coverage as valid GeoJSON", async () => {
    const out = join(tmp, "2022-10-04.geojson");
    const r = await cli("geojson", "2022-10-04", "--out", out);
    expect(r.code, r.err).toBe(0);
    const fc = read(out) as FeatureCollection;
    expect(geoJsonProblems(fc)).toEqual([]);
    const roles = new Set(fc.features.map((f) => `${f.properties.layer}/${f.properties.role}`));
    for (const role of [
      "track/trajectory",
      "track/impact-ellipse-95",
      "warning/alert-area",
      "coverage/sensor-coverage",
    ])
      expect(roles).toContain(role);
    // Longitude first: the Hwasong-12's trajectory runs east from North Korea (lon ≈ 126°, lat ≈ 40°).
    const path = fc.features.find((f) => f.properties.role === "trajectory" && f.properties.nation === "JPN");
    const first = path?.geometry?.type === "LineString" ? path.geometry.coordinates[0] : undefined;
    expect(first?.[0]).toBeGreaterThan(120);
    expect(first?.[1]).toBeLessThan(50);
    // J-Alert's areas are there, with their geocodes.
    const jalert = fc.features.filter(
      (f) => f.properties.layer === "warning" && f.properties.nation === "JPN",
    );
    expect(jalert.map((f) => f.properties.areaDesc)).toContain("青森県");
    // Sensor coverage is approximate and says so; no sensor type leaves in a track feature.
    expect(
      fc.features.filter((f) => f.properties.layer === "coverage").every((f) => f.properties.approximate),
    ).toBe(true);
    expect(JSON.stringify(fc.features.filter((f) => f.properties.layer === "track"))).not.toContain("radar");
  });

  it("refuses an unknown scenario and a bad option with status 2", async () => {
    const a = await cli("geojson", "1999-01-01", "--out", join(tmp, "x.geojson"));
    expect(a.code).toBe(2);
    expect(a.err).toContain('unknown scenario "1999-01-01"');
    const b = await cli("geojson", "2022-10-04", "--out", join(tmp, "x.geojson"), "--nation", "PRK");
    expect(b.code).toBe(2);
    expect(b.err).toContain("--nation PRK");
  });
});
