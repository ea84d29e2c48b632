/** Entry point: runs the command line on this process's arguments. */
import { runCli } from "./main.ts";

process.exitCode = await runCli(process.argv.slice(2));
