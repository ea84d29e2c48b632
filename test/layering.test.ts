// The layers of docs/ARCHITECTURE.md: imports point downward only, and pure cores touch no I/O.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/project.ts";

/** Layer of each top-level folder under src/ (a file directly in src/ is a port definition). */
const LAYER: Record<string, number> = {
  model: 0,
  ports: 1,
  geo: 2,
  policy: 2,
  tracking: 2,
  warning: 2,
  audit: 2,
  envelope: 2,
  adapters: 3,
  codecs: 3,
  config: 3,
  keys: 2,
  sim: 4,
  node: 4,
  /** Drives the runtime (nodes, simulation) together; below the surfaces. */
  exercise: 4.5,
  server: 5,
  // The command line composes everything, the COP server included (`triwatch demo` starts it).
  cli: 6,
};
/** Cores that may use other cores (same layer), as the architecture allows where natural. */
const CORE_PEERS: Record<string, string[]> = {
  geo: [],
  policy: [],
  audit: [],
  tracking: ["geo"],
  warning: ["geo", "tracking", "policy"],
  keys: [],
  envelope: ["policy", "audit", "keys"],
};
const CORES = new Set(Object.keys(CORE_PEERS));
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|tls|worker_threads|readline)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    // Test support (fixtures, testing helpers) is not product code and may read files.
    const support =
      name.endsWith(".test.ts") ||
      name.endsWith(".fixture.ts") ||
      name === "testing.ts" ||
      path.includes("/testing/");
    return name.endsWith(".ts") && !support ? [path] : [];
  });
}

function areaOf(file: string): string {
  const rel = relative(join(PROJECT_ROOT, "src"), file).split("/");
  return rel.length === 1 ? "ports" : (rel[0] as string);
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']/g))
    found.push(m[1] as string);
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1] as string);
  return found;
}

describe("layering", () => {
  const files = sourceFiles(join(PROJECT_ROOT, "src"));

  it("finds the source tree", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("every folder under src/ has a layer", () => {
    const unknown = [...new Set(files.map(areaOf))].filter((a) => !(a in LAYER));
    expect(unknown).toEqual([]);
  });

  it("imports point only downward (or to an allowed peer core)", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = areaOf(file);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(join(PROJECT_ROOT, "src"))) {
          violations.push(`${relative(PROJECT_ROOT, file)} imports ${spec} outside src/`);
          continue;
        }
        const to = areaOf(target);
        if (to === from) continue;
        const ok =
          (LAYER[to] ?? 99) < (LAYER[from] ?? -1) || (CORES.has(from) && CORE_PEERS[from]?.includes(to));
        if (!ok) violations.push(`${relative(PROJECT_ROOT, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("pure cores and the model do no I/O", () => {
    const violations: string[] = [];
    for (const file of files) {
      const area = areaOf(file);
      if (!CORES.has(area) && area !== "model") continue;
      for (const spec of importsOf(file))
        if (IO_MODULES.test(spec)) violations.push(`${relative(PROJECT_ROOT, file)} imports ${spec}`);
      if (/\bDate\.now\(\)|new Date\(\)/.test(readFileSync(file, "utf8")))
        violations.push(`${relative(PROJECT_ROOT, file)} reads the clock`);
    }
    expect(violations).toEqual([]);
  });

  it("catches a violation (the checker itself works)", () => {
    const fake = join(PROJECT_ROOT, "src", "model", "x.ts");
    expect(areaOf(fake)).toBe("model");
    expect(importsOf(join(PROJECT_ROOT, "src", "cli", "main.ts")).some((s) => s.includes("commands/"))).toBe(
      true,
    );
  });
});
