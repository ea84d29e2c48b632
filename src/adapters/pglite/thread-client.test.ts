import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../ports.ts";
import { sqlState, UNIQUE_VIOLATION } from "../sql/client.ts";
import { storeContract, trackReport } from "../store.contract.ts";
import { PgliteStore } from "./pglite-store.ts";
import { cachedPgliteTemplate } from "./template-cache.ts";
import { PgliteThreadClient, PgliteThreadError, PgliteThreadHost } from "./thread-client.ts";

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

const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

storeContract("PgliteStore on a worker thread, on disk", async () => {
  const dataDir = mkdtempSync(join(scratch, "triwatch-pglite-thread-"));
  const blob = await migratedCluster();
  return {
    open: () => new PgliteStore({ dataDir, template: blob, thread: true }),
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

storeContract("PgliteStore on a worker thread shared with another store", async () => {
  const dataDir = mkdtempSync(join(scratch, "triwatch-pglite-shared-"));
  const blob = await migratedCluster();
  const host = new PgliteThreadHost();
  // A neighbour on the same thread with a log of its own: nothing of it may show in the store under test.
  const neighbour = new PgliteStore({ template: blob, thread: host });
  await neighbour.migrate();
  await neighbour.appendAuditLeaves(
    Array.from({ length: 3 }, (_, i) => ({
      index: i,
      bytes: new Uint8Array([i]),
      leafHash: new Uint8Array(32),
    })),
  );
  return {
    open: () => new PgliteStore({ dataDir, template: blob, thread: host }),
    dispose: async () => {
      expect(await neighbour.auditSize()).toBe(3);
      await neighbour.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

/** Clients opened by a test, closed after it. */
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close().catch(() => {});
});

async function client(): Promise<PgliteThreadClient> {
  const c = new PgliteThreadClient({ template: await freshCluster() });
  opened.push(c);
  return c;
}

/** What `fn` rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "expected a rejection").toBeInstanceOf(Error);
  return e as Error;
}

/** A promise and its resolver, to hold a transaction open until the test lets it go. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

describe("PgliteThreadClient", () => {
  it("runs in memory in a PgliteStore with thread: true", async () => {
    const store = new PgliteStore({ template: await freshCluster(), thread: true });
    opened.push(store);
    expect(store.description).toBe("PGlite in memory (worker thread)");
    await store.migrate();
    expect(
      await store.receiveItem("JSDF", "e1", trackReport("TR-1"), { storedAt: 1, origin: "partner" }),
    ).toBe("stored");
    expect((await store.getItem("TR-1"))?.meta.envelopeId).toBe("e1");
    await store.appendAuditLeaves([
      { index: 0, bytes: new Uint8Array([1, 2, 3]), leafHash: new Uint8Array(32) },
    ]);
    const [leaf] = await store.auditLeaves(0, 1);
    expect(leaf?.bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("returns the same rows as PGlite in this thread: bytea as Uint8Array, numbers, text, null, json", async () => {
    const c = await client();
    const local = await PGlite.create({ loadDataDir: await freshCluster() });
    try {
      const sql = `SELECT $1::bytea AS b, $2::bytea AS buf, $3::int4 AS i, $4::int8 AS big, $5::float8 AS f,
        $6::text AS t, $7::text AS nul, $8::json AS j, $9::jsonb AS jb, '\\x00ff'::bytea AS lit, true AS yes,
        ARRAY[1, 2]::int4[] AS arr`;
      const doc = { a: [1, "two", null, { b: true }], n: -0.5 };
      const params = [
        new Uint8Array([0, 1, 254, 255]),
        Buffer.from("héllo"),
        -7,
        2 ** 52 + 1,
        Math.PI,
        "ünï\ncode ✓",
        null,
        JSON.stringify(doc),
        JSON.stringify(doc),
      ];
      const rows = await c.query(sql, params);
      expect(rows).toEqual((await local.query(sql, params)).rows);
      const row = rows[0] ?? {};
      expect(row.b).toBeInstanceOf(Uint8Array);
      expect(row.b).toEqual(new Uint8Array([0, 1, 254, 255]));
      expect(row.buf).toBeInstanceOf(Uint8Array);
      expect(new TextDecoder().decode(row.buf as Uint8Array)).toBe("héllo");
      expect(row.lit).toEqual(new Uint8Array([0, 255]));
      expect(row.big).toBe(2 ** 52 + 1);
      expect(row.f).toBe(Math.PI);
      expect(row.nul).toBeNull();
      expect(row.j).toEqual(doc);
      expect(row.jb).toEqual(doc);
    } finally {
      await local.close();
    }
  });

  it("passes the SQLSTATE, detail and the database's name with an error", async () => {
    const c = await client();
    await c.exec("CREATE TABLE k (id int PRIMARY KEY)");
    await c.query("INSERT INTO k VALUES ($1)", [1]);
    const e = await rejection(c.query("INSERT INTO k VALUES ($1)", [1]));
    expect(e).toBeInstanceOf(PgliteThreadError);
    expect(sqlState(e)).toBe(UNIQUE_VIOLATION);
    expect((e as PgliteThreadError).detail).toBe("Key (id)=(1) already exists.");
    expect((e as PgliteThreadError).constraint).toBe("k_pkey");
    expect(e.message).toMatch(
      /^PGlite in memory \(worker thread\): duplicate key value violates unique constraint/,
    );
    expect(sqlState(await rejection(c.exec("SELEC 1")))).toBe("42601");
    expect(sqlState(await rejection(c.query("SELECT 1/0")))).toBe("22012");
    // The client still works after errors.
    expect(await c.query("SELECT count(*)::int AS n FROM k")).toEqual([{ n: 1 }]);
  });

  it("commits a transaction whose function resolves, and rolls back one that throws, rethrowing", async () => {
    const c = await client();
    await c.exec("CREATE TABLE t (id int PRIMARY KEY)");
    expect(
      await c.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1)");
        await tx.exec("INSERT INTO t VALUES (2)");
        return (await tx.query("SELECT count(*)::int AS n FROM t"))[0]?.n;
      }),
    ).toBe(2);
    const thrown = new Error("changed my mind");
    let inside: { query(sql: string): Promise<unknown> } | undefined;
    const e = await rejection(
      c.transaction(async (tx) => {
        inside = tx;
        await tx.query("INSERT INTO t VALUES (3)");
        expect(await tx.query("SELECT count(*)::int AS n FROM t")).toEqual([{ n: 3 }]);
        throw thrown;
      }),
    );
    expect(e).toBe(thrown);
    expect(await c.query("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    // A transaction's queries do not outlive it.
    await expect(inside?.query("SELECT 1")).rejects.toThrow(/Transaction is closed/);
    // A database error inside rolls back everything and reaches the caller with its code.
    const dup = await rejection(
      c.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (4)");
        await tx.query("INSERT INTO t VALUES (1)");
      }),
    );
    expect(sqlState(dup)).toBe(UNIQUE_VIOLATION);
    expect(await c.query("SELECT count(*)::int AS n FROM t")).toEqual([{ n: 2 }]);
    // A function that throws before its first statement (perhaps before the worker has begun).
    const early = new Error("before any statement");
    expect(
      await rejection(
        c.transaction(async () => {
          throw early;
        }),
      ),
    ).toBe(early);
    expect(await c.transaction(async () => "empty")).toBe("empty");
    expect(await c.query("SELECT count(*)::int AS n FROM t")).toEqual([{ n: 2 }]);
  });

  it("makes an outside query wait for a transaction in progress, without deadlock", async () => {
    const c = await client();
    await c.exec("CREATE TABLE t (id int)");
    const hold = gate();
    const events: string[] = [];
    const tx = c.transaction(async (q) => {
      await q.query("INSERT INTO t VALUES (1)");
      events.push("tx inserted");
      await hold.wait;
      // The outside query is queued in the worker by now; the transaction's statements still run.
      await q.query("INSERT INTO t VALUES (2)");
      events.push("tx inserted again");
      return "committed";
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(["tx inserted"]);
    const outside = c.query("SELECT count(*)::int AS n FROM t").then((rows) => {
      events.push("outside read");
      return rows;
    });
    // Its function starts at once (as with PostgreSQL); its statements wait for the first to commit.
    const second = c.transaction(async (q) => {
      const rows = await q.query("SELECT count(*)::int AS n FROM t");
      events.push("second tx read");
      return rows;
    });
    await new Promise((r) => setTimeout(r, 100));
    const early = [...events];
    hold.open(); // before asserting: a failure must not leave the transaction open and close() waiting
    expect(early).toEqual(["tx inserted"]);
    expect(await tx).toBe("committed");
    // Both waited for the commit and saw both rows (not the transaction's uncommitted state, not nothing).
    expect(await outside).toEqual([{ n: 2 }]);
    expect(await second).toEqual([{ n: 2 }]);
    expect(events.slice(0, 2)).toEqual(["tx inserted", "tx inserted again"]);
  });

  it("keeps this thread's event loop running while the worker runs a long statement", async () => {
    /** Runs `statement` while a 10 ms interval ticks; the longest gap between ticks. */
    async function stall(statement: () => Promise<unknown>): Promise<{ elapsed: number; gap: number }> {
      let last = performance.now();
      let gap = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        gap = Math.max(gap, now - last);
        last = now;
      }, 10);
      const t0 = performance.now();
      try {
        await statement();
      } finally {
        clearInterval(timer);
      }
      gap = Math.max(gap, performance.now() - last);
      return { elapsed: performance.now() - t0, gap };
    }
    const heavy = "SELECT pg_sleep(0.4), (SELECT count(*) FROM generate_series(1, 300000)) AS n";

    const c = await client();
    await c.query("SELECT 1"); // started, so the measurement is the statement alone
    const threaded = await stall(() => c.query(heavy));
    expect(threaded.elapsed).toBeGreaterThanOrEqual(400);
    // Ticks every 10 ms in principle; a shared, loaded machine may delay some, never by half the statement.
    expect(threaded.gap).toBeLessThan(threaded.elapsed / 2);

    // The same measurement on PGlite in this thread stalls for the whole statement: the test can tell.
    const local = await PGlite.create({ loadDataDir: await freshCluster() });
    try {
      await local.query("SELECT 1");
      const inThread = await stall(() => local.query(heavy));
      expect(inThread.gap).toBeGreaterThanOrEqual(350);
    } finally {
      await local.close();
    }
  });

  it("closes after the statements already sent, then refuses calls", async () => {
    const c = await client();
    await c.query("SELECT 1");
    const running = c.query("SELECT pg_sleep(0.2), 7 AS n");
    const closing = c.close();
    expect(await running).toEqual([{ pg_sleep: "", n: 7 }]);
    await closing;
    await c.close(); // idempotent
    const e = await rejection(c.query("SELECT 1"));
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe("CLOSED");
    // Never opened: closes without starting a worker.
    await new PgliteThreadClient().close();
  });

  it("does not keep the process alive while idle, open or closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "triwatch-thread-exit-"));
    try {
      const script = join(dir, "idle.mts");
      const here = (name: string) => JSON.stringify(fileURLToPath(new URL(name, import.meta.url)));
      writeFileSync(
        script,
        `import { PgliteStore } from ${here("./pglite-store.ts")};
import { cachedPgliteTemplate } from ${here("./template-cache.ts")};
const store = new PgliteStore({ thread: true, template: await cachedPgliteTemplate({ migrated: true }) });
await store.migrate();
await store.appendAuditLeaf(0, new Uint8Array([1]), new Uint8Array(32));
console.log("size", await store.auditSize());
// not closed: an idle worker must not hold the process
`,
      );
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
        cwd: process.cwd(),
        timeout: 25_000,
      });
      expect(stdout.trim()).toBe("size 1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails every waiting call and every later one when the worker thread dies", async () => {
    // A stand-in worker that opens, then dies on the first statement without answering it.
    const dying = new URL(
      `data:text/javascript,${encodeURIComponent(`
        import { parentPort } from "node:worker_threads";
        parentPort.on("message", (m) => {
          if (m.op === "open") parentPort.postMessage({ id: m.id, ok: true });
          else setTimeout(() => process.exit(7), 50);
        });`)}`,
    );
    const c = new PgliteThreadClient({ workerUrl: dying });
    opened.push(c);
    const pending = [c.query("SELECT 1"), c.exec("SELECT 2"), c.transaction(async () => "never")];
    for (const p of pending) {
      const e = await rejection(p);
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).code).toBe("UNAVAILABLE");
      expect(e.message).toMatch(
        /^PGlite in memory \(worker thread\): its worker thread stopped \(exit code 7\)/,
      );
    }
    expect((await rejection(c.query("SELECT 3"))).message).toMatch(/exit code 7/);
    await c.close();
  });

  it("runs several clients' databases on one shared thread, apart, until the last one closes", async () => {
    const host = new PgliteThreadHost();
    const a = new PgliteThreadClient({ host, template: await freshCluster() });
    const b = new PgliteThreadClient({ host, template: await freshCluster() });
    opened.push(a, b);
    await a.exec("CREATE TABLE t (n int)");
    await b.exec("CREATE TABLE t (n int)");
    // Interleaved transactions on the two databases, one of them rolled back.
    await Promise.all([
      a.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1), (2)");
      }),
      b
        .transaction(async (tx) => {
          await tx.query("INSERT INTO t VALUES (10)");
          throw new Error("roll back b");
        })
        .catch(() => {}),
      b.query("INSERT INTO t VALUES (20)"),
    ]);
    expect(await a.query("SELECT sum(n)::int AS s FROM t")).toEqual([{ s: 3 }]);
    expect(await b.query("SELECT sum(n)::int AS s FROM t")).toEqual([{ s: 20 }]);
    await a.close();
    // The other client keeps its database and its thread.
    expect(await b.query("SELECT count(*)::int AS n FROM t")).toEqual([{ n: 1 }]);
    await b.close();
    // The thread ended with its last client; a new client on the host starts another.
    const c = new PgliteThreadClient({ host });
    opened.push(c);
    expect(await c.query("SELECT 41 + 1 AS n")).toEqual([{ n: 42 }]);
  });

  it("fails every client on a shared thread when that thread dies", async () => {
    const dying = new URL(
      `data:text/javascript,${encodeURIComponent(`
        import { parentPort } from "node:worker_threads";
        parentPort.on("message", (m) => {
          if (m.op === "open") parentPort.postMessage({ id: m.id, ok: true });
          else if (m.db === 2) setTimeout(() => process.exit(9), 50);
          else parentPort.postMessage({ id: m.id, ok: true, value: [{ db: m.db }] });
        });`)}`,
    );
    const host = new PgliteThreadHost({ workerUrl: dying });
    const a = new PgliteThreadClient({ host });
    const b = new PgliteThreadClient({ host });
    opened.push(a, b);
    expect(await a.query("SELECT 1")).toEqual([{ db: 1 }]);
    const waiting = [a.query("SELECT 2").catch((e: unknown) => e), b.query("SELECT 3")];
    const e = await rejection(waiting[1] as Promise<unknown>);
    expect((e as StoreError).code).toBe("UNAVAILABLE");
    expect(e.message).toMatch(/its worker thread stopped \(exit code 9\)/);
    for (const c of [a, b]) expect((await rejection(c.query("SELECT 4"))).message).toMatch(/exit code 9/);
    // A client joining a host whose thread died cannot open.
    const late = new PgliteThreadClient({ host });
    opened.push(late);
    expect((await rejection(late.query("SELECT 5"))).message).toMatch(/could not be opened: .*exit code 9/);
  });

  it("reports a worker that cannot open the database as UNAVAILABLE", async () => {
    const c = new PgliteThreadClient({ template: new Blob([new Uint8Array(1024).fill(7)]) });
    opened.push(c);
    const e = await rejection(c.query("SELECT 1"));
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe("UNAVAILABLE");
    expect(e.message).toMatch(/^PGlite in memory \(worker thread\) could not be opened: /);
    expect((await rejection(c.query("SELECT 1"))).message).toBe(e.message);
  });
});
