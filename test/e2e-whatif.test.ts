// End to end in Debian's Chromium (playwright-core): the What-if dialog of the web app over the real
// exercise (src/exercise's runExercise, as `triwatch demo` passes it), kept short: 2022-10-04 replayed to
// 120 s after launch at a 2 s share interval, compared under actual and no-gsomia. The dialog is opened
// and driven from the keyboard and by its labels; the table must show what GET /api/whatif gives the
// signed-in operator. Screenshots go to test-results/e2e-whatif/. Chromium from test/helpers/chromium.ts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/project.ts";
import { runExercise } from "../src/exercise/index.ts";
import type { CopServer } from "../src/server/app.ts";
import { startCop } from "../src/server/serve.ts";
import { WhatIfStateBody } from "../src/server/whatif-schemas.ts";
import { CHROMIUM, type CopBrowser, haveChromium, openCopBrowser } from "./helpers/chromium.ts";

const SHOTS = join(PROJECT_ROOT, "test-results", "e2e-whatif");
if (!haveChromium)
  console.error(
    `\n*** e2e-whatif: SKIPPED — ${CHROMIUM} is missing. Install it with \`apt-get install -y chromium\`. ***\n`,
  );

const TOKEN = "demo-jpn-kimitsu";
const secs = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `+${x.toFixed(0)} s`);

describe.skipIf(!haveChromium)("the What-if dialog in Chromium", () => {
  let server: CopServer;
  let base: string;
  let browser: CopBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const started = await startCop({
      // The replay itself kept short too: only the dialog is under test here.
      runner: (o) => runExercise({ ...o, untilS: 120, shareIntervalS: 2 }),
      whatifRunner: runExercise,
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
    browser = await openCopBrowser(base);
    page = browser.page;
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await server?.whatif.finished;
    await server?.close();
  });

  it("opens from the keyboard, runs a short comparison with progress, and shows the table and plots", async () => {
    await page.goto(base);
    await page.getByRole("button", { name: /JSDF duty officer/ }).click();
    await expect.poll(() => page.locator("body").getAttribute("data-party"), { timeout: 30_000 }).toBe("JPN");

    // Keyboard: focus the button, Enter opens the modal dialog.
    const open = page.getByRole("button", { name: "What-if…" });
    await open.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: /What-if analysis/ });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // The variants come with their descriptions; actual is the baseline, always run.
    await expect
      .poll(() =>
        dialog.getByLabel(/no-gsomia — as at the time, but without the 2016 Japan–ROK GSOMIA/).count(),
      )
      .toBe(1);
    expect(await dialog.getByLabel(/^actual —/).isDisabled()).toBe(true);
    expect(await dialog.getByLabel(/^actual —/).isChecked()).toBe(true);
    await dialog.getByLabel(/^before-2023-12-19 —/).uncheck();
    await dialog.getByLabel(/^all —/).uncheck();
    expect(await dialog.getByLabel(/^no-gsomia —/).isChecked()).toBe(true);
    await dialog.getByLabel(/End each run at/).fill("120");
    await dialog.getByLabel("Share interval").selectOption("2");
    await page.screenshot({ path: join(SHOTS, "1-dialog.png") });
    await dialog.getByRole("button", { name: "Run comparison" }).click();

    // Progress: the bar moves and the status names the variant being run.
    await expect
      .poll(() => page.locator("#whatif-status").textContent(), { timeout: 30_000 })
      .toMatch(/Running 2022-10-04: variant [12] of 2/);
    await expect
      .poll(async () => Number(await page.locator("#whatif-progress").getAttribute("value")), {
        timeout: 300_000,
        interval: 1000,
      })
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "2-progress.png") });

    await expect
      .poll(() => dialog.getAttribute("data-status"), { timeout: 600_000, interval: 2000 })
      .toBe("done");
    const table = page.getByRole("table", { name: /^Japan under each variant/ });
    await table.waitFor({ timeout: 10_000 });

    // The table says what the API says to this operator.
    const res = await server.app.inject({
      url: "/api/whatif",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const st = WhatIfStateBody.parse(res.json());
    if (st.job.status !== "done") throw new Error("the API has no result");
    const variants = st.job.result.comparison.variants;
    expect(variants.map((v) => v.id)).toEqual(["actual", "no-gsomia"]);
    for (const v of variants) {
      const n = v.nations[0];
      if (!n) throw new Error("no Japanese row");
      const row = table.locator(`tr[data-variant="${v.id}"]`);
      expect(await row.getByRole("rowheader").textContent()).toBe(v.id);
      const cells = await row.getByRole("cell").allTextContents();
      expect(cells[1]).toBe(
        n.firstOwnTrack ? `${secs(n.firstOwnTrack.s)} (${n.firstOwnTrack.node})` : "none",
      );
      expect(cells[2]).toContain(n.firstSharedTrack ? `from ${n.firstSharedTrack.fromParty}` : "none");
      expect(cells.length).toBe(5 + n.impactErrors.length);
    }
    // The report's figures: a timeline per variant and Japan's error curves.
    for (const v of variants)
      expect(await page.locator(`#whatif-plots svg#timeline-${v.id}`).count()).toBe(1);
    expect(await page.locator("#whatif-plots svg#error-JPN").count()).toBe(1);
    expect(await page.locator("#whatif-plots svg#error-KOR").count()).toBe(0);
    // The figures keep the report's light drawing: none of the app's styles (its ".timeline" bar) apply.
    expect(
      await page.evaluate(
        'getComputedStyle(document.querySelector("#whatif-plots svg#timeline-actual")).backgroundColor',
      ),
    ).toBe("rgba(0, 0, 0, 0)");
    expect(await page.locator("#whatif-scope").textContent()).toMatch(
      /Computed only from what Japan's nodes held/,
    );
    await page.locator("#whatif-table").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "3-result.png") });
    await page.locator("#whatif-plots").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "4-plots.png") });

    // Escape closes the dialog and gives the focus back to its button.
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.evaluate("document.activeElement?.id")).toBe("whatif-open");

    expect(browser.offSite).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  }, 900_000);
});
