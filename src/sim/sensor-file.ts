/**
 * Sensor set files (`sensors/*.yaml`): one nation's sensors, each validated by the shared `Sensor`
 * schema, plus a check that every figure has its provenance labelled public, approximate or assumed.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type FileResult, parseYaml } from "../config/parse.ts";
import { Sensor } from "../model/sensing.ts";

const COMMON_FIGURES = [
  "position",
  "updateIntervalS",
  "detectionProbability",
  "falseAlarmsPerScan",
  "latencyS",
  "fieldOfRegard",
  "sigmaAzimuthRad",
  "sigmaElevationRad",
] as const;
const RADAR_FIGURES = ["maxRangeM", "sigmaRangeM"] as const;
const LABEL = /^(public|approximate|assumed)\b/;

/** A sensor set file. */
export const SensorSetFile = z
  .strictObject({
    format: z.literal("triwatch-sensors/1"),
    title: z.string().min(1),
    sources: z.array(z.string().min(1)).min(1),
    notes: z.string().optional(),
    sensors: z.array(Sensor).min(1),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.sensors.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: "custom", path: ["sensors", i, "id"], message: `duplicate id ${s.id}` });
      ids.add(s.id);
      const needed: string[] = [...COMMON_FIGURES];
      if (s.kind === "radar") {
        needed.push(...RADAR_FIGURES);
        if (s.sigmaRangeRateMps !== undefined) needed.push("sigmaRangeRateMps");
      }
      for (const key of needed) {
        const label = s.provenance?.[key];
        if (label === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["sensors", i, "provenance", key],
            message: "missing: say whether the figure is public, approximate or assumed",
          });
        } else if (!LABEL.test(label)) {
          ctx.addIssue({
            code: "custom",
            path: ["sensors", i, "provenance", key],
            message: 'must start with "public", "approximate" or "assumed"',
          });
        }
      }
    });
  });
export type SensorSetFile = z.infer<typeof SensorSetFile>;

/** Parses a sensor set from YAML text; `file` labels the messages. */
export function parseSensorSet(text: string, file: string): FileResult<SensorSetFile> {
  return parseYaml(text, file, SensorSetFile);
}

/** Reads and parses a sensor set file. */
export function loadSensorSetFile(path: string): FileResult<SensorSetFile> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { ok: false, errors: [`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`] };
  }
  return parseSensorSet(text, path);
}
