/**
 * The schema, as ordered migrations shared by PGlite and PostgreSQL. A migration is never edited once
 * released: its SHA-256 is recorded in `schema_migrations`, and `migrate` refuses a database whose
 * applied migrations differ from these or that knows a version this code does not (a newer release
 * wrote it). All pending migrations run in one transaction under an advisory lock, so a failure leaves
 * the database as it was and two processes migrating at once do not collide.
 *
 * Times are int8 epoch milliseconds, except track_states.at (float8: sensor times carry fractions of a
 * millisecond). Bodies are `json`, not `jsonb`: the text is kept as written (jsonb refuses the NUL
 * character, which a report's free text may carry, and reorders keys); queries never look inside a body,
 * since the columns beside it repeat what they filter on.
 */
import { createHash } from "node:crypto";
import { StoreError } from "../../ports.ts";
import { num, type SqlClient, str } from "./client.ts";

/** One step of the schema. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "items, tracks, decisions, audit, tree heads, agreement events, alerts",
    sql: `
      CREATE TABLE items (
        id text PRIMARY KEY,
        kind text NOT NULL,
        originator text NOT NULL,
        body json NOT NULL,
        meta json NOT NULL,
        stored_at int8 NOT NULL
      );
      CREATE INDEX items_stored_at ON items (stored_at);

      CREATE TABLE track_states (
        seq bigserial PRIMARY KEY,
        track_id text NOT NULL,
        at float8 NOT NULL,
        body json NOT NULL
      );
      CREATE INDEX track_states_track_at ON track_states (track_id, at, seq);

      CREATE TABLE decisions (
        id text PRIMARY KEY,
        at int8 NOT NULL,
        item_id text NOT NULL,
        sender text NOT NULL,
        recipient text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('permit', 'deny')),
        agreement text,
        body json NOT NULL
      );
      CREATE INDEX decisions_at ON decisions (at, id);
      CREATE INDEX decisions_item ON decisions (item_id);

      CREATE TABLE audit_leaves (
        idx int8 PRIMARY KEY CHECK (idx >= 0),
        bytes bytea NOT NULL,
        leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
      );

      CREATE TABLE tree_heads (
        log_id text NOT NULL,
        tree_size int8 NOT NULL CHECK (tree_size >= 0),
        ts int8 NOT NULL,
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        signature bytea NOT NULL,
        PRIMARY KEY (log_id, tree_size, ts, root_hash)
      );

      CREATE TABLE agreement_events (
        seq bigserial UNIQUE,
        agreement_id text NOT NULL,
        at_ms int8 NOT NULL,
        type text NOT NULL,
        body json NOT NULL,
        recorded_at int8 NOT NULL,
        PRIMARY KEY (agreement_id, at_ms, type)
      );

      CREATE TABLE alerts (
        id text PRIMARY KEY,
        sent_at int8 NOT NULL,
        nation text NOT NULL,
        event_id text,
        track_id text,
        body json NOT NULL
      );
      CREATE INDEX alerts_sent_at ON alerts (sent_at, id);
    `,
  },
  {
    version: 2,
    name: "inbox and outbox for exactly-once delivery",
    sql: `
      CREATE TABLE inbox (
        seq bigserial UNIQUE,
        sender text NOT NULL,
        envelope_id text NOT NULL,
        received_at int8 NOT NULL,
        item_id text,
        delivered_at int8,
        PRIMARY KEY (sender, envelope_id)
      );
      CREATE INDEX inbox_undelivered ON inbox (seq)
        WHERE delivered_at IS NULL AND item_id IS NOT NULL;

      CREATE TABLE outbox (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        recipient text NOT NULL,
        payload bytea NOT NULL,
        created_at int8 NOT NULL,
        attempts int4 NOT NULL DEFAULT 0,
        last_attempt_at int8,
        acked_at int8
      );
      CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL;
    `,
  },
];

/** SHA-256 of a migration's SQL, hex. */
export function migrationChecksum(m: Migration): string {
  return createHash("sha256").update(m.sql).digest("hex");
}

// Any constant works: it only has to be the same for every process migrating one database; the second
// key keeps migrations of different schemas (one per node, or per test run) from waiting on each other.
const LOCK_KEY = 0x7472_6977; // "triw"

/**
 * Applies the pending migrations of `migrations` (default: all) in one transaction; `now` stamps them.
 * Returns the versions applied (empty when the database was already current).
 */
export async function applyMigrations(
  client: SqlClient,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return client.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))", [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int4 PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at int8 NOT NULL
    )`);
    const applied = new Map(
      (await tx.query("SELECT version, checksum FROM schema_migrations")).map((r) => [
        num(r, "version"),
        str(r, "checksum"),
      ]),
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const [version, checksum] of applied) {
      const m = known.get(version);
      if (!m)
        throw new StoreError(
          "MIGRATION_MISMATCH",
          `${client.description}: schema version ${version} is applied but unknown to this code (a newer release migrated it)`,
        );
      if (migrationChecksum(m) !== checksum)
        throw new StoreError(
          "MIGRATION_MISMATCH",
          `${client.description}: migration ${version} (${m.name}) differs from the one applied`,
        );
    }
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
        [m.version, m.name, migrationChecksum(m), now],
      );
      done.push(m.version);
    }
    return done;
  });
}
