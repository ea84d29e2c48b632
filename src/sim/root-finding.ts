/**
 * Small root finders for the flight solver: a bracketed 1-D search (Illinois regula falsi, falling back
 * to bisection when a value is not finite) and a damped 2-D Newton iteration with a finite-difference
 * Jacobian. Both work on residuals that may be ±Infinity (an object that went into orbit has no range).
 */

/** Result of a 1-D bracketed search. */
export interface Root1D {
  x: number;
  fx: number;
  evaluations: number;
}

/**
 * Finds x in [lo, hi] with f(x) ≈ 0, given f(lo) and f(hi) of opposite signs (+Infinity counts as
 * positive). Stops when |f| < tolF or the bracket is narrower than tolX.
 */
export function bracketRoot(
  f: (x: number) => number,
  lo: number,
  hi: number,
  fLo: number,
  fHi: number,
  tolF: number,
  tolX: number,
  maxIter = 60,
): Root1D {
  let a = lo;
  let b = hi;
  let fa = fLo;
  let fb = fHi;
  let side = 0;
  let evaluations = 0;
  let best: Root1D =
    Math.abs(fa) < Math.abs(fb) ? { x: a, fx: fa, evaluations } : { x: b, fx: fb, evaluations };
  for (let i = 0; i < maxIter && Math.abs(b - a) > tolX; i++) {
    const finite = Number.isFinite(fa) && Number.isFinite(fb);
    let c = finite ? (a * fb - b * fa) / (fb - fa) : 0.5 * (a + b);
    // Stay well inside the bracket; regula falsi can stall at an end.
    const margin = 0.02 * (b - a);
    if (!(c > a + margin && c < b - margin)) c = 0.5 * (a + b);
    const fc = f(c);
    evaluations++;
    if (Math.abs(fc) < Math.abs(best.fx)) best = { x: c, fx: fc, evaluations };
    if (Math.abs(fc) < tolF) return { x: c, fx: fc, evaluations };
    if (Math.sign(fc) === Math.sign(fa)) {
      a = c;
      fa = fc;
      if (side === -1 && Number.isFinite(fb)) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1 && Number.isFinite(fa)) fa /= 2;
      side = 1;
    }
  }
  return { ...best, evaluations };
}

/** A 2-D Newton problem: residual F(x) with box bounds on x. */
export interface Newton2DProblem {
  residual(x: [number, number]): [number, number];
  lower: [number, number];
  upper: [number, number];
  /** Finite-difference step per coordinate. */
  step: [number, number];
  /** Largest change per iteration per coordinate (keeps the iteration in the region it trusts). */
  maxMove: [number, number];
}

/** Result of a 2-D Newton iteration. */
export interface Root2D {
  x: [number, number];
  f: [number, number];
  converged: boolean;
  evaluations: number;
}

const sizeOf = (f: [number, number]): number => Math.max(Math.abs(f[0]), Math.abs(f[1]));

/** Damped Newton with backtracking; returns `converged: false` rather than throwing. */
export function newton2D(p: Newton2DProblem, x0: [number, number], tol: number, maxIter = 15): Root2D {
  const clamp = (x: [number, number]): [number, number] => [
    Math.min(p.upper[0], Math.max(p.lower[0], x[0])),
    Math.min(p.upper[1], Math.max(p.lower[1], x[1])),
  ];
  let x = clamp(x0);
  let f = p.residual(x);
  let evaluations = 1;
  for (let it = 0; it < maxIter; it++) {
    if (!Number.isFinite(sizeOf(f))) return { x, f, converged: false, evaluations };
    if (sizeOf(f) < tol) return { x, f, converged: true, evaluations };
    // One-sided differences pointing into the box.
    const cols: [number, number][] = [];
    for (let j = 0; j < 2; j++) {
      const step = j === 0 ? p.step[0] : p.step[1];
      const xj = j === 0 ? x[0] : x[1];
      const h = xj + step > (j === 0 ? p.upper[0] : p.upper[1]) ? -step : step;
      const xp: [number, number] = j === 0 ? [x[0] + h, x[1]] : [x[0], x[1] + h];
      const fp = p.residual(xp);
      evaluations++;
      cols.push([(fp[0] - f[0]) / h, (fp[1] - f[1]) / h]);
    }
    const [c0, c1] = cols as [[number, number], [number, number]];
    const det = c0[0] * c1[1] - c1[0] * c0[1];
    if (!Number.isFinite(det) || Math.abs(det) < 1e-300) return { x, f, converged: false, evaluations };
    let dx0 = (-f[0] * c1[1] + c1[0] * f[1]) / det;
    let dx1 = (-c0[0] * f[1] + c0[1] * f[0]) / det;
    const scale = Math.max(1, Math.abs(dx0) / p.maxMove[0], Math.abs(dx1) / p.maxMove[1]);
    dx0 /= scale;
    dx1 /= scale;
    let accepted = false;
    for (let lambda = 1; lambda > 1 / 64; lambda /= 2) {
      const xn = clamp([x[0] + lambda * dx0, x[1] + lambda * dx1]);
      const fn = p.residual(xn);
      evaluations++;
      if (sizeOf(fn) < sizeOf(f)) {
        x = xn;
        f = fn;
        accepted = true;
        break;
      }
    }
    if (!accepted) return { x, f, converged: false, evaluations };
  }
  return { x, f, converged: sizeOf(f) < tol, evaluations };
}
