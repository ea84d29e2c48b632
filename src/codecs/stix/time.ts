/**
 * Times between the model (ISO 8601 with any zone) and STIX (UTC, `Z`, at least millisecond digits).
 * The model side is written in UTC, without fractional seconds when they are zero; offsets and
 * sub-millisecond digits do not survive a round trip (STIX has no zone; the model keeps milliseconds).
 */
import { isoToMs, parseIso } from "../../model/time.ts";

/** STIX 2.1 timestamp with at least millisecond precision (the schema's `timestamp_millis`). */
export const STIX_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}Z$/;

/** A model time (already validated) as a STIX timestamp. */
export function toStixTime(iso: string): string {
  return new Date(isoToMs(iso)).toISOString();
}

/** Whether a string is a STIX timestamp that exists in the calendar. */
export function isStixTime(s: string): boolean {
  return STIX_TIMESTAMP_RE.test(s) && parseIso(s).ok;
}

/** A STIX timestamp as the model writes it: UTC, milliseconds only when not zero. */
export function fromStixTime(stix: string): string {
  return modelUtc(isoToMs(stix));
}

/** Epoch ms as a model time: `2017-09-03T03:30:01Z`, or `…01.250Z` when there are milliseconds. */
export function modelUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}
