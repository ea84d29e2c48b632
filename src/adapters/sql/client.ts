/**
 * The thin query interface both drivers implement, so that one body of SQL and one set of migrations
 * serves PGlite and PostgreSQL. Rows come back as plain objects; the row readers below turn driver
 * differences (PostgreSQL sends int8 as text, bytea as Buffer) into one shape.
 */

/** A result row: column name to value, as the driver decoded it. */
export type Row = Readonly<Record<string, unknown>>;

/** Runs statements. */
export interface SqlQueries {
  /** One statement with `$1…` parameters; returns its rows. */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements without parameters. */
  exec(script: string): Promise<void>;
}

/** A database connection (or pool) that can also run a function inside one transaction. */
export interface SqlClient extends SqlQueries {
  /** Runs `fn` in a transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T>;
  /** Releases the connection(s). */
  close(): Promise<void>;
  /** Words naming the database in error messages ("PGlite at ./data/usa", "PostgreSQL at …"). */
  readonly description: string;
}

/** The SQLSTATE of a database error, if it is one (both drivers put it in `code`). */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** SQLSTATE of a unique-constraint violation. */
export const UNIQUE_VIOLATION = "23505";

/** A column as a number (int8 arrives as a string from PostgreSQL, as a number from PGlite). */
export function num(row: Row, column: string): number {
  const v = row[column];
  if (typeof v === "number") return v;
  if (typeof v === "string" || typeof v === "bigint") return Number(v);
  throw new TypeError(`column ${column}: expected a number, got ${typeof v}`);
}

/** A nullable numeric column. */
export function numOrUndefined(row: Row, column: string): number | undefined {
  return row[column] === null || row[column] === undefined ? undefined : num(row, column);
}

/** A text column. */
export function str(row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== "string") throw new TypeError(`column ${column}: expected text, got ${typeof v}`);
  return v;
}

/** A bytea column as a plain Uint8Array (a copy, so a pooled Buffer is never shared). */
export function bytes(row: Row, column: string): Uint8Array {
  const v = row[column];
  if (!(v instanceof Uint8Array)) throw new TypeError(`column ${column}: expected bytes`);
  return new Uint8Array(v);
}

/** A json column, as both drivers decode it. */
export function json(row: Row, column: string): unknown {
  return row[column];
}
