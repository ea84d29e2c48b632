/**
 * Agreements as data: who is party, what topics and grades they cover, by which route items may travel,
 * whose consent a relay needs, what must be removed before release, and the history of events from which
 * the status at any moment is derived. The files under `agreements/` are parsed by these schemas.
 */
import { z } from "zod";
import { LevelCode, Source } from "./classification.ts";
import { Topic } from "./label.ts";
import { PartyCode } from "./party.ts";
import { IsoTime } from "./time.ts";

/** Status of an agreement at a moment. */
export const AgreementStatus = z.enum([
  "not-yet-in-force",
  "in-force",
  "termination-noticed",
  "notice-suspended",
  "terminated",
]);
export type AgreementStatus = z.infer<typeof AgreementStatus>;

/** Statuses under which the agreement still operates (a noticed or suspended notice has not yet ended it). */
export const OPERATIVE_STATUSES: ReadonlySet<AgreementStatus> = new Set([
  "in-force",
  "termination-noticed",
  "notice-suspended",
]);

/** Events in an agreement's life. */
export const AgreementEventType = z.enum([
  "signed",
  "entered-into-force",
  "termination-noticed",
  "notice-suspended",
  "notice-withdrawn",
  "terminated",
]);

/** One dated event, with who acted and the sources that say so. */
export const AgreementEvent = z.strictObject({
  at: IsoTime,
  type: AgreementEventType,
  by: PartyCode.optional(),
  note: z.string().optional(),
  sources: z.array(Source).min(1),
});
export type AgreementEvent = z.infer<typeof AgreementEvent>;

/** How the agreement renews and how notice of termination takes effect. */
export const Renewal = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("yearly"),
    /** Anniversary as MM-DD in the agreement's time zone. */
    anniversary: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "MM-DD"),
    /** Notice must be given at least this many days before an anniversary to end the agreement there. */
    noticeDays: z.number().int().nonnegative(),
    sources: z.array(Source).min(1),
  }),
  z.strictObject({
    kind: z.literal("indefinite"),
    /** Days from a notice of termination to its effect; absent: only an explicit `terminated` event ends it. */
    noticeDays: z.number().int().nonnegative().optional(),
    sources: z.array(Source).min(1),
  }),
]);

/** One row of a correspondence table: the grades of each party that are equivalent (GSOMIA Art. 4). */
export const CorrespondenceRow = z.strictObject({
  /** The English equivalent the agreement names for this row (SECRET, CONFIDENTIAL, TOP SECRET). */
  tier: z.string().min(1),
  /** Order of rows: higher is more protected. */
  rank: z.number().int().positive(),
  /** Each party's grades in this row; the first is the one a receiving party marks with. */
  levels: z.record(PartyCode, z.array(LevelCode).min(1)),
  /** Name of a boolean parameter that must be true for this row to apply (unverified rows). */
  requires: z.string().optional(),
  sources: z.array(Source).min(1),
});
export type CorrespondenceRow = z.infer<typeof CorrespondenceRow>;

/** Routes the agreement allows. */
export const Routing = z.discriminatedUnion("mode", [
  /** Parties exchange directly; only the originating party's own items are covered. */
  z.strictObject({ mode: z.literal("direct"), sources: z.array(Source).min(1) }),
  /** Items between two spokes travel only through the hub party. */
  z.strictObject({ mode: z.literal("hub"), hub: PartyCode, sources: z.array(Source).min(1) }),
]);

/** Whose consent a relay (a sender that is not the originator) needs. */
export const Consent = z.strictObject({
  /**
   * `per-item`: the originator approves each item for each recipient; `standing`: the agreement itself is
   * the originator's consent for `standingTopics` (ORCON items still need per-item approval);
   * `forbidden`: no relay at all.
   */
  relay: z.enum(["per-item", "standing", "forbidden"]),
  standingTopics: z.array(Topic).default([]),
  sources: z.array(Source).min(1),
});

/** A parameter for a fact that is not public: its value, and why it has that default. */
export const AgreementParameter = z.strictObject({
  value: z.union([z.boolean(), z.number(), z.string()]),
  basis: z.enum(["unknown", "assumed", "approximate"]),
  note: z.string().min(1),
});
export type AgreementParameter = z.infer<typeof AgreementParameter>;

/** An agreement file. */
export const Agreement = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and -"),
  title: z.string().min(1),
  nativeTitles: z.record(z.string(), z.string()).default({}),
  kind: z.enum(["security-agreement", "arrangement", "mechanism"]),
  legallyBinding: z.boolean(),
  parties: z.array(PartyCode).min(2),
  /** Offset in which dates without a time, and anniversaries, are read (facts: KST = JST = +09:00). */
  timeZone: z.string().regex(/^[+-]\d{2}:\d{2}$/),
  /** Agreements that must be operative for this one to operate (its legal basis). */
  requires: z.array(z.string()).default([]),
  scope: z.strictObject({
    topics: z.union([z.literal("all"), z.array(Topic).min(1)]),
    excludedTopics: z.array(Topic).default([]),
    /** Countries items may be about; `any` for no limit. */
    subjects: z.union([z.literal("any"), z.array(PartyCode).min(1)]),
    itemKinds: z.array(z.enum(["track-report", "intel-report"])).min(1),
    /**
     * Track reports only between launch and impact (plus a grace in seconds after impact), as the 2023
     * mechanism shares "from just after launch until impact".
     */
    launchToImpactOnly: z.strictObject({ graceS: z.number().nonnegative() }).optional(),
    sources: z.array(Source).min(1),
  }),
  classification: z.strictObject({ correspondence: z.array(CorrespondenceRow).min(1) }),
  routing: Routing,
  consent: Consent,
  /** Ways of delivery the agreement provides: a real-time data link, or case-by-case (deferred) exchange. */
  channels: z.array(z.enum(["real-time", "deferred"])).min(1),
  sanitisation: z.strictObject({
    /** Fields removed before release (dot paths), in addition to the label's own source fields. */
    removeFields: z.array(z.string()).default([]),
    /** If present, only these top-level fields of an item survive release. */
    keepOnlyFields: z.array(z.string()).optional(),
    sources: z.array(Source).min(1),
  }),
  parameters: z.record(z.string(), AgreementParameter).default({}),
  renewal: Renewal,
  events: z.array(AgreementEvent).min(1),
  /** Facts the public record does not give, and how the file handles each. */
  unknowns: z.array(z.string()).default([]),
});
export type Agreement = z.infer<typeof Agreement>;
