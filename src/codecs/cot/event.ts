/**
 * A Cursor-on-Target 2.0 event as Triwatch writes and reads it: the base event of the MITRE schema
 * (uid, type, how, time/start/stale, point) and the few `detail` elements Triwatch uses, named as TAK
 * clients name them (`contact`, `remarks`, `link`, `track`, `shape/ellipse`), plus `triwatch` for the
 * track's provenance. Numbers are limited to what `xs:decimal` can write without an exponent.
 */
import { z } from "zod";

const COT_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with a zone (CoT times must carry one). */
export const CotTime = z
  .string()
  .regex(COT_TIME_RE, "a CoT time is YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)")
  .refine((s) => !s.startsWith("0000") && !Number.isNaN(Date.parse(s)), "not a calendar time");

/** True when `n` has at most `digits` decimals. */
export function hasDecimals(n: number, digits: number): boolean {
  const f = 10 ** digits;
  return Math.round(n * f) / f === n;
}

const dec = (digits: number) =>
  z
    .number()
    .min(-1e9)
    .max(1e9)
    .refine((n) => hasDecimals(n, digits), `at most ${digits} decimals`);

// Attribute values are normalised by XML readers (tabs and newlines become spaces), so refuse them; text
// may hold tabs and newlines but no carriage returns (read back as newlines). Neither holds what XML 1.0
// cannot (other C0 controls, U+FFFE/U+FFFF, lone surrogates).
// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly the characters refused
const ATTR_BAD = /[\u0000-\u001f\ufffe\uffff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly the characters refused
const TEXT_BAD = /[\u0000-\u0008\u000b-\u001f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const attr = z
  .string()
  .refine((s) => !ATTR_BAD.test(s) && !LONE_SURROGATE.test(s), "no control characters, tabs or newlines");
const text = z
  .string()
  .refine((s) => !TEXT_BAD.test(s) && !LONE_SURROGATE.test(s), "no control characters but tab and newline");

/** The event's location: WGS-84 degrees (7 decimals), height above ellipsoid and errors in metres. */
export const CotPoint = z.strictObject({
  lat: dec(7).min(-90).max(90),
  lon: dec(7).min(-180).max(180),
  hae: dec(2),
  /** Circular error (one sigma) in metres; 9999999 means unknown. */
  ce: dec(2).nonnegative(),
  /** Linear (height) error in metres; 9999999 means unknown. */
  le: dec(2).nonnegative(),
});

/** The `detail` elements Triwatch reads and writes; others are ignored when reading. */
export const CotDetail = z.strictObject({
  contact: z.strictObject({ callsign: attr.min(1) }).optional(),
  remarks: text.optional(),
  /** Links to other events, e.g. `relation: "p-p"` to the track a point belongs to. */
  links: z.array(z.strictObject({ uid: attr.min(1), type: attr.min(1), relation: attr.min(1) })).default([]),
  /** Course in degrees true, speed in metres per second. */
  track: z.strictObject({ course: dec(2).min(0).max(360), speed: dec(2).nonnegative() }).optional(),
  /** An ellipse about the point (TAK drawing convention): semi-axes in metres, major-axis heading from true north. */
  ellipse: z
    .strictObject({ major: dec(2).nonnegative(), minor: dec(2).nonnegative(), angle: dec(2).min(0).max(360) })
    .optional(),
  /** Triwatch provenance: which event and track this belongs to and what part of it this is. */
  triwatch: z
    .strictObject({
      eventId: attr.min(1),
      trackId: attr.min(1),
      role: z.enum(["track", "launch-point", "impact-point", "impact-ellipse"]),
      missileClass: attr.min(1),
    })
    .optional(),
});
export type CotDetail = z.infer<typeof CotDetail>;

/** A CoT 2.0 event. */
export const CotEvent = z.strictObject({
  uid: attr.min(1),
  /** `a-h-A-W-M-S-S` and the like: `\w+(-\w+)*` with an optional `;…` field. */
  type: z.string().regex(/^\w+(-\w+)*(;[^;]*)?$/, "a CoT type such as a-h-A-W-M-S-S"),
  /** How the coordinates were made: `m-f` fused, `m-p` predicted, `m-r` relayed … */
  how: z.string().regex(/^\w(-\w+)*$/, "a CoT how such as m-p"),
  time: CotTime,
  start: CotTime,
  stale: CotTime,
  point: CotPoint,
  detail: CotDetail.optional(),
});
export type CotEvent = z.infer<typeof CotEvent>;
/** The input form of an event (defaults may be left out). */
export type CotEventInput = z.input<typeof CotEvent>;
