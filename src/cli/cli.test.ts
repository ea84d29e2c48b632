import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../../test/helpers/cli.ts";
import { PROJECT_ROOT } from "../config/project.ts";

const ex = (name: string) => join(PROJECT_ROOT, "examples", `${name}.json`);
const tmp = mkdtempSync(join(tmpdir(), "triwatch-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
};

describe("triwatch agreements status", () => {
  it("prints every agreement's status at a moment, as a table and as JSON", async () => {
    const table = await cli("agreements", "status", "--at", "2019-11-23T12:00:00+09:00");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/jpn-kor-gsomia-2016\s+notice-suspended\s+yes/);
    const json = await cli("agreements", "status", "--at", "2023-12-18T12:00:00+09:00", "--json");
    const parsed = JSON.parse(json.out) as {
      agreements: { id: string; status: string; operative: boolean }[];
    };
    expect(parsed.agreements.find((a) => a.id === "rtwm-2023")).toMatchObject({
      status: "not-yet-in-force",
      operative: false,
    });
    expect(parsed.agreements).toHaveLength(5);
  });

  it("defaults to now and takes parameter overrides", async () => {
    const r = await cli("agreements", "status", "--json", "--set", "usa-kor-1987.topSecretTier=true");
    const parsed = JSON.parse(r.out) as { at: string; agreements: { id: string; ceiling: string }[] };
    expect(parsed.at).toBe("2026-01-01T00:00:00.000Z");
    expect(parsed.agreements.find((a) => a.id === "usa-kor-1987")?.ceiling).toBe("TOP SECRET");
  });

  it("refuses impossible dates and unknown parameters with exit status 2", async () => {
    const bad = await cli("agreements", "status", "--at", "2023-02-30");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--at");
    const unknown = await cli("agreements", "status", "--set", "usa-kor-1987.nope=true");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown parameter "nope"');
  });
});

describe("triwatch policy explain", () => {
  it("explains a denial and lists the routes that would be permitted", async () => {
    const r = await cli("policy", "explain", ex("rok-track-report"), "--from", "KOR", "--to", "JPN");
    expect(r.code).toBe(0);
    expect(r.out).toContain("DENY");
    expect(r.out).toContain("NOT_IN_FORCE: not-yet-in-force");
    expect(r.out).toMatch(
      /Routes that would be permitted:\n\s+direct, deferred: jpn-kor-gsomia-2016\n\s+via USA, deferred: tisa-2014/,
    );
  });

  it("explains a permit with the markings and removed fields", async () => {
    const r = await cli(
      "policy",
      "explain",
      ex("rok-track-report"),
      "--from",
      "KOR",
      "--to",
      "JPN",
      "--via",
      "USA",
      "--at",
      "2023-12-19T23:27:30Z",
      "--json",
    );
    const parsed = JSON.parse(r.out) as { decision: { outcome: string; route: string[] } };
    // Released two days after the flight ended: the mechanism shares only from launch to impact.
    expect(parsed.decision.outcome).toBe("deny");
    const inWindow = await cli("policy", "explain", ex("usa-track-report"), "--from", "USA", "--to", "JPN");
    expect(inWindow.out).toContain("PERMIT under usa-jpn-gsomia-2007");
    expect(inWindow.out).toContain("removed before release: sensor");
  });

  it("names the file and field of a malformed item", async () => {
    const missing = await cli("policy", "explain", join(tmp, "none.json"), "--from", "KOR", "--to", "JPN");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("none.json: no such file");
    const malformed = await cli(
      "policy",
      "explain",
      write("bad.json", "{ not json"),
      "--from",
      "KOR",
      "--to",
      "JPN",
    );
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain("malformed JSON");
    const item = JSON.parse(readFileSync(ex("rok-track-report"), "utf8"));
    item.label.releasableTo = ["USA", "japan"];
    const badParty = await cli(
      "policy",
      "explain",
      write("badparty.json", JSON.stringify(item)),
      "--from",
      "KOR",
      "--to",
      "JPN",
    );
    expect(badParty.code).toBe(2);
    expect(badParty.err).toMatch(/badparty\.json: label\.releasableTo\[1\]: an ISO 3166-1 alpha-3 trigraph/);
    item.label.releasableTo = ["USA"];
    item.label.colour = "red";
    const extra = await cli(
      "policy",
      "explain",
      write("extra.json", JSON.stringify(item)),
      "--from",
      "KOR",
      "--to",
      "JPN",
    );
    expect(extra.err).toMatch(/extra\.json: label: unknown field colour/);
    item.label.colour = undefined;
    item.asOf = "2023-12-32T00:00:00Z";
    const badDate = await cli(
      "policy",
      "explain",
      write("baddate.json", JSON.stringify(item)),
      "--from",
      "KOR",
      "--to",
      "JPN",
    );
    expect(badDate.err).toMatch(/baddate\.json: asOf: .*has no day 32/);
  });

  it("refuses unknown parties and channels", async () => {
    const r = await cli("policy", "explain", ex("rok-track-report"), "--from", "KOR", "--to", "PRK");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--to PRK: unknown party (known: JPN, KOR, USA)");
    const c = await cli(
      "policy",
      "explain",
      ex("rok-track-report"),
      "--from",
      "KOR",
      "--to",
      "JPN",
      "--channel",
      "fax",
    );
    expect(c.code).toBe(2);
    const missing = await cli("policy", "explain", ex("rok-track-report"), "--from", "KOR");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("--to");
  });
});

describe("help", () => {
  it.each([
    [[]],
    [["agreements", "status"]],
    [["policy", "explain"]],
    [["demo"]],
    [["track"]],
    [["scenario", "list"]],
    [["scenario", "run"]],
    [["keys", "init"]],
  ])("%j --help", async (args) => {
    const r = await cli(...args, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: triwatch");
  });
});

describe("triwatch keys init", () => {
  it("writes private files readable only by the owner and public bundles, and refuses to overwrite", async () => {
    const dir = join(tmp, "keys");
    const r = await cli("keys", "init", "--dir", dir, "--node", "JSDF", "ROK_KTMO_CELL");
    expect(r.code).toBe(0);
    expect(statSync(join(dir, "JSDF.private.jwk.json")).mode & 0o777).toBe(0o600);
    const bundles = JSON.parse(readFileSync(join(dir, "public-bundles.json"), "utf8")) as { node: string }[];
    expect(bundles.map((b) => b.node)).toEqual(["JSDF", "ROK_KTMO_CELL"]);
    expect(readFileSync(join(dir, "JSDF.public.jwk.json"), "utf8")).not.toContain('"d"');
    const again = await cli("keys", "init", "--dir", dir, "--node", "JSDF");
    expect(again.code).toBe(2);
    expect(again.err).toContain("--force");
    const unknown = await cli("keys", "init", "--dir", dir, "--node", "PYONGYANG");
    expect(unknown.code).toBe(2);
  });
});
