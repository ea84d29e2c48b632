/**
 * Tracking throughput on one core: EKF and UKF predict+update rates for a 6-state ballistic track and a
 * 3-D radar measurement, and the wall time of one tracker scan with 1, 100 and 1,000 objects in view.
 * Run: npx tsx bench/tracking.ts
 */
import { BallisticMotionModel } from "../src/tracking/ballistic.ts";
import { RadarMeasurementModel } from "../src/tracking/measurement.ts";
import {
  ExtendedKalmanPredictor,
  type Predictor,
  UnscentedKalmanPredictor,
} from "../src/tracking/predictor.ts";
import { coastState, radarDetection, seededRandom, testRadar } from "../src/tracking/testing.ts";
import { MultiTargetTracker } from "../src/tracking/tracker.ts";
import {
  ExtendedKalmanUpdater,
  newMeasurementPrediction,
  UnscentedKalmanUpdater,
  type Updater,
} from "../src/tracking/updater.ts";

const radar = testRadar("bench-r", 37, 131.5, { sigmaRangeRateMps: undefined, maxRangeM: 4_000_000 });
const measurement = new RadarMeasurementModel(radar, false);

function filterRate(predictor: Predictor, updater: Updater, dt: number, iterations: number): number {
  const model = new BallisticMotionModel();
  const truth = coastState(38.5, 129, 250_000, 2600, -700, 900);
  const x = Float64Array.from(truth);
  const P = new Float64Array(36);
  for (let i = 0; i < 6; i++) P[i * 6 + i] = i < 3 ? 500 ** 2 : 50 ** 2;
  const xp = new Float64Array(6);
  const Pp = new Float64Array(36);
  const state = { t: 0, dim: 6, x, P };
  const pred = { t: 0, dim: 6, x: xp, P: Pp };
  const mp = newMeasurementPrediction();
  // Measurements of the true arc, made before timing; the track restarts from the truth every 50 steps.
  const arc = 50;
  const zs: Float64Array[] = [];
  const tx = Float64Array.from(truth);
  for (let k = 0; k < arc; k++) {
    model.propagate(tx, dt, tx);
    zs.push(measurement.measure(tx, new Float64Array(3)));
  }
  const start = performance.now();
  for (let k = 0; k < iterations; k++) {
    const step = k % arc;
    if (step === 0) {
      x.set(truth);
      state.t = 0;
    }
    pred.t = state.t + dt;
    predictor.predictInto(state, pred.t, xp, Pp);
    updater.predictMeasurement(pred, measurement, mp);
    updater.update(pred, mp, zs[step] as Float64Array, x, P);
    state.t = pred.t;
  }
  const seconds = (performance.now() - start) / 1000;
  return iterations / seconds;
}

function scanTime(
  objects: number,
  warmScans: number,
  timedScans: number,
): { msPerScan: number; confirmed: number } {
  const rng = seededRandom(objects);
  const model = new BallisticMotionModel();
  // Objects scattered over the radar's coverage, 200–700 km up and climbing, 2–5 km/s horizontally.
  const truths = Array.from({ length: objects }, () => {
    const lat = 33 + rng.uniform() * 12;
    const lon = 124 + rng.uniform() * 16;
    const speed = 2000 + rng.uniform() * 3000;
    const heading = rng.uniform() * 2 * Math.PI;
    const up = 1000 + rng.uniform() * 1000;
    return coastState(
      lat,
      lon,
      200_000 + rng.uniform() * 500_000,
      speed * Math.sin(heading),
      speed * Math.cos(heading),
      up,
    );
  });
  const tracker = new MultiTargetTracker([radar], { deleter: { minHeightM: -1e9 } });
  const dt = 2;
  let timed = 0;
  for (let k = 0; k < warmScans + timedScans; k++) {
    const t = k * dt;
    const dets = truths.map((x) => radarDetection(radar, x, t, rng)).filter((d) => d.elevationRad > 0);
    const start = performance.now();
    tracker.processScan(radar.id, t, dets);
    if (k >= warmScans) timed += performance.now() - start;
    for (const x of truths) model.propagate(x, dt, x);
  }
  const confirmed = tracker.liveTracks().filter((tr) => tr.status === "confirmed").length;
  return { msPerScan: timed / timedScans, confirmed };
}

const ekf1 = filterRate(
  new ExtendedKalmanPredictor(new BallisticMotionModel()),
  new ExtendedKalmanUpdater(),
  1,
  300_000,
);
const ekf5 = filterRate(
  new ExtendedKalmanPredictor(new BallisticMotionModel()),
  new ExtendedKalmanUpdater(),
  5,
  200_000,
);
const ukfOpts = { alpha: 1, beta: 2, kappa: 0 };
const ukf1 = filterRate(
  new UnscentedKalmanPredictor(new BallisticMotionModel(), ukfOpts),
  new UnscentedKalmanUpdater(ukfOpts),
  1,
  50_000,
);
const ukf5 = filterRate(
  new UnscentedKalmanPredictor(new BallisticMotionModel(), ukfOpts),
  new UnscentedKalmanUpdater(ukfOpts),
  5,
  30_000,
);
const fmt = (v: number): string => Math.round(v).toLocaleString("en-US");
console.log("6-state ballistic track, 3-D radar update, prediction included, one core:");
console.log(`  EKF  dt=1 s (1 RK4 step): ${fmt(ekf1)} updates/s`);
console.log(`  EKF  dt=5 s (1 RK4 step): ${fmt(ekf5)} updates/s`);
console.log(`  UKF  dt=1 s:               ${fmt(ukf1)} updates/s  (EKF/UKF ${(ekf1 / ukf1).toFixed(1)}×)`);
console.log(`  UKF  dt=5 s:               ${fmt(ukf5)} updates/s  (EKF/UKF ${(ekf5 / ukf5).toFixed(1)}×)`);
console.log(
  "Tracker scan (EKF, one radar, Pd = 1, no clutter, 2 s scans; 8 warm-up scans, then 60 timed, 20 for 1,000):",
);
for (const n of [1, 100, 1000]) {
  const r = scanTime(n, 8, n >= 1000 ? 20 : 60);
  console.log(
    `  ${String(n).padStart(5)} objects: ${r.msPerScan.toFixed(3)} ms/scan, ${(
      (1000 * r.msPerScan) / n
    ).toFixed(1)} µs/object, ${r.confirmed} confirmed`,
  );
}
