// End to end in Debian's Chromium (playwright-core, no downloaded browser): the real exercise of
// 2022-10-04 (src/exercise, all five nodes) served by the COP server as `triwatch demo` serves it
// (startCop), the built web app signed in as a demo operator; a track appears on the map as the replay
// plays, the perspective switches to another nation, a warning appears. Screenshots go to
// test-results/e2e/. Every request the page makes must stay on this server (the map works offline).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/project.ts";
import { runExercise } from "../src/exercise/index.ts";
import type { CopServer } from "../src/server/app.ts";
import { startCop } from "../src/server/serve.ts";
import { CHROMIUM, type CopBrowser, haveChromium, openCopBrowser } from "./helpers/chromium.ts";

const SHOTS = join(PROJECT_ROOT, "test-results", "e2e");
if (!haveChromium)
  console.error(
    `\n*** e2e-cop: SKIPPED — ${CHROMIUM} is missing. Install it with \`apt-get install -y chromium\` (bash .ci/run does). ***\n`,
  );

let server: CopServer;
let base: string;
let browser: CopBrowser;
let page: Page;

async function control(body: unknown): Promise<void> {
  const res = await server.app.inject({
    method: "POST",
    url: "/api/replay",
    payload: body as object,
    headers: { authorization: "Bearer demo-usa-ts" },
  });
  expect(res.statusCode).toBe(200);
}

/** An API answer for a token (the same server the page uses). */
async function api(path: string, token: string) {
  const res = await server.app.inject({ url: path, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const mapData = (name: string) => page.locator("#map").getAttribute(`data-${name}`);

describe("the COP over the real 2022-10-04 exercise", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const started = await startCop({
      runner: runExercise,
      request: { scenarioId: "2022-10-04" },
      port: 0,
      speed: 1,
      loop: false,
      say: () => {},
      logLevel: "silent",
    });
    server = started.server;
    base = started.url;
    await started.ready;
  }, 900_000);

  afterAll(async () => {
    await server?.close();
  });

  it("every demo operator gets exactly the events its nation holds at or below its clearance", async () => {
    const timeline = server.session.current?.exercise.timeline;
    if (!timeline) throw new Error("no exercise");
    await control({ action: "pause" });
    await control({ action: "seek", positionMs: timeline.setup.endMs });
    const seen = new Map<string, number>();
    for (const l of server.session.current ? (await api("/api/logins", "")).logins : []) {
      const op = l.operator as { party: string; clearanceRank: number };
      const got = ((await api("/api/events", l.token)).events as { seq: number }[]).map((e) => e.seq);
      const expected = timeline.events
        .filter((e) => (e.holder === op.party || e.holder === "PUBLIC") && e.marking.rank <= op.clearanceRank)
        .map((e) => e.seq);
      expect(got).toEqual(expected);
      seen.set(l.token as string, got.length);
    }
    // The exercise gives each nation its own picture: the three nations' top operators differ.
    const counts = ["demo-usa-ts", "demo-kor-1", "demo-jpn-kimitsu"].map((t) => seen.get(t));
    expect(new Set(counts).size).toBe(3);
    // Clearance matters on real data too: the uncleared Japanese operator sees less than the 機密 one.
    expect(seen.get("demo-public")).toBeLessThan(seen.get("demo-jpn-kimitsu") ?? 0);
    console.info("events seen per demo operator at the end:", Object.fromEntries(seen));
  });

  describe.skipIf(!haveChromium)("in Chromium", () => {
    // biome-ignore lint/suspicious/noDuplicateTestHooks: a nested suite's own hook (Biome does not see describe.skipIf as a suite)
    beforeAll(async () => {
      browser = await openCopBrowser(base);
      page = browser.page;
    }, 900_000);

    // biome-ignore lint/suspicious/noDuplicateTestHooks: a nested suite's own hook (Biome does not see describe.skipIf as a suite)
    afterAll(async () => {
      await browser?.close();
    });

    it("signs in, shows a track appearing, switches perspective, shows a warning", async () => {
      await control({ action: "pause" });
      await control({ action: "seek", positionMs: 0 });
      await page.goto(base);
      await page.getByRole("button", { name: /JSDF duty officer/ }).click();
      await expect.poll(() => mapData("ready"), { timeout: 30_000 }).toBe("true");
      await expect.poll(() => page.locator("body").getAttribute("data-party")).toBe("JPN");
      await page.waitForTimeout(500);
      expect(await mapData("tracks")).toBe("0");
      await page.screenshot({ path: join(SHOTS, "1-signed-in-before-launch.png") });

      // Play at 60×: the first Japanese track appears on the map within seconds.
      await control({ action: "speed", speed: 60 });
      await control({ action: "play" });
      await expect.poll(async () => Number(await mapData("tracks")), { timeout: 30_000 }).toBeGreaterThan(0);
      await control({ action: "pause" });
      await page.locator("#tracks li[data-track]").first().waitFor({ timeout: 10_000 });
      // What the list shows is what Japan's node holds now (the API, same rule).
      const jpnHeld = (await api("/api/tracks", "demo-jpn-kimitsu")).tracks as {
        node: string;
        report: { trackId: string };
      }[];
      expect(jpnHeld.length).toBeGreaterThan(0);
      const jpnText = await page.locator("#tracks").textContent();
      for (const t of jpnHeld) expect(jpnText).toContain(`${t.node}: `);
      expect(jpnText).toContain(jpnHeld[0]?.report.trackId);
      // The map canvas exists (MapLibre running on WebGL).
      expect(await page.locator("#map canvas").count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(SHOTS, "2-jpn-track.png") });

      // Perspective: Korea sees only what ROK's node holds (no JSDF line) and only its own sensors.
      const korSensors = (await api("/api/setup", "demo-kor-1")).setup.sensors as { name: string }[];
      const jpnSensors = (await api("/api/setup", "demo-jpn-kimitsu")).setup.sensors as { name: string }[];
      await page.getByLabel("Perspective").selectOption("KOR");
      await expect
        .poll(() => page.locator("body").getAttribute("data-party"), { timeout: 10_000 })
        .toBe("KOR");
      await expect
        .poll(() => page.locator("#tracks").textContent(), { timeout: 15_000 })
        .toContain("ROK_KTMO_CELL: ");
      expect(await page.locator("#tracks").textContent()).not.toContain("JSDF: ");
      await expect.poll(() => page.locator("#sensors").textContent()).toContain(korSensors[0]?.name);
      for (const js of jpnSensors)
        expect(await page.locator("#sensors").textContent()).not.toContain(js.name);
      await page.screenshot({ path: join(SHOTS, "3-kor-perspective.png") });

      // Seek to the end: the warnings issued are listed with their text, and their areas are on the map.
      const end = (await api("/api/replay", "demo-kor-1")).endMs as number;
      await control({ action: "seek", positionMs: end });
      const warnings = (await api("/api/warnings", "demo-kor-1")).warnings as {
        headlines: Record<string, string>;
      }[];
      expect(warnings.length).toBeGreaterThan(0);
      const first = warnings[0]?.headlines ?? {};
      await expect
        .poll(() => page.locator("#warnings").textContent(), { timeout: 15_000 })
        .toContain(first.en);
      if (first.ja) {
        await page.getByLabel("Language").selectOption("ja");
        await expect.poll(() => page.locator("#warnings").textContent()).toContain(first.ja);
      }
      await expect
        .poll(async () => Number(await mapData("warnings")), { timeout: 10_000 })
        .toBe(warnings.length);
      await page.getByRole("button", { name: "Fit map to tracks" }).click();
      await page.waitForTimeout(1_000);
      await page.screenshot({ path: join(SHOTS, "4-warning.png") });

      // Keyboard: the play button is reachable and works with the keyboard.
      await page.locator("#play").focus();
      await page.keyboard.press("Enter");
      await expect
        .poll(
          async () =>
            (
              await server.app.inject({
                url: "/api/replay",
                headers: { authorization: "Bearer demo-usa-ts" },
              })
            ).json().playing,
        )
        .toBe(true);

      expect(browser.offSite).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    }, 180_000);
  });
});
