/**
 * The `triwatch` command line. Exit status: 0 success (a denial is a successful answer), 2 bad input or
 * usage, 1 an unexpected failure.
 */
import { Command, CommanderError } from "commander";
import { InputError } from "../config/files.ts";
import { registerAgreements } from "./commands/agreements.ts";
import { registerAudit } from "./commands/audit.ts";
import { registerCot } from "./commands/cot.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerGeoJson } from "./commands/geojson.ts";
import { registerKeys } from "./commands/keys.ts";
import { registerNode } from "./commands/node.ts";
import { registerPolicy } from "./commands/policy.ts";
import { registerScenario } from "./commands/scenario.ts";
import { registerStix } from "./commands/stix.ts";
import { registerTrack } from "./commands/track.ts";
import { registerWhatIf } from "./commands/whatif.ts";
import { type CliIo, processIo, UsageError } from "./io.ts";

/** Builds the program with every command registered. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("triwatch")
    .description("Trilateral (USA–ROK–Japan) missile-warning and intelligence sharing under the agreements")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerDemo(program, io);
  registerAgreements(program, io);
  registerPolicy(program, io);
  registerTrack(program, io);
  registerScenario(program, io);
  registerKeys(program, io);
  registerCot(program, io);
  registerStix(program, io);
  registerGeoJson(program, io);
  registerAudit(program, io);
  registerWhatIf(program, io);
  registerNode(program, io);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    for (const sub of cmd.commands)
      sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return program;
}

/** Runs the command line on `argv` (without node and script) and returns the exit status. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError || e instanceof UsageError) {
      io.err(`triwatch: error: ${e.message}`);
      return 2;
    }
    io.err(`triwatch: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
