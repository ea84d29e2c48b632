import { describe, expect, it } from "vitest";
import { enuToEcef } from "../geo/earth.ts";
import { FORBIDDEN, solveAssignment } from "./assignment.ts";
import { GnnAssociator } from "./associator.ts";
import { type Hypothesis, MahalanobisHypothesiser } from "./hypothesiser.ts";
import { RadarMeasurementModel, wrapTo2Pi } from "./measurement.ts";
import { seededRandom, testRadar } from "./testing.ts";
import {
  ExtendedKalmanUpdater,
  type MeasurementPrediction,
  mahalanobis2,
  newMeasurementPrediction,
} from "./updater.ts";

function bruteForce(cost: Float64Array, rows: number, cols: number): number {
  let best = Number.POSITIVE_INFINITY;
  const used = new Array<boolean>(cols).fill(false);
  const go = (r: number, acc: number): void => {
    if (r === rows) {
      best = Math.min(best, acc);
      return;
    }
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue;
      used[c] = true;
      go(r + 1, acc + (cost[r * cols + c] as number));
      used[c] = false;
    }
  };
  go(0, 0);
  return best;
}

describe("solveAssignment", () => {
  it("finds the optimum of random rectangular problems (vs brute force)", () => {
    const rng = seededRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(rng.uniform() * 5);
      const cols = rows + Math.floor(rng.uniform() * 3);
      const cost = Float64Array.from({ length: rows * cols }, () => Math.floor(rng.uniform() * 100));
      const a = solveAssignment(cost, rows, cols);
      expect(new Set(a).size).toBe(rows);
      const total = Array.from(a).reduce((s, c, r) => s + (cost[r * cols + c] as number), 0);
      expect(total).toBe(bruteForce(cost, rows, cols));
    }
  });
});

describe("GnnAssociator", () => {
  it("picks the optimal joint assignment where greedy nearest neighbour fails", () => {
    // Greedy takes the closest pair A–1 (1) and is left with B–2 (30): total 31.
    // The optimum is A–2 (2) + B–1 (2) = 4.
    const hyps: Hypothesis[] = [
      { track: 0, detection: 0, distance2: 1 },
      { track: 0, detection: 1, distance2: 2 },
      { track: 1, detection: 0, distance2: 2 },
      { track: 1, detection: 1, distance2: 30 },
    ];
    const a = new GnnAssociator().associate(2, 2, hyps, () => 40);
    expect(Array.from(a.detectionOfTrack)).toEqual([1, 0]);
    expect(Array.from(a.trackOfDetection)).toEqual([1, 0]);
  });

  it("prefers a miss to a pairing costlier than the gate, and solves clusters independently", () => {
    const hyps: Hypothesis[] = [
      { track: 0, detection: 0, distance2: 1 },
      { track: 1, detection: 0, distance2: 3 },
      { track: 2, detection: 2, distance2: 5 },
      { track: 3, detection: 1, distance2: 12 },
    ];
    const a = new GnnAssociator().associate(5, 3, hyps, () => 10);
    expect(Array.from(a.detectionOfTrack)).toEqual([0, -1, 2, -1, -1]);
    expect(Array.from(a.trackOfDetection)).toEqual([0, -1, 2]);
  });

  it("treats FORBIDDEN as a huge cost", () => {
    expect(FORBIDDEN).toBeGreaterThan(1e12);
  });
});

describe("MahalanobisHypothesiser", () => {
  const radar = testRadar("r1", 36, 135);
  const model = new RadarMeasurementModel(radar, false);
  const updater = new ExtendedKalmanUpdater();

  function scene(nTracks: number, seed: number): { mps: MeasurementPrediction[]; zs: Float64Array[] } {
    const rng = seededRandom(seed);
    const mps: MeasurementPrediction[] = [];
    const zs: Float64Array[] = [];
    for (let i = 0; i < nTracks; i++) {
      // Targets clustered around north so gates straddle az = 0 / 2π.
      const east = (rng.uniform() - 0.5) * 200_000;
      const north = 600_000 + rng.uniform() * 300_000;
      const x = Float64Array.from([
        ...enuToEcef([east, north, 100_000 + rng.uniform() * 200_000], radar.position),
        0,
        0,
        0,
      ]);
      const P = new Float64Array(36);
      const s = 300 + rng.uniform() * 5000;
      for (let k = 0; k < 6; k++) P[k * 6 + k] = k < 3 ? s * s : 1e4;
      const mp = newMeasurementPrediction();
      updater.predictMeasurement({ t: 0, dim: 6, x, P }, model, mp);
      mps.push(mp);
      const z = model.measure(x, new Float64Array(3));
      z[0] = (z[0] as number) + rng.gaussian() * s;
      z[1] = wrapTo2Pi((z[1] as number) + (rng.gaussian() * s) / north);
      z[2] = (z[2] as number) + (rng.gaussian() * s) / north;
      zs.push(z);
    }
    return { mps, zs };
  }

  it("finds exactly the pairs a brute-force n × m gate finds, across north", () => {
    const h = new MahalanobisHypothesiser({ probability: 0.9997 });
    const { mps, zs } = scene(300, 5);
    const g = h.threshold(3);
    const brute = new Set<string>();
    const work = new Float64Array(8);
    mps.forEach((mp, i) => {
      zs.forEach((z, j) => {
        if (mahalanobis2(mp, z, work) <= g) brute.add(`${i}:${j}`);
      });
    });
    const found = new Set(h.hypothesise(model, mps, zs).map((x) => `${x.track}:${x.detection}`));
    expect(found.size).toBeGreaterThan(300); // true pairs plus neighbours
    expect([...found].sort()).toEqual([...brute].sort());
    const crossing = [...brute].filter((k) => {
      const [i, j] = k.split(":").map(Number);
      return Math.abs((mps[i as number]?.z[1] as number) - (zs[j as number]?.[1] as number)) > Math.PI;
    });
    expect(crossing.length).toBeGreaterThan(0);
  });

  it("does work proportional to n, not n × m, on a sparse scene", () => {
    const h = new MahalanobisHypothesiser();
    const n = 3000;
    const { mps, zs } = scene(n, 6);
    // Spread targets all round the radar so the scene is sparse.
    const rng = seededRandom(8);
    const sparseZs = zs.map((z) =>
      Float64Array.from([z[0] as number, rng.uniform() * 2 * Math.PI, z[2] as number]),
    );
    const sparseMps = mps.map((mp, i) => {
      mp.z[1] = sparseZs[i]?.[1] as number;
      return mp;
    });
    const found = h.hypothesise(model, sparseMps, sparseZs);
    expect(found.filter((x) => x.track === x.detection).length).toBeGreaterThan(n * 0.99);
    // Brute force would box-test n² = 9,000,000 pairs.
    expect(h.lastWork.candidates).toBeLessThan(20 * n);
    expect(h.lastWork.exact).toBeLessThanOrEqual(h.lastWork.candidates);
  });
});
