import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntelReport } from "../../model/item.ts";
import { Topic } from "../../model/label.ts";
import { intelReportToStix, stixToIntelReport } from "./index.ts";
import { stixSchemaErrors } from "./testing/ajv.ts";
import { roundTripForm } from "./testing/expected.ts";

const offsets = ["Z", "+09:00", "-05:00", "+00:00"];
const time = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
    fc.boolean(),
    fc.constantFrom(...offsets),
  )
  .map(([ms, withMs, zone]) => {
    const t = withMs ? ms : Math.floor(ms / 1000) * 1000;
    const shift = zone === "Z" || zone === "+00:00" ? 0 : (zone === "+09:00" ? 9 : -5) * 3_600_000;
    const local = new Date(t + shift).toISOString().slice(0, withMs ? 23 : 19);
    return `${local}${zone}`;
  });
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const lat = fc.integer({ min: -900_000, max: 900_000 }).map((n) => n / 1e4);
const lon = fc.integer({ min: -1_800_000, max: 1_800_000 }).map((n) => n / 1e4);
const party = fc.constantFrom("USA", "KOR", "JPN", "GBR");
const level = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/);
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const attachment = fc.oneof(
  fc.record({
    kind: fc.constant("seismic-event" as const),
    originTime: time,
    lat,
    lon,
    magnitude: fc.double({ min: -2, max: 10, noNaN: true }),
    magnitudeType: fc.constantFrom("mb", "Mw", "ML"),
    agency: text,
  }),
  fc.record(
    {
      kind: fc.constant("indicator" as const),
      pattern: fc.constantFrom("[ipv4-addr:value = '198.51.100.7']", "[domain-name:value = 'c2.example']"),
      patternType: fc.constantFrom("stix" as const, "snort" as const, "yara" as const),
      description: text,
    },
    { requiredKeys: ["kind", "pattern", "patternType"] },
  ),
  fc.record(
    {
      kind: fc.constant("vessel" as const),
      name: text,
      imo: fc.stringMatching(/^\d{7}$/),
      flag: party,
      observedAt: time,
      lat,
      lon,
      activity: text,
    },
    { requiredKeys: ["kind", "name", "observedAt", "lat", "lon", "activity"] },
  ),
  fc.record({ kind: fc.constant("location" as const), name: text, lat, lon }),
);

const report = fc
  .record({
    id: fc.stringMatching(/^[A-Z]{3}-IR-[0-9A-Z-]{1,12}$/),
    originator: party,
    classification: level,
    handling: fc.array(level, { maxLength: 2 }),
    releasableTo: fc.uniqueArray(party, { maxLength: 4 }),
    caveats: fc.subarray(["ORCON", "NOFORN"] as const),
    topics: fc.uniqueArray(fc.constantFrom(...Topic.options), { minLength: 1, maxLength: 3 }),
    approvals: fc.array(fc.record({ to: party, at: time, ref: text }), { maxLength: 2 }),
    producedAt: time,
    title: text,
    body: text,
    attachments: fc.array(attachment, { maxLength: 4 }),
    collection: optional(text),
  })
  .map((r) =>
    IntelReport.parse({
      kind: "intel-report",
      id: r.id,
      label: {
        originator: r.originator,
        classification: r.classification,
        handling: r.handling,
        releasableTo: r.releasableTo,
        caveats: r.caveats,
        topics: r.topics,
        sourceFields: ["collection", "sensor"],
        approvals: r.approvals,
      },
      producedAt: r.producedAt,
      title: r.title,
      body: r.body,
      attachments: r.attachments,
      ...(r.collection === undefined ? {} : { collection: r.collection, sensor: { type: "radar" } }),
    }),
  );

describe("STIX round trip (property)", () => {
  it("every random report exports to a schema-valid bundle and imports back unchanged (sanitised)", () => {
    fc.assert(
      fc.property(report, (r) => {
        const bundle = intelReportToStix(r);
        expect(stixSchemaErrors(bundle)).toEqual([]);
        for (const o of bundle.objects)
          if ("modified" in o) expect(Date.parse(o.modified)).toBeGreaterThanOrEqual(Date.parse(o.created));
        expect(stixToIntelReport(JSON.parse(JSON.stringify(bundle)))).toEqual({
          ok: true,
          report: roundTripForm(r),
        });
      }),
      { numRuns: 150 },
    );
  });
});
