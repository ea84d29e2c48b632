/** Runs the command line in-process with captured output and a fixed clock (2026-01-01T00:00:00Z). */
import { runCli } from "../../src/cli/main.ts";

/** The exit status and everything written to stdout and stderr. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `triwatch ARGV…` and captures its output. */
export async function cli(...argv: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    out: (s) => {
      out += `${s}\n`;
    },
    err: (s) => {
      err += `${s}\n`;
    },
    now: () => Date.parse("2026-01-01T00:00:00Z"),
  });
  return { code, out, err };
}
