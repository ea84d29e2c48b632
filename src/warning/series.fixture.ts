// Crafted estimate series for the warning tests: straight (great-circle-ish) ground tracks from a launch
// point to a predicted impact, with the ellipse and track age each estimate should carry.
import type { WarningEstimate } from "./estimate.ts";

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
