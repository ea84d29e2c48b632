import { PGlite } from "@electric-sql/pglite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../ports.ts";
import { cachedPgliteTemplate } from "../pglite/template-cache.ts";
import type { Row, SqlClient, SqlQueries } from "./client.ts";
import { applyMigrations, MIGRATIONS, type Migration } from "./migrations.ts";

let template: Promise<Blob> | undefined;
let db: PGlite;
let client: SqlClient;

function over(target: PGlite | Parameters<Parameters<PGlite["transaction"]>[0]>[0]): SqlQueries {
  return {
    query: async (sql, params = []) => (await target.query<Row>(sql, [...params])).rows,
    exec: async (script) => {
      await target.exec(script);
    },
  };
}

beforeEach(async () => {
  template ??= cachedPgliteTemplate();
  db = await PGlite.create({ loadDataDir: await template });
  client = {
    ...over(db),
    transaction: (fn) => db.transaction((tx) => fn(over(tx))),
    close: () => db.close(),
    description: "PGlite (test)",
  };
});

afterEach(async () => {
  await db.close();
});

async function tables(): Promise<string[]> {
  const rows = await client.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((r) => String(r.table_name));
}

describe("applyMigrations", () => {
  it("applies every migration in order once, then nothing", async () => {
    expect(await applyMigrations(client, 1)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await applyMigrations(client, 2)).toEqual([]);
    expect(await tables()).toContain("inbox");
    const applied = await client.query("SELECT version, applied_at FROM schema_migrations ORDER BY version");
    expect(applied.map((r) => [Number(r.version), Number(r.applied_at)])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it("rolls back every pending migration when one fails", async () => {
    const broken: Migration = { version: 3, name: "broken", sql: "CREATE TABLE extra (x int); SELECT nope;" };
    await expect(applyMigrations(client, 1, [...MIGRATIONS, broken])).rejects.toThrow(/nope/);
    expect(await tables()).toEqual([]);
    expect(await applyMigrations(client, 2)).toEqual([1, 2]);
  });

  it("refuses a database whose applied migration differs from the code's", async () => {
    await applyMigrations(client, 1);
    const edited = MIGRATIONS.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    const e = await applyMigrations(client, 2, edited).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe("MIGRATION_MISMATCH");
    expect((e as StoreError).message).toContain("migration 2");
  });

  it("refuses a database that a newer release migrated", async () => {
    await applyMigrations(client, 1);
    const e = await applyMigrations(client, 2, MIGRATIONS.slice(0, 1)).catch((err: unknown) => err);
    expect((e as StoreError).code).toBe("MIGRATION_MISMATCH");
    expect((e as StoreError).message).toContain("version 2 is applied but unknown");
  });
});
