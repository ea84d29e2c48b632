/**
 * A small seeded random source so sensor runs are reproducible: mulberry32 (Tommy Ettinger's 32-bit
 * generator, public domain) for uniforms, Box–Muller for Gaussians, Knuth's product method for Poisson.
 * Not cryptographic; good enough for Monte-Carlo noise.
 */
import { mulberry32 } from "../model/random.ts";

/** A seeded pseudo-random source; every draw advances its state. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  gaussian(): number;
  /** Poisson-distributed count with the given mean. */
  poisson(mean: number): number;
}

/** 32-bit FNV-1a hash of a string, mixed with a seed: derives independent streams per sensor. */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Creates a seeded random source (mulberry32 + Box–Muller + Poisson). */
export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  let spare: number | null = null;
  const gaussian = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const u1 = 1 - next();
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
  const poisson = (mean: number): number => {
    if (mean <= 0) return 0;
    if (mean > 30) {
      // Knuth's product underflows for large means; the normal approximation is ample there.
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
    }
    const limit = Math.exp(-mean);
    let k = 0;
    let p = next();
    while (p > limit) {
      k++;
      p *= next();
    }
    return k;
  };
  return { uniform: next, gaussian, poisson };
}
