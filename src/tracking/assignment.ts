/**
 * Optimal 2-D assignment: the shortest-augmenting-path Hungarian algorithm with potentials
 * (Kuhn–Munkres in the Jonker–Volgenant form), O(r²·c) for r rows ≤ c columns. Used per cluster by
 * the GNN associator, so r and c stay small.
 */

/** Cost marking a pairing that is not allowed; any solution using it is infeasible. */
export const FORBIDDEN = 1e15;

/**
 * Minimum-cost assignment of every row to a distinct column for a rows × cols cost matrix (row-major,
 * rows ≤ cols). Returns the column of each row. Entries ≥ FORBIDDEN are treated as disallowed; the caller
 * must provide enough allowed columns (e.g. one dummy "miss" column per row).
 */
export function solveAssignment(cost: Float64Array, rows: number, cols: number): Int32Array {
  if (rows > cols) throw new Error(`assignment needs rows ≤ cols, got ${rows} × ${cols}`);
  // 1-based arrays as in the classic formulation; index 0 is the virtual start.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const p = new Int32Array(cols + 1); // p[j]: row assigned to column j (0 = none)
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = (cost[(i0 - 1) * cols + (j - 1)] as number) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          const row = p[j] as number;
          u[row] = (u[row] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else {
          minv[j] = (minv[j] as number) - delta;
        }
      }
      j0 = j1;
    } while ((p[j0] as number) !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Int32Array(rows);
  for (let j = 1; j <= cols; j++) {
    const row = p[j] as number;
    if (row > 0) out[row - 1] = j - 1;
  }
  return out;
}
