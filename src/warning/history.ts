/**
 * Historical public-warning timelines, as data, from facts.md §4 (the observed J-Alert table of §4.1 and
 * the 2023-05-31 Korean timeline of §4.2; the sources are those the sheet cites, press-reported [P]
 * unless marked). Times are local (JST = KST = UTC+9) as the sheet gives them, to the minute.
 */

/** One observed warning message. */
export interface HistoricalMessage {
  /** Local time (UTC+9) as `hh:mm`. */
  time: string;
  /** What it was, in the Triwatch vocabulary where it matches one. */
  kind: string;
  /** Areas, as facts.md names them. */
  areas: string[];
  note?: string;
}

/** One event's observed timeline for one nation. */
export interface HistoricalTimeline {
  /** The scenario (scenarios/<id>.yaml) or event date. */
  event: string;
  nation: "JPN" | "KOR";
  /** Launch time (UTC) the sheet gives; seconds after launch are measured from it. */
  launchUtc: string;
  messages: HistoricalMessage[];
  source: string;
}

const J = "facts.md §4.1, observed J-Alert timelines";
const TWELVE = [
  "北海道",
  "青森",
  "岩手",
  "宮城",
  "秋田",
  "山形",
  "福島",
  "茨城",
  "栃木",
  "群馬",
  "新潟",
  "長野",
];

/** Every timeline facts.md §4 records. */
export const HISTORY: readonly HistoricalTimeline[] = [
  {
    event: "2017-08-29",
    nation: "JPN",
    launchUtc: "2017-08-28T20:58:00Z",
    messages: [
      { time: "06:02", kind: "launch", areas: TWELVE },
      { time: "06:14", kind: "overflight", areas: [] },
    ],
    source: `${J} (j-cast; koumetaro.com; dezisaru; getnews [P])`,
  },
  {
    event: "2017-09-15",
    nation: "JPN",
    launchUtc: "2017-09-14T21:57:00Z",
    messages: [
      { time: "07:00", kind: "launch", areas: TWELVE },
      { time: "07:07", kind: "overflight", areas: [] },
    ],
    source: `${J} (Osaki City notice [O]; nippon.com/Jiji [P])`,
  },
  {
    event: "2022-10-04",
    nation: "JPN",
    launchUtc: "2022-10-03T22:22:00Z",
    messages: [
      {
        time: "07:27",
        kind: "launch",
        areas: ["北海道", "東京都（伊豆諸島・小笠原諸島）"],
        note: "the Tokyo islands alert was erroneous",
      },
      { time: "07:29", kind: "launch", areas: ["青森", "東京都（伊豆諸島・小笠原諸島）"] },
      {
        time: "07:42",
        kind: "overflight",
        areas: ["北海道", "青森"],
        note: "passed into the Pacific at about 07:29",
      },
    ],
    source: `${J} (NHK 首都圏ナビ 20221004c; NHK Easy; NTV; Yomiuri; Asahi via asiae [P])`,
  },
  {
    event: "2022-11-03",
    nation: "JPN",
    launchUtc: "2022-11-02T22:40:00Z",
    messages: [
      { time: "07:50", kind: "launch", areas: ["宮城", "山形", "新潟"] },
      { time: "08:00", kind: "overflight", areas: [], note: "MoD later corrected: it did not overfly Japan" },
    ],
    source: `${J} (nordot 960683318319333376; ajmedia; goo blog; inatei blog [P])`,
  },
  {
    event: "2023-04-13",
    nation: "JPN",
    launchUtc: "2023-04-12T22:22:00Z",
    messages: [
      {
        time: "07:55",
        kind: "predicted-impact",
        areas: ["北海道"],
        note: "predicted fall around Hokkaido ~08:00",
      },
      {
        time: "08:16",
        kind: "cancellation",
        areas: ["北海道"],
        note: "corrected ~08:16–08:20: no possibility of falling",
      },
    ],
    source: `${J} (logi-biz 79286; NTV; Sputnik JP; aiolin/Kyodo; xsionx [P])`,
  },
  {
    event: "2023-05-31",
    nation: "JPN",
    launchUtc: "2023-05-30T21:28:00Z",
    messages: [
      { time: "06:30", kind: "launch", areas: ["沖縄"] },
      { time: "07:04", kind: "cancellation", areas: ["沖縄"] },
    ],
    source: `${J} (Nakijin village [O]; Nikkan Sports; NHK Hiroshima; JoongAng JP [P])`,
  },
  {
    event: "2023-11-21",
    nation: "JPN",
    launchUtc: "2023-11-21T13:43:00Z",
    messages: [
      { time: "22:46", kind: "launch", areas: ["沖縄"] },
      { time: "23:15", kind: "cancellation", areas: ["沖縄"], note: "lifted" },
    ],
    source: `${J} (Yomiuri 20231122-151153; logi-biz 92829 [P])`,
  },
  {
    event: "2023-05-31",
    nation: "KOR",
    launchUtc: "2023-05-30T21:29:00Z",
    messages: [
      {
        time: "06:29",
        kind: "경계경보",
        areas: ["백령도", "대청도 (인천광역시)"],
        note: "MOIS; lifted ~1.5 h later",
      },
      {
        time: "06:41",
        kind: "경계경보",
        areas: ["서울특별시"],
        note: "Seoul's 위급재난문자; erroneous (MOIS 07:03)",
      },
      { time: "07:25", kind: "경보해제", areas: ["서울특별시"] },
    ],
    source: "facts.md §4.2 (KBS World 178144; Yonhap AEN20230531000452325; Korea Herald 20230531000205 [P])",
  },
];

/** Seconds after launch of a message's `hh:mm` (the next occurrence after the launch). */
export function secondsAfterLaunch(t: HistoricalTimeline, hhmm: string): number {
  const launch = Date.parse(t.launchUtc) / 1000;
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const localLaunch = launch + 9 * 3600;
  const dayStart = Math.floor(localLaunch / 86400) * 86400;
  let local = dayStart + h * 3600 + m * 60;
  if (local < localLaunch - 60) local += 86400;
  return local - localLaunch;
}

/** The timeline facts.md records for a scenario and nation, if any. */
export function historyFor(event: string, nation: string): HistoricalTimeline | undefined {
  return HISTORY.find((h) => h.event === event && h.nation === nation);
}
