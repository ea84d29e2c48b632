// Crafted estimate series for the warning tests: straight (great-circle-ish) ground tracks from a launch
// point to a predicted impact, with the ellipse and track age each estimate should carry.
import type { SpaceLaunchEstimate, WarningEstimate } from "./estimate.ts";
import { alongGreatCircle } from "./space.ts";

/** Launch time used by the crafted series (2022-10-03T22:22:00Z, the 2022-10-04 launch). */
export const T0 = Date.parse("2022-10-03T22:22:00Z") / 1000;

/** One crafted estimate at `s` seconds after T0. */
export function crafted(o: {
  s: number;
  trackId?: string;
  age?: number;
  launch: { lat: number; lon: number };
  impact: { lat: number; lon: number };
  flightS: number;
  semiMajorKm: number;
  semiMinorKm?: number;
  orientationDeg?: number;
}): WarningEstimate {
  const n = 64;
  const groundTrack = Array.from({ length: n }, (_, i) => {
    const u = i / (n - 1);
    return {
      t: T0 + u * o.flightS,
      lat: o.launch.lat + u * (o.impact.lat - o.launch.lat),
      lon: o.launch.lon + u * (o.impact.lon - o.launch.lon),
    };
  });
  return {
    trackId: o.trackId ?? "T1",
    t: T0 + o.s,
    asOfT: T0 + o.s - 2,
    trackAgeS: o.age ?? o.s - 60,
    launchT: T0,
    impact: {
      lat: o.impact.lat,
      lon: o.impact.lon,
      t: T0 + o.flightS,
      tSigmaS: 5,
      ellipse95: {
        semiMajorM: o.semiMajorKm * 1000,
        semiMinorM: (o.semiMinorKm ?? o.semiMajorKm / 3) * 1000,
        orientationDeg: o.orientationDeg ?? 90,
      },
    },
    groundTrack,
    missileClass: "IRBM",
  };
}

const DEG = Math.PI / 180;

/** Initial great-circle course (degrees from north) from a to b. */
export function courseTo(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const [p1, p2, dl] = [a.lat * DEG, b.lat * DEG, (b.lon - a.lon) * DEG];
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return (((Math.atan2(y, x) / DEG) % 360) + 360) % 360;
}

/**
 * A crafted satellite launcher's estimate `s` seconds after T0: flying from `launch` along the great
 * circle towards `towards` at `groundSpeedKmS`, having started `startS` after launch from the pad.
 */
export function craftedLauncher(o: {
  s: number;
  trackId?: string;
  age?: number;
  launch: { lat: number; lon: number };
  towards: { lat: number; lon: number };
  groundSpeedKmS?: number;
  startS?: number;
  courseSigmaDeg?: number;
}): SpaceLaunchEstimate {
  const v = o.groundSpeedKmS ?? 2.5;
  const d = Math.max(0, o.s - (o.startS ?? 100)) * v;
  const p = alongGreatCircle(o.launch.lat, o.launch.lon, courseTo(o.launch, o.towards), d);
  return {
    trackId: o.trackId ?? "S1",
    t: T0 + o.s,
    asOfT: T0 + o.s - 2,
    trackAgeS: o.age ?? o.s - 140,
    launchT: T0,
    position: { lat: p.lat, lon: p.lon, altM: 300_000 },
    courseDeg: courseTo(p, o.towards),
    courseSigmaDeg: o.courseSigmaDeg ?? 0.5,
    groundSpeedMps: v * 1000,
  };
}
