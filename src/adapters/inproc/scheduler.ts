/**
 * Time for the in-process transport: a scheduler reads the time and runs tasks later. The real one uses
 * Node timers; the manual one runs tasks only when a test or the simulation advances its time.
 */

/** Cancels a scheduled task (no effect once it has run). */
export type Cancel = () => void;

/** A clock that can also run a task after a delay. */
export interface Scheduler {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Runs `task` after `delayMs` (0 or less: as soon as the event loop allows, after I/O). */
  schedule(delayMs: number, task: () => void): Cancel;
}

/** Node timers and `performance.now()`; zero delays use `setImmediate` to avoid the 1 ms timer floor. */
export const realTimeScheduler: Scheduler = {
  now: () => performance.now(),
  schedule(delayMs, task) {
    if (delayMs <= 0) {
      const h = setImmediate(task);
      return () => clearImmediate(h);
    }
    const h = setTimeout(task, delayMs);
    return () => clearTimeout(h);
  },
};

interface Task {
  at: number;
  seq: number;
  run: () => void;
}

/** Fake time: tasks run in time order (ties in scheduling order) only inside `advance`. */
export class ManualScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  #tasks: Task[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  /** The current fake time. */
  now(): number {
    return this.#now;
  }

  /** Queues a task at now + delay. */
  schedule(delayMs: number, run: () => void): Cancel {
    const task: Task = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, run };
    let i = this.#tasks.length;
    while (i > 0 && (this.#tasks[i - 1] as Task).at > task.at) i--;
    this.#tasks.splice(i, 0, task);
    return () => {
      const k = this.#tasks.indexOf(task);
      if (k >= 0) this.#tasks.splice(k, 1);
    };
  }

  /** Moves time forward by `ms`, running every task that falls due, including ones they schedule. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#tasks[0];
      if (next === undefined || next.at > target) break;
      this.#tasks.shift();
      this.#now = next.at;
      next.run();
    }
    this.#now = target;
  }

  /** Number of tasks waiting. */
  get pending(): number {
    return this.#tasks.length;
  }
}
