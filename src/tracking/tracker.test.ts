import { describe, expect, it } from "vitest";
import { geodeticToEcef } from "../geo/earth.ts";
import type { Detection } from "../model/sensing.ts";
import { BallisticMotionModel, stateHeight } from "./ballistic.ts";
import { MOfNInitiator } from "./initiator.ts";
import { RadarMeasurementModel } from "./measurement.ts";
import { coastState, falseAlarm, radarDetection, seededRandom, testRadar } from "./testing.ts";
import { MultiTargetTracker, TrackerOptions } from "./tracker.ts";

const radar = testRadar("r1", 35.5, 133);
const radarEcef = geodeticToEcef({ latDeg: 35.5, lonDeg: 133, heightM: 20 });
const truthModel = new BallisticMotionModel({ maxStepS: 1 });
const T0 = 1_700_000_000;

function truthAt(k: number, dt = 5): Float64Array {
  const x0 = coastState(38.5, 129, 250_000, 2600, -700, 900);
  return truthModel.propagate(x0, k * dt, new Float64Array(6));
}

function posError(a: Float64Array, b: Float64Array): number {
  return Math.hypot(
    (a[0] as number) - (b[0] as number),
    (a[1] as number) - (b[1] as number),
    (a[2] as number) - (b[2] as number),
  );
}

describe("MOfNInitiator", () => {
  it("confirms on the M-th hit within N opportunities and rejects when M is out of reach", () => {
    const init = new MOfNInitiator({ m: 3, n: 4 });
    const w: boolean[] = [];
    expect(init.record(w, true)).toBe("tentative");
    expect(init.record(w, true)).toBe("tentative");
    expect(init.record(w, false)).toBe("tentative");
    expect(init.record(w, true)).toBe("confirmed");
    const v: boolean[] = [];
    init.record(v, true);
    expect(init.record(v, false)).toBe("tentative");
    expect(init.record(v, false)).toBe("rejected");
  });

  it("refuses M > N", () => {
    expect(() => new MOfNInitiator({ m: 5, n: 4 })).toThrow(/M must not exceed N/);
  });

  it("places the initial state at the detection with covariance from the radar's sigmas", () => {
    const init = new MOfNInitiator();
    const x = truthAt(0);
    const d = radarDetection(radar, x, T0, seededRandom(1));
    const s = init.initiate(radar, d, 7);
    expect(s?.provenance).toEqual({ kind: "initiated", sensorId: "r1" });
    const back = new RadarMeasurementModel(radar, true).measure(
      s?.x ?? new Float64Array(7),
      new Float64Array(4),
    );
    expect(back[0]).toBeCloseTo(d.rangeM ?? 0, 3);
    expect(back[3]).toBeCloseTo(d.rangeRateMps ?? 0, 3);
    // cross-range σ ≈ range × 1 mrad
    const P = s?.P ?? new Float64Array(49);
    const sigmaPos = Math.sqrt((P[0] as number) + (P[8] as number) + (P[16] as number));
    expect(sigmaPos).toBeGreaterThan(0.001 * (d.rangeM ?? 0));
    expect(sigmaPos).toBeLessThan(0.002 * (d.rangeM ?? 0));
    expect(s?.x[6]).toBe(2e-4);
  });
});

describe("MOfNInitiator's velocity along the line of sight", () => {
  // The range rate is measured along the true line of sight, the state puts it along the measured one:
  // the velocity across the line of sight leaks in through the angle errors. Draw both from the
  // initiator's own prior and the radar's noise, and compare the spread of the velocity error along the
  // measured line of sight with the variance the initiator states for it.
  const precise = testRadar("p1", 35.5, 133, {
    sigmaRangeM: 5,
    sigmaAzimuthRad: 3e-4,
    sigmaElevationRad: 3e-4,
    sigmaRangeRateMps: 1,
  });
  const init = new MOfNInitiator();
  const sigmaAcross = init.options.velocitySigmaMps;

  it("states the variance the range rate and the angle errors give it together", () => {
    const rng = seededRandom(7);
    const base = coastState(38.5, 131, 250_000, 0, 0, 0);
    const runs = 4000;
    let sumRatio = 0;
    for (let k = 0; k < runs; k++) {
      // A velocity drawn across the true line of sight (σ of the prior), none along it.
      const los = [0, 1, 2].map((i) => (base[i] as number) - (radarEcef[i] as number));
      const n = Math.hypot(los[0] as number, los[1] as number, los[2] as number);
      const l = los.map((v) => v / n);
      const g = [rng.gaussian(), rng.gaussian(), rng.gaussian()].map((v) => v * sigmaAcross);
      const dot = g.reduce((s, v, i) => s + v * (l[i] as number), 0);
      const x = Float64Array.from(base);
      for (let i = 0; i < 3; i++) x[3 + i] = (g[i] as number) - dot * (l[i] as number);
      const d = radarDetection(precise, x, T0, rng);
      const s = init.initiate(precise, d, 6) as NonNullable<ReturnType<typeof init.initiate>>;
      // The measured line of sight, from the detection's angles, in ECEF.
      const m = [0, 1, 2].map((i) => (s.x[i] as number) - (radarEcef[i] as number));
      const mn = Math.hypot(m[0] as number, m[1] as number, m[2] as number);
      const u = m.map((v) => v / mn);
      let err = 0;
      let variance = 0;
      for (let i = 0; i < 3; i++) {
        err += ((s.x[3 + i] as number) - (x[3 + i] as number)) * (u[i] as number);
        for (let j = 0; j < 3; j++)
          variance += (u[i] as number) * (s.P[(3 + i) * 6 + 3 + j] as number) * (u[j] as number);
      }
      sumRatio += (err * err) / variance;
    }
    // Mean of err²/σ² is 1 when the stated variance is right (±0.05 at 4,000 draws of a variable whose
    // variance is about 2–3). Without the angle term it reads about 2.5 here.
    expect(sumRatio / runs).toBeGreaterThan(0.9);
    expect(sumRatio / runs).toBeLessThan(1.1);
  });
});

describe("TrackerOptions", () => {
  it("fills defaults and rejects unknown keys", () => {
    const o = TrackerOptions.parse({});
    expect(o.filter).toBe("ekf");
    expect(o.initiator.m).toBe(3);
    expect(o.gate.probability).toBeGreaterThan(0.99);
    expect(TrackerOptions.safeParse({ filtre: "ekf" }).success).toBe(false);
    expect(JSON.parse(JSON.stringify(o))).toEqual(o);
  });
});

describe.each(["ekf", "ukf"] as const)("MultiTargetTracker (%s)", (filter) => {
  it("tracks one target through uniform false alarms and confirms nothing else", () => {
    const rng = seededRandom(42);
    const tracker = new MultiTargetTracker([radar], { filter, initiator: { m: 3, n: 4 } });
    for (let k = 0; k < 40; k++) {
      const t = T0 + 5 * k;
      const dets: Detection[] = [radarDetection(radar, truthAt(k), t, rng)];
      for (let f = 0; f < 8; f++) dets.push(falseAlarm(radar, t, rng));
      tracker.processScan("r1", t, dets);
    }
    const confirmed = tracker.tracks().filter((tr) => tr.status === "confirmed");
    expect(confirmed).toHaveLength(1);
    const track = confirmed[0];
    expect(track?.hits).toBeGreaterThanOrEqual(38);
    const last = track?.states.at(-1);
    expect(last?.provenance).toEqual({ kind: "updated", sensorId: "r1" });
    expect(posError(last?.x ?? new Float64Array(6), truthAt(39))).toBeLessThan(400);
    expect(tracker.tracks().length).toBeGreaterThan(100); // false alarms did start tentative tracks…
    expect(tracker.liveTracks().filter((tr) => tr.status === "tentative").length).toBeLessThan(20); // …and they died
  });

  it("confirms nothing from scattered false alarms alone", () => {
    const rng = seededRandom(9);
    const tracker = new MultiTargetTracker([radar], { filter });
    for (let k = 0; k < 30; k++) {
      const t = T0 + 5 * k;
      tracker.processScan(
        "r1",
        t,
        Array.from({ length: 15 }, () => falseAlarm(radar, t, rng)),
      );
    }
    expect(tracker.tracks().filter((tr) => tr.status !== "tentative" && tr.hits >= 3)).toHaveLength(0);
    expect(tracker.tracks().every((tr) => tr.status !== "confirmed")).toBe(true);
  });

  it("deletes a confirmed track after it is missed in view", () => {
    const rng = seededRandom(4);
    const tracker = new MultiTargetTracker([radar], { filter, deleter: { maxConsecutiveMisses: 3 } });
    for (let k = 0; k < 20; k++) {
      const t = T0 + 5 * k;
      tracker.processScan("r1", t, k < 10 ? [radarDetection(radar, truthAt(k), t, rng)] : []);
    }
    const [track] = tracker.tracks();
    expect(track?.status).toBe("deleted");
    expect(track?.deletedReason).toMatch(/missed 3 scans/);
    expect(track?.hits).toBe(10);
  });

  it("keeps two targets 20 km apart on separate tracks", () => {
    const rng = seededRandom(77);
    const other = (k: number): Float64Array =>
      truthModel.propagate(coastState(38.3, 129.2, 252_000, 2500, -500, 950), k * 5, new Float64Array(6));
    const tracker = new MultiTargetTracker([radar], { filter });
    for (let k = 0; k < 30; k++) {
      const t = T0 + 5 * k;
      tracker.processScan("r1", t, [
        radarDetection(radar, truthAt(k), t, rng),
        radarDetection(radar, other(k), t, rng),
      ]);
    }
    const confirmed = tracker.tracks().filter((tr) => tr.status === "confirmed");
    expect(confirmed).toHaveLength(2);
    const ends = confirmed.map((tr) => tr.states.at(-1)?.x ?? new Float64Array(6));
    const errs = ends.map((x) => Math.min(posError(x, truthAt(29)), posError(x, other(29))));
    for (const e of errs) expect(e).toBeLessThan(500);
    expect(posError(ends[0] as Float64Array, ends[1] as Float64Array)).toBeGreaterThan(10_000);
  });
});

describe("MultiTargetTracker tentative tracks out of view", () => {
  it("ends a tentative track that leaves the field of regard instead of predicting it for ever", () => {
    // Near the edge of coverage and receding: the prediction is past maximum range from the next scan
    // on, so the track is never "missed in view" and M-of-N never rejects it.
    const tracker = new MultiTargetTracker([radar]);
    const edge: Detection = {
      sensorId: "r1",
      t: T0,
      rangeM: 2_990_000,
      azimuthRad: 0.5,
      elevationRad: 0.2,
      rangeRateMps: 3000,
    };
    tracker.processScan("r1", T0, [edge]);
    for (let k = 1; k <= 200; k++) tracker.processScan("r1", T0 + 5 * k, []);
    const [first] = tracker.tracks();
    expect(first?.status).toBe("deleted");
    expect(first?.deletedReason).toMatch(/^tentative: /);
    expect(tracker.liveTracks()).toHaveLength(0);
  });
});

describe("MultiTargetTracker input checks", () => {
  it("rejects unknown sensors and scans going back in time further than the reprocessing limit", () => {
    const tracker = new MultiTargetTracker([radar], { outOfSequence: { maxLagS: 5 } });
    expect(() => tracker.processScan("nope", T0, [])).toThrow(/unknown sensor/);
    tracker.processScan("r1", T0 + 10, []);
    expect(() => tracker.processScan("r1", T0, [])).toThrow(/earlier/);
    expect(tracker.processScan("r1", T0 + 6, []).late).toBe(true);
    const strict = new MultiTargetTracker([radar], { outOfSequence: { maxLagS: 0 } });
    strict.processScan("r1", T0 + 10, []);
    expect(() => strict.processScan("r1", T0 + 9.5, [])).toThrow(/earlier/);
  });
});

describe("re-entry drag state", () => {
  // A warhead coming down steeply from 250 km with β = 5,000 kg/m², seen by a radar 300 km away every 1 s.
  const reentryRadar = testRadar("r2", 36.5, 131, { updateIntervalS: 1 });
  const drag = new BallisticMotionModel({ drag: true, maxStepS: 0.5 });
  const x0 = Float64Array.from([...coastState(38.5, 131.5, 250_000, 1500, 0, -4000), 1 / 5000]);
  const at = (k: number): Float64Array => drag.propagate(x0, k, new Float64Array(7));
  const run = (belowM: number) => {
    const rng = seededRandom(3);
    const tracker = new MultiTargetTracker([reentryRadar], { reentry: { belowM } });
    let k = 0;
    for (; k < 80; k++) {
      const x = at(k);
      if (stateHeight(x) < 15_000) break;
      tracker.processScan("r2", T0 + k, [radarDetection(reentryRadar, x, T0 + k, rng)]);
    }
    const [track] = tracker.tracks().filter((tr) => tr.status === "confirmed");
    return { track, truth: at(k - 1) };
  };

  it("does not take a missile rising towards the radar for a re-entry (a new track knows only the range rate)", () => {
    // 300 km north of the radar at 20 km, climbing at 1.5 km/s while flying towards it. A track begun
    // from one detection has velocity = range rate × line of sight (σ 3 km/s across it), which points
    // towards the radar and ~5° down: it looked like a descent below 100 km and gained 1/β from the
    // re-entry prior, which then stayed (wrong, unobservable) for the whole coast.
    const low = testRadar("r3", 35.5, 133, { updateIntervalS: 1 });
    const rising = coastState(38.2, 133, 20_000, 0, -1000, 1500);
    const rng = seededRandom(5);
    const tracker = new MultiTargetTracker([low]);
    for (let k = 0; k < 20; k++) {
      const x = truthModel.propagate(rising, k, new Float64Array(6));
      tracker.processScan("r3", T0 + k, [radarDetection(low, x, T0 + k, rng)]);
    }
    const tracks = tracker.tracks();
    expect(tracks.some((t) => t.status === "confirmed" && t.states.length > 10)).toBe(true);
    expect(tracks.every((t) => t.states.every((s) => s.dim === 6))).toBe(true);
  });

  it("gains 1/β below 100 km and follows the deceleration better than the 6-state with drag allowance", () => {
    const seven = run(100_000);
    const six = run(0);
    const s7 = seven.track?.states.at(-1);
    const s6 = six.track?.states.at(-1);
    if (!s7 || !s6) throw new Error("no track");
    expect(s7.dim).toBe(7);
    expect(s6.dim).toBe(6);
    // Earlier states, above 100 km, are 6-states: the drag state is added on the way down only.
    expect(seven.track?.states.some((s) => s.dim === 6 && stateHeight(s.x) > 100_000)).toBe(true);
    const e7 = posError(s7.x, seven.truth);
    const e6 = posError(s6.x, six.truth);
    expect(e7).toBeLessThan(e6);
    // 1/β estimated from the deceleration: within a factor of two of the truth, from a prior at 1/7000.
    expect(s7.x[6] as number).toBeGreaterThan(1 / 10_000);
    expect(s7.x[6] as number).toBeLessThan(2 / 5000);
  });
});
