import { describe, expect, it } from "vitest";
import { ecefToEnu, ecefToGeodetic } from "../geo/earth.ts";
import { BallisticMotionModel } from "./ballistic.ts";
import {
  ellipse95,
  energyRange,
  greatCircleM,
  minimumEnergyApogee,
  missileClass,
  timeToGround,
  trajectoryEstimates,
} from "./estimates.ts";
import type { GaussianState } from "./state.ts";
import { coastState, radarDetection, seededRandom, testRadar } from "./testing.ts";
import { MultiTargetTracker } from "./tracker.ts";

const model = new BallisticMotionModel({ maxStepS: 1 });

/** A launch from the ground at 39°N 125.7°E with speed and elevation, heading `headingDeg`. */
function launchState(speed: number, elevationDeg: number, headingDeg = 80): Float64Array {
  const el = (elevationDeg * Math.PI) / 180;
  const hd = (headingDeg * Math.PI) / 180;
  const h = speed * Math.cos(el);
  return coastState(39, 125.7, 0, h * Math.sin(hd), h * Math.cos(hd), speed * Math.sin(el));
}

function tinyCovariance(dim: number): Float64Array {
  const P = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) P[i * dim + i] = i < 3 ? 1 : 1e-4;
  return P;
}

describe("ellipse95", () => {
  it("scales by 5.991 and measures orientation clockwise from north", () => {
    const ns = ellipse95(100 ** 2, 0, 400 ** 2);
    expect(ns.semiMajorM).toBeCloseTo(400 * Math.sqrt(5.991), 6);
    expect(ns.semiMinorM).toBeCloseTo(100 * Math.sqrt(5.991), 6);
    expect(ns.orientationDeg).toBeCloseTo(0, 9);
    expect(ellipse95(400 ** 2, 0, 100 ** 2).orientationDeg).toBeCloseTo(90, 9);
    // Correlated east and north errors: major axis towards north-east (45°) …
    expect(ellipse95(2, 1.5, 2).orientationDeg).toBeCloseTo(45, 9);
    // … anticorrelated: towards north-west / south-east (135°).
    expect(ellipse95(2, -1.5, 2).orientationDeg).toBeCloseTo(135, 9);
  });
});

describe("energy range and class", () => {
  it("matches v²/g for short ranges and classifies by the thresholds", () => {
    const x = launchState(1000, 45);
    const r = energyRange(x);
    expect(r).toBeGreaterThan(95_000);
    expect(r).toBeLessThan(110_000);
    expect(missileClass(999_000)).toBe("SRBM");
    expect(missileClass(1_000_000)).toBe("MRBM");
    expect(missileClass(4_000_000)).toBe("IRBM");
    expect(missileClass(5_600_000)).toBe("ICBM");
    expect(energyRange(launchState(7200, 30))).toBeGreaterThan(5_500_000);
    expect(minimumEnergyApogee(100_000)).toBeCloseTo(25_000, -3);
  });
});

describe("trajectoryEstimates on an exact state", () => {
  it("recovers launch, impact, apogee and range of a known ballistic flight", () => {
    const x0 = launchState(3000, 45);
    const mid = model.propagate(x0, 150, new Float64Array(6));
    const t0 = 1_700_000_000;
    // The truth here is a vacuum flight, so the re-entry drag prior is switched off.
    const vacuum = { reentry: { invBeta: 0 } };
    const est = trajectoryEstimates({ t: t0 + 150, dim: 6, x: mid, P: tinyCovariance(6) }, vacuum);
    expect(est).toBeDefined();
    if (!est) return;
    const launch = ecefToGeodetic([x0[0] as number, x0[1] as number, x0[2] as number]);
    expect(greatCircleM(est.launch.latDeg, est.launch.lonDeg, launch.latDeg, launch.lonDeg)).toBeLessThan(20);
    expect(est.launch.t).toBeCloseTo(t0, 1);
    const dtImpact = timeToGround(model, x0, 1, 5000) ?? 0;
    const impact = ecefToGeodetic(
      Array.from(model.propagate(x0, dtImpact, new Float64Array(6)).subarray(0, 3)) as [
        number,
        number,
        number,
      ],
    );
    expect(greatCircleM(est.impact.latDeg, est.impact.lonDeg, impact.latDeg, impact.lonDeg)).toBeLessThan(20);
    expect(est.impact.t).toBeCloseTo(t0 + dtImpact, 1);
    expect(est.groundRangeM).toBeGreaterThan(800_000);
    expect(est.groundRangeM).toBeLessThan(1_100_000);
    let maxH = 0;
    for (let t = 0; t <= dtImpact; t += 1)
      maxH = Math.max(
        maxH,
        ecefToGeodetic(
          Array.from(model.propagate(x0, t, new Float64Array(6)).subarray(0, 3)) as [number, number, number],
        ).heightM,
      );
    expect(Math.abs(est.apogee.heightM - maxH)).toBeLessThan(50);
    expect(est.groundTrack).toHaveLength(64);
    expect(est.groundTrack[0]?.latDeg).toBeCloseTo(est.launch.latDeg, 6);
    expect(est.groundTrack.at(-1)?.lonDeg).toBeCloseTo(est.impact.lonDeg, 6);
    expect(est.lofted).toBe(false);
    expect(est.launch.kind).toBe("ballistic");
    // The ellipse is mostly the estimate's allowance for unmodelled acceleration over ~200 s …
    expect(est.impact.ellipse95.semiMajorM).toBeLessThan(3000);
    // … and shrinks to the state's own (1 m, 1 cm/s) uncertainty without it.
    const exact = trajectoryEstimates(
      { t: t0 + 150, dim: 6, x: mid, P: tinyCovariance(6) },
      { ...vacuum, motion: { accelerationPsd: 1e-8 } },
    );
    expect(exact?.impact.ellipse95.semiMajorM).toBeLessThan(50);
    expect(exact?.impact.ellipse95.semiMajorM).toBeGreaterThan(1);
  });

  it("puts re-entry drag into the impact of a position-velocity state, short of the vacuum impact", () => {
    const x0 = launchState(3000, 45);
    const mid = model.propagate(x0, 150, new Float64Array(6));
    const s = { t: 0, dim: 6, x: mid, P: tinyCovariance(6) };
    const vac = trajectoryEstimates(s, { reentry: { invBeta: 0 } });
    const drag = trajectoryEstimates(s);
    const heavy = trajectoryEstimates(s, { reentry: { invBeta: 1 / 50_000, invBetaSigma: 0 } });
    if (!vac || !drag || !heavy) throw new Error("no estimate");
    const shortfall = (e: typeof vac): number =>
      greatCircleM(vac.launch.latDeg, vac.launch.lonDeg, vac.impact.latDeg, vac.impact.lonDeg) -
      greatCircleM(vac.launch.latDeg, vac.launch.lonDeg, e.impact.latDeg, e.impact.lonDeg);
    // Drag brings the object down short and late; a heavier object (larger β) less so.
    expect(shortfall(drag)).toBeGreaterThan(50);
    expect(shortfall(drag)).toBeLessThan(5_000);
    expect(shortfall(heavy)).toBeGreaterThan(0);
    expect(shortfall(heavy)).toBeLessThan(shortfall(drag));
    expect(drag.impact.t).toBeGreaterThan(vac.impact.t);
    // The prior's spread widens the ellipse; the launch point (vacuum, backwards) is unchanged.
    expect(drag.impact.ellipse95.semiMajorM).toBeGreaterThan(heavy.impact.ellipse95.semiMajorM);
    expect(drag.launch.latDeg).toBe(vac.launch.latDeg);
  });

  it("classifies a lofted shot by its energy, not its short ground range", () => {
    const x0 = launchState(5000, 80);
    const mid = model.propagate(x0, 200, new Float64Array(6));
    const est = trajectoryEstimates({ t: 0, dim: 6, x: mid, P: tinyCovariance(6) });
    expect(est?.groundRangeM).toBeLessThan(1_000_000);
    expect(est?.energyRangeM).toBeGreaterThan(2_000_000);
    expect(est?.class).not.toBe("SRBM");
    expect(est?.lofted).toBe(true);
    expect(est?.apogeeRatio).toBeGreaterThan(2);
  });

  it("returns undefined for an object that does not come down within maxFlightS", () => {
    const orbit = coastState(0, 130, 400_000, 7670, 0, 0);
    expect(
      trajectoryEstimates({ t: 0, dim: 6, x: orbit, P: tinyCovariance(6) }, { maxFlightS: 3000 }),
    ).toBeUndefined();
  });
});

describe("impact prediction from a radar track", () => {
  const radar = testRadar("r1", 37, 131.5, { sigmaRangeRateMps: undefined });

  function impactErrors(seed: number, ages: number[]): { err: number; d2: number }[] {
    const x0 = launchState(3000, 45);
    const dtImpact = timeToGround(model, x0, 1, 5000) ?? 0;
    const truthImpact = model.propagate(x0, dtImpact, new Float64Array(6));
    const rng = seededRandom(seed);
    const tracker = new MultiTargetTracker([radar], { motion: { accelerationPsd: 0.05 } });
    const start = 80;
    const out: { err: number; d2: number }[] = [];
    for (let age = 0; age <= Math.max(...ages); age += 5) {
      const t = start + age;
      tracker.processScan("r1", t, [
        radarDetection(radar, model.propagate(x0, t, new Float64Array(6)), t, rng),
      ]);
      if (!ages.includes(age)) continue;
      const state = tracker.liveTracks()[0]?.states.at(-1) as GaussianState;
      const est = trajectoryEstimates(state);
      if (!est) throw new Error("no estimate");
      const enu = ecefToEnu([truthImpact[0] as number, truthImpact[1] as number, truthImpact[2] as number], {
        latDeg: est.impact.latDeg,
        lonDeg: est.impact.lonDeg,
        heightM: 0,
      });
      // Truth offset in the ellipse's axes, normalised: inside the 95 % ellipse iff d2 ≤ 5.991.
      const th = (est.impact.ellipse95.orientationDeg * Math.PI) / 180;
      const along = enu[0] * Math.sin(th) + enu[1] * Math.cos(th);
      const across = enu[0] * Math.cos(th) - enu[1] * Math.sin(th);
      const e = est.impact.ellipse95;
      const d2 = 5.991 * ((along / e.semiMajorM) ** 2 + (across / e.semiMinorM) ** 2);
      out.push({ err: Math.hypot(enu[0], enu[1]), d2 });
    }
    return out;
  }

  it("shrinks the impact error as the track ages and keeps the truth inside the 95 % ellipse", () => {
    const ages = [15, 45, 120, 240];
    const mean = ages.map(() => 0);
    let inside = 0;
    let total = 0;
    const seeds = 8;
    for (let s = 0; s < seeds; s++) {
      impactErrors(100 + s, ages).forEach((r, i) => {
        mean[i] = (mean[i] as number) + r.err / seeds;
        total++;
        if (r.d2 <= 5.991) inside++;
      });
    }
    console.log(
      `impact error by track age ${ages.join("/")} s: ${mean.map(Math.round).join("/")} m; inside 95 %: ${inside}/${total}`,
    );
    for (let i = 1; i < ages.length; i++)
      expect(mean[i] as number, `mean errors ${mean.map(Math.round)}`).toBeLessThan(mean[i - 1] as number);
    expect(mean.at(-1) as number).toBeLessThan((mean[0] as number) / 4);
    expect(inside / total).toBeGreaterThanOrEqual(0.8);
  });
});
