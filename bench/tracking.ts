/**
 * Tracking throughput on one core: EKF and UKF predict+update rates for a 6-state ballistic track and a
 * 3-D radar measurement, and the wall time of one tracker scan with 1, 100 and 1,000 objects in view,
 * with each track's coast/thrust IMM (the default) and with the coast model alone. Rates are given per
 * wall-clock second and per CPU-second of this process (process.cpuUsage), which other processes on a
 * shared machine disturb much less.
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

/** Wall and CPU seconds of `run`. */
function timed(run: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  run();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function filterRate(
  predictor: Predictor,
  updater: Updater,
  dt: number,
  iterations: number,
): { wall: number; cpu: number } {
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
  const s = timed(() => {
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
  });
  return { wall: iterations / s.wall, cpu: iterations / s.cpu };
}

function scanTime(
  objects: number,
  warmScans: number,
  timedScans: number,
  thrustPsd?: number | "white",
): { msPerScan: number; cpuMsPerScan: number; confirmed: number } {
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
  const tracker = new MultiTargetTracker([radar], {
    deleter: { minHeightM: -1e9 },
    ...(thrustPsd === undefined
      ? {}
      : thrustPsd === "white"
        ? { manoeuvre: { estimateAcceleration: false } }
        : { manoeuvre: { accelerationPsd: thrustPsd } }),
  });
  const dt = 2;
  let wall = 0;
  let cpu = 0;
  for (let k = 0; k < warmScans + timedScans; k++) {
    const t = k * dt;
    const dets = truths.map((x) => radarDetection(radar, x, t, rng)).filter((d) => d.elevationRad > 0);
    const s = timed(() => tracker.processScan(radar.id, t, dets));
    if (k >= warmScans) {
      wall += s.wall;
      cpu += s.cpu;
    }
    for (const x of truths) model.propagate(x, dt, x);
  }
  const confirmed = tracker.liveTracks().filter((tr) => tr.status === "confirmed").length;
  return { msPerScan: (1000 * wall) / timedScans, cpuMsPerScan: (1000 * cpu) / timedScans, confirmed };
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
const rate = (r: { wall: number; cpu: number }): string =>
  `${fmt(r.wall)} updates/s (${fmt(r.cpu)} per CPU-s)`;
console.log("6-state ballistic track, 3-D radar update, prediction included, one core:");
console.log(`  EKF  dt=1 s (1 RK4 step): ${rate(ekf1)}`);
console.log(`  EKF  dt=5 s (1 RK4 step): ${rate(ekf5)}`);
console.log(
  `  UKF  dt=1 s:               ${rate(ukf1)}  (EKF/UKF ${(ekf1.cpu / ukf1.cpu).toFixed(1)}× per CPU-s)`,
);
console.log(
  `  UKF  dt=5 s:               ${rate(ukf5)}  (EKF/UKF ${(ekf5.cpu / ukf5.cpu).toFixed(1)}× per CPU-s)`,
);
console.log(
  "Tracker scan (EKF, one radar, Pd = 1, no clutter, 2 s scans; 8 warm-up scans, then 60 timed, 20 for 1,000):",
);
for (const n of [1, 100, 1000]) {
  const [imm, coast, white] = [undefined, 0, "white" as const].map((psd) =>
    scanTime(n, 8, n >= 1000 ? 20 : 60, psd),
  ) as [ReturnType<typeof scanTime>, ReturnType<typeof scanTime>, ReturnType<typeof scanTime>];
  console.log(
    `  ${String(n).padStart(5)} objects: ${imm.msPerScan.toFixed(3)} ms/scan (${imm.cpuMsPerScan.toFixed(3)} CPU), ${(
      (1000 * imm.cpuMsPerScan) / n
    ).toFixed(1)} CPU-µs/object, ${imm.confirmed} confirmed; coast model alone ${coast.cpuMsPerScan.toFixed(
      3,
    )} CPU-ms (IMM ×${(imm.cpuMsPerScan / coast.cpuMsPerScan).toFixed(2)}); white-noise thrust mode ${white.cpuMsPerScan.toFixed(
      3,
    )} CPU-ms`,
  );
}
