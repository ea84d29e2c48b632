/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): small, fast and reproducible uniforms for simulated
 * noise, jitter and loss, and Monte-Carlo thresholds. Not for anything secret (keys and nonces come from
 * `node:crypto`). One copy for every layer: the simulation, the tracker's tests and consistency check,
 * and the in-process transport all draw from it.
 */

/** Returns a function giving uniforms in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
