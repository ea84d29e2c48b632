// The fused picture: 95 % ellipses ↔ covariances, grouping of partners' reports into objects, and
// covariance intersection of their impact points.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { trackExample } from "../../test/helpers/policy.ts";
import type { TrackReport } from "../model/item.ts";
import {
  countsInPicture,
  covarianceEllipse,
  ellipseCovariance,
  FusedPicture,
  fusedWarningEstimate,
  type HeldReport,
} from "./picture.ts";

const base = trackExample("rok-track-report");

/** A held report: `node`'s track `id`, impact at (lat, lon) with a circular or given ellipse. */
function held(
  node: string,
  id: string,
  impact: { lat: number; lon: number; major?: number; minor?: number; orientation?: number },
  launchTime = base.launch.time,
): HeldReport {
  const report: TrackReport = {
    ...base,
    id: `${node}-${id}-1`,
    trackId: `${node}-${id}`,
    launch: { ...base.launch, time: launchTime },
    impact: {
      ...base.impact,
      lat: impact.lat,
      lon: impact.lon,
      ellipse95: {
        semiMajorM: impact.major ?? 20_000,
        semiMinorM: impact.minor ?? impact.major ?? 20_000,
        orientationDeg: impact.orientation ?? 0,
      },
    },
  };
  return {
    key: `${node}-${id}`,
    originNode: node,
    party: "KOR",
    own: false,
    report,
    firstHeldT: 100,
    rank: 2,
  };
}

describe("ellipse ↔ covariance", () => {
  it("round-trips any 95 % ellipse (axes to 1e-6 relative, orientation mod 180)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 500_000, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 179.9, noNaN: true }),
        (major, ratio, orientation) => {
          const minor = major * ratio;
          const e = covarianceEllipse(ellipseCovariance(major, minor, orientation));
          expect(e.semiMajorM / major).toBeCloseTo(1, 6);
          expect(e.semiMinorM / minor).toBeCloseTo(1, 6);
          const d = Math.abs(e.orientationDeg - orientation) % 180;
          expect(Math.min(d, 180 - d)).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps a major axis a hair off north pointing north (fast-check's counterexample: 90° before the fix)", () => {
    const e = covarianceEllipse(
      ellipseCovariance(6885.88694681869, 6885.88694681869 * 0.4876411609578089, 9.5e-18),
    );
    expect(Math.min(e.orientationDeg, 180 - e.orientationDeg)).toBeLessThan(1e-6);
    expect(e.semiMajorM).toBeCloseTo(6885.88694681869, 6);
  });

  it("puts a north–south major axis on the north variance", () => {
    const P = ellipseCovariance(24_477, 2_447.7, 0);
    expect((P[3] as number) / (P[0] as number)).toBeCloseTo(100, 3);
    expect(P[1]).toBeCloseTo(0, 6);
  });
});

describe("FusedPicture", () => {
  it("groups two nodes' tracks of one impact into one object, and its fused ellipse is no larger than either", () => {
    const pic = new FusedPicture("JSDF");
    const a = held("ROK_KTMO_CELL", "T1", {
      lat: 40,
      lon: 135,
      major: 40_000,
      minor: 10_000,
      orientation: 90,
    });
    const b = held("USFK_TMO_CELL", "T3", {
      lat: 40.05,
      lon: 135.05,
      major: 40_000,
      minor: 10_000,
      orientation: 0,
    });
    const [f, ...rest] = pic.fuse([a, b]);
    expect(rest).toEqual([]);
    expect(f?.contributors.map((c) => c.key).sort()).toEqual(["ROK_KTMO_CELL-T1", "USFK_TMO_CELL-T3"]);
    // Crossed ellipses: the intersection is much smaller than either along their major axes.
    expect(f?.impact.ellipse95.semiMajorM).toBeLessThan(40_000);
    expect(f?.impact.lat).toBeGreaterThan(39.9);
    expect(f?.impact.lat).toBeLessThan(40.15);
  });

  it("never merges two tracks of one node, and keeps impacts far apart separate", () => {
    const pic = new FusedPicture("JSDF");
    const objects = pic.fuse([
      held("ROK_KTMO_CELL", "T1", { lat: 40, lon: 135 }),
      held("ROK_KTMO_CELL", "T2", { lat: 40.01, lon: 135.01 }),
      held("USFK_TMO_CELL", "T1", { lat: 44, lon: 140 }),
    ]);
    expect(objects.map((o) => o.contributors.length)).toEqual([1, 1, 1]);
  });

  it("keeps launches more than the gate apart separate even with the same impact", () => {
    const pic = new FusedPicture("JSDF", { launchGateS: 60 });
    const later = new Date(Date.parse(base.launch.time) + 600_000).toISOString();
    const objects = pic.fuse([
      held("ROK_KTMO_CELL", "T1", { lat: 40, lon: 135 }),
      held("USFK_TMO_CELL", "T1", { lat: 40, lon: 135 }, later),
    ]);
    expect(objects).toHaveLength(2);
  });

  it("a third node's track joins the group it fits and the fused id stays the same", () => {
    const pic = new FusedPicture("JSDF");
    const a = held("ROK_KTMO_CELL", "T1", { lat: 40, lon: 135 });
    const first = pic.fuse([a]);
    const second = pic.fuse([a, held("USFK_TMO_CELL", "T9", { lat: 40.02, lon: 135 })]);
    expect(second).toHaveLength(1);
    expect(second[0]?.fusedId).toBe(first[0]?.fusedId);
    const third = pic.fuse([
      a,
      held("USFK_TMO_CELL", "T9", { lat: 40.02, lon: 135 }),
      held("JSDF", "T4", { lat: 39.98, lon: 135.02 }),
    ]);
    expect(third[0]?.contributors).toHaveLength(3);
    expect(third[0]?.fusedId).toBe(first[0]?.fusedId);
  });

  it("gives the warning rules the fused impact, the basis's path and the holder's age of the object", () => {
    const pic = new FusedPicture("JSDF");
    const [f] = pic.fuse([held("ROK_KTMO_CELL", "T1", { lat: 40, lon: 135 })]);
    if (!f) throw new Error("no object");
    const e = fusedWarningEstimate(f, 160);
    expect(e?.trackAgeS).toBe(60);
    expect(e?.impact.lat).toBeCloseTo(40, 6);
    expect(e?.groundTrack).toHaveLength(base.trajectory.length);
  });
});

describe("countsInPicture", () => {
  const impactMs = Date.parse(base.impact.time);
  it("counts a current report, and a stale one until its predicted impact, not after", () => {
    expect(countsInPicture(base, false, impactMs + 60_000)).toBe(true);
    expect(countsInPicture(base, true, impactMs - 60_000)).toBe(true);
    expect(countsInPicture(base, true, impactMs + 1)).toBe(false);
  });
});
