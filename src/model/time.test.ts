import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoToMs, parseIso } from "./time.ts";

describe("isoToMs", () => {
  it("agrees with Date.parse on canonical date-times with any zone and fraction", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1900-01-01T00:00:00Z"),
          max: new Date("2200-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        fc.constantFrom("", ".5", ".123", ".123456"),
        (date, offset, fraction) => {
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
          const sign = offset < 0 ? "-" : "+";
          const abs = Math.abs(offset);
          const zone =
            offset === 0 && fraction === ""
              ? "Z"
              : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const s = `${local}${fraction}${zone}`;
          expect(isoToMs(s)).toBe(Date.parse(s));
        },
      ),
      { numRuns: 5000 },
    );
  });
  it("falls back to Date.parse for other forms", () => {
    expect(isoToMs("2023-12-19")).toBe(Date.parse("2023-12-19"));
    expect(Number.isNaN(isoToMs("not a time"))).toBe(true);
  });
});

describe("parseIso", () => {
  it("reads dates in a default zone and refuses impossible ones", () => {
    expect(parseIso("2019-11-23", "+09:00")).toEqual({ ok: true, ms: Date.parse("2019-11-22T15:00:00Z") });
    expect(parseIso("2024-02-29").ok).toBe(true);
    expect(parseIso("2023-02-29").ok).toBe(false);
    expect(parseIso("2023-12-19T25:00:00Z").ok).toBe(false);
    expect(parseIso("2023-12-19T10:00:00").ok).toBe(false);
  });

  it("reads what toISOString writes exactly as Date does, and refuses what is not in the calendar", () => {
    const two = (lo: number, hi: number) =>
      fc.integer({ min: lo, max: hi }).map((v) => String(v).padStart(2, "0"));
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        two(0, 19),
        two(0, 39),
        two(0, 29),
        two(0, 69),
        two(0, 69),
        fc.option(fc.integer({ min: 0, max: 999 }).map((v) => String(v).padStart(3, "0"))),
        (y, mo, d, h, mi, se, f) => {
          const s = `${y}-${mo}-${d}T${h}:${mi}:${se}${f === null ? "" : `.${f}`}Z`;
          const ms = Date.parse(s);
          // In the calendar exactly when Date reads it back to the same instant, field for field.
          const valid =
            !Number.isNaN(ms) && new Date(ms).toISOString() === (f === null ? s.replace("Z", ".000Z") : s);
          expect(parseIso(s)).toEqual(valid ? { ok: true, ms } : expect.objectContaining({ ok: false }));
        },
      ),
      { numRuns: 20_000 },
    );
    expect(parseIso("2024-02-29T12:00:00.250Z")).toEqual({
      ok: true,
      ms: Date.parse("2024-02-29T12:00:00.250Z"),
    });
    expect(parseIso("2100-02-29T00:00:00Z").ok).toBe(false);
    expect(parseIso("0099-12-31T00:00:00Z")).toEqual({ ok: true, ms: Date.parse("0099-12-31T00:00:00Z") });
  });
});
