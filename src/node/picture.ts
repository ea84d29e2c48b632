/**
 * A node's fused picture: every track it holds (its own and its partners', as reports) grouped into
 * launch objects and fused. Partners share estimates, not states, so fusion works on what a report
 * carries: the predicted impact point and the launch point, each a 2-D Gaussian on a local plane, fused
 * by covariance intersection (consistent whatever the unknown correlation between partners' tracks).
 * The trajectory, times and class come from the most precise contributor (smallest impact ellipse).
 *
 * Grouping: two reports are one object when their launch times agree within `launchGateS` and their
 * impact points within the 99.9 % gate of their combined covariance; two tracks of one node are never
 * merged (its tracker already judged them different objects). Pairs join in order of distance.
 * Known limit: missiles of a salvo whose impact ellipses overlap, tracked by no single node as
 * separate, fuse into one object.
 */
import type { TrackReport } from "../model/item.ts";
import { CHI2_95_2D } from "../tracking/estimates.ts";
import { CovarianceIntersectionFuser, ellipse95 } from "../tracking/index.ts";
import type { GaussianState } from "../tracking/state.ts";
import type { WarningEstimate } from "../warning/index.ts";

const R = 6_371_008.8;
const DEG = Math.PI / 180;
/** √χ²₂(0.95): a 95 % ellipse's semi-axis over its 1-σ. */
const SIGMA_PER_95 = Math.sqrt(CHI2_95_2D);
/** χ²₂(0.999): the grouping gate. */
const GATE_999 = 13.815510557964274;

/** A report as a node holds it. */
export interface HeldReport {
  /** `originNode:trackId`. */
  key: string;
  originNode: string;
  party: string;
  own: boolean;
  report: TrackReport;
  /** When the holder first had this track (own: confirmation; partner: first receipt), Unix s. */
  firstHeldT: number;
  /** Rank of the holder's marking of it. */
  rank: number;
}

/** One fused object. */
export interface FusedObject {
  fusedId: string;
  contributors: HeldReport[];
  /** The most precise contributor: trajectory, times and class come from it. */
  basis: HeldReport;
  impact: {
    lat: number;
    lon: number;
    ellipse95: { semiMajorM: number; semiMinorM: number; orientationDeg: number };
  };
  launch: { lat: number; lon: number; uncertaintyM: number };
  /** Earliest `firstHeldT` of the contributors. */
  firstHeldT: number;
  /** Highest marking rank of the contributors. */
  rank: number;
}

/** Options of the grouping. */
export interface PictureOptions {
  launchGateS: number;
}

type Plane = { lat0: number; lon0: number };
const toPlane = (p: Plane, lat: number, lon: number): [number, number] => {
  let dLon = lon - p.lon0;
  if (dLon > 180) dLon -= 360;
  if (dLon < -180) dLon += 360;
  return [dLon * DEG * R * Math.cos(p.lat0 * DEG), (lat - p.lat0) * DEG * R];
};
const fromPlane = (p: Plane, e: number, n: number): [number, number] => {
  const lat = p.lat0 + n / R / DEG;
  let lon = p.lon0 + e / (R * Math.cos(p.lat0 * DEG)) / DEG;
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
  return [lat, lon];
};

/** Covariance (east, north; m²) of a 95 % ellipse whose major axis lies `orientationDeg` from north. */
export function ellipseCovariance(
  semiMajorM: number,
  semiMinorM: number,
  orientationDeg: number,
): Float64Array {
  const a = Math.max(semiMajorM / SIGMA_PER_95, 1);
  const b = Math.max(semiMinorM / SIGMA_PER_95, 1);
  const th = orientationDeg * DEG;
  // Unit vector of the major axis in (east, north).
  const ue = Math.sin(th);
  const un = Math.cos(th);
  const a2 = a * a;
  const b2 = b * b;
  return Float64Array.of(
    a2 * ue * ue + b2 * un * un,
    (a2 - b2) * ue * un,
    (a2 - b2) * ue * un,
    a2 * un * un + b2 * ue * ue,
  );
}

/** The 95 % ellipse of a 2×2 (east, north) covariance (the tracking core's, closed-form orientation). */
export function covarianceEllipse(P: Float64Array): {
  semiMajorM: number;
  semiMinorM: number;
  orientationDeg: number;
} {
  return ellipse95(P[0] as number, P[1] as number, P[3] as number);
}

const impactOf = (p: Plane, r: TrackReport): { x: [number, number]; P: Float64Array } => ({
  x: toPlane(p, r.impact.lat, r.impact.lon),
  P: ellipseCovariance(
    r.impact.ellipse95.semiMajorM,
    r.impact.ellipse95.semiMinorM,
    r.impact.ellipse95.orientationDeg,
  ),
});

const area = (r: TrackReport): number => r.impact.ellipse95.semiMajorM * r.impact.ellipse95.semiMinorM;

/** Squared Mahalanobis distance between two impact points under their summed covariance. */
function impactDistance2(a: TrackReport, b: TrackReport): number {
  const plane = { lat0: a.impact.lat, lon0: a.impact.lon };
  const ia = impactOf(plane, a);
  const ib = impactOf(plane, b);
  const s00 = (ia.P[0] as number) + (ib.P[0] as number);
  const s01 = (ia.P[1] as number) + (ib.P[1] as number);
  const s11 = (ia.P[3] as number) + (ib.P[3] as number);
  const det = s00 * s11 - s01 * s01;
  const de = ib.x[0] - ia.x[0];
  const dn = ib.x[1] - ia.x[1];
  return (s11 * de * de - 2 * s01 * de * dn + s00 * dn * dn) / det;
}

/** Fuses 2-D Gaussians by covariance intersection, one after another. */
function fuse2(items: { x: [number, number]; P: Float64Array }[], fuser: CovarianceIntersectionFuser) {
  let acc: GaussianState = {
    t: 0,
    dim: 2,
    x: Float64Array.from((items[0] as (typeof items)[0]).x),
    P: (items[0] as (typeof items)[0]).P,
  };
  for (const it of items.slice(1)) {
    const f = fuser.fuse(acc, { t: 0, dim: 2, x: Float64Array.from(it.x), P: it.P });
    acc = { t: 0, dim: 2, x: f.x, P: f.P };
  }
  return acc;
}

/** A node's picture over time: group ids stay stable while their contributors do. */
export class FusedPicture {
  readonly #node: string;
  readonly #options: PictureOptions;
  readonly #fuser = new CovarianceIntersectionFuser({ criterion: "determinant" });
  /** Contributor key → fused id it last belonged to. */
  readonly #idOf = new Map<string, string>();
  #next = 1;

  constructor(node: string, options: PictureOptions = { launchGateS: 60 }) {
    this.#node = node;
    this.#options = options;
  }

  /** Groups and fuses the reports held now. */
  fuse(held: readonly HeldReport[]): FusedObject[] {
    const n = held.length;
    const group = held.map((_, i) => i);
    const find = (i: number): number => {
      while (group[i] !== i) i = group[i] as number;
      return i;
    };
    const nodesOf = held.map((h) => new Set([h.originNode]));
    const pairs: { i: number; j: number; d2: number }[] = [];
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const a = held[i] as HeldReport;
        const b = held[j] as HeldReport;
        if (a.originNode === b.originNode) continue;
        const dt = Math.abs(Date.parse(a.report.launch.time) - Date.parse(b.report.launch.time)) / 1000;
        if (dt > this.#options.launchGateS) continue;
        const d2 = impactDistance2(a.report, b.report);
        if (d2 <= GATE_999) pairs.push({ i, j, d2 });
      }
    pairs.sort((x, y) => x.d2 - y.d2);
    for (const { i, j } of pairs) {
      const gi = find(i);
      const gj = find(j);
      if (gi === gj) continue;
      const ni = nodesOf[gi] as Set<string>;
      const nj = nodesOf[gj] as Set<string>;
      if ([...nj].some((x) => ni.has(x))) continue;
      group[gj] = gi;
      for (const x of nj) ni.add(x);
    }
    const groups = new Map<number, HeldReport[]>();
    for (let i = 0; i < n; i++) {
      const g = find(i);
      groups.set(g, [...(groups.get(g) ?? []), held[i] as HeldReport]);
    }
    const out: FusedObject[] = [];
    const used = new Set<string>();
    for (const members of groups.values()) {
      members.sort((a, b) => a.key.localeCompare(b.key));
      // The id of the earliest-made group among the members', unless another group took it this round.
      const known = members
        .map((m) => this.#idOf.get(m.key))
        .filter((x): x is string => x !== undefined && !used.has(x))
        .sort((a, b) => Number(a.split("-F").pop()) - Number(b.split("-F").pop()));
      const fusedId = known[0] ?? `${this.#node}-F${this.#next++}`;
      used.add(fusedId);
      for (const m of members) this.#idOf.set(m.key, fusedId);
      out.push(this.#fuseGroup(fusedId, members));
    }
    return out.sort((a, b) => a.fusedId.localeCompare(b.fusedId));
  }

  #fuseGroup(fusedId: string, members: HeldReport[]): FusedObject {
    const basis = [...members].sort(
      (a, b) => area(a.report) - area(b.report) || a.key.localeCompare(b.key),
    )[0] as HeldReport;
    const plane = { lat0: basis.report.impact.lat, lon0: basis.report.impact.lon };
    const impact = fuse2(
      members.map((m) => impactOf(plane, m.report)),
      this.#fuser,
    );
    const [lat, lon] = fromPlane(plane, impact.x[0] as number, impact.x[1] as number);
    const lPlane = { lat0: basis.report.launch.lat, lon0: basis.report.launch.lon };
    const launch = fuse2(
      members.map((m) => {
        const r = Math.max(m.report.launch.uncertaintyM, 1);
        return {
          x: toPlane(lPlane, m.report.launch.lat, m.report.launch.lon),
          P: ellipseCovariance(r, r, 0),
        };
      }),
      this.#fuser,
    );
    const [llat, llon] = fromPlane(lPlane, launch.x[0] as number, launch.x[1] as number);
    return {
      fusedId,
      contributors: members,
      basis,
      impact: { lat, lon, ellipse95: covarianceEllipse(impact.P) },
      launch: { lat: llat, lon: llon, uncertaintyM: covarianceEllipse(launch.P).semiMajorM },
      firstHeldT: Math.min(...members.map((m) => m.firstHeldT)),
      rank: Math.max(...members.map((m) => m.rank)),
    };
  }
}

/**
 * Whether a partner's report counts in the fused picture at `nowMs`. A stale track is never shown as
 * current, but its predicted launch and impact points are a ballistic prediction that does not age: they
 * count until the predicted impact (a lofted missile that has left a partner's radar is still best
 * predicted by that partner's last estimate; dropping it left Japan's picture 150 km off on 2023-12-18).
 */
export function countsInPicture(report: TrackReport, stale: boolean, nowMs: number): boolean {
  return !stale || nowMs <= Date.parse(report.impact.time);
}

/** The warning rules' view of a fused object at time `t` (Unix s). */
export function fusedWarningEstimate(f: FusedObject, t: number): WarningEstimate | undefined {
  const r = f.basis.report;
  if (r.missileClass === "SLV" || r.missileClass === "unknown") return undefined;
  const asOfT = Math.max(...f.contributors.map((c) => Date.parse(c.report.asOf) / 1000));
  return {
    trackId: f.fusedId,
    t,
    asOfT,
    trackAgeS: Math.max(0, t - f.firstHeldT),
    launchT: Date.parse(r.launch.time) / 1000,
    impact: {
      lat: f.impact.lat,
      lon: f.impact.lon,
      t: Date.parse(r.impact.time) / 1000,
      tSigmaS: r.impact.timeUncertaintyS ?? r.launch.timeUncertaintyS,
      ellipse95: f.impact.ellipse95,
    },
    groundTrack: r.trajectory.map((p) => ({ t: Date.parse(p.time) / 1000, lat: p.lat, lon: p.lon })),
    missileClass: r.missileClass,
  };
}
