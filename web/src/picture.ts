/**
 * The operator's picture, derived from the events the server sent (already only what this operator may
 * see, up to the replay clock): current tracks, fused estimates, warnings, the message log, audit heads,
 * and the map overlay built from them.
 */
import type { CopEvent, CopSetup } from "./api.ts";
import { ellipseRing, sectorRing, unwrapLine } from "./geo.ts";
import type { Overlay } from "./map.ts";

type Ev<T extends CopEvent["type"]> = Extract<CopEvent, { type: T }>;

/** What the panels and the map show. */
export interface Picture {
  tracks: Ev<"track">[];
  fused: Ev<"fused">[];
  warnings: Ev<"warning">[];
  log: (Ev<"decision"> | Ev<"detection">)[];
  audit: Ev<"audit">[];
}

/** Reduces the events to the current picture. */
export function picture(events: readonly CopEvent[]): Picture {
  const tracks = new Map<string, Ev<"track">>();
  const fused = new Map<string, Ev<"fused">>();
  const audit = new Map<string, Ev<"audit">>();
  const warnings: Ev<"warning">[] = [];
  const log: (Ev<"decision"> | Ev<"detection">)[] = [];
  for (const e of events) {
    if (e.type === "track") tracks.set(`${e.node}|${e.origin.node}|${e.report.trackId}`, e);
    else if (e.type === "fused") fused.set(`${e.node}|${e.fusedId}`, e);
    else if (e.type === "audit") audit.set(e.node, e);
    else if (e.type === "warning") warnings.push(e);
    else log.push(e);
  }
  return {
    tracks: [...tracks.values()],
    fused: [...fused.values()],
    warnings,
    log,
    audit: [...audit.values()].sort((a, b) => a.node.localeCompare(b.node)),
  };
}

const feature = (geometry: GeoJSON.Geometry, properties: Record<string, unknown>): GeoJSON.Feature => ({
  type: "Feature",
  geometry,
  properties,
});
const collection = (features: GeoJSON.Feature[]): GeoJSON.FeatureCollection => ({
  type: "FeatureCollection",
  features,
});

/** The map overlay of a picture: one drawing per track as first produced (not per relaying node). */
export function overlay(p: Picture, setup: CopSetup | undefined): Overlay {
  const coverage: GeoJSON.Feature[] = [];
  for (const s of setup?.sensors ?? []) {
    if (!s.position || s.maxRangeKm === null) continue;
    const ring = sectorRing(
      s.position[0],
      s.position[1],
      s.maxRangeKm * 1000,
      s.azimuthCentreDeg,
      s.azimuthHalfWidthDeg,
    );
    coverage.push(feature({ type: "Polygon", coordinates: [ring] }, { party: s.nation, id: s.id }));
  }
  const warningAreas: GeoJSON.Feature[] = [];
  // The events do not say which alerts a cancellation references, so a cancellation by an issuer clears
  // that issuer's earlier areas from the map (the list keeps every message).
  const lastCancel = new Map<string, number>();
  for (const w of p.warnings) if (w.msgType.toLowerCase() === "cancel") lastCancel.set(w.issuer, w.seq);
  for (const w of p.warnings) {
    if (w.msgType.toLowerCase() === "cancel" || w.seq < (lastCancel.get(w.issuer) ?? -1)) continue;
    for (const a of w.areas)
      for (const poly of a.polygons)
        warningAreas.push(
          feature({ type: "Polygon", coordinates: [poly] }, { alertId: w.alertId, issuer: w.issuer }),
        );
  }
  // One drawing per (origin, track): the newest state any of the nation's nodes holds.
  const drawn = new Map<
    string,
    { report: Ev<"track">["report"]; party: string; own: boolean; fused: boolean; t: number }
  >();
  for (const t of p.tracks) {
    const key = `${t.origin.node}|${t.report.trackId}`;
    const prev = drawn.get(key);
    if (!prev || prev.t <= t.t)
      drawn.set(key, { report: t.report, party: t.origin.party, own: t.own, fused: false, t: t.t });
  }
  for (const f of p.fused)
    drawn.set(`fused|${f.node}|${f.fusedId}`, {
      report: f.report,
      party: f.holder,
      own: true,
      fused: true,
      t: f.t,
    });
  const ellipses: GeoJSON.Feature[] = [];
  const trajectories: GeoJSON.Feature[] = [];
  const points: GeoJSON.Feature[] = [];
  for (const [key, d] of drawn) {
    const r = d.report;
    const props = { party: d.party, own: d.own, fused: d.fused, track: r.trackId, key };
    const line = unwrapLine([
      [r.launch.lon, r.launch.lat],
      ...r.trajectory.map((s) => [s.lon, s.lat] as [number, number]),
    ]);
    trajectories.push(feature({ type: "LineString", coordinates: line }, props));
    points.push(
      feature({ type: "Point", coordinates: [r.launch.lon, r.launch.lat] }, { ...props, kind: "launch" }),
    );
    const head = r.trajectory[r.trajectory.length - 1];
    if (head)
      points.push(feature({ type: "Point", coordinates: [head.lon, head.lat] }, { ...props, kind: "head" }));
    points.push(
      feature({ type: "Point", coordinates: [r.impact.lon, r.impact.lat] }, { ...props, kind: "impact" }),
    );
    const el = r.impact.ellipse95;
    const ring = ellipseRing(r.impact.lon, r.impact.lat, el.semiMajorM, el.semiMinorM, el.orientationDeg);
    ellipses.push(feature({ type: "Polygon", coordinates: [unwrapLine(ring)] }, props));
  }
  return {
    coverage: collection(coverage),
    warningAreas: collection(warningAreas),
    ellipses: collection(ellipses),
    trajectories: collection(trajectories),
    points: collection(points),
  };
}
