import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../config/project.ts";
import { ecefToGeodetic, geodeticToEcef } from "../geo/earth.ts";
import type { Sensor } from "../model/sensing.ts";
import { BallisticMotionModel } from "../tracking/ballistic.ts";
import { timeToGround } from "../tracking/estimates.ts";
import {
  ballisticGroundPoint,
  groundPointJacobian,
  groundRmsBound,
  knownInvBetaCovariance,
  posteriorCrb,
  sees,
  truthVector,
} from "./pcrb.ts";
import { loadScenarioFile } from "./scenario-file.ts";
import { flyScenario } from "./scenario-run.ts";
import { loadSensorSetFile } from "./sensor-file.ts";
import { observe } from "./sensors.ts";

const parsed = loadScenarioFile(join(PROJECT_ROOT, "scenarios", "2017-08-29.yaml"));
if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
const flown = flyScenario(parsed.value, "2017-08-29");
if (!flown.ok) throw new Error(flown.errors.join("\n"));
const missile = flown.value.objects[0];
if (!missile) throw new Error("no missile");
const rok = loadSensorSetFile(join(PROJECT_ROOT, "sensors", "rok.yaml"));
if (!rok.ok) throw new Error(rok.errors.join("\n"));
const radars: Sensor[] = rok.value.sensors;
const t0 = missile.burnoutT + 5;
const x0 = truthVector(missile, t0) as Float64Array;
const trace3 = (P: Float64Array): number => (P[0] as number) + (P[7] as number) + (P[14] as number);

describe("groundPointJacobian", () => {
  it.each([1, -1] as const)("matches finite differences of the ground point (direction %i)", (dir) => {
    const J = groundPointJacobian(x0, dir) as Float64Array;
    const base = ballisticGroundPoint(x0, dir);
    if (!base) throw new Error("no ground point");
    const mPerDegLat = 111_000;
    const mPerDegLon = 111_000 * Math.cos((base.latDeg * Math.PI) / 180);
    for (let j = 0; j < 6; j++) {
      const h = j < 3 ? 200 : 0.5;
      const plus = Float64Array.from(x0);
      const minus = Float64Array.from(x0);
      plus[j] = (plus[j] as number) + h;
      minus[j] = (minus[j] as number) - h;
      const a = ballisticGroundPoint(plus, dir);
      const b = ballisticGroundPoint(minus, dir);
      if (!a || !b) throw new Error("no ground point");
      const east = ((a.lonDeg - b.lonDeg) * mPerDegLon) / (2 * h);
      const north = ((a.latDeg - b.latDeg) * mPerDegLat) / (2 * h);
      const scale = Math.max(Math.abs(J[j] as number), Math.abs(J[6 + j] as number), 0.5);
      expect(Math.abs(east - (J[j] as number)) / scale, `east/${j}`).toBeLessThan(0.03);
      expect(Math.abs(north - (J[6 + j] as number)) / scale, `north/${j}`).toBeLessThan(0.03);
    }
  });
});

describe("the bound's Q → 0", () => {
  it("is the truth's own process noise: above the atmosphere the truth flies the tracker's model", () => {
    // The accuracy bench runs its trackers, and works the bound, at q = 1e-9 m²/s³ for this reason: a
    // white-noise PSD q grows a position spread √(q·T³/3) over T; 1 mm over 600 s is q ≈ 1.4e-14.
    let t = missile.burnoutT;
    while (
      ecefToGeodetic(
        Array.from((truthVector(missile, t) as Float64Array).subarray(0, 3)) as [number, number, number],
      ).heightM < 200_000
    )
      t += 5;
    const start = truthVector(missile, t) as Float64Array;
    const model = new BallisticMotionModel();
    const end = truthVector(missile, t + 600) as Float64Array;
    const predicted = model.propagate(start, 600, new Float64Array(6));
    const miss = Math.hypot(
      (predicted[0] as number) - (end[0] as number),
      (predicted[1] as number) - (end[1] as number),
      (predicted[2] as number) - (end[2] as number),
    );
    // If the truth gains a force the tracker lacks (J3, lunisolar), this fails and that q must follow.
    expect(miss).toBeLessThan(1e-3);
  });
});

describe("posteriorCrb", () => {
  const start = radars.find((s) => sees(s, missile, t0));
  if (!start) throw new Error("no ROK radar sees the missile after burnout");
  const phases = new Map(radars.map((s) => [s.id, t0]));
  const times = [t0 + 10, t0 + 30, t0 + 60];
  const bound = (extra: Partial<Parameters<typeof posteriorCrb>[0]> = {}) =>
    posteriorCrb(
      { object: missile, sensors: radars, scanPhase: phases, start: { sensorId: start.id, t: t0 }, ...extra },
      times,
    );

  it("shrinks as scans accumulate and is tighter with Pd = 1 and with less process noise", () => {
    const pd = bound();
    expect(pd.map((s) => s.t)).toEqual(times);
    const tr = pd.map((s) => trace3(s.P));
    expect(tr[1] as number).toBeLessThan(tr[0] as number);
    const one = bound({ detection: "one" });
    const quiet = bound({ motion: { accelerationPsd: 1e-9 } });
    for (let k = 0; k < times.length; k++) {
      expect(trace3(one[k]?.P as Float64Array)).toBeLessThan(tr[k] as number);
      expect(trace3(quiet[k]?.P as Float64Array)).toBeLessThan(tr[k] as number);
    }
    // One radar's range sigma is 20–30 m: after a minute of scans the position bound is well under it per axis.
    expect(Math.sqrt(trace3(quiet[2]?.P as Float64Array) / 3)).toBeLessThan(30);
  });

  it("starts from a detection's worth of information: metres in range, km across", () => {
    const [first] = posteriorCrb(
      { object: missile, sensors: [start], scanPhase: new Map(), start: { sensorId: start.id, t: t0 } },
      [t0],
    );
    const g = observe(
      start.position,
      geodeticToEcef(start.position),
      [x0[0] as number, x0[1] as number, x0[2] as number],
      [0, 0, 0],
    );
    const cross = g.rangeM * start.sigmaAzimuthRad;
    expect(Math.sqrt(trace3(first?.P as Float64Array))).toBeGreaterThan(cross * 0.5);
    expect(Math.sqrt(trace3(first?.P as Float64Array))).toBeLessThan(cross * 3);
  });

  it("maps to an impact-point bound that shrinks with time", () => {
    const pd = bound();
    const rmsAt = (k: number): number => {
      const s = pd[k];
      const x = truthVector(missile, s?.t ?? 0) as Float64Array;
      return groundRmsBound(groundPointJacobian(x, 1) as Float64Array, s?.P as Float64Array);
    };
    expect(rmsAt(2)).toBeLessThan(rmsAt(0));
    expect(rmsAt(2)).toBeGreaterThan(1);
  });

  it("carries the re-entry prior on 1/β: unchanged above the atmosphere, adding J_β²σ² to the impact bound", () => {
    const sigma = 7e-5;
    const truth = 1 / 5000;
    const seven = bound({ invBeta: { truth, priorSigma: sigma } });
    const six = bound();
    const s7 = seven[2];
    const s6 = six[2];
    if (!s7 || !s6) throw new Error("no bound");
    expect(s7.P.length).toBe(49);
    // Exo-atmospheric: no scan informs 1/β, and the position–velocity block is the 6-state bound.
    expect(Math.sqrt(s7.P[48] as number)).toBeCloseTo(sigma, 10);
    const known = knownInvBetaCovariance(s7.P);
    for (let i = 0; i < 36; i++)
      expect(Math.abs((known[i] as number) - (s6.P[i] as number))).toBeLessThan(
        1e-6 * Math.sqrt((s6.P[(i % 6) * 7] as number) * (s6.P[Math.floor(i / 6) * 7] as number)) + 1e-9,
      );
    const x = truthVector(missile, s7.t) as Float64Array;
    const x7 = Float64Array.from([...x, truth]);
    const J7 = groundPointJacobian(x7, 1) as Float64Array;
    expect(J7.length).toBe(14);
    const withPrior = groundRmsBound(J7, s7.P);
    const jb = Math.hypot(J7[6] as number, J7[13] as number);
    const J6 = Float64Array.from([...J7.subarray(0, 6), ...J7.subarray(7, 13)]);
    const expected = groundRmsBound(J6, known) ** 2 + (jb * sigma) ** 2;
    expect(Math.abs(withPrior ** 2 - expected) / expected).toBeLessThan(1e-6);
    // The impact moves by hundreds of metres per 1e-4 m²/kg of 1/β for an IRBM warhead.
    expect(jb * 1e-4).toBeGreaterThan(100);
  });
});

describe("groundPointJacobian with 1/β", () => {
  it("matches a finite difference in 1/β", () => {
    const x7 = Float64Array.from([...x0, 1 / 5000]);
    const J = groundPointJacobian(x7, 1) as Float64Array;
    const h = 2e-5;
    const at = (b: number) => {
      const model = new BallisticMotionModel({ drag: true });
      const x = Float64Array.from(x7);
      x[6] = b;
      const dt = timeToGround(model, x, 1, 5000) as number;
      const xc = model.propagate(x, dt, new Float64Array(7));
      return ecefToGeodetic([xc[0] as number, xc[1] as number, xc[2] as number]);
    };
    const a = at(1 / 5000 + h);
    const b = at(1 / 5000 - h);
    const north = ((a.latDeg - b.latDeg) * 111_000) / (2 * h);
    const east = ((a.lonDeg - b.lonDeg) * 111_000 * Math.cos((a.latDeg * Math.PI) / 180)) / (2 * h);
    const scale = Math.hypot(J[6] as number, J[13] as number);
    // 111 km per degree is a spherical approximation (as above); 5 % leaves room for it.
    expect(Math.abs(east - (J[6] as number)) / scale).toBeLessThan(0.05);
    expect(Math.abs(north - (J[13] as number)) / scale).toBeLessThan(0.05);
  });
});
