/**
 * `Store` on PGlite, PostgreSQL compiled to WebAssembly and run in this process: the embedded default
 * (one data directory per node, `./data/<node>/`, chosen by the runtime). PGlite has one connection;
 * it queues statements and transactions itself, so concurrent calls are safe but run one at a time.
 * Only one process may open a data directory at a time.
 *
 * PGlite runs synchronously on the thread that calls it: a statement (a batched write of hundreds of
 * audit leaves takes milliseconds) blocks that thread's event loop, and with several nodes in one
 * process every node's. With `thread: true` each store's PGlite runs on its own worker thread instead
 * (`PgliteThreadClient`, thread-client.ts and pglite-worker.mjs): its CPU time can go to another core
 * and the caller only validates, builds statements, and copies parameters and rows across. Each
 * statement costs a message round trip more (0.1–0.2 ms measured on a loaded 2-core machine), so single
 * small writes are slower and large batches about as fast (bench/store.ts). Same options, SQL and errors
 * (SQLSTATE in `code`; the message names the database); a transaction's function starts before the
 * worker has begun it (its statements wait, as PostgreSQL's would for locks); if the worker thread dies,
 * calls fail with StoreError UNAVAILABLE. Default false: in the calling thread. `thread` may also be a
 * `PgliteThreadHost` shared by several stores: one worker thread runs all their databases, which is
 * what several nodes in one process want (more busy threads than cores make each message stall now and
 * then while a preempted thread holds the queue: postMessage p99 about 1 ms with five busy workers on
 * two cores, 30 µs with one).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { StoreError } from "../../ports.ts";
import type { Row, SqlClient, SqlQueries } from "../sql/client.ts";
import { applyMigrations } from "../sql/migrations.ts";
import { SqlStore } from "../sql/sql-store.ts";
import { PgliteThreadClient, PgliteThreadHost } from "./thread-client.ts";

export { PgliteThreadHost };

/** Where a PGlite store keeps its data. */
export interface PgliteStoreOptions {
  /** Data directory; absent: in memory (lost on close). */
  dataDir?: string;
  /**
   * A data-directory dump (`PGlite.dumpDataDir`) to start from when the directory is new, instead of
   * running initdb (about 4 s); tests use one to open a fresh store in well under a second.
   */
  template?: Blob;
  /** Clock for migration stamps (epoch ms). */
  now?: () => number;
  /**
   * Run PGlite on a worker thread (see the header): `true` a thread of its own, a `PgliteThreadHost` the
   * thread it shares with other stores; default false, in the calling thread.
   */
  thread?: boolean | PgliteThreadHost;
}

function queries(db: PGlite | Transaction): SqlQueries {
  return {
    async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      return (await db.query<Row>(sql, [...params])).rows;
    },
    async exec(script: string): Promise<void> {
      await db.exec(script);
    },
  };
}

/** A `SqlClient` over one PGlite instance, started on first use. */
class PgliteClient implements SqlClient {
  readonly description: string;
  readonly #options: PgliteStoreOptions;
  #db: Promise<PGlite> | undefined;

  /** `db`: an instance already started (otherwise one is started from `options` on first use). */
  constructor(options: PgliteStoreOptions, db?: PGlite) {
    this.#options = options;
    this.#db = db && Promise.resolve(db);
    this.description = options.dataDir ? `PGlite at ${options.dataDir}` : "PGlite in memory";
  }

  #open(): Promise<PGlite> {
    this.#db ??= this.#start();
    return this.#db;
  }

  async #start(): Promise<PGlite> {
    const { dataDir, template } = this.#options;
    // A template is only for a new directory: loading it over existing data would replace that data.
    const fresh = dataDir === undefined || !existsSync(join(dataDir, "PG_VERSION"));
    try {
      // PGlite creates the directory itself but not its parents (`./data/` on a first run).
      if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
      return await PGlite.create({
        ...(dataDir === undefined ? {} : { dataDir }),
        ...(template !== undefined && fresh ? { loadDataDir: template } : {}),
      });
    } catch (e) {
      throw new StoreError("UNAVAILABLE", `${this.description} could not be opened: ${String(e)}`, {
        cause: e,
      });
    }
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return queries(await this.#open()).query(sql, params);
  }

  async exec(script: string): Promise<void> {
    await queries(await this.#open()).exec(script);
  }

  async transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
    const db = await this.#open();
    return db.transaction((tx) => fn(queries(tx)));
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) await (await db).close();
  }
}

/** A node's data directory under `root` (default `./data`): `data/<node>/`. */
export function nodeDataDir(nodeId: string, root = "data"): string {
  if (!/^[A-Za-z0-9_-]+$/.test(nodeId))
    throw new StoreError(
      "INVALID_RECORD",
      `node id "${nodeId}": letters, digits, _ and - only in a directory name`,
    );
  return join(root, nodeId);
}

/** The worker client's options from the store's (exact optional properties: no `undefined` values). */
function threadOptions({ dataDir, template, thread }: PgliteStoreOptions) {
  return {
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(template === undefined ? {} : { template }),
    ...(thread instanceof PgliteThreadHost ? { host: thread } : {}),
  };
}

/** The Store on embedded PGlite. */
export class PgliteStore extends SqlStore {
  constructor(options: PgliteStoreOptions = {}) {
    super(
      options.thread ? new PgliteThreadClient(threadOptions(options)) : new PgliteClient(options),
      options.now,
    );
  }
}

/**
 * A dump of a freshly initialised PGlite data directory, for `PgliteStoreOptions.template`; with
 * `migrated`, the schema is already at the latest version (migrations cost about a second under
 * WebAssembly, so tests that do not test migration itself start from this).
 */
export async function pgliteTemplate(options: { migrated?: boolean } = {}): Promise<Blob> {
  const db = await PGlite.create();
  try {
    if (options.migrated) await applyMigrations(new PgliteClient({}, db), Date.now());
    return await db.dumpDataDir("none");
  } finally {
    await db.close();
  }
}
