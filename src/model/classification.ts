/**
 * National classification schemes. Each nation grades in its own terms; how one nation's grade
 * corresponds to another's is not a national fact but a clause of an agreement (GSOMIA Art. 4), so the
 * correspondence tables live in `agreement.ts`, not here.
 */
import { z } from "zod";
import { PartyCode } from "./party.ts";

/** Where a fact comes from, with the confidence tags of `shared/domain/facts.md`. */
export const Source = z.strictObject({
  /** [T] treaty text, [O] official, [P] press/secondary, [U] uncertain, [N] not public (then a parameter). */
  tag: z.enum(["T", "O", "P", "U", "N"]),
  ref: z.string().min(1),
});
export type Source = z.infer<typeof Source>;

/** Code of a classification level within a scheme, e.g. `S`, `II`, `GOKUHI`. */
export const LevelCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "upper-case letters, digits and _");

/** One grade of a national scheme. `rank` orders grades within that scheme only (higher = more protected). */
export const ClassificationLevel = z.strictObject({
  code: LevelCode,
  /** English name as used in markings (`SECRET`) or a transliteration (`Gokuhi`). */
  name: z.string().min(1),
  /** The marking in the nation's own script (`極秘`, `군사II급비밀`). */
  native: z.string().min(1),
  /** Abbreviation for US-style portion marks (`S`, `C`); optional. */
  portionMark: z.string().optional(),
  rank: z.number().int().positive(),
  sources: z.array(Source).min(1),
  note: z.string().optional(),
});
export type ClassificationLevel = z.infer<typeof ClassificationLevel>;

/** A handling label that is not a classification grade (ROK 대외비), carried as a caveat. */
export const HandlingLabel = z.strictObject({
  code: LevelCode,
  native: z.string(),
  note: z.string(),
  sources: z.array(Source).min(1),
});

/** A nation's classification scheme. */
export const ClassificationScheme = z.strictObject({
  party: PartyCode,
  title: z.string(),
  levels: z.array(ClassificationLevel).min(1),
  handlingLabels: z.array(HandlingLabel).default([]),
  /**
   * How a receiving nation writes the originator on a foreign item: `{origin}` is replaced by the
   * originator's name in this nation's language, `{level}` by the native marking.
   */
  foreignOriginMarking: z.string().min(1),
  /** Names of other parties in this nation's language, for markings. */
  partyNames: z.record(z.string(), z.string()),
});
export type ClassificationScheme = z.infer<typeof ClassificationScheme>;
