import { describe, expect, it } from "vitest";
import { geodeticToEcef, J2, OMEGA_EARTH, WGS84_A, WGS84_GM } from "../geo/earth.ts";
import { BallisticMotionModel, stateHeight } from "./ballistic.ts";
import { cholesky } from "./linalg.ts";

/** A state 300 km up over the Sea of Japan heading east at 3 km/s and climbing. */
function coastState(heightM: number, invBeta?: number): Float64Array {
  const r = geodeticToEcef({ latDeg: 39, lonDeg: 131, heightM });
  const up = [r[0], r[1], r[2]].map((c) => c / Math.hypot(...r));
  const east = [-Math.sin((131 * Math.PI) / 180), Math.cos((131 * Math.PI) / 180), 0];
  const v = [0, 1, 2].map((i) => 2800 * (east[i] as number) + 1200 * (up[i] as number));
  const x = [...r, ...v];
  if (invBeta !== undefined) x.push(invBeta);
  return Float64Array.from(x);
}

/** Jacobi integral of the rotating frame, conserved by J2 + rotation dynamics without drag. */
function jacobi(x: Float64Array): number {
  const [px, py, pz, vx, vy, vz] = Array.from(x) as [number, number, number, number, number, number];
  const r = Math.hypot(px, py, pz);
  const s = pz / r;
  const u = (-WGS84_GM / r) * (1 - ((J2 * (WGS84_A / r) ** 2) / 2) * (3 * s * s - 1));
  return 0.5 * (vx * vx + vy * vy + vz * vz) - 0.5 * OMEGA_EARTH ** 2 * (px * px + py * py) + u;
}

function fdTransition(model: BallisticMotionModel, x: Float64Array, dt: number): Float64Array {
  const n = model.dim;
  const phi = new Float64Array(n * n);
  const steps = [1, 1, 1, 0.01, 0.01, 0.01, 1e-6];
  for (let j = 0; j < n; j++) {
    const h = steps[j] as number;
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] = (xp[j] as number) + h;
    xm[j] = (xm[j] as number) - h;
    const fp = model.propagate(xp, dt, new Float64Array(n));
    const fm = model.propagate(xm, dt, new Float64Array(n));
    for (let i = 0; i < n; i++) phi[i * n + j] = ((fp[i] as number) - (fm[i] as number)) / (2 * h);
  }
  return phi;
}

function expectMatrixClose(a: Float64Array, b: Float64Array, n: number, rel: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const av = a[i * n + j] as number;
      const bv = b[i * n + j] as number;
      // Tiny cross-couplings are judged against 1 % of a unit entry, not their own size.
      const scale = Math.max(1e-2, Math.abs(bv));
      expect(Math.abs(av - bv) / scale, `Φ[${i},${j}] = ${av} vs FD ${bv}`).toBeLessThan(rel);
    }
  }
}

describe("BallisticMotionModel", () => {
  it("conserves the rotating-frame Jacobi integral over a 10-minute coast", () => {
    const model = new BallisticMotionModel({ maxStepS: 2 });
    const x0 = coastState(300_000);
    const x1 = model.propagate(x0, 600, new Float64Array(6));
    expect(Math.abs(jacobi(x1) - jacobi(x0)) / Math.abs(jacobi(x0))).toBeLessThan(1e-9);
    // and gravity pulls it down: it moved but stays bound, falling back over 10 min
    expect(stateHeight(x1)).toBeLessThan(stateHeight(model.propagate(x0, 300, new Float64Array(6))));
  });

  it("default 5 s steps agree with 0.25 s steps to a centimetre over a 10-minute coast", () => {
    const coarse = new BallisticMotionModel().propagate(coastState(300_000), 600, new Float64Array(6));
    const fine = new BallisticMotionModel({ maxStepS: 0.25 }).propagate(
      coastState(300_000),
      600,
      new Float64Array(6),
    );
    const err = Math.hypot(...[0, 1, 2].map((i) => (coarse[i] as number) - (fine[i] as number)));
    expect(err).toBeLessThan(0.01);
  });

  it("retraces its path when propagated backwards", () => {
    const model = new BallisticMotionModel({ drag: true, maxStepS: 0.5 });
    const x0 = coastState(40_000, 1 / 3000);
    const back = model.propagate(model.propagate(x0, 60, new Float64Array(7)), -60, new Float64Array(7));
    for (let i = 0; i < 3; i++) expect(Math.abs((back[i] as number) - (x0[i] as number))).toBeLessThan(1e-3);
  });

  it("takes short steps where a drag state meets the atmosphere (re-entry to 16 km, β = 8,000)", () => {
    // Descending at 4 km/s from 120 km: the deceleration changes over a scale height in ~2 s. With the
    // default 5 s steps there (before `maxDragStepS`) the state after 48 s was 3 m off a 0.05 s
    // reference, and impact points from exact states missed the simulated truth by up to 44 m.
    const r = geodeticToEcef({ latDeg: 41, lonDeg: 150, heightM: 120_000 });
    const up = [r[0], r[1], r[2]].map((c) => c / Math.hypot(...r));
    const east = [-Math.sin((150 * Math.PI) / 180), Math.cos((150 * Math.PI) / 180), 0];
    const v = [0, 1, 2].map((i) => 3500 * (east[i] as number) - 2000 * (up[i] as number));
    const x0 = Float64Array.from([...r, ...v, 1 / 8000]);
    const ref = new BallisticMotionModel({ drag: true, maxStepS: 0.05, maxDragStepS: 0.05 }).propagate(
      x0,
      48,
      new Float64Array(7),
    );
    expect(stateHeight(ref)).toBeLessThan(20_000);
    const miss = (m: BallisticMotionModel): number => {
      const x = m.propagate(x0, 48, new Float64Array(7));
      return Math.hypot(
        (x[0] as number) - (ref[0] as number),
        (x[1] as number) - (ref[1] as number),
        (x[2] as number) - (ref[2] as number),
      );
    };
    expect(miss(new BallisticMotionModel({ drag: true }))).toBeLessThan(0.05);
    expect(miss(new BallisticMotionModel({ drag: true, maxDragStepS: 5 }))).toBeGreaterThan(1);
    // The same steps for the transition matrix.
    const model = new BallisticMotionModel({ drag: true });
    const x1 = new Float64Array(7);
    model.propagateWithJacobian(x0, 48, x1, new Float64Array(49));
    const x2 = model.propagate(x0, 48, new Float64Array(7));
    for (let i = 0; i < 7; i++) expect(x1[i]).toBe(x2[i]);
  });

  it("slows down in the atmosphere in proportion to 1/β", () => {
    const model = new BallisticMotionModel({ drag: true, maxStepS: 0.5 });
    const light = model.propagate(coastState(20_000, 1 / 500), 10, new Float64Array(7));
    const heavy = model.propagate(coastState(20_000, 1 / 50_000), 10, new Float64Array(7));
    const speed = (x: Float64Array) => Math.hypot(x[3] as number, x[4] as number, x[5] as number);
    expect(speed(light)).toBeLessThan(speed(heavy) - 100);
  });

  it("transition matrix matches finite differences (gravity + rotation)", () => {
    const model = new BallisticMotionModel({ maxStepS: 1 });
    const x0 = coastState(300_000);
    const phi = new Float64Array(36);
    model.propagateWithJacobian(x0, 30, new Float64Array(6), phi);
    expectMatrixClose(phi, fdTransition(model, x0, 30), 6, 1e-5);
  });

  it("transition matrix matches finite differences with drag and 1/β in the atmosphere", () => {
    const model = new BallisticMotionModel({ drag: true, maxStepS: 0.25 });
    const x0 = coastState(25_000, 1 / 2000);
    const phi = new Float64Array(49);
    const x1 = new Float64Array(7);
    model.propagateWithJacobian(x0, 5, x1, phi);
    expectMatrixClose(x1, model.propagate(x0, 5, new Float64Array(7)), 1, 1e-12);
    expectMatrixClose(phi, fdTransition(model, x0, 5), 7, 1e-4);
    // Drag is not negligible here: ∂v/∂(1/β) is large.
    expect(Math.abs(phi[3 * 7 + 6] as number)).toBeGreaterThan(100);
  });

  it("process noise is symmetric positive definite and grows with time", () => {
    const model = new BallisticMotionModel({ drag: true, accelerationPsd: 4 });
    const q1 = model.processNoise(1, new Float64Array(49));
    const q10 = model.processNoise(10, new Float64Array(49));
    expect(cholesky(q1, 7)).toBe(true);
    expect(q1[3 * 7 + 0]).toBe(q1[0 * 7 + 3]);
    expect(q10[0]).toBeCloseTo((4 * 1000) / 3, 9);
    expect(q10[0] as number).toBeGreaterThan(q1[0] as number);
  });
});
