/**
 * A small hand-made common operating picture for the server's unit tests: one launch seen by all
 * three nations, with events at every holder and rank so that the authorisation matrix has something to
 * hide. Test support only: the product serves what `src/exercise/` computes, never this.
 */
import { type CopEvent, CopTimeline, PUBLIC_MARKING } from "../model/cop.ts";
import type { TrackReport } from "../model/item.ts";
import type { CopExercise } from "./session.ts";

const T0 = Date.parse("2022-10-03T22:22:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

const MARK = {
  USA_S: { level: "S", native: "SECRET", banner: "SECRET//REL TO USA, JPN, KOR", rank: 2 },
  USA_TS: { level: "TS", native: "TOP SECRET", banner: "TOP SECRET//NOFORN", rank: 3 },
  KOR_III: { level: "III", native: "군사III급비밀", banner: "군사III급비밀", rank: 1 },
  KOR_I: { level: "I", native: "군사I급비밀", banner: "군사I급비밀", rank: 3 },
  JPN_HI: { level: "HI", native: "秘", banner: "秘", rank: 1 },
  JPN_GOKUHI: { level: "GOKUHI", native: "極秘", banner: "極秘", rank: 2 },
} as const;

function report(originator: string, classification: string, trackId: string, dtS: number): TrackReport {
  const at = T0 + dtS * 1000;
  return {
    kind: "track-report",
    id: `${trackId}-${dtS}`,
    label: {
      originator,
      classification,
      handling: [],
      releasableTo: ["USA", "JPN", "KOR"],
      caveats: [],
      topics: ["missile-warning"],
      subject: "PRK",
      sourceFields: [],
      approvals: [],
    },
    asOf: iso(at),
    eventId: "PRK-20221004-01",
    trackId,
    launch: { lat: 40.6, lon: 126.4, time: iso(T0), uncertaintyM: 8000, timeUncertaintyS: 10 },
    trajectory: [
      { time: iso(at - 60_000), lat: 40.7, lon: 127.0 + dtS / 600, altM: 150_000 },
      { time: iso(at), lat: 40.8, lon: 127.8 + dtS / 300, altM: 320_000 },
    ],
    impact: {
      lat: 40.0,
      lon: 150.0,
      time: iso(T0 + 1_320_000),
      ellipse95: { semiMajorM: 400_000, semiMinorM: 60_000, orientationDeg: 90 },
    },
    missileClass: "IRBM",
    lofted: false,
  };
}

const CAP = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>JPN-JALERT-0001</identifier><sender>fixture</sender><sent>2022-10-03T22:29:00Z</sent><status>Exercise</status><msgType>Alert</msgType><scope>Public</scope><info><language>ja</language><category>Safety</category><event>ミサイル発射</event><urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty><headline>ミサイル発射情報</headline><area><areaDesc>青森県</areaDesc></area></info></alert>`;

/** The fixture's events, in order of time. */
function events(): Omit<CopEvent, "seq">[] {
  const at = (s: number) => T0 + s * 1000;
  const own = (node: string, party: string) => ({ node, own: true, origin: { node, party }, path: [node] });
  return [
    {
      type: "detection",
      t: at(20),
      holder: "JPN",
      marking: MARK.JPN_HI,
      node: "JSDF",
      sensorId: "jp-fps5-ominato",
      sensorKind: "radar",
    },
    {
      type: "detection",
      t: at(25),
      holder: "KOR",
      marking: MARK.KOR_III,
      node: "ROK_KTMO_CELL",
      sensorId: "kr-greenpine-1",
      sensorKind: "radar",
    },
    {
      type: "track",
      t: at(60),
      holder: "JPN",
      marking: MARK.JPN_GOKUHI,
      ...own("JSDF", "JPN"),
      report: report("JPN", "GOKUHI", "JSDF-001", 60),
      stale: false,
    },
    {
      type: "track",
      t: at(62),
      holder: "KOR",
      marking: MARK.KOR_III,
      ...own("ROK_KTMO_CELL", "KOR"),
      report: report("KOR", "III", "KTMO-001", 62),
      stale: false,
    },
    {
      type: "decision",
      t: at(61),
      holder: "JPN",
      marking: MARK.JPN_HI,
      node: "JSDF",
      action: "release",
      permitted: true,
      itemId: "JSDF-001-60",
      itemKind: "track-report",
      from: "JSDF",
      to: "USFJ_C4I",
      agreement: "rtwm-2023",
      route: ["JPN", "USA"],
      channel: "real-time",
      reasons: ["rtwm-2023 permits a track report on the real-time channel"],
    },
    {
      type: "track",
      t: at(61.5),
      holder: "USA",
      marking: MARK.USA_S,
      node: "USFJ_C4I",
      own: false,
      origin: { node: "JSDF", party: "JPN" },
      path: ["JSDF", "USFJ_C4I"],
      report: report("JPN", "GOKUHI", "JSDF-001", 60),
      stale: false,
    },
    {
      type: "decision",
      t: at(63),
      holder: "KOR",
      marking: MARK.KOR_III,
      node: "ROK_KTMO_CELL",
      action: "release",
      permitted: false,
      itemId: "KTMO-001-62",
      itemKind: "track-report",
      from: "ROK_KTMO_CELL",
      to: "JSDF",
      agreement: null,
      route: [],
      channel: "real-time",
      reasons: ["jpn-kor-gsomia-2016: the real-time channel is not provided"],
    },
    {
      type: "track",
      t: at(64),
      holder: "JPN",
      marking: MARK.JPN_HI,
      node: "JSDF",
      own: false,
      origin: { node: "ROK_KTMO_CELL", party: "KOR" },
      path: ["ROK_KTMO_CELL", "USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"],
      report: report("KOR", "III", "KTMO-001", 62),
      stale: false,
    },
    {
      type: "fused",
      t: at(65),
      holder: "JPN",
      marking: MARK.JPN_GOKUHI,
      node: "JSDF",
      fusedId: "JSDF-F1",
      contributors: [
        { node: "JSDF", party: "JPN", trackId: "JSDF-001" },
        { node: "ROK_KTMO_CELL", party: "KOR", trackId: "KTMO-001" },
      ],
      report: report("JPN", "GOKUHI", "JSDF-F1", 65),
    },
    {
      type: "track",
      t: at(66),
      holder: "USA",
      marking: MARK.USA_TS,
      ...own("INDOPACOM_LINK_CTRL_HI", "USA"),
      report: report("USA", "TS", "HI-001", 66),
      stale: false,
    },
    {
      type: "decision",
      t: at(67),
      holder: "KOR",
      marking: MARK.KOR_I,
      node: "ROK_KTMO_CELL",
      action: "rejection",
      permitted: false,
      itemId: "x-1",
      itemKind: "unknown",
      from: "USFK_TMO_CELL",
      to: "ROK_KTMO_CELL",
      agreement: null,
      route: [],
      channel: null,
      reasons: ["REPLAY"],
    },
    {
      type: "audit",
      t: at(68),
      holder: "JPN",
      marking: MARK.JPN_HI,
      node: "JSDF",
      size: 3,
      rootHex: "aa".repeat(32),
    },
    {
      type: "audit",
      t: at(68),
      holder: "KOR",
      marking: MARK.KOR_III,
      node: "ROK_KTMO_CELL",
      size: 2,
      rootHex: "bb".repeat(32),
    },
    {
      type: "audit",
      t: at(68),
      holder: "USA",
      marking: MARK.USA_S,
      node: "USFJ_C4I",
      size: 1,
      rootHex: "cc".repeat(32),
    },
    {
      type: "warning",
      t: at(420),
      holder: "PUBLIC",
      marking: PUBLIC_MARKING,
      issuer: "JPN",
      alertId: "JPN-JALERT-0001",
      msgType: "Alert",
      kind: "J-Alert: launch",
      headlines: { ja: "ミサイル発射情報", en: "Missile launch information" },
      areas: [
        {
          description: "青森県",
          codes: ["02"],
          polygons: [
            [
              [140, 40.5],
              [141.5, 40.5],
              [141.5, 41.5],
              [140, 41.5],
              [140, 40.5],
            ],
          ],
        },
      ],
      cap: CAP,
    },
    {
      type: "track",
      t: at(600),
      holder: "JPN",
      marking: MARK.JPN_GOKUHI,
      ...own("JSDF", "JPN"),
      report: report("JPN", "GOKUHI", "JSDF-001", 600),
      stale: false,
    },
  ].sort((a, b) => a.t - b.t) as Omit<CopEvent, "seq">[];
}

/** The fixture timeline (validated through the model's schema). */
export function fixtureTimeline(): CopTimeline {
  return CopTimeline.parse({
    setup: {
      scenario: {
        id: "2022-10-04",
        title: "Fixture: Hwasong-12 over Aomori",
        launches: [{ id: "L1", time: T0, site: [126.4, 40.6] }],
      },
      variant: { id: "actual", description: "the agreements as they were" },
      seed: 1,
      startMs: T0,
      endMs: T0 + 1_320_000,
      parties: [
        { code: "USA", name: "United States" },
        { code: "KOR", name: "Republic of Korea" },
        { code: "JPN", name: "Japan" },
      ],
      nodes: [
        { id: "ROK_KTMO_CELL", party: "KOR", name: "KTMO-Cell", role: "national" },
        { id: "USFK_TMO_CELL", party: "USA", name: "USFK TMO-Cell", role: "us-forces" },
        { id: "INDOPACOM_LINK_CTRL_HI", party: "USA", name: "INDOPACOM link-control centre", role: "hub" },
        { id: "USFJ_C4I", party: "USA", name: "USFJ C4I", role: "us-forces" },
        { id: "JSDF", party: "JPN", name: "JSDF", role: "national" },
      ],
      links: [
        { a: "ROK_KTMO_CELL", b: "USFK_TMO_CELL", enabled: true, agreements: ["rtwm-2023"] },
        { a: "ROK_KTMO_CELL", b: "JSDF", enabled: true, agreements: ["jpn-kor-gsomia-2016"] },
      ],
      agreements: [{ id: "jpn-kor-gsomia-2016", title: "GSOMIA", status: "in-force", detail: "renewed" }],
      sensors: [
        {
          id: "jp-fps5-ominato",
          name: "J/FPS-5 Ominato",
          nation: "JPN",
          node: "JSDF",
          kind: "radar",
          position: [141.1, 41.3],
          maxRangeKm: 1500,
          azimuthCentreDeg: 270,
          azimuthHalfWidthDeg: 60,
        },
        {
          id: "kr-greenpine-1",
          name: "Green Pine 1",
          nation: "KOR",
          node: "ROK_KTMO_CELL",
          kind: "radar",
          position: [127.5, 36.8],
          maxRangeKm: 800,
          azimuthCentreDeg: 0,
          azimuthHalfWidthDeg: 60,
        },
        {
          id: "us-sbirs",
          name: "SBIRS",
          nation: "USA",
          node: "INDOPACOM_LINK_CTRL_HI",
          kind: "space-ir",
          position: null,
          maxRangeKm: null,
          azimuthCentreDeg: 0,
          azimuthHalfWidthDeg: 180,
        },
      ],
    },
    events: events().map((e, seq) => ({ ...e, seq })),
  });
}

/** The fixture as an exercise: proofs exist for leaves of the heads above. */
export function fixtureExercise(): CopExercise & { closed: boolean } {
  const heads: Record<string, number> = { JSDF: 3, ROK_KTMO_CELL: 2, USFJ_C4I: 1 };
  const ex = {
    timeline: fixtureTimeline(),
    closed: false,
    auditProof(node: string, leafIndex: number) {
      const size = heads[node];
      if (size === undefined || leafIndex >= size) return undefined;
      return { treeSize: size, rootHex: "aa".repeat(32), path: ["11".repeat(32)] };
    },
    async close() {
      ex.closed = true;
    },
  };
  return ex;
}
