/**
 * A `SqlClient` whose PGlite runs on its own worker thread (`pglite-worker.mjs`), so the WebAssembly
 * database's CPU time is spent off this thread and the caller's event loop stays free while a statement
 * runs. Each call is a message with an id, answered by the worker; rows and parameters cross by
 * structured clone (numbers, strings, null, booleans, Uint8Array/Buffer (arriving as Uint8Array), Date,
 * bigint and plain objects keep their values; class instances arrive as plain objects, functions
 * cannot be sent). Database errors cross with their message, SQLSTATE (`code`), `detail` and `hint`.
 * A transaction is begun in the worker and serves its function's statements until commit or rollback;
 * the function starts without waiting for the begin to be answered (one round trip less), its
 * statements wait in the worker until the transaction holds PGlite, and outside statements meanwhile
 * wait in PGlite's queue.
 *
 * The worker is unreferenced while no call is waiting for it, so an idle open store does not keep the
 * process alive (as an in-thread PGlite does not); a call waiting for an answer keeps it alive. If the
 * thread dies, every waiting call and every later one fails with StoreError UNAVAILABLE (the database
 * is not restarted: an in-memory one is lost).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { StoreError } from "../../ports.ts";
import type { Row, SqlClient, SqlQueries } from "../sql/client.ts";

/** Where the worker's PGlite keeps its data (as `PgliteStoreOptions`). */
export interface PgliteThreadOptions {
  /** Data directory (created with its parents); absent: in memory. */
  dataDir?: string;
  /** A `dumpDataDir` dump to start from when the directory is new. */
  template?: Blob;
  /** The worker entry (tests substitute one); default `pglite-worker.mjs` beside this file. */
  workerUrl?: URL;
}

/** An error from the worker as it crosses the thread. */
interface WireError {
  name?: string;
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  severity?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  where?: string;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

type Request =
  | { op: "open"; dataDir?: string; template?: Uint8Array }
  | { op: "query"; sql: string; params: unknown[]; tx?: number }
  | { op: "exec"; script: string; tx?: number }
  | { op: "begin" }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "close" };

/**
 * A database error raised in the worker, rethrown here: the message names the database, `code` is the
 * SQLSTATE (so `sqlState()` reads it as from the in-thread client), `reason` is the worker's message.
 */
export class PgliteThreadError extends Error {
  readonly reason: string;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly severity: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  constructor(description: string, wire: WireError) {
    super(`${description}: ${wire.message}${wire.detail ? ` (${wire.detail})` : ""}`);
    this.name = "PgliteThreadError";
    this.reason = wire.message;
    this.code = wire.code;
    this.detail = wire.detail;
    this.hint = wire.hint;
    this.severity = wire.severity;
    this.constraint = wire.constraint;
    this.table = wire.table;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A `SqlClient` over one PGlite on a worker thread, started on first use. */
export class PgliteThreadClient implements SqlClient {
  readonly description: string;
  readonly #options: PgliteThreadOptions;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  /** Set once the worker is gone (closed or died): every call fails with it. */
  #stopped: Error | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: PgliteThreadOptions = {}) {
    this.#options = options;
    this.description = `${options.dataDir ? `PGlite at ${options.dataDir}` : "PGlite in memory"} (worker thread)`;
  }

  #open(): Promise<void> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    if (this.#closing) return Promise.reject(new StoreError("CLOSED", `${this.description} is closed`));
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<void> {
    const { dataDir, template } = this.#options;
    // A template is only for a new directory: loading it over existing data would replace that data.
    const fresh = dataDir === undefined || !existsSync(join(dataDir, "PG_VERSION"));
    try {
      // PGlite creates the directory itself but not its parents (`./data/` on a first run).
      if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
      const bytes =
        template !== undefined && fresh ? new Uint8Array(await template.arrayBuffer()) : undefined;
      const worker = new Worker(this.#options.workerUrl ?? new URL("./pglite-worker.mjs", import.meta.url), {
        // The entry is plain JavaScript: the parent's loaders (tsx, vitest) would only slow its start.
        execArgv: [],
      });
      this.#attach(worker);
      await this.#call(
        {
          op: "open",
          ...(dataDir === undefined ? {} : { dataDir }),
          ...(bytes === undefined ? {} : { template: bytes }),
        },
        bytes ? [bytes.buffer as ArrayBuffer] : [],
      );
    } catch (e) {
      const reason =
        e instanceof PgliteThreadError
          ? e.reason
          : e instanceof Error
            ? e.message.replace(`${this.description}: `, "")
            : String(e);
      const error = new StoreError("UNAVAILABLE", `${this.description} could not be opened: ${reason}`, {
        cause: e,
      });
      this.#stop(error);
      this.#stopped = error; // this, rather than the thread's death it may explain, for later calls
      throw error;
    }
  }

  #attach(worker: Worker): void {
    this.#worker = worker;
    worker.unref();
    worker.on("message", (reply: Reply) => this.#answer(reply));
    worker.on("error", (e) =>
      this.#stop(
        new StoreError("UNAVAILABLE", `${this.description}: its worker thread failed: ${e.message}`, {
          cause: e,
        }),
      ),
    );
    worker.on("messageerror", (e) =>
      this.#stop(
        new StoreError(
          "UNAVAILABLE",
          `${this.description}: a message from its worker thread was unreadable`,
          {
            cause: e,
          },
        ),
      ),
    );
    worker.on("exit", (code) =>
      this.#stop(
        this.#closing
          ? new StoreError("CLOSED", `${this.description} is closed`)
          : new StoreError(
              "UNAVAILABLE",
              `${this.description}: its worker thread stopped (exit code ${code})`,
            ),
      ),
    );
  }

  #answer(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new PgliteThreadError(this.description, reply.error));
  }

  /** Marks the worker gone and fails every waiting call with `error`; the first reason stands. */
  #stop(error: Error): void {
    this.#stopped ??= error;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) void worker.terminate();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(this.#stopped);
  }

  /** Sends one request and waits for its answer. */
  #call(request: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    return this.#send(request, transfer).answer;
  }

  /** Sends one request: its id, and its answer to come. */
  #send(request: Request, transfer: ArrayBuffer[] = []): { id: number; answer: Promise<unknown> } {
    const id = this.#nextId++;
    const worker = this.#worker;
    if (this.#stopped || !worker)
      return {
        id,
        answer: Promise.reject(this.#stopped ?? new StoreError("CLOSED", `${this.description} is closed`)),
      };
    const answer = new Promise((resolve, reject) => {
      try {
        worker.postMessage({ id, ...request }, transfer);
      } catch (e) {
        // A parameter structured clone cannot copy (a function, a symbol).
        reject(new TypeError(`${this.description}: cannot send the statement to its worker: ${String(e)}`));
        return;
      }
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
    });
    return { id, answer };
  }

  #queries(tx?: number): SqlQueries {
    const at = tx === undefined ? {} : { tx };
    return {
      query: async (sql: string, params: readonly unknown[] = []): Promise<Row[]> =>
        (await this.#call({ op: "query", sql, params: [...params], ...at })) as Row[],
      exec: async (script: string): Promise<void> => {
        await this.#call({ op: "exec", script, ...at });
      },
    };
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    await this.#open();
    return this.#queries().query(sql, params);
  }

  async exec(script: string): Promise<void> {
    await this.#open();
    await this.#queries().exec(script);
  }

  async transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
    await this.#open();
    // Answered once the worker's PGlite has begun the transaction (after any queued before it); `fn`'s
    // statements need not wait for the answer: the worker holds them until then.
    const { id: tx, answer: begun } = this.#send({ op: "begin" });
    begun.catch(() => {}); // awaited before committing; a statement in `fn` meanwhile gets the error too
    let result: T;
    try {
      result = await fn(this.#queries(tx));
    } catch (e) {
      try {
        await this.#call({ op: "end", tx, commit: false });
      } catch {
        // Fails only if the transaction never began or the worker is gone (which rolls back as well).
      }
      throw e;
    }
    await begun;
    await this.#call({ op: "end", tx, commit: true });
    return result;
  }

  /** Closes PGlite after the statements already sent, then ends the thread; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#ready === undefined) {
      this.#stop(new StoreError("CLOSED", `${this.description} is closed`));
      return;
    }
    try {
      await this.#ready;
    } catch {
      return; // never opened: its worker is already ended
    }
    if (this.#stopped) return; // the thread died: nothing left to close
    const worker = this.#worker;
    try {
      await this.#call({ op: "close" });
    } finally {
      this.#stop(new StoreError("CLOSED", `${this.description} is closed`));
      if (worker) await worker.terminate();
    }
  }
}
