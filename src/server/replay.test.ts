import { describe, expect, it } from "vitest";
import { ReplayClock } from "./replay.ts";

const make = (loop: boolean, speed = 1) => {
  const wall = { now: 0 };
  const clock = new ReplayClock({ wall: () => wall.now, startMs: 1_000, endMs: 11_000, speed, loop });
  return { wall, clock };
};

describe("ReplayClock", () => {
  it("runs at its speed from the start", () => {
    const { wall, clock } = make(true, 2);
    wall.now = 1_500;
    expect(clock.position()).toBe(4_000);
  });

  it("without loop, stops and pauses at the end; play starts again from the start (a new epoch)", () => {
    const { wall, clock } = make(false);
    wall.now = 60_000;
    expect(clock.state()).toMatchObject({ positionMs: 11_000, playing: false, epoch: 0 });
    wall.now = 70_000;
    expect(clock.position()).toBe(11_000);
    clock.play();
    expect(clock.state()).toMatchObject({ positionMs: 1_000, playing: true, epoch: 1 });
  });

  it("with loop, wraps and counts laps; a speed change keeps the position and the epoch", () => {
    const { wall, clock } = make(true);
    wall.now = 25_000; // 2.5 laps of 10 s
    expect(clock.state()).toMatchObject({ positionMs: 6_000, epoch: 2 });
    clock.setSpeed(10);
    expect(clock.state()).toMatchObject({ positionMs: 6_000, epoch: 2, speed: 10 });
    wall.now += 100;
    expect(clock.position()).toBe(7_000);
  });

  it("seek clamps to the exercise and starts a new epoch", () => {
    const { clock } = make(true);
    clock.seek(-5);
    expect(clock.state()).toMatchObject({ positionMs: 1_000, epoch: 1 });
    clock.seek(99_999);
    expect(clock.state()).toMatchObject({ positionMs: 11_000, epoch: 2 });
  });

  it("keeps the speed within bounds and refuses a non-number", () => {
    const { clock } = make(true);
    clock.setSpeed(1e9);
    expect(clock.state().speed).toBe(1000);
    expect(() => clock.setSpeed(Number.NaN)).toThrow(RangeError);
  });
});
