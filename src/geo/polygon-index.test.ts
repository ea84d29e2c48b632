import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AreaGeometry } from "../model/geodata.ts";
import { IndexedPolygonLocator, ScanPolygonLocator } from "./polygon-index.ts";

type Ring = [number, number][];
const square = (x0: number, y0: number, s: number): Ring => [
  [x0, y0],
  [x0 + s, y0],
  [x0 + s, y0 + s],
  [x0, y0 + s],
  [x0, y0],
];
/** A square with a square hole, and a separate island inside the hole (a second polygon). */
const donutWithIsland: AreaGeometry = {
  type: "MultiPolygon",
  coordinates: [[square(130, 30, 10), square(133, 33, 4).reverse()], [square(134, 34, 2)]],
};
const star: AreaGeometry = {
  type: "Polygon",
  coordinates: [
    Array.from({ length: 41 }, (_, i): [number, number] => {
      const a = ((i % 40) / 40) * 2 * Math.PI;
      const r = i % 2 === 0 ? 5 : 2;
      return [145 + r * Math.cos(a), 40 + r * Math.sin(a)];
    }),
  ],
};

/** Winding number: an independent point-in-polygon test (for points off the boundary). */
function winding(rings: Ring[], x: number, y: number): boolean {
  let w = 0;
  for (const r of rings)
    for (let i = 0; i + 1 < r.length; i++) {
      const [x1, y1] = r[i] as [number, number];
      const [x2, y2] = r[i + 1] as [number, number];
      const side = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1);
      if (y1 <= y && y2 > y && side > 0) w++;
      else if (y1 > y && y2 <= y && side < 0) w--;
    }
  return w !== 0;
}

describe("polygon locators", () => {
  const geometries = [donutWithIsland, star];
  const indexed = new IndexedPolygonLocator(geometries);
  const scan = new ScanPolygonLocator(geometries);

  it("handles holes and multipolygons", () => {
    expect(indexed.containing(131, 31)).toEqual([0]); // in the ring
    expect(indexed.containing(133.5, 33.5)).toEqual([]); // in the hole
    expect(indexed.containing(135, 35)).toEqual([0]); // on the island inside the hole
    expect(indexed.containing(129, 31)).toEqual([]);
    expect(indexed.containing(145, 40)).toEqual([1]);
    expect(indexed.containing(145 + 4, 40 + 0.3)).toEqual([]); // between two points of the star
  });

  it("agrees with the scan and with a winding-number test at random points", () => {
    const starRing = (star.coordinates as Ring[][] | Ring[])[0] as Ring;
    fc.assert(
      fc.property(
        fc.double({ min: 125, max: 155, noNaN: true }),
        fc.double({ min: 25, max: 50, noNaN: true }),
        (x, y) => {
          const got = indexed.containing(x, y);
          expect(got).toEqual(scan.containing(x, y));
          const inDonut =
            winding([square(130, 30, 10), square(133, 33, 4).reverse()], x, y) ||
            winding([square(134, 34, 2)], x, y);
          expect(got.includes(0)).toBe(inDonut);
          expect(got.includes(1)).toBe(winding([starRing], x, y));
        },
      ),
      { numRuns: 3000, seed: 7 },
    );
  });

  it("measures the distance to the nearest edge, and skips ignored edges", () => {
    // 0.1° of latitude ≈ 11.1 km (spherical, R = 6371.0088 km).
    expect(indexed.nearestEdgeKm(135, 29.9, 20)).toBeCloseTo(11.12, 1);
    expect(indexed.nearestEdgeKm(135, 29.9, 5)).toBeNull();
    expect(scan.nearestEdgeKm(135, 29.9, 20)).toBe(indexed.nearestEdgeKm(135, 29.9, 20));
    const noBottom = new IndexedPolygonLocator(
      [donutWithIsland],
      (_x1, y1, _x2, y2) => y1 === 30 && y2 === 30,
    );
    expect(noBottom.nearestEdgeKm(135, 29.9, 20)).toBeNull();
  });

  it("an empty layer contains nothing", () => {
    expect(new IndexedPolygonLocator([]).containing(0, 0)).toEqual([]);
    expect(new IndexedPolygonLocator([]).nearestEdgeKm(0, 0, 10)).toBeNull();
  });
});
