// RFC 8785 canonicalisation against the reference test data of cyberphone/json-canonicalization
// (testdata/input/*.json → testdata/output/*.json: values.json at commit 1e2733fc…, structures.json at
// 72a2163b…, weird.json at 77917fbd…), plus what I-JSON forbids.
import { describe, expect, it } from "vitest";
import { AuditError } from "./hash.ts";
import { canonicalBytes, canonicalJson, type JsonValue } from "./jcs.ts";

const CASES: { name: string; input: string; output: string }[] = [
  {
    name: "values",
    input: String.raw`{
  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
  "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`,
    output: String.raw`{"escaping":"€$\u000f\nA'B\"\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}`,
  },
  {
    name: "structures",
    input: String.raw`{
  "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0},
  "10": { },
  "": "empty",
  "a": { },
  "111": [ { } ],
  "A": { }
}`,
    output: String.raw`{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}`,
  },
  {
    name: "weird (sorting by UTF-16 code units)",
    input: String.raw`{
  "\u20ac": "Euro Sign",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}`,
    output:
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😂":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  },
];

describe("canonicalJson (RFC 8785)", () => {
  it.each(CASES)("matches the reference output: $name", ({ input, output }) => {
    expect(canonicalJson(JSON.parse(input) as JsonValue)).toBe(output);
  });

  it("writes ECMAScript number forms (RFC 8785 appendix B samples)", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [-0, "0"],
      [1e21, "1e+21"],
      [1e-7, "1e-7"],
      [123456789012345680000, "123456789012345680000"],
      [5e-324, "5e-324"],
      [-1.7976931348623157e308, "-1.7976931348623157e+308"],
      [9007199254740992, "9007199254740992"],
      [0.000001, "0.000001"],
    ];
    for (const [n, text] of cases) expect(canonicalJson(n)).toBe(text);
  });

  it("is independent of key insertion order and leaves out undefined properties", () => {
    expect(canonicalJson({ b: 1, a: [true, null], c: undefined })).toBe(
      canonicalJson({ a: [true, null], b: 1 }),
    );
  });

  it("encodes as UTF-8", () => {
    expect(Buffer.from(canonicalBytes({ "€": "ö" })).toString("hex")).toBe("7b22e282ac223a22c3b6227d");
  });

  it("refuses what I-JSON forbids", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "\ud800", { "\udc00": 1 }]) {
      expect(() => canonicalJson(bad as JsonValue)).toThrow(AuditError);
    }
    const notJson: unknown[] = [
      [undefined],
      new Date(0),
      new Uint8Array(1),
      1n,
      () => 1,
      { a: { b: [Symbol()] } },
    ];
    for (const bad of notJson) {
      expect(() => canonicalJson(bad as JsonValue)).toThrow(
        expect.objectContaining({ code: "NOT_CANONICAL_JSON" }),
      );
    }
  });
});
