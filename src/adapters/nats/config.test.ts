import { describe, expect, it } from "vitest";
import { loadFile } from "../../config/files.ts";
import { DEFAULT_PATHS } from "../../config/project.ts";
import { Topology } from "../../model/topology.ts";
import { LinkGraph } from "../transport-links.ts";
import { accountsBlock, nodePermissions } from "./config.ts";

const topology = loadFile(DEFAULT_PATHS.topologyFile, Topology);
const passwords = new Map(
  [...topology.nodes.map((n) => n.id), "admin-usa", "admin-kor", "admin-jpn"].map((u) => [u, `pw-${u}`]),
);

/** Order-free comparison of export or import lists. */
const bySubject = (list: readonly unknown[] | undefined): string[] =>
  (list ?? []).map((x) => JSON.stringify(x)).sort();

describe("generated NATS accounts", () => {
  it("puts each node in its party's account and exports/imports exactly the cross-party links", () => {
    const acc = accountsBlock(topology, passwords);
    expect(Object.keys(acc).sort()).toEqual(["JPN", "KOR", "USA"]);
    expect(acc.USA?.users.map((u) => u.user)).toEqual([
      "admin-usa",
      "USFK_TMO_CELL",
      "INDOPACOM_LINK_CTRL_HI",
      "USFJ_C4I",
    ]);
    expect(bySubject(acc.KOR?.exports)).toEqual(
      bySubject([
        { stream: "tw.ROK_KTMO_CELL.USFK_TMO_CELL.track", accounts: ["USA"] },
        { service: "tw.USFK_TMO_CELL.ROK_KTMO_CELL.report", accounts: ["USA"] },
        { stream: "tw.ROK_KTMO_CELL.JSDF.track", accounts: ["JPN"] },
        { service: "tw.JSDF.ROK_KTMO_CELL.report", accounts: ["JPN"] },
      ]),
    );
    expect(bySubject(acc.JPN?.imports)).toEqual(
      bySubject([
        { service: { account: "USA", subject: "tw.JSDF.USFJ_C4I.report" } },
        { stream: { account: "USA", subject: "tw.USFJ_C4I.JSDF.track" } },
        { service: { account: "KOR", subject: "tw.JSDF.ROK_KTMO_CELL.report" } },
        { stream: { account: "KOR", subject: "tw.ROK_KTMO_CELL.JSDF.track" } },
      ]),
    );
    // Links inside the US account cross no account boundary.
    const usaSubjects = JSON.stringify([acc.USA?.exports, acc.USA?.imports]);
    expect(usaSubjects).not.toMatch(/INDOPACOM/);
  });

  it("without the GSOMIA link, Korea and Japan exchange nothing directly", () => {
    const noGsomia = {
      ...topology,
      links: topology.links.filter((l) => l.agreements[0] !== "jpn-kor-gsomia-2016"),
    };
    const acc = accountsBlock(noGsomia, passwords);
    expect(JSON.stringify(acc.KOR)).not.toMatch(/JPN|JSDF/);
    expect(JSON.stringify(acc.JPN)).not.toMatch(/KOR|ROK/);
  });

  it("gives a node publish rights only on its own links and its own report stream", () => {
    const p = nodePermissions(new LinkGraph(topology), "JSDF");
    const tw = p.publish.allow.filter((s) => s.startsWith("tw."));
    expect(tw.sort()).toEqual(
      [
        "tw.JSDF.ROK_KTMO_CELL.report",
        "tw.JSDF.ROK_KTMO_CELL.track",
        "tw.JSDF.USFJ_C4I.report",
        "tw.JSDF.USFJ_C4I.track",
      ].sort(),
    );
    expect(
      p.publish.allow
        .filter((s) => s.startsWith("$JS") && s !== "$JS.API.INFO")
        .every((s) => s.includes("TW_IN_JSDF")),
    ).toBe(true);
    expect(p.subscribe.allow.sort()).toEqual(
      ["_INBOX_JSDF.>", "tw.ROK_KTMO_CELL.JSDF.track", "tw.USFJ_C4I.JSDF.track"].sort(),
    );
  });
});
