// Starting the COP as `triwatch demo` does (startCop): the operators file, the web app built and served,
// the basemap served from geodata/ (and nothing else from disk), progress and the URL printed, and a
// clean stop on SIGTERM. The exercise is the hand-made fixture, wrapped to report progress.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureExercise } from "../src/server/cop.fixture.ts";
import { type CopStartEvent, startCop } from "../src/server/serve.ts";
import type { ExerciseRunner } from "../src/server/session.ts";

const said: string[] = [];
const events: CopStartEvent[] = [];
const sigintBefore = process.listenerCount("SIGINT");
/** Whether Ctrl-C was handled when the URL went out (a client may signal the moment it reads it). */
let handledWhenAnnounced: boolean | undefined;
let started: Awaited<ReturnType<typeof startCop>>;
let closed = false;

const runner: ExerciseRunner = async (o) => {
  for (let i = 0; i <= 4; i++) o.onProgress?.({ phase: "replaying", done: i, total: 4 });
  const ex = fixtureExercise();
  return {
    ...ex,
    close: async () => {
      closed = true;
    },
  };
};

beforeAll(async () => {
  started = await startCop({
    runner,
    request: { scenarioId: "2022-10-04" },
    port: 0,
    speed: 10,
    loop: true,
    say: (t) => {
      if (handledWhenAnnounced === undefined && t.includes("Triwatch COP:"))
        handledWhenAnnounced = process.listenerCount("SIGINT") > sigintBefore;
      said.push(t);
    },
    emit: (e) => events.push(e),
    logLevel: "silent",
  });
  await started.ready;
}, 120_000);
afterAll(async () => {
  if (!closed) await started.server.close();
});

describe("startCop", () => {
  it("prints the URL, the demo operators and progress", () => {
    const text = said.join("\n");
    expect(text).toMatch(/Triwatch COP: http:\/\/localhost:\d+/);
    expect(text).toContain("demo-jpn-kimitsu");
    expect(text).toContain("preparing 2022-10-04: replaying 4/4");
    expect(text).toMatch(/ready: 2022-10-04 replaying at 10×/);
  });

  it("reports the same moments as structured events for machines (demo --json)", () => {
    const kinds = events.map((e) => e.event);
    expect(kinds).toContain("listening");
    expect(kinds.indexOf("ready")).toBeGreaterThan(kinds.lastIndexOf("progress"));
    const listening = events.find((e) => e.event === "listening");
    expect(listening?.event === "listening" && listening.url).toBe(started.url);
    expect(listening?.event === "listening" && listening.operators.map((o) => o.token)).toContain(
      "demo-jpn-kimitsu",
    );
    expect(events).toContainEqual({
      event: "progress",
      scenario: "2022-10-04",
      phase: "replaying",
      done: 4,
      total: 4,
    });
  });

  it("serves the web app, the basemap, and refuses other files", async () => {
    const page = await fetch(started.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Triwatch");
    const land = await fetch(`${started.url}/basemap/jp_prefectures_ne10m.geojson`);
    expect(land.status).toBe(200);
    expect(((await land.json()) as { type: string }).type).toBe("FeatureCollection");
    for (const path of ["/basemap/README.md", "/basemap/..%2fpackage.json", "/basemap/LICENSE-ODbL-OSM.txt"])
      expect((await fetch(`${started.url}${path}`)).status).toBe(404);
    const logins = (await (await fetch(`${started.url}/api/logins`)).json()) as { logins: unknown[] };
    expect(logins.logins.length).toBeGreaterThan(3);
  });

  it("handles Ctrl-C before it prints the URL (the handler came after it, a race under load)", () => {
    expect(handledWhenAnnounced).toBe(true);
  });

  it("stops cleanly on SIGTERM: the server closes and the exercise is closed", async () => {
    process.emit("SIGTERM");
    await started.stopped;
    expect(closed).toBe(true);
    expect(events.at(-1)).toEqual({ event: "stopping", signal: "SIGTERM" });
    await expect(fetch(`${started.url}/api/health`)).rejects.toThrow();
  });
});
