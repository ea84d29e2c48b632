// The Store contract against the real PostgreSQL server on 127.0.0.1:5432 (CI starts it). Each test
// works in its own schema `triwatch_test_<random>`, dropped afterwards; nothing else in the shared
// `test` database is touched.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_POSTGRES_URL,
  PostgresStore,
  postgresConnection,
} from "../src/adapters/postgres/postgres-store.ts";
import { MIGRATIONS } from "../src/adapters/sql/migrations.ts";
import { storeContract } from "../src/adapters/store.contract.ts";
import { StoreError } from "../src/ports.ts";

const URL = process.env.TRIWATCH_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
let admin: pg.Client;
let connected = false;
const created = new Set<string>();

beforeAll(async () => {
  admin = new pg.Client(postgresConnection(URL));
  try {
    await admin.connect();
    await admin.query("SELECT 1");
    connected = true;
  } catch (e) {
    throw new Error(
      `PostgreSQL is needed for these tests at ${URL} (CI starts it; locally: pg_ctlcluster 15 main start). ` +
        `Connecting failed: ${String(e)}`,
    );
  }
});

afterAll(async () => {
  if (!connected) return;
  // Drops any schema a failed test left behind, then checks none of ours remains.
  for (const schema of created) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const left = await admin.query("SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)", [[...created]]);
  await admin.end();
  expect(left.rows).toEqual([]);
});

function testSchema(): string {
  const schema = `triwatch_test_${randomBytes(6).toString("hex")}`;
  created.add(schema);
  return schema;
}

async function tablesIn(schema: string): Promise<string[]> {
  const r = await admin.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
    [schema],
  );
  return r.rows.map((row) => row.table_name);
}

storeContract("PostgresStore", async () => {
  const schema = testSchema();
  return {
    open: () => new PostgresStore({ url: URL, schema }),
    dispose: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
});

describe("PostgresStore", () => {
  it("keeps its tables in its own schema and records each migration once", async () => {
    const schema = testSchema();
    const store = new PostgresStore({ url: URL, schema });
    const other = new PostgresStore({ url: URL, schema });
    try {
      // Two processes starting at once: schema creation and migrations must not collide.
      await Promise.all([store.migrate(), store.migrate(), other.migrate()]);
      expect(await tablesIn(schema)).toEqual([
        "agreement_events",
        "alerts",
        "audit_leaves",
        "decisions",
        "inbox",
        "items",
        "outbox",
        "schema_migrations",
        "track_states",
        "tree_heads",
      ]);
      const applied = await admin.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(applied.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await store.close();
      await other.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it("refuses a database migrated by a newer release", async () => {
    const schema = testSchema();
    const store = new PostgresStore({ url: URL, schema });
    try {
      await store.migrate();
      await admin.query(
        `INSERT INTO ${schema}.schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)`,
      );
      const again = new PostgresStore({ url: URL, schema });
      const e = await again.migrate().catch((err: unknown) => err);
      await again.close();
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).code).toBe("MIGRATION_MISMATCH");
      expect((e as StoreError).message).toContain("version 999");
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it("says UNAVAILABLE, naming the server, when nothing listens", async () => {
    const store = new PostgresStore({ url: "postgres://127.0.0.1:1/test", schema: testSchema() });
    const e = await store.migrate().catch((err: unknown) => err);
    await store.close();
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe("UNAVAILABLE");
    expect((e as StoreError).message).toContain("127.0.0.1:1");
  });

  it("refuses a schema name that is not a plain identifier", () => {
    expect(() => new PostgresStore({ schema: "public; DROP TABLE x" })).toThrow(/schema/);
  });
});
