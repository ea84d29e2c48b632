/**
 * Track report → CoT events, with public CoT conventions only:
 * - the track: atom `a-<affiliation>-A-W-M-S-S` (MIL-STD-2525B air / weapon / missile in flight /
 *   surface-launched / surface-to-surface, as in the TAK type table), or `…-A-W-M-S` for a space launch
 *   vehicle; `how` `m-f` (a tracker's fused estimate); at the latest trajectory sample;
 * - the launch point and the predicted impact point: map points `b-m-p` (`m-f` and `m-p`);
 * - the 95 % impact ellipse: the TAK drawing ellipse `u-d-c-e` with `<shape><ellipse major minor
 *   angle/>` (semi-axes in metres, major-axis heading from true north), `how` `m-p` (predicted).
 * Points link to the track (`<link relation="p-p">`). Sensor disclosure and the label are not written:
 * sanitisation and release decide what leaves, and this codec only formats what it is given.
 * All times are UTC (`…Z`) with milliseconds; stale times are options.
 */
import type { TrackReport } from "../../model/item.ts";
import { isoToMs, isoUtc } from "../../model/time.ts";
import { CotEvent } from "./event.ts";

/** How a track report is turned into events. */
export interface TrackToCotOptions {
  /** When the events are generated (CoT `time`). */
  readonly now: string;
  /** CoT affiliation of the track: hostile, unknown or suspect. Default `h`. */
  readonly affiliation?: "h" | "u" | "s";
  /** Seconds a track position stays valid. Default 30. */
  readonly trackStaleS?: number;
  /** Seconds the launch point stays on the map. Default 3,600. */
  readonly launchStaleS?: number;
  /** Seconds after the predicted impact time that the impact point and ellipse stay valid. Default 600. */
  readonly impactStaleS?: number;
  /** Prefix of every uid. Default `triwatch`. */
  readonly uidPrefix?: string;
}

/** CoT's "unknown" circular and linear error. */
export const COT_UNKNOWN_ERROR = 9_999_999;
/** A 95 % bivariate normal ellipse has semi-axes of about 2.4477 σ. */
const SIGMA_PER_95 = 2.4477;
const EARTH_R = 6_371_008.8;

const r = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const utc = (t: string) => isoUtc(isoToMs(t));
const plus = (t: string, s: number) => isoUtc(isoToMs(t) + s * 1000);
const rad = (d: number) => (d * Math.PI) / 180;

/** Initial great-circle course (degrees true) and ground speed (m/s) between two samples. */
function courseAndSpeed(
  a: { lat: number; lon: number; time: string },
  b: { lat: number; lon: number; time: string },
): { course: number; speed: number } | undefined {
  const dt = (isoToMs(b.time) - isoToMs(a.time)) / 1000;
  if (!(dt > 0)) return undefined;
  const [p1, p2, dl] = [rad(a.lat), rad(b.lat), rad(b.lon - a.lon)];
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  const course = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  const h = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  const dist = 2 * EARTH_R * Math.asin(Math.min(1, Math.sqrt(h)));
  return { course: r(course, 2) % 360, speed: r(dist / dt, 2) };
}

/** The CoT type of a track of this missile class. */
export function trackCotType(
  missileClass: TrackReport["missileClass"],
  affiliation: "h" | "u" | "s",
): string {
  return missileClass === "SLV" ? `a-${affiliation}-A-W-M-S` : `a-${affiliation}-A-W-M-S-S`;
}

/** The four events of a track report: track, launch point, predicted impact point, impact ellipse. */
export function trackReportToCot(report: TrackReport, options: TrackToCotOptions): CotEvent[] {
  const aff = options.affiliation ?? "h";
  const base = `${options.uidPrefix ?? "triwatch"}.${report.eventId}.${report.trackId}`;
  const now = utc(options.now);
  const latest = report.trajectory[report.trajectory.length - 1] as TrackReport["trajectory"][number];
  const previous = report.trajectory[report.trajectory.length - 2];
  const trackType = trackCotType(report.missileClass, aff);
  const link = [{ uid: base, type: trackType, relation: "p-p" }];
  const who = (role: "track" | "launch-point" | "impact-point" | "impact-ellipse") => ({
    eventId: report.eventId,
    trackId: report.trackId,
    role,
    missileClass: report.missileClass,
  });
  const impactTime = utc(report.impact.time);
  const impactStale = plus(report.impact.time, options.impactStaleS ?? 600);
  const impactPoint = {
    lat: r(report.impact.lat, 7),
    lon: r(report.impact.lon, 7),
    hae: 0,
    ce: r(report.impact.ellipse95.semiMajorM / SIGMA_PER_95, 2),
    le: COT_UNKNOWN_ERROR,
  };
  const motion = previous === undefined ? undefined : courseAndSpeed(previous, latest);
  const events = [
    {
      uid: base,
      type: trackType,
      how: "m-f",
      time: now,
      start: utc(latest.time),
      stale: plus(latest.time, options.trackStaleS ?? 30),
      point: {
        lat: r(latest.lat, 7),
        lon: r(latest.lon, 7),
        hae: r(latest.altM, 2),
        ce: COT_UNKNOWN_ERROR,
        le: COT_UNKNOWN_ERROR,
      },
      detail: {
        contact: { callsign: `${report.missileClass} ${report.trackId}` },
        ...(motion === undefined ? {} : { track: motion }),
        triwatch: who("track"),
        remarks: `Predicted impact ${impactTime}`,
      },
    },
    {
      uid: `${base}.launch`,
      type: "b-m-p",
      how: "m-f",
      time: now,
      start: utc(report.launch.time),
      stale: plus(report.launch.time, options.launchStaleS ?? 3600),
      point: {
        lat: r(report.launch.lat, 7),
        lon: r(report.launch.lon, 7),
        hae: 0,
        ce: r(report.launch.uncertaintyM, 2),
        le: COT_UNKNOWN_ERROR,
      },
      detail: {
        contact: { callsign: `Launch ${report.trackId}` },
        links: link,
        triwatch: who("launch-point"),
        remarks: `Launch ${utc(report.launch.time)} (±${report.launch.timeUncertaintyS} s)`,
      },
    },
    {
      uid: `${base}.impact`,
      type: "b-m-p",
      how: "m-p",
      time: now,
      start: now,
      stale: impactStale,
      point: impactPoint,
      detail: {
        contact: { callsign: `Impact ${report.trackId}` },
        links: link,
        triwatch: who("impact-point"),
        remarks: `Predicted impact ${impactTime}`,
      },
    },
    {
      uid: `${base}.impact-ellipse`,
      type: "u-d-c-e",
      how: "m-p",
      time: now,
      start: now,
      stale: impactStale,
      point: impactPoint,
      detail: {
        contact: { callsign: `Impact area 95% ${report.trackId}` },
        links: link,
        ellipse: {
          major: r(report.impact.ellipse95.semiMajorM, 2),
          minor: r(report.impact.ellipse95.semiMinorM, 2),
          angle: r(report.impact.ellipse95.orientationDeg, 2),
        },
        triwatch: who("impact-ellipse"),
        remarks: `95% predicted impact area, ${impactTime}`,
      },
    },
  ];
  return events.map((e) => CotEvent.parse(e));
}
