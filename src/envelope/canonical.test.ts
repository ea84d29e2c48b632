import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalJson, strictBase64url } from "./canonical.ts";

describe("canonical JSON (RFC 8785)", () => {
  it("sorts members by UTF-16 code units, omits undefined and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, "€": 1, "\u0080": 2 })).toBe(
      '{"a":[true,null,"x"],"b":1,"\u0080":2,"€":1}',
    );
  });

  it("writes numbers as ECMAScript does (RFC 8785 §3.2.2.3)", () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333])).toBe(
      "[1e+21,1e-7,0,0.30000000000000004,333333333.3333333]",
    );
  });

  it("does not depend on member order, and parses back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        if (v && typeof v === "object" && !Array.isArray(v)) {
          const reversed = Object.fromEntries(Object.entries(v).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
    );
  });

  it("refuses values JSON cannot carry", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: 1n })).toThrow(CanonicalJsonError);
  });
});

describe("strict base64url", () => {
  it("accepts only the canonical encoding of the expected length", () => {
    const h = Buffer.alloc(32, 7).toString("base64url");
    expect(strictBase64url(h, 32)?.length).toBe(32);
    expect(strictBase64url(h, 31)).toBeNull();
    const last = h[h.length - 1] ?? "";
    // The last symbol of 32 bytes carries 2 unused bits: a neighbour that decodes alike must be refused.
    const twin = `${h.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) + 1)}`;
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(h, "base64url"))).toBe(true);
    expect(strictBase64url(twin, 32)).toBeNull();
    expect(strictBase64url(`${h}=`, 32)).toBeNull();
    expect(strictBase64url("a+b/", undefined)).toBeNull();
  });
});
