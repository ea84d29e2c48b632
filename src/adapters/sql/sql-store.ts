/**
 * The `Store` port over any `SqlClient`: the one body of SQL that PGlite and PostgreSQL share. Records
 * are parsed with their zod schemas on the way in; rows are trusted on the way out (only this code
 * writes them). Idempotent writes use `INSERT … ON CONFLICT DO NOTHING RETURNING`, which also makes
 * concurrent duplicates safe: the second insert waits for the first to commit and then inserts nothing.
 */
import { z } from "zod";
import { isChecked, jsonOf } from "../../model/checked.ts";
import { Item } from "../../model/item.ts";
import {
  type AgreementEventRecord,
  AgreementEventRecord as AgreementEventSchema,
  AlertFilter,
  type AlertRecord,
  AlertRecord as AlertSchema,
  AuditLeaf,
  DecisionFilter,
  type DecisionRecord,
  DecisionRecord as DecisionSchema,
  EpochMs,
  type InboxDelivery,
  ItemMeta,
  OutboxEntry,
  type PendingOutbox,
  type StoredItem,
  TimeRange,
  type TrackStateRecord,
  TrackStateRecord as TrackStateSchema,
  TreeHeadRecord,
} from "../../model/store-records.ts";
import { parseIso } from "../../model/time.ts";
import { type Store, StoreError } from "../../ports.ts";
import {
  bytes,
  json,
  num,
  numOrUndefined,
  type Row,
  type SqlClient,
  sqlState,
  str,
  UNIQUE_VIOLATION,
} from "./client.ts";
import { applyMigrations } from "./migrations.ts";

/** Rows per multi-row INSERT (well under PostgreSQL's 65,535 parameters). */
const CHUNK = 500;

/** Parses `value` with `schema`, or throws INVALID_RECORD naming `what` and every bad field. */
export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  // Parsed with this schema at the process's edge and frozen since (a received item): nothing to redo.
  if (isChecked(schema, value)) return value as z.output<S>;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(record)"}: ${i.message}`);
  throw new StoreError("INVALID_RECORD", `${what}: ${issues.join("; ")}`, { cause: r.error });
}

/** `($1, $2, $3), ($4, $5, $6)…` for `rows` rows of `width` parameters, with optional casts per column. */
function valuesList(rows: number, casts: readonly string[]): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++)
    out.push(
      `(${casts
        .map((cast, c) => {
          const p = `$${r * casts.length + c + 1}`;
          return cast === HEX ? `decode(${p}, 'hex')` : `${p}${cast}`;
        })
        .join(", ")})`,
    );
  return out.join(", ");
}

/**
 * A column written as hex text and decoded by the database (`decode($n, 'hex')`): PGlite encodes a
 * bytea parameter in JavaScript, byte by byte, and writes leaves that way about 2.3 times slower than
 * from hex that `Buffer` makes natively (bench/store.ts); PostgreSQL takes either.
 */
const HEX = "hex";
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** A bytea column selected as hex (`encode(col, 'hex')`), read back as bytes: 3–6× faster on PGlite. */
function hexBytes(row: Row, column: string): Uint8Array {
  const v = row[column];
  if (typeof v !== "string") throw new TypeError(`column ${column}: expected hex text`);
  return new Uint8Array(Buffer.from(v, "hex"));
}

/** Conditions and parameters of a WHERE clause built from optional filters. */
class Where {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];
  /** Adds `column op $n` when `value` is given. */
  add(column: string, op: string, value: unknown): this {
    if (value === undefined) return this;
    this.params.push(value);
    this.conditions.push(`${column} ${op} $${this.params.length}`);
    return this;
  }
  /** The clause, or nothing. */
  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(" AND ")}` : "";
  }
  /** `LIMIT $n` when `limit` is given. */
  limit(limit: number | undefined): string {
    if (limit === undefined) return "";
    this.params.push(limit);
    return `LIMIT $${this.params.length}`;
  }
}

/** The shared SQL implementation of `Store`; drivers supply the `SqlClient`. */
export class SqlStore implements Store {
  readonly #client: SqlClient;
  readonly #now: () => number;
  #migrated = false;
  #closed = false;

  /** `now` stamps applied migrations (epoch ms). */
  constructor(client: SqlClient, now: () => number = Date.now) {
    this.#client = client;
    this.#now = now;
  }

  /** The database in words, for messages. */
  get description(): string {
    return this.#client.description;
  }

  /** Applies pending migrations. */
  async migrate(): Promise<void> {
    this.#checkOpen();
    await applyMigrations(this.#client, this.#now());
    this.#migrated = true;
  }

  /** Closes the client; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreError("CLOSED", `${this.#client.description} is closed`);
  }

  /** The client, once open and migrated. */
  #db(): SqlClient {
    this.#checkOpen();
    if (!this.#migrated)
      throw new StoreError(
        "NOT_MIGRATED",
        `${this.#client.description}: call migrate() before using the store`,
      );
    return this.#client;
  }

  async putItem(item: Item, meta: ItemMeta): Promise<"stored" | "duplicate"> {
    const it = parseRecord(Item, item, "putItem item");
    const m = parseRecord(ItemMeta, meta, "putItem meta");
    return (await this.#insertItem(this.#db(), it, m)) ? "stored" : "duplicate";
  }

  async putItems(entries: readonly { item: Item; meta: ItemMeta }[]): Promise<("stored" | "duplicate")[]> {
    const parsed = entries.map((e, i) => ({
      item: parseRecord(Item, e.item, `putItems[${i}] item`),
      meta: parseRecord(ItemMeta, e.meta, `putItems[${i}] meta`),
    }));
    // The first entry of an id goes in; later ones in the batch are duplicates without asking.
    const first = new Map<string, number>();
    parsed.forEach((e, i) => {
      if (!first.has(e.item.id)) first.set(e.item.id, i);
    });
    const rows = [...first.values()].map((i) => parsed[i] as (typeof parsed)[number]);
    const inserted = new Set<string>();
    // Bounded statements (6 parameters a row; PostgreSQL allows 65,535 parameters).
    for (let k = 0; k < rows.length; k += 500) {
      const chunk = rows.slice(k, k + 500);
      const params: unknown[] = [];
      const values = chunk.map(({ item, meta }, j) => {
        params.push(
          item.id,
          item.kind,
          item.label.originator,
          jsonOf(item),
          JSON.stringify(meta),
          meta.storedAt,
        );
        const b = j * 6;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::json, $${b + 5}::json, $${b + 6})`;
      });
      if (values.length === 0) continue;
      const out = await this.#db().query(
        `INSERT INTO items (id, kind, originator, body, meta, stored_at) VALUES ${values.join(", ")}
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        params,
      );
      for (const r of out) inserted.add(String((r as { id: unknown }).id));
    }
    return parsed.map((e, i) =>
      first.get(e.item.id) === i && inserted.has(e.item.id) ? "stored" : "duplicate",
    );
  }

  async #insertItem(db: Pick<SqlClient, "query">, item: Item, meta: ItemMeta): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO items (id, kind, originator, body, meta, stored_at) VALUES ($1, $2, $3, $4::json, $5::json, $6)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [item.id, item.kind, item.label.originator, jsonOf(item), JSON.stringify(meta), meta.storedAt],
    );
    return rows.length > 0;
  }

  async getItem(id: string): Promise<StoredItem | undefined> {
    const [row] = await this.#db().query("SELECT body, meta FROM items WHERE id = $1", [id]);
    return row ? storedItem(row) : undefined;
  }

  async markReceived(from: string, envelopeId: string, receivedAt: number): Promise<"new" | "duplicate"> {
    const key = receiptKey(from, envelopeId, "markReceived");
    const at = parseRecord(EpochMs, receivedAt, "markReceived receivedAt");
    const rows = await this.#db().query(
      `INSERT INTO inbox (sender, envelope_id, received_at) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING envelope_id`,
      [...key, at],
    );
    return rows.length > 0 ? "new" : "duplicate";
  }

  async receiveItem(
    from: string,
    envelopeId: string,
    item: Item,
    meta: ItemMeta,
  ): Promise<"stored" | "duplicate"> {
    const [sender, id] = receiptKey(from, envelopeId, "receiveItem");
    const it = parseRecord(Item, item, "receiveItem item");
    const m = parseRecord(ItemMeta, meta, "receiveItem meta");
    if (m.envelopeId !== undefined && m.envelopeId !== id)
      throw new StoreError("INVALID_RECORD", `receiveItem: meta.envelopeId ${m.envelopeId} is not ${id}`);
    if (m.sender !== undefined && m.sender !== sender)
      throw new StoreError("INVALID_RECORD", `receiveItem: meta.sender ${m.sender} is not ${sender}`);
    const stored: ItemMeta = { ...m, sender, envelopeId: id };
    return this.#db().transaction(async (tx) => {
      const receipt = await tx.query(
        `INSERT INTO inbox (sender, envelope_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING envelope_id`,
        [sender, id, m.storedAt],
      );
      if (receipt.length === 0) return "duplicate";
      if (!(await this.#insertItem(tx, it, stored))) return "duplicate";
      await tx.query("UPDATE inbox SET item_id = $3 WHERE sender = $1 AND envelope_id = $2", [
        sender,
        id,
        it.id,
      ]);
      return "stored";
    });
  }

  async undeliveredItems(limit = 100): Promise<InboxDelivery[]> {
    const rows = await this.#db().query(
      `SELECT i.sender, i.envelope_id, i.received_at, it.body, it.meta FROM inbox i JOIN items it ON it.id = i.item_id
       WHERE i.delivered_at IS NULL AND i.item_id IS NOT NULL ORDER BY i.seq LIMIT $1`,
      [parseRecord(PositiveInt, limit, "undeliveredItems limit")],
    );
    return rows.map((r) => ({
      from: str(r, "sender"),
      envelopeId: str(r, "envelope_id"),
      receivedAt: num(r, "received_at"),
      stored: storedItem(r),
    }));
  }

  async markDelivered(
    from: string,
    envelopeId: string,
    at: number,
  ): Promise<"delivered" | "already-delivered" | "unknown"> {
    const db = this.#db();
    const key = receiptKey(from, envelopeId, "markDelivered");
    const when = parseRecord(EpochMs, at, "markDelivered at");
    const rows = await db.query(
      `UPDATE inbox SET delivered_at = $3 WHERE sender = $1 AND envelope_id = $2 AND delivered_at IS NULL
       RETURNING envelope_id`,
      [...key, when],
    );
    if (rows.length > 0) return "delivered";
    const known = await db.query("SELECT 1 FROM inbox WHERE sender = $1 AND envelope_id = $2", key);
    return known.length > 0 ? "already-delivered" : "unknown";
  }

  async enqueueOutbox(entry: OutboxEntry): Promise<"queued" | "duplicate"> {
    const e = parseRecord(OutboxEntry, entry, "enqueueOutbox");
    const rows = await this.#db().query(
      `INSERT INTO outbox (id, recipient, payload, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [e.id, e.recipient, e.payload, e.createdAt],
    );
    return rows.length > 0 ? "queued" : "duplicate";
  }

  async pendingOutbox(options: { recipient?: string; limit?: number } = {}): Promise<PendingOutbox[]> {
    const where = new Where().add("recipient", "=", options.recipient);
    where.conditions.push("acked_at IS NULL");
    const sql = `SELECT id, recipient, payload, created_at, attempts, last_attempt_at FROM outbox ${where} ORDER BY seq`;
    const rows = await this.#db().query(
      `${sql} ${where.limit(options.limit === undefined ? undefined : parseRecord(PositiveInt, options.limit, "pendingOutbox limit"))}`,
      where.params,
    );
    return rows.map((r) => {
      const last = numOrUndefined(r, "last_attempt_at");
      const entry: PendingOutbox = {
        id: String(r.id),
        recipient: String(r.recipient),
        payload: bytes(r, "payload"),
        createdAt: num(r, "created_at"),
        attempts: num(r, "attempts"),
      };
      if (last !== undefined) entry.lastAttemptAt = last;
      return entry;
    });
  }

  async recordOutboxAttempt(id: string, at: number): Promise<void> {
    const when = parseRecord(EpochMs, at, "recordOutboxAttempt at");
    await this.#db().query(
      "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = $2 WHERE id = $1 AND acked_at IS NULL",
      [id, when],
    );
  }

  async ackOutbox(id: string, ackedAt: number): Promise<"acked" | "already-acked" | "unknown"> {
    const db = this.#db();
    const when = parseRecord(EpochMs, ackedAt, "ackOutbox ackedAt");
    const rows = await db.query(
      "UPDATE outbox SET acked_at = $2 WHERE id = $1 AND acked_at IS NULL RETURNING id",
      [id, when],
    );
    if (rows.length > 0) return "acked";
    return (await db.query("SELECT 1 FROM outbox WHERE id = $1", [id])).length > 0
      ? "already-acked"
      : "unknown";
  }

  async appendTrackState(state: TrackStateRecord): Promise<void> {
    const s = parseRecord(TrackStateSchema, state, "appendTrackState");
    await this.#db().query("INSERT INTO track_states (track_id, at, body) VALUES ($1, $2, $3::json)", [
      s.trackId,
      s.at,
      JSON.stringify(s),
    ]);
  }

  async appendTrackStates(states: readonly TrackStateRecord[]): Promise<void> {
    const parsed = states.map((s, i) => parseRecord(TrackStateSchema, s, `appendTrackStates[${i}]`));
    if (parsed.length === 0) return;
    await this.#db().transaction(async (tx) => {
      for (let start = 0; start < parsed.length; start += CHUNK) {
        const chunk = parsed.slice(start, start + CHUNK);
        await tx.query(
          `INSERT INTO track_states (track_id, at, body) VALUES ${valuesList(chunk.length, ["", "", "::json"])}`,
          chunk.flatMap((s) => [s.trackId, s.at, JSON.stringify(s)]),
        );
      }
    });
  }

  async trackHistory(trackId: string, range: TimeRange = {}): Promise<TrackStateRecord[]> {
    const r = parseRecord(TimeRange, range, "trackHistory range");
    const where = new Where().add("track_id", "=", trackId).add("at", ">=", r.from).add("at", "<", r.to);
    const rows = await this.#db().query(
      `SELECT body FROM track_states ${where} ORDER BY at, seq`,
      where.params,
    );
    return rows.map((row) => json(row, "body") as TrackStateRecord);
  }

  async recordDecision(record: DecisionRecord): Promise<"stored" | "duplicate"> {
    const d = parseRecord(DecisionSchema, record, "recordDecision");
    const agreement = d.decision.outcome === "permit" ? d.decision.agreement : null;
    const rows = await this.#db().query(
      `INSERT INTO decisions (id, at, item_id, sender, recipient, outcome, agreement, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [d.id, d.at, d.itemId, d.sender, d.recipient, d.decision.outcome, agreement, JSON.stringify(d)],
    );
    return rows.length > 0 ? "stored" : "duplicate";
  }

  async listDecisions(filter: DecisionFilter = {}): Promise<DecisionRecord[]> {
    const f = parseRecord(DecisionFilter, filter, "listDecisions filter");
    const where = new Where()
      .add("item_id", "=", f.itemId)
      .add("sender", "=", f.sender)
      .add("recipient", "=", f.recipient)
      .add("outcome", "=", f.outcome)
      .add("agreement", "=", f.agreement)
      .add("at", ">=", f.from)
      .add("at", "<", f.to);
    const sql = `SELECT body FROM decisions ${where} ORDER BY at, id`;
    const rows = await this.#db().query(`${sql} ${where.limit(f.limit)}`, where.params);
    return rows.map((row) => json(row, "body") as DecisionRecord);
  }

  async appendAuditLeaf(index: number, leafBytes: Uint8Array, leafHash: Uint8Array): Promise<void> {
    await this.appendAuditLeaves([{ index, bytes: leafBytes, leafHash }]);
  }

  async appendAuditLeaves(leaves: readonly AuditLeaf[]): Promise<void> {
    const parsed = leaves.map((l, i) => parseRecord(AuditLeaf, l, `appendAuditLeaves[${i}]`));
    const first = parsed[0];
    if (!first) return;
    parsed.forEach((l, i) => {
      if (l.index !== first.index + i)
        throw new StoreError(
          "AUDIT_INDEX_GAP",
          `appendAuditLeaves: leaf ${i} has index ${l.index}, expected ${first.index + i} (consecutive)`,
        );
    });
    const db = this.#db();
    const rows = (chunk: AuditLeaf[]) => chunk.flatMap((l) => [l.index, hex(l.bytes), hex(l.leafHash)]);
    try {
      if (parsed.length <= CHUNK) {
        // One statement (atomic on its own): the leaves go in only if the log ends just before them. One
        // round trip instead of four (begin, size, insert, commit), which matters most with PGlite on a
        // worker thread, where every statement is a message each way.
        const inserted = await db.query(
          `INSERT INTO audit_leaves (idx, bytes, leaf_hash)
           SELECT v.idx, v.bytes, v.leaf_hash
           FROM (VALUES ${valuesList(parsed.length, ["::int8", HEX, HEX])}) AS v (idx, bytes, leaf_hash)
           WHERE (SELECT coalesce(max(idx) + 1, 0) FROM audit_leaves) = $${parsed.length * 3 + 1}::int8
           RETURNING idx`,
          [...rows(parsed), first.index],
        );
        if (inserted.length === parsed.length) return;
        throw auditIndexProblem(first.index, await auditSizeOf(db)); // nothing went in: say why
      }
      await db.transaction(async (tx) => {
        const size = await auditSizeOf(tx);
        if (first.index !== size) throw auditIndexProblem(first.index, size);
        for (let start = 0; start < parsed.length; start += CHUNK) {
          const chunk = parsed.slice(start, start + CHUNK);
          await tx.query(
            `INSERT INTO audit_leaves (idx, bytes, leaf_hash) VALUES ${valuesList(chunk.length, ["", HEX, HEX])}`,
            rows(chunk),
          );
        }
      });
    } catch (e) {
      // A concurrent append of the same index passes the size check and then meets the primary key.
      if (sqlState(e) === UNIQUE_VIOLATION)
        throw new StoreError("AUDIT_INDEX_TAKEN", `audit leaf ${first.index} was appended concurrently`, {
          cause: e,
        });
      throw e;
    }
  }

  async auditLeaves(from: number, to: number): Promise<AuditLeaf[]> {
    const rows = await this.#db().query(
      `SELECT idx, encode(bytes, 'hex') AS bytes, encode(leaf_hash, 'hex') AS leaf_hash
       FROM audit_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx`,
      [
        parseRecord(AuditLeaf.shape.index, from, "auditLeaves from"),
        parseRecord(AuditLeaf.shape.index, to, "auditLeaves to"),
      ],
    );
    return rows.map((r) => ({
      index: num(r, "idx"),
      bytes: hexBytes(r, "bytes"),
      leafHash: hexBytes(r, "leaf_hash"),
    }));
  }

  async auditSize(): Promise<number> {
    return auditSizeOf(this.#db());
  }

  async putTreeHead(head: TreeHeadRecord): Promise<"stored" | "duplicate"> {
    const h = parseRecord(TreeHeadRecord, head, "putTreeHead");
    const rows = await this.#db().query(
      `INSERT INTO tree_heads (log_id, tree_size, ts, root_hash, signature) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING log_id`,
      [h.logId, h.treeSize, h.timestamp, h.rootHash, h.signature],
    );
    return rows.length > 0 ? "stored" : "duplicate";
  }

  async treeHeads(logId: string): Promise<TreeHeadRecord[]> {
    const rows = await this.#db().query(
      `SELECT log_id, tree_size, ts, root_hash, signature FROM tree_heads WHERE log_id = $1
       ORDER BY tree_size, ts, root_hash`,
      [logId],
    );
    return rows.map((r) => ({
      logId: String(r.log_id),
      treeSize: num(r, "tree_size"),
      rootHash: bytes(r, "root_hash"),
      timestamp: num(r, "ts"),
      signature: bytes(r, "signature"),
    }));
  }

  async recordAgreementEvent(record: AgreementEventRecord): Promise<"stored" | "duplicate"> {
    const r = parseRecord(AgreementEventSchema, record, "recordAgreementEvent");
    // Date-only event times are taken at 00:00Z here: this column orders and dedupes, it decides nothing.
    const at = parseIso(r.event.at);
    if (!at.ok) throw new StoreError("INVALID_RECORD", `recordAgreementEvent: event.at: ${at.why}`);
    const rows = await this.#db().query(
      `INSERT INTO agreement_events (agreement_id, at_ms, type, body, recorded_at) VALUES ($1, $2, $3, $4::json, $5)
       ON CONFLICT DO NOTHING RETURNING agreement_id`,
      [r.agreementId, at.ms, r.event.type, JSON.stringify(r), r.recordedAt],
    );
    return rows.length > 0 ? "stored" : "duplicate";
  }

  async agreementEvents(agreementId: string): Promise<AgreementEventRecord[]> {
    const rows = await this.#db().query(
      "SELECT body FROM agreement_events WHERE agreement_id = $1 ORDER BY at_ms, seq",
      [agreementId],
    );
    return rows.map((row) => json(row, "body") as AgreementEventRecord);
  }

  async putAlert(alert: AlertRecord): Promise<"stored" | "duplicate"> {
    const a = parseRecord(AlertSchema, alert, "putAlert");
    const rows = await this.#db().query(
      `INSERT INTO alerts (id, sent_at, nation, event_id, track_id, body) VALUES ($1, $2, $3, $4, $5, $6::json)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [a.id, a.sentAt, a.nation, a.eventId ?? null, a.trackId ?? null, JSON.stringify(a)],
    );
    return rows.length > 0 ? "stored" : "duplicate";
  }

  async listAlerts(filter: AlertFilter = {}): Promise<AlertRecord[]> {
    const f = parseRecord(AlertFilter, filter, "listAlerts filter");
    const where = new Where()
      .add("nation", "=", f.nation)
      .add("event_id", "=", f.eventId)
      .add("track_id", "=", f.trackId)
      .add("sent_at", ">=", f.from)
      .add("sent_at", "<", f.to);
    const sql = `SELECT body FROM alerts ${where} ORDER BY sent_at, id`;
    const rows = await this.#db().query(`${sql} ${where.limit(f.limit)}`, where.params);
    return rows.map((row) => json(row, "body") as AlertRecord);
  }
}

function storedItem(row: Row): StoredItem {
  return { item: json(row, "body") as Item, meta: json(row, "meta") as ItemMeta };
}

const ReceiptKey = z.tuple([
  z.string().min(1, "the sender is not empty").max(512),
  z.string().min(1, "the envelope id is not empty").max(512),
]);
const PositiveInt = z.number().int().positive();

function receiptKey(from: string, envelopeId: string, what: string): [string, string] {
  return parseRecord(ReceiptKey, [from, envelopeId], what);
}

/** Why leaves starting at `index` cannot follow a log of `size` leaves (index ≠ size). */
function auditIndexProblem(index: number, size: number): StoreError {
  return index < size
    ? new StoreError("AUDIT_INDEX_TAKEN", `audit leaf ${index} exists: the log has ${size} leaves`)
    : new StoreError(
        "AUDIT_INDEX_GAP",
        `audit leaf ${index} would leave a gap: the log has ${size} leaves, the next is ${size}`,
      );
}

async function auditSizeOf(db: Pick<SqlClient, "query">): Promise<number> {
  // Leaves are contiguous from 0, so the size is the highest index plus one (read from the primary key).
  const [row] = await db.query("SELECT coalesce(max(idx) + 1, 0) AS size FROM audit_leaves");
  return row ? num(row, "size") : 0;
}
