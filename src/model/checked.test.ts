import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deepFreeze, isChecked, jsonOf, markChecked } from "./checked.ts";

const Point = z.strictObject({ x: z.number(), tags: z.array(z.string()) });
const Other = z.strictObject({ x: z.number() });

describe("checked values", () => {
  it("marks a value for its schema only, and freezes it all through", () => {
    const p = markChecked(Point, Point.parse({ x: 1, tags: ["a"] }));
    expect(isChecked(Point, p)).toBe(true);
    expect(isChecked(Other, p)).toBe(false);
    expect(() => {
      (p as { x: number }).x = 2;
    }).toThrow(TypeError);
    expect(() => (p.tags as string[]).push("b")).toThrow(TypeError);
    expect(p).toEqual({ x: 1, tags: ["a"] });
  });

  it("an equal copy, or anything not an object, is not checked", () => {
    const p = markChecked(Point, Point.parse({ x: 1, tags: [] }));
    expect(isChecked(Point, { ...p })).toBe(false);
    expect(isChecked(Point, structuredClone(p))).toBe(false);
    expect(isChecked(Point, null)).toBe(false);
    expect(isChecked(Point, 1)).toBe(false);
  });

  it("marks one value for several schemas", () => {
    const v = markChecked(Other, markChecked(Point, { x: 3, tags: [] }));
    expect(isChecked(Point, v) && isChecked(Other, v)).toBe(true);
  });

  it("deepFreeze freezes nested parts and skips those frozen already", () => {
    const shared = deepFreeze({ a: { b: [1, 2] } });
    const v = deepFreeze({ shared, own: { c: [3] } });
    expect(Object.isFrozen(v.own.c) && Object.isFrozen(v.shared.a.b)).toBe(true);
  });

  it("jsonOf writes a checked value's text once; other values anew each time", () => {
    const p = markChecked(Point, Point.parse({ x: 1, tags: ["a"] }));
    expect(jsonOf(p)).toBe(JSON.stringify(p));
    expect(jsonOf(p)).toBe(jsonOf(p));
    const loose = { x: 1, tags: ["a"] };
    expect(jsonOf(loose)).toBe(JSON.stringify(loose));
    loose.x = 2;
    expect(jsonOf(loose)).toBe('{"x":2,"tags":["a"]}');
  });
});
