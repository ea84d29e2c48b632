/**
 * Japan's J-Alert rules over a nation's estimate series (facts.md §4.1: J-Alert fires when a missile may
 * fall on, or pass over, Japan's territory or territorial waters, for the prefectures on the path).
 *
 * - Launch (発射情報): the path probability reaches `pathProbability` on `confirmEvaluations` evaluations
 *   in a row of a track with path quality; names the prefectures (and Tokyo's islands) the path passes
 *   with `areaProbability` whose time under the path has not yet gone by (2022-11-03: an alert after the
 *   passage helps no one), and every prefecture within `targetWidthKm` of the path still ahead (J-Alert
 *   practice, targeting.ts). New prefectures later get an update naming them all (2022-10-04 07:29).
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
 * - Satellite launches (series.spaceLaunch, see `spaceStep` below and space.ts): the launch message for the
 *   prefectures under the launcher's projected path, then 通過 or the lifting of the call.
 */
import type { RegionIndex } from "../geo/regions.ts";
import type { Alert, AlertReference } from "../model/alert.ts";
import type { AreaProbability } from "./assess.ts";
import { AlertSequence, type Draft, subdivisionName } from "./draft.ts";
import type { EstimateSeries } from "./estimate.ts";
import { type Evaluation, evaluateSeries } from "./evaluate.ts";
import { distanceKm } from "./geometry.ts";
import type { JapanWarningPolicy } from "./policy.ts";
import { seaAt } from "./seas.ts";
import { spaceLaunchEvaluations } from "./space.ts";
import { TargetBand } from "./targeting.ts";
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

/** Longest step (km) between a launcher's successive sub-points still taken as its flight. */
const MAX_SEGMENT_KM = 300;
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
  // The satellite-launch rule's state (space.ts): its own confirmation run, its alerts, the predicted
  // crossing of Japan's land or territorial sea, and its last evaluation.
  let spaceRun = 0;
  const spaceIds = new Set<string>();
  let overflown: { firstT: number; lastT: number } | null = null;
  let lastSpace: Evaluation | undefined;
  const ballisticActive = (): boolean => seq.active.some((x) => !spaceIds.has(x.id));
  // J-Alert's practice width: prefectures near the path still ahead are named too (targeting.ts).
  const band = new TargetBand(regions, "JPN", policy.targetWidthKm);
  const withBand = (under: AreaProbability[], e: Evaluation["estimate"], t: number): AreaProbability[] => {
    if (policy.targetWidthKm <= 0) return under;
    const named = new Set(under.map(key));
    return [...under, ...band.around(e, t, inJapanBox).filter((x) => !named.has(key(x)))];
  };
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
    if (ev.spaceLaunch) {
      spaceStep(ev);
      return;
    }
    const { estimate: e, assessment: a, t } = ev;
    pathRun = ev.pathQuality && a.pPath >= policy.pathProbability ? pathRun + 1 : 0;
    impactRun =
      ev.impactQuality && a.pImpact >= policy.impactProbability && e.impact.t > t ? impactRun + 1 : 0;
    lowRun = a.pPath < policy.cancelProbability ? lowRun + 1 : 0;

    if (ballisticActive()) {
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
        spaceIds.clear();
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
      launchMessage(ev, "path over Japan's land or territorial sea", false);
    }
  };

  /**
   * Where the launcher actually went between two evaluations: the segment between its sub-points,
   * stepped at `pathStepKm`, checked against Japan's land and territorial sea. A jump longer than
   * `MAX_SEGMENT_KM` (another object's track) is not a flight segment and is skipped.
   */
  const overflight = (
    from: { lat: number; lon: number },
    to: { lat: number; lon: number },
    t0: number,
    t1: number,
    sofar: { firstT: number; lastT: number } | null,
  ): { firstT: number; lastT: number } | null => {
    const km = distanceKm(from, to);
    if (km > MAX_SEGMENT_KM) return sofar;
    const steps = Math.max(1, Math.ceil(km / policy.pathStepKm));
    let out = sofar;
    for (let k = 0; k <= steps; k++) {
      const u = k / steps;
      const lat = from.lat + u * (to.lat - from.lat);
      const lon = from.lon + u * (to.lon - from.lon);
      const r = regions.regionAt(lat, lon).regions[0];
      if (r && (r.kind === "land" || r.kind === "territorial-sea") && r.nation === "JPN") {
        const tt = t0 + u * (t1 - t0);
        out = out ? { firstT: out.firstT, lastT: tt } : { firstT: tt, lastT: tt };
      }
    }
    return out;
  };

  /** Closes a satellite-launch warning: 通過 if the launcher crossed Japan, else the call is lifted. */
  const closeSpace = (ev: Evaluation, why: string): void => {
    const base = { references: refs(), t: ev.t, estimate: ev.estimate, spaceLaunch: true };
    const subdivisions = issuedAreas().map((x) => x.subdivision);
    const at = ev.estimate.groundTrack[0] ?? ev.estimate.impact;
    if (overflown) {
      emit(
        {
          ...base,
          kind: { system: "j-alert", type: "overflight" },
          msgType: "update",
          probability: ev.assessment.pPath,
          probabilityOf: "launcher's path over Japan's land or territorial sea",
          subdivisions,
          onsetT: overflown.lastT,
        },
        overflightText(overflown.lastT, seaAt(at.lat, at.lon)),
      );
    } else {
      emit(
        {
          ...base,
          kind: { system: "j-alert", type: "cancellation" },
          msgType: "cancel",
          probability: ev.assessment.pPath,
          probabilityOf: "launcher's path over Japan's land or territorial sea",
          subdivisions,
          note: why,
        },
        cancellationText(),
      );
    }
    closed = true;
  };

  /**
   * The launch message (template 1) for the prefectures under the path and within the practice width
   * still ahead, unless none of them is new: an update when a warning is already active. Shared by the
   * ballistic and the satellite-launch rules.
   */
  const launchMessage = (ev: Evaluation, probabilityOf: string, spaceLaunch: boolean): Alert | undefined => {
    const { estimate: e, assessment: a, t } = ev;
    const targets = withBand(
      a.pathAreas.filter((x) => x.probability >= policy.areaProbability && x.lastT >= t),
      e,
      t,
    );
    const fresh = targets.filter((x) => !issued.has(key(x)));
    if (fresh.length === 0) return undefined;
    for (const x of targets) issued.set(key(x), x);
    const alert = emit(
      {
        kind: { system: "j-alert", type: "launch" },
        msgType: seq.active.length > 0 ? "update" : "alert",
        references: refs(),
        t,
        estimate: e,
        probability: a.pPath,
        probabilityOf,
        subdivisions: targets.map((x) => x.subdivision),
        ...(a.crossing ? { onsetT: a.crossing.firstT } : {}),
        drawn: {
          shape: "path",
          estimate: e,
          halfWidthKm: Math.max(policy.areaBufferKm, policy.targetWidthKm),
          inBox: inJapanBox,
        },
        ...(spaceLaunch ? { spaceLaunch: true } : {}),
      },
      launchText(),
    );
    seq.active.push(alert);
    return alert;
  };

  /**
   * The satellite-launch rule (facts.md §4.1: J-Alert for Okinawa on 2023-05-31 and 2023-11-21, the
   * launch template): the launcher's projected path passes over Japan with `pathProbability` on
   * `confirmEvaluations` evaluations in a row → the launch message (template 1) for the prefectures
   * within `targetWidthKm` of the path ahead; later prefectures get an update. Once the launcher has gone
   * past every named prefecture: 通過 (template 4) if its tracked sub-points crossed Japan's land or
   * territorial sea, else
   * the call to shelter is lifted (the 2023-05-31 wording). A launcher lost with the warning still on
   * (2023-05-31: lost over the Yellow Sea) is lifted at the end of the record.
   */
  const spaceStep = (ev: Evaluation): void => {
    const { estimate: e, assessment: a, t } = ev;
    const from = lastSpace?.estimate.groundTrack[0];
    const to = e.groundTrack[0];
    if (from && to && lastSpace) overflown = overflight(from, to, lastSpace.t, t, overflown);
    lastSpace = ev;
    spaceRun = ev.pathQuality && a.pPath >= policy.pathProbability ? spaceRun + 1 : 0;
    if (spaceIds.size > 0) {
      // Named by the practice width too: a prefecture only near the path is still ahead while it is.
      const ahead = withBand(a.pathAreas, e, t).some((x) => issued.has(key(x)) && x.lastT >= t);
      if (!ahead) {
        closeSpace(ev, "The launcher has gone past the prefectures warned.");
        return;
      }
    }
    if (spaceRun < policy.confirmEvaluations) return;
    const alert = launchMessage(ev, "launcher's path over Japan's land or territorial sea", true);
    if (alert) spaceIds.add(alert.id);
  };

  const evaluations: Evaluation[] = [];
  const last = evaluateSeries(series, regions, policy, (ev) => evaluations.push(ev));
  const merged = [...evaluations, ...spaceLaunchEvaluations(series, regions, policy)].sort(
    (x, y) => x.t - y.t,
  );
  for (const ev of merged) step(ev);
  // The record ended (tracks lost or deleted near the ground): judge once more at the predicted impact.
  if (last && !closed && ballisticActive()) {
    const t = Math.max(series.endT, last.estimate.impact.t);
    close({ ...last, t });
  }
  // A launcher lost with its warning on: lift the call at the end of the record.
  if (lastSpace && !closed && spaceIds.size > 0 && seq.active.length > 0)
    closeSpace(
      { ...lastSpace, t: Math.max(series.endT, lastSpace.t) },
      "The launcher is no longer tracked towards Japan.",
    );
  return out;
}
