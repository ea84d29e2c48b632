/**
 * Sensor simulation: turns truth flights into detections in the shared `Detection` format. Each sensor
 * scans at its update interval (with a seeded random phase); for every truth object it checks the line of
 * sight (the WGS-84 ellipsoid blocks it), the field of regard (azimuth sector and elevation band in the
 * sensor's local ENU frame, which handles Earth curvature), the maximum range (radar) or the boost phase
 * (space IR), then draws detection with probability Pd and adds Gaussian noise with the sensor's sigmas.
 * False alarms per scan are Poisson, spread uniformly over the field of regard and range. Which object
 * (or false alarm) produced each detection is returned beside the detections, never inside them.
 */
import { ecefToEnu, type Geodetic, geodeticToEcef, type Vec3, WGS84_A, WGS84_B } from "../geo/earth.ts";
import type { Detection, MeasurementsFile, Sensor } from "../model/sensing.ts";
import type { FlightPhase, FlightSample } from "./flight.ts";
import { createRandom, hashSeed, type Random } from "./rng.ts";

/** What the sensor model needs of a truth object (a `FlightObject` fits). */
export interface TruthTrack {
  objectId: string;
  samples: readonly FlightSample[];
  /** Unix time the motor stopped; space IR sees the object only up to here. */
  burnoutT: number;
}

/** Where a detection came from: a truth object or a false alarm. */
export type DetectionSource = { kind: "object"; objectId: string } | { kind: "false-alarm" };

/** Truth about one detection, for evaluation only. */
export interface DetectionTruth {
  source: DetectionSource;
  /** When the tracker receives it: observation time plus the sensor's latency (Unix s). */
  deliverAtS: number;
}

/** Detections in delivery order and, index for index, their truth. */
export interface SensorRun {
  detections: Detection[];
  truth: DetectionTruth[];
}

/** The time window to scan (Unix s) and the seed. */
export interface SensorRunOptions {
  startS: number;
  endS: number;
  seed: number;
}

const TWO_PI = 2 * Math.PI;
const DEG = Math.PI / 180;
const wrapTwoPi = (a: number): number => ((a % TWO_PI) + TWO_PI) % TWO_PI;

/** Truth state at time t by cubic Hermite interpolation of position and velocity; null outside the track. */
export function stateAt(
  track: TruthTrack,
  t: number,
): { positionEcef: Vec3; velocityEcef: Vec3; phase: FlightPhase } | null {
  const s = track.samples;
  const first = s[0];
  const last = s[s.length - 1];
  if (!first || !last || t < first.t || t > last.t) return null;
  let lo = 0;
  let hi = s.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((s[mid] as FlightSample).t <= t) lo = mid;
    else hi = mid;
  }
  const a = s[lo] as FlightSample;
  const b = s[hi] as FlightSample;
  const h = b.t - a.t;
  const u = h > 0 ? (t - a.t) / h : 0;
  const h00 = 2 * u ** 3 - 3 * u ** 2 + 1;
  const h10 = u ** 3 - 2 * u ** 2 + u;
  const h01 = -2 * u ** 3 + 3 * u ** 2;
  const h11 = u ** 3 - u ** 2;
  const d00 = (6 * u ** 2 - 6 * u) / (h || 1);
  const d10 = 3 * u ** 2 - 4 * u + 1;
  const d01 = (-6 * u ** 2 + 6 * u) / (h || 1);
  const d11 = 3 * u ** 2 - 2 * u;
  const p: Vec3 = [0, 0, 0];
  const v: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const pa = a.positionEcef[i] as number;
    const pb = b.positionEcef[i] as number;
    const va = a.velocityEcef[i] as number;
    const vb = b.velocityEcef[i] as number;
    p[i] = h00 * pa + h10 * h * va + h01 * pb + h11 * h * vb;
    v[i] = d00 * pa + d10 * va + d01 * pb + d11 * vb;
  }
  // Boost lasts exactly until burnout; otherwise take the nearer sample's phase.
  let phase: FlightPhase = u < 0.5 ? a.phase : b.phase;
  if (phase === "boost" && t > track.burnoutT) phase = "coast";
  if (a.phase === "boost" && t <= track.burnoutT) phase = "boost";
  return { positionEcef: p, velocityEcef: v, phase };
}

/** True when the straight segment between two ECEF points does not pass through the WGS-84 ellipsoid. */
export function lineOfSightClear(from: Vec3, to: Vec3): boolean {
  // Scale z so the ellipsoid becomes a sphere of radius a, then intersect the segment with it.
  const k = WGS84_A / WGS84_B;
  const ax = from[0];
  const ay = from[1];
  const az = from[2] * k;
  const dx = to[0] - ax;
  const dy = to[1] - ay;
  const dz = to[2] * k - az;
  const qa = dx * dx + dy * dy + dz * dz;
  if (qa === 0) return true;
  const qb = 2 * (ax * dx + ay * dy + az * dz);
  const qc = ax * ax + ay * ay + az * az - WGS84_A * WGS84_A;
  const disc = qb * qb - 4 * qa * qc;
  if (disc <= 0) return true;
  const sq = Math.sqrt(disc);
  const s1 = (-qb - sq) / (2 * qa);
  const s2 = (-qb + sq) / (2 * qa);
  // Blocked only if the chord through the Earth lies strictly inside the segment (grazing ends allowed).
  const eps = 1e-6;
  return !(s2 > eps && s1 < 1 - eps && s2 - s1 > eps);
}

/** Noise-free range (m), azimuth and elevation (rad, local ENU) and range rate (m/s) from a sensor. */
export function observe(
  sensorPos: Geodetic,
  sensorEcef: Vec3,
  target: Vec3,
  targetVel: Vec3,
): { rangeM: number; azimuthRad: number; elevationRad: number; rangeRateMps: number } {
  const [e, n, u] = ecefToEnu(target, sensorPos, sensorEcef);
  const rangeM = Math.hypot(e, n, u);
  const dx = target[0] - sensorEcef[0];
  const dy = target[1] - sensorEcef[1];
  const dz = target[2] - sensorEcef[2];
  return {
    rangeM,
    azimuthRad: wrapTwoPi(Math.atan2(e, n)),
    elevationRad: Math.asin(Math.max(-1, Math.min(1, u / rangeM))),
    // The sensor is fixed in ECEF (ships are treated as stationary over a flight).
    rangeRateMps: (dx * targetVel[0] + dy * targetVel[1] + dz * targetVel[2]) / rangeM,
  };
}

/** True when azimuth and elevation (rad) fall inside the sensor's field of regard. */
export function inFieldOfRegard(sensor: Sensor, azimuthRad: number, elevationRad: number): boolean {
  const f = sensor.fieldOfRegard;
  const off = Math.abs(((((azimuthRad / DEG - f.azimuthCentreDeg) % 360) + 540) % 360) - 180);
  return (
    off <= f.azimuthHalfWidthDeg &&
    elevationRad >= f.minElevationDeg * DEG &&
    elevationRad <= f.maxElevationDeg * DEG
  );
}

/** Simulates every sensor over the window; reproducible for a seed, each sensor on its own stream. */
export function simulateDetections(
  sensors: readonly Sensor[],
  objects: readonly TruthTrack[],
  options: SensorRunOptions,
): SensorRun {
  const rows: { d: Detection; truth: DetectionTruth }[] = [];
  for (const sensor of sensors) {
    const rng = createRandom(hashSeed(options.seed, sensor.id));
    const sensorEcef = geodeticToEcef(sensor.position);
    const emit = (d: Detection, source: DetectionSource): void => {
      rows.push({ d, truth: { source, deliverAtS: d.t + sensor.latencyS } });
    };
    for (
      let t = options.startS + rng.uniform() * sensor.updateIntervalS;
      t <= options.endS;
      t += sensor.updateIntervalS
    ) {
      for (const obj of objects) {
        const st = stateAt(obj, t);
        if (!st) continue;
        if (sensor.kind === "space-ir" && sensor.boostOnly && st.phase !== "boost") continue;
        const g = observe(sensor.position, sensorEcef, st.positionEcef, st.velocityEcef);
        if (sensor.kind === "radar" && g.rangeM > sensor.maxRangeM) continue;
        if (!inFieldOfRegard(sensor, g.azimuthRad, g.elevationRad)) continue;
        if (!lineOfSightClear(sensorEcef, st.positionEcef)) continue;
        if (rng.uniform() >= sensor.detectionProbability) continue;
        emit(noisy(sensor, t, g, rng), { kind: "object", objectId: obj.objectId });
      }
      const falseAlarms = rng.poisson(sensor.falseAlarmsPerScan);
      for (let i = 0; i < falseAlarms; i++) emit(falseAlarm(sensor, t, rng), { kind: "false-alarm" });
    }
  }
  rows.sort(
    (x, y) =>
      x.truth.deliverAtS - y.truth.deliverAtS || x.d.t - y.d.t || (x.d.sensorId < y.d.sensorId ? -1 : 1),
  );
  return { detections: rows.map((r) => r.d), truth: rows.map((r) => r.truth) };
}

function noisy(
  sensor: Sensor,
  t: number,
  g: { rangeM: number; azimuthRad: number; elevationRad: number; rangeRateMps: number },
  rng: Random,
): Detection {
  const d: Detection = {
    sensorId: sensor.id,
    t,
    azimuthRad: wrapTwoPi(g.azimuthRad + sensor.sigmaAzimuthRad * rng.gaussian()),
    elevationRad: Math.max(
      -Math.PI / 2,
      Math.min(Math.PI / 2, g.elevationRad + sensor.sigmaElevationRad * rng.gaussian()),
    ),
  };
  if (sensor.kind === "radar") {
    d.rangeM = Math.max(1, g.rangeM + sensor.sigmaRangeM * rng.gaussian());
    if (sensor.sigmaRangeRateMps !== undefined) {
      d.rangeRateMps = g.rangeRateMps + sensor.sigmaRangeRateMps * rng.gaussian();
    }
  }
  return d;
}

function falseAlarm(sensor: Sensor, t: number, rng: Random): Detection {
  const f = sensor.fieldOfRegard;
  const az = (f.azimuthCentreDeg + (2 * rng.uniform() - 1) * f.azimuthHalfWidthDeg) * DEG;
  const el = (f.minElevationDeg + rng.uniform() * (f.maxElevationDeg - f.minElevationDeg)) * DEG;
  const d: Detection = { sensorId: sensor.id, t, azimuthRad: wrapTwoPi(az), elevationRad: el };
  if (sensor.kind === "radar") {
    d.rangeM = Math.max(1, rng.uniform() * sensor.maxRangeM);
    // Clutter has no coherent motion: a uniform spread over plausible closing speeds.
    if (sensor.sigmaRangeRateMps !== undefined) d.rangeRateMps = (2 * rng.uniform() - 1) * 7000;
  }
  return d;
}

/** The measurements file for a run: detections re-ordered by observation time, as the format requires. */
export function toMeasurementsFile(sensors: readonly Sensor[], run: SensorRun): MeasurementsFile {
  const detections = [...run.detections].sort((a, b) => a.t - b.t || (a.sensorId < b.sensorId ? -1 : 1));
  return { format: "triwatch-measurements/1", sensors: [...sensors], detections };
}
