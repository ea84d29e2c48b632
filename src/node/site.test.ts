import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../config/files.ts";
import { PROJECT_ROOT } from "../config/project.ts";
import { markChecked } from "../model/checked.ts";
import { Item } from "../model/item.ts";
import { eventLine, loadSiteConfig, SiteCommand, SiteConfig, type SiteEvent } from "./site.ts";

describe("site files", () => {
  it("reads the example, with paths taken from its directory", () => {
    const site = loadSiteConfig(join(PROJECT_ROOT, "examples", "site", "jsdf.yaml"));
    expect(site.node).toBe("JSDF");
    expect(site.dir).toBe(join(PROJECT_ROOT, "examples", "site"));
    expect(site.store).toEqual({ postgres: "postgres://127.0.0.1:5432/test", schema: "triwatch_jsdf" });
  });

  it("refuses unknown fields, a missing store, and both or neither of password and passwordFile", () => {
    const base = {
      node: "JSDF",
      keys: "k",
      store: { pglite: "d" },
      nats: { servers: ["nats://x:1"], password: "p" },
    };
    expect(SiteConfig.safeParse(base).success).toBe(true);
    expect(SiteConfig.safeParse({ ...base, extra: 1 }).success).toBe(false);
    expect(SiteConfig.safeParse({ ...base, store: undefined }).success).toBe(false);
    expect(SiteConfig.safeParse({ ...base, store: { postgres: "mysql://x" } }).success).toBe(false);
    const both = { ...base, nats: { ...base.nats, passwordFile: "f" } };
    const neither = { ...base, nats: { servers: ["nats://x:1"] } };
    expect(SiteConfig.safeParse(both).success).toBe(false);
    expect(SiteConfig.safeParse(neither).success).toBe(false);
    // An audit delay of 0 (the default's value) is allowed; a negative or fractional one is not.
    expect(SiteConfig.safeParse({ ...base, auditDelayMs: 0 }).success).toBe(true);
    expect(SiteConfig.safeParse({ ...base, auditDelayMs: 5 }).success).toBe(true);
    expect(SiteConfig.safeParse({ ...base, auditDelayMs: -1 }).success).toBe(false);
    expect(SiteConfig.safeParse({ ...base, auditDelayMs: 1.5 }).success).toBe(false);
  });

  it("names the file and field of a bad site file", () => {
    expect(() => loadSiteConfig(join(PROJECT_ROOT, "examples", "rok-track-report.json"))).toThrow(InputError);
  });

  it("parses commands at the edge: an item must be a valid item", () => {
    expect(SiteCommand.safeParse({ cmd: "stop" }).success).toBe(true);
    expect(
      SiteCommand.safeParse({ cmd: "release", item: { id: "x" }, to: "JSDF", channel: "real-time" }).success,
    ).toBe(false);
  });

  it("prints each event as its JSON, a received item's text written once for the store and the line", () => {
    const raw = JSON.parse(readFileSync(join(PROJECT_ROOT, "examples", "rok-track-report.json"), "utf8"));
    for (const item of [Item.parse(raw), markChecked(Item, Item.parse(raw))]) {
      const e: SiteEvent = {
        event: "received",
        id: item.id,
        kind: item.kind,
        from: "USFJ_C4I",
        origin: "ROK_KTMO_CELL",
        stale: false,
        item,
      };
      expect(eventLine(e)).toBe(JSON.stringify(e));
      expect(eventLine(e)).toBe(JSON.stringify(e)); // the second time from the kept text
    }
    const other: SiteEvent = { event: "link-up", peer: "JSDF" };
    expect(eventLine(other)).toBe(JSON.stringify(other));
  });
});
