/**
 * M-of-N track initiation from radar detections. A detection no track claimed starts a tentative track
 * at once (single-point initiation): position from range/azimuth/elevation with its covariance mapped
 * through the polar-to-Cartesian Jacobian; velocity along the line of sight from the range rate when
 * there is one, and a large isotropic covariance otherwise. The track is confirmed once it has M hits in
 * its last N opportunities (scans in which the sensor could have seen it), and rejected as soon as it
 * cannot reach M. Line-of-sight (IR) detections carry no range and never start tracks.
 */
import { z } from "zod";
import { enuBasis, enuToEcef, type Vec3 } from "../geo/earth.ts";
import type { Detection, Sensor } from "../model/sensing.ts";
import { type TrackState, trackState } from "./state.ts";

/** Initiator options (serialisable). */
export const InitiatorOptions = z
  .strictObject({
    /** Hits needed to confirm. */
    m: z.number().int().positive().default(3),
    /** Window of opportunities (scans in view) in which the M hits must fall. */
    n: z.number().int().positive().default(4),
    /** 1-σ of each velocity component at initiation when no range rate is measured (m/s). */
    velocitySigmaMps: z.number().positive().default(3000),
    /** Prior mean of 1/β (m²/kg) for the drag state. */
    invBetaMean: z.number().min(0).default(2e-4),
    /** Prior 1-σ of 1/β (m²/kg). */
    invBetaSigma: z.number().positive().default(2e-4),
  })
  .refine((o) => o.m <= o.n, { message: "M must not exceed N" });
/** Parsed initiator options. */
export type InitiatorOptions = z.infer<typeof InitiatorOptions>;

/** The M-of-N verdict after one more opportunity. */
export type InitiationVerdict = "tentative" | "confirmed" | "rejected";

/** Single-point M-of-N initiator for radar detections. */
export class MOfNInitiator {
  /** The options in force. */
  readonly options: InitiatorOptions;

  /** Builds the initiator from (unparsed) options. */
  constructor(options: z.input<typeof InitiatorOptions> = {}) {
    this.options = InitiatorOptions.parse(options);
  }

  /** A new tentative state from one radar detection, or undefined if the detection has no range. */
  initiate(sensor: Sensor, detection: Detection, dim: 6 | 7): TrackState | undefined {
    if (sensor.kind !== "radar" || detection.rangeM === undefined) return undefined;
    const rho = detection.rangeM;
    const sa = Math.sin(detection.azimuthRad);
    const ca = Math.cos(detection.azimuthRad);
    const se = Math.sin(detection.elevationRad);
    const ce = Math.cos(detection.elevationRad);
    const los = [sa * ce, ca * ce, se];
    const pos = enuToEcef([rho * sa * ce, rho * ca * ce, rho * se], sensor.position);
    // ∂enu/∂(ρ, az, el) by column, each rotated to ECEF with the transposed ENU basis.
    const [e, n, u] = enuBasis(sensor.position);
    const toEcef = (v: Vec3): Vec3 => [
      e[0] * v[0] + n[0] * v[1] + u[0] * v[2],
      e[1] * v[0] + n[1] * v[1] + u[1] * v[2],
      e[2] * v[0] + n[2] * v[1] + u[2] * v[2],
    ];
    const cols: Vec3[] = [
      toEcef([sa * ce, ca * ce, se]),
      toEcef([rho * ca * ce, -rho * sa * ce, 0]),
      toEcef([-rho * sa * se, -rho * ca * se, rho * ce]),
    ];
    const variances = [sensor.sigmaRangeM ** 2, sensor.sigmaAzimuthRad ** 2, sensor.sigmaElevationRad ** 2];
    const losEcef = toEcef([los[0] ?? 0, los[1] ?? 0, los[2] ?? 0]);
    const x = new Float64Array(dim);
    const P = new Float64Array(dim * dim);
    x.set(pos);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 3; k++) {
          const col = cols[k] as Vec3;
          s += (col[r] as number) * (col[c] as number) * (variances[k] as number);
        }
        P[r * dim + c] = s;
      }
    }
    const sv2 = this.options.velocitySigmaMps ** 2;
    const rr = detection.rangeRateMps;
    // The range rate is the velocity along the true line of sight; the state puts it along the measured
    // one. The two differ by the angle errors, so the velocity along the measured line of sight is off by
    // (angle error) × (velocity across the line of sight): a product of two unknowns, zero at the means,
    // so a linearisation there drops it. Its variance is σ_across² (cos² el σ_az² + σ_el²), added to the
    // range rate's own. With a precise range rate (1 m/s), 0.3 mrad angles and 3 km/s across, it is 1.6
    // m²/s² against 1: without it, tracks begun on the way down read 20 % optimistic at confirmation.
    const srr2 =
      sensor.sigmaRangeRateMps === undefined
        ? sv2
        : sensor.sigmaRangeRateMps ** 2 +
          sv2 * (ce * ce * sensor.sigmaAzimuthRad ** 2 + sensor.sigmaElevationRad ** 2);
    for (let r = 0; r < 3; r++) {
      const lr = losEcef[r] ?? 0;
      if (rr !== undefined) x[3 + r] = rr * lr;
      for (let c = 0; c < 3; c++) {
        const lc = losEcef[c] ?? 0;
        // Isotropic across the line of sight; the range-rate sigma along it when measured.
        const along = rr !== undefined ? srr2 : sv2;
        P[(3 + r) * dim + 3 + c] = sv2 * ((r === c ? 1 : 0) - lr * lc) + along * lr * lc;
      }
    }
    if (dim === 7) {
      x[6] = this.options.invBetaMean;
      P[48] = this.options.invBetaSigma ** 2;
    }
    return trackState(detection.t, dim, x, P, { kind: "initiated", sensorId: sensor.id });
  }

  /**
   * Records one more opportunity (hit or miss) in a track's window (most recent last, trimmed to N)
   * and returns the verdict for a tentative track.
   */
  record(window: boolean[], hit: boolean): InitiationVerdict {
    window.push(hit);
    if (window.length > this.options.n) window.splice(0, window.length - this.options.n);
    const hits = window.reduce((s, h) => s + (h ? 1 : 0), 0);
    if (hits >= this.options.m) return "confirmed";
    const misses = window.length - hits;
    return misses > this.options.n - this.options.m ? "rejected" : "tentative";
  }
}
