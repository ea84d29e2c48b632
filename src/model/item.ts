/**
 * The items nations exchange: real-time track reports (the three elements of the 2023 mechanism: launch
 * point and time, trajectory, predicted impact point with uncertainty) and intelligence reports (free
 * text with typed attachments). Both carry a label.
 */
import { z } from "zod";
import { Label } from "./label.ts";
import { IsoTime } from "./time.ts";

const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);

/** The sensor that produced a track: sources and methods, removed by sanitisation before release. */
export const SensorDisclosure = z.strictObject({
  type: z.string().min(1),
  location: z.strictObject({ lat: Lat, lon: Lon }).optional(),
  id: z.string().optional(),
});

/** A 95 % uncertainty ellipse on the ground: semi-axes in metres, orientation of the major axis from north. */
export const Ellipse95 = z.strictObject({
  semiMajorM: z.number().nonnegative(),
  semiMinorM: z.number().nonnegative(),
  orientationDeg: z.number().min(0).max(180),
});

/** Missile class by range (SRBM < 1,000 km, MRBM < 3,000, IRBM < 5,500, ICBM beyond) or a space launch. */
export const MissileClass = z.enum(["SRBM", "MRBM", "IRBM", "ICBM", "SLV", "unknown"]);

/** A track report: one track's estimate at one moment. */
export const TrackReport = z.strictObject({
  kind: z.literal("track-report"),
  id: z.string().min(1),
  label: Label,
  /** Time the estimate refers to. */
  asOf: IsoTime,
  eventId: z.string().min(1),
  trackId: z.string().min(1),
  launch: z.strictObject({
    lat: Lat,
    lon: Lon,
    time: IsoTime,
    uncertaintyM: z.number().nonnegative(),
    timeUncertaintyS: z.number().nonnegative(),
  }),
  trajectory: z
    .array(z.strictObject({ time: IsoTime, lat: Lat, lon: Lon, altM: z.number() }))
    .min(1, "a track report carries at least one trajectory sample"),
  impact: z.strictObject({
    lat: Lat,
    lon: Lon,
    time: IsoTime,
    ellipse95: Ellipse95,
    /** 1-σ of the impact time (s), when the producer gives it. */
    timeUncertaintyS: z.number().nonnegative().optional(),
  }),
  missileClass: MissileClass,
  lofted: z.boolean().default(false),
  apogeeKm: z.number().nonnegative().optional(),
  sensor: SensorDisclosure.optional(),
});
export type TrackReport = z.infer<typeof TrackReport>;

/**
 * The same track report with every time in it (as of, launch, trajectory, impact) moved by `deltaMs`:
 * one launch replayed at another moment (tests, benchmarks, exercises on another date).
 */
export function shiftTrackTimes(item: TrackReport, deltaMs: number): TrackReport {
  return mapTrackTimes(item, (iso) => new Date(Date.parse(iso) + deltaMs).toISOString());
}

/** The same track report with every time in it (as of, launch, trajectory, impact) mapped by `at`. */
export function mapTrackTimes(item: TrackReport, at: (iso: string) => string): TrackReport {
  return {
    ...item,
    asOf: at(item.asOf),
    launch: { ...item.launch, time: at(item.launch.time) },
    trajectory: item.trajectory.map((s) => ({ ...s, time: at(s.time) })),
    impact: { ...item.impact, time: at(item.impact.time) },
  };
}

/** A seismic event (a nuclear test's signature). */
const SeismicAttachment = z.strictObject({
  kind: z.literal("seismic-event"),
  originTime: IsoTime,
  lat: Lat,
  lon: Lon,
  magnitude: z.number(),
  magnitudeType: z.string().min(1),
  agency: z.string().min(1),
});
/** A cyber indicator (STIX-like pattern). */
const IndicatorAttachment = z.strictObject({
  kind: z.literal("indicator"),
  pattern: z.string().min(1),
  patternType: z.enum(["stix", "snort", "yara"]).default("stix"),
  description: z.string().optional(),
});
/** A vessel observed in a sanctions-evasion activity (ship-to-ship transfer and the like). */
const VesselAttachment = z.strictObject({
  kind: z.literal("vessel"),
  name: z.string().min(1),
  imo: z
    .string()
    .regex(/^\d{7}$/, "an IMO number has seven digits")
    .optional(),
  flag: z.string().optional(),
  observedAt: IsoTime,
  lat: Lat,
  lon: Lon,
  activity: z.string().min(1),
});
/** A launch-site or facility location. */
const LocationAttachment = z.strictObject({
  kind: z.literal("location"),
  name: z.string().min(1),
  lat: Lat,
  lon: Lon,
});

/** Typed attachments of an intelligence report. */
export const Attachment = z.discriminatedUnion("kind", [
  SeismicAttachment,
  IndicatorAttachment,
  VesselAttachment,
  LocationAttachment,
]);

/** An intelligence report: free text and typed attachments. */
export const IntelReport = z.strictObject({
  kind: z.literal("intel-report"),
  id: z.string().min(1),
  label: Label,
  producedAt: IsoTime,
  title: z.string().min(1),
  body: z.string().min(1),
  attachments: z.array(Attachment).default([]),
  sensor: SensorDisclosure.optional(),
  /** How the information was obtained: sources and methods, removed by sanitisation. */
  collection: z.string().optional(),
});
export type IntelReport = z.infer<typeof IntelReport>;

/** Any item. */
export const Item = z.discriminatedUnion("kind", [TrackReport, IntelReport]);
export type Item = z.infer<typeof Item>;

/** Fields every item type always treats as sources and methods, whatever its label says. */
export const ALWAYS_SOURCE_FIELDS = ["sensor", "collection"] as const;
