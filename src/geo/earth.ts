/**
 * The Earth model shared by the flight generator (truth) and the trackers: WGS-84 ellipsoid, Earth
 * rotation, J2 gravity, conversions between geodetic, ECEF and local ENU frames.
 *
 * Conventions: angles in radians unless a name ends in `Deg`; distances in metres; time in seconds.
 * ECEF vectors are `Vec3` tuples [x, y, z]. Pure functions, no I/O.
 */

/** A 3-vector in metres (or m/s, m/s²) in the frame named by the caller. */
export type Vec3 = [number, number, number];

/** WGS-84 semi-major axis (m). NIMA TR8350.2 Table 3.1. */
export const WGS84_A = 6378137.0;
/** WGS-84 flattening. NIMA TR8350.2 Table 3.1. */
export const WGS84_F = 1 / 298.257223563;
/** WGS-84 semi-minor axis (m). */
export const WGS84_B = WGS84_A * (1 - WGS84_F);
/** First eccentricity squared. */
export const WGS84_E2 = WGS84_F * (2 - WGS84_F);
/** Earth's gravitational constant GM (m³/s²), WGS-84 with atmosphere. */
export const WGS84_GM = 3.986004418e14;
/** Earth's angular velocity (rad/s), WGS-84. */
export const OMEGA_EARTH = 7.292115e-5;
/** Second zonal harmonic J2 (unnormalised), WGS-84 (C̄20 = -4.84166774985e-4 × √5). */
export const J2 = 1.08262982131e-3;

const DEG = Math.PI / 180;

/** Geodetic position: latitude and longitude in degrees, height above the ellipsoid in metres. */
export interface Geodetic {
  latDeg: number;
  lonDeg: number;
  heightM: number;
}

/** Converts geodetic coordinates to ECEF (m). */
export function geodeticToEcef(p: Geodetic): Vec3 {
  const lat = p.latDeg * DEG;
  const lon = p.lonDeg * DEG;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
  return [
    (n + p.heightM) * cosLat * Math.cos(lon),
    (n + p.heightM) * cosLat * Math.sin(lon),
    (n * (1 - WGS84_E2) + p.heightM) * sinLat,
  ];
}

/**
 * Converts ECEF (m) to geodetic coordinates. Bowring's method with two refinements: sub-millimetre
 * from the surface out to lunar distance, which covers every trajectory here.
 */
export function ecefToGeodetic(r: Vec3): Geodetic {
  const [x, y, z] = r;
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  if (p < 1e-9) {
    return { latDeg: z >= 0 ? 90 : -90, lonDeg: 0, heightM: Math.abs(z) - WGS84_B };
  }
  const ep2 = (WGS84_A * WGS84_A - WGS84_B * WGS84_B) / (WGS84_B * WGS84_B);
  let beta = Math.atan2(z * WGS84_A, p * WGS84_B);
  let lat = 0;
  for (let i = 0; i < 3; i++) {
    const sb = Math.sin(beta);
    const cb = Math.cos(beta);
    lat = Math.atan2(z + ep2 * WGS84_B * sb * sb * sb, p - WGS84_E2 * WGS84_A * cb * cb * cb);
    beta = Math.atan2(WGS84_B * Math.sin(lat), WGS84_A * Math.cos(lat));
  }
  const sinLat = Math.sin(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
  const cosLat = Math.cos(lat);
  const h = Math.abs(cosLat) > 1e-10 ? p / cosLat - n : Math.abs(z) / Math.abs(sinLat) - n * (1 - WGS84_E2);
  return { latDeg: lat / DEG, lonDeg: lon / DEG, heightM: h };
}

/**
 * Rotation from ECEF to the local East-North-Up frame at a geodetic origin, as three row vectors
 * [east, north, up]: enu = R · (r − origin).
 */
export function enuBasis(origin: Geodetic): [Vec3, Vec3, Vec3] {
  const lat = origin.latDeg * DEG;
  const lon = origin.lonDeg * DEG;
  const sl = Math.sin(lat);
  const cl = Math.cos(lat);
  const so = Math.sin(lon);
  const co = Math.cos(lon);
  return [
    [-so, co, 0],
    [-sl * co, -sl * so, cl],
    [cl * co, cl * so, sl],
  ];
}

/** ECEF point to ENU coordinates relative to an origin (m). */
export function ecefToEnu(r: Vec3, origin: Geodetic, originEcef: Vec3 = geodeticToEcef(origin)): Vec3 {
  const [e, n, u] = enuBasis(origin);
  const dx = r[0] - originEcef[0];
  const dy = r[1] - originEcef[1];
  const dz = r[2] - originEcef[2];
  return [
    e[0] * dx + e[1] * dy + e[2] * dz,
    n[0] * dx + n[1] * dy + n[2] * dz,
    u[0] * dx + u[1] * dy + u[2] * dz,
  ];
}

/** ENU coordinates relative to an origin back to ECEF (m). */
export function enuToEcef(enu: Vec3, origin: Geodetic, originEcef: Vec3 = geodeticToEcef(origin)): Vec3 {
  const [e, n, u] = enuBasis(origin);
  return [
    originEcef[0] + e[0] * enu[0] + n[0] * enu[1] + u[0] * enu[2],
    originEcef[1] + e[1] * enu[0] + n[1] * enu[1] + u[1] * enu[2],
    originEcef[2] + e[2] * enu[0] + n[2] * enu[1] + u[2] * enu[2],
  ];
}

/**
 * Gravitational acceleration (point mass + J2) at an ECEF position, written into `out` (m/s²).
 * Does not include the centrifugal or Coriolis terms of the rotating frame: see `ecefAcceleration`.
 */
export function gravityJ2(r: Vec3, out: Vec3 = [0, 0, 0]): Vec3 {
  const [x, y, z] = r;
  const r2 = x * x + y * y + z * z;
  const rn = Math.sqrt(r2);
  const r3 = r2 * rn;
  const k = (1.5 * J2 * WGS84_A * WGS84_A) / r2;
  const zr2 = (5 * z * z) / r2;
  const g = -WGS84_GM / r3;
  out[0] = g * x * (1 + k * (1 - zr2));
  out[1] = g * y * (1 + k * (1 - zr2));
  out[2] = g * z * (1 + k * (3 - zr2));
  return out;
}

/**
 * Acceleration of a free body in the rotating ECEF frame: J2 gravity, centrifugal and Coriolis terms,
 * plus an optional specific force `extra` (thrust, drag) already expressed in ECEF (m/s²).
 */
export function ecefAcceleration(r: Vec3, v: Vec3, extra?: Vec3, out: Vec3 = [0, 0, 0]): Vec3 {
  gravityJ2(r, out);
  const w2 = OMEGA_EARTH * OMEGA_EARTH;
  out[0] += w2 * r[0] + 2 * OMEGA_EARTH * v[1];
  out[1] += w2 * r[1] - 2 * OMEGA_EARTH * v[0];
  if (extra) {
    out[0] += extra[0];
    out[1] += extra[1];
    out[2] += extra[2];
  }
  return out;
}

/** Sea-level density (kg/m³) of the exponential atmosphere, US Standard Atmosphere 1976. */
export const RHO0 = 1.225;
/** Scale height (m) of the exponential atmosphere; a labelled approximation, not a standard value. */
export const SCALE_HEIGHT = 7200;

/** Air density (kg/m³) at a height above the ellipsoid, exponential model; zero above 200 km. */
export function airDensity(heightM: number): number {
  if (heightM > 200_000) return 0;
  return RHO0 * Math.exp(-Math.max(heightM, 0) / SCALE_HEIGHT);
}

/** Euclidean norm of a vector. */
export function norm(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}
