/**
 * South Korea's civil-defence rules (facts.md §4.2), by province (시도):
 *
 * - 경계경보 (an attack is expected): the predicted path comes within `areaBufferKm` of a province with
 *   `pathProbability`, on `confirmEvaluations` evaluations in a row of a track with path quality, before
 *   the path reaches it. Only those provinces are named (2023-05-31: Seoul was alerted for a launch whose
 *   path lay over the Yellow Sea, far from it). Later provinces get an update naming them all.
 * - 공습경보 (an attack is imminent): the impact probability on Korean land or territorial sea reaches
 *   `impactProbability`, with impact quality, before the predicted impact.
 * - Every alert goes out by 위급재난문자 too (facts.md §4.2: all civil-defence alerts are accompanied by it).
 * - Never a lower level after a higher one: after a 공습경보, provinces newly under the path get a new
 *   경계경보 of their own (no update restating the 공습경보 provinces at the lower level).
 * - 경보해제: when the near-path probability stays under `cancelProbability` for `cancelEvaluations`
 *   evaluations, or once the path has gone past every alerted province (or the impact time passed).
 */
import type { RegionIndex } from "../geo/regions.ts";
import type { Alert, AlertReference } from "../model/alert.ts";
import type { AreaProbability } from "./assess.ts";
import { AlertSequence, type Draft, subdivisionName } from "./draft.ts";
import type { EstimateSeries } from "./estimate.ts";
import { type Evaluation, evaluateSeries } from "./evaluate.ts";
import type { KoreaWarningPolicy } from "./policy.ts";
import { airRaidText, alertText, allClearText, type KoreanMessage } from "./text-ko.ts";

const KR_BOX = { south: 32, north: 39.5, west: 123.5, east: 133 };
const inKoreaBox = (p: { lat: number; lon: number }): boolean =>
  p.lat >= KR_BOX.south && p.lat <= KR_BOX.north && p.lon >= KR_BOX.west && p.lon <= KR_BOX.east;
const key = (a: AreaProbability): string => a.subdivision.code;
const names = (as: readonly AreaProbability[], lang: "native" | "en"): string =>
  as.map((a) => subdivisionName(a.subdivision, lang)).join(", ");

/** Korean civil-defence warnings from one nation's estimate series. */
export function koreaWarnings(
  series: EstimateSeries,
  regions: RegionIndex,
  policy: KoreaWarningPolicy,
  idPrefix: string,
): Alert[] {
  const seq = new AlertSequence(policy, idPrefix);
  const { out, issued } = seq;
  let pathRun = 0;
  let impactRun = 0;
  let lowRun = 0;
  let airRaid = false;
  const emit = (d: Omit<Draft, "native" | "english">, text: KoreanMessage): Alert =>
    seq.emit(d, text.ko, text.en);
  const refs = (): AlertReference[] => seq.refs();
  const lift = (ev: Evaluation, why: "passed" | "no-threat", probability: number): void => {
    const areas = [...issued.values()];
    emit(
      {
        kind: { system: "kr-civil-defence", level: "경보해제", cellBroadcast: "위급재난문자" },
        msgType: "cancel",
        references: refs(),
        t: ev.t,
        estimate: ev.estimate,
        probability,
        probabilityOf: "path near the alerted provinces",
        subdivisions: areas.map((x) => x.subdivision),
      },
      allClearText(ev.t, names(areas, "native"), names(areas, "en"), why),
    );
    seq.reset();
    airRaid = false;
  };

  const step = (ev: Evaluation): void => {
    const { estimate: e, assessment: a, t } = ev;
    const near = a.pathAreas.reduce((m, x) => Math.max(m, x.probability), 0);
    pathRun = ev.pathQuality && near >= policy.pathProbability ? pathRun + 1 : 0;
    impactRun =
      ev.impactQuality && a.pImpact >= policy.impactProbability && e.impact.t > t ? impactRun + 1 : 0;
    lowRun = near < policy.cancelProbability ? lowRun + 1 : 0;

    if (seq.active.length > 0) {
      const stillAhead = a.pathAreas.some((x) => issued.has(key(x)) && x.lastT >= t);
      if (t >= e.impact.t || (!stillAhead && !airRaid)) {
        lift(ev, "passed", near);
        return;
      }
      if (lowRun >= policy.cancelEvaluations) {
        lift(ev, "no-threat", near);
        return;
      }
    }

    if (impactRun >= policy.confirmEvaluations && !airRaid) {
      const where = a.impactAreas.filter((x) => x.probability >= policy.areaProbability);
      if (where.length > 0) {
        for (const w of where) issued.set(key(w), w);
        seq.active.push(
          emit(
            {
              kind: { system: "kr-civil-defence", level: "공습경보", cellBroadcast: "위급재난문자" },
              msgType: seq.active.length > 0 ? "update" : "alert",
              references: refs(),
              t,
              estimate: e,
              probability: a.pImpact,
              probabilityOf: "impact on Korean land or territorial sea",
              subdivisions: where.map((x) => x.subdivision),
              onsetT: e.impact.t,
              drawn: { shape: "impact", estimate: e },
            },
            airRaidText(t, e.impact.t, names(where, "native"), names(where, "en")),
          ),
        );
        airRaid = true;
        return;
      }
    }

    if (pathRun >= policy.confirmEvaluations) {
      const targets = a.pathAreas.filter((x) => x.probability >= policy.areaProbability && x.lastT >= t);
      const fresh = targets.filter((x) => !issued.has(key(x)));
      if (fresh.length === 0) return;
      for (const x of targets) issued.set(key(x), x);
      // Never a lower level after the higher one: once a 공습경보 is out, an update of the sequence would
      // restate its provinces at 경계경보. Provinces newly under the path get their own 경계경보 instead.
      const named = airRaid ? fresh : targets;
      seq.active.push(
        emit(
          {
            kind: { system: "kr-civil-defence", level: "경계경보", cellBroadcast: "위급재난문자" },
            msgType: seq.active.length > 0 && !airRaid ? "update" : "alert",
            references: airRaid ? [] : refs(),
            t,
            estimate: e,
            probability: near,
            probabilityOf: `path within ${policy.areaBufferKm} km of the provinces`,
            subdivisions: named.map((x) => x.subdivision),
            ...(a.crossing ? { onsetT: a.crossing.firstT } : {}),
            drawn: { shape: "path", estimate: e, halfWidthKm: policy.areaBufferKm, inBox: inKoreaBox },
          },
          alertText(t, names(named, "native"), names(named, "en")),
        ),
      );
    }
  };

  const last = evaluateSeries(series, regions, policy, step);
  if (last && seq.active.length > 0)
    lift({ ...last, t: Math.max(series.endT, last.estimate.impact.t) }, "passed", 0);
  return out;
}
