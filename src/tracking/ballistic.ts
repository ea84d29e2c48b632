/**
 * Ballistic (coast-phase) motion in the rotating ECEF frame, for the trackers and the estimates.
 *
 * State: [x y z vx vy vz] (m, m/s, ECEF), optionally a 7th element b = 1/β (m²/kg), the inverse ballistic
 * coefficient, when drag is modelled. Dynamics: J2 gravity + centrifugal + Coriolis (`ecefAcceleration`)
 * plus drag −½·ρ(h)·|v|·v·b, with v the ECEF (air-relative, the atmosphere co-rotates) velocity.
 * Propagation is classical RK4 with sub-steps; the state-transition matrix Φ is integrated alongside
 * from the analytic Jacobian of the dynamics (Φ' = A·Φ), so it is exact to integration error.
 * No thrust is modelled: a state in boost is outside this model's validity.
 */
import { z } from "zod";
import {
  airDensity,
  ecefAcceleration,
  ecefToGeodetic,
  J2,
  OMEGA_EARTH,
  SCALE_HEIGHT,
  type Vec3,
  WGS84_A,
  WGS84_GM,
} from "../geo/earth.ts";

/** Options of the ballistic motion model (serialisable). */
export const BallisticModelOptions = z.strictObject({
  /** Estimate drag: adds the inverse ballistic coefficient 1/β (m²/kg) as a 7th state. */
  drag: z.boolean().default(false),
  /**
   * Spectral density q (m²/s³) of the white-noise acceleration that covers unmodelled forces in coast.
   * Above the atmosphere the model (J2 gravity, Earth rotation, RK4 at 5 s steps) leaves out only the
   * higher gravity harmonics (J3 and up, ~1e-4 m/s²) and lunisolar terms (~1e-6 m/s²), correlated over
   * minutes: q ≈ (1e-4)²·100 = 1e-6. It is kept that small on purpose: a coast track is fitted to
   * hundreds of radar scans, and a q of 1e-3 already leaves a position variance (q·T³/3 over 300 s) as
   * large as what the scans determine, so its covariance was pessimistic (NEES well below its band; q = 1
   * was 2–40× off the bound). The larger forces are covered where they act: thrust, tail-off, venting
   * and manoeuvres by the tracker's adjustable level (manoeuvre.ts, q = 300 while innovations say a
   * force is acting), drag below ~100 km by `dragAllowanceInvBeta`.
   */
  accelerationPsd: z.number().positive().default(1e-6),
  /**
   * Without a drag state: the drag of an object this light (1/β, m²/kg; 1e-3 is β = 1,000 kg/m², lighter
   * than a tumbling spent stage) is added to the process noise, as white acceleration of PSD
   * (½ρ|v|²/β)²·τ with τ = `dragCorrelationS`. It switches itself on below ~100 km (where ρ rises above
   * ~1e-6 kg/m³) and grows with the density, so the filter follows re-entry deceleration it does not
   * model, while exo-atmospheric coast keeps the small `accelerationPsd`. 0 turns it off.
   */
  dragAllowanceInvBeta: z.number().min(0).default(1e-3),
  /** Correlation time (s) of the unmodelled drag acceleration in the drag allowance. */
  dragCorrelationS: z.number().positive().default(5),
  /** Spectral density ((m²/kg)²/s) of the random walk on 1/β, when drag is estimated. */
  invBetaPsd: z.number().min(0).default(1e-10),
  /**
   * Largest RK4 sub-step (s). In vacuum the local error scales as (n·h)⁵ with the orbital rate
   * n ≈ 1.2e-3 s⁻¹, so 5 s steps keep a 10-minute coast within millimetres (see the tests); dense
   * air with a light object is the case that may want smaller steps.
   */
  maxStepS: z.number().positive().default(5),
  /**
   * Largest RK4 sub-step (s) of a model with the drag state where the state is inside the atmosphere
   * (below 200 km). Re-entry deceleration changes over a density scale height (~7 km) in about 2 s at
   * 3–4 km/s, which 5 s steps do not resolve: propagated from the exact state with the truth's own β,
   * the impact point missed the simulated truth (0.5 s steps) by 2–44 m with 5 s steps and by under 2 m
   * with 1 s steps (ballistic.test.ts). Steps that start above the atmosphere keep `maxStepS`.
   */
  maxDragStepS: z.number().positive().default(1),
});
/** Parsed options of the ballistic motion model. */
export type BallisticModelOptions = z.infer<typeof BallisticModelOptions>;

const DRAG_CEILING_M = 200_000;

/**
 * Prior on the inverse ballistic coefficient 1/β (m²/kg) of a re-entering warhead, used where the drag has
 * not been observed: the impact prediction of a 6-state track (estimates.ts) and the drag state a track
 * gains when it descends into the atmosphere (tracker.ts `reentry`). An assumption, not a measurement:
 * re-entry β is published for none of these missiles. Open-literature figures for ballistic-missile
 * re-entry vehicles run from ~3,000–5,000 kg/m² (blunt first-generation and MRBM/IRBM warheads) to
 * 10,000–20,000 kg/m² and more (slender ICBM RVs); a mean of 1/7,000 with σ = 7e-5 covers β ≈ 4,700–13,700
 * at 1 σ and β ≳ 3,500 (to vacuum) at 2 σ, for every class alike (no class-dependent prior: the class
 * itself comes from the track). The scenarios' assumed values (5,000 for the MRBMs, 10,000 for the ICBMs)
 * lie at +0.8 σ and −0.6 σ in 1/β; the prior was not fitted to them.
 */
export const REENTRY_INV_BETA_PRIOR = { invBeta: 1 / 7000, invBetaSigma: 7e-5 } as const;

/** Coast-phase ballistic dynamics in ECEF with RK4 propagation, transition Jacobian and process noise. */
export class BallisticMotionModel {
  /** State dimension: 6, or 7 with drag. */
  readonly dim: 6 | 7;
  /** The options this model was built from. */
  readonly options: BallisticModelOptions;
  // Scratch buffers: the model is not re-entrant, which JavaScript's single thread allows.
  private readonly r: Vec3 = [0, 0, 0];
  private readonly v: Vec3 = [0, 0, 0];
  private readonly acc: Vec3 = [0, 0, 0];
  private readonly k: Float64Array[];
  private readonly kPhi: Float64Array[];
  private readonly xs: Float64Array;
  private readonly phis: Float64Array;
  private readonly ja: Float64Array;
  private readonly p3 = new Float64Array(3);

  /** Builds the model from (unparsed) options. */
  constructor(options: z.input<typeof BallisticModelOptions> = {}) {
    this.options = BallisticModelOptions.parse(options);
    this.dim = this.options.drag ? 7 : 6;
    const n = this.dim;
    this.k = [0, 1, 2, 3].map(() => new Float64Array(n));
    this.kPhi = [0, 1, 2, 3].map(() => new Float64Array(n * n));
    this.xs = new Float64Array(n);
    this.phis = new Float64Array(n * n);
    this.ja = new Float64Array(3 * n);
  }

  /** Time derivative of the state, written into `out` (length dim). */
  derivative(x: Float64Array, out: Float64Array): Float64Array {
    const r = this.r;
    const v = this.v;
    r[0] = x[0] as number;
    r[1] = x[1] as number;
    r[2] = x[2] as number;
    v[0] = x[3] as number;
    v[1] = x[4] as number;
    v[2] = x[5] as number;
    const a = ecefAcceleration(r, v, undefined, this.acc);
    if (this.dim === 7) {
      const rho = densityAt(r);
      if (rho > 0) {
        const s = -0.5 * rho * Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) * (x[6] as number);
        a[0] += s * v[0];
        a[1] += s * v[1];
        a[2] += s * v[2];
      }
      out[6] = 0;
    }
    out[0] = v[0];
    out[1] = v[1];
    out[2] = v[2];
    out[3] = a[0];
    out[4] = a[1];
    out[5] = a[2];
    return out;
  }

  /**
   * Partial derivatives of the acceleration with respect to the full state: a 3×dim matrix written into
   * `out`. (The position rows of the dynamics Jacobian are trivially [0 I 0].)
   */
  accelerationJacobian(x: Float64Array, out: Float64Array): Float64Array {
    const n = this.dim;
    out.fill(0);
    const px = x[0] as number;
    const py = x[1] as number;
    const pz = x[2] as number;
    const r2 = px * px + py * py + pz * pz;
    const rn = Math.sqrt(r2);
    const ir2 = 1 / r2;
    const ir5 = (ir2 * ir2) / rn;
    const ir7 = ir5 * ir2;
    const ir9 = ir7 * ir2;
    const p = this.p3;
    p[0] = px;
    p[1] = py;
    p[2] = pz;
    // Point mass: −μ/r³ (I − 3 r̂ r̂ᵀ).
    const g0 = (-WGS84_GM * ir2) / rn;
    // J2 term: a = −μ c f(r), c = 1.5 J2 a², f = [x u, y u, z w], u = r⁻⁵ − 5z²r⁻⁷, w = 3r⁻⁵ − 5z²r⁻⁷.
    const c = 1.5 * J2 * WGS84_A * WGS84_A;
    const z2 = pz * pz;
    const u = ir5 - 5 * z2 * ir7;
    const w = 3 * ir5 - 5 * z2 * ir7;
    for (let i = 0; i < 3; i++) {
      const pi = p[i] as number;
      for (let j = 0; j < 3; j++) {
        const pj = p[j] as number;
        const delta = i === j ? 1 : 0;
        const pm = g0 * (delta - 3 * pi * pj * ir2);
        const dz = j === 2 ? 1 : 0;
        const du = -5 * ir7 * pj + 35 * z2 * ir9 * pj - 10 * pz * ir7 * dz;
        const dw = -15 * ir7 * pj + 35 * z2 * ir9 * pj - 10 * pz * ir7 * dz;
        const df = i < 2 ? delta * u + pi * du : delta * w + pi * dw;
        out[i * n + j] = pm - WGS84_GM * c * df;
      }
    }
    const w2 = OMEGA_EARTH * OMEGA_EARTH;
    out[0] = (out[0] as number) + w2;
    out[n + 1] = (out[n + 1] as number) + w2;
    // Coriolis: −2 ω × v.
    out[4] = 2 * OMEGA_EARTH;
    out[n + 3] = -2 * OMEGA_EARTH;
    if (n === 7) this.addDragJacobian(x, out);
    return out;
  }

  private addDragJacobian(x: Float64Array, out: Float64Array): void {
    const r = this.r;
    r[0] = x[0] as number;
    r[1] = x[1] as number;
    r[2] = x[2] as number;
    if (Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) > WGS84_A + DRAG_CEILING_M) return;
    const geo = ecefToGeodetic(r);
    const rho = airDensity(geo.heightM);
    if (rho === 0) return;
    const vx = x[3] as number;
    const vy = x[4] as number;
    const vz = x[5] as number;
    const b = x[6] as number;
    const sp = Math.sqrt(vx * vx + vy * vy + vz * vz);
    const v = [vx, vy, vz];
    const lat = (geo.latDeg * Math.PI) / 180;
    const lon = (geo.lonDeg * Math.PI) / 180;
    // ∂h/∂r is the geodetic up vector; ρ' = −ρ/H above ground, 0 below (the density is clamped there).
    const up = [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
    const dRhoDh = geo.heightM > 0 ? -rho / SCALE_HEIGHT : 0;
    for (let i = 0; i < 3; i++) {
      const vi = v[i] as number;
      for (let j = 0; j < 3; j++) {
        const vj = v[j] as number;
        out[i * 7 + j] = (out[i * 7 + j] as number) - 0.5 * b * sp * vi * dRhoDh * (up[j] as number);
        const dv = sp > 0 ? (i === j ? sp : 0) + (vi * vj) / sp : 0;
        out[i * 7 + 3 + j] = (out[i * 7 + 3 + j] as number) - 0.5 * rho * b * dv;
      }
      out[i * 7 + 6] = -0.5 * rho * sp * vi;
    }
  }

  /** Propagates a state by dt seconds (negative: backwards) with RK4 sub-steps, into `out` (may alias x). */
  propagate(x: Float64Array, dt: number, out: Float64Array): Float64Array {
    const n = this.dim;
    if (out !== x) out.set(x.subarray(0, n));
    if (dt === 0) return out;
    const steps = Math.max(1, Math.ceil(Math.abs(dt) / this.options.maxStepS));
    const h0 = dt / steps;
    for (let s = 0; s < steps; s++) {
      const sub = this.subSteps(out, h0);
      for (let q = 0; q < sub; q++) this.rk4Step(out, h0 / sub);
    }
    return out;
  }

  /** Sub-steps for one step of length h from x: more where a drag state meets the atmosphere. */
  private subSteps(x: Float64Array, h: number): number {
    if (this.dim !== 7 || Math.abs(h) <= this.options.maxDragStepS) return 1;
    const r2 = (x[0] as number) ** 2 + (x[1] as number) ** 2 + (x[2] as number) ** 2;
    if (r2 > (WGS84_A + DRAG_CEILING_M) ** 2) return 1;
    return Math.ceil(Math.abs(h) / this.options.maxDragStepS);
  }

  /** One classical RK4 step of length h on `out` (in place). */
  private rk4Step(out: Float64Array, h: number): void {
    const n = this.dim;
    const [k1, k2, k3, k4] = this.k as [Float64Array, Float64Array, Float64Array, Float64Array];
    const xs = this.xs;
    this.derivative(out, k1);
    for (let i = 0; i < n; i++) xs[i] = (out[i] as number) + 0.5 * h * (k1[i] as number);
    this.derivative(xs, k2);
    for (let i = 0; i < n; i++) xs[i] = (out[i] as number) + 0.5 * h * (k2[i] as number);
    this.derivative(xs, k3);
    for (let i = 0; i < n; i++) xs[i] = (out[i] as number) + h * (k3[i] as number);
    this.derivative(xs, k4);
    for (let i = 0; i < n; i++) {
      out[i] =
        (out[i] as number) +
        (h / 6) * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
    }
  }

  /**
   * Propagates a state by dt and returns the state-transition matrix Φ = ∂x(t+dt)/∂x(t) (dim×dim,
   * row-major) in `phiOut`, integrating Φ' = A(x)·Φ with the same RK4 steps. `xOut` may alias x.
   */
  propagateWithJacobian(x: Float64Array, dt: number, xOut: Float64Array, phiOut: Float64Array): void {
    const n = this.dim;
    if (xOut !== x) xOut.set(x.subarray(0, n));
    phiOut.fill(0);
    for (let i = 0; i < n; i++) phiOut[i * n + i] = 1;
    if (dt === 0) return;
    const steps = Math.max(1, Math.ceil(Math.abs(dt) / this.options.maxStepS));
    const h0 = dt / steps;
    for (let s = 0; s < steps; s++) {
      const sub = this.subSteps(xOut, h0);
      for (let q = 0; q < sub; q++) this.rk4StepWithJacobian(xOut, phiOut, h0 / sub);
    }
  }

  /** One RK4 step of length h of the joint (x, Φ) system, in place. */
  private rk4StepWithJacobian(xOut: Float64Array, phiOut: Float64Array, h: number): void {
    const n = this.dim;
    const [k1, k2, k3, k4] = this.k as [Float64Array, Float64Array, Float64Array, Float64Array];
    const [m1, m2, m3, m4] = this.kPhi as [Float64Array, Float64Array, Float64Array, Float64Array];
    const xs = this.xs;
    const ps = this.phis;
    const nn = n * n;
    this.stage(xOut, phiOut, k1, m1);
    for (let i = 0; i < n; i++) xs[i] = (xOut[i] as number) + 0.5 * h * (k1[i] as number);
    for (let i = 0; i < nn; i++) ps[i] = (phiOut[i] as number) + 0.5 * h * (m1[i] as number);
    this.stage(xs, ps, k2, m2);
    for (let i = 0; i < n; i++) xs[i] = (xOut[i] as number) + 0.5 * h * (k2[i] as number);
    for (let i = 0; i < nn; i++) ps[i] = (phiOut[i] as number) + 0.5 * h * (m2[i] as number);
    this.stage(xs, ps, k3, m3);
    for (let i = 0; i < n; i++) xs[i] = (xOut[i] as number) + h * (k3[i] as number);
    for (let i = 0; i < nn; i++) ps[i] = (phiOut[i] as number) + h * (m3[i] as number);
    this.stage(xs, ps, k4, m4);
    const h6 = h / 6;
    for (let i = 0; i < n; i++) {
      xOut[i] =
        (xOut[i] as number) +
        h6 * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
    }
    for (let i = 0; i < nn; i++) {
      phiOut[i] =
        (phiOut[i] as number) +
        h6 * ((m1[i] as number) + 2 * (m2[i] as number) + 2 * (m3[i] as number) + (m4[i] as number));
    }
  }

  /** One RK4 stage of the joint (x, Φ) system: dx = f(x), dΦ = A(x)·Φ. */
  private stage(x: Float64Array, phi: Float64Array, dx: Float64Array, dphi: Float64Array): void {
    const n = this.dim;
    this.derivative(x, dx);
    const ja = this.accelerationJacobian(x, this.ja);
    // Rows 0–2 of A·Φ are Φ's velocity rows; rows 3–5 are Ja·Φ; the 1/β row (if any) is zero.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < n; j++) {
        dphi[i * n + j] = phi[(i + 3) * n + j] as number;
        let s = 0;
        for (let l = 0; l < n; l++) s += (ja[i * n + l] as number) * (phi[l * n + j] as number);
        dphi[(i + 3) * n + j] = s;
      }
    }
    if (n === 7) for (let j = 0; j < n; j++) dphi[6 * n + j] = 0;
  }

  /**
   * Process noise over dt for white-noise acceleration of spectral density q on each ECEF axis
   * (continuous white-noise acceleration, discretised) plus a random walk on 1/β; written into `out`.
   * Given states (the ends of the step), a 6-state model adds the drag allowance at the denser end;
   * `psd` overrides the options' acceleration PSD (a manoeuvring track's).
   */
  processNoise(
    dt: number,
    out: Float64Array,
    from?: Float64Array,
    to?: Float64Array,
    psd?: number,
  ): Float64Array {
    const n = this.dim;
    let q = psd ?? this.options.accelerationPsd;
    if (n === 6 && this.options.dragAllowanceInvBeta > 0 && from) {
      const a = Math.max(this.dragAcceleration(from), to ? this.dragAcceleration(to) : 0);
      q += a * a * this.options.dragCorrelationS;
    }
    const adt = Math.abs(dt);
    out.fill(0);
    const pp = (q * adt * adt * adt) / 3;
    const pv = (q * adt * adt) / 2;
    const vv = q * adt;
    for (let i = 0; i < 3; i++) {
      out[i * n + i] = pp;
      out[i * n + i + 3] = pv;
      out[(i + 3) * n + i] = pv;
      out[(i + 3) * n + i + 3] = vv;
    }
    if (n === 7) out[48] = this.options.invBetaPsd * adt;
    return out;
  }

  /** Drag deceleration (m/s²) of an object with 1/β = `dragAllowanceInvBeta` in state x. */
  private dragAcceleration(x: Float64Array): number {
    const r = this.r;
    r[0] = x[0] as number;
    r[1] = x[1] as number;
    r[2] = x[2] as number;
    const rho = densityAt(r);
    if (rho === 0) return 0;
    const v2 = (x[3] as number) ** 2 + (x[4] as number) ** 2 + (x[5] as number) ** 2;
    return 0.5 * rho * v2 * this.options.dragAllowanceInvBeta;
  }
}

/** Air density at an ECEF position (kg/m³); skips the geodetic conversion far above the atmosphere. */
function densityAt(r: Vec3): number {
  if (Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) > WGS84_A + DRAG_CEILING_M) return 0;
  return airDensity(ecefToGeodetic(r).heightM);
}

/** Height (m) above the WGS-84 ellipsoid of the position part of a state. */
export function stateHeight(x: Float64Array): number {
  return ecefToGeodetic([x[0] as number, x[1] as number, x[2] as number]).heightM;
}
