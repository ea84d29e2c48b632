/** What a command may touch: output streams and the clock, passed in so tests can capture them. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Current time in epoch milliseconds. */
  now: () => number;
}

/** The real process streams and clock. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  now: () => Date.now(),
};

/** A command-line usage problem (bad option value): exit status 2. */
export class UsageError extends Error {
  readonly code = "USAGE";
}

/**
 * Output lines gathered and written together once the current task ends (one write, and on a pipe one
 * system call, for every line a busy node printed meanwhile, instead of one each). `flush` writes what
 * is waiting at once; call it before the process ends.
 */
export class LineBatch {
  #lines: string[] = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(readonly out: (text: string) => void) {}

  push(line: string): void {
    this.#lines.push(line);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n");
    this.#lines = [];
    this.out(text);
  }
}
