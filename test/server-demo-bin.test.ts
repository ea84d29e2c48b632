// `triwatch demo` as a user runs it: a separate Node process that prints the URL and the demo operators,
// serves the COP while it prepares the exercise (with progress), and stops cleanly on Ctrl-C (SIGINT).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/project.ts";

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

describe("triwatch demo (a real process)", () => {
  it("prints where to look, serves while preparing, and stops on SIGINT with status 0", async () => {
    const bin = join(PROJECT_ROOT, "bin", "triwatch.mjs");
    const proc = spawn(
      process.execPath,
      [bin, "demo", "--port", "0", "--speed", "10", "--log-level", "silent"],
      {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child = proc;
    let out = "";
    proc.stdout?.on("data", (d) => {
      out += String(d);
    });
    proc.stderr?.on("data", (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    let url: string | undefined;
    while (!url || !/preparing 2022-10-04: /.test(out)) {
      if (Date.now() > deadline) throw new Error(`no URL or progress in time; output:\n${out}`);
      url = /Triwatch COP: (http:\/\/localhost:\d+)/.exec(out)?.[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain("demo-jpn-kimitsu");
    const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string };
    expect(["preparing", "ok"]).toContain(health.status);
    const unauth = await fetch(`${url}/api/events`);
    expect(unauth.status).toBe(401);
    const page = await fetch(url);
    expect(await page.text()).toContain("Triwatch COP");

    proc.kill("SIGINT");
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 20_000))]);
    expect(code).toBe(0);
    expect(out).toContain("SIGINT: stopping");
  }, 150_000);
});
