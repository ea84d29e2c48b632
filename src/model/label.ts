/**
 * Security labels carried by every item: who produced it and at what grade, to whom it may go, under
 * which caveats, about what, and which of its fields reveal sources and methods.
 */
import { z } from "zod";
import { LevelCode } from "./classification.ts";
import { PartyCode } from "./party.ts";
import { IsoTime } from "./time.ts";

/** Subjects an item can be about. Agreements scope themselves by these. */
export const Topic = z.enum([
  "missile-warning",
  "missile-programme",
  "nuclear-test",
  "nuclear-programme",
  "cyber",
  "sanctions-evasion",
  "pre-launch-indicators",
]);
export type Topic = z.infer<typeof Topic>;

/** Dissemination caveats. ORCON: originator controlled; NOFORN: not releasable to foreign nationals. */
export const Caveat = z.enum(["ORCON", "NOFORN"]);
export type Caveat = z.infer<typeof Caveat>;

/** An originator's approval for one recipient (the third-party rule): what a hub needs before relaying. */
export const OriginatorApproval = z.strictObject({
  to: PartyCode,
  at: IsoTime,
  /** The originator's reference for the approval (a message number, a decision id). */
  ref: z.string().min(1),
});
export type OriginatorApproval = z.infer<typeof OriginatorApproval>;

/** The security label of an item. */
export const Label = z.strictObject({
  originator: PartyCode,
  /** Grade in the originator's own scheme (`II` for 군사II급비밀, `S` for SECRET, `HI` for 秘). */
  classification: LevelCode,
  /** Handling labels of the originator's scheme that are not grades (e.g. `DAEOEBI` for 대외비). */
  handling: z.array(LevelCode).default([]),
  /** REL TO: parties the originator allows release to, put in canonical order (USA first, then alphabetical). */
  releasableTo: z
    .array(PartyCode)
    .default([])
    .transform((parties) => canonicalRelTo(parties)),
  caveats: z.array(Caveat).default([]),
  topics: z.array(Topic).min(1, "an item must name at least one topic"),
  /** Country the item is about (ISO trigraph); DPRK is PRK. */
  subject: PartyCode.default("PRK"),
  /** Paths (dot-separated) of fields that carry sources and methods: removed before any release. */
  sourceFields: z.array(z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/)).default([]),
  approvals: z.array(OriginatorApproval).default([]),
});
export type Label = z.infer<typeof Label>;

/** Orders a REL TO list as the US IC ISM register requires: USA first, then the rest alphabetically. */
export function canonicalRelTo(parties: readonly string[]): string[] {
  const unique = [...new Set(parties)];
  const rest = unique.filter((p) => p !== "USA").sort();
  return unique.includes("USA") ? ["USA", ...rest] : rest;
}
