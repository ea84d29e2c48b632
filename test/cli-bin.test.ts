// The installed entry point, run as a user runs it: a separate Node process, real exit status.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/project.ts";

const bin = join(PROJECT_ROOT, "bin", "triwatch.mjs");
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: PROJECT_ROOT });

describe("bin/triwatch.mjs", () => {
  it("answers a policy question with exit status 0", () => {
    const r = run(
      "policy",
      "explain",
      "examples/intel-nuclear-test.json",
      "--from",
      "KOR",
      "--to",
      "JPN",
      "--via",
      "USA",
      "--at",
      "2016-01-10",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("PERMIT under tisa-2014");
  });
  it("exits with status 2 and a message naming the field on bad input", () => {
    const r = run(
      "policy",
      "explain",
      "examples/intel-nuclear-test.json",
      "--from",
      "KOR",
      "--to",
      "JPN",
      "--at",
      "yesterday",
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--at");
  });
  it("demo refuses an unknown scenario with exit status 2 (the running demo: test/server-demo-bin.test.ts)", () => {
    const r = run("demo", "--scenario", "1999-01-01", "--port", "0");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--scenario: no scenario 1999-01-01");
  });
});
