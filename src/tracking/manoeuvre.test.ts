import { describe, expect, it } from "vitest";
import { BallisticMotionModel } from "./ballistic.ts";
import { averagedChiSquareBand, nees } from "./consistency.ts";
import {
  addAccelerationPrediction,
  COAST,
  combineInto,
  ManoeuvreOptions,
  mixModes,
  newImmState,
  seedImm,
  THRUST,
  updateModeProbabilities,
} from "./manoeuvre.ts";
import type { TrackState } from "./state.ts";
import { coastState, radarDetection, seededRandom, testRadar } from "./testing.ts";
import { MultiTargetTracker } from "./tracker.ts";

const o = ManoeuvreOptions.parse({});

describe("IMM arithmetic", () => {
  const gauss = (t: number, x: number[], p: number) => {
    const n = x.length;
    const P = new Float64Array(n * n);
    for (let i = 0; i < n; i++) P[i * n + i] = p;
    return { t, dim: n, x: Float64Array.from(x), P };
  };

  it("mixes as the moment-matched mixture: spread of the means adds to the covariance", () => {
    const a = { dim: 2, x: Float64Array.from([0, 0]), P: Float64Array.from([1, 0, 0, 1]) };
    const b = { dim: 2, x: Float64Array.from([2, 0]), P: Float64Array.from([3, 0, 0, 1]) };
    const out = { dim: 2, x: new Float64Array(2), P: new Float64Array(4) };
    combineInto(a, b, 0.5, 0.5, 2, out);
    expect([...out.x]).toEqual([1, 0]);
    // 0.5·(1 + 1) + 0.5·(3 + 1) = 3 along x; 1 along y.
    expect([...out.P]).toEqual([3, 0, 0, 1]);
  });

  it("predicts mode probabilities through the Markov chain and mixes each mode's prior", () => {
    const imm = newImmState(gauss(0, [0, 0], 1), 0.5, undefined);
    imm.post[THRUST].x.set([4, 0]);
    mixModes(imm, 60, o);
    const pct = 0;
    const ptc = 1 - Math.exp(-60 / o.meanThrustS);
    expect(imm.cbar[COAST]).toBeCloseTo(0.5 * (1 - pct) + 0.5 * ptc, 12);
    expect(imm.cbar[THRUST]).toBeCloseTo(0.5 * pct + 0.5 * (1 - ptc), 12);
    // The coast prior leans to the coast posterior, the thrust prior to the thrust posterior.
    const wThrustInCoast = (0.5 * ptc) / (imm.cbar[COAST] as number);
    expect(imm.mixed[COAST].x[0]).toBeCloseTo(4 * wThrustInCoast, 12);
    expect(imm.mixed[THRUST].x[0]).toBeGreaterThan(2);
  });

  it("moves probability to the mode whose innovation likelihood is higher", () => {
    const imm = newImmState(gauss(0, [0], 1), 0.5, undefined);
    mixModes(imm, 1, o);
    updateModeProbabilities(imm, -1, -5);
    expect(imm.mu[COAST]).toBeGreaterThan(0.95);
    updateModeProbabilities(imm, Number.NEGATIVE_INFINITY, -5);
    expect(imm.mu[THRUST]).toBe(1);
  });
});

describe("coast and thrust tracking", () => {
  const radar = testRadar("r1", 37, 131, { updateIntervalS: 1 });
  const model = new BallisticMotionModel({ maxStepS: 0.5 });
  const T0 = 1_700_000_000;

  /** A truth under `accel` m/s² of thrust along its velocity for `burnS`, then coasting to `endS`. */
  const boostThenCoast = (accel: number, burnS: number, endS: number): Float64Array[] => {
    let x = coastState(39, 127.5, 80_000, 1200, 0, 1500);
    const truth: Float64Array[] = [];
    const sub = 10;
    for (let k = 0; k <= endS; k++) {
      truth.push(Float64Array.from(x));
      for (let s = 0; s < sub; s++) {
        const h = 1 / sub;
        x = model.propagate(x, h, new Float64Array(6));
        if (k + s * h >= burnS) continue;
        const v = Math.hypot(x[3] as number, x[4] as number, x[5] as number);
        for (let i = 0; i < 3; i++) {
          const u = (x[3 + i] as number) / v;
          x[i] = (x[i] as number) + 0.5 * accel * h * h * u;
          x[3 + i] = (x[3 + i] as number) + accel * h * u;
        }
      }
    }
    return truth;
  };

  it("keeps one track on an object under 25 m/s² of thrust, where the coast model alone loses it", () => {
    const truth = boostThenCoast(25, 60, 60);
    const confirmedTracks = (psd: number): number => {
      const rng = seededRandom(8);
      const tracker = new MultiTargetTracker([radar], { manoeuvre: { accelerationPsd: psd } });
      truth.forEach((s, k) => {
        tracker.processScan("r1", T0 + k, [radarDetection(radar, s, T0 + k, rng)]);
      });
      return tracker.tracks().filter((tr) => tr.confirmedT !== undefined).length;
    };
    expect(confirmedTracks(3000)).toBe(1);
    expect(confirmedTracks(0)).toBeGreaterThan(1);
  });

  it("holds a track begun under 40 m/s² of thrust through burnout with a covariance that covers its error", () => {
    // The adjustable level this replaced turned itself off under thrust (its innovations looked fine
    // with the thrust PSD): here it lost the object in 55 of 100 runs, and its mean NEES was 20–60 in
    // boost and 13 two seconds after burnout. The white-noise thrust mode then peaked ~40 % high at
    // +10 s while the coast mode took over; the thrust mode that estimates its acceleration never reads
    // high, and is cautious (4.2–4.9 here) until the boost's covariance has been worked off.
    const burnS = 30;
    const truth = boostThenCoast(40, burnS, burnS + 60);
    const offsets = [2, 5, 10, 20, 40, 60];
    const settled = new Set([40, 60]);
    const runs = 100;
    const [lo, hi] = averagedChiSquareBand(6, runs, 0.99);
    const means = (estimateAcceleration: boolean): number[] => {
      const sums = offsets.map(() => 0);
      let kept = 0;
      for (let seed = 1; seed <= runs; seed++) {
        const rng = seededRandom(seed);
        const tracker = new MultiTargetTracker([radar], { manoeuvre: { estimateAcceleration } });
        truth.forEach((s, k) => {
          tracker.processScan("r1", T0 + k, [radarDetection(radar, s, T0 + k, rng)]);
        });
        // A detection that once falls outside the gate starts a tentative track that is soon rejected.
        const tracks = tracker.tracks().filter((tr) => tr.confirmedT !== undefined);
        if (tracks.length !== 1) continue;
        kept++;
        const states = (tracks[0] as (typeof tracks)[number]).states;
        offsets.forEach((off, i) => {
          const k = burnS + off;
          const s = states.find((st) => st.t === T0 + k) as TrackState;
          sums[i] = (sums[i] as number) + nees(s, truth[k] as Float64Array, 6);
        });
      }
      expect(kept).toBe(runs);
      return sums.map((v) => v / runs);
    };
    const estimated = means(true);
    // White-noise thrust (the same chain) reads high after burnout here: 10.1, 9.0, 8.5 at +2, +5, +10 s.
    expect(Math.max(...means(false).slice(0, 3))).toBeGreaterThan(hi);
    offsets.forEach((off, i) => {
      const mean = estimated[i] as number;
      expect(mean).toBeLessThan(hi);
      expect(mean).toBeGreaterThan(settled.has(off) ? lo : 0.65 * 6);
    });
  });
});

describe("a track begun on the way down", () => {
  const radar = testRadar("r1", 37, 131, { updateIntervalS: 1 });
  const model = new BallisticMotionModel({ maxStepS: 0.5 });
  const T0 = 1_700_000_000;

  /** Thrust probability of the one track, scan by scan, over a coasting target 2 km/s downwards. */
  const thrustProbabilities = (dropOnDescent: boolean, up: number): number[] => {
    let x = coastState(39, 129, 400_000, 1500, 0, up);
    const rng = seededRandom(3);
    const tracker = new MultiTargetTracker([radar], { manoeuvre: { dropOnDescent } });
    const out: number[] = [];
    for (let k = 0; k < 20; k++) {
      tracker.processScan("r1", T0 + k, [radarDetection(radar, x, T0 + k, rng)]);
      const live = tracker.liveTracks();
      expect(live).toHaveLength(1);
      out.push(tracker.thrustProbability((live[0] as (typeof live)[number]).id));
      x = model.propagate(x, 1, new Float64Array(6));
    }
    return out;
  };

  it("drops the thrust mode as soon as it knows the target descends", () => {
    const dropped = thrustProbabilities(true, -2000);
    // Begun from one detection (only the range rate for velocity), it cannot yet tell up from down.
    expect(dropped[0]).toBe(o.initialProbability);
    const at = dropped.indexOf(0);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(4);
    expect(dropped.slice(at).every((p) => p === 0)).toBe(true);
    // As before: the chain wears the thrust mode down over some 20 s, and the mixture carries its
    // covariance meanwhile (2023-12-18 JPN read cautious in its first 20 s).
    const kept = thrustProbabilities(false, -2000);
    expect(kept[at + 2]).toBeGreaterThan(1e-3);
  });

  it("keeps it on a target that rises", () => {
    expect(
      thrustProbabilities(true, 2000)
        .slice(0, 3)
        .every((p) => p > 0),
    ).toBe(true);
  });
});

describe("the thrust mode's acceleration states", () => {
  it("predicts as F·P·Fᵀ + Q for the kinematic transition with the acceleration appended", () => {
    const n = 6;
    const m = 9;
    const dt = 1.5;
    const q = 7;
    // A random positive-definite prior (A·Aᵀ + I).
    const rng = seededRandom(3);
    const A = Array.from({ length: m * m }, () => rng.gaussian());
    const P0 = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        let v = i === j ? 1 : 0;
        for (let k = 0; k < m; k++) v += (A[i * m + k] as number) * (A[j * m + k] as number);
        P0[i * m + j] = v;
      }
    const x0 = Float64Array.from({ length: m }, () => rng.gaussian() * 10);
    // Reference: F = [[I, dt·I, dt²/2·I], [0, I, dt·I], [0, 0, I]], Q the white-noise-jerk block.
    const F = new Float64Array(m * m);
    for (let i = 0; i < m; i++) F[i * m + i] = 1;
    for (let k = 0; k < 3; k++) {
      F[k * m + 3 + k] = dt;
      F[k * m + 6 + k] = (dt * dt) / 2;
      F[(3 + k) * m + 6 + k] = dt;
    }
    const Q = new Float64Array(m * m);
    const qb = [
      [dt ** 5 / 20, dt ** 4 / 8, dt ** 3 / 6],
      [dt ** 4 / 8, dt ** 3 / 3, dt ** 2 / 2],
      [dt ** 3 / 6, dt ** 2 / 2, dt],
    ];
    for (let k = 0; k < 3; k++)
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) Q[(3 * a + k) * m + 3 * b + k] = q * (qb[a]?.[b] as number);
    const mul = (X: Float64Array, Y: Float64Array, tY = false): Float64Array => {
      const out = new Float64Array(m * m);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) {
          let v = 0;
          for (let k = 0; k < m; k++)
            v += (X[i * m + k] as number) * (tY ? (Y[j * m + k] as number) : (Y[k * m + j] as number));
          out[i * m + j] = v;
        }
      return out;
    };
    const refP = mul(mul(F, P0), F, true);
    for (let i = 0; i < m * m; i++) refP[i] = (refP[i] as number) + (Q[i] as number);
    const refX = new Float64Array(m);
    for (let i = 0; i < m; i++)
      for (let k = 0; k < m; k++)
        refX[i] = (refX[i] as number) + (F[i * m + k] as number) * (x0[k] as number);
    // The function under test gets the base block predicted by the kinematic Φ alone (stride n).
    const out = { dim: m, x: new Float64Array(m), P: new Float64Array(m * m) };
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += (F[i * m + k] as number) * (x0[k] as number);
      out.x[i] = v;
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++)
          for (let l = 0; l < n; l++)
            v += (F[i * m + k] as number) * (P0[k * m + l] as number) * (F[j * m + l] as number);
        out.P[i * n + j] = v;
      }
    addAccelerationPrediction({ dim: m, x: x0, P: P0 }, n, dt, q, out);
    for (let i = 0; i < m; i++) expect(out.x[i]).toBeCloseTo(refX[i] as number, 9);
    for (let i = 0; i < m * m; i++)
      expect(Math.abs((out.P[i] as number) - (refP[i] as number))).toBeLessThan(
        1e-9 * (1 + Math.abs(refP[i] as number)),
      );
  });

  it("keeps the thrust mode's acceleration when a state the modes did not produce re-seeds them", () => {
    const s = { t: 0, dim: 6, x: new Float64Array(6), P: new Float64Array(36) };
    for (let i = 0; i < 6; i++) s.P[i * 6 + i] = 1;
    const imm = newImmState(s, 0.5, undefined, 3, 30);
    expect(imm.post[THRUST].P[6 * 9 + 6]).toBe(900);
    imm.post[THRUST].x[7] = 42;
    seedImm(imm, { ...s, t: 1 }, undefined);
    expect(imm.post[THRUST].x[7]).toBe(42);
    expect(imm.post[THRUST].P[6 * 9 + 6]).toBe(900);
    expect(imm.post[THRUST].P[0 * 9 + 6]).toBe(0);
  });
});
