// Debian's Chromium driven by playwright-core for the end-to-end tests: a fresh profile, the flags this
// machine needs (no sandbox as root, no background networking on a closed network, WebGL on the CPU for
// MapLibre), and the page's errors and any request leaving the server collected for the test to check.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

/** A browser on a fresh profile with one page. */
export interface CopBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and HTTP errors seen by the page. */
  pageErrors: string[];
  /** Requests to anything but `base`, data: and blob: URLs. */
  offSite: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches Chromium headless for pages served at `base`. */
export async function openCopBrowser(base: string): Promise<CopBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "triwatch-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // WebGL on the CPU (SwiftShader): MapLibre needs WebGL and there is no GPU here.
      "--enable-unsafe-swiftshader",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  const offSite: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("response", (r) => {
    if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith("data:") && !u.startsWith("blob:")) offSite.push(u);
  });
  return {
    context,
    page,
    pageErrors,
    offSite,
    async close() {
      if (pageErrors.length) console.error("page errors:", pageErrors);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
