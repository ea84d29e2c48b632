import { describe, expect, it } from "vitest";
import { averagedChiSquareBand, binomialLowerCount, correlatedBandCount } from "./consistency.ts";

/** Seeded uniforms and standard normals for the simulated runs. */
function rng(seed: number): { u: () => number; g: () => number } {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const g = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, g };
}

/**
 * NEES of `runs` runs of a consistent filter over `points` grid points: each run's 6-D error is a
 * stationary Gauss–Markov sequence with unit covariance (so every NEES is exactly χ²(6)) whose
 * neighbouring points correlate at `phi`.
 */
function consistentRuns(runs: number, points: number, phi: number, seed: number): number[][] {
  const { g } = rng(seed);
  const s = Math.sqrt(1 - phi * phi);
  return Array.from({ length: runs }, () => {
    const e = Array.from({ length: 6 }, () => g());
    return Array.from({ length: points }, (_, k) => {
      if (k > 0) for (let i = 0; i < 6; i++) e[i] = phi * (e[i] as number) + s * g();
      return e.reduce((acc, v) => acc + v * v, 0);
    });
  });
}

/** Whether the grid's run-averaged NEES has fewer points inside their 95 % bands than `threshold`. */
function rejects(samples: number[][], threshold: number): boolean {
  const points = samples[0]?.length ?? 0;
  const [lo, hi] = averagedChiSquareBand(6, samples.length);
  let inside = 0;
  for (let k = 0; k < points; k++) {
    const m = samples.reduce((acc, r) => acc + (r[k] as number), 0) / samples.length;
    if (m >= lo && m <= hi) inside++;
  }
  return inside < threshold;
}

describe("correlatedBandCount", () => {
  it("is the binomial count for independent grid points", () => {
    const samples = consistentRuns(50, 40, 0, 7);
    const c = correlatedBandCount(samples, { draws: 20_000 });
    expect(c.points).toBe(40);
    expect(c.binomialThreshold).toBe(binomialLowerCount(40, 0.95));
    expect(Math.abs(c.threshold - c.binomialThreshold)).toBeLessThanOrEqual(1);
    expect(c.effectivePoints).toBeGreaterThan(30);
  });

  it("leaves out points with fewer than two runs and uses the runs each pair shares", () => {
    const samples = consistentRuns(30, 10, 0.5, 3).map((r, i) =>
      r.map((v, k) => (k === 9 || (k === 8 && i > 0) ? Number.NaN : v)),
    );
    const c = correlatedBandCount(samples, { draws: 2000 });
    expect(c.points).toBe(8);
  });

  it("holds its 5 % size for a consistent filter whose NEES is correlated in time, where the binomial count does not", () => {
    // 50 runs over 60 grid points, neighbouring points correlated at 0.97 (a coast track's error changes
    // slowly between 10 s grid points): the binomial count rejects this consistent filter far more often
    // than 5 % of the time (19 % in 400 trials); the count drawn with the runs' own correlation about 5 % (4 %).
    const trials = 100;
    let binomial = 0;
    let correlated = 0;
    for (let t = 0; t < trials; t++) {
      const samples = consistentRuns(50, 60, 0.97, 1000 + t);
      const c = correlatedBandCount(samples, { draws: 2000, seed: t + 1 });
      if (rejects(samples, c.binomialThreshold)) binomial++;
      if (rejects(samples, c.threshold)) correlated++;
      expect(c.effectivePoints).toBeLessThan(20);
    }
    expect(binomial / trials).toBeGreaterThan(0.12);
    expect(correlated / trials).toBeLessThan(0.1);
  });
});
