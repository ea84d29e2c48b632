import { CholeskyDecomposition, inverse, Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import {
  cholesky,
  choleskySolve,
  logDetFromCholesky,
  type Mat,
  mahalanobisFromCholesky,
  matAdd,
  matMul,
  matMulABt,
  matMulAtB,
  matVec,
  solveLinear,
  spdInverse,
  symmetricEigen2,
  transpose,
} from "./linalg.ts";
import { seededRandom } from "./testing.ts";

const rng = seededRandom(20240607);

function randomMat(m: number, n: number): Mat {
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.gaussian();
  return a;
}

function randomSpd(n: number): Mat {
  const a = randomMat(n, n);
  const s = matMulABt(a, a, n, n, n);
  for (let i = 0; i < n; i++) s[i * n + i] = (s[i * n + i] as number) + n;
  return s;
}

function toMl(a: Mat, m: number, n: number): Matrix {
  return Matrix.from1DArray(m, n, Array.from(a));
}

function expectClose(a: Mat, b: Matrix, tol = 1e-9): void {
  const flat = b.to1DArray();
  expect(a.length).toBe(flat.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(flat[i] as number));
    worst = Math.max(worst, Math.abs((a[i] as number) - (flat[i] as number)) / scale);
  }
  expect(worst).toBeLessThan(tol);
}

describe("linalg vs ml-matrix", () => {
  it("multiplies, transposes and adds random matrices", () => {
    for (let trial = 0; trial < 30; trial++) {
      const m = 1 + Math.floor(rng.uniform() * 8);
      const k = 1 + Math.floor(rng.uniform() * 8);
      const n = 1 + Math.floor(rng.uniform() * 8);
      const a = randomMat(m, k);
      const b = randomMat(k, n);
      const bt = transpose(b, k, n);
      const at = transpose(a, m, k);
      const ref = toMl(a, m, k).mmul(toMl(b, k, n));
      expectClose(matMul(a, b, m, k, n), ref);
      expectClose(matMulABt(a, bt, m, k, n), ref);
      expectClose(matMulAtB(at, b, k, m, n), ref);
      expectClose(transpose(a, m, k), toMl(a, m, k).transpose());
      const c = randomMat(m, k);
      expectClose(matAdd(a, c), Matrix.add(toMl(a, m, k), toMl(c, m, k)));
      const x = randomMat(k, 1);
      expectClose(matVec(a, x, m, k), toMl(a, m, k).mmul(toMl(x, k, 1)));
    }
  });

  it("factors, solves and inverts SPD matrices", () => {
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(rng.uniform() * 9);
      const a = randomSpd(n);
      const l = new Float64Array(n * n);
      expect(cholesky(a, n, l)).toBe(true);
      const ref = new CholeskyDecomposition(toMl(a, n, n));
      expectClose(l, ref.lowerTriangularMatrix);
      const b = randomMat(n, 3);
      expectClose(choleskySolve(l, b, n, 3), solve(toMl(a, n, n), toMl(b, n, 3)));
      const inv = new Float64Array(n * n);
      expect(spdInverse(a, n, inv)).toBe(true);
      expectClose(inv, inverse(toMl(a, n, n)));
      const v = randomMat(n, 1);
      const q = toMl(v, 1, n)
        .mmul(inverse(toMl(a, n, n)))
        .mmul(toMl(v, n, 1))
        .get(0, 0);
      expect(mahalanobisFromCholesky(l, v, n)).toBeCloseTo(q, 9);
      let det = 1;
      for (let i = 0; i < n; i++) det *= ref.lowerTriangularMatrix.get(i, i) ** 2;
      expect(logDetFromCholesky(l, n)).toBeCloseTo(Math.log(det), 9);
      const g = randomMat(n, n);
      const y = randomMat(n, 1);
      expectClose(solveLinear(g, y, n) ?? new Float64Array(0), solve(toMl(g, n, n), toMl(y, n, 1)));
    }
  });

  it("in-place Cholesky solve matches the out-of-place one", () => {
    const a = randomSpd(6);
    const l = new Float64Array(36);
    cholesky(a, 6, l);
    const b = randomMat(6, 2);
    const x = choleskySolve(l, b, 6, 2);
    choleskySolve(l, b, 6, 2, b);
    expect(Array.from(b)).toEqual(Array.from(x));
  });

  it("rejects matrices that are not positive definite", () => {
    const a = Float64Array.from([1, 2, 2, 1]);
    expect(cholesky(a, 2)).toBe(false);
    expect(spdInverse(Float64Array.from([0, 0, 0, 1]), 2)).toBe(false);
  });

  it("finds 2×2 eigenvalues and the major-axis angle", () => {
    const { l1, l2, theta } = symmetricEigen2(2, 1, 2);
    expect(l1).toBeCloseTo(3, 12);
    expect(l2).toBeCloseTo(1, 12);
    expect(theta).toBeCloseTo(Math.PI / 4, 12);
  });
});
