/**
 * Korean civil-defence texts with English beside them. facts.md §4.2 quotes Seoul's 2023-05-31 06:41
 * 위급재난문자 (「오늘 6시32분 서울지역에 경계경보 발령. 국민 여러분께서는 대피할 준비를 하시고, 어린이와
 * 노약자가 우선 대피할 수 있도록 해 주시기 바랍니다.」) and the levels' meanings; it gives no official
 * template for 공습경보 or 경보해제. Those texts, and the sentence saying why (a missile and its predicted
 * path, which the 2023-05-31 message lacked), are Triwatch wording built on the stated meanings.
 */
import type { JapaneseMessage as Bilingual } from "./text-ja.ts";
import { clock } from "./time.ts";

/** A message in Korean and English (same shape as the Japanese one). */
export interface KoreanMessage {
  ko: Bilingual["ja"];
  en: Bilingual["en"];
}

const hm = (t: number): string => {
  const { h, m } = clock(t);
  return `${h}시${m}분`;
};
const hmEn = (t: number): string => {
  const { h, m } = clock(t);
  return `${h}:${String(m).padStart(2, "0")}`;
};

/** 경계경보: an attack is expected; prepare to evacuate, children and the elderly first. */
export function alertText(sentT: number, areaKo: string, areaEn: string): KoreanMessage {
  return {
    ko: {
      headline: "경계경보 발령",
      description: `오늘 ${hm(sentT)} ${areaKo} 지역에 경계경보 발령. 북한에서 발사된 미사일이 ${areaKo} 인근 상공을 지날 것으로 예상됩니다.`,
      instruction:
        "국민 여러분께서는 대피할 준비를 하시고, 어린이와 노약자가 우선 대피할 수 있도록 해 주시기 바랍니다.",
    },
    en: {
      headline: "Civil defence alert issued",
      description: `A civil defence alert (경계경보) was issued for ${areaEn} at ${hmEn(sentT)} today. A missile launched from North Korea is expected to pass near ${areaEn}.`,
      instruction: "Prepare to evacuate, and help children and the elderly evacuate first.",
    },
  };
}

/** 공습경보: an attack is imminent; go to a shelter or underground now. */
export function airRaidText(sentT: number, impactT: number, areaKo: string, areaEn: string): KoreanMessage {
  return {
    ko: {
      headline: "공습경보 발령",
      description: `오늘 ${hm(sentT)} ${areaKo} 지역에 공습경보 발령. 북한에서 발사된 미사일이 ${hm(impactT)}경 ${areaKo} 인근에 낙하할 것으로 예상됩니다.`,
      instruction: "즉시 가까운 대피소나 지하로 대피하시기 바랍니다.",
    },
    en: {
      headline: "Air raid alert issued",
      description: `An air raid alert (공습경보) was issued for ${areaEn} at ${hmEn(sentT)} today. A missile launched from North Korea is expected to fall near ${areaEn} at about ${hmEn(impactT)}.`,
      instruction: "Go to the nearest shelter or underground at once.",
    },
  };
}

/** 경보해제: the alert is lifted; return to daily life. */
export function allClearText(
  sentT: number,
  areaKo: string,
  areaEn: string,
  why: "passed" | "no-threat",
): KoreanMessage {
  const whyKo =
    why === "passed" ? "미사일이 지나갔습니다." : "미사일이 이 지역으로 오지 않을 것으로 판단됩니다.";
  const whyEn =
    why === "passed" ? "The missile has passed." : "The missile is not expected to reach this area.";
  return {
    ko: {
      headline: "경보해제",
      description: `오늘 ${hm(sentT)} ${areaKo} 지역의 경보를 해제합니다. ${whyKo}`,
      instruction: "일상으로 복귀하시기 바랍니다.",
    },
    en: {
      headline: "All clear",
      description: `The alert for ${areaEn} was lifted at ${hmEn(sentT)} today. ${whyEn}`,
      instruction: "You may return to daily life.",
    },
  };
}
