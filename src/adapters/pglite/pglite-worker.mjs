/**
 * Worker-thread entry hosting one PGlite instance for `PgliteThreadClient` (thread-client.ts). Plain
 * JavaScript so that it loads under node, tsx and vitest alike; it imports only PGlite and
 * node:worker_threads.
 *
 * Requests `{ id, db, op, ... }` (`db`: which of the thread's databases) are answered `{ id, ok: true, value }` or `{ id, ok: false, error }`:
 * - `open { dataDir?, template? }`: starts database `db`'s PGlite (template: the bytes of a `dumpDataDir` dump);
 * - `query { sql, params, tx? }` → rows; `exec { script, tx? }`;
 * - `begin` opens a PGlite transaction, whose id is the begin's own id, and answers once it holds
 *   PGlite; statements naming that `tx` run inside it until `end { tx, commit }`, answered once committed
 *   or rolled back. They may be sent before the begin is answered (they wait for it: one round trip
 *   less per transaction). Statements without `tx` meanwhile wait in PGlite's own queue.
 * - `close` closes database `db` (after what is queued); the parent terminates the thread once its last
 *   database is closed.
 * Requests are handled concurrently: PGlite serialises them, so a transaction's statements are never
 * stuck behind an outside statement waiting for that transaction to end.
 */
import { parentPort } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

if (!parentPort) throw new Error("pglite-worker.mjs runs as a worker thread");
const port = parentPort;

/**
 * The open databases, by the number their client goes by (one thread can host several clients'
 * databases: `PgliteThreadHost`).
 * @type {Map<number, PGlite>}
 */
const dbs = new Map();
/** @typedef {import("@electric-sql/pglite").Transaction} Transaction */
/** @typedef {{ commit: boolean, id: number }} End */
/**
 * Transactions begun and not ended, by id: `opened` resolves once PGlite has begun it.
 * @type {Map<number, { opened: Promise<Transaction>, end: (end: End) => void }>}
 */
const transactions = new Map();

/** Error fields worth sending: PGlite's DatabaseError carries the SQLSTATE in `code`. */
const FIELDS = ["code", "detail", "hint", "severity", "schema", "table", "column", "constraint", "where"];

/**
 * An error as a plain object that survives postMessage.
 * @param {unknown} e
 */
function wireError(e) {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  /** @type {Record<string, string>} */
  const out = { name: e.name, message: e.message };
  const fields = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (e));
  for (const f of FIELDS) if (typeof fields[f] === "string") out[f] = /** @type {string} */ (fields[f]);
  return out;
}

/**
 * @param {number} id
 * @param {unknown} value
 */
function ok(id, value) {
  port.postMessage({ id, ok: true, value });
}

/**
 * @param {number} id
 * @param {unknown} e
 */
function fail(id, e) {
  port.postMessage({ id, ok: false, error: wireError(e) });
}

/**
 * Database `n`, which must be open.
 * @param {unknown} n
 */
function open(n) {
  const db = dbs.get(/** @type {number} */ (n));
  if (!db) throw new Error("PGlite is not open");
  return db;
}

/**
 * Transaction `tx` once begun.
 * @param {number} tx
 */
function transaction(tx) {
  const t = transactions.get(tx);
  if (!t) throw new Error("Transaction is closed");
  return t.opened;
}

/**
 * Begins a transaction on database `n` for request `id`; answers `id` when it is open, and the `end`
 * request when done.
 * @param {number} id
 * @param {unknown} n
 */
function begin(id, n) {
  const db = open(n);
  let started = false;
  /** @type {End | undefined} */
  let requested;
  /** @type {(end: End) => void} */
  let end = () => {};
  /** @type {Promise<End>} */
  const ended = new Promise((resolve) => {
    end = (how) => {
      requested = how;
      resolve(how);
    };
  });
  /** @type {(tx: Transaction) => void} */
  let opened = () => {};
  /** @type {(e: unknown) => void} */
  let refused = () => {};
  /** @type {Promise<Transaction>} */
  const begun = new Promise((resolve, reject) => {
    opened = resolve;
    refused = reject;
  });
  begun.catch(() => {}); // statements waiting for it get the error; none may be waiting
  transactions.set(id, { opened: begun, end });
  db.transaction(async (tx) => {
    started = true;
    opened(tx);
    ok(id, id);
    const how = await ended;
    transactions.delete(id);
    // Rolled back here, PGlite then skips its COMMIT; on commit PGlite commits when this returns.
    if (!how.commit) await tx.rollback();
  }).then(
    () => {
      if (requested) ok(requested.id, undefined);
    },
    (e) => {
      transactions.delete(id);
      if (!started) {
        refused(e);
        fail(id, e);
      }
      if (requested) fail(requested.id, e);
    },
  );
}

/**
 * @param {{ id: number, db: number, op: string, [key: string]: unknown }} m
 */
async function handle(m) {
  switch (m.op) {
    case "open": {
      const template = /** @type {Uint8Array | undefined} */ (m.template);
      const dataDir = /** @type {string | undefined} */ (m.dataDir);
      if (dbs.has(/** @type {number} */ (m.db))) throw new Error(`database ${m.db} is open already`);
      const db = await PGlite.create({
        ...(dataDir === undefined ? {} : { dataDir }),
        ...(template === undefined ? {} : { loadDataDir: new Blob([template]) }),
      });
      dbs.set(/** @type {number} */ (m.db), db);
      return ok(m.id, undefined);
    }
    case "query": {
      const params = /** @type {unknown[]} */ (m.params);
      const tx = /** @type {number | undefined} */ (m.tx);
      const result = await (tx === undefined ? open(m.db) : await transaction(tx)).query(
        String(m.sql),
        params,
      );
      return ok(m.id, result.rows);
    }
    case "exec": {
      const tx = /** @type {number | undefined} */ (m.tx);
      await (tx === undefined ? open(m.db) : await transaction(tx)).exec(String(m.script));
      return ok(m.id, undefined);
    }
    case "begin":
      return begin(m.id, m.db);
    case "end": {
      const t = transactions.get(/** @type {number} */ (m.tx));
      if (!t) throw new Error("Transaction is closed");
      transactions.delete(/** @type {number} */ (m.tx)); // no statements after the end
      t.end({ commit: m.commit === true, id: m.id });
      return; // answered when the transaction settles
    }
    case "close": {
      const d = dbs.get(/** @type {number} */ (m.db));
      dbs.delete(/** @type {number} */ (m.db));
      if (d) await d.close();
      return ok(m.id, undefined);
    }
    default:
      throw new Error(`unknown request ${m.op}`);
  }
}

port.on("message", (/** @type {{ id: number, db: number, op: string }} */ m) => {
  handle(m).catch((e) => fail(m.id, e));
});
