/**
 * Small dense linear algebra on row-major Float64Array, sized for tracking (n ≤ ~20).
 *
 * Every routine takes its dimensions explicitly and writes into an `out` buffer the caller may reuse, so
 * hot loops (predict, update) allocate nothing. Unless stated, `out` must not alias an input.
 * Indexing a Float64Array yields `number | undefined` under `noUncheckedIndexedAccess`; the `as number`
 * casts below are index-in-bounds assertions guaranteed by the dimensions passed in.
 */

/** A row-major dense matrix (or vector) stored in a Float64Array. */
export type Mat = Float64Array;

/** Returns a new zero matrix of `rows × cols`. */
export function zeros(rows: number, cols = 1): Mat {
  return new Float64Array(rows * cols);
}

/** Returns a new `n × n` identity matrix. */
export function identity(n: number): Mat {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** Builds a matrix from nested row arrays (tests, fixtures; not for hot paths). */
export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const m = rows.length;
  const n = rows[0]?.length ?? 0;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = rows[i] as readonly number[];
    for (let j = 0; j < n; j++) out[i * n + j] = row[j] as number;
  }
  return out;
}

/** out = A·B with A (m×k), B (k×n). */
export function matMul(a: Mat, b: Mat, m: number, k: number, n: number, out: Mat = zeros(m, n)): Mat {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (a[ai + l] as number) * (b[l * n + j] as number);
      out[i * n + j] = s;
    }
  }
  return out;
}

/** out = A·Bᵀ with A (m×k), B (n×k). */
export function matMulABt(a: Mat, b: Mat, m: number, k: number, n: number, out: Mat = zeros(m, n)): Mat {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let l = 0; l < k; l++) s += (a[ai + l] as number) * (b[bj + l] as number);
      out[i * n + j] = s;
    }
  }
  return out;
}

/** out = Aᵀ·B with A (k×m), B (k×n). */
export function matMulAtB(a: Mat, b: Mat, k: number, m: number, n: number, out: Mat = zeros(m, n)): Mat {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (a[l * m + i] as number) * (b[l * n + j] as number);
      out[i * n + j] = s;
    }
  }
  return out;
}

/** out = A·x with A (m×n), x (n). */
export function matVec(a: Mat, x: Mat, m: number, n: number, out: Mat = zeros(m)): Mat {
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (x[j] as number);
    out[i] = s;
  }
  return out;
}

/** out = Aᵀ with A (m×n). */
export function transpose(a: Mat, m: number, n: number, out: Mat = zeros(n, m)): Mat {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j] as number;
  return out;
}

/** out = A + B, element-wise over the whole buffer (out may alias A or B). */
export function matAdd(a: Mat, b: Mat, out: Mat = zeros(a.length)): Mat {
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) + (b[i] as number);
  return out;
}

/** out = A − B, element-wise over the whole buffer (out may alias A or B). */
export function matSub(a: Mat, b: Mat, out: Mat = zeros(a.length)): Mat {
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) - (b[i] as number);
  return out;
}

/** out = s·A, element-wise (out may alias A). */
export function matScale(a: Mat, s: number, out: Mat = zeros(a.length)): Mat {
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) * s;
  return out;
}

/** Replaces a square n×n matrix in place by (A + Aᵀ)/2, removing round-off asymmetry. */
export function symmetrise(a: Mat, n: number): Mat {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * ((a[i * n + j] as number) + (a[j * n + i] as number));
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

/** Sum of the diagonal of an n×n matrix. */
export function trace(a: Mat, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i] as number;
  return s;
}

/**
 * Cholesky factor of a symmetric positive-definite n×n matrix: writes lower-triangular L (upper part
 * zeroed) with A = L·Lᵀ. Returns false, leaving `out` unspecified, if A is not positive definite.
 * `out` may alias `a`.
 */
export function cholesky(a: Mat, n: number, out: Mat = zeros(n, n)): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) {
      const l = out[j * n + k] as number;
      d -= l * l;
    }
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    out[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (out[i * n + k] as number) * (out[j * n + k] as number);
      out[i * n + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) out[i * n + j] = 0;
  }
  return true;
}

/**
 * Solves (L·Lᵀ)·X = B for X given the Cholesky factor L (n×n) and B (n×m); `out` may alias `b`.
 */
export function choleskySolve(l: Mat, b: Mat, n: number, m: number, out: Mat = zeros(n, m)): Mat {
  if (out !== b) out.set(b.subarray(0, n * m));
  for (let c = 0; c < m; c++) {
    // forward: L·y = b
    for (let i = 0; i < n; i++) {
      let s = out[i * m + c] as number;
      for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (out[k * m + c] as number);
      out[i * m + c] = s / (l[i * n + i] as number);
    }
    // backward: Lᵀ·x = y
    for (let i = n - 1; i >= 0; i--) {
      let s = out[i * m + c] as number;
      for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (out[k * m + c] as number);
      out[i * m + c] = s / (l[i * n + i] as number);
    }
  }
  return out;
}

/** Inverse of a symmetric positive-definite n×n matrix via Cholesky; returns false if not SPD. */
export function spdInverse(a: Mat, n: number, out: Mat = zeros(n, n), work: Mat = zeros(n, n)): boolean {
  if (!cholesky(a, n, work)) return false;
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  choleskySolve(work, out, n, n, out);
  symmetrise(out, n);
  return true;
}

/** log det(A) from its Cholesky factor L (2·Σ log Lii). */
export function logDetFromCholesky(l: Mat, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i] as number);
  return 2 * s;
}

/**
 * Mahalanobis form vᵀ·(L·Lᵀ)⁻¹·v from the Cholesky factor L (n×n), using `work` (n) as scratch:
 * the squared norm of L⁻¹·v.
 */
export function mahalanobisFromCholesky(l: Mat, v: Mat, n: number, work: Mat = zeros(n)): number {
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = v[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (work[k] as number);
    const y = s / (l[i * n + i] as number);
    work[i] = y;
    q += y * y;
  }
  return q;
}

/** Solves the general n×n system A·x = b by Gaussian elimination with partial pivoting (small, cold paths). */
export function solveLinear(a: Mat, b: Mat, n: number): Mat | undefined {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs(m[r * n + c] as number) > Math.abs(m[p * n + c] as number)) p = r;
    const piv = m[p * n + c] as number;
    if (piv === 0) return undefined;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k] as number;
        m[c * n + k] = m[p * n + k] as number;
        m[p * n + k] = t;
      }
      const t = x[c] as number;
      x[c] = x[p] as number;
      x[p] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = (m[r * n + c] as number) / piv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] = (m[r * n + k] as number) - f * (m[c * n + k] as number);
      x[r] = (x[r] as number) - f * (x[c] as number);
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r] as number;
    for (let k = r + 1; k < n; k++) s -= (m[r * n + k] as number) * (x[k] as number);
    x[r] = s / (m[r * n + r] as number);
  }
  return x;
}

/**
 * Eigen-decomposition of a symmetric 2×2 matrix [a b; b c]: eigenvalues λ1 ≥ λ2 and the angle θ (rad)
 * of the λ1 eigenvector measured from the first axis towards the second.
 */
export function symmetricEigen2(a: number, b: number, c: number): { l1: number; l2: number; theta: number } {
  const mean = 0.5 * (a + c);
  const r = Math.hypot(0.5 * (a - c), b);
  return { l1: mean + r, l2: mean - r, theta: 0.5 * Math.atan2(2 * b, a - c) };
}
