/**
 * What the warning rules read: a time series of trajectory estimates from a nation's (fused) tracks.
 * Each entry is one track's estimate as it stood at a moment, with the track's age so the rules can
 * refuse estimates from tracks too young to trust. Times are Unix seconds.
 */
import type { TrajectoryEstimates } from "../tracking/estimates.ts";

/** A 95 % ellipse on the ground (metres, azimuth of the major axis from north). */
export interface WarningEllipse {
  semiMajorM: number;
  semiMinorM: number;
  orientationDeg: number;
}

/** One track's trajectory estimate as the warning centre had it at time `t`. */
export interface WarningEstimate {
  /** Track id (the basis of any warning issued from it). */
  trackId: string;
  /** When the estimate was available to the warning centre (Unix s). */
  t: number;
  /** Time of the track state it comes from (Unix s). */
  asOfT: number;
  /** Seconds between the track's confirmation and `t`. */
  trackAgeS: number;
  /** Estimated launch time (Unix s). */
  launchT: number;
  /** Predicted impact with its 95 % ellipse and 1-σ of the time. */
  impact: { lat: number; lon: number; t: number; tSigmaS: number; ellipse95: WarningEllipse };
  /** Predicted ground track, launch to impact, time-ordered. */
  groundTrack: readonly { t: number; lat: number; lon: number }[];
  /** Class from the track's energy. */
  missileClass: "SRBM" | "MRBM" | "IRBM" | "ICBM";
}

/**
 * A space launcher's track as the warning centre had it at time `t`: where the vehicle is and where it is
 * heading. A launcher under power has no ballistic impact worth the name (its instantaneous impact point
 * races downrange, then it reaches orbit), so the warning rules project its heading instead.
 */
export interface SpaceLaunchEstimate {
  /** Track id (the basis of any warning issued from it). */
  trackId: string;
  /** When the estimate was available to the warning centre (Unix s). */
  t: number;
  /** Time of the track state it comes from (Unix s). */
  asOfT: number;
  /** Seconds between the track's confirmation and `t`. */
  trackAgeS: number;
  /** Launch time (Unix s), estimated or declared. */
  launchT: number;
  /** Sub-vehicle point (degrees) and height (m) at `asOfT`. */
  position: { lat: number; lon: number; altM: number };
  /** Ground course (degrees from true north), its 1-σ (degrees) and ground speed (m/s). */
  courseDeg: number;
  courseSigmaDeg: number;
  groundSpeedMps: number;
}

/** A nation's estimates over one event, in order of `t`, and when the record ends (Unix s). */
export interface EstimateSeries {
  estimates: readonly WarningEstimate[];
  /** Last moment covered (the run's end): lost tracks are judged up to here. */
  endT: number;
  /**
   * Tracks of a declared space launch (a satellite launcher), when the event is one: Japan's
   * satellite-launch rule reads them (facts.md §4.1: J-Alert for the 2023 launches past Okinawa).
   */
  spaceLaunch?: readonly SpaceLaunchEstimate[];
}

/** Converts the tracking core's estimates into a warning estimate. */
export function warningEstimate(
  trackId: string,
  availableT: number,
  confirmedT: number,
  te: TrajectoryEstimates,
): WarningEstimate {
  return {
    trackId,
    t: availableT,
    asOfT: te.basis.t,
    trackAgeS: Math.max(0, availableT - confirmedT),
    launchT: te.launch.t,
    impact: {
      lat: te.impact.latDeg,
      lon: te.impact.lonDeg,
      t: te.impact.t,
      tSigmaS: te.impact.tSigmaS,
      ellipse95: { ...te.impact.ellipse95 },
    },
    groundTrack: te.groundTrack.map((p) => ({ t: p.t, lat: p.latDeg, lon: p.lonDeg })),
    missileClass: te.class,
  };
}
