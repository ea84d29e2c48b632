/**
 * Opening a store named on the command line or in a site configuration: a PostgreSQL URL
 * (`postgres://…` or `postgresql://…`, with its schema) or a PGlite data directory.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../ports.ts";
import { PgliteStore } from "./pglite/pglite-store.ts";
import { PostgresStore } from "./postgres/postgres-store.ts";

/** Whether `location` names a PostgreSQL server rather than a PGlite directory. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/**
 * The store at `location`. A PostgreSQL URL may name its schema as `?schema=NAME` (taken off the URL
 * before connecting; `options.schema` wins). With `mustExist`, a PGlite directory that holds no database
 * is refused (reading a node's log must not create an empty one). Migrated before it is returned.
 */
export async function openStore(
  location: string,
  options: { schema?: string; mustExist?: boolean } = {},
): Promise<Store> {
  if (isPostgresUrl(location)) {
    const url = new URL(location);
    const schema = options.schema ?? url.searchParams.get("schema") ?? undefined;
    url.searchParams.delete("schema");
    const store = new PostgresStore({ url: url.toString(), ...(schema ? { schema } : {}) });
    await store.migrate();
    return store;
  }
  if (options.mustExist && !existsSync(join(location, "PG_VERSION"))) {
    throw new Error(`${location}: no PGlite database there`);
  }
  const store = new PgliteStore({ dataDir: location });
  await store.migrate();
  return store;
}
