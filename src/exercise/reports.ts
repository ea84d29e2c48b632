/**
 * A node's own track as the item it releases: the three elements of the 2023 mechanism (launch point and
 * time, trajectory, predicted impact point with its 95 % ellipse) plus class and apogee, labelled by
 * the producing nation, with the sensor that last updated it as the source field sanitisation removes.
 */

import type { TrackReport } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import type { Sensor } from "../model/sensing.ts";
import type { TrajectoryEstimates } from "../tracking/index.ts";
import type { TrackState } from "../tracking/state.ts";

/** Trajectory samples a report carries (launch to impact, evenly spaced in time). */
export const TRAJECTORY_SAMPLES = 17;

const iso = (s: number): string => new Date(Math.round(s * 1000)).toISOString();
const deg = (x: number): number => Math.round(x * 1e5) / 1e5;
const clampLat = (x: number): number => Math.max(-90, Math.min(90, deg(x)));
const wrapLon = (x: number): number => deg(((((x + 180) % 360) + 360) % 360) - 180);

/** What a report needs besides the estimates. */
export interface ReportContext {
  node: string;
  label: Label;
  /** The node's track id (unique across the topology: the node id is part of it). */
  trackId: string;
  /** Serial number of this release of the track. */
  serial: number;
  sensor: Sensor | undefined;
}

/** The 95 % launch-point radius: the larger axis of the ellipse the estimates give, or 0. */
function launchUncertaintyM(te: TrajectoryEstimates): number {
  return Math.round(te.launch.ellipse95.semiMajorM);
}

/** Builds the report of a track state's estimates. */
export function trackReport(ctx: ReportContext, state: TrackState, te: TrajectoryEstimates): TrackReport {
  const g = te.groundTrack;
  const step = (g.length - 1) / (TRAJECTORY_SAMPLES - 1);
  const trajectory: TrackReport["trajectory"] = [];
  for (let i = 0; i < TRAJECTORY_SAMPLES && g.length > 0; i++) {
    const p = g[Math.min(g.length - 1, Math.round(i * step))] as (typeof g)[number];
    trajectory.push({
      time: iso(p.t),
      lat: clampLat(p.latDeg),
      lon: wrapLon(p.lonDeg),
      altM: Math.round(p.heightM),
    });
  }
  const report: TrackReport = {
    kind: "track-report",
    id: `${ctx.trackId}-${ctx.serial}`,
    label: ctx.label,
    asOf: iso(state.t),
    eventId: ctx.trackId,
    trackId: ctx.trackId,
    launch: {
      lat: clampLat(te.launch.latDeg),
      lon: wrapLon(te.launch.lonDeg),
      time: iso(te.launch.t),
      uncertaintyM: launchUncertaintyM(te),
      timeUncertaintyS: Math.round(te.launch.tSigmaS * 10) / 10,
    },
    trajectory,
    impact: {
      lat: clampLat(te.impact.latDeg),
      lon: wrapLon(te.impact.lonDeg),
      time: iso(te.impact.t),
      ellipse95: {
        semiMajorM: Math.round(te.impact.ellipse95.semiMajorM),
        semiMinorM: Math.round(te.impact.ellipse95.semiMinorM),
        orientationDeg: Math.round(te.impact.ellipse95.orientationDeg * 10) / 10,
      },
      timeUncertaintyS: Math.round(te.impact.tSigmaS * 10) / 10,
    },
    missileClass: te.class,
    lofted: te.lofted,
    apogeeKm: Math.round(te.apogee.heightM / 100) / 10,
  };
  if (ctx.sensor) {
    const { position } = ctx.sensor;
    report.sensor =
      ctx.sensor.kind === "radar"
        ? {
            type: ctx.sensor.name,
            id: ctx.sensor.id,
            location: { lat: position.latDeg, lon: position.lonDeg },
          }
        : { type: ctx.sensor.name, id: ctx.sensor.id };
  }
  return report;
}
