import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { storeContract, trackReport } from "../store.contract.ts";
import { nodeDataDir, PgliteStore } from "./pglite-store.ts";
import { cachedPgliteTemplate } from "./template-cache.ts";

// initdb and the migrations take seconds under WebAssembly; every store here starts from a dump of a
// fresh cluster (migrations from empty are tested in ../sql/migrations.test.ts and by PostgreSQL).
let template: Promise<Blob> | undefined;
let migratedTemplate: Promise<Blob> | undefined;
const freshCluster = () => {
  template ??= cachedPgliteTemplate();
  return template;
};
const migratedCluster = () => {
  migratedTemplate ??= cachedPgliteTemplate({ migrated: true });
  return migratedTemplate;
};

// A RAM-backed directory where there is one: each store writes a 40 MB cluster.
const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

storeContract("PgliteStore on disk", async () => {
  const dataDir = mkdtempSync(join(scratch, "triwatch-pglite-"));
  const blob = await migratedCluster();
  return {
    open: () => new PgliteStore({ dataDir, template: blob }),
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

describe("PgliteStore", () => {
  it("runs in memory when given no directory", async () => {
    const store = new PgliteStore({ template: await freshCluster() });
    try {
      await store.migrate();
      expect(
        await store.receiveItem("JSDF", "e1", trackReport("TR-1"), { storedAt: 1, origin: "partner" }),
      ).toBe("stored");
      expect((await store.getItem("TR-1"))?.meta.envelopeId).toBe("e1");
    } finally {
      await store.close();
    }
  });

  it("creates a node's directory under a root that does not exist yet", async () => {
    const root = mkdtempSync(join(scratch, "triwatch-pglite-"));
    try {
      const dataDir = nodeDataDir("USFK_TMO_CELL", join(root, "data"));
      expect(dataDir).toBe(join(root, "data", "USFK_TMO_CELL"));
      const store = new PgliteStore({ dataDir, template: await migratedCluster() });
      await store.migrate();
      await store.close();
      expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
      expect(() => nodeDataDir("../etc")).toThrow(/node id/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("does not load the template over an existing data directory", async () => {
    const dataDir = mkdtempSync(join(scratch, "triwatch-pglite-"));
    try {
      const first = new PgliteStore({ dataDir, template: await freshCluster() });
      await first.migrate();
      await first.markReceived("JSDF", "kept", 1);
      await first.close();
      const second = new PgliteStore({ dataDir, template: await freshCluster() });
      await second.migrate();
      expect(await second.markReceived("JSDF", "kept", 2)).toBe("duplicate");
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
