/**
 * Template dumps for tests, cached in the system temp directory: initdb and the migrations take seconds
 * under WebAssembly, and each test file (a separate worker) would otherwise pay for them again. The
 * cache key names the PGlite version and the migrations, so a change of either makes a new template.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MIGRATIONS, migrationChecksum } from "../sql/migrations.ts";
import { pgliteTemplate } from "./pglite-store.ts";

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const manifest = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
    version?: unknown;
  };
  return String(manifest.version);
}

/** A template (fresh, or migrated to the latest version), from the cache or made and cached. */
export async function cachedPgliteTemplate(options: { migrated?: boolean } = {}): Promise<Blob> {
  const migrated = options.migrated === true;
  const key = createHash("sha256")
    .update(pgliteVersion())
    .update(migrated ? MIGRATIONS.map(migrationChecksum).join(",") : "fresh")
    .digest("hex")
    .slice(0, 16);
  const file = join(tmpdir(), `triwatch-pglite-template-${key}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const blob = await pgliteTemplate({ migrated });
  // Write then rename, so a concurrent reader never sees half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, new Uint8Array(await blob.arrayBuffer()));
  renameSync(partial, file);
  return blob;
}
