/**
 * Time at the edges: ISO 8601 strings in files and on the command line, epoch milliseconds inside.
 * A date that does not exist in the calendar (2023-02-30) is an error, not a silent roll-over.
 */
import { z } from "zod";

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Why an ISO string was refused, or its epoch milliseconds. */
export type IsoParse = { ok: true; ms: number } | { ok: false; why: string };

/**
 * Parses an ISO 8601 date (`2023-12-19`, taken at 00:00 in `defaultOffset`) or date-time with an explicit
 * zone (`2023-12-19T09:00:00+09:00`, `…Z`). Rejects impossible calendar dates and times without a zone.
 */
export function parseIso(text: string, defaultOffset = "Z"): IsoParse {
  const m = ISO_RE.exec(text);
  if (!m)
    return {
      ok: false,
      why: `"${text}" is not an ISO 8601 date or date-time with a zone (e.g. 2023-12-19T00:00:00Z)`,
    };
  const [, y, mo, d, hh, mi, ss, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { ok: false, why: `"${text}": month ${mo} does not exist` };
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return { ok: false, why: `"${text}": ${y}-${mo} has no day ${d}` };
  if (hh !== undefined && (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? "0") > 59)) {
    return { ok: false, why: `"${text}": time of day out of range` };
  }
  const offset = zone ?? defaultOffset;
  const iso = hh === undefined ? `${y}-${mo}-${d}T00:00:00${offset}` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return { ok: false, why: `"${text}" could not be read as a time` };
  return { ok: true, ms };
}

/** A zod schema for an ISO date or date-time string that exists in the calendar. */
export const IsoTime = z.string().superRefine((s, ctx) => {
  const r = parseIso(s);
  if (!r.ok) ctx.addIssue({ code: "custom", message: r.why });
});

/** Epoch milliseconds to an ISO string in UTC. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
