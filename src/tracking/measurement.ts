/**
 * Measurement models: from an ECEF state to what a sensor reports in its local East-North-Up frame.
 *
 * Radar: [range (m), azimuth, elevation (rad), range rate (m/s, optional)]; space IR line of sight:
 * [azimuth, elevation]. Azimuth is clockwise from north in [0, 2π); residuals in azimuth are wrapped to
 * (−π, π] so a target crossing north does not jump by 2π. Sensors are fixed in ECEF (ground sites, a
 * ship at a stated position, geostationary satellites), so range rate is the ECEF line-of-sight rate.
 * Azimuth is singular straight overhead (or, for a satellite, straight below); the Jacobian guards it.
 */
import { enuBasis, geodeticToEcef, type Vec3 } from "../geo/earth.ts";
import type { Detection, Sensor } from "../model/sensing.ts";

const TWO_PI = 2 * Math.PI;

/** Wraps an angle difference to (−π, π]. */
export function wrapToPi(a: number): number {
  let r = a % TWO_PI;
  if (r <= -Math.PI) r += TWO_PI;
  else if (r > Math.PI) r -= TWO_PI;
  return r;
}

/** Wraps an angle to [0, 2π). */
export function wrapTo2Pi(a: number): number {
  const r = a % TWO_PI;
  return r < 0 ? r + TWO_PI : r;
}

/** A sensor's view of a state: predicted measurement, Jacobian, residual with angle wrapping, noise. */
export interface MeasurementModel {
  /** The sensor this model belongs to. */
  readonly sensorId: string;
  /** Measurement dimension. */
  readonly dim: number;
  /** Index of the azimuth component (wrapped in residuals and means). */
  readonly azimuthIndex: number;
  /** Measurement noise covariance R (dim×dim, row-major). */
  readonly noise: Float64Array;
  /** Predicted measurement h(x) of an ECEF state (first 6 elements used), into `out`. */
  measure(x: Float64Array, out: Float64Array): Float64Array;
  /** Jacobian ∂h/∂x (dim × stateDim), into `out`; columns beyond the 6 kinematic states are zero. */
  jacobian(x: Float64Array, stateDim: number, out: Float64Array): Float64Array;
  /** Residual z − zPred with the azimuth wrapped to (−π, π], into `out` (may alias z). */
  residual(z: Float64Array, zPred: Float64Array, out: Float64Array): Float64Array;
  /** The detection as a measurement vector of this model, into `out`. */
  vectorOf(detection: Detection, out: Float64Array): Float64Array;
}

/** Geometry shared by the radar and line-of-sight models: site ECEF position and ENU rotation. */
abstract class SiteGeometry {
  protected readonly site: Vec3;
  /** ENU rotation rows [e, n, u] flattened (3×3). */
  protected readonly rot: Float64Array;
  protected readonly enu: Float64Array = new Float64Array(3);
  protected readonly d: Float64Array = new Float64Array(3);

  protected constructor(sensor: Sensor) {
    this.site = geodeticToEcef(sensor.position);
    this.rot = Float64Array.from(enuBasis(sensor.position).flat());
  }

  /** Fills `d` (ECEF line of sight) and `enu` from a state; returns the slant range. */
  protected geometry(x: Float64Array): number {
    const d = this.d;
    d[0] = (x[0] as number) - this.site[0];
    d[1] = (x[1] as number) - this.site[1];
    d[2] = (x[2] as number) - this.site[2];
    const rot = this.rot;
    for (let i = 0; i < 3; i++) {
      this.enu[i] =
        (rot[i * 3] as number) * (d[0] as number) +
        (rot[i * 3 + 1] as number) * (d[1] as number) +
        (rot[i * 3 + 2] as number) * (d[2] as number);
    }
    const dx = d[0] as number;
    const dy = d[1] as number;
    const dz = d[2] as number;
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /** Writes ∂az/∂r and ∂el/∂r (ECEF) into rows `azRow` and `azRow+1` of `out` (row stride `cols`). */
  protected angleJacobian(rho: number, out: Float64Array, azRow: number, cols: number): void {
    const e = this.enu[0] as number;
    const n = this.enu[1] as number;
    const u = this.enu[2] as number;
    const h2 = Math.max(e * e + n * n, 1e-12 * rho * rho);
    const h = Math.sqrt(h2);
    const r2 = rho * rho;
    // In ENU: ∂az = [n, −e, 0]/h²; ∂el = [−e·u, −n·u, h²]/(ρ²·h); then through the rotation.
    const az0 = n / h2;
    const az1 = -e / h2;
    const el0 = (-e * u) / (r2 * h);
    const el1 = (-n * u) / (r2 * h);
    const el2 = h / r2;
    const rot = this.rot;
    for (let j = 0; j < 3; j++) {
      const r0 = rot[j] as number;
      const r1 = rot[3 + j] as number;
      const r2j = rot[6 + j] as number;
      out[azRow * cols + j] = az0 * r0 + az1 * r1;
      out[(azRow + 1) * cols + j] = el0 * r0 + el1 * r1 + el2 * r2j;
    }
  }

  /** Azimuth (clockwise from north, [0, 2π)) of the current `enu`. */
  protected azimuth(): number {
    return wrapTo2Pi(Math.atan2(this.enu[0] as number, this.enu[1] as number));
  }

  /** Elevation of the current `enu`. */
  protected elevation(): number {
    const e = this.enu[0] as number;
    const n = this.enu[1] as number;
    return Math.atan2(this.enu[2] as number, Math.sqrt(e * e + n * n));
  }
}

/** Radar: range, azimuth, elevation and, when `withRangeRate`, range rate. */
export class RadarMeasurementModel extends SiteGeometry implements MeasurementModel {
  /** The sensor this model belongs to. */
  readonly sensorId: string;
  /** 3, or 4 with range rate. */
  readonly dim: number;
  /** Azimuth is the second component. */
  readonly azimuthIndex = 1;
  /** Diagonal noise covariance from the sensor's sigmas. */
  readonly noise: Float64Array;
  private readonly withRangeRate: boolean;

  /** Builds the model for a radar; range rate requires the sensor to state its sigma. */
  constructor(sensor: Sensor & { kind: "radar" }, withRangeRate: boolean) {
    super(sensor);
    if (withRangeRate && sensor.sigmaRangeRateMps === undefined) {
      throw new Error(`radar ${sensor.id} has no sigmaRangeRateMps, cannot use range rate`);
    }
    this.sensorId = sensor.id;
    this.withRangeRate = withRangeRate;
    this.dim = withRangeRate ? 4 : 3;
    const sig = [sensor.sigmaRangeM, sensor.sigmaAzimuthRad, sensor.sigmaElevationRad];
    if (withRangeRate) sig.push(sensor.sigmaRangeRateMps ?? 0);
    this.noise = new Float64Array(this.dim * this.dim);
    sig.forEach((s, i) => {
      this.noise[i * this.dim + i] = s * s;
    });
  }

  /** Predicted [range, az, el, (range rate)]. */
  measure(x: Float64Array, out: Float64Array): Float64Array {
    const rho = this.geometry(x);
    out[0] = rho;
    out[1] = this.azimuth();
    out[2] = this.elevation();
    if (this.withRangeRate) out[3] = this.rangeRate(x, rho);
    return out;
  }

  private rangeRate(x: Float64Array, rho: number): number {
    const d = this.d;
    return (
      ((d[0] as number) * (x[3] as number) +
        (d[1] as number) * (x[4] as number) +
        (d[2] as number) * (x[5] as number)) /
      rho
    );
  }

  /** ∂h/∂x, dim × stateDim. */
  jacobian(x: Float64Array, stateDim: number, out: Float64Array): Float64Array {
    out.fill(0);
    const rho = this.geometry(x);
    const d = this.d;
    for (let j = 0; j < 3; j++) out[j] = (d[j] as number) / rho;
    this.angleJacobian(rho, out, 1, stateDim);
    if (this.withRangeRate) {
      const rr = this.rangeRate(x, rho);
      for (let j = 0; j < 3; j++) {
        const dj = (d[j] as number) / rho;
        out[3 * stateDim + j] = ((x[3 + j] as number) - rr * dj) / rho;
        out[3 * stateDim + 3 + j] = dj;
      }
    }
    return out;
  }

  /** z − zPred with the azimuth wrapped. */
  residual(z: Float64Array, zPred: Float64Array, out: Float64Array): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = (z[i] as number) - (zPred[i] as number);
    out[1] = wrapToPi(out[1] as number);
    return out;
  }

  /** [range, az, el, (range rate)] of a detection; throws if a needed component is missing. */
  vectorOf(detection: Detection, out: Float64Array): Float64Array {
    if (detection.rangeM === undefined) throw new Error(`radar detection from ${this.sensorId} has no range`);
    out[0] = detection.rangeM;
    out[1] = detection.azimuthRad;
    out[2] = detection.elevationRad;
    if (this.withRangeRate) {
      if (detection.rangeRateMps === undefined)
        throw new Error(`detection from ${this.sensorId} has no range rate`);
      out[3] = detection.rangeRateMps;
    }
    return out;
  }
}

/** Line of sight (space IR, or a radar used angle-only): azimuth and elevation. */
export class LineOfSightMeasurementModel extends SiteGeometry implements MeasurementModel {
  /** The sensor this model belongs to. */
  readonly sensorId: string;
  /** Always 2. */
  readonly dim = 2;
  /** Azimuth is the first component. */
  readonly azimuthIndex = 0;
  /** Diagonal noise covariance from the sensor's angle sigmas. */
  readonly noise: Float64Array;

  /** Builds the model for any sensor, using its angle sigmas. */
  constructor(sensor: Sensor) {
    super(sensor);
    this.sensorId = sensor.id;
    this.noise = Float64Array.from([sensor.sigmaAzimuthRad ** 2, 0, 0, sensor.sigmaElevationRad ** 2]);
  }

  /** Predicted [az, el]. */
  measure(x: Float64Array, out: Float64Array): Float64Array {
    this.geometry(x);
    out[0] = this.azimuth();
    out[1] = this.elevation();
    return out;
  }

  /** ∂h/∂x, 2 × stateDim. */
  jacobian(x: Float64Array, stateDim: number, out: Float64Array): Float64Array {
    out.fill(0);
    const rho = this.geometry(x);
    this.angleJacobian(rho, out, 0, stateDim);
    return out;
  }

  /** z − zPred with the azimuth wrapped. */
  residual(z: Float64Array, zPred: Float64Array, out: Float64Array): Float64Array {
    out[0] = wrapToPi((z[0] as number) - (zPred[0] as number));
    out[1] = (z[1] as number) - (zPred[1] as number);
    return out;
  }

  /** [az, el] of a detection. */
  vectorOf(detection: Detection, out: Float64Array): Float64Array {
    out[0] = detection.azimuthRad;
    out[1] = detection.elevationRad;
    return out;
  }
}

/** The measurement models of one sensor: the full one and, for radars with range rate, the 3-D one. */
export interface SensorModels {
  /** The sensor. */
  readonly sensor: Sensor;
  /** Model for a detection, by whether it carries range rate (radar) — LOS sensors ignore it. */
  forDetection(detection: Detection): MeasurementModel;
}

/** Builds the measurement models for a sensor. */
export function sensorModels(sensor: Sensor): SensorModels {
  if (sensor.kind === "space-ir") {
    const los = new LineOfSightMeasurementModel(sensor);
    return { sensor, forDetection: () => los };
  }
  const plain = new RadarMeasurementModel(sensor, false);
  const doppler = sensor.sigmaRangeRateMps === undefined ? plain : new RadarMeasurementModel(sensor, true);
  return {
    sensor,
    forDetection: (d) => (d.rangeRateMps === undefined ? plain : doppler),
  };
}

/**
 * Whether a predicted measurement lies in a sensor's field of regard (and, for a radar, within its
 * maximum range): only then does a missed detection count against a track.
 */
export function inFieldOfRegard(sensor: Sensor, rangeM: number | undefined, az: number, el: number): boolean {
  const f = sensor.fieldOfRegard;
  if (sensor.kind === "radar" && rangeM !== undefined && rangeM > sensor.maxRangeM) return false;
  const elDeg = (el * 180) / Math.PI;
  if (elDeg < f.minElevationDeg || elDeg > f.maxElevationDeg) return false;
  const off = Math.abs(wrapToPi(az - (f.azimuthCentreDeg * Math.PI) / 180));
  return off <= (f.azimuthHalfWidthDeg * Math.PI) / 180 + 1e-12;
}
