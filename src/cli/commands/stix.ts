/**
 * `triwatch stix export ITEM.json [--out F] [--modified TIME]` and `triwatch stix import BUNDLE.json
 * [--out F]`: Triwatch intelligence reports to and from STIX 2.1 bundles (src/codecs/stix). The label
 * travels as one `x-triwatch-security-label` marking definition on every object; import is strict and
 * refuses what cannot map (other object types, unknown properties, TLP-only or missing markings, broken
 * references), naming the code, the object and the field. Errors exit with status 2.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { intelReportToStix, StixExportError, stixToIntelReport } from "../../codecs/stix/index.ts";
import { InputError, parseText, zodToInputError } from "../../config/files.ts";
import { IntelReport } from "../../model/item.ts";
import { parseIso } from "../../model/time.ts";
import { type CliIo, UsageError } from "../io.ts";
import { shownPath } from "./track.ts";

/** The file's parsed JSON (errors name the file). */
function readJson(file: string): unknown {
  const shown = shownPath(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(shown, "", code === "ENOENT" ? "no such file" : `cannot read (${code ?? e})`);
  }
  return parseText(shown, text);
}

/** Writes JSON to `out` (a file) or to standard output. */
function writeJson(io: CliIo, value: unknown, out: string | undefined): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (out === undefined || out === "-") {
    io.out(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new InputError(out, "", `cannot write (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

/** Registers `stix export` and `stix import`. */
export function registerStix(program: Command, io: CliIo): void {
  const stix = program.command("stix").description("intelligence reports as STIX 2.1 bundles");
  stix
    .command("export")
    .description("an intelligence report (JSON item) as a STIX 2.1 bundle, its label as a marking")
    .argument("<item>", "intelligence report file (JSON, kind intel-report)")
    .option("--out <file>", "bundle file to write (default: standard output)")
    .option("--modified <time>", "time of this version of the objects (default: the report's producedAt)")
    .action((file: string, opts: { out?: string; modified?: string }) => {
      const shown = shownPath(file);
      const raw = readJson(file);
      const kind = (raw as { kind?: unknown } | null)?.kind;
      if (kind === "track-report")
        throw new InputError(
          shown,
          "kind",
          "a track report does not go to STIX (use `cot serve` or `geojson`)",
        );
      const parsed = IntelReport.safeParse(raw);
      if (!parsed.success) throw zodToInputError(shown, parsed.error);
      if (opts.modified !== undefined) {
        const m = parseIso(opts.modified);
        if (!m.ok) throw new UsageError(`--modified ${opts.modified}: ${m.why}`);
      }
      try {
        const bundle = intelReportToStix(
          parsed.data,
          opts.modified === undefined ? {} : { modified: opts.modified },
        );
        writeJson(io, bundle, opts.out);
      } catch (e) {
        if (e instanceof StixExportError) throw new InputError(shown, "", `${e.code}: ${e.message}`);
        throw e;
      }
      if (opts.out !== undefined && opts.out !== "-")
        io.err(`${parsed.data.id}: STIX 2.1 bundle written to ${opts.out}`);
    });
  stix
    .command("import")
    .description("a STIX 2.1 bundle as a Triwatch intelligence report (strict: refuses what cannot map)")
    .argument("<bundle>", "STIX 2.1 bundle file (JSON)")
    .option("--out <file>", "intelligence report file to write (default: standard output)")
    .action((file: string, opts: { out?: string }) => {
      const shown = shownPath(file);
      const r = stixToIntelReport(readJson(file));
      if (!r.ok) {
        const where = [r.error.objectId, r.error.path].filter((x) => x !== undefined && x !== "").join(" ");
        throw new InputError(shown, where, `${r.error.code}: ${r.error.message}`);
      }
      writeJson(io, r.report, opts.out);
      if (opts.out !== undefined && opts.out !== "-")
        io.err(`${r.report.id}: intelligence report written to ${opts.out}`);
    });
}
