import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { strictBase64url } from "./base64url.ts";

/** The reference: decode, encode again, compare. */
function byEncodingAgain(text: string): Buffer | null {
  const buf = Buffer.from(text, "base64url");
  return buf.toString("base64url") === text ? buf : null;
}

describe("strict base64url", () => {
  it("accepts only the canonical text of the bytes", () => {
    const h = Buffer.alloc(32, 7).toString("base64url");
    expect(strictBase64url(h, 32)?.length).toBe(32);
    expect(strictBase64url(h, 31)).toBeNull();
    // Same bytes, other text: unused low bits of the last symbol set, padding, the other alphabet.
    const twin = `${h.slice(0, -1)}${String.fromCharCode(h.charCodeAt(h.length - 1) + 1)}`;
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(h, "base64url"))).toBe(true);
    expect(strictBase64url(twin, 32)).toBeNull();
    expect(strictBase64url(`${h}=`, 32)).toBeNull();
    expect(strictBase64url("a+b/", undefined)).toBeNull();
    expect(strictBase64url(` ${h}`, 32)).toBeNull();
    expect(strictBase64url("", undefined)?.length).toBe(0);
  });

  it("agrees with encoding again on random texts and every kind of one-character change", () => {
    const chars = [..."+/=-_ \n.!A0a\u00e9\u{1F600}"];
    let seed = 1;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let t = 0; t < 20_000; t++) {
      const s = randomBytes(rand(40)).toString("base64url");
      const i = rand(s.length + 1);
      const c = chars[rand(chars.length)] as string;
      const changed = [
        s,
        `${s.slice(0, i)}${c}${s.slice(i + 1)}`,
        `${s.slice(0, i)}${c}${s.slice(i)}`,
        `${s.slice(0, i)}${s.slice(i + 1)}`,
        `${s.slice(0, -1)}${String.fromCharCode((s.charCodeAt(s.length - 1) || 65) ^ (1 << rand(7)))}`,
      ];
      for (const text of changed) {
        const a = byEncodingAgain(text);
        const b = strictBase64url(text);
        expect(b === null ? null : b.toString("hex"), JSON.stringify(text)).toBe(
          a === null ? null : a.toString("hex"),
        );
      }
    }
  });
});
