import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TrackReport } from "../../model/item.ts";
import { COT_XSD, xmllintDocuments } from "../testing/xmllint.ts";
import { CotEvent, cotToXml, trackReportToCot, xmlToCot } from "./index.ts";

/** The part of @tak-ps/node-cot this test uses. The package ships TypeScript sources as its types, which
 * do not compile under this project's strict options, so it is imported by a specifier tsc does not follow. */
interface NodeCot {
  new (
    xml: string,
  ): {
    raw: { event: { _attributes: Record<string, string> } };
    to_geojson(): { geometry: { type: string; coordinates: number[] } };
  };
}
const NODE_COT: string = "@tak-ps/node-cot";
const { default: CoT } = (await import(NODE_COT)) as { default: NodeCot };

/** The 2022-10-04 overflight as a track report (illustrative numbers near the published ones). */
const report = TrackReport.parse({
  kind: "track-report",
  id: "JPN-R-1",
  label: {
    originator: "JPN",
    classification: "HI",
    releasableTo: ["USA", "KOR"],
    topics: ["missile-warning"],
  },
  asOf: "2022-10-03T22:28:30Z",
  eventId: "PRK-2022-10-04",
  trackId: "JPN-T7",
  launch: { lat: 40.6, lon: 126.4, time: "2022-10-03T22:22:00Z", uncertaintyM: 3000, timeUncertaintyS: 10 },
  trajectory: [
    { time: "2022-10-03T22:28:00Z", lat: 40.9, lon: 139.9, altM: 950_000 },
    { time: "2022-10-03T22:28:30Z", lat: 40.95, lon: 140.8, altM: 960_000 },
  ],
  impact: {
    lat: 39.5,
    lon: 180,
    time: "2022-10-03T22:44:00Z",
    ellipse95: { semiMajorM: 90_000, semiMinorM: 30_000, orientationDeg: 85 },
  },
  missileClass: "IRBM",
  sensor: { type: "radar", id: "JP-FPS-5" },
});
const events = trackReportToCot(report, { now: "2022-10-03T22:28:31Z" });

describe("track report → CoT events", () => {
  it("gives the track, launch point, predicted impact point and impact ellipse", () => {
    expect(events.map((e) => [e.uid, e.type, e.how])).toEqual([
      ["triwatch.PRK-2022-10-04.JPN-T7", "a-h-A-W-M-S-S", "m-f"],
      ["triwatch.PRK-2022-10-04.JPN-T7.launch", "b-m-p", "m-f"],
      ["triwatch.PRK-2022-10-04.JPN-T7.impact", "b-m-p", "m-p"],
      ["triwatch.PRK-2022-10-04.JPN-T7.impact-ellipse", "u-d-c-e", "m-p"],
    ]);
    const [track, launch, impact, ellipse] = events;
    expect(track?.point).toMatchObject({ lat: 40.95, lon: 140.8, hae: 960_000 });
    expect(track?.start).toBe("2022-10-03T22:28:30.000Z");
    expect(track?.stale).toBe("2022-10-03T22:29:00.000Z");
    expect(track?.detail?.track?.course).toBeGreaterThan(80);
    expect(track?.detail?.track?.course).toBeLessThan(90);
    expect(launch?.point).toMatchObject({ lat: 40.6, lon: 126.4, ce: 3000 });
    expect(impact?.stale).toBe("2022-10-03T22:54:00.000Z");
    expect(ellipse?.detail?.ellipse).toEqual({ major: 90_000, minor: 30_000, angle: 85 });
    expect(ellipse?.detail?.links).toEqual([
      { uid: "triwatch.PRK-2022-10-04.JPN-T7", type: "a-h-A-W-M-S-S", relation: "p-p" },
    ]);
  });

  it("writes no sensor disclosure", () => {
    const xml = events.map((e) => cotToXml(e)).join("");
    expect(xml).not.toContain("JP-FPS-5");
    expect(xml).not.toContain("radar");
  });

  it("uses the space-launch-vehicle atom for an SLV", () => {
    const slv = trackReportToCot({ ...report, missileClass: "SLV" }, { now: "2022-10-03T22:28:31Z" });
    expect(slv[0]?.type).toBe("a-h-A-W-M-S");
  });
});

describe("CoT XML", () => {
  it("is one line without namespace, with how and zoned times, and reads back equal", () => {
    for (const e of events) {
      const xml = cotToXml(e);
      expect(xml).not.toContain("\n");
      expect(xml).not.toContain("xmlns");
      expect(xml).toMatch(/how="m-[fp]"/);
      expect(xmlToCot(xml)).toEqual({ ok: true, event: e });
    }
  });

  it("validates against the CoT base event schema", () => {
    const lint = xmllintDocuments(
      COT_XSD,
      events.map((e) => cotToXml(e)),
    );
    expect(lint.output).not.toMatch(/fails to validate/);
    expect(lint.ok).toBe(true);
    const noHow = cotToXml(events[0] as CotEvent).replace(/ how="[^"]*"/, "");
    expect(xmllintDocuments(COT_XSD, [noHow]).ok).toBe(false);
  });

  it("is readable by @tak-ps/node-cot (a lenient reader: this is not validation)", () => {
    for (const e of events) {
      const cot = new CoT(cotToXml(e));
      expect(cot.raw.event._attributes.uid).toBe(e.uid);
      expect(cot.raw.event._attributes.type).toBe(e.type);
      const feature = cot.to_geojson();
      expect(feature.geometry.type).toBe("Point");
      expect(feature.geometry.coordinates.slice(0, 2)).toEqual([e.point.lon, e.point.lat]);
    }
  });

  it("refuses what node-cot would accept: a missing uid or how, a time without a zone, a namespace", () => {
    const xml = cotToXml(events[0] as CotEvent);
    expect(xmlToCot(xml.replace(/ uid="[^"]*"/, ""))).toMatchObject({
      ok: false,
      error: { code: "COT_INVALID" },
    });
    expect(xmlToCot(xml.replace(/ how="[^"]*"/, ""))).toMatchObject({
      ok: false,
      error: { code: "COT_INVALID" },
    });
    expect(
      xmlToCot(xml.replace('time="2022-10-03T22:28:31.000Z"', 'time="2022-10-03T22:28:31"')),
    ).toMatchObject({
      ok: false,
      error: { code: "COT_INVALID", message: /time/ },
    });
    expect(xmlToCot(xml.replace("<event ", '<event xmlns="urn:x" '))).toMatchObject({
      ok: false,
      error: { code: "COT_NOT_EVENT" },
    });
  });

  it("refuses hostile documents (DOCTYPE, entities, oversize)", () => {
    const xml = cotToXml(events[0] as CotEvent, { declaration: false });
    const xxe = `<!DOCTYPE event [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace('JPN-T7"', '&x;"')}`;
    expect(xmlToCot(xxe)).toMatchObject({ ok: false, error: { code: "XML_DOCTYPE" } });
    expect(xmlToCot(xml, { maxBytes: 100, maxDepth: 32 })).toMatchObject({
      ok: false,
      error: { code: "XML_TOO_LARGE" },
    });
  });

  it("reads other writers' precision by rounding to what it writes", () => {
    const xml = cotToXml(events[0] as CotEvent).replace('lat="40.95"', 'lat="40.950000001234"');
    const r = xmlToCot(xml);
    expect(r.ok && r.event.point.lat).toBe(40.95);
  });

  it("round-trips random events (property)", () => {
    const time = fc
      .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) })
      .map((ms) => new Date(ms).toISOString());
    const dec = (min: number, max: number, digits: number) =>
      fc.integer({ min: min * 10 ** digits, max: max * 10 ** digits }).map((n) => n / 10 ** digits);
    const word = fc.stringMatching(/^[A-Za-z0-9]+$/);
    const event = fc.record({
      uid: fc.string({ minLength: 1 }).filter((s) => CotEvent.shape.uid.safeParse(s).success),
      type: fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join("-")),
      how: fc.constantFrom("m-f", "m-p", "m-r", "h-e"),
      time,
      start: time,
      stale: time,
      point: fc.record({
        lat: dec(-90, 90, 7),
        lon: dec(-180, 180, 7),
        hae: dec(-1e4, 1e7, 2),
        ce: dec(0, 9_999_999, 2),
        le: dec(0, 9_999_999, 2),
      }),
      detail: fc.record({
        contact: fc.record({ callsign: fc.string({ minLength: 1, maxLength: 20 }) }),
        remarks: fc.string({ maxLength: 40 }),
        links: fc.array(fc.record({ uid: word, type: word, relation: fc.constant("p-p") }), { maxLength: 2 }),
        ellipse: fc.record({ major: dec(0, 1e6, 2), minor: dec(0, 1e6, 2), angle: dec(0, 360, 2) }),
      }),
    });
    const valid = event.filter((e) => CotEvent.safeParse(e).success).map((e) => CotEvent.parse(e));
    fc.assert(
      fc.property(valid, (e) => {
        expect(xmlToCot(cotToXml(e))).toEqual({ ok: true, event: e });
      }),
      { numRuns: 150 },
    );
    const lint = xmllintDocuments(
      COT_XSD,
      fc.sample(valid, { numRuns: 30, seed: 7 }).map((e) => cotToXml(e)),
    );
    expect(lint.output).not.toMatch(/fails to validate/);
    expect(lint.ok).toBe(true);
  });
});
