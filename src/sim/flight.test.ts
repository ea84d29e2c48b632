import { describe, expect, it } from "vitest";
import {
  airDensity,
  ecefToGeodetic,
  gravityJ2,
  J2,
  OMEGA_EARTH,
  type Vec3,
  WGS84_A,
  WGS84_B,
  WGS84_GM,
} from "../geo/earth.ts";
import {
  type PhysicsOptions,
  propagateFree,
  simulateFlight,
  type ThrustProgramme,
  TRUTH_PHYSICS,
} from "./flight.ts";

const KEPLER: PhysicsOptions = {
  ...TRUTH_PHYSICS,
  rotatingEarth: false,
  gravity: "point-mass",
  drag: false,
};

describe("gravity reference values", () => {
  // WGS-84 normal gravity (NIMA TR8350.2 eq. 4-1): γe = 9.7803253359, γp = 9.8321849378 m/s².
  const effective = (r: Vec3): number => {
    const g = gravityJ2(r);
    return Math.hypot(g[0] + OMEGA_EARTH ** 2 * r[0], g[1] + OMEGA_EARTH ** 2 * r[1], g[2]);
  };
  it("matches normal gravity at the equator, centrifugal term included", () => {
    expect(Math.abs(effective([WGS84_A, 0, 0]) - 9.7803253359) / 9.78).toBeLessThan(1e-4);
  });
  it("matches normal gravity at the pole", () => {
    expect(Math.abs(effective([0, 0, WGS84_B]) - 9.8321849378) / 9.83).toBeLessThan(1e-4);
  });
});

describe("drag-free, non-rotating shot against Kepler", () => {
  // In the equatorial plane the ellipsoid is a circle of radius a, so geodetic height is r − a exactly
  // and the closed-form conic gives apogee and range with no approximation.
  const cases = [
    { v: 3000, gammaDeg: 40 },
    { v: 5200, gammaDeg: 30 },
    { v: 6800, gammaDeg: 75 },
  ];
  for (const { v, gammaDeg } of cases) {
    it(`v=${v} m/s, γ=${gammaDeg}°`, () => {
      const r0 = WGS84_A + 80_000;
      const g = (gammaDeg * Math.PI) / 180;
      const result = propagateFree(
        { t: 0, positionEcef: [r0, 0, 0], velocityEcef: [v * Math.sin(g), v * Math.cos(g), 0] },
        1e4,
        KEPLER,
      );
      const energy = (v * v) / 2 - WGS84_GM / r0;
      const a = -WGS84_GM / (2 * energy);
      const p = (r0 * v * Math.cos(g)) ** 2 / WGS84_GM;
      const e = Math.sqrt(1 - p / a);
      const apogee = a * (1 + e) - WGS84_A;
      const nu0 = Math.acos((p / r0 - 1) / e);
      const nu1 = 2 * Math.PI - Math.acos((p / WGS84_A - 1) / e);
      const range = WGS84_A * (nu1 - nu0);
      expect(result.endReason).toBe("impact");
      expect(Math.abs(result.apogeeHeightM - apogee) / apogee).toBeLessThan(0.005);
      expect(Math.abs((result.groundRangeM ?? 0) - range) / range).toBeLessThan(0.005);
      // Much tighter in practice; the loose bound is the brief's, this one guards the integrator.
      expect(Math.abs((result.groundRangeM ?? 0) - range) / range).toBeLessThan(1e-5);
    });
  }
});

describe("energy in a drag-free coast", () => {
  // The Jacobi integral ½|v|² − ½ω²(x²+y²) − U(r) is conserved in the rotating frame, U being the J2 potential.
  const jacobi = (r: Vec3, v: Vec3): number => {
    const rn = Math.hypot(...r);
    const s2 = (r[2] / rn) ** 2;
    const u = (WGS84_GM / rn) * (1 - J2 * (WGS84_A / rn) ** 2 * 0.5 * (3 * s2 - 1));
    return 0.5 * (v[0] ** 2 + v[1] ** 2 + v[2] ** 2) - 0.5 * OMEGA_EARTH ** 2 * (r[0] ** 2 + r[1] ** 2) - u;
  };
  it("holds the Jacobi integral to 1e-9 over an hour-long lofted coast", () => {
    const start = {
      t: 0,
      positionEcef: [-3_300_000, 4_000_000, 4_100_000] as Vec3,
      velocityEcef: [-2_000, 1_500, 5_500] as Vec3,
    };
    const result = propagateFree(start, 1e4, { ...TRUTH_PHYSICS, drag: false });
    const first = result.samples[0];
    const last = result.samples.at(-1);
    if (!first || !last) throw new Error("no samples");
    expect(last.t - first.t).toBeGreaterThan(1800);
    const e0 = jacobi(first.positionEcef, first.velocityEcef);
    const e1 = jacobi(last.positionEcef, last.velocityEcef);
    expect(Math.abs((e1 - e0) / e0)).toBeLessThan(1e-9);
  });
  it("loses energy when drag is on (the check can fail)", () => {
    const start = {
      t: 0,
      positionEcef: [WGS84_A + 60_000, 0, 0] as Vec3,
      velocityEcef: [0, 3000, 0] as Vec3,
    };
    const on = propagateFree(start, 2000, TRUTH_PHYSICS);
    const off = propagateFree(start, 2000, { ...TRUTH_PHYSICS, drag: false });
    expect((on.groundRangeM ?? 0) < (off.groundRangeM ?? 0)).toBe(true);
  });
});

describe("powered flight", () => {
  const site = { latDeg: 39.22389, lonDeg: 125.67, heightM: 0 };
  const prog: ThrustProgramme = {
    headingDeg: 80,
    verticalRiseS: 10,
    finalPitchDeg: 45,
    stages: [{ burnTimeS: 120, accelStartMps2: 20, accelEndMps2: 60 }],
  };
  it("labels phases in order and ends on the ground", () => {
    const r = simulateFlight(site, 1_000_000, prog, 5000);
    const phases = r.samples.map((s) => s.phase);
    const firstCoast = phases.indexOf("coast");
    const firstReentry = phases.indexOf("reentry");
    expect(phases[0]).toBe("boost");
    expect(firstCoast).toBeGreaterThan(0);
    expect(firstReentry).toBeGreaterThan(firstCoast);
    expect(phases.slice(firstReentry).every((p) => p === "reentry")).toBe(true);
    expect(r.burnoutT).toBe(1_000_120);
    expect(r.endReason).toBe("impact");
    const last = r.samples.at(-1);
    if (!last) throw new Error("no samples");
    expect(Math.abs(ecefToGeodetic(last.positionEcef).heightM)).toBeLessThan(1);
    expect(airDensity(ecefToGeodetic(last.positionEcef).heightM)).toBeGreaterThan(1);
  });
  it("stops thrust at failAtS, so the flight is shorter", () => {
    const nominal = simulateFlight(site, 0, prog, 5000);
    const failed = simulateFlight(site, 0, { ...prog, failAtS: 60 }, 5000);
    expect(failed.burnoutT).toBe(60);
    expect(failed.groundRangeM ?? 0).toBeLessThan((nominal.groundRangeM ?? 0) / 3);
  });
});
