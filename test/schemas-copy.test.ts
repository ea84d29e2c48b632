// The interop schemas are copied into `schemas/` so that the tests need nothing outside the checkout;
// where the original `../shared/schemas` is present, the copy must be the same file for file.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/project.ts";

const COPY = join(PROJECT_ROOT, "schemas");
const ORIGINAL = join(PROJECT_ROOT, "..", "shared", "schemas");

/** Every file under `root`, as paths relative to it, sorted. */
function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(root, path) : [relative(root, path)];
    })
    .sort();
}

describe("schemas/ (copied from ../shared/schemas)", () => {
  it("holds the CAP and CoT XSDs and the GeoJSON and STIX schemas the tests use", () => {
    for (const f of [
      "cap/CAP-v1.2.xsd",
      "cot/CoT-Base-Event-PUBLIC.xsd",
      "geojson/GeoJSON.json",
      "README.md",
    ])
      expect(existsSync(join(COPY, f)), f).toBe(true);
    expect(filesUnder(join(COPY, "stix2.1")).length).toBeGreaterThan(50);
  });

  it.skipIf(!existsSync(ORIGINAL))("is the same, file for file, as the original beside the checkout", () => {
    const original = filesUnder(ORIGINAL);
    expect(filesUnder(COPY)).toEqual(original);
    for (const f of original)
      expect(readFileSync(join(COPY, f)).equals(readFileSync(join(ORIGINAL, f))), f).toBe(true);
  });
});
