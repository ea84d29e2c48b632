/**
 * The replay clock: maps wall-clock time to scenario time over [startMs, endMs], at a speed, with
 * pause, seek and looping. It reads the wall clock only through the `WallClock` it is given, so tests
 * drive it with a fake one. Every response and stream message shows only events at or before `position`.
 */

/** Wall-clock milliseconds (Date.now in the product, a fake in tests). */
export type WallClock = () => number;

/** The replay state as the API reports it. */
export interface ReplayState {
  /** Scenario time shown now (epoch ms). */
  positionMs: number;
  startMs: number;
  endMs: number;
  playing: boolean;
  speed: number;
  loop: boolean;
  /** How many times the replay has wrapped or been sought (clients reload when it changes). */
  epoch: number;
}

/** Options of a replay clock. */
export interface ReplayOptions {
  wall: WallClock;
  startMs: number;
  endMs: number;
  speed: number;
  loop: boolean;
}

/** Speeds the API accepts. */
export const MIN_SPEED = 0.1;
export const MAX_SPEED = 1000;

/** A replay clock over one exercise. */
export class ReplayClock {
  readonly #wall: WallClock;
  readonly #start: number;
  readonly #end: number;
  readonly #loop: boolean;
  #speed: number;
  #playing = true;
  /** Scenario time at `#anchorWall` (may run past the end while looping; wrapped when read). */
  #anchorPos: number;
  #anchorWall: number;
  #seeks = 0;

  constructor(o: ReplayOptions) {
    if (!(o.endMs >= o.startMs)) throw new RangeError(`replay: end ${o.endMs} before start ${o.startMs}`);
    this.#wall = o.wall;
    this.#start = o.startMs;
    this.#end = o.endMs;
    this.#loop = o.loop;
    this.#speed = clampSpeed(o.speed);
    this.#anchorPos = o.startMs;
    this.#anchorWall = o.wall();
  }

  /** Unwrapped scenario time (keeps growing past the end while looping). */
  #raw(): number {
    if (!this.#playing) return this.#anchorPos;
    return this.#anchorPos + (this.#wall() - this.#anchorWall) * this.#speed;
  }

  #wrapped(): { position: number; lap: number } {
    const raw = this.#raw();
    const span = this.#end - this.#start;
    if (raw <= this.#end) return { position: raw, lap: 0 };
    if (!this.#loop || span <= 0) {
      // Stop at the end: a replay without loop pauses there.
      if (this.#playing) {
        this.#playing = false;
        this.#anchorPos = this.#end;
      }
      return { position: this.#end, lap: 0 };
    }
    const lap = Math.floor((raw - this.#start) / span);
    return { position: this.#start + ((raw - this.#start) % span), lap };
  }

  /** Scenario time now. */
  position(): number {
    return this.#wrapped().position;
  }

  /** The whole state. */
  state(): ReplayState {
    const { position, lap } = this.#wrapped();
    return {
      positionMs: position,
      startMs: this.#start,
      endMs: this.#end,
      playing: this.#playing,
      speed: this.#speed,
      loop: this.#loop,
      epoch: this.#seeks + lap,
    };
  }

  #reanchor(position: number): void {
    this.#anchorPos = position;
    this.#anchorWall = this.#wall();
  }

  /** Resumes (from the start when a replay without loop has ended). */
  play(): void {
    if (this.#playing) return;
    const p = this.position();
    if (!this.#loop && p >= this.#end) {
      this.#seeks++;
      this.#reanchor(this.#start);
    } else this.#reanchor(p);
    this.#playing = true;
  }

  /** Pauses at the current position. */
  pause(): void {
    if (!this.#playing) return;
    const { position, lap } = this.#wrapped();
    this.#seeks += lap;
    this.#reanchor(position);
    this.#playing = false;
  }

  /** Changes the speed from now on. */
  setSpeed(speed: number): void {
    const { position, lap } = this.#wrapped();
    this.#seeks += lap;
    this.#reanchor(position);
    this.#speed = clampSpeed(speed);
  }

  /** Jumps to a scenario time (clamped to the exercise); clients reload. */
  seek(positionMs: number): void {
    const { lap } = this.#wrapped();
    this.#seeks += lap + 1;
    this.#reanchor(Math.min(this.#end, Math.max(this.#start, positionMs)));
  }
}

function clampSpeed(speed: number): number {
  if (!Number.isFinite(speed)) throw new RangeError(`replay: speed ${speed} is not a number`);
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
}
