/**
 * The exercise being shown: which scenario, whether it is still being prepared (with progress) or
 * ready (with its replay clock), or failed. Choosing another scenario prepares it in the background and
 * swaps it in when ready; the previous exercise is closed then.
 */
import type { CopTimeline } from "../model/cop.ts";
import { ReplayClock, type WallClock } from "./replay.ts";

/** What the server needs of an exercise (the shape `src/exercise/` returns). */
export interface CopExercise {
  timeline: CopTimeline;
  /**
   * Inclusion proof of one leaf of a node's audit log. The third argument asks for the proof at an
   * earlier tree size (the head the replay has reached); a runner that ignores it answers at its final
   * size, and the server then refuses the proof until the replay reaches that size.
   */
  auditProof(
    node: string,
    leafIndex: number,
    treeSize?: number,
  ): { treeSize: number; rootHex: string; leafHashHex?: string; path: string[] } | undefined;
  close(): Promise<void>;
}

/** What to prepare. */
export interface ExerciseRequest {
  scenarioId: string;
  seed?: number;
  variant?: string;
}

/** Progress of a preparation. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
}

/** Runs an exercise (src/exercise's runExercise in the product). */
export type ExerciseRunner = (
  options: ExerciseRequest & { onProgress?: (p: Progress) => void },
) => Promise<CopExercise>;

/** The state of the session as the API reports it. */
export type SessionState =
  | { status: "preparing"; request: ExerciseRequest; progress: Progress }
  | { status: "ready"; request: ExerciseRequest }
  | { status: "failed"; request: ExerciseRequest; error: string };

/** Options of a session. */
export interface SessionOptions {
  runner: ExerciseRunner;
  wall: WallClock;
  speed: number;
  loop: boolean;
  /** Called when a new exercise becomes current (the stream resets its clients). */
  onChange?: () => void;
  onProgress?: (p: Progress) => void;
}

/** Holds the current exercise and its replay clock. */
export class CopSession {
  #state: SessionState;
  #current: { exercise: CopExercise; clock: ReplayClock } | undefined;
  #generation = 0;
  #options: SessionOptions;

  constructor(options: SessionOptions, initial: ExerciseRequest) {
    this.#options = options;
    this.#state = {
      status: "preparing",
      request: initial,
      progress: { phase: "starting", done: 0, total: 1 },
    };
  }

  /** Current state (preparing, ready, failed). */
  get state(): SessionState {
    return this.#state;
  }

  /** The exercise and its clock when one is ready (the previous one stays while another prepares). */
  get current(): { exercise: CopExercise; clock: ReplayClock } | undefined {
    return this.#current;
  }

  /** Prepares an exercise and makes it current; resolves when it is (rejects on failure). */
  async prepare(request: ExerciseRequest): Promise<void> {
    const generation = ++this.#generation;
    this.#state = { status: "preparing", request, progress: { phase: "starting", done: 0, total: 1 } };
    try {
      const exercise = await this.#options.runner({
        ...request,
        onProgress: (p) => {
          if (generation !== this.#generation) return;
          this.#state = { status: "preparing", request, progress: p };
          this.#options.onProgress?.(p);
        },
      });
      if (generation !== this.#generation) {
        await exercise.close();
        return;
      }
      const previous = this.#current;
      const { startMs, endMs } = exercise.timeline.setup;
      const clock = new ReplayClock({
        wall: this.#options.wall,
        startMs,
        endMs,
        speed: previous?.clock.state().speed ?? this.#options.speed,
        loop: this.#options.loop,
      });
      this.#current = { exercise, clock };
      this.#state = { status: "ready", request };
      this.#options.onChange?.();
      await previous?.exercise.close();
    } catch (e) {
      if (generation === this.#generation)
        this.#state = { status: "failed", request, error: e instanceof Error ? e.message : String(e) };
      throw e;
    }
  }

  /** Closes the current exercise. */
  async close(): Promise<void> {
    this.#generation++;
    const c = this.#current;
    this.#current = undefined;
    await c?.exercise.close();
  }
}
