import { describe, expect, it } from "vitest";
import { enuToEcef, geodeticToEcef } from "../geo/earth.ts";
import {
  inFieldOfRegard,
  LineOfSightMeasurementModel,
  RadarMeasurementModel,
  sensorModels,
  wrapTo2Pi,
  wrapToPi,
} from "./measurement.ts";
import { testInfrared, testRadar } from "./testing.ts";

const radar = testRadar("r1", 37.5, 127);
const site = radar.position;

function stateAtEnu(e: number, n: number, u: number, v: [number, number, number]): Float64Array {
  return Float64Array.from([...enuToEcef([e, n, u], site), ...v, 1e-3]);
}

function fdJacobian(
  f: (x: Float64Array, out: Float64Array) => Float64Array,
  x: Float64Array,
  m: number,
  n: number,
  wrapRow: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const h = j < 3 ? 1 : j < 6 ? 0.01 : 1e-6;
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] = (xp[j] as number) + h;
    xm[j] = (xm[j] as number) - h;
    const fp = f(xp, new Float64Array(m));
    const fm = f(xm, new Float64Array(m));
    for (let i = 0; i < m; i++) {
      let diff = (fp[i] as number) - (fm[i] as number);
      if (i === wrapRow) diff = wrapToPi(diff);
      out[i * n + j] = diff / (2 * h);
    }
  }
  return out;
}

function expectClose(a: Float64Array, b: Float64Array, tol: number): void {
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1e-7, Math.abs(b[i] as number));
    expect(Math.abs((a[i] as number) - (b[i] as number)) / scale, `element ${i}`).toBeLessThan(tol);
  }
}

describe("angle wrapping", () => {
  it("wraps residuals to (−π, π] and angles to [0, 2π)", () => {
    expect(wrapToPi(0.01 - (2 * Math.PI - 0.01))).toBeCloseTo(0.02, 12);
    expect(wrapToPi(2 * Math.PI - 0.01 - 0.01)).toBeCloseTo(-0.02, 12);
    expect(wrapToPi(Math.PI)).toBe(Math.PI);
    expect(wrapToPi(-Math.PI)).toBe(Math.PI);
    expect(wrapTo2Pi(-0.1)).toBeCloseTo(2 * Math.PI - 0.1, 12);
    expect(wrapTo2Pi(2 * Math.PI)).toBe(0);
  });
});

describe("RadarMeasurementModel", () => {
  const model = new RadarMeasurementModel(radar, true);

  it("measures range, azimuth from north, elevation and range rate", () => {
    const z = model.measure(stateAtEnu(100_000, 0, 10_000, [0, 0, 0]), new Float64Array(4));
    expect(z[0]).toBeCloseTo(Math.hypot(100_000, 10_000), 3);
    expect(z[1]).toBeCloseTo(Math.PI / 2, 9);
    expect(z[2]).toBeCloseTo(Math.atan2(10_000, 100_000), 9);
    // receding due north at 1 km/s from a target due north
    const basis = enuToEcef([0, 1000, 0], site);
    const origin = geodeticToEcef(site);
    const vN: [number, number, number] = [basis[0] - origin[0], basis[1] - origin[1], basis[2] - origin[2]];
    const z2 = model.measure(stateAtEnu(0, 200_000, 0, vN), new Float64Array(4));
    expect(z2[3]).toBeCloseTo(1000, 6);
  });

  it("puts a target just west of north near 2π and one just east near 0", () => {
    const west = model.measure(stateAtEnu(-100, 300_000, 50_000, [0, 0, 0]), new Float64Array(4));
    const east = model.measure(stateAtEnu(100, 300_000, 50_000, [0, 0, 0]), new Float64Array(4));
    expect(west[1]).toBeGreaterThan(6.28);
    expect(east[1]).toBeLessThan(0.001);
    const r = model.residual(east, west, new Float64Array(4));
    expect(r[1]).toBeCloseTo(200 / 300_000, 6);
  });

  it("Jacobian matches finite differences, including across north", () => {
    const cases = [
      stateAtEnu(300_000, 400_000, 150_000, [1500, -2000, 800]),
      stateAtEnu(-50, 500_000, 200_000, [-100, 3000, -500]),
      stateAtEnu(-600_000, -100_000, 50_000, [2000, 100, -1500]),
    ];
    for (const x of cases) {
      const h = model.jacobian(x, 7, new Float64Array(28));
      expectClose(
        h,
        fdJacobian((s, o) => model.measure(s, o), x, 4, 7, 1),
        1e-5,
      );
    }
  });
});

describe("LineOfSightMeasurementModel", () => {
  const ir = testInfrared("geo1", 130);
  const model = new LineOfSightMeasurementModel(ir);

  it("looks down from geostationary orbit at a target in Korea", () => {
    const x = Float64Array.from([...geodeticToEcef({ latDeg: 39, lonDeg: 126, heightM: 80_000 }), 0, 0, 0]);
    const z = model.measure(x, new Float64Array(2));
    expect(z[1]).toBeLessThan(-1.3);
    expect(z[0]).toBeGreaterThan(Math.PI * 1.5); // north-west of the sub-satellite point
  });

  it("Jacobian matches finite differences", () => {
    const x = Float64Array.from([
      ...geodeticToEcef({ latDeg: 39, lonDeg: 126, heightM: 80_000 }),
      1000,
      2000,
      500,
    ]);
    const h = model.jacobian(x, 6, new Float64Array(12));
    expectClose(
      h,
      fdJacobian((s, o) => model.measure(s, o), x, 2, 6, 0),
      1e-4,
    );
  });
});

describe("sensorModels and field of regard", () => {
  it("uses range rate only when a detection carries it", () => {
    const models = sensorModels(radar);
    expect(models.forDetection({ sensorId: "r1", t: 0, rangeM: 1, azimuthRad: 0, elevationRad: 0 }).dim).toBe(
      3,
    );
    expect(
      models.forDetection({
        sensorId: "r1",
        t: 0,
        rangeM: 1,
        azimuthRad: 0,
        elevationRad: 0,
        rangeRateMps: 1,
      }).dim,
    ).toBe(4);
  });

  it("checks range and a sector that straddles north", () => {
    const sector = testRadar("r2", 37, 127, {
      fieldOfRegard: {
        azimuthCentreDeg: 350,
        azimuthHalfWidthDeg: 30,
        minElevationDeg: 1,
        maxElevationDeg: 80,
      },
    });
    expect(inFieldOfRegard(sector, 1e6, 0.2, 0.1)).toBe(true); // 11° east of north
    expect(inFieldOfRegard(sector, 1e6, 1.0, 0.1)).toBe(false);
    expect(inFieldOfRegard(sector, 4e6, 0.2, 0.1)).toBe(false);
    expect(inFieldOfRegard(sector, 1e6, 0.2, 0.0)).toBe(false);
  });
});
