/**
 * `Store` on a PostgreSQL server (one per site in the distributed deployment), through a `pg` pool.
 * Each store lives in its own schema (default `triwatch`), created by `migrate()` and selected with
 * `search_path` on every connection, so several nodes, or test runs, can share one database without
 * seeing each other's tables.
 */
import { userInfo } from "node:os";
import pg from "pg";
import { StoreError } from "../../ports.ts";
import { type Row, type SqlClient, type SqlQueries, sqlState, UNIQUE_VIOLATION } from "../sql/client.ts";
import { SqlStore } from "../sql/sql-store.ts";

/** The default server: the local PostgreSQL, database `test`, trust authentication. */
export const DEFAULT_POSTGRES_URL = "postgres://127.0.0.1:5432/test";

/** Which server and schema a PostgreSQL store uses. */
export interface PostgresStoreOptions {
  /** Connection URL; default `DEFAULT_POSTGRES_URL`. */
  url?: string;
  /** Schema holding this store's tables: lower-case letters, digits and `_`; default `triwatch`. */
  schema?: string;
  /** Pool size; default 4. */
  maxConnections?: number;
  /** Clock for migration stamps (epoch ms). */
  now?: () => number;
}

/**
 * `pg` settings for `url`. Without a user in the URL, `pg` falls back to $PGUSER and $USER only and fails
 * when neither is set (as in some CI environments); this falls back to the account running the process,
 * as psql does.
 */
export function postgresConnection(url: string): pg.ClientConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url }; // pg reports an unparsable URL itself.
  }
  // A user given beside the URL is overwritten by the URL's (absent) one, so it goes into the URL.
  if (!parsed.username) parsed.username = process.env.PGUSER || process.env.USER || userInfo().username;
  return { connectionString: parsed.toString() };
}

const DUPLICATE_SCHEMA = "42P06";
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** Errors that mean the server cannot be reached, not that a statement failed. */
function isConnectionError(e: unknown): boolean {
  const code = typeof e === "object" && e !== null && "code" in e ? (e as { code: unknown }).code : undefined;
  return (
    typeof code === "string" &&
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ENOTFOUND",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "57P03",
      "3D000",
      "28000",
    ].includes(code)
  );
}

/** A `SqlClient` over a `pg` pool whose connections all use one schema. */
class PostgresClient implements SqlClient {
  readonly description: string;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  #schemaReady: Promise<void> | undefined;

  constructor(url: string, schema: string, max: number) {
    this.description = `PostgreSQL at ${redacted(url)} (schema ${schema})`;
    this.#schema = schema;
    this.#pool = new pg.Pool({ ...postgresConnection(url), max, options: `-c search_path=${schema}` });
    // An idle client that loses its server emits here; without a listener that would end the process.
    this.#pool.on("error", () => {});
  }

  #unavailable(e: unknown): never {
    if (isConnectionError(e))
      throw new StoreError("UNAVAILABLE", `${this.description} is not reachable: ${String(e)}`, { cause: e });
    throw e;
  }

  /** Creates the schema once per client (migrations then create tables in it). */
  #ensureSchema(): Promise<void> {
    this.#schemaReady ??= this.#pool
      .query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`)
      .then(() => undefined)
      .catch((e: unknown) => {
        // IF NOT EXISTS is not atomic: a process creating the same schema at the same moment wins.
        if (sqlState(e) === UNIQUE_VIOLATION || sqlState(e) === DUPLICATE_SCHEMA) return;
        this.#schemaReady = undefined;
        this.#unavailable(e);
      });
    return this.#schemaReady;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (await this.#pool.query<Row>(sql, [...params])).rows;
    } catch (e) {
      return this.#unavailable(e);
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.#pool.query(script);
    } catch (e) {
      this.#unavailable(e);
    }
  }

  async transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
    await this.#ensureSchema();
    let conn: pg.PoolClient;
    try {
      conn = await this.#pool.connect();
    } catch (e) {
      return this.#unavailable(e);
    }
    const tx: SqlQueries = {
      async query(sql, params = []) {
        return (await conn.query<Row>(sql, [...params])).rows;
      },
      async exec(script) {
        await conn.query(script);
      },
    };
    let broken: unknown;
    try {
      await conn.query("BEGIN");
      const result = await fn(tx);
      await conn.query("COMMIT");
      return result;
    } catch (e) {
      await conn.query("ROLLBACK").catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      return this.#unavailable(e);
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
      conn.release(broken instanceof Error ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** The Store on a PostgreSQL server. */
export class PostgresStore extends SqlStore {
  constructor(options: PostgresStoreOptions = {}) {
    const schema = options.schema ?? "triwatch";
    if (!SCHEMA_NAME.test(schema))
      throw new StoreError(
        "INVALID_RECORD",
        `schema "${schema}": lower-case letters, digits and _, starting with a letter or _`,
      );
    super(
      new PostgresClient(options.url ?? DEFAULT_POSTGRES_URL, schema, options.maxConnections ?? 4),
      options.now,
    );
  }
}
