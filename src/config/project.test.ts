import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "./files.ts";
import { DEFAULT_PATHS, loadProject } from "./project.ts";

const tmp = mkdtempSync(join(tmpdir(), "triwatch-project-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the project's data in which one agreement file is replaced by `edit` of its text. */
function withAgreement(name: string, edit: (text: string) => string) {
  const dir = mkdtempSync(join(tmp, "data-"));
  cpSync(DEFAULT_PATHS.agreementsDir, join(dir, "agreements"), { recursive: true });
  const file = join(dir, "agreements", name);
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  return { ...DEFAULT_PATHS, agreementsDir: join(dir, "agreements") };
}

function loadError(paths: typeof DEFAULT_PATHS): InputError {
  try {
    loadProject(paths);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("loading the agreement files", () => {
  it("loads the real data", () => {
    const p = loadProject();
    expect(p.agreements.map((a) => a.id).sort()).toEqual([
      "jpn-kor-gsomia-2016",
      "rtwm-2023",
      "tisa-2014",
      "usa-jpn-gsomia-2007",
      "usa-kor-1987",
    ]);
    expect(p.topology.nodes).toHaveLength(5);
  });

  it("names the file and field of an unknown field", () => {
    const e = loadError(
      withAgreement("tisa-2014.yaml", (t) =>
        t.replace("legallyBinding: false", "legallyBinding: false\nbinding: maybe"),
      ),
    );
    expect(e.message).toMatch(/tisa-2014\.yaml: .*unknown field binding/);
  });

  it("names the file and event of an impossible date", () => {
    const e = loadError(
      withAgreement("jpn-kor-gsomia-2016.yaml", (t) => t.replace('at: "2019-08-23"', 'at: "2019-02-30"')),
    );
    expect(e.file).toContain("jpn-kor-gsomia-2016.yaml");
    expect(e.message).toMatch(/events\[\d\]\.at: .*has no day 30/);
  });

  it("names the file and event of an impossible history", () => {
    const e = loadError(
      withAgreement("jpn-kor-gsomia-2016.yaml", (t) =>
        t.replace("type: termination-noticed", "type: signed"),
      ),
    );
    expect(e.message).toMatch(
      /jpn-kor-gsomia-2016\.yaml: events\[3\]\.type: notice suspended while in-force/,
    );
  });

  it("names the file of malformed YAML", () => {
    const e = loadError(withAgreement("rtwm-2023.yaml", (t) => `${t}\n  - [unclosed`));
    expect(e.file).toContain("rtwm-2023.yaml");
  });
});
