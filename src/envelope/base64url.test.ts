import { describe, expect, it } from "vitest";
import { authenticatedBase64url, strictBase64url } from "./base64url.ts";

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
  it("authenticatedBase64url decodes any spelling and leaves the check to the bytes' authentication", () => {
    const h = Buffer.alloc(32, 7).toString("base64url");
    const twin = `${h.slice(0, -1)}${String.fromCharCode(h.charCodeAt(h.length - 1) + 1)}`;
    for (const t of [h, twin, ` ${h}`, h.replace(/-/g, "+").replace(/_/g, "/")])
      expect(authenticatedBase64url(t)?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(authenticatedBase64url("")).toBeNull();
    expect(authenticatedBase64url("!!")).toBeNull();
  });
});
