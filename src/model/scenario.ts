/**
 * Scenario files: historical DPRK launches to re-fly as truth. Every figure carries its basis: "public"
 * (a published value, cited in the note) or "approximate"/"assumed" (an estimate, with the reasoning in
 * the note). Times are UTC (ISO 8601 with Z). Objects are strict: an unknown field is an error.
 */
import { z } from "zod";

/** How a figure is known. */
export const FigureBasis = z.enum(["public", "approximate", "assumed"]);
export type FigureBasis = z.infer<typeof FigureBasis>;

/** A number with its basis and a note: the source for public figures, the reasoning for estimates. */
export const Figure = z.strictObject({
  value: z.number(),
  basis: FigureBasis,
  note: z.string().min(1, "say where the figure comes from"),
});
export type Figure = z.infer<typeof Figure>;

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

/** A launch site: public coordinates, or an approximate public location labelled as such. */
export const LaunchSite = z.strictObject({
  name: z.string().min(1),
  latDeg: lat,
  lonDeg: lon,
  heightM: z.number().min(-500).max(9000).default(0),
  basis: FigureBasis,
  note: z.string().min(1),
});
export type LaunchSite = z.infer<typeof LaunchSite>;

/** A point the flight heads for (sets the launch azimuth only; range comes from the target figures). */
export const AimPoint = z.strictObject({
  latDeg: lat,
  lonDeg: lon,
  basis: FigureBasis,
  note: z.string().min(1),
});
export type AimPoint = z.infer<typeof AimPoint>;

/** Launch azimuth, given directly or as an aim point; exactly one. */
export const Heading = z
  .strictObject({ azimuthDeg: Figure.optional(), aimPoint: AimPoint.optional() })
  .superRefine((h, ctx) => {
    if ((h.azimuthDeg === undefined) === (h.aimPoint === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of azimuthDeg or aimPoint" });
    }
  });
export type Heading = z.infer<typeof Heading>;

/** A spent stage followed as its own falling object after separation. */
const DroppedStage = z.strictObject({ ballisticCoefficientKgM2: Figure });

/** A ballistic-missile boost stage: burn time and the ratio of end to start acceleration. */
export const BallisticStage = z.strictObject({
  burnTimeS: Figure,
  accelRatio: Figure,
  dropAsObject: DroppedStage.optional(),
});

/** A satellite-launcher stage: its accelerations are given, nothing is solved. */
export const LauncherStage = z.strictObject({
  burnTimeS: Figure,
  accelStartMps2: Figure,
  accelEndMps2: Figure,
  dropAsObject: DroppedStage.optional(),
});

/** What was reported besides range and apogee, kept for comparison. */
export const Reported = z.strictObject({
  flightTimeS: Figure.optional(),
  impactArea: z.string().optional(),
});

const LaunchCommon = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
  vehicle: z.string().min(1),
  site: LaunchSite,
  /** UTC launch time, ISO 8601 with Z. */
  launchTime: z.iso.datetime({ message: "an ISO 8601 UTC time ending in Z, e.g. 2017-08-28T20:58:00Z" }),
  launchTimeNote: z.string().min(1),
  heading: Heading,
  ballisticCoefficientKgM2: Figure,
  /** Seconds after launch at which the motor fails; the object then falls as debris. */
  failAtS: Figure.optional(),
  reported: Reported.optional(),
};

/** A ballistic missile: solved to match range and apogee, or flown from given burnout conditions. */
export const BallisticLaunch = z
  .strictObject({
    ...LaunchCommon,
    kind: z.literal("ballistic"),
    rangeKm: Figure.optional(),
    apogeeKm: Figure.optional(),
    burnout: z.strictObject({ speedMps: Figure, flightPathAngleDeg: Figure }).optional(),
    boost: z.strictObject({ verticalRiseS: Figure, stages: z.array(BallisticStage).min(1) }),
  })
  .superRefine((l, ctx) => {
    const pair = l.rangeKm !== undefined && l.apogeeKm !== undefined;
    const one = (l.rangeKm === undefined) !== (l.apogeeKm === undefined);
    if (one) {
      ctx.addIssue({
        code: "custom",
        path: [l.rangeKm === undefined ? "rangeKm" : "apogeeKm"],
        message: "rangeKm and apogeeKm go together",
      });
    } else if (pair === (l.burnout !== undefined)) {
      ctx.addIssue({ code: "custom", message: "give either rangeKm with apogeeKm, or burnout" });
    }
  });
export type BallisticLaunch = z.infer<typeof BallisticLaunch>;

/** A satellite launch: a programmed multi-stage burn; it may reach orbit or fail at `failAtS`. */
export const SatelliteLaunch = z.strictObject({
  ...LaunchCommon,
  kind: z.literal("satellite"),
  boost: z.strictObject({
    verticalRiseS: Figure,
    finalPitchDeg: Figure,
    /** Seconds after launch at which the pitch-down ends (default: at burnout). */
    pitchOverEndS: Figure.optional(),
    stages: z.array(LauncherStage).min(1),
  }),
  /** How long to follow the payload if it does not come down (s). */
  followForS: Figure,
});
export type SatelliteLaunch = z.infer<typeof SatelliteLaunch>;

/** Any launch. */
export const Launch = z.discriminatedUnion("kind", [BallisticLaunch, SatelliteLaunch]);
export type Launch = z.infer<typeof Launch>;

/** A scenario file. */
export const Scenario = z
  .strictObject({
    format: z.literal("triwatch-scenario/1"),
    id: z.string().min(1),
    title: z.string().min(1),
    /** Sources, as cited in the shared fact sheet. */
    sources: z.array(z.string().min(1)).min(1),
    notes: z.string().optional(),
    launches: z.array(Launch).min(1),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.launches.forEach((l, i) => {
      if (seen.has(l.id))
        ctx.addIssue({ code: "custom", path: ["launches", i, "id"], message: `duplicate id ${l.id}` });
      seen.add(l.id);
    });
  });
export type Scenario = z.infer<typeof Scenario>;

/** One estimated (non-public) figure in a scenario, by path. */
export interface EstimateEntry {
  path: string;
  basis: FigureBasis;
  note: string;
}

/** Lists every figure in a scenario whose basis is not "public", with its path and note. */
export function listEstimates(scenario: Scenario): EstimateEntry[] {
  const out: EstimateEntry[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
      return;
    }
    if (v === null || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if ((o.basis === "approximate" || o.basis === "assumed") && typeof o.note === "string") {
      out.push({ path, basis: o.basis, note: o.note });
    }
    for (const [k, x] of Object.entries(o)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(scenario, "");
  return out;
}
