/**
 * Japan's J-Alert rules over a nation's estimate series (facts.md §4.1: J-Alert fires when a missile may
 * fall on, or pass over, Japan's territory or territorial waters, for the prefectures on the path).
 *
 * - Launch (発射情報): the path probability reaches `pathProbability` on `confirmEvaluations` evaluations
 *   in a row of a track with path quality; names the prefectures (and Tokyo's islands) the path passes
 *   with `areaProbability` whose time under the path has not yet gone by (2022-11-03: an alert after the
 *   passage helps no one). New prefectures later get an update naming them all (2022-10-04 07:29).
 * - Predicted impact (直ちに避難): the impact probability reaches `impactProbability` on consecutive
 *   evaluations of a track with impact quality (older than `minImpactTrackAgeS`, predicted impact moving
 *   under `maxImpactDriftKmPerS`), before the predicted impact time (2023-04-13: a young track's boost-
 *   phase prediction ordered Hokkaido to shelter).
 * - Cancellation (解除): an active warning whose path probability stays under `cancelProbability` for
 *   `cancelEvaluations` evaluations; it references every warning it lifts (2023-05-31 07:04).
 * - Overflight (通過): the path has finished crossing Japan (last time over land or territorial sea is
 *   past) with `overflightProbability`, and the impact is not on Japan.
 * - After the predicted impact time: impact (落下推定) when on Japan, else impact outside territorial
 *   waters (領海外落下), for a warning still active and not already closed by 通過.
 */
import type { RegionIndex } from "../geo/regions.ts";
import type { Alert, AlertReference } from "../model/alert.ts";
import type { AreaProbability } from "./assess.ts";
import { AlertSequence, type Draft, subdivisionName } from "./draft.ts";
import type { EstimateSeries } from "./estimate.ts";
import { type Evaluation, evaluateSeries } from "./evaluate.ts";
import type { JapanWarningPolicy } from "./policy.ts";
import { seaAt } from "./seas.ts";
import {
  cancellationText,
  impactText,
  type JapaneseMessage,
  launchText,
  outsideText,
  overflightText,
  predictedImpactText,
} from "./text-ja.ts";

const JP_BOX = { south: 19.5, north: 47, west: 121.5, east: 155 };
const inJapanBox = (p: { lat: number; lon: number }): boolean =>
  p.lat >= JP_BOX.south && p.lat <= JP_BOX.north && p.lon >= JP_BOX.west && p.lon <= JP_BOX.east;

const key = (a: AreaProbability): string => `${a.subdivision.code}-${a.subdivision.area ?? ""}`;
const names = (as: readonly AreaProbability[], lang: "native" | "en"): string =>
  as.map((a) => subdivisionName(a.subdivision, lang)).join(lang === "en" ? ", " : "、");

/** J-Alert warnings from one nation's estimate series. */
export function japanWarnings(
  series: EstimateSeries,
  regions: RegionIndex,
  policy: JapanWarningPolicy,
  idPrefix: string,
): Alert[] {
  const seq = new AlertSequence(policy, idPrefix);
  const { out, issued } = seq;
  let closed = false;
  let pathRun = 0;
  let impactRun = 0;
  let lowRun = 0;
  let impactWarned = false;
  const emit = (d: Omit<Draft, "native" | "english">, text: JapaneseMessage): Alert =>
    seq.emit(d, text.ja, text.en);
  const refs = (): AlertReference[] => seq.refs();
  const issuedAreas = (): AreaProbability[] => [...issued.values()];

  const close = (ev: Evaluation): void => {
    const { estimate: e, assessment: a } = ev;
    const base = {
      references: refs(),
      t: ev.t,
      estimate: e,
      subdivisions: issuedAreas().map((x) => x.subdivision),
    };
    if (a.pImpact >= policy.impactProbability) {
      const where = a.impactAreas.length > 0 ? a.impactAreas.slice(0, 1) : issuedAreas().slice(0, 1);
      emit(
        {
          ...base,
          kind: { system: "j-alert", type: "impact" },
          msgType: "update",
          probability: a.pImpact,
          probabilityOf: "impact on Japan's land or territorial sea",
          onsetT: e.impact.t,
          drawn: { shape: "impact", estimate: e },
        },
        impactText(e.impact.t, names(where, "native"), names(where, "en")),
      );
    } else if (a.crossing && a.pPath >= policy.overflightProbability && a.crossing.lastT < e.impact.t) {
      emit(
        {
          ...base,
          kind: { system: "j-alert", type: "overflight" },
          msgType: "update",
          probability: a.pPath,
          probabilityOf: "path over Japan's land or territorial sea",
          onsetT: a.crossing.lastT,
        },
        overflightText(a.crossing.lastT, seaAt(e.impact.lat, e.impact.lon)),
      );
    } else {
      emit(
        {
          ...base,
          kind: { system: "j-alert", type: "impact-outside-territorial-waters" },
          msgType: "update",
          probability: 1 - a.pImpact,
          probabilityOf: "impact outside Japan's territorial sea",
          onsetT: e.impact.t,
          drawn: { shape: "impact", estimate: e },
        },
        outsideText(e.impact.t, seaAt(e.impact.lat, e.impact.lon)),
      );
    }
    closed = true;
  };

  const step = (ev: Evaluation): void => {
    if (closed) return;
    const { estimate: e, assessment: a, t } = ev;
    pathRun = ev.pathQuality && a.pPath >= policy.pathProbability ? pathRun + 1 : 0;
    impactRun =
      ev.impactQuality && a.pImpact >= policy.impactProbability && e.impact.t > t ? impactRun + 1 : 0;
    lowRun = a.pPath < policy.cancelProbability ? lowRun + 1 : 0;

    if (seq.active.length > 0) {
      if (t >= e.impact.t) {
        close(ev);
        return;
      }
      const passed = a.crossing !== null && a.crossing.lastT < t;
      if (passed && a.pPath >= policy.overflightProbability && a.pImpact < policy.impactProbability) {
        close(ev);
        return;
      }
      if (lowRun >= policy.cancelEvaluations) {
        emit(
          {
            kind: { system: "j-alert", type: "cancellation" },
            msgType: "cancel",
            references: refs(),
            t,
            estimate: e,
            probability: a.pPath,
            probabilityOf: "path over Japan's land or territorial sea",
            subdivisions: issuedAreas().map((x) => x.subdivision),
            note: "The prediction no longer brings the missile over Japan.",
          },
          cancellationText(),
        );
        seq.reset();
        impactWarned = false;
        return;
      }
    }

    if (impactRun >= policy.confirmEvaluations && !impactWarned) {
      const where = a.impactAreas.filter((x) => x.probability >= policy.areaProbability);
      if (where.length > 0) {
        for (const w of where) issued.set(key(w), w);
        const alert = emit(
          {
            kind: { system: "j-alert", type: "predicted-impact" },
            msgType: seq.active.length > 0 ? "update" : "alert",
            references: refs(),
            t,
            estimate: e,
            probability: a.pImpact,
            probabilityOf: "impact on Japan's land or territorial sea",
            subdivisions: where.map((x) => x.subdivision),
            onsetT: e.impact.t,
            drawn: { shape: "impact", estimate: e },
          },
          predictedImpactText(e.impact.t, names(where, "native"), names(where, "en")),
        );
        seq.active.push(alert);
        impactWarned = true;
        return;
      }
    }

    if (pathRun >= policy.confirmEvaluations) {
      const targets = a.pathAreas.filter((x) => x.probability >= policy.areaProbability && x.lastT >= t);
      const fresh = targets.filter((x) => !issued.has(key(x)));
      if (fresh.length === 0) return;
      for (const x of targets) issued.set(key(x), x);
      const alert = emit(
        {
          kind: { system: "j-alert", type: "launch" },
          msgType: seq.active.length > 0 ? "update" : "alert",
          references: refs(),
          t,
          estimate: e,
          probability: a.pPath,
          probabilityOf: "path over Japan's land or territorial sea",
          subdivisions: targets.map((x) => x.subdivision),
          ...(a.crossing ? { onsetT: a.crossing.firstT } : {}),
          drawn: { shape: "path", estimate: e, halfWidthKm: policy.areaBufferKm, inBox: inJapanBox },
        },
        launchText(),
      );
      seq.active.push(alert);
    }
  };

  const last = evaluateSeries(series, regions, policy, step);
  // The record ended (tracks lost or deleted near the ground): judge once more at the predicted impact.
  if (last && !closed && seq.active.length > 0) {
    const t = Math.max(series.endT, last.estimate.impact.t);
    close({ ...last, t });
  }
  return out;
}
