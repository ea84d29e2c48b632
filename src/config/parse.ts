/**
 * Parsing YAML input files against a zod schema, with errors that name the file and the field path
 * (`scenarios/2017-08-29.yaml: launches[0].apogeeKm: …`). Reading the file is the caller's business, so
 * this stays pure and testable on strings.
 */
import { parseDocument } from "yaml";
import type { z } from "zod";

/** A parse or validation outcome: the value, or messages each naming file and field. */
export type FileResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Formats a zod path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** One message per zod issue: `file: path: message`; each unknown key gets its own line and path. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push(`${file}: ${formatPath([...issue.path, key])}: unknown field`);
      continue;
    }
    const where = formatPath(issue.path);
    out.push(`${file}: ${where === "" ? "(top level)" : where}: ${issue.message}`);
  }
  return out;
}

/** Parses YAML text and validates it with a schema; `file` labels every message. */
export function parseYaml<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): FileResult<z.output<S>> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const first = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
        return `${file}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML: ${first}`;
      }),
    };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) return { ok: false, errors: formatIssues(file, parsed.error.issues) };
  return { ok: true, value: parsed.data };
}
