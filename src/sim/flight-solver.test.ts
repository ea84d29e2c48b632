import { describe, expect, it } from "vitest";
import { simulateFlight } from "./flight.ts";
import { burnoutConditions, FlightSolveError, type SolverLaunch, solveBoost } from "./flight-solver.ts";
import { bracketRoot, newton2D } from "./root-finding.ts";

const LAUNCH: SolverLaunch = {
  site: { latDeg: 39.22389, lonDeg: 125.67, heightM: 0 },
  launchTimeS: 1_500_000_000,
  headingDeg: 75,
  shape: { verticalRiseS: 10, stages: [{ burnTimeS: 140, accelRatio: 3 }] },
  ballisticCoefficientKgM2: 8000,
};

describe("root finders", () => {
  it("bracketRoot finds a root and survives infinite values in the bracket", () => {
    const f = (x: number): number => (x > 3 ? Number.POSITIVE_INFINITY : x * x * x - 2);
    const r = bracketRoot(f, 0, 4, f(0), f(4), 1e-12, 1e-12);
    expect(r.x).toBeCloseTo(Math.cbrt(2), 9);
  });
  it("newton2D solves a coupled nonlinear system inside its box", () => {
    const r = newton2D(
      {
        residual: ([x, y]) => [x * x + y * y - 4, Math.exp(x) - y - 1],
        lower: [0, 0],
        upper: [3, 3],
        step: [1e-6, 1e-6],
        maxMove: [1, 1],
      },
      [1, 1],
      1e-10,
    );
    expect(r.converged).toBe(true);
    expect(r.x[0] ** 2 + r.x[1] ** 2).toBeCloseTo(4, 8);
  });
});

describe("solveBoost", () => {
  it("Newton and the nested fallback both meet range and apogee within 0.2 %", () => {
    const target = { kind: "range-apogee" as const, rangeM: 2_700_000, apogeeM: 550_000 };
    for (const strategy of ["newton-then-nested", "nested-only"] as const) {
      const s = solveBoost(LAUNCH, target, undefined, { strategy });
      expect(s.method).toBe(strategy === "nested-only" ? "nested" : "newton");
      const f = simulateFlight(LAUNCH.site, LAUNCH.launchTimeS, s.programme, LAUNCH.ballisticCoefficientKgM2);
      expect(Math.abs((f.groundRangeM ?? 0) / target.rangeM - 1)).toBeLessThan(0.002);
      expect(Math.abs(f.apogeeHeightM / target.apogeeM - 1)).toBeLessThan(0.002);
    }
  });
  it("a lofted ICBM whose near-vertical shots land behind the site still solves", () => {
    const launch: SolverLaunch = {
      ...LAUNCH,
      headingDeg: 60,
      shape: { verticalRiseS: 10, stages: [{ burnTimeS: 300, accelRatio: 3 }] },
    };
    const s = solveBoost(launch, { kind: "range-apogee", rangeM: 1_001_200, apogeeM: 6_648_400 });
    expect(Math.abs(s.achieved[0] / 1_001_200 - 1)).toBeLessThan(0.002);
    expect(Math.abs(s.achieved[1] / 6_648_400 - 1)).toBeLessThan(0.002);
  });
  it("meets given burnout conditions", () => {
    const s = solveBoost(LAUNCH, { kind: "burnout", speedMps: 4500, flightPathAngleDeg: 38 });
    const f = simulateFlight(LAUNCH.site, LAUNCH.launchTimeS, s.programme, LAUNCH.ballisticCoefficientKgM2);
    const b = burnoutConditions(f);
    expect(b.speedMps).toBeCloseTo(4500, -1);
    expect(b.flightPathAngleDeg).toBeCloseTo(38, 1);
  });
  const failure = (t: Parameters<typeof solveBoost>[1]): FlightSolveError => {
    try {
      solveBoost(LAUNCH, t);
    } catch (e) {
      if (e instanceof FlightSolveError) return e;
      throw e;
    }
    throw new Error("expected a FlightSolveError");
  };
  it("an apogee too low for the range names apogeeKm and says what is reachable", () => {
    const e = failure({ kind: "range-apogee", rangeM: 2_700_000, apogeeM: 150_000 });
    expect(e.field).toBe("apogeeKm");
    expect(e.message).toMatch(/apogee 150 km is too low for range 2700 km/);
  });
  it("an unreachable flight-path angle names flightPathAngleDeg", () => {
    const e = failure({ kind: "burnout", speedMps: 4500, flightPathAngleDeg: 5 });
    expect(e.field).toBe("flightPathAngleDeg");
  });
  it("a burnout speed beyond the model names speedMps", () => {
    const e = failure({ kind: "burnout", speedMps: 30_000, flightPathAngleDeg: 45 });
    expect(e.field).toBe("speedMps");
  });
});
