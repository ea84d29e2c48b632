// The what-if HTML report: well-formed (read back by the project's strict XML reader), self-contained,
// and carrying the figures and tables of the comparison it was made from.
import { describe, expect, it } from "vitest";
import type { XmlElement } from "../codecs/xml/parse.ts";
import { actualEvents, allEvents, fixtureRun, parseReport } from "./whatif.fixture.ts";
import { compareVariants } from "./whatif.ts";
import { escapeXml, renderWhatIfHtml } from "./whatif-html.ts";

const SVG = "http://www.w3.org/2000/svg";
const XHTML = "http://www.w3.org/1999/xhtml";

/** Every element of a tree, depth first. */
function walk(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(walk)];
}
/** All text under an element. */
function textOf(e: XmlElement): string {
  return e.text + e.children.map(textOf).join("");
}

describe("renderWhatIfHtml", () => {
  const c = compareVariants([
    fixtureRun("actual", actualEvents(), "as it was <with> GSOMIA & co"),
    fixtureRun("all", allEvents()),
  ]);
  const html = renderWhatIfHtml(c);
  const root = parseReport(html);
  const elements = walk(root);
  const byId = (id: string) => elements.find((e) => e.attributes.id === id);

  it("is a well-formed XHTML document with a title", () => {
    expect(html.startsWith("<!DOCTYPE html>\n")).toBe(true);
    expect(root).toMatchObject({ uri: XHTML, name: "html" });
    expect(textOf(elements.find((e) => e.name === "title") as XmlElement)).toBe(
      "What-if: fixture-2016 — Fixture: two MRBMs",
    );
  });

  it("needs nothing from outside: no script, stylesheet link, image or external reference", () => {
    expect(elements.some((e) => ["script", "link", "img", "iframe", "object"].includes(e.name))).toBe(false);
    expect(elements.some((e) => Object.values(e.attributes).some((v) => /^(https?:)?\/\//.test(v)))).toBe(
      false,
    );
  });

  it("draws a timeline per variant with the first events of each nation", () => {
    const actual = byId("timeline-actual");
    const all = byId("timeline-all");
    expect(actual).toMatchObject({ uri: SVG, name: "svg" });
    expect(all).toMatchObject({ uri: SVG, name: "svg" });
    const titles = (svg: XmlElement) =>
      walk(svg)
        .filter((e) => e.name === "title")
        .map(textOf);
    expect(titles(all as XmlElement)).toContain(
      "Japan: first KOR track +44 s at JSDF, path ROK_KTMO_CELL → JSDF",
    );
    expect(titles(actual as XmlElement).some((t) => t.startsWith("Japan: first KOR track"))).toBe(false);
    expect(titles(actual as XmlElement)).toContain(
      "Japan: J-Alert: launch (alert) +120 s — J-Alert: launch <test> & co",
    );
    // The axis ends a little after the last first event; the impacts, later, are named at its edge.
    expect(textOf(actual as XmlElement)).toContain(
      "beyond the axis: MRBM-1 impact +560 s; MRBM-2 impact +570 s; Republic of Korea: 1 later warning message; Japan: 1 later warning message →",
    );
    expect(textOf(actual as XmlElement)).toContain("140 s");
    expect(textOf(actual as XmlElement)).not.toContain("160 s");
  });

  it("draws an impact-error plot per nation with a line per variant", () => {
    for (const nation of ["JPN", "KOR", "USA"]) {
      const svg = byId(`error-${nation}`);
      expect(svg, nation).toMatchObject({ uri: SVG, name: "svg" });
      const lines = walk(svg as XmlElement).filter((e) => e.name === "polyline");
      expect(lines.map((l) => textOf(l))).toEqual(
        c.variants.map((v) => `${v.nations.find((n) => n.nation === nation)?.name} under ${v.id}`),
      );
      for (const l of lines) expect((l.attributes.points ?? "").split(" ").length).toBeGreaterThan(1);
    }
  });

  it("tabulates the firsts, the agreements and links in force, and the releases per variant", () => {
    const firsts = textOf(byId("firsts") as XmlElement);
    expect(firsts).toContain("KOR +44 s (ROK→JSDF)");
    const agreements = byId("agreements") as XmlElement;
    expect(
      walk(agreements)
        .filter((e) => e.name === "th")
        .map(textOf),
    ).toEqual(["agreement", "actual", "all"]);
    expect(textOf(byId("links") as XmlElement)).toContain("enabled (usa-kor-1987)");
    expect(textOf(byId("releases") as XmlElement)).toContain("usa-jpn-gsomia-2007");
    expect(textOf(byId("denials") as XmlElement)).toContain("NOT_IN_FORCE (rtwm-2023)");
  });

  it("shows the generated summaries, escaped", () => {
    const text = textOf(root);
    for (const s of c.variants.flatMap((v) => v.summary)) expect(text).toContain(s);
    expect(text).toContain("as it was <with> GSOMIA & co");
    expect(html).toContain("as it was &lt;with&gt; GSOMIA &amp; co");
  });

  it("names, in the legend, a variant whose curve is the baseline's (the lines would hide each other)", () => {
    const legend = (html: string, nation: string) => {
      const svg = walk(parseReport(html)).find((e) => e.attributes.id === `error-${nation}`);
      return walk(svg as XmlElement)
        .filter((e) => e.name === "text")
        .map(textOf);
    };
    const same = renderWhatIfHtml(
      compareVariants([fixtureRun("actual", actualEvents()), fixtureRun("no-gsomia", actualEvents())]),
    );
    expect(legend(same, "JPN")).toContain("no-gsomia (= actual)");
    expect(legend(html, "JPN")).toContain("all");
    expect(legend(html, "JPN").some((t) => t.includes("(= actual)"))).toBe(false);
  });

  it("escapes the five XML specials", () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;",
    );
  });
});
