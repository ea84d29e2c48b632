/**
 * Sensors and their detections: the documented JSON format that `triwatch track --measurements` reads
 * and that the sensor simulation writes. Times are seconds since the Unix epoch (UTC), as floats.
 * Angles in measurements are radians in the sensor's local East-North-Up frame: azimuth clockwise from
 * north in [0, 2π), elevation above the local horizontal plane in [−π/2, π/2].
 */
import { z } from "zod";
import { PartyCode } from "./party.ts";

/** Geodetic position of a sensor (degrees, metres above the WGS-84 ellipsoid). */
export const SensorPosition = z.strictObject({
  latDeg: z.number().min(-90).max(90),
  lonDeg: z.number().min(-180).max(180),
  heightM: z.number().min(-500).max(100_000_000),
});

/** A figure that is not public: the value used, and a note saying where the guess comes from. */
export const LabelledParameter = z.strictObject({
  value: z.number(),
  basis: z.enum(["public", "approximate", "assumed"]),
  note: z.string().optional(),
});
export type LabelledParameter = z.infer<typeof LabelledParameter>;

const FieldOfRegard = z.strictObject({
  /** Azimuth sector centre (degrees clockwise from north) and half-width (degrees; 180 = all round). */
  azimuthCentreDeg: z.number().min(0).max(360),
  azimuthHalfWidthDeg: z.number().gt(0).max(180),
  minElevationDeg: z.number().min(-90).max(90),
  maxElevationDeg: z.number().min(-90).max(90),
});

const SensorCommon = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
  name: z.string(),
  nation: PartyCode,
  /** Node id (from the topology) whose tracker receives this sensor's detections. */
  node: z.string(),
  position: SensorPosition,
  updateIntervalS: z.number().positive(),
  detectionProbability: z.number().min(0).max(1),
  falseAlarmsPerScan: z.number().min(0),
  /** Delay between observation and delivery of a detection to the tracker (s). */
  latencyS: z.number().min(0).default(0),
  fieldOfRegard: FieldOfRegard,
  /** Where each figure comes from; every figure that is not public must be listed as approximate or assumed. */
  provenance: z.record(z.string(), z.string()).optional(),
};

/** A ground- or ship-based radar: range, azimuth, elevation and optionally range rate. */
export const RadarSensor = z.strictObject({
  ...SensorCommon,
  kind: z.literal("radar"),
  maxRangeM: z.number().positive(),
  sigmaRangeM: z.number().positive(),
  sigmaAzimuthRad: z.number().positive(),
  sigmaElevationRad: z.number().positive(),
  sigmaRangeRateMps: z.number().positive().optional(),
});

/** A space-based infrared sensor: line of sight only, sees the hot boost phase. */
export const InfraredSensor = z.strictObject({
  ...SensorCommon,
  kind: z.literal("space-ir"),
  sigmaAzimuthRad: z.number().positive(),
  sigmaElevationRad: z.number().positive(),
  /** The sensor sees a target only while its motor burns (boost phase). */
  boostOnly: z.boolean().default(true),
});

/** Any sensor. */
export const Sensor = z.discriminatedUnion("kind", [RadarSensor, InfraredSensor]);
export type Sensor = z.infer<typeof Sensor>;
export type RadarSensor = z.infer<typeof RadarSensor>;
export type InfraredSensor = z.infer<typeof InfraredSensor>;

/** One detection by one sensor at one time. */
export const Detection = z.strictObject({
  sensorId: z.string(),
  /** Observation time, seconds since the Unix epoch (UTC). */
  t: z.number(),
  rangeM: z.number().positive().optional(),
  azimuthRad: z
    .number()
    .min(0)
    .max(2 * Math.PI),
  elevationRad: z
    .number()
    .min(-Math.PI / 2)
    .max(Math.PI / 2),
  rangeRateMps: z.number().optional(),
});
export type Detection = z.infer<typeof Detection>;

/** The measurements file: sensors, then detections in non-decreasing time order. */
export const MeasurementsFile = z.strictObject({
  format: z.literal("triwatch-measurements/1"),
  sensors: z.array(Sensor).min(1),
  detections: z.array(Detection),
});
export type MeasurementsFile = z.infer<typeof MeasurementsFile>;
