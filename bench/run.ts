/**
 * Runs the benchmarks one after another, each in its own process so that one's heap and JIT state do not
 * colour the next: `npm run bench` (all) or `npm run bench -- policy tracking` (some).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const ALL = [
  "policy",
  "tracking",
  "audit",
  "envelope",
  "store",
  "transport",
  "network",
  "processes",
  "geo",
  "warnings",
  "accuracy",
];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = chosen.length > 0 ? chosen : ALL;
let failed = 0;
for (const name of names) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.log(`# ${name}: no bench/${name}.ts yet, skipped`);
    continue;
  }
  console.log(`# ${name}  (npx tsx bench/${name}.ts)`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], {
    stdio: "inherit",
    cwd: join(here, ".."),
  });
  if (r.status !== 0) failed++;
  console.log("");
}
process.exitCode = failed > 0 ? 1 : 0;
