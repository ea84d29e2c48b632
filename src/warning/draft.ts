/** Turning a rule's decision into an Alert: ids, times, basis, bilingual infos and areas (CAP-ready). */
import {
  Alert,
  type AlertArea,
  type AlertInfo,
  type AlertKind,
  type AlertReference,
} from "../model/alert.ts";
import type { Subdivision } from "../model/region.ts";
import type { AreaProbability } from "./assess.ts";
import type { WarningEstimate } from "./estimate.ts";
import { capPoint, corridorRing, ellipseRing } from "./geometry.ts";
import type { WarningPolicy } from "./policy.ts";
import type { MessageText } from "./text-ja.ts";
import { alertTime } from "./time.ts";

/** An extra drawn area: the predicted path corridor or the impact ellipse. */
export type DrawnArea =
  | {
      shape: "path";
      estimate: WarningEstimate;
      halfWidthKm: number;
      inBox: (p: { lat: number; lon: number }) => boolean;
    }
  | { shape: "impact"; estimate: WarningEstimate };

/** What a rule decided to say. */
export interface Draft {
  kind: AlertKind;
  msgType: "alert" | "update" | "cancel";
  references: AlertReference[];
  /** When it is sent (Unix s). */
  t: number;
  estimate: WarningEstimate;
  /** The probability the decision rested on, and what it is the probability of. */
  probability: number;
  probabilityOf: string;
  subdivisions: readonly Subdivision[];
  drawn?: DrawnArea;
  /** When the hazard arrives or arrived (Unix s). */
  onsetT?: number;
  native: MessageText;
  english: MessageText;
  note?: string;
  /** Based on a satellite launcher's projected path: the basis names no impact. */
  spaceLaunch?: boolean;
}

/** A subdivision's name in the nation's language or in English (Tokyo's islands named apart). */
export function subdivisionName(s: Subdivision, lang: "native" | "en"): string {
  if (s.area === "tokyo-islands")
    return lang === "en" ? "Tokyo (Izu and Ogasawara islands)" : "東京都（伊豆諸島・小笠原諸島）";
  return lang === "en" ? s.nameEn : s.nameNative;
}

function subdivisionArea(s: Subdivision, lang: "native" | "en"): AlertArea {
  return {
    description: subdivisionName(s, lang),
    polygons: [],
    codes: [
      { scheme: s.codeScheme, code: s.code },
      { scheme: "ISO 3166-2", code: s.iso3166_2 },
    ],
  };
}

function drawnArea(d: DrawnArea, lang: "native" | "en", nativeLang: string): AlertArea | undefined {
  const e = d.estimate;
  if (d.shape === "impact") {
    const description =
      lang === "en"
        ? "Predicted impact area (95 %)"
        : nativeLang === "ja-JP"
          ? "予測落下域（95 %）"
          : "예상 낙하 지역 (95 %)";
    return { description, polygons: [ellipseRing(e.impact, e.impact.ellipse95)], codes: [] };
  }
  const line = e.groundTrack.filter(d.inBox);
  const ring = corridorRing(line, d.halfWidthKm);
  if (!ring) return undefined;
  const description = lang === "en" ? "Predicted path" : nativeLang === "ja-JP" ? "予測経路" : "예상 경로";
  return { description, polygons: [ring], codes: [] };
}

const round = (x: number, k: number): number => Math.round(x * 10 ** k) / 10 ** k;

/** Builds and validates the alert (throws only on a programming error: the schema is the contract). */
export function buildAlert(policy: WarningPolicy, id: string, d: Draft): Alert {
  const nativeLang = policy.nation === "JPN" ? "ja-JP" : "ko-KR";
  const e = d.estimate;
  const info = (lang: "native" | "en", text: MessageText): AlertInfo => {
    const areas = d.subdivisions.map((s) => subdivisionArea(s, lang));
    const drawn = d.drawn ? drawnArea(d.drawn, lang, nativeLang) : undefined;
    if (drawn) areas.push(drawn);
    const out: AlertInfo = {
      language: lang === "en" ? "en-US" : nativeLang,
      headline: text.headline,
      description: text.description,
      areas,
    };
    if (text.instruction !== undefined) out.instruction = text.instruction;
    return out;
  };
  const pIm = capPoint(e.impact);
  const times: Alert["times"] = { launch: alertTime(e.launchT), effective: alertTime(d.t) };
  if (d.onsetT !== undefined) times.onset = alertTime(d.onsetT);
  return Alert.parse({
    id,
    sender: policy.sender,
    issuer: { nation: policy.nation, authority: policy.authority },
    sent: alertTime(d.t),
    status: policy.status,
    msgType: d.msgType,
    references: d.references,
    note: `${d.note ? `${d.note} ` : ""}Basis: ${d.probabilityOf} ${round(d.probability, 3)}.`,
    kind: d.kind,
    times,
    basis: d.spaceLaunch
      ? {
          trackId: e.trackId,
          asOf: alertTime(e.asOfT),
          missileClass: "SLV",
          probabilityInArea: round(d.probability, 3),
        }
      : {
          trackId: e.trackId,
          asOf: alertTime(e.asOfT),
          missileClass: e.missileClass,
          predictedImpact: { lat: pIm.lat, lon: pIm.lon, time: alertTime(e.impact.t) },
          ellipse95: {
            semiMajorM: Math.round(e.impact.ellipse95.semiMajorM),
            semiMinorM: Math.round(e.impact.ellipse95.semiMinorM),
            orientationDeg: round(Math.min(180, Math.max(0, e.impact.ellipse95.orientationDeg)), 1),
          },
          probabilityInArea: round(d.probability, 3),
        },
    infos: [info("native", d.native), info("en", d.english)],
  });
}

/** The reference to an issued alert. */
export function referenceTo(a: Alert): AlertReference {
  return { sender: a.sender, id: a.id, sent: a.sent };
}

/**
 * The alerts one nation has sent for one event, in order: which are still active (an update or a
 * cancellation references them) and which areas they have named so far.
 */
export class AlertSequence {
  readonly out: Alert[] = [];
  readonly issued = new Map<string, AreaProbability>();
  active: Alert[] = [];
  readonly #policy: WarningPolicy;
  readonly #idPrefix: string;

  constructor(policy: WarningPolicy, idPrefix: string) {
    this.#policy = policy;
    this.#idPrefix = idPrefix;
  }

  /** Builds, numbers and records the next alert. */
  emit(d: Omit<Draft, "native" | "english">, native: MessageText, english: MessageText): Alert {
    const id = `${this.#idPrefix}-${String(this.out.length + 1).padStart(2, "0")}`;
    const alert = buildAlert(this.#policy, id, { ...d, native, english });
    this.out.push(alert);
    return alert;
  }

  /** References to every active alert, for an update or a cancellation. */
  refs(): AlertReference[] {
    return this.active.map(referenceTo);
  }

  /** Ends the sequence's active warnings (after a cancellation or the last message). */
  reset(): void {
    this.active = [];
    this.issued.clear();
  }
}
