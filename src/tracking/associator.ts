/**
 * Global nearest neighbour association (Stone Soup's GNNWith2DAssignment): the joint assignment of
 * detections to tracks that minimises the summed squared Mahalanobis distance, a track being allowed to
 * go unassigned at the cost of the gate threshold. Gated pairs split the scene into independent clusters
 * (union–find); each cluster is solved on its own small matrix, never one n × m matrix.
 */
import { FORBIDDEN, solveAssignment } from "./assignment.ts";
import type { Hypothesis } from "./hypothesiser.ts";

/** The outcome of association: for each track its detection index, or −1. */
export interface Association {
  /** Detection index per track, −1 when the track got none. */
  readonly detectionOfTrack: Int32Array;
  /** Track index per detection, −1 when the detection is unassigned. */
  readonly trackOfDetection: Int32Array;
}

/** Global nearest neighbour associator with per-cluster optimal 2-D assignment. */
export class GnnAssociator {
  /**
   * Associates `tracks` tracks with `detections` detections from gated hypotheses; `missCost(track)` is
   * the cost of leaving a track unassigned (normally its gate threshold).
   */
  associate(
    tracks: number,
    detections: number,
    hypotheses: readonly Hypothesis[],
    missCost: (track: number) => number,
  ): Association {
    const detectionOfTrack = new Int32Array(tracks).fill(-1);
    const trackOfDetection = new Int32Array(detections).fill(-1);
    if (hypotheses.length === 0) return { detectionOfTrack, trackOfDetection };
    // Union–find over tracks [0, tracks) and detections [tracks, tracks + detections).
    const parent = new Int32Array(tracks + detections);
    for (let i = 0; i < parent.length; i++) parent[i] = i;
    const find = (a: number): number => {
      let r = a;
      while ((parent[r] as number) !== r) r = parent[r] as number;
      while ((parent[a] as number) !== r) {
        const next = parent[a] as number;
        parent[a] = r;
        a = next;
      }
      return r;
    };
    for (const h of hypotheses) {
      const a = find(h.track);
      const b = find(tracks + h.detection);
      if (a !== b) parent[a] = b;
    }
    const clusters = new Map<number, Hypothesis[]>();
    for (const h of hypotheses) {
      const root = find(h.track);
      const list = clusters.get(root);
      if (list) list.push(h);
      else clusters.set(root, [h]);
    }
    for (const list of clusters.values()) {
      if (list.length === 1) {
        const h = list[0] as Hypothesis;
        if (h.distance2 < missCost(h.track)) {
          detectionOfTrack[h.track] = h.detection;
          trackOfDetection[h.detection] = h.track;
        }
        continue;
      }
      this.solveCluster(list, missCost, detectionOfTrack, trackOfDetection);
    }
    return { detectionOfTrack, trackOfDetection };
  }

  private solveCluster(
    list: readonly Hypothesis[],
    missCost: (track: number) => number,
    detectionOfTrack: Int32Array,
    trackOfDetection: Int32Array,
  ): void {
    const rowOf = new Map<number, number>();
    const colOf = new Map<number, number>();
    const rowTrack: number[] = [];
    const colDetection: number[] = [];
    for (const h of list) {
      if (!rowOf.has(h.track)) {
        rowOf.set(h.track, rowTrack.length);
        rowTrack.push(h.track);
      }
      if (!colOf.has(h.detection)) {
        colOf.set(h.detection, colDetection.length);
        colDetection.push(h.detection);
      }
    }
    const rows = rowTrack.length;
    const nd = colDetection.length;
    const cols = nd + rows; // one private "miss" column per track
    const cost = new Float64Array(rows * cols).fill(FORBIDDEN);
    for (let r = 0; r < rows; r++) cost[r * cols + nd + r] = missCost(rowTrack[r] as number);
    for (const h of list)
      cost[(rowOf.get(h.track) as number) * cols + (colOf.get(h.detection) as number)] = h.distance2;
    const assigned = solveAssignment(cost, rows, cols);
    for (let r = 0; r < rows; r++) {
      const c = assigned[r] as number;
      if (c < nd) {
        const track = rowTrack[r] as number;
        const det = colDetection[c] as number;
        detectionOfTrack[track] = det;
        trackOfDetection[det] = track;
      }
    }
  }
}
