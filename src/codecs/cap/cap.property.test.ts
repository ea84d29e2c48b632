import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Alert, type AlertInput, AlertText, AlertToken } from "../../model/alert.ts";
import { CAP_XSD, xmllintDocuments } from "../testing/xmllint.ts";
import { alertToCap, capToAlert } from "./index.ts";

const tricky = [
  "x & y < z > \"q\" 'a'",
  "]]>",
  " 先程の\nミサイル ",
  "경계경보\t발령",
  "a\u00a0b",
  "😀 emoji",
];
const text = fc
  .oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }), fc.constantFrom(...tricky))
  .filter((s) => AlertText.safeParse(s).success);
const token = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9._:@-]{1,24}$/),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
  )
  .filter((s) => AlertToken.safeParse(s).success);

const offsets = [0, 540, -300, 330, 840, -720, 345];
const time = fc
  .tuple(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), fc.constantFrom(...offsets))
  .map(([ms, off]) => {
    const local = new Date(Math.floor(ms / 1000) * 1000 + off * 60_000).toISOString().slice(0, 19);
    if (off === 0) return `${local}Z`;
    const a = Math.abs(off);
    const hh = String(Math.floor(a / 60)).padStart(2, "0");
    const mm = String(a % 60).padStart(2, "0");
    return `${local}${off < 0 ? "-" : "+"}${hh}:${mm}`;
  });
const lat = fc.integer({ min: -900_000_000, max: 900_000_000 }).map((n) => n / 1e7);
const lon = fc.integer({ min: -1_800_000_000, max: 1_800_000_000 }).map((n) => n / 1e7);
const point = fc.record({ lat, lon });
const ring = fc
  .array(point, { minLength: 3, maxLength: 6 })
  .map((pts) => [...pts, pts[0] as { lat: number; lon: number }]);
const area = fc.record({
  description: text,
  polygons: fc.array(ring, { maxLength: 2 }),
  codes: fc.array(fc.record({ scheme: text, code: text }), { maxLength: 2 }),
});
const info = (language: "ja-JP" | "ko-KR" | "en-US") =>
  fc.record(
    {
      language: fc.constant(language),
      headline: text,
      description: text,
      instruction: text,
      areas: fc.array(area, { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ["language", "headline", "description", "areas"] },
  );
const kind = fc.oneof(
  fc.record({
    system: fc.constant("j-alert" as const),
    type: fc.constantFrom(
      "launch",
      "predicted-impact",
      "impact",
      "overflight",
      "impact-outside-territorial-waters",
      "cancellation",
    ),
  }),
  fc.record(
    {
      system: fc.constant("kr-civil-defence" as const),
      level: fc.constantFrom("경계경보", "공습경보", "경보해제"),
      cellBroadcast: fc.constantFrom("위급재난문자", "긴급재난문자"),
    },
    { requiredKeys: ["system", "level"] },
  ),
  fc.record({
    system: fc.constant("kr-cell-broadcast" as const),
    tier: fc.constantFrom("위급재난문자", "긴급재난문자"),
  }),
);
const basis = fc.record(
  {
    trackId: token,
    asOf: time,
    missileClass: fc.constantFrom("SRBM", "MRBM", "IRBM", "ICBM", "SLV", "unknown"),
    predictedImpact: fc.record({ lat, lon, time }),
    ellipse95: fc.record({
      semiMajorM: fc.double({ min: 0, max: 1e6, noNaN: true }),
      semiMinorM: fc.double({ min: 0, max: 1e6, noNaN: true }),
      orientationDeg: fc.double({ min: 0, max: 180, noNaN: true }),
    }),
    probabilityInArea: fc.double({ min: 0, max: 1, noNaN: true }),
  },
  { requiredKeys: ["trackId"] },
);
const languages = fc.subarray(["ja-JP", "ko-KR", "en-US"] as const, { minLength: 1 });

const alertArb: fc.Arbitrary<Alert> = fc
  .record(
    {
      id: token,
      sender: token,
      issuer: fc.record({ nation: fc.constantFrom("JPN", "KOR", "USA"), authority: text }),
      sent: time,
      status: fc.constantFrom("actual", "exercise", "system", "test", "draft"),
      msgType: fc.constantFrom("alert", "update", "cancel"),
      references: fc.array(fc.record({ sender: token, id: token, sent: time }), {
        minLength: 1,
        maxLength: 3,
      }),
      note: text,
      kind,
      times: fc.record({ launch: time, effective: time, onset: time, expires: time }, { requiredKeys: [] }),
      basis,
      infos: languages.chain((ls) => fc.tuple(...ls.map(info))),
    },
    { requiredKeys: ["id", "sender", "issuer", "sent", "status", "msgType", "references", "kind", "infos"] },
  )
  .map((a) => Alert.parse(a as AlertInput));

describe("CAP codec properties", () => {
  it("every valid alert round-trips through CAP: read back equal, written back identical", () => {
    fc.assert(
      fc.property(alertArb, (alert) => {
        const xml = alertToCap(alert);
        const read = capToAlert(xml);
        if (!read.ok)
          throw new Error(`${read.error.code}: ${read.error.message} at ${read.error.path}\n${xml}`);
        expect(read.alert).toEqual(alert);
        expect(alertToCap(read.alert)).toBe(xml);
      }),
      { numRuns: 200 },
    );
  });

  it("every written alert validates against the CAP 1.2 schema (50 documents, one xmllint run)", () => {
    const docs = fc.sample(alertArb, { numRuns: 50, seed: 20221004 }).map(alertToCap);
    const lint = xmllintDocuments(CAP_XSD, docs);
    expect(lint.output).not.toMatch(/fails to validate/);
    expect(lint.ok).toBe(true);
  });
});
