/**
 * Deterministic random numbers for tests and benchmarks (no dependency on src/sim): a seeded
 * generator and Gaussian draws, so every test run sees the same noise.
 */

/** A seeded source of uniform and Gaussian random numbers. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  gaussian(): number;
}

/** Returns a mulberry32-based generator with a Box–Muller Gaussian. */
export function seededRandom(seed: number): SeededRandom {
  let s = seed >>> 0;
  let spare: number | undefined;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = (): number => {
    if (spare !== undefined) {
      const g = spare;
      spare = undefined;
      return g;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, gaussian };
}
