/**
 * J-Alert message texts: the Cabinet Secretariat templates (facts.md §4.1, kokuminhogo.go.jp jalert02/05,
 * reproduced by Ashiya town; the cancellation as observed 2023-05-31, NHK Hiroshima) with ●時●分 and
 * ●●県 filled in, and English beside them (Triwatch's translation, not an official one). The impact
 * template's ●●市 (municipality) is left out: the project's data stop at prefectures.
 */
import type { SeaName } from "./seas.ts";
import { clock } from "./time.ts";

/** Headline, description and instruction in one language. */
export interface MessageText {
  headline: string;
  description: string;
  instruction?: string;
}

/** A message in Japanese and English. */
export interface JapaneseMessage {
  ja: MessageText;
  en: MessageText;
}

const hm = (t: number): string => {
  const { h, m } = clock(t);
  return `${h}時${m}分`;
};
const hmEn = (t: number): string => {
  const { h, m } = clock(t);
  return `${h}:${String(m).padStart(2, "0")}`;
};
const REPORT_JA = "不審な物を発見した場合には、決して近寄らず、直ちに警察や消防などに連絡して下さい。";
const REPORT_EN =
  "If you find a suspicious object, do not go near it, and contact the police or fire service at once.";

/** Template 1, launch (発射情報). */
export function launchText(): JapaneseMessage {
  return {
    ja: {
      headline: "ミサイル発射",
      description: "ミサイル発射。ミサイル発射。北朝鮮からミサイルが発射されたものとみられます。",
      instruction: "建物の中、又は地下に避難して下さい。",
    },
    en: {
      headline: "Missile launch",
      description:
        "Missile launch. Missile launch. A missile appears to have been launched from North Korea.",
      instruction: "Take shelter inside a building or underground.",
    },
  };
}

/** Template 2, predicted impact on Japan (落下予測): ●時●分 the predicted impact, ●●県 the prefectures. */
export function predictedImpactText(impactT: number, prefJa: string, prefEn: string): JapaneseMessage {
  return {
    ja: {
      headline: "直ちに避難",
      description: `直ちに避難。直ちに避難。直ちに建物の中、又は地下に避難して下さい。ミサイルが、${hm(impactT)}頃、${prefJa}周辺に落下するものとみられます。`,
      instruction: "直ちに避難して下さい。",
    },
    en: {
      headline: "Take shelter immediately",
      description: `Take shelter immediately. Take shelter immediately. Go inside a building or underground at once. The missile is expected to fall around ${prefEn} at about ${hmEn(impactT)}.`,
      instruction: "Take shelter immediately.",
    },
  };
}

/** Template 3, impact on territory or territorial waters (落下推定). */
export function impactText(impactT: number, prefJa: string, prefEn: string): JapaneseMessage {
  return {
    ja: {
      headline: "ミサイル落下",
      description: `ミサイル落下。ミサイル落下。ミサイルが、${hm(impactT)}頃、${prefJa}周辺に落下したものとみられます。`,
      instruction: "続報を伝達しますので、引き続き屋内に避難して下さい。",
    },
    en: {
      headline: "Missile impact",
      description: `Missile impact. Missile impact. The missile appears to have fallen around ${prefEn} at about ${hmEn(impactT)}.`,
      instruction: "Further information will follow; stay indoors and sheltered.",
    },
  };
}

/** Template 4, overflight (通過): ●時●分 the last time over Japan, ●● where it went. */
export function overflightText(passedT: number, towards: SeaName): JapaneseMessage {
  return {
    ja: {
      headline: "ミサイル通過",
      description: `ミサイル通過。ミサイル通過。先程のミサイルは、${hm(passedT)}頃、${towards.ja}へ通過したものとみられます。`,
      instruction: REPORT_JA,
    },
    en: {
      headline: "Missile passed over",
      description: `Missile passed over. Missile passed over. The missile appears to have passed over into the ${towards.en} at about ${hmEn(passedT)}.`,
      instruction: REPORT_EN,
    },
  };
}

/** Template 5, impact outside the territorial waters (領海外落下). */
export function outsideText(impactT: number, sea: SeaName): JapaneseMessage {
  return {
    ja: {
      headline: "ミサイル落下（領海外）",
      description: `先程のミサイルは、${hm(impactT)}頃、${sea.ja}に落下したものとみられます。`,
      instruction: REPORT_JA,
    },
    en: {
      headline: "Missile fell outside territorial waters",
      description: `The missile appears to have fallen in the ${sea.en} at about ${hmEn(impactT)}.`,
      instruction: REPORT_EN,
    },
  };
}

/** The cancellation observed on 2023-05-31 (避難の呼びかけを解除). */
export function cancellationText(): JapaneseMessage {
  return {
    ja: {
      headline: "避難の呼びかけを解除",
      description: "先程のミサイルは、我が国には飛来しないものとみられます。避難の呼びかけを解除します。",
    },
    en: {
      headline: "Call to take shelter lifted",
      description: "The missile is not expected to reach Japan. The call to take shelter is lifted.",
    },
  };
}
