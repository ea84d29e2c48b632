/**
 * A `SqlClient` whose PGlite runs on a worker thread (`pglite-worker.mjs`; its own, or one shared with
 * other clients through a `PgliteThreadHost`), so the WebAssembly
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

/** Where the worker's PGlite keeps its data (as `PgliteStoreOptions`), and which thread runs it. */
export interface PgliteThreadOptions {
  /** Data directory (created with its parents); absent: in memory. */
  dataDir?: string;
  /** A `dumpDataDir` dump to start from when the directory is new. */
  template?: Blob;
  /**
   * The worker thread to run on, shared with other clients; absent: a thread of the client's own.
   * Several stores in one process (the embedded topology's five) are better on one shared thread than
   * on one each: a process with more busy threads than cores makes `postMessage` stall for up to a
   * millisecond or two while a preempted receiver holds its queue.
   */
  host?: PgliteThreadHost;
  /** The worker entry (tests substitute one) when the client has its own thread; default `pglite-worker.mjs`. */
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

/** What a host needs of a client on it: its answers, and word that the thread is gone. */
interface HostedClient {
  answer(reply: Reply): void;
  /** The thread died (`reason` as "its worker thread stopped (exit code 7)"). */
  lost(reason: string, cause?: unknown): void;
}

/**
 * One worker thread (`pglite-worker.mjs`) hosting the PGlite databases of one or more clients, each
 * under its own number. Started by its first client's first call; ended when its last client closes (a
 * later client starts a new thread). Unreferenced while no call waits, so an idle host does not keep
 * the process alive. If the thread dies, every client on it fails from then on (in-memory databases are
 * lost; nothing is restarted).
 */
export class PgliteThreadHost {
  readonly #workerUrl: URL;
  #worker: Worker | undefined;
  #nextId = 1;
  #nextDb = 1;
  /** Which client waits for each request's answer. */
  readonly #waiting = new Map<number, HostedClient>();
  readonly #clients = new Set<HostedClient>();
  /** Why the thread is gone, once it died (until the last client leaves). */
  #lost: string | undefined;

  constructor(options: { workerUrl?: URL } = {}) {
    this.#workerUrl = options.workerUrl ?? new URL("./pglite-worker.mjs", import.meta.url);
  }

  /** Adds a client: the number its database goes by in the worker. */
  join(client: HostedClient): number {
    this.#clients.add(client);
    return this.#nextDb++;
  }

  /** Removes a client; the last one to leave ends the thread. */
  async leave(client: HostedClient): Promise<void> {
    if (!this.#clients.delete(client) || this.#clients.size > 0) return;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#lost = undefined;
    if (worker) await worker.terminate();
  }

  /** Why the thread is unusable, if it died. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /**
   * Posts a request for database `db` on behalf of `client` (starting the thread if need be) and
   * returns its id; throws what structured clone throws for a value it cannot copy, and if the thread
   * died.
   */
  post(client: HostedClient, db: number, request: Request, transfer: ArrayBuffer[] = []): number {
    // A dead thread is not replaced while clients that had databases on it remain.
    if (this.#lost) throw new Error(this.#lost);
    const worker = this.#start();
    const id = this.#nextId++;
    worker.postMessage({ id, db, ...request }, transfer);
    this.#waiting.set(id, client);
    if (this.#waiting.size === 1) worker.ref();
    return id;
  }

  /** Forgets the requests of a client that gave up on them (its own pending calls are failed by it). */
  forget(client: HostedClient): void {
    for (const [id, c] of this.#waiting) if (c === client) this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#worker?.unref();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#workerUrl, {
      // The entry is plain JavaScript: the parent's loaders (tsx, vitest) would only slow its start.
      execArgv: [],
    });
    this.#worker = worker;
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const client = this.#waiting.get(reply.id);
      if (!client) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) this.#worker?.unref();
      client.answer(reply);
    });
    worker.on("error", (e) => this.#die(worker, `its worker thread failed: ${e.message}`, e));
    worker.on("messageerror", (e) => this.#die(worker, "a message from its worker thread was unreadable", e));
    worker.on("exit", (code) => this.#die(worker, `its worker thread stopped (exit code ${code})`));
    return worker;
  }

  #die(worker: Worker, reason: string, cause?: unknown): void {
    if (this.#worker !== worker) return; // ended on purpose, or an earlier thread
    this.#worker = undefined;
    this.#lost ??= reason;
    void worker.terminate();
    this.#waiting.clear();
    for (const c of [...this.#clients]) c.lost(reason, cause);
  }
}

/** A `SqlClient` over one PGlite on a worker thread (its own, or a shared `PgliteThreadHost`), started on first use. */
export class PgliteThreadClient implements SqlClient {
  readonly description: string;
  readonly #options: PgliteThreadOptions;
  readonly #host: PgliteThreadHost;
  readonly #pending = new Map<number, Pending>();
  readonly #self: HostedClient;
  #db: number | undefined;
  #ready: Promise<void> | undefined;
  /** Set once the database is gone (closed or its thread died): every call fails with it. */
  #stopped: Error | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: PgliteThreadOptions = {}) {
    this.#options = options;
    this.#host =
      options.host ?? new PgliteThreadHost(options.workerUrl ? { workerUrl: options.workerUrl } : {});
    this.description = `${options.dataDir ? `PGlite at ${options.dataDir}` : "PGlite in memory"} (worker thread)`;
    this.#self = {
      answer: (reply) => this.#answer(reply),
      lost: (reason, cause) =>
        this.#stop(new StoreError("UNAVAILABLE", `${this.description}: ${reason}`, { cause })),
    };
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
      if (this.#host.lost) throw new Error(this.#host.lost);
      // PGlite creates the directory itself but not its parents (`./data/` on a first run).
      if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
      const bytes =
        template !== undefined && fresh ? new Uint8Array(await template.arrayBuffer()) : undefined;
      this.#db = this.#host.join(this.#self);
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
      void this.#host.leave(this.#self);
      throw error;
    }
  }

  #answer(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new PgliteThreadError(this.description, reply.error));
  }

  /** Marks the database gone and fails every waiting call with `error`; the first reason stands. */
  #stop(error: Error): void {
    this.#stopped ??= error;
    this.#host.forget(this.#self);
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
    const db = this.#db;
    if (this.#stopped || db === undefined)
      return {
        id: 0,
        answer: Promise.reject(this.#stopped ?? new StoreError("CLOSED", `${this.description} is closed`)),
      };
    let id = 0;
    const answer = new Promise((resolve, reject) => {
      try {
        id = this.#host.post(this.#self, db, request, transfer);
      } catch (e) {
        // A parameter structured clone cannot copy (a function, a symbol).
        reject(new TypeError(`${this.description}: cannot send the statement to its worker: ${String(e)}`));
        return;
      }
      this.#pending.set(id, { resolve, reject });
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
      return; // never opened: it has left its thread already
    }
    if (this.#stopped) {
      await this.#host.leave(this.#self); // the thread died: nothing left to close
      return;
    }
    try {
      await this.#call({ op: "close" });
    } finally {
      this.#stop(new StoreError("CLOSED", `${this.description} is closed`));
      await this.#host.leave(this.#self);
    }
  }
}
