/**
 * Small hand-built exercise timelines for the what-if tests: one launch, two missiles, the five nodes,
 * and a handful of events per nation whose expected figures can be worked out by hand. Test support only.
 */
import { parseXml, type XmlElement } from "../codecs/xml/parse.ts";
import type { CopEvent, CopMarking, CopSetup, CopTimeline } from "../model/cop.ts";
import type { TrackReport } from "../model/item.ts";
import type { ExerciseTruth } from "./run.ts";
import type { WhatIfRun } from "./whatif.ts";

/** Launch time of the fixture (epoch ms). */
export const LAUNCH_MS = Date.parse("2016-09-05T03:13:00Z");
/** True impacts: MRBM-1 and MRBM-2, 2° of latitude apart. */
export const IMPACT_1 = { lat: 42.0, lon: 136.7 };
export const IMPACT_2 = { lat: 40.0, lon: 136.7 };
/** Kilometres per degree of latitude on the haversine sphere used by the comparison. */
export const KM_PER_DEG_LAT = (6371.0088 * Math.PI) / 180;

const MARK: CopMarking = { level: "S", native: "SECRET", banner: "SECRET", rank: 2 };
const NODES = [
  { id: "ROK_KTMO_CELL", party: "KOR", name: "ROK KTMO-Cell", role: "national" },
  { id: "USFK_TMO_CELL", party: "USA", name: "USFK TMO Cell", role: "us-forces" },
  { id: "INDOPACOM_LINK_CTRL_HI", party: "USA", name: "INDOPACOM", role: "hub" },
  { id: "USFJ_C4I", party: "USA", name: "USFJ C4I", role: "us-forces" },
  { id: "JSDF", party: "JPN", name: "JSDF", role: "national" },
];
const partyOf = (node: string): string => NODES.find((n) => n.id === node)?.party ?? "USA";

/** The setup of a fixture run under a variant (agreements' status chosen by the test). */
export function fixtureSetup(
  variant: { id: string; description: string },
  agreements: { id: string; status: string }[] = [],
): CopSetup {
  return {
    scenario: {
      id: "fixture-2016",
      title: "Fixture: two MRBMs",
      launches: [{ id: "MRBM-1", time: LAUNCH_MS, site: [125.0, 39.0] }],
    },
    variant,
    seed: 1,
    startMs: LAUNCH_MS - 10_000,
    endMs: LAUNCH_MS + 320_000,
    parties: [
      { code: "USA", name: "United States" },
      { code: "KOR", name: "Republic of Korea" },
      { code: "JPN", name: "Japan" },
    ],
    nodes: NODES,
    links: [
      { a: "ROK_KTMO_CELL", b: "JSDF", enabled: false, agreements: [] },
      { a: "ROK_KTMO_CELL", b: "USFK_TMO_CELL", enabled: true, agreements: ["usa-kor-1987"] },
    ],
    agreements: agreements.map((a) => ({
      ...a,
      title: `Agreement ${a.id}`,
      detail: `${a.status} (fixture)`,
    })),
    sensors: [],
  };
}

/** A track report whose predicted impact is at (lat, lon). */
export function report(trackId: string, originator: string, lat: number, lon: number): TrackReport {
  return {
    kind: "track-report",
    id: `${trackId}-1`,
    label: {
      originator,
      classification: "S",
      handling: [],
      releasableTo: [],
      caveats: [],
      topics: ["missile-warning"],
      subject: "PRK",
      sourceFields: [],
      approvals: [],
    },
    asOf: new Date(LAUNCH_MS).toISOString(),
    eventId: trackId,
    trackId,
    launch: {
      lat: 39,
      lon: 125,
      time: new Date(LAUNCH_MS).toISOString(),
      uncertaintyM: 0,
      timeUncertaintyS: 0,
    },
    trajectory: [{ time: new Date(LAUNCH_MS).toISOString(), lat: 39, lon: 125, altM: 0 }],
    impact: {
      lat,
      lon,
      time: new Date(LAUNCH_MS + 560_000).toISOString(),
      ellipse95: { semiMajorM: 1000, semiMinorM: 500, orientationDeg: 0 },
    },
    missileClass: "MRBM",
    lofted: false,
  };
}

type Pending = CopEvent extends infer E ? (E extends CopEvent ? Omit<E, "seq"> : never) : never;
const at = (s: number) => LAUNCH_MS + s * 1000;

/** Event builders, times in seconds after launch. */
export const ev = {
  detection: (s: number, node: string, sensorKind = "radar"): Pending => ({
    type: "detection",
    t: at(s),
    holder: partyOf(node),
    marking: MARK,
    node,
    sensorId: `${node}-sensor`,
    sensorKind,
  }),
  ownTrack: (s: number, node: string, lat: number, lon: number, trackId = `${node}-1`): Pending => ({
    type: "track",
    t: at(s),
    holder: partyOf(node),
    marking: MARK,
    node,
    origin: { node, party: partyOf(node) },
    own: true,
    path: [node],
    report: report(trackId, partyOf(node), lat, lon),
    stale: false,
  }),
  partnerTrack: (s: number, path: string[], lat: number, lon: number, stale = false): Pending => {
    const origin = path[0] as string;
    const node = path[path.length - 1] as string;
    return {
      type: "track",
      t: at(s),
      holder: partyOf(node),
      marking: MARK,
      node,
      origin: { node: origin, party: partyOf(origin) },
      own: false,
      path,
      report: report(`${origin}-1`, partyOf(origin), lat, lon),
      stale,
    };
  },
  fused: (s: number, node: string, fusedId: string, lat: number, lon: number): Pending => ({
    type: "fused",
    t: at(s),
    holder: partyOf(node),
    marking: MARK,
    node,
    fusedId,
    contributors: [{ node, party: partyOf(node), trackId: `${node}-1` }],
    report: report(fusedId, partyOf(node), lat, lon),
  }),
  release: (
    s: number,
    from: string,
    to: string,
    agreement: string | null,
    reasons: string[] = [],
  ): Pending => ({
    type: "decision",
    t: at(s),
    holder: partyOf(from),
    marking: MARK,
    node: from,
    action: "release",
    permitted: agreement !== null,
    itemId: `${from}-1-1`,
    itemKind: "track-report",
    from,
    to,
    agreement,
    route: [partyOf(from), partyOf(to)],
    channel: "real-time",
    reasons: agreement !== null ? [`${agreement}: standing`] : reasons,
  }),
  warning: (s: number, issuer: string, kind: string, msgType = "alert"): Pending => ({
    type: "warning",
    t: at(s),
    holder: "PUBLIC",
    marking: { level: "PUBLIC", native: "", banner: "UNCLASSIFIED (public)", rank: 0 },
    issuer,
    alertId: `${issuer}-${s}`,
    msgType,
    kind,
    headlines: { en: `${kind} <test> & co` },
    areas: [],
    cap: "<alert/>",
  }),
};

/** A timeline from unordered events: sorted by time (stable) and numbered. */
export function timeline(setup: CopSetup, events: Pending[]): CopTimeline {
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i);
  return { setup, events: ordered.map(({ e }, seq) => ({ ...e, seq }) as CopEvent) };
}

/** The truth: two missiles (MRBM-1, MRBM-2) and a spent stage that lands elsewhere (never scored). */
export const TRUTH: ExerciseTruth = {
  objects: [
    {
      objectId: "MRBM-1",
      launchId: "MRBM-1",
      role: "missile",
      launchT: LAUNCH_MS / 1000,
      impact: { t: LAUNCH_MS / 1000 + 560, ...IMPACT_1 },
    },
    {
      objectId: "MRBM-2",
      launchId: "MRBM-2",
      role: "missile",
      launchT: LAUNCH_MS / 1000,
      impact: { t: LAUNCH_MS / 1000 + 570, ...IMPACT_2 },
    },
    {
      objectId: "STAGE-1",
      launchId: "MRBM-1",
      role: "stage",
      launchT: LAUNCH_MS / 1000,
      impact: { t: LAUNCH_MS / 1000 + 200, lat: 39.5, lon: 128 },
    },
  ],
};

/** Latitude `km` north of an impact. */
export const north = (p: { lat: number }, km: number): number => p.lat + km / KM_PER_DEG_LAT;

const HUB_PATH = ["USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"];

/**
 * The events of the agreements as they were: Japan gets US tracks through the hub and no ROK track
 * (a stale one excepted); Korea gets US tracks directly; the US fuses nothing (own tracks only).
 */
export function actualEvents(): Pending[] {
  const { lon } = IMPACT_1;
  return [
    // USA: detection and own tracks (no fused event: the own-track fallback), 10 km then 1 km off.
    ev.detection(34, "USFK_TMO_CELL", "space-ir"),
    ev.detection(36, "USFJ_C4I"),
    ev.ownTrack(52, "USFK_TMO_CELL", north(IMPACT_1, 10), lon),
    ev.ownTrack(100, "USFK_TMO_CELL", north(IMPACT_1, 1), lon),
    // KOR: own track, a US track directly, a good fused object (5 km) and a spurious one (500 km).
    ev.detection(37, "ROK_KTMO_CELL"),
    ev.ownTrack(42, "ROK_KTMO_CELL", north(IMPACT_1, 8), lon),
    ev.partnerTrack(52, ["USFK_TMO_CELL", "ROK_KTMO_CELL"], north(IMPACT_1, 10), lon),
    ev.fused(60, "ROK_KTMO_CELL", "F1", north(IMPACT_1, 5), lon),
    ev.fused(60, "ROK_KTMO_CELL", "F2", north(IMPACT_1, 500), lon),
    // JPN: a stale ROK track (ignored), US tracks through the hub, fused 2 km then 0.5 km off MRBM-2.
    ev.partnerTrack(40, ["ROK_KTMO_CELL", "JSDF"], north(IMPACT_1, 3), lon, true),
    ev.partnerTrack(52, HUB_PATH, north(IMPACT_2, 2), lon),
    ev.fused(52, "JSDF", "F1", north(IMPACT_2, 2), lon),
    ev.detection(101, "JSDF"),
    ev.ownTrack(106, "JSDF", north(IMPACT_2, 0.8), lon),
    ev.fused(110, "JSDF", "F1", north(IMPACT_2, 0.5), lon),
    ev.warning(120, "JPN", "J-Alert: launch"),
    ev.warning(300, "JPN", "J-Alert: cancellation", "cancel"),
    // KOR: only an all-clear (a cancellation is never a first warning).
    ev.warning(200, "KOR", "경보해제", "cancel"),
    // Releases: two permits, a denial held against rtwm-2023 and tisa-2014 (the GSOMIA reason is
    // NOT_A_PARTY: it never applied), and one by the general rules alone.
    ev.release(52, "USFK_TMO_CELL", "JSDF", "usa-jpn-gsomia-2007"),
    ev.release(52, "USFK_TMO_CELL", "ROK_KTMO_CELL", "usa-kor-1987"),
    ev.release(42, "ROK_KTMO_CELL", "JSDF", null, [
      "NOT_A_PARTY (jpn-kor-gsomia-2016): USA is not a party",
      "NOT_IN_FORCE (rtwm-2023): not-yet-in-force (before entry into force)",
      "CHANNEL_UNAVAILABLE (tisa-2014): provides deferred exchange, not real-time",
    ]),
    ev.release(106, "JSDF", "ROK_KTMO_CELL", null, ["NOFORN: not releasable to foreign nationals"]),
  ];
}

/**
 * The events with every agreement in force: as actual, plus ROK tracks at JSDF from +44 s (directly and
 * through the hub in the same tick), a better fused picture at +50 s and an earlier J-Alert.
 */
export function allEvents(): Pending[] {
  const { lon } = IMPACT_1;
  return [
    ...actualEvents().filter((e) => !(e.type === "warning" && e.issuer === "JPN" && e.msgType === "alert")),
    ev.partnerTrack(
      44,
      ["ROK_KTMO_CELL", "USFK_TMO_CELL", "INDOPACOM_LINK_CTRL_HI", "USFJ_C4I", "JSDF"],
      north(IMPACT_2, 3),
      lon,
    ),
    ev.partnerTrack(44, ["ROK_KTMO_CELL", "JSDF"], north(IMPACT_2, 3), lon),
    ev.fused(50, "JSDF", "F3", north(IMPACT_2, 0.3), lon),
    ev.warning(100, "JPN", "J-Alert: launch"),
    ev.release(42, "ROK_KTMO_CELL", "JSDF", "jpn-kor-gsomia-2016"),
  ];
}

/** A run of the fixture under a variant id with the given events. */
export function fixtureRun(id: string, events: Pending[], description = `variant ${id}`): WhatIfRun {
  return { timeline: timeline(fixtureSetup({ id, description }), events), truth: TRUTH };
}

/** Parses a what-if report as XML (the DOCTYPE line aside, which the hardened reader refuses by design). */
export function parseReport(html: string): XmlElement {
  const doctype = "<!DOCTYPE html>\n";
  if (!html.startsWith(doctype)) throw new Error("the report does not start with <!DOCTYPE html>");
  const r = parseXml(html.slice(doctype.length), { maxBytes: 20 * 1024 * 1024, maxDepth: 64 });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.root;
}
