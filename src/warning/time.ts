/** Times for warnings: JST/KST (UTC+9) for text and for the `sent` field (facts.md §0: JST = KST = UTC+9). */

const OFFSET_S = 9 * 3600;
const pad = (n: number): string => String(n).padStart(2, "0");

/** Unix seconds as an alert time in UTC+9, whole seconds (`2022-10-04T07:27:00+09:00`). */
export function alertTime(t: number): string {
  const d = new Date(Math.floor(t + OFFSET_S) * 1000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+09:00`
  );
}

/** Hour and minute in UTC+9 (rounded to the nearest minute, as "about ●時●分" is). */
export function clock(t: number): { h: number; m: number } {
  const d = new Date(Math.round((t + OFFSET_S) / 60) * 60_000);
  return { h: d.getUTCHours(), m: d.getUTCMinutes() };
}
