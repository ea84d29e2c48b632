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
