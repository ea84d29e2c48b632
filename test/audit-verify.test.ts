// `triwatch audit verify` on real stores: JSDF's and USFJ's logs in PostgreSQL (a throwaway schema
// each), keys from `triwatch keys init` files. A changed or dropped leaf, in the node's own log or in a
// partner's, is detected.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_POSTGRES_URL,
  PostgresStore,
  postgresConnection,
} from "../src/adapters/postgres/postgres-store.ts";
import { initNodeKeys, readNodeKeys } from "../src/config/key-files.ts";
import type { NodeKeys } from "../src/keys/index.ts";
import type { LogCheckReport } from "../src/node/log-check.ts";
import { cli } from "./helpers/cli.ts";
import { type FakeTimeNetwork, fakeTimeNetwork } from "./helpers/network.ts";
import { example, project, shiftDays, t, trackExample } from "./helpers/policy.ts";

const URL = process.env.TRIWATCH_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
const JSDF = "JSDF";
const USFJ = "USFJ_C4I";
const suffix = randomBytes(4).toString("hex");
const schemaOf = { [JSDF]: `tw_audit_jsdf_${suffix}`, [USFJ]: `tw_audit_usfj_${suffix}` } as Record<
  string,
  string
>;
const track = shiftDays(trackExample("rok-track-report"), 2);
let admin: pg.Client;
let net: FakeTimeNetwork;
let keyDir: string;
const stores: PostgresStore[] = [];

const at = (id: string) => `${URL}?schema=${schemaOf[id]}`;
/** `triwatch audit verify` of JSDF's log in its store, with the keys in `keys`, and `extra` options. */
const verifyWith = (keys: string, ...extra: string[]) => [
  "audit",
  "verify",
  "--node",
  JSDF,
  "--store",
  at(JSDF),
  "--keys",
  keys,
  ...extra,
];
/** The same with the test's keys. */
const jsdfVerify = (...extra: string[]) => verifyWith(keyDir, ...extra);
async function verify(...extra: string[]) {
  const run = await cli(...jsdfVerify("--json", ...extra));
  return { ...run, report: run.out.trim() ? (JSON.parse(run.out) as LogCheckReport) : undefined };
}
const sql = (id: string, text: string, params: unknown[] = []) =>
  admin.query(text.replaceAll("$schema", schemaOf[id] as string), params);

beforeAll(async () => {
  admin = new pg.Client(postgresConnection(URL));
  await admin.connect();
  keyDir = mkdtempSync(join(tmpdir(), "triwatch-audit-keys-"));
  const ids = project().topology.nodes.map((n) => n.id);
  const init = await initNodeKeys(keyDir, ids);
  if (!init.ok) throw new Error(init.message);
  const keys = new Map<string, NodeKeys>();
  for (const id of ids) {
    const r = await readNodeKeys(keyDir, id);
    if (!r.ok) throw new Error(r.message);
    keys.set(id, r.keys);
  }
  const byNode = new Map<string, PostgresStore>();
  for (const id of [JSDF, USFJ]) {
    const store = new PostgresStore({ url: URL, schema: schemaOf[id] as string });
    await store.migrate();
    stores.push(store);
    byNode.set(id, store);
  }
  net = await fakeTimeNetwork(t(track.asOf), { conditions: { latencyMs: 1, jitterMs: 0 } }, undefined, {
    keys,
    storeFor: (id) => byNode.get(id),
  });
  // Traffic, heads, more traffic, heads: JSDF holds two heads of its own log and two of USFJ's.
  const rok = net.node("ROK_KTMO_CELL");
  await rok.release(track, JSDF, "real-time");
  await net.quiesce();
  for (const n of net.nodes.values()) await n.publishTreeHead();
  await net.quiesce();
  net.scheduler.advance(1000);
  await rok.release(
    { ...track, id: `${track.id}-2`, asOf: new Date(net.now()).toISOString() },
    JSDF,
    "real-time",
  );
  await rok.release({ ...example("intel-nuclear-test"), id: "KOR-IR-AUDIT-1" }, "USFK_TMO_CELL", "deferred");
  await net.quiesce();
  for (const n of net.nodes.values()) await n.publishTreeHead();
  await net.quiesce();
}, 60_000);

afterAll(async () => {
  await net?.close();
  for (const s of stores) await s.close();
  for (const schema of Object.values(schemaOf)) await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

describe("triwatch audit verify", () => {
  it("verifies an untouched log, proves an item's leaf included, and checks the partner's heads against its log", async () => {
    const run = await verify("--item", track.id, "--partner-store", `${USFJ}=${at(USFJ)}`);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const r = run.report as LogCheckReport;
    expect(r.ok).toBe(true);
    expect(r.leaves).toBe(net.node(JSDF).log.size);
    expect(r.heads.map((h) => h.ok)).toEqual([true, true]);
    expect(r.inclusions).toHaveLength(1);
    // The track travelled in a bundle: its receipt is the bundle's record, which lists it.
    expect(r.inclusions[0]).toMatchObject({
      item: track.id,
      bundle: expect.stringMatching(/^bundle:ROK_KTMO_CELL:R/),
      kind: "receipt",
      ok: true,
    });
    expect(r.partners).toEqual(
      expect.arrayContaining([
        { partner: USFJ, heads: 2, checkedAgainstLog: true },
        { partner: "ROK_KTMO_CELL", heads: 2, checkedAgainstLog: false },
      ]),
    );
    const text = await cli(...jsdfVerify("--item", track.id));
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/verified: no problem found/);
    expect(text.out).toContain(`${track.id} (in bundle:ROK_KTMO_CELL:`);
  });

  it("detects a changed leaf: its bytes no longer match their hash, and the rebuilt root no longer matches the signed head", async () => {
    const [row] = (await sql(JSDF, "SELECT bytes, leaf_hash FROM $schema.audit_leaves WHERE idx = 0")).rows;
    const original = row.bytes as Buffer;
    // One hex digit of the item digest: still a well-formed record, but not the one that was logged.
    const text = original.toString("utf8");
    const digit = text.indexOf("sha256:") + 7;
    const changed = Buffer.from(
      `${text.slice(0, digit)}${text[digit] === "0" ? "1" : "0"}${text.slice(digit + 1)}`,
    );
    expect(changed.equals(original)).toBe(false);
    await sql(JSDF, "UPDATE $schema.audit_leaves SET bytes = $1 WHERE idx = 0", [changed]);
    try {
      const run = await verify();
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/problem/);
      const codes = run.report?.problems.map((p) => `${p.code}@${p.at}`);
      expect(codes).toEqual(
        expect.arrayContaining(["CHANGED_LEAF@0", `ROOT_MISMATCH@${String(run.report?.heads[0]?.treeSize)}`]),
      );
      // Rewriting the stored hash as well hides nothing: the signed heads no longer match.
      const { createHash } = await import("node:crypto");
      const rehash = createHash("sha256")
        .update(Buffer.from([0]))
        .update(changed)
        .digest();
      await sql(JSDF, "UPDATE $schema.audit_leaves SET leaf_hash = $1 WHERE idx = 0", [rehash]);
      const again = await verify();
      expect(again.code).toBe(2);
      expect(again.report?.problems.map((p) => p.code)).toEqual(["ROOT_MISMATCH", "ROOT_MISMATCH"]);
    } finally {
      await sql(JSDF, "UPDATE $schema.audit_leaves SET bytes = $1, leaf_hash = $2 WHERE idx = 0", [
        original,
        row.leaf_hash,
      ]);
    }
    expect((await verify()).code).toBe(0);
  });

  it("detects a dropped leaf, before others (a gap) or at the end (shorter than a signed head)", async () => {
    const size = net.node(JSDF).log.size;
    expect(size).toBeGreaterThanOrEqual(2);
    for (const idx of [0, size - 1]) {
      const [row] = (
        await sql(JSDF, "SELECT bytes, leaf_hash FROM $schema.audit_leaves WHERE idx = $1", [idx])
      ).rows;
      await sql(JSDF, "DELETE FROM $schema.audit_leaves WHERE idx = $1", [idx]);
      try {
        const run = await verify();
        expect(run.code).toBe(2);
        const codes = run.report?.problems.map((p) => p.code) ?? [];
        expect(codes).toContain(idx === 0 ? "DROPPED_LEAF" : "LOG_SHORTER_THAN_HEAD");
      } finally {
        await sql(JSDF, "INSERT INTO $schema.audit_leaves (idx, bytes, leaf_hash) VALUES ($1, $2, $3)", [
          idx,
          row.bytes,
          row.leaf_hash,
        ]);
      }
    }
    expect((await verify()).code).toBe(0);
  });

  it("detects a partner whose stored log no longer rebuilds the heads JSDF holds of it", async () => {
    const [row] = (await sql(USFJ, "SELECT bytes FROM $schema.audit_leaves WHERE idx = 0")).rows;
    const changed = Buffer.from((row.bytes as Buffer).toString("utf8").replace("USFJ_C4I", "USFJ_C4I "));
    await sql(USFJ, "UPDATE $schema.audit_leaves SET bytes = $1 WHERE idx = 0", [changed]);
    try {
      const run = await verify("--partner-store", `${USFJ}=${at(USFJ)}`);
      expect(run.code).toBe(2);
      expect(run.report?.problems.map((p) => p.code)).toContain("PARTNER_INCONSISTENT");
    } finally {
      await sql(USFJ, "UPDATE $schema.audit_leaves SET bytes = $1 WHERE idx = 0", [row.bytes]);
    }
  });

  it("answers bad input with a clear error and status 2, and has --help", async () => {
    const unknown = await cli("audit", "verify", "--node", "NOPE", "--store", at(JSDF), "--keys", keyDir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--node NOPE: not a node of the topology/);
    const missing = await cli(
      "audit",
      "verify",
      "--node",
      JSDF,
      "--store",
      join(keyDir, "no-such-dir"),
      "--keys",
      keyDir,
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no PGlite database there/);
    const noKeys = await cli(...verifyWith(join(keyDir, "nope")));
    expect(noKeys.code).toBe(2);
    expect(noKeys.err).toMatch(/--keys/);
    const help = await cli("audit", "verify", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--partner-store/);
  });
});
