// Test support: schema validation with xmllint (Debian libxml2-utils), many documents in one call.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The interop schemas, copied into the project from `../shared/schemas` (`schemas/README.md` gives
 * their sources and licences; test/schemas-copy.test.ts checks the copy against the original when the
 * original is there), so the tests need nothing outside the checkout.
 */
export const SCHEMAS = fileURLToPath(new URL("../../../schemas/", import.meta.url));
/** The CAP 1.2 schema. */
export const CAP_XSD = join(SCHEMAS, "cap/CAP-v1.2.xsd");
/** The CoT 2.0 base event schema. */
export const COT_XSD = join(SCHEMAS, "cot/CoT-Base-Event-PUBLIC.xsd");

/** What xmllint said: whether every document validated, and its output. */
export interface LintResult {
  ok: boolean;
  output: string;
}

/** Validates files against a schema in one xmllint run. */
export function xmllintFiles(xsd: string, files: readonly string[]): LintResult {
  try {
    const out = execFileSync("xmllint", ["--noout", "--schema", xsd, ...files], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { ok: true, output: out };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? err.message}` };
  }
}

/** Validates documents (strings) against a schema: writes them to a temporary directory first. */
export function xmllintDocuments(xsd: string, documents: readonly string[]): LintResult {
  const dir = mkdtempSync(join(tmpdir(), "triwatch-xmllint-"));
  try {
    const files = documents.map((doc, i) => {
      const file = join(dir, `doc-${i}.xml`);
      writeFileSync(file, doc);
      return file;
    });
    return xmllintFiles(xsd, files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
