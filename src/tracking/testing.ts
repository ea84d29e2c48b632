/**
 * Fixtures for tests and benchmarks (no dependency on src/sim): a seeded random generator with
 * Gaussian draws, so every run sees the same noise, and made-up test sensors.
 */
import { enuBasis, geodeticToEcef } from "../geo/earth.ts";
import { mulberry32 } from "../model/random.ts";
import { type Detection, InfraredSensor, RadarSensor } from "../model/sensing.ts";
import { RadarMeasurementModel, wrapTo2Pi } from "./measurement.ts";

/** A seeded source of uniform and Gaussian random numbers. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  gaussian(): number;
}

/** Returns a mulberry32-based generator with a Box–Muller Gaussian. */
export function seededRandom(seed: number): SeededRandom {
  let spare: number | undefined;
  const uniform = mulberry32(seed);
  const gaussian = (): number => {
    if (spare !== undefined) {
      const g = spare;
      spare = undefined;
      return g;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, gaussian };
}

/** A test radar (not a real site's figures): all-round, 3,000 km, 50 m / 1 mrad / 5 m/s. */
export function testRadar(
  id: string,
  latDeg: number,
  lonDeg: number,
  extra: Partial<RadarSensor> = {},
): RadarSensor {
  return RadarSensor.parse({
    id,
    name: `test radar ${id}`,
    nation: "JPN",
    node: "test",
    kind: "radar",
    position: { latDeg, lonDeg, heightM: 20 },
    updateIntervalS: 5,
    detectionProbability: 1,
    falseAlarmsPerScan: 0,
    fieldOfRegard: { azimuthCentreDeg: 0, azimuthHalfWidthDeg: 180, minElevationDeg: 0, maxElevationDeg: 90 },
    maxRangeM: 3_000_000,
    sigmaRangeM: 50,
    sigmaAzimuthRad: 1e-3,
    sigmaElevationRad: 1e-3,
    sigmaRangeRateMps: 5,
    ...extra,
  });
}

/** A test geostationary IR sensor over a given longitude (angles only, 50 µrad). */
export function testInfrared(id: string, lonDeg: number): InfraredSensor {
  return InfraredSensor.parse({
    id,
    name: `test IR ${id}`,
    nation: "USA",
    node: "test",
    kind: "space-ir",
    position: { latDeg: 0, lonDeg, heightM: 35_786_000 },
    updateIntervalS: 10,
    detectionProbability: 1,
    falseAlarmsPerScan: 0,
    fieldOfRegard: {
      azimuthCentreDeg: 0,
      azimuthHalfWidthDeg: 180,
      minElevationDeg: -90,
      maxElevationDeg: 0,
    },
    sigmaAzimuthRad: 5e-5,
    sigmaElevationRad: 5e-5,
  });
}

/** An ECEF coast state at a geodetic point with a velocity given in local east/north/up (m/s). */
export function coastState(
  latDeg: number,
  lonDeg: number,
  heightM: number,
  east: number,
  north: number,
  up: number,
): Float64Array {
  const r = geodeticToEcef({ latDeg, lonDeg, heightM });
  const [e, n, u] = enuBasis({ latDeg, lonDeg, heightM });
  const v = [
    east * e[0] + north * n[0] + up * u[0],
    east * e[1] + north * n[1] + up * u[1],
    east * e[2] + north * n[2] + up * u[2],
  ];
  return Float64Array.from([...r, ...v]);
}

/** Noisy radar detection of a true state (no false alarms, no misses). */
export function radarDetection(
  sensor: RadarSensor,
  x: Float64Array,
  t: number,
  rng: SeededRandom,
): Detection {
  const model = new RadarMeasurementModel(sensor, sensor.sigmaRangeRateMps !== undefined);
  const z = model.measure(x, new Float64Array(4));
  const d: Detection = {
    sensorId: sensor.id,
    t,
    rangeM: (z[0] as number) + sensor.sigmaRangeM * rng.gaussian(),
    azimuthRad: wrapTo2Pi((z[1] as number) + sensor.sigmaAzimuthRad * rng.gaussian()),
    elevationRad: (z[2] as number) + sensor.sigmaElevationRad * rng.gaussian(),
  };
  if (sensor.sigmaRangeRateMps !== undefined)
    d.rangeRateMps = (z[3] as number) + sensor.sigmaRangeRateMps * rng.gaussian();
  return d;
}

/** A false alarm uniform in range (100 km to max), azimuth (all round) and elevation (0–60°). */
export function falseAlarm(sensor: RadarSensor, t: number, rng: SeededRandom): Detection {
  const d: Detection = {
    sensorId: sensor.id,
    t,
    rangeM: 100_000 + rng.uniform() * (sensor.maxRangeM - 100_000),
    azimuthRad: rng.uniform() * 2 * Math.PI,
    elevationRad: (rng.uniform() * Math.PI) / 3,
  };
  if (sensor.sigmaRangeRateMps !== undefined) d.rangeRateMps = (rng.uniform() - 0.5) * 6000;
  return d;
}
