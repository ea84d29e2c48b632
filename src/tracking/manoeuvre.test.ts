import { describe, expect, it } from "vitest";
import { BallisticMotionModel } from "./ballistic.ts";
import { ManoeuvreOptions, manoeuvrePsd, newManoeuvreState, recordNis } from "./manoeuvre.ts";
import { coastState, radarDetection, seededRandom, testRadar } from "./testing.ts";
import { MultiTargetTracker } from "./tracker.ts";

describe("manoeuvre detection", () => {
  const o = ManoeuvreOptions.parse({});

  it("switches on after sustained large innovations and off again with hysteresis", () => {
    const s = newManoeuvreState();
    recordNis(s, 3 * 1.2, 3, o);
    expect(manoeuvrePsd(s, o)).toBeUndefined();
    for (let i = 0; i < 3; i++) recordNis(s, 3 * 10, 3, o);
    expect(s.active).toBe(true);
    expect(manoeuvrePsd(s, o)).toBe(o.accelerationPsd);
    recordNis(s, 3 * 1, 3, o);
    expect(s.active).toBe(true); // not yet below the off threshold
    for (let i = 0; i < 10; i++) recordNis(s, 3 * 1, 3, o);
    expect(s.active).toBe(false);
  });

  it("is off when its PSD is 0", () => {
    const off = ManoeuvreOptions.parse({ accelerationPsd: 0 });
    const s = newManoeuvreState();
    for (let i = 0; i < 5; i++) recordNis(s, 100, 3, off);
    expect(manoeuvrePsd(s, off)).toBeUndefined();
  });

  it("keeps one track on an object under 25 m/s² of thrust, where the coast model alone loses it", () => {
    const radar = testRadar("r1", 37, 131, { updateIntervalS: 1 });
    const model = new BallisticMotionModel({ maxStepS: 0.5 });
    const T0 = 1_700_000_000;
    let x = coastState(39, 127.5, 80_000, 1200, 0, 1500);
    const truth: Float64Array[] = [];
    for (let k = 0; k <= 60; k++) {
      truth.push(Float64Array.from(x));
      x = model.propagate(x, 1, new Float64Array(6));
      const v = Math.hypot(x[3] as number, x[4] as number, x[5] as number);
      for (let i = 0; i < 3; i++) {
        const u = (x[3 + i] as number) / v;
        x[i] = (x[i] as number) + 0.5 * 25 * u;
        x[3 + i] = (x[3 + i] as number) + 25 * u;
      }
    }
    const confirmedTracks = (psd: number): number => {
      const rng = seededRandom(8);
      const tracker = new MultiTargetTracker([radar], { manoeuvre: { accelerationPsd: psd } });
      truth.forEach((s, k) => {
        tracker.processScan("r1", T0 + k, [radarDetection(radar, s, T0 + k, rng)]);
      });
      return tracker.tracks().filter((tr) => tr.confirmedT !== undefined).length;
    };
    expect(confirmedTracks(300)).toBe(1);
    expect(confirmedTracks(0)).toBeGreaterThan(1);
  });
});
