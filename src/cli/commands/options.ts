/** Parsing of option values shared by several commands, with errors that name the option. */

import { parseIso } from "../../model/time.ts";
import type { ParameterOverrides } from "../../policy/policy.ts";
import { UsageError } from "../io.ts";

/** `--at` as epoch milliseconds; a date alone means 00:00 UTC. */
export function parseAtOption(value: string): number {
  const r = parseIso(value);
  if (!r.ok) throw new UsageError(`--at: ${r.why}`);
  return r.ms;
}

/** `--set id.param=value` options as parameter overrides (true/false and numbers are typed). */
export function parseSetOptions(values: readonly string[] | undefined): ParameterOverrides {
  const out: ParameterOverrides = {};
  for (const v of values ?? []) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9_]+)=(.*)$/.exec(v);
    if (!m)
      throw new UsageError(
        `--set ${v}: expected agreement.parameter=value, e.g. usa-kor-1987.topSecretTier=true`,
      );
    const [, id, name, raw] = m as unknown as [string, string, string, string];
    const value =
      raw === "true"
        ? true
        : raw === "false"
          ? false
          : raw !== "" && !Number.isNaN(Number(raw))
            ? Number(raw)
            : raw;
    out[id] = { ...(out[id] ?? {}), [name]: value };
  }
  return out;
}

/** A party code given on the command line, checked against the known parties. */
export function parsePartyOption(option: string, value: string, known: Iterable<string>): string {
  const code = value.trim().toUpperCase();
  const list = [...known];
  if (!list.includes(code))
    throw new UsageError(`${option} ${value}: unknown party (known: ${list.join(", ")})`);
  return code;
}
