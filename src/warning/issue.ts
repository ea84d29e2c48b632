/** The warning rules' entry point: a nation's estimate series to its public warnings. */
import type { RegionIndex } from "../geo/regions.ts";
import type { Alert } from "../model/alert.ts";
import type { EstimateSeries } from "./estimate.ts";
import { japanWarnings } from "./japan.ts";
import { koreaWarnings } from "./korea.ts";
import type { WarningPolicy } from "./policy.ts";
import { alertTime } from "./time.ts";

/** Options of `issueWarnings`. */
export interface IssueOptions {
  /** Prefix of alert ids (default: the system and the local date-time of the first estimate). */
  idPrefix?: string;
}

/** Runs a nation's rules over its estimate series; the alerts come in the order they are sent. */
export function issueWarnings(
  series: EstimateSeries,
  regions: RegionIndex,
  policy: WarningPolicy,
  options: IssueOptions = {},
): Alert[] {
  const first = series.estimates.reduce((m, e) => Math.min(m, e.t), Number.POSITIVE_INFINITY);
  const stamp = Number.isFinite(first) ? alertTime(first).slice(0, 16).replace(/[-:]/g, "") : "0";
  if (policy.nation === "JPN")
    return japanWarnings(series, regions, policy, options.idPrefix ?? `JALERT-${stamp}`);
  return koreaWarnings(series, regions, policy, options.idPrefix ?? `KR-MOIS-${stamp}`);
}
