import { describe, expect, it } from "vitest";
import { BallisticMotionModel } from "./ballistic.ts";
import { averagedChiSquareBand, nees } from "./consistency.ts";
import {
  COAST,
  combineInto,
  ManoeuvreOptions,
  mixModes,
  newImmState,
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
    const a = { x: Float64Array.from([0, 0]), P: Float64Array.from([1, 0, 0, 1]) };
    const b = { x: Float64Array.from([2, 0]), P: Float64Array.from([3, 0, 0, 1]) };
    const out = { x: new Float64Array(2), P: new Float64Array(4) };
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
    // boost and 13 two seconds after burnout.
    const burnS = 30;
    const truth = boostThenCoast(40, burnS, burnS + 60);
    const offsets = [2, 5, 10, 20, 40, 60];
    // Inside the 99 % band at +2 s and from +20 s; in between the coast mode takes over while it still
    // carries part of the boost lag, and the NEES peaks ~40 % high (8.3 at +10 s in these runs).
    const transition = new Set([5, 10]);
    const runs = 100;
    const sums = offsets.map(() => 0);
    let kept = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const rng = seededRandom(seed);
      const tracker = new MultiTargetTracker([radar]);
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
    const [lo, hi] = averagedChiSquareBand(6, runs, 0.99);
    offsets.forEach((off, i) => {
      const mean = (sums[i] as number) / runs;
      expect(mean).toBeGreaterThan(lo);
      expect(mean).toBeLessThan(transition.has(off) ? 1.5 * 6 : hi);
    });
  });
});
