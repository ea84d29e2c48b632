/**
 * Reading the project's data files (YAML or JSON) through their zod schemas. Every failure names the file
 * and the field, so that a user can find and fix it; nothing is half-loaded.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { formatPath } from "./parse.ts";

/** Bad input: the file, the field path within it, and what is wrong. */
export class InputError extends Error {
  readonly code = "INPUT";
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${file}: ${field}: ${problem}` : `${file}: ${problem}`);
  }
}

/** Formats a path such as ["label", "releasableTo", 1] as `label.releasableTo[1]`. */
export const fieldPath = formatPath;

/** Converts a zod failure into an InputError naming the first offending field (and counting the rest). */
export function zodToInputError(file: string, error: z.ZodError): InputError {
  const [first, ...rest] = error.issues;
  if (!first) return new InputError(file, "", "invalid");
  let problem = first.message;
  if (first.code === "unrecognized_keys")
    problem = `unknown field${first.keys.length > 1 ? "s" : ""} ${first.keys.join(", ")}`;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  return new InputError(file, fieldPath(first.path), problem + more);
}

/** Parses text as YAML (a superset of JSON) or, for .json files, strict JSON. */
export function parseText(file: string, text: string): unknown {
  try {
    if (file.endsWith(".json")) return JSON.parse(text);
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const line = e.linePos?.[0];
      throw new InputError(
        file,
        line ? `line ${line.line}, column ${line.col}` : "",
        e.message.split("\n")[0] ?? "",
      );
    }
    if (e instanceof SyntaxError) throw new InputError(file, "", `malformed JSON: ${e.message}`);
    throw e;
  }
}

/** Reads and validates one file. */
export function loadFile<S extends z.ZodType>(
  file: string,
  schema: S,
  displayBase = process.cwd(),
): z.infer<S> {
  const shown = relative(displayBase, file) || file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(
      shown,
      "",
      err.code === "ENOENT" ? "no such file" : `cannot read (${err.code ?? err.message})`,
    );
  }
  const parsed = schema.safeParse(parseText(shown, text));
  if (!parsed.success) throw zodToInputError(shown, parsed.error);
  return parsed.data;
}

/** Reads every .yaml/.yml/.json file of a directory, sorted by name. */
export function loadDir<S extends z.ZodType>(dir: string, schema: S): { file: string; value: z.infer<S> }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new InputError(dir, "", "no such directory");
  }
  return names
    .filter((n) => /\.(ya?ml|json)$/.test(n))
    .sort()
    .map((n) => ({ file: join(dir, n), value: loadFile(join(dir, n), schema) }));
}

/**
 * Turns loader messages of the form `file: field: problem` into one InputError (the first message; the
 * rest appended to its problem), so the command line can report it with exit status 2.
 */
export function fileErrors(errors: readonly string[]): InputError {
  const [first = "invalid input", ...rest] = errors;
  const m = /^(.*?): (.*?): (.*)$/s.exec(first);
  const more = rest.length > 0 ? `\n${rest.join("\n")}` : "";
  return m
    ? new InputError(m[1] as string, m[2] as string, `${m[3] as string}${more}`)
    : new InputError(first, "", more.trim() || "invalid");
}
