/**
 * Warning policies as data. facts.md §4 gives the message templates and the observed practice (when
 * J-Alert fires: a missile that "may fall on, or pass over" Japan's territory or territorial waters;
 * Korea's 경계경보/공습경보 levels and cell-broadcast tiers), never numeric thresholds: none is public
 * (facts.md §7 "do not fabricate"). Every number below is therefore a Triwatch engineering parameter with
 * a conservative default and the reason for it, not an official value.
 */
import { z } from "zod";

const probability = z.number().min(0).max(1);

/** Rules shared by both nations: track quality, hysteresis, staleness, area targeting. */
const common = {
  /** A track's estimate older than this (s) no longer counts; 30 s is several radar revisits. */
  staleAfterS: z.number().positive().default(30),
  /** Youngest track (s since confirmation) whose path may trigger the first warning; one revisit or two. */
  minTrackAgeS: z.number().min(0).default(10),
  /**
   * Fastest the predicted impact may move (km/s, between two estimates of one track) for the path to
   * count: in boost the ballistic prediction sweeps thousands of km (tens of km/s), which is what
   * produced early false paths; after burnout it settles to well under 1 km/s.
   */
  maxPathDriftKmPerS: z.number().positive().default(5),
  /** As above for an impact-on-territory warning, which orders immediate shelter: stricter. */
  maxImpactDriftKmPerS: z.number().positive().default(1),
  /** Youngest track (s) that may trigger an impact-on-territory warning (2023-04-13 came from a young track). */
  minImpactTrackAgeS: z.number().min(0).default(30),
  /** Consecutive qualifying evaluations before a warning is issued (no warning on one outlier). */
  confirmEvaluations: z.number().int().min(1).default(2),
  /** Consecutive evaluations below the cancel threshold before a warning is cancelled (no flapping). */
  cancelEvaluations: z.number().int().min(1).default(3),
  /** Path probability at or above which the path warning goes out ("may pass over"): low, to warn early. */
  pathProbability: probability.default(0.1),
  /** Impact probability (on land or territorial sea) for the impact warning: more likely than not. */
  impactProbability: probability.default(0.5),
  /** Path probability under which an active warning is cancelled: well below the issue threshold. */
  cancelProbability: probability.default(0.02),
  /** A subdivision is named when the path or impact passes within `areaBufferKm` of it with this probability. */
  areaProbability: probability.default(0.1),
  /** Margin (km) around land for naming a subdivision: about 2× the 12 NM territorial sea. */
  areaBufferKm: z.number().min(0).default(50),
  /** Step (km) at which the predicted path is classified near the nation (islands are a few km wide). */
  pathStepKm: z.number().positive().default(5),
  /** Status written on the alerts: simulated runs are exercises unless told otherwise. */
  status: z.enum(["actual", "exercise", "system", "test", "draft"]).default("exercise"),
};

/** Default J-Alert targeting width (km), calibrated on facts.md §4.1's area lists; see `targetWidthKm`. */
export const TARGET_WIDTH_KM = 50;
/** The width (km) that reproduces the 2017 overflight J-Alerts' 12 prefectures; see `targetWidthKm`. */
export const JALERT_2017_WIDTH_KM = 550;

/** Japan's J-Alert rules. */
export const JapanWarningPolicy = z.strictObject({
  nation: z.literal("JPN"),
  ...common,
  /**
   * J-Alert targeting width (km). Besides the prefectures under the path (`areaBufferKm` with
   * `areaProbability`), a launch message names every prefecture within this distance of the predicted
   * path still ahead, as J-Alert practice did (facts.md §4.1): the 2017 overflights of the Oshima Peninsula
   * and Cape Erimo named 12 prefectures from Hokkaido down to Nagano and Ibaraki, some 500 km south of the
   * path; 2022-10-04 named Hokkaido and Aomori for a path over Aomori, 2022-11-03 Miyagi, Yamagata and
   * Niigata. No width is published, and one width cannot match both: about 550 km gives the 2017 lists
   * (warning.test.ts), but names 13–14 prefectures for the 2022-10-04 and 2023-11-21 paths, where 1–2
   * were named. The default is the width that agrees best with all four recorded lists (`npx tsx
   * bench/warnings.ts --widths …`, bench/RESULTS.md): the practice since 2022. An engineering choice;
   * 0 names only the prefectures under the path.
   */
  targetWidthKm: z.number().min(0).default(TARGET_WIDTH_KM),
  /** Path probability at which a finished passage is announced as an overflight (通過). */
  overflightProbability: probability.default(0.5),
  /**
   * Satellite launches (facts.md §4.1: J-Alert for Okinawa on 2023-05-31 and 2023-11-21): the launcher's
   * heading is projected this far (km) along the great circle from its current position. Engineering
   * choice, not an official value: Sohae to the gap between Okinawa and Miyako is about 1,600 km, so
   * 3,000 km covers Japan's south-western islands with margin for a southward launch.
   */
  spaceLaunchPathKm: z.number().positive().default(3000),
  /**
   * Floor (degrees, 1-σ) of the launcher's course error: a track in powered flight lags the accelerating
   * vehicle, and a launcher may turn (dog-leg); 2° is about 50 km across at 1,600 km.
   */
  spaceLaunchCourseSigmaDeg: z.number().min(0).default(2),
  /** Sender address written on the alerts (illustrative). */
  sender: z.string().default("jalert.triwatch.example"),
  /** Issuing authority. */
  authority: z.string().default("内閣官房・消防庁 (Cabinet Secretariat / FDMA)"),
});
/** Parsed Japanese policy. */
export type JapanWarningPolicy = z.infer<typeof JapanWarningPolicy>;

/** South Korea's civil-defence and cell-broadcast rules. */
export const KoreaWarningPolicy = z.strictObject({
  nation: z.literal("KOR"),
  ...common,
  /** Sender address written on the alerts (illustrative). */
  sender: z.string().default("mois.triwatch.example"),
  /** Issuing authority. */
  authority: z.string().default("행정안전부 (Ministry of the Interior and Safety)"),
});
/** Parsed Korean policy. */
export type KoreaWarningPolicy = z.infer<typeof KoreaWarningPolicy>;

/** Either nation's policy. */
export const WarningPolicy = z.discriminatedUnion("nation", [JapanWarningPolicy, KoreaWarningPolicy]);
/** A parsed policy. */
export type WarningPolicy = z.infer<typeof WarningPolicy>;

/** The default policy of a nation. */
export function defaultPolicy(nation: "JPN" | "KOR"): WarningPolicy {
  return WarningPolicy.parse({ nation });
}
