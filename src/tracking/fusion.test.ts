import { describe, expect, it } from "vitest";
import { BallisticMotionModel } from "./ballistic.ts";
import { nees } from "./consistency.ts";
import { CovarianceIntersectionFuser, embedKinematicState } from "./fusion.ts";
import { cholesky, logDetFromCholesky, matMulABt, spdInverse, trace } from "./linalg.ts";
import type { GaussianState } from "./state.ts";
import { coastState, radarDetection, type SeededRandom, seededRandom, testRadar } from "./testing.ts";
import { MultiTargetTracker } from "./tracker.ts";

function randomSpd(n: number, rng: SeededRandom, scale: number): Float64Array {
  const a = Float64Array.from({ length: n * n }, () => rng.gaussian() * scale);
  const p = matMulABt(a, a, n, n, n);
  for (let i = 0; i < n; i++) p[i * n + i] = (p[i * n + i] as number) + 0.1 * scale * scale;
  return p;
}

function logDet(p: Float64Array, n: number): number {
  const l = new Float64Array(n * n);
  cholesky(p, n, l);
  return logDetFromCholesky(l, n);
}

function draw(cov: Float64Array, n: number, rng: SeededRandom): Float64Array {
  const l = new Float64Array(n * n);
  cholesky(cov, n, l);
  const g = Array.from({ length: n }, () => rng.gaussian());
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j <= i; j++) s += (l[i * n + j] as number) * (g[j] as number);
    return s;
  });
}

describe("CovarianceIntersectionFuser", () => {
  it("never returns a covariance larger (trace) than the better input", () => {
    const rng = seededRandom(21);
    const fuser = new CovarianceIntersectionFuser({ criterion: "trace" });
    for (let trial = 0; trial < 100; trial++) {
      const n = 6;
      const a: GaussianState = {
        t: 0,
        dim: n,
        x: new Float64Array(n),
        P: randomSpd(n, rng, 1 + rng.uniform() * 10),
      };
      const b: GaussianState = {
        t: 0,
        dim: n,
        x: new Float64Array(n),
        P: randomSpd(n, rng, 1 + rng.uniform() * 10),
      };
      const f = fuser.fuse(a, b);
      expect(trace(f.P, n)).toBeLessThanOrEqual(Math.min(trace(a.P, n), trace(b.P, n)) * (1 + 1e-12));
      expect(f.omega).toBeGreaterThanOrEqual(0);
      expect(f.omega).toBeLessThanOrEqual(1);
      expect(cholesky(f.P, n)).toBe(true);
    }
  });

  it("minimises the determinant when asked, below both inputs", () => {
    const rng = seededRandom(22);
    const fuser = new CovarianceIntersectionFuser({ criterion: "determinant" });
    for (let trial = 0; trial < 50; trial++) {
      const a: GaussianState = { t: 0, dim: 4, x: new Float64Array(4), P: randomSpd(4, rng, 3) };
      const b: GaussianState = { t: 0, dim: 4, x: new Float64Array(4), P: randomSpd(4, rng, 3) };
      const f = fuser.fuse(a, b);
      expect(logDet(f.P, 4)).toBeLessThanOrEqual(Math.min(logDet(a.P, 4), logDet(b.P, 4)) + 1e-9);
      // and no other ω on a grid does better
      for (let w = 0; w <= 1; w += 0.05) {
        const ai = new Float64Array(16);
        const bi = new Float64Array(16);
        spdInverse(a.P, 4, ai);
        spdInverse(b.P, 4, bi);
        const info = ai.map((v, i) => w * v + (1 - w) * (bi[i] as number));
        const p = new Float64Array(16);
        spdInverse(info, 4, p);
        expect(logDet(f.P, 4)).toBeLessThanOrEqual(logDet(p, 4) + 1e-6);
      }
    }
  });

  it("stays consistent when the two estimates share an unknown common error; naive fusion does not", () => {
    const rng = seededRandom(23);
    const n = 3;
    const common = Float64Array.from([4, 1, 0, 1, 3, 0.5, 0, 0.5, 2]);
    const own = Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, 1]);
    const pa = common.map((v, i) => v + (own[i] as number));
    const pb = common.map((v, i) => v + (i % 4 === 0 ? 1.5 : 0));
    const fuser = new CovarianceIntersectionFuser();
    let ciNees = 0;
    let naiveNees = 0;
    const runs = 3000;
    for (let r = 0; r < runs; r++) {
      const c = draw(common, n, rng);
      const ea = draw(own, n, rng);
      const eb = draw(Float64Array.from([1.5, 0, 0, 0, 1.5, 0, 0, 0, 1.5]), n, rng);
      const a: GaussianState = { t: 0, dim: n, x: c.map((v, i) => v + (ea[i] as number)), P: pa };
      const b: GaussianState = { t: 0, dim: n, x: c.map((v, i) => v + (eb[i] as number)), P: pb };
      const f = fuser.fuse(a, b);
      ciNees += nees({ t: 0, dim: n, x: f.x, P: f.P }, [0, 0, 0]);
      // Naive (independent) fusion: P = (A⁻¹ + B⁻¹)⁻¹.
      const ai = new Float64Array(9);
      const bi = new Float64Array(9);
      spdInverse(pa, n, ai);
      spdInverse(pb, n, bi);
      const p = new Float64Array(9);
      spdInverse(
        ai.map((v, i) => v + (bi[i] as number)),
        n,
        p,
      );
      const y = Float64Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let j = 0; j < n; j++)
          s +=
            (ai[i * n + j] as number) * (a.x[j] as number) + (bi[i * n + j] as number) * (b.x[j] as number);
        return s;
      });
      const x = Float64Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let j = 0; j < n; j++) s += (p[i * n + j] as number) * (y[j] as number);
        return s;
      });
      naiveNees += nees({ t: 0, dim: n, x, P: p }, [0, 0, 0]);
    }
    expect(ciNees / runs).toBeLessThanOrEqual(n * 1.05);
    expect(naiveNees / runs).toBeGreaterThan(n * 1.3);
  });

  it("refuses states at different times or of different dimensions", () => {
    const fuser = new CovarianceIntersectionFuser();
    const a: GaussianState = { t: 0, dim: 1, x: Float64Array.of(0), P: Float64Array.of(1) };
    expect(() => fuser.fuse(a, { ...a, t: 1 })).toThrow(/different times/);
    expect(() =>
      fuser.fuse(a, { t: 0, dim: 2, x: new Float64Array(2), P: Float64Array.of(1, 0, 0, 1) }),
    ).toThrow(/dimension/);
    expect(
      embedKinematicState({ t: 0, dim: 6, x: new Float64Array(6), P: new Float64Array(36) }, 1e-4).dim,
    ).toBe(7);
  });
});

describe("MultiTargetTracker partner fusion", () => {
  it("correlates a partner track with ours and fuses it with provenance", () => {
    const radar = testRadar("r1", 35.5, 133);
    const model = new BallisticMotionModel({ maxStepS: 1 });
    const x0 = coastState(38.5, 129, 250_000, 2600, -700, 900);
    const rng = seededRandom(5);
    const tracker = new MultiTargetTracker([radar], { motion: { drag: true } });
    const T0 = 1_700_000_000;
    for (let k = 0; k < 8; k++) {
      const t = T0 + 5 * k;
      tracker.processScan("r1", t, [
        radarDetection(radar, model.propagate(x0, 5 * k, new Float64Array(6)), t, rng),
      ]);
    }
    const [track] = tracker.liveTracks();
    expect(track?.status).toBe("confirmed");
    // A partner's 6-state track at a later time: truth plus 300 m / 10 m/s errors.
    const truth = model.propagate(x0, 37, new Float64Array(6));
    const P = new Float64Array(36);
    for (let i = 0; i < 6; i++) P[i * 6 + i] = i < 3 ? 300 ** 2 : 10 ** 2;
    const partner: GaussianState = { t: T0 + 37, dim: 6, x: truth.map((v, i) => v + (i < 3 ? 200 : 5)), P };
    const id = tracker.correlatePartnerTrack(partner);
    expect(id).toBe(track?.id);
    const before = tracker.predictState(id ?? "", T0 + 37);
    const fused = tracker.fusePartnerTrack(id ?? "", partner, "KOR", "K-17");
    expect(fused.provenance).toEqual({ kind: "fused", partner: "KOR", partnerTrackId: "K-17" });
    expect(fused.t).toBe(T0 + 37);
    expect(before.provenance).toEqual({ kind: "predicted" });
    const tr = (p: Float64Array) => (p[0] as number) + (p[8] as number) + (p[16] as number);
    expect(tr(fused.P)).toBeLessThanOrEqual(tr(before.P) * (1 + 1e-9));
    expect(tracker.track(id ?? "")?.states.at(-1)).toBe(fused);
    // A partner track far away correlates with nothing.
    const far = { ...partner, x: partner.x.map((v, i) => (i === 0 ? v + 500_000 : v)) };
    expect(tracker.correlatePartnerTrack(far)).toBeUndefined();
  });
});
