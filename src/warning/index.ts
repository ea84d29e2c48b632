/** The warning rules core: estimate series in, national public warnings (Alerts) out. */
export { type AreaProbability, assess, type NationAssessment } from "./assess.ts";
export {
  type EstimateSeries,
  type SpaceLaunchEstimate,
  type WarningEstimate,
  warningEstimate,
} from "./estimate.ts";
export { HISTORY, type HistoricalTimeline, historyFor, secondsAfterLaunch } from "./history.ts";
export { type IssueOptions, issueWarnings } from "./issue.ts";
export {
  defaultPolicy,
  JALERT_2017_WIDTH_KM,
  JapanWarningPolicy,
  KoreaWarningPolicy,
  TARGET_WIDTH_KM,
  WarningPolicy,
} from "./policy.ts";
export { alongGreatCircle, projectedPath, spaceLaunchEvaluations } from "./space.ts";
