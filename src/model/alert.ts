/**
 * A public warning in Triwatch terms, independent of any wire format: who issued it, which national
 * warning it is (a J-Alert message, a Korean civil-defence alert or cell-broadcast tier), its text per
 * language with the areas it covers, and the estimate it was based on. The CAP codec maps it to and
 * from CAP 1.2; the rules that decide which warning to issue live elsewhere.
 *
 * Canonical forms keep encodings lossless: times are whole seconds with `Z` for UTC (never `+00:00`),
 * coordinates have at most seven decimals (about 1 cm), texts carry no carriage returns or control
 * characters that XML 1.0 cannot hold.
 */
import { z } from "zod";
import { Ellipse95, MissileClass } from "./item.ts";
import { PartyCode } from "./party.ts";
import { parseIso } from "./time.ts";

const ALERT_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-](\d{2}):(\d{2}))$/;

/** A warning time: `YYYY-MM-DDThh:mm:ss` with `Z` or a non-zero offset `±hh:mm`, whole seconds. */
export const AlertTime = z.string().superRefine((s, ctx) => {
  const m = ALERT_TIME_RE.exec(s);
  if (!m) {
    ctx.addIssue({
      code: "custom",
      message: `"${s}" is not YYYY-MM-DDThh:mm:ss with Z or ±hh:mm (whole seconds)`,
    });
    return;
  }
  const [, zone, hh, mm] = m;
  if (zone !== "Z" && Number(hh) * 60 + Number(mm) === 0) {
    ctx.addIssue({ code: "custom", message: `"${s}": UTC is written Z` });
  } else if (zone !== "Z" && (Number(hh) * 60 + Number(mm) > 14 * 60 || Number(mm) > 59)) {
    ctx.addIssue({ code: "custom", message: `"${s}": offsets run from -14:00 to +14:00` });
  }
  if (s.startsWith("0000")) ctx.addIssue({ code: "custom", message: `"${s}": year 0000 does not exist` });
  const r = parseIso(s);
  if (!r.ok) ctx.addIssue({ code: "custom", message: r.why });
});
export type AlertTime = z.infer<typeof AlertTime>;

/** True when a number has at most seven decimals (as written in CAP polygons). */
export function hasSevenDecimals(n: number): boolean {
  return Math.round(n * 1e7) / 1e7 === n;
}

const SEVEN = "at most seven decimals (about 1 cm)";
const Lat = z.number().min(-90).max(90).refine(hasSevenDecimals, SEVEN);
const Lon = z.number().min(-180).max(180).refine(hasSevenDecimals, SEVEN);

// XML 1.0 holds no C0 controls but tab and newline (a carriage return would come back as a newline),
// no U+FFFE/U+FFFF and no lone surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\ufffe\uffff]/;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function noControls(s: string): boolean {
  return !CONTROL_RE.test(s) && !LONE_SURROGATE_RE.test(s);
}

/** Text for people: not blank, no carriage returns or characters XML 1.0 cannot carry. */
export const AlertText = z
  .string()
  .refine((s) => s.trim().length > 0, "text must not be blank")
  .refine(noControls, "text must not contain control characters (tab and newline are allowed)");

/** An identifier or sender: no whitespace, commas, `<` or `&` (CAP 1.2 §3.2.1). */
export const AlertToken = z
  .string()
  .regex(/^[^\s,<&]+$/u, "no whitespace, commas, < or &")
  .refine(noControls, "no control characters");

/** Point on the ground. */
export const AlertPoint = z.strictObject({ lat: Lat, lon: Lon });
export type AlertPoint = z.infer<typeof AlertPoint>;

/** A closed ring of at least four points, the first repeated last. */
export const AlertRing = z
  .array(AlertPoint)
  .min(4, "a ring has at least four points, the first repeated last")
  .refine((r) => {
    const a = r[0];
    const b = r[r.length - 1];
    return a !== undefined && b !== undefined && a.lat === b.lat && a.lon === b.lon;
  }, "a ring is closed: its last point repeats its first");

/** A code for an area in a named scheme, e.g. JIS X 0401 `01` (Hokkaido), ISO 3166-2 `KR-28` (Incheon). */
export const AreaCode = z.strictObject({ scheme: AlertText, code: AlertText });

/** An area a warning covers: a description, polygons and/or codes. */
export const AlertArea = z.strictObject({
  description: AlertText,
  polygons: z.array(AlertRing).default([]),
  codes: z.array(AreaCode).default([]),
});
export type AlertArea = z.infer<typeof AlertArea>;

/** Languages Triwatch warns in. */
export const AlertLanguage = z.enum(["ja-JP", "ko-KR", "en-US"]);
export type AlertLanguage = z.infer<typeof AlertLanguage>;

/** The text of a warning in one language. */
export const AlertInfo = z.strictObject({
  language: AlertLanguage,
  headline: AlertText,
  description: AlertText,
  instruction: AlertText.optional(),
  areas: z.array(AlertArea).min(1, "a warning names at least one area"),
});
export type AlertInfo = z.infer<typeof AlertInfo>;

/** J-Alert message types (Cabinet Secretariat templates, facts.md §4.1). */
export const JAlertType = z.enum([
  "launch",
  "predicted-impact",
  "impact",
  "overflight",
  "impact-outside-territorial-waters",
  "cancellation",
]);
/** Korean civil-defence alert levels (민방공경보). */
export const KoreanAlertLevel = z.enum(["경계경보", "공습경보", "경보해제"]);
/** Korean cell-broadcast tiers (재난문자방송) that carry missile warnings. */
export const KoreanCellBroadcastTier = z.enum(["위급재난문자", "긴급재난문자"]);

/** Which national warning this is. */
export const AlertKind = z.discriminatedUnion("system", [
  z.strictObject({ system: z.literal("j-alert"), type: JAlertType }),
  z.strictObject({
    system: z.literal("kr-civil-defence"),
    level: KoreanAlertLevel,
    /** The cell-broadcast tier that carried it, when it went out by phone too. */
    cellBroadcast: KoreanCellBroadcastTier.optional(),
  }),
  z.strictObject({ system: z.literal("kr-cell-broadcast"), tier: KoreanCellBroadcastTier }),
]);
export type AlertKind = z.infer<typeof AlertKind>;

/** An earlier warning this one updates or cancels. */
export const AlertReference = z.strictObject({ sender: AlertToken, id: AlertToken, sent: AlertTime });
export type AlertReference = z.infer<typeof AlertReference>;

/** The estimate a warning was based on. */
export const AlertBasis = z.strictObject({
  trackId: AlertToken,
  /** Time the estimate refers to. */
  asOf: AlertTime.optional(),
  missileClass: MissileClass.optional(),
  predictedImpact: z.strictObject({ lat: Lat, lon: Lon, time: AlertTime }).optional(),
  ellipse95: Ellipse95.optional(),
  /** Probability that the impact falls inside the warned areas, 0 to 1. */
  probabilityInArea: z.number().min(0).max(1).optional(),
});
export type AlertBasis = z.infer<typeof AlertBasis>;

/** A public warning. */
export const Alert = z
  .strictObject({
    id: AlertToken,
    /** Address of the sending system, e.g. `jalert.fdma.go.jp`. */
    sender: AlertToken,
    issuer: z.strictObject({ nation: PartyCode, authority: AlertText }),
    sent: AlertTime,
    status: z.enum(["actual", "exercise", "system", "test", "draft"]),
    msgType: z.enum(["alert", "update", "cancel"]),
    references: z.array(AlertReference).default([]),
    /** Free-text note, e.g. why a warning is cancelled as erroneous. */
    note: AlertText.optional(),
    kind: AlertKind,
    times: z
      .strictObject({
        launch: AlertTime.optional(),
        effective: AlertTime.optional(),
        /** When the hazard arrives: predicted impact or overflight. */
        onset: AlertTime.optional(),
        expires: AlertTime.optional(),
      })
      .default({}),
    basis: AlertBasis.optional(),
    infos: z.array(AlertInfo).min(1, "a warning has text in at least one language"),
  })
  .superRefine((a, ctx) => {
    if (a.msgType !== "alert" && a.references.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["references"],
        message: `an ${a.msgType} names what it replaces`,
      });
    }
    const langs = a.infos.map((i) => i.language);
    if (new Set(langs).size !== langs.length) {
      ctx.addIssue({ code: "custom", path: ["infos"], message: "one info block per language" });
    }
  });
export type Alert = z.infer<typeof Alert>;
/** The input form of an alert (defaults may be left out). */
export type AlertInput = z.input<typeof Alert>;
