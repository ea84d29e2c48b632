// The warning rules on crafted series: the false alarms of facts.md §4 avoided, the true positives kept,
// and every alert valid CAP 1.2 (xmllint against the OASIS schema).
import { beforeAll, describe, expect, it } from "vitest";
import { alertToCap } from "../codecs/cap/index.ts";
import { CAP_XSD, xmllintDocuments } from "../codecs/testing/xmllint.ts";
import { loadRegionIndex } from "../config/geodata.ts";
import type { RegionIndex } from "../geo/regions.ts";
import type { Alert } from "../model/alert.ts";
import { assess } from "./assess.ts";
import type { WarningEstimate } from "./estimate.ts";
import { historyFor, secondsAfterLaunch } from "./history.ts";
import { issueWarnings } from "./issue.ts";
import { defaultPolicy, JALERT_2017_WIDTH_KM, TARGET_WIDTH_KM, WarningPolicy } from "./policy.ts";
import { crafted, craftedLauncher } from "./series.fixture.ts";

let regions: RegionIndex;
const all: Alert[] = [];
beforeAll(() => {
  regions = loadRegionIndex();
});
const run = (nation: "JPN" | "KOR", estimates: WarningEstimate[]): Alert[] => {
  const endT = Math.max(...estimates.map((e) => e.t));
  const alerts = issueWarnings({ estimates, endT }, regions, defaultPolicy(nation));
  all.push(...alerts);
  return alerts;
};
const kinds = (as: Alert[]): string[] =>
  as.map((a) =>
    a.kind.system === "j-alert"
      ? a.kind.type
      : a.kind.system === "kr-civil-defence"
        ? a.kind.level
        : a.kind.tier,
  );
const areaNames = (a: Alert | undefined): string[] =>
  (a?.infos[0]?.areas ?? []).filter((x) => x.codes.length > 0).map((x) => x.description);

const MUPYONG = { lat: 40.61, lon: 126.43 };
const SUNAN = { lat: 39.22, lon: 125.67 };
const SOHAE = { lat: 39.66, lon: 124.705 };

describe("Japan", () => {
  it("an overflight of Aomori: launch message for the prefectures under the path, then 通過 with references", () => {
    // Straight in lat/lon from Mupyong-ri through about 40.8°N 141°E (Aomori) into the Pacific.
    const es = [150, 160, 170, 180, 190, 200, 260, 330, 400, 420].map((s) =>
      crafted({ s, launch: MUPYONG, impact: { lat: 41.0, lon: 170 }, flightS: 1300, semiMajorKm: 20 }),
    );
    const alerts = run("JPN", es);
    expect(kinds(alerts)).toEqual(["launch", "overflight"]);
    expect(areaNames(alerts[0])).toContain("青森県");
    expect(areaNames(alerts[0])).not.toContain("東京都（伊豆諸島・小笠原諸島）");
    expect(alerts[0]?.infos[0]?.description).toContain("北朝鮮からミサイルが発射されたものとみられます");
    expect(alerts[1]?.infos[0]?.description).toMatch(
      /先程のミサイルは、\d+時\d+分頃、太平洋へ通過したものとみられます/,
    );
    expect(alerts[1]?.references).toEqual([
      { sender: alerts[0]?.sender, id: alerts[0]?.id, sent: alerts[0]?.sent },
    ]);
    expect(alerts[0]?.basis?.trackId).toBe("T1");
    expect(alerts[0]?.infos.map((i) => i.language)).toEqual(["ja-JP", "en-US"]);
  });

  it("2023-04-13 pattern: an early, uncertain prediction near Hokkaido that moves away gives no 直ちに避難", () => {
    // A young track whose predicted impact sweeps (boost-like) onto Hokkaido, then settles ~1,000 km short.
    const early = [100, 110, 120].map((s, i) =>
      crafted({
        s,
        age: s - 90,
        launch: SUNAN,
        impact: { lat: 42.5, lon: 141 + i * 0.3 },
        flightS: 2400,
        semiMajorKm: 400,
      }),
    );
    const later = [200, 210, 220, 230, 240].map((s) =>
      crafted({ s, launch: SUNAN, impact: { lat: 42.1, lon: 138.5 }, flightS: 4400, semiMajorKm: 15 }),
    );
    const alerts = run("JPN", [...early, ...later]);
    expect(kinds(alerts)).not.toContain("predicted-impact");
    expect(alerts.flatMap((a) => a.infos.map((i) => i.description)).join()).not.toContain("直ちに避難");
  });

  it("an impact prediction that meets the threshold is issued, and a cancellation with references follows when it moves away", () => {
    const onHokkaido = [200, 210, 220, 230].map((s) =>
      crafted({ s, launch: SUNAN, impact: { lat: 43.06, lon: 141.35 }, flightS: 2000, semiMajorKm: 20 }),
    );
    const away = [240, 250, 260, 270, 280].map((s) =>
      crafted({ s, launch: SUNAN, impact: { lat: 41.5, lon: 134.0 }, flightS: 2000, semiMajorKm: 20 }),
    );
    const alerts = run("JPN", [...onHokkaido, ...away]);
    expect(kinds(alerts)).toEqual(["predicted-impact", "cancellation"]);
    expect(alerts[0]?.infos[0]?.description).toMatch(/直ちに避難。.*北海道周辺に落下するものとみられます/);
    expect(alerts[1]?.msgType).toBe("cancel");
    expect(alerts[1]?.references.map((r) => r.id)).toEqual([alerts[0]?.id]);
    expect(alerts[1]?.infos[0]?.description).toBe(
      "先程のミサイルは、我が国には飛来しないものとみられます。避難の呼びかけを解除します。",
    );
  });

  it("2022-10-04 Tokyo islands: a wide cross-track spread does not name islands hundreds of km off the path", () => {
    const es = [150, 160, 170].map((s) =>
      crafted({
        s,
        launch: MUPYONG,
        impact: { lat: 41.0, lon: 170 },
        flightS: 1300,
        semiMajorKm: 150,
        semiMinorKm: 100,
      }),
    );
    const alerts = run("JPN", es);
    expect(alerts.flatMap(areaNames)).not.toContain("東京都（伊豆諸島・小笠原諸島）");
    // Only prefectures whose probability of being under the path passes `areaProbability` are named:
    // Hokkaido, near this path but unlikely to be under it, is left out.
    expect(areaNames(alerts[0]).sort()).toEqual(["岩手県", "秋田県", "青森県"].sort());
  });

  it("2022-11-03 pattern: no launch message once the predicted passage is already over", () => {
    // Estimates from a mature track (old enough to warn on) that first arrive after the path's time over
    // Japan has gone by: only the "not yet passed" rule keeps the launch message back.
    const es = [600, 610, 620].map((s) =>
      crafted({ s, age: 60, launch: SUNAN, impact: { lat: 39, lon: 150 }, flightS: 700, semiMajorKm: 20 }),
    );
    expect(kinds(run("JPN", es))).not.toContain("launch");
  });

  it("a launch that stays in the Sea of Japan far from land warns nobody", () => {
    const es = [200, 210, 220, 230].map((s) =>
      crafted({ s, launch: SUNAN, impact: { lat: 42.1, lon: 136.5 }, flightS: 2400, semiMajorKm: 20 }),
    );
    expect(run("JPN", es)).toEqual([]);
  });

  it("probabilities: an ellipse centred on Aomori is on Japan, one in mid-Sea of Japan is not", () => {
    const on = assess(
      crafted({ s: 300, launch: MUPYONG, impact: { lat: 40.8, lon: 140.9 }, flightS: 600, semiMajorKm: 10 }),
      regions,
      { nation: "JPN", areaBufferKm: 50, pathStepKm: 5 },
    );
    const off = assess(
      crafted({ s: 300, launch: SUNAN, impact: { lat: 40, lon: 134 }, flightS: 600, semiMajorKm: 10 }),
      regions,
      { nation: "JPN", areaBufferKm: 50, pathStepKm: 5 },
    );
    expect(on.pImpact).toBeGreaterThan(0.9);
    expect(on.impactAreas[0]?.subdivision.nameNative).toBe("青森県");
    expect(off.pImpact).toBe(0);
    expect(off.pPath).toBe(0);
  });
});

describe("Japan: targeting width (policy targetWidthKm)", () => {
  // A 2017-08-29-like overflight: over the Oshima Peninsula (41.8°N 140.3°E) and Cape Erimo (41.9°N
  // 143.25°E) into the Pacific (the crafted path is straight in lat/lon, so it starts north of Sunan).
  const overflight2017 = (): WarningEstimate[] =>
    [150, 160, 170, 180].map((s) =>
      crafted({
        s,
        launch: { lat: 41.2, lon: 126.0 },
        impact: { lat: 42.5, lon: 157.5 },
        flightS: 840,
        semiMajorKm: 20,
      }),
    );
  const TWELVE_2017 = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県"].concat(
    ["栃木県", "群馬県", "新潟県", "長野県"],
  );
  const namedWith = (targetWidthKm?: number): string[] => {
    const es = overflight2017();
    const policy = WarningPolicy.parse(
      targetWidthKm === undefined ? { nation: "JPN" } : { nation: "JPN", targetWidthKm },
    );
    const alerts = issueWarnings({ estimates: es, endT: Math.max(...es.map((e) => e.t)) }, regions, policy);
    all.push(...alerts);
    return [
      ...new Set(
        alerts.filter((a) => a.kind.system === "j-alert" && a.kind.type === "launch").flatMap(areaNames),
      ),
    ];
  };

  it("the default names the prefectures near the path (2022–2023 practice): Hokkaido and Aomori", () => {
    expect(defaultPolicy("JPN")).toMatchObject({ targetWidthKm: TARGET_WIDTH_KM });
    expect(namedWith().sort()).toEqual(["北海道", "青森県"].sort());
  });

  it("the 2017 width (550 km) names the 12 prefectures of the 2017 J-Alerts, and not Tokyo's islands or Okinawa", () => {
    const wide = namedWith(JALERT_2017_WIDTH_KM);
    for (const p of TWELVE_2017) expect(wide).toContain(p);
    expect(wide).not.toContain("東京都（伊豆諸島・小笠原諸島）");
    expect(wide).not.toContain("沖縄県");
    // Widening only adds prefectures.
    for (const p of namedWith()) expect(wide).toContain(p);
  });
});

describe("Japan: satellite launches", () => {
  const launcherRun = (spaceLaunch: ReturnType<typeof craftedLauncher>[]): Alert[] => {
    const endT = Math.max(...spaceLaunch.map((e) => e.t));
    const alerts = issueWarnings({ estimates: [], endT, spaceLaunch }, regions, defaultPolicy("JPN"));
    all.push(...alerts);
    return alerts;
  };
  const everyTen = (from: number, to: number): number[] =>
    Array.from({ length: Math.floor((to - from) / 10) + 1 }, (_, i) => from + i * 10);

  it("2023-11-21 pattern: a launcher heading between Okinawa and Miyako warns Okinawa with the launch template, then lifts the call once past", () => {
    // Southward from Sohae through the gap between Okinawa (Kumejima) and Miyako (facts.md §5.1 #14),
    // some 80 km from the nearest island on either side.
    const es = everyTen(150, 800).map((s) =>
      craftedLauncher({ s, launch: SOHAE, towards: { lat: 25.3, lon: 126.1 } }),
    );
    const alerts = launcherRun(es);
    expect(kinds(alerts)).toEqual(["launch", "cancellation"]);
    expect(areaNames(alerts[0])).toEqual(["沖縄県"]);
    expect(alerts[0]?.infos[0]?.description).toBe(
      "ミサイル発射。ミサイル発射。北朝鮮からミサイルが発射されたものとみられます。",
    );
    expect(alerts[0]?.infos[0]?.instruction).toBe("建物の中、又は地下に避難して下さい。");
    expect(alerts[0]?.basis).toMatchObject({ missileClass: "SLV" });
    expect(alerts[0]?.basis?.predictedImpact).toBeUndefined();
    // Issued within seconds of the track being old enough: +160 s and +170 s confirm it.
    expect(Date.parse(alerts[0]?.sent ?? "") / 1000).toBeLessThanOrEqual((es[0]?.t ?? 0) + 30);
    expect(alerts[1]?.msgType).toBe("cancel");
    expect(alerts[1]?.references.map((r) => r.id)).toEqual([alerts[0]?.id]);
    expect(alerts[1]?.infos[0]?.description).toBe(
      "先程のミサイルは、我が国には飛来しないものとみられます。避難の呼びかけを解除します。",
    );
    // Lifted after the launcher has passed Okinawa's latitude (about 1,500 km down range), not before.
    const liftedAt = Date.parse(alerts[1]?.sent ?? "") / 1000;
    const past = es.find((e) => e.position.lat < 26.0);
    expect(past).toBeDefined();
    expect(liftedAt).toBeGreaterThanOrEqual((past as (typeof es)[number]).t - 60);
  });

  it("a launcher whose path crosses Okinawa Island gets 通過 after it has passed", () => {
    const es = everyTen(150, 900).map((s) =>
      craftedLauncher({ s, launch: SOHAE, towards: { lat: 24.0, lon: 129.3 } }),
    );
    const alerts = launcherRun(es);
    expect(kinds(alerts)).toEqual(["launch", "overflight"]);
    expect(areaNames(alerts[0])).toContain("沖縄県");
    expect(alerts[1]?.infos[0]?.description).toMatch(
      /先程のミサイルは、\d+時\d+分頃、太平洋へ通過したものとみられます/,
    );
  });

  it("2023-05-31 pattern: a launcher lost over the Yellow Sea with the warning on is lifted at the end of the record", () => {
    const es = everyTen(150, 300).map((s) =>
      craftedLauncher({ s, launch: SOHAE, towards: { lat: 25.6, lon: 126.6 } }),
    );
    const alerts = launcherRun(es);
    expect(kinds(alerts)).toEqual(["launch", "cancellation"]);
    expect(alerts[1]?.note).toContain("no longer tracked");
  });

  it("a launcher heading south-west, away from Japan, warns nobody", () => {
    const es = everyTen(150, 600).map((s) =>
      craftedLauncher({ s, launch: SOHAE, towards: { lat: 25.0, lon: 119.0 } }),
    );
    expect(launcherRun(es)).toEqual([]);
  });
});

describe("Korea", () => {
  it("2023-05-31 pattern: a southward launch over the Yellow Sea alerts the islands' province (Incheon), never Seoul", () => {
    const es = [60, 70, 80, 90, 100, 200, 260, 300, 400].map((s) =>
      crafted({
        s,
        age: s - 50,
        launch: SOHAE,
        impact: { lat: 30.5, lon: 124.0 },
        flightS: 700,
        semiMajorKm: 20,
      }),
    );
    const alerts = run("KOR", es);
    const named = alerts.flatMap(areaNames);
    expect(kinds(alerts)[0]).toBe("경계경보");
    expect(named).toContain("인천광역시");
    expect(named).not.toContain("서울특별시");
    expect(alerts[0]?.kind).toEqual({
      system: "kr-civil-defence",
      level: "경계경보",
      cellBroadcast: "위급재난문자",
    });
    const lifted = alerts[alerts.length - 1];
    expect(lifted?.kind).toMatchObject({ level: "경보해제" });
    expect(lifted?.references.length).toBeGreaterThan(0);
    expect(alerts[0]?.infos.map((i) => i.language)).toEqual(["ko-KR", "en-US"]);
  });

  it("a settled prediction of impact on Korean land gives a 공습경보 for the province, by cell broadcast", () => {
    const es = [120, 130, 140, 150, 160].map((s) =>
      crafted({
        s,
        age: 60,
        launch: SUNAN,
        impact: { lat: 36.35, lon: 127.38 },
        flightS: 400,
        semiMajorKm: 10,
        semiMinorKm: 5,
      }),
    );
    const alerts = run("KOR", es);
    const airRaid = alerts.find((a) => a.kind.system === "kr-civil-defence" && a.kind.level === "공습경보");
    expect(airRaid?.kind).toMatchObject({ cellBroadcast: "위급재난문자" });
    expect(areaNames(airRaid)).toContain("대전광역시");
    expect(airRaid?.basis?.probabilityInArea).toBeGreaterThanOrEqual(defaultPolicy("KOR").impactProbability);
  });

  it("after a 공습경보 no 경계경보 restates its provinces at the lower level; provinces newly under the path get their own", () => {
    // Regression: the path rule used to send a 경계경보 update naming every province, the air-raid ones included.
    const es = [120, 130, 140, 150, 160].map((s) =>
      crafted({
        s,
        age: 60,
        launch: SUNAN,
        impact: { lat: 36.35, lon: 127.38 },
        flightS: 400,
        semiMajorKm: 10,
        semiMinorKm: 5,
      }),
    );
    const alerts = run("KOR", es);
    const i = alerts.findIndex((a) => a.kind.system === "kr-civil-defence" && a.kind.level === "공습경보");
    expect(i).toBeGreaterThanOrEqual(0);
    const airRaid = alerts[i] as Alert;
    const raided = new Set(areaNames(airRaid));
    const later = alerts
      .slice(i + 1)
      .filter((a) => a.kind.system === "kr-civil-defence" && a.kind.level === "경계경보");
    expect(later.length).toBeGreaterThan(0);
    for (const a of later) {
      expect(areaNames(a).filter((n) => raided.has(n))).toEqual([]);
      expect(a.msgType).toBe("alert");
      expect(a.references.map((r) => r.id)).not.toContain(airRaid.id);
    }
    expect(later.flatMap(areaNames)).toContain("서울특별시");
    // The all-clear still lifts both.
    const lifted = alerts[alerts.length - 1];
    expect(lifted?.kind).toMatchObject({ level: "경보해제" });
    expect(lifted?.references.map((r) => r.id)).toEqual([airRaid.id, ...later.map((a) => a.id)]);
  });

  it("an eastward launch towards Japan gives Korea no alert", () => {
    const es = [150, 160, 170, 180].map((s) =>
      crafted({ s, launch: MUPYONG, impact: { lat: 41.0, lon: 170 }, flightS: 1300, semiMajorKm: 20 }),
    );
    expect(run("KOR", es)).toEqual([]);
  });
});

describe("history", () => {
  it("keeps facts.md §4's timelines: 2022-10-04 first J-Alert 5 minutes after launch", () => {
    const h = historyFor("2022-10-04", "JPN");
    expect(h && secondsAfterLaunch(h, h.messages[0]?.time ?? "")).toBe(300);
  });
});

describe("CAP", () => {
  it("every alert the tests produced validates against CAP-v1.2.xsd", () => {
    expect(all.length).toBeGreaterThan(5);
    const r = xmllintDocuments(CAP_XSD, all.map(alertToCap));
    expect(r.ok, r.output).toBe(true);
  });
});
