/**
 * The common operating picture of an exercise: a scenario replayed through the whole topology, as a
 * static setup and a time-ordered list of events. Every event says whose it is (`holder`: the party
 * whose node holds it, or PUBLIC for public warnings and the agreements' status) and how that holder
 * marks it (`marking`, in the holder's own scheme; rank 0 is unclassified). A surface shows an operator
 * of party P with clearance rank R only the events held by P (or PUBLIC) with `marking.rank <= R`.
 *
 * Times are epoch milliseconds of the scenario's clock. Built by `src/exercise/`, served by
 * `src/server/`, drawn by `web/`.
 */
import { z } from "zod";
import { TrackReport } from "./item.ts";
import { PartyCode } from "./party.ts";

/** Whose an event is: a party's node, or the public. */
export const CopHolder = z.union([PartyCode, z.literal("PUBLIC")]);
export type CopHolder = z.infer<typeof CopHolder>;

/** A marking in the holder's own terms; rank orders that scheme's grades (0: unclassified or public). */
export const CopMarking = z.strictObject({
  level: z.string(),
  native: z.string(),
  banner: z.string(),
  rank: z.number().int().nonnegative(),
});
export type CopMarking = z.infer<typeof CopMarking>;

/** The public marking of warnings and of the agreements' status. */
export const PUBLIC_MARKING: CopMarking = {
  level: "PUBLIC",
  native: "",
  banner: "UNCLASSIFIED (public)",
  rank: 0,
};

const Base = {
  /** Position in the timeline (strictly increasing). */
  seq: z.number().int().nonnegative(),
  /** When it happened on the scenario clock (epoch ms). */
  t: z.number(),
  holder: CopHolder,
  marking: CopMarking,
};

/** A track as a node holds it: its own, or a partner's received over the network. */
export const CopTrackEvent = z.strictObject({
  ...Base,
  type: z.literal("track"),
  /** Node holding it. */
  node: z.string(),
  /** Node and party that produced it. */
  origin: z.strictObject({ node: z.string(), party: PartyCode }),
  own: z.boolean(),
  /** Nodes it passed through, originator first, holder last (own tracks: the holder only). */
  path: z.array(z.string()),
  /** The report as held (a partner's arrives sanitised: no sensor). */
  report: TrackReport,
  /** True when `report.asOf` was older than the staleness bound when this event was recorded. */
  stale: z.boolean(),
});
export type CopTrackEvent = z.infer<typeof CopTrackEvent>;

/** A node's fused estimate of one launch object from everything it holds (covariance intersection). */
export const CopFusedEvent = z.strictObject({
  ...Base,
  type: z.literal("fused"),
  node: z.string(),
  /** Stable id of the fused object at this node. */
  fusedId: z.string(),
  /** The tracks that went into it. */
  contributors: z.array(z.strictObject({ node: z.string(), party: PartyCode, trackId: z.string() })),
  /** The fused estimate, in the form of a track report labelled by the holder. */
  report: TrackReport,
});
export type CopFusedEvent = z.infer<typeof CopFusedEvent>;

/** A step of the sharing: a release decision, a relay, a receipt or a rejection, with its reasons. */
export const CopDecisionEvent = z.strictObject({
  ...Base,
  type: z.literal("decision"),
  node: z.string(),
  action: z.enum(["release", "relay", "receipt", "rejection"]),
  permitted: z.boolean(),
  itemId: z.string(),
  itemKind: z.enum(["track-report", "intel-report", "unknown"]),
  /** Sender and recipient nodes of this step (the rejection's sender when known). */
  from: z.string(),
  to: z.string(),
  agreement: z.string().nullable(),
  /** Parties from originator to recipient, for permits. */
  route: z.array(z.string()),
  channel: z.string().nullable(),
  /** Why: the permit's basis, or every reason of a denial or rejection. */
  reasons: z.array(z.string()),
});
export type CopDecisionEvent = z.infer<typeof CopDecisionEvent>;

/** A public warning as issued (CAP 1.2 with the text per language). */
export const CopWarningEvent = z.strictObject({
  ...Base,
  type: z.literal("warning"),
  issuer: PartyCode,
  alertId: z.string(),
  /** CAP's msgType as the alert model writes it: `alert`, `update` or `cancel`. */
  msgType: z.string(),
  /** Ids of the earlier alerts an update or cancellation replaces. */
  references: z.array(z.string()).optional(),
  /** Which national warning (for example "J-Alert: launch", "공습경보"). */
  kind: z.string(),
  /** Headline per language code (ja, ko, en). */
  headlines: z.record(z.string(), z.string()),
  /** Areas: description, geocodes, polygons as [lon, lat] rings. */
  areas: z.array(
    z.strictObject({
      description: z.string(),
      codes: z.array(z.string()),
      polygons: z.array(z.array(z.tuple([z.number(), z.number()]))),
    }),
  ),
  /** The CAP 1.2 document. */
  cap: z.string(),
});
export type CopWarningEvent = z.infer<typeof CopWarningEvent>;

/** A node's first detection of the launch (its own sensors). */
export const CopDetectionEvent = z.strictObject({
  ...Base,
  type: z.literal("detection"),
  node: z.string(),
  sensorId: z.string(),
  sensorKind: z.string(),
});
export type CopDetectionEvent = z.infer<typeof CopDetectionEvent>;

/** A node's signed audit tree head at a moment. */
export const CopAuditEvent = z.strictObject({
  ...Base,
  type: z.literal("audit"),
  node: z.string(),
  size: z.number().int().nonnegative(),
  rootHex: z.string(),
});
export type CopAuditEvent = z.infer<typeof CopAuditEvent>;

export const CopEvent = z.discriminatedUnion("type", [
  CopTrackEvent,
  CopFusedEvent,
  CopDecisionEvent,
  CopWarningEvent,
  CopDetectionEvent,
  CopAuditEvent,
]);
export type CopEvent = z.infer<typeof CopEvent>;

/** What does not change during an exercise. */
export const CopSetup = z.strictObject({
  scenario: z.strictObject({
    id: z.string(),
    title: z.string(),
    launches: z.array(
      z.strictObject({ id: z.string(), time: z.number(), site: z.tuple([z.number(), z.number()]) }),
    ),
  }),
  /** The agreement state replayed (`actual`, or a what-if variant). */
  variant: z.strictObject({ id: z.string(), description: z.string() }),
  seed: z.number().int(),
  startMs: z.number(),
  endMs: z.number(),
  parties: z.array(z.strictObject({ code: PartyCode, name: z.string() })),
  nodes: z.array(z.strictObject({ id: z.string(), party: PartyCode, name: z.string(), role: z.string() })),
  /** Links and whether the agreements in force at the start enable them. */
  links: z.array(
    z.strictObject({ a: z.string(), b: z.string(), enabled: z.boolean(), agreements: z.array(z.string()) }),
  ),
  /** Each agreement's status at the start (public). */
  agreements: z.array(
    z.strictObject({ id: z.string(), title: z.string(), status: z.string(), detail: z.string() }),
  ),
  /** Sensors, each visible to its own nation only. */
  sensors: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      nation: PartyCode,
      node: z.string(),
      kind: z.enum(["radar", "space-ir"]),
      /** [lon, lat] of a ground or ship sensor; null for one in space. */
      position: z.tuple([z.number(), z.number()]).nullable(),
      maxRangeKm: z.number().nullable(),
      azimuthCentreDeg: z.number(),
      azimuthHalfWidthDeg: z.number(),
    }),
  ),
});
export type CopSetup = z.infer<typeof CopSetup>;

/** An exercise: its setup and its events in order of `t`, then `seq`. */
export const CopTimeline = z.strictObject({ setup: CopSetup, events: z.array(CopEvent) });
export type CopTimeline = z.infer<typeof CopTimeline>;

/** Whether an operator of `party` cleared to `clearanceRank` may see an event. */
export function copVisible(
  e: Pick<CopEvent, "holder" | "marking">,
  party: string,
  clearanceRank: number,
): boolean {
  return (e.holder === party || e.holder === "PUBLIC") && e.marking.rank <= clearanceRank;
}
