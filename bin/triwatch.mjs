#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript command line directly through tsx (no build step).
// A 64 MiB young generation (Node's default is 16): an originator node allocates tens of kilobytes per
// track it releases, and a burst of tracks outlives the default's frequent scavenges, which then copy it
// twice. Measured on five `triwatch node` processes at 10,000 tracks/s: ROK used a fifth less CPU
// (bench/RESULTS.md, ninth session). Started as `node bin/triwatch.mjs`, pass the flag yourself.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/run.ts");
