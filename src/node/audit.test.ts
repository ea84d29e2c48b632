import { afterEach, describe, expect, it } from "vitest";
import { PgliteStore } from "../adapters/pglite/pglite-store.ts";
import { cachedPgliteTemplate } from "../adapters/pglite/template-cache.ts";
import type { AuditRecord } from "../audit/index.ts";
import { NodeAudit } from "./audit.ts";

const record = (item: string): AuditRecord => ({
  v: 1,
  kind: "receipt",
  node: "JSDF",
  at: "2023-12-19T09:00:00.000Z",
  item,
  sender: "KOR",
  recipient: "JPN",
  route: ["KOR", "USA", "JPN"],
  outcome: "accept",
  reasons: [],
  itemHash: `sha256:${"0".repeat(64)}`,
});

const stores: PgliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function audit(buildDelayMs: number): Promise<{ audit: NodeAudit; store: PgliteStore }> {
  const store = new PgliteStore({ template: await cachedPgliteTemplate({ migrated: true }) });
  stores.push(store);
  await store.migrate();
  const parties = new Map([["JSDF", "JPN"]]);
  return { audit: new NodeAudit("JSDF", "JPN", parties, store, Date.now, undefined, buildDelayMs), store };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("NodeAudit build delay", () => {
  it("builds and writes a record after the delay, not before, with nothing reading the log", async () => {
    const { audit: a, store } = await audit(150);
    a.append(record("A"));
    a.append(record("B"));
    expect(a.pendingWrites).toBe(2);
    await sleep(40);
    expect(await store.auditSize()).toBe(0); // still waiting for its delay
    await sleep(400);
    expect(await store.auditSize()).toBe(2);
    expect(a.pendingWrites).toBe(0);
  });

  it("never shows the lag: reading the log or waiting for it takes every record in at once", async () => {
    const { audit: a, store } = await audit(60_000);
    a.append(record("A"));
    expect(a.log.size).toBe(1);
    a.append(record("B"));
    await a.settled();
    expect(await store.auditSize()).toBe(2);
    expect(a.log.size).toBe(2);
  });

  it("builds when the current task ends with no delay", async () => {
    const { audit: a, store } = await audit(0);
    a.append(record("A"));
    await new Promise((r) => setImmediate(r));
    await sleep(50);
    expect(await store.auditSize()).toBe(1);
  });
});
