/**
 * An exercise: a historical scenario replayed through the whole topology in one process, on a simulated
 * clock. The flight is flown and every sensor simulated (seeded); each node tracks its own sensors'
 * detections as they arrive; every `shareIntervalS` each node releases its updated confirmed tracks to
 * its partners (`trackDestinations`) through `TriwatchNode.release` (the policy, the hub, the envelopes, the
 * audit log: all real, in-process transport and in-memory PGlite stores); the network is then run until
 * quiet before the clock moves on. Each node fuses what it holds (a stale partner track's predictions
 * count until its predicted impact); Japan's and Korea's warning centres
 * issue public warnings from their nodes' fused pictures.
 *
 * The result is a COP timeline (`src/model/cop.ts`) computed ahead of any replay, plus the truth (for
 * scoring, never shown as anyone's picture) and each node's audit log for proofs.
 *
 * Not modelled here: link latency (transport delivery is immediate on the simulated clock, which moves
 * in steps of `shareIntervalS`), sharing inside one nation (it is not a release; each US node's picture
 * is its own tracks plus what partners send it), and intelligence reports.
 */

import { InProcessTransport } from "../adapters/inproc/index.ts";
import { PgliteStore } from "../adapters/pglite/pglite-store.ts";
import { cachedPgliteTemplate } from "../adapters/pglite/template-cache.ts";
import { decodeRecord, toHex } from "../audit/index.ts";
import { alertToCap } from "../codecs/cap/encode.ts";
import { loadRegionIndex } from "../config/geodata.ts";
import { loadProject } from "../config/project.ts";
import { generateNodeKeys, keyRingFromBundles, publicBundle } from "../keys/index.ts";
import type { Alert } from "../model/alert.ts";
import type {
  CopDecisionEvent,
  CopEvent,
  CopMarking,
  CopSetup,
  CopTimeline,
  CopWarningEvent,
} from "../model/cop.ts";
import { PUBLIC_MARKING } from "../model/cop.ts";
import type { Item, TrackReport } from "../model/item.ts";
import type { Label } from "../model/label.ts";
import type { Detection, Sensor } from "../model/sensing.ts";
import type { Topology } from "../model/topology.ts";
import { linkNodes } from "../node/links.ts";
import { TriwatchNode } from "../node/node.ts";
import { countsInPicture, FusedPicture, fusedWarningEstimate, type HeldReport } from "../node/picture.ts";
import { enabledLinks, type ReleasePlan } from "../node/routing.ts";
import { rankIn } from "../node/secure.ts";
import type { Marking } from "../policy/decide.ts";
import { relToSuffix } from "../policy/marking.ts";
import { compilePolicy, type Policy } from "../policy/policy.ts";
import { statusAt } from "../policy/status.ts";
import { scenarioMeasurements } from "../sim/measurements.ts";
import { flyScenario } from "../sim/scenario-run.ts";
import { MultiTargetTracker, trajectoryEstimates } from "../tracking/index.ts";
import type { TrackState } from "../tracking/state.ts";
import { defaultPolicy, type EstimateSeries, issueWarnings, type WarningEstimate } from "../warning/index.ts";
import { loadScenario, loadSensors, loadTrackLabels } from "./inputs.ts";
import { TRAJECTORY_SAMPLES, trackReport } from "./reports.ts";
import { variantById } from "./variants.ts";

/** Progress of the preparation. */
export interface ExerciseProgress {
  phase: string;
  done: number;
  total: number;
}

/** Options of an exercise. */
export interface ExerciseOptions {
  /** Scenario id (a file of `scenarios/`) or path to a scenario file. */
  scenarioId: string;
  /** Seed of the sensor simulation (default 1). */
  seed?: number;
  /** What-if variant id (default `actual`; see variants.ts). */
  variant?: string;
  /** Seconds between releases of each updated track (default 1). */
  shareIntervalS?: number;
  /** A partner track older than this is stale: kept, never shown as current (default 30). */
  stalenessS?: number;
  /** End the replay this many seconds after the (first) launch (default: when the last detection arrives). */
  untilS?: number;
  /** Seconds between audit tree-head events per node (default 10). */
  auditIntervalS?: number;
  onProgress?: (p: ExerciseProgress) => void;
  /** Stops the run between steps (the nodes are stopped and the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What really happened (for scoring; no nation's picture). */
export interface ExerciseTruth {
  objects: {
    objectId: string;
    launchId: string;
    role: "missile" | "payload" | "stage";
    launchT: number;
    impact: { t: number; lat: number; lon: number } | null;
  }[];
}

/** A finished exercise. */
export interface Exercise {
  timeline: CopTimeline;
  truth: ExerciseTruth;
  /** Inclusion proof of a leaf of a node's audit log in its current tree (hex hashes, leaf to root). */
  auditProof(
    node: string,
    leafIndex: number,
    treeSize?: number,
  ): { treeSize: number; rootHex: string; leafHashHex: string; path: string[] } | undefined;
  /** Stops the nodes and frees the stores. */
  close(): Promise<void>;
}

/** Nations whose public warnings the exercise issues, and the node whose picture each warns from. */
export const WARNING_NODES: Readonly<Record<string, string>> = { JPN: "JSDF", KOR: "ROK_KTMO_CELL" };

interface NodeTracking {
  node: string;
  party: string;
  sensors: Map<string, Sensor>;
  tracker: MultiTargetTracker;
  lastScanT: number;
  /** Per track: state time last released, serial, confirmation time. */
  released: Map<string, { stateT: number; serial: number }>;
  /** The latest report of each confirmed live track. */
  reports: Map<string, { report: TrackReport; confirmedT: number }>;
  firstDetection: boolean;
}

/** An event before it is numbered (Omit distributed over the union). */
type Pending = CopEvent extends infer E ? (E extends CopEvent ? Omit<E, "seq"> : never) : never;

/** Runs an exercise; throws InputError on bad input (naming the file and field). */
export async function runExercise(options: ExerciseOptions): Promise<Exercise> {
  const progress = options.onProgress ?? (() => {});
  const seed = options.seed ?? 1;
  const shareS = options.shareIntervalS ?? 1;
  const stalenessS = options.stalenessS ?? 30;
  const auditS = options.auditIntervalS ?? 10;
  const variant = variantById(options.variant ?? "actual");
  for (const [name, v] of [
    ["shareIntervalS", shareS],
    ["stalenessS", stalenessS],
    ["auditIntervalS", auditS],
    ["untilS", options.untilS ?? 1],
  ] as const)
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`${name} must be a positive number of seconds, not ${v}`);

  progress({ phase: "loading the project", done: 0, total: 1 });
  const project = loadProject();
  const { topology } = project;
  const agreements = variant.apply(project.agreements);
  const policy = compilePolicy(agreements, project.schemes);
  const { scenario, file } = loadScenario(options.scenarioId);
  const sensors = loadSensors();
  const labels = loadTrackLabels();
  const regions = loadRegionIndex();

  progress({ phase: "flying the scenario and simulating the sensors", done: 0, total: 1 });
  const flown = flyScenario(scenario, file);
  if (!flown.ok) throw new Error(flown.errors.join("\n"));
  const { detections: run } = scenarioMeasurements(flown.value, sensors, seed);
  const launchT = Math.min(...scenario.launches.map((l) => Date.parse(l.launchTime) / 1000));

  // The network: five nodes, in-memory PGlite stores, in-process transport, signed link handshakes.
  options.signal?.throwIfAborted();
  progress({ phase: "starting the nodes", done: 0, total: topology.nodes.length });
  const clock = { ms: (launchT - 10) * 1000 };
  const now = () => clock.ms;
  const transport = new InProcessTransport({ topology });
  const template = await cachedPgliteTemplate({ migrated: true });
  const keys = new Map(topology.nodes.map((n) => [n.id, generateNodeKeys(n.id)]));
  const ring = keyRingFromBundles([...keys.values()].map(publicBundle));
  if (!ring.ok) throw new Error(ring.message);
  const nodes = new Map<string, TriwatchNode>();
  const stores: PgliteStore[] = [];
  const storeOf = new Map<string, PgliteStore>();
  const partyOf = new Map(topology.nodes.map((n) => [n.id, n.party]));
  for (const [i, spec] of topology.nodes.entries()) {
    const store = new PgliteStore({ template });
    await store.migrate();
    stores.push(store);
    storeOf.set(spec.id, store);
    const node = new TriwatchNode({
      spec,
      topology,
      policy,
      store,
      endpoint: await transport.connect(spec.id),
      now,
      keys: keys.get(spec.id) as NonNullable<ReturnType<typeof keys.get>>,
      ring: ring.ring,
      stalenessMs: stalenessS * 1000,
    });
    await node.start();
    nodes.set(spec.id, node);
    progress({ phase: "starting the nodes", done: i + 1, total: topology.nodes.length });
  }
  const close = async () => {
    for (const n of nodes.values()) await n.stop();
    await transport.close();
    for (const s of stores) await s.close();
  };

  try {
    options.signal?.throwIfAborted();
    await linkNodes(topology, nodes);
  } catch (e) {
    await close();
    throw e;
  }
  try {
    const events: Pending[] = [];
    const trackers = nodeTrackers(sensors, partyOf);
    const destinations = new Map(trackers.map((t) => [t.node, trackDestinations(topology, t.node)]));
    const pictures = new Map(topology.nodes.map((n) => [n.id, new FusedPicture(n.id)]));
    const series = new Map(Object.keys(WARNING_NODES).map((p) => [p, [] as WarningEstimate[]]));
    /** Per `trackKey>holderNode`: the holder's marking of it, from the release decision. */
    const partnerMarking = new Map<string, CopMarking>();
    /** Per `trackKey>holderNode`: the node path it took. */
    const partnerPath = new Map<string, string[]>();
    /** Per holder node and partner track key: when it first arrived (s) and the last asOf recorded. */
    const received = new Map<string, { firstT: number; asOf: string }>();
    const decisionsSeen = new Set<string>();
    const leavesRead = new Map<string, number>();
    const lastFusedAsOf = new Map<string, string>();

    const dets = run.detections;
    const truthOf = run.truth;
    const latencyOf = new Map(sensors.map((x) => [x.id, x.latencyS]));
    const ownerOf = new Map(trackers.flatMap((nt) => [...nt.sensors.keys()].map((id) => [id, nt] as const)));
    const arrival = (d: Detection) => d.t + (latencyOf.get(d.sensorId) ?? 0);
    const lastArrival = dets.reduce((m, d) => Math.max(m, arrival(d)), dets.length > 0 ? -Infinity : launchT);
    const firstTick = Math.ceil((launchT - 10) / shareS) * shareS;
    const lastTick = options.untilS === undefined ? lastArrival + shareS : launchT + options.untilS;
    const ticks = Math.max(1, Math.ceil((lastTick - firstTick) / shareS));
    let di = 0;
    let nextAudit = firstTick;

    for (let k = 0; k <= ticks; k++) {
      options.signal?.throwIfAborted();
      const T = firstTick + k * shareS;
      clock.ms = Math.round(T * 1000);
      // 1. Detections that have arrived by T, scan by scan, to the node that owns the sensor.
      while (di < dets.length && arrival(dets[di] as Detection) <= T) {
        const first = dets[di] as Detection;
        let end = di + 1;
        while (
          end < dets.length &&
          (dets[end] as Detection).t === first.t &&
          (dets[end] as Detection).sensorId === first.sensorId
        )
          end++;
        const owner = ownerOf.get(first.sensorId);
        if (owner) {
          if (!owner.firstDetection && truthOf.slice(di, end).some((x) => x.source.kind === "object")) {
            owner.firstDetection = true;
            const sensor = owner.sensors.get(first.sensorId) as Sensor;
            events.push({
              type: "detection",
              t: Math.round(arrival(first) * 1000),
              holder: owner.party,
              marking: ownMarking(policy, labels.get(owner.party)),
              node: owner.node,
              sensorId: sensor.id,
              sensorKind: sensor.kind,
            });
          }
          feedScan(owner, first.sensorId, first.t, dets.slice(di, end));
        }
        di = end;
      }

      // 2. Each node releases its updated confirmed tracks to every node of the other parties.
      const releases: Promise<void>[] = [];
      for (const nt of trackers) {
        const label = labels.get(nt.party);
        if (!label) continue;
        const node = nodes.get(nt.node) as TriwatchNode;
        for (const track of nt.tracker.liveTracks()) {
          if (track.confirmedT === undefined) continue;
          const state = track.states[track.states.length - 1] as TrackState | undefined;
          if (!state || state.t < track.confirmedT) continue;
          const trackId = `${nt.node}-${track.id}`;
          const last = nt.released.get(trackId);
          if (last && last.stateT >= state.t) continue;
          const te = trajectoryEstimates(state, ESTIMATES);
          if (!te) continue;
          const serial = (last?.serial ?? 0) + 1;
          nt.released.set(trackId, { stateT: state.t, serial });
          const sensorId = "sensorId" in state.provenance ? state.provenance.sensorId : undefined;
          const report = trackReport(
            {
              node: nt.node,
              label,
              trackId,
              serial,
              sensor: sensorId ? nt.sensors.get(sensorId) : undefined,
            },
            state,
            te,
          );
          nt.reports.set(trackId, { report, confirmedT: track.confirmedT });
          events.push({
            type: "track",
            t: clock.ms,
            holder: nt.party,
            marking: ownMarking(policy, label, report),
            node: nt.node,
            origin: { node: nt.node, party: nt.party },
            own: true,
            path: [nt.node],
            report,
            stale: false,
          });
          for (const to of destinations.get(nt.node) ?? []) {
            releases.push(
              node.release(report, to, "real-time").then((plan) => {
                noteRelease(plan, report, nt.node, to);
              }),
            );
          }
        }
        // Tracks deleted since: no longer part of the node's own picture.
        const live = new Set(nt.tracker.liveTracks().map((t) => `${nt.node}-${t.id}`));
        for (const id of [...nt.reports.keys()]) if (!live.has(id)) nt.reports.delete(id);
      }
      await Promise.all(releases);
      await quiet(nodes, transport);

      // 3. What each node now holds from partners, the audit steps, the fused picture.
      for (const [id, node] of nodes) {
        await readAudit(id);
        const holder = partyOf.get(id) as string;
        const held: HeldReport[] = [];
        for (const [key, entry] of node.picture) {
          const item = entry.item;
          const trackKey = `${item.trackId}`;
          const rk = `${id}|${key}`;
          const prev = received.get(rk);
          const marking = partnerMarking.get(`${trackKey}>${id}`) ?? PUBLIC_MARKING;
          const stale = clock.ms - Date.parse(item.asOf) > stalenessS * 1000;
          if (!prev || prev.asOf !== item.asOf) {
            received.set(rk, { firstT: prev?.firstT ?? T, asOf: item.asOf });
            const originNode = item.trackId.slice(0, item.trackId.lastIndexOf("-"));
            events.push({
              type: "track",
              t: clock.ms,
              holder,
              marking,
              node: id,
              origin: { node: originNode, party: item.label.originator },
              own: false,
              path: partnerPath.get(`${trackKey}>${id}`) ?? [originNode, id],
              report: item,
              stale,
            });
          }
          if (!countsInPicture(item, stale, clock.ms)) continue;
          held.push({
            key: item.trackId,
            originNode: item.trackId.slice(0, item.trackId.lastIndexOf("-")),
            party: item.label.originator,
            own: false,
            report: item,
            firstHeldT: (received.get(rk) as { firstT: number }).firstT,
            rank: marking.rank,
          });
        }
        const own = trackers.find((x) => x.node === id);
        for (const [trackId, { report, confirmedT }] of own?.reports ?? []) {
          held.push({
            key: trackId,
            originNode: id,
            party: holder,
            own: true,
            report,
            firstHeldT: confirmedT,
            rank: ownMarking(policy, labels.get(holder), report).rank,
          });
        }
        const fused = (pictures.get(id) as FusedPicture).fuse(held);
        const warnParty = Object.entries(WARNING_NODES).find(([, n]) => n === id)?.[0];
        for (const f of fused) {
          const asOf = f.contributors.map((c) => `${c.key}@${c.report.asOf}`).join(",");
          if (lastFusedAsOf.get(`${id}|${f.fusedId}`) !== asOf) {
            lastFusedAsOf.set(`${id}|${f.fusedId}`, asOf);
            const label = labels.get(holder);
            if (label) {
              const basis = f.basis.report;
              events.push({
                type: "fused",
                t: clock.ms,
                holder,
                marking: {
                  ...ownMarking(policy, label),
                  rank: Math.max(f.rank, ownMarking(policy, label).rank),
                },
                node: id,
                fusedId: f.fusedId,
                contributors: f.contributors.map((c) => ({
                  node: c.originNode,
                  party: c.party,
                  trackId: c.key,
                })),
                report: {
                  ...basis,
                  id: `${f.fusedId}@${clock.ms}`,
                  label,
                  eventId: f.fusedId,
                  trackId: f.fusedId,
                  asOf: new Date(
                    Math.max(...f.contributors.map((c) => Date.parse(c.report.asOf))),
                  ).toISOString(),
                  launch: {
                    ...basis.launch,
                    lat: round5(f.launch.lat),
                    lon: round5(f.launch.lon),
                    uncertaintyM: Math.round(f.launch.uncertaintyM),
                  },
                  impact: {
                    ...basis.impact,
                    lat: round5(f.impact.lat),
                    lon: round5(f.impact.lon),
                    ellipse95: {
                      semiMajorM: Math.round(f.impact.ellipse95.semiMajorM),
                      semiMinorM: Math.round(f.impact.ellipse95.semiMinorM),
                      orientationDeg: Math.round(f.impact.ellipse95.orientationDeg * 10) / 10,
                    },
                  },
                  sensor: undefined,
                },
              });
            }
          }
          if (warnParty) {
            const e = fusedWarningEstimate(f, T);
            if (e) series.get(warnParty)?.push(e);
          }
        }
        if (T >= nextAudit) {
          events.push({
            type: "audit",
            t: clock.ms,
            holder,
            marking: { ...ownMarking(policy, labels.get(holder)), rank: 0 },
            node: id,
            size: node.log.size,
            rootHex: toHex(node.log.root()),
          });
        }
      }
      if (T >= nextAudit) nextAudit += auditS;
      if (k % 10 === 0 || k === ticks)
        progress({ phase: "replaying through the network", done: k, total: ticks });
    }

    // 4. Public warnings from each warning centre's fused picture.
    progress({ phase: "issuing public warnings", done: 0, total: 1 });
    for (const [party, estimates] of series) {
      const s: EstimateSeries = { estimates, endT: firstTick + ticks * shareS };
      for (const alert of issueWarnings(s, regions, defaultPolicy(party as "JPN" | "KOR")))
        events.push(warningEvent(party, alert));
    }

    const timeline = assemble(events, {
      scenario: {
        id: scenario.id,
        title: scenario.title,
        launches: scenario.launches.map((l) => ({
          id: l.id,
          time: Date.parse(l.launchTime),
          site: [l.site.lonDeg, l.site.latDeg] as [number, number],
        })),
      },
      variant: { id: variant.id, description: variant.description },
      seed,
      startMs: firstTick * 1000,
      endMs: (firstTick + ticks * shareS) * 1000,
      parties: topology.parties.map((p) => ({ code: p.code, name: p.name })),
      nodes: topology.nodes.map((n) => ({ id: n.id, party: n.party, name: n.name, role: n.role })),
      links: linkStates(topology, policy, launchT * 1000),
      agreements: agreements.map((a) => {
        const s = statusAt(a, launchT * 1000);
        return { id: a.id, title: a.title, status: s.status, detail: s.cause };
      }),
      sensors: sensors
        .filter((s) => partyOf.has(s.node))
        .map((s) => ({
          id: s.id,
          name: s.name,
          nation: s.nation,
          node: s.node,
          kind: s.kind,
          position: s.kind === "radar" ? ([s.position.lonDeg, s.position.latDeg] as [number, number]) : null,
          maxRangeKm: s.kind === "radar" ? s.maxRangeM / 1000 : null,
          azimuthCentreDeg: s.fieldOfRegard.azimuthCentreDeg,
          azimuthHalfWidthDeg: s.fieldOfRegard.azimuthHalfWidthDeg,
        })),
    });
    const truth: ExerciseTruth = {
      objects: flown.value.objects.map((o) => ({
        objectId: o.objectId,
        launchId: o.launchId,
        role: o.role,
        launchT: o.samples[0]?.t ?? launchT,
        impact: o.impact ? { t: o.impact.t, lat: o.impact.latDeg, lon: o.impact.lonDeg } : null,
      })),
    };
    return {
      timeline,
      truth,
      auditProof(node, leafIndex, treeSize) {
        const log = nodes.get(node)?.log;
        if (!log) return undefined;
        const size = treeSize ?? log.size;
        if (!Number.isInteger(size) || size < 1 || size > log.size) return undefined;
        if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= size) return undefined;
        return {
          treeSize: size,
          rootHex: toHex(log.root(size)),
          leafHashHex: toHex(log.leafHash(leafIndex)),
          path: log.inclusionProof(leafIndex, size).map((h) => toHex(h)),
        };
      },
      close,
    };

    /** Remembers how a release went: the recipient's marking and the node path, and the decision event. */
    function noteRelease(plan: ReleasePlan, report: TrackReport, from: string, to: string): void {
      if (plan.ok) {
        const m = plan.decision.marking;
        partnerMarking.set(`${report.trackId}>${to}`, copMarking(policy, m));
        partnerPath.set(`${report.trackId}>${to}`, plan.path);
      }
      const d = plan.decision;
      const reasons =
        d.outcome === "permit"
          ? [`${d.agreement}: ${d.consent}`]
          : d.reasons.map((r) => `${r.code}${r.agreement ? ` (${r.agreement})` : ""}: ${r.message}`);
      const key = `${from}|release|${report.trackId}|${to}|${d.outcome}|${d.outcome === "permit" ? d.agreement : reasons.join(";")}`;
      if (decisionsSeen.has(key)) return;
      decisionsSeen.add(key);
      events.push({
        type: "decision",
        t: clock.ms,
        holder: partyOf.get(from) as string,
        marking: ownMarking(policy, labels.get(report.label.originator), report),
        node: from,
        action: "release",
        permitted: d.outcome === "permit",
        itemId: report.id,
        itemKind: "track-report",
        from,
        to,
        agreement: d.outcome === "permit" ? d.agreement : null,
        route: d.outcome === "permit" ? (plan.ok ? plan.path : d.route) : d.route,
        channel: "real-time",
        reasons,
      } satisfies Omit<CopDecisionEvent, "seq">);
    }

    /** Turns new audit leaves (relays, receipts, rejections) into decision events, once per kind of step. */
    async function readAudit(id: string): Promise<void> {
      const store = storeOf.get(id) as PgliteStore;
      const from = leavesRead.get(id) ?? 0;
      const size = await store.auditSize();
      const leaves = size > from ? await store.auditLeaves(from, size) : [];
      leavesRead.set(id, size);
      const holder = partyOf.get(id) as string;
      for (const leaf of leaves) {
        const decoded = decodeRecord(leaf.bytes);
        if (!decoded.ok) throw new Error(`${id}: audit leaf ${leaf.index} does not decode: ${decoded.why}`);
        const r = decoded.record;
        if (r.kind === "release-decision") continue;
        const reasons = r.reasons.map((x) => `${x.code}${x.agreement ? ` (${x.agreement})` : ""}`);
        const action = r.kind === "receipt" ? "receipt" : r.kind === "relay" ? "relay" : "rejection";
        // A record about a track bundle names each of its tracks: a step is shown once per track.
        for (const itemId of r.items ?? [r.item]) {
          const trackId = itemId.replace(/-\d+$/, "");
          const key = `${id}|${action}|${trackId}|${r.sender}>${r.recipient}|${r.outcome}|${reasons.join(";")}`;
          if (decisionsSeen.has(key)) continue;
          decisionsSeen.add(key);
          events.push({
            type: "decision",
            t: clock.ms,
            holder,
            marking: partnerMarking.get(`${trackId}>${id}`) ?? { ...ownMarking(policy, labels.get(holder)) },
            node: id,
            action,
            permitted: r.outcome === "permit" || r.outcome === "accept",
            itemId,
            itemKind: "track-report",
            from: r.sender,
            to: r.recipient,
            agreement: r.agreement ?? null,
            route: r.route,
            channel: "real-time",
            reasons: reasons.length > 0 ? reasons : r.agreement ? [`${r.agreement}`] : [],
          });
        }
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

/** Estimates for reports: the trajectory sampled at the report's resolution (each sample is a propagation). */
const ESTIMATES = { groundTrackPoints: TRAJECTORY_SAMPLES } as const;

/**
 * Where a node sends its tracks: the national node of every other party (ROK KTMO-Cell, JSDF), and its
 * own neighbours of other parties (KTMO-Cell ↔ USFK, JSDF ↔ USFJ). Inside the US, tracks are not
 * released (that is not a release between parties), so US nodes hold what their partners send them.
 */
export function trackDestinations(topology: Topology, from: string): string[] {
  const party = topology.nodes.find((n) => n.id === from)?.party;
  const out = new Set<string>();
  for (const n of topology.nodes) if (n.party !== party && n.role === "national") out.add(n.id);
  for (const l of topology.links) {
    const other = l.a === from ? l.b : l.b === from ? l.a : undefined;
    const otherParty = topology.nodes.find((n) => n.id === other)?.party;
    if (other && otherParty !== party) out.add(other);
  }
  return [...out].sort();
}

/** One tracker per node that owns sensors. */
function nodeTrackers(sensors: readonly Sensor[], partyOf: ReadonlyMap<string, string>): NodeTracking[] {
  const byNode = new Map<string, Sensor[]>();
  for (const s of sensors) {
    if (!partyOf.has(s.node)) throw new Error(`sensor ${s.id}: node ${s.node} is not in the topology`);
    byNode.set(s.node, [...(byNode.get(s.node) ?? []), s]);
  }
  return [...byNode.entries()].map(([node, own]) => ({
    node,
    party: partyOf.get(node) as string,
    sensors: new Map(own.map((s) => [s.id, s])),
    tracker: new MultiTargetTracker(own, { maxHistory: 64 }),
    lastScanT: Number.NEGATIVE_INFINITY,
    released: new Map(),
    reports: new Map(),
    firstDetection: false,
  }));
}

/** Hands a scan to a node's tracker; a scan later than the reprocessing limit is dropped, as in trackNation. */
function feedScan(nt: NodeTracking, sensorId: string, t: number, scan: readonly Detection[]): void {
  const maxLagS = nt.tracker.options.outOfSequence.maxLagS;
  if (t < nt.lastScanT && nt.lastScanT - t > maxLagS) return;
  nt.lastScanT = Math.max(nt.lastScanT, t);
  nt.tracker.processScan(sensorId, t, scan);
}

/** Runs the network until no node has work and nothing is in flight. */
async function quiet(nodes: ReadonlyMap<string, TriwatchNode>, transport: InProcessTransport): Promise<void> {
  // A round in which the transport had nothing in flight before and after every node went idle.
  for (let i = 0; i < 1000; i++) {
    await transport.drained();
    await Promise.all([...nodes.values()].map((n) => n.idle()));
    await new Promise((r) => setImmediate(r));
    if (transport.inFlight > 0) continue;
    await Promise.all([...nodes.values()].map((n) => n.idle()));
    if (transport.inFlight === 0) return;
  }
  throw new Error("the network did not settle after 1000 rounds");
}

/** A marking in its own party's terms for an item (or the bare grade of a label). */
function ownMarking(policy: Policy, label: Label | undefined, item?: Item): CopMarking {
  if (!label) return PUBLIC_MARKING;
  const level = policy.levels.get(label.originator)?.get(label.classification);
  const native = level?.native ?? label.classification;
  return {
    level: label.classification,
    native,
    banner: item ? `${native}${relToSuffix(item)}` : native,
    rank: level?.rank ?? 0,
  };
}

function copMarking(policy: Policy, m: Marking): CopMarking {
  return { level: m.level, native: m.native, banner: m.banner, rank: rankIn(policy, m.party, m.level) ?? 0 };
}

function linkStates(topology: CopTimelineTopology, policy: Policy, atMs: number): CopSetup["links"] {
  const enabled = enabledLinks(topology, policy, atMs);
  return topology.links.map((l) => {
    const e = enabled.find((x) => (x.a === l.a && x.b === l.b) || (x.a === l.b && x.b === l.a));
    return { a: l.a, b: l.b, enabled: e !== undefined, agreements: e?.agreements ?? [] };
  });
}
type CopTimelineTopology = Parameters<typeof enabledLinks>[0];

/** A public warning as a COP event. */
function warningEvent(party: string, alert: Alert): Omit<CopWarningEvent, "seq"> {
  const info = alert.infos;
  const headlines: Record<string, string> = {};
  for (const i of info) headlines[i.language.slice(0, 2)] = i.headline;
  const first = info[0];
  return {
    type: "warning",
    t: Date.parse(alert.sent),
    holder: "PUBLIC",
    marking: PUBLIC_MARKING,
    issuer: party,
    alertId: alert.id,
    msgType: alert.msgType,
    references: alert.references.map((r) => r.id),
    kind:
      alert.kind.system === "j-alert"
        ? `J-Alert: ${alert.kind.type}`
        : alert.kind.system === "kr-civil-defence"
          ? alert.kind.level
          : alert.kind.tier,
    headlines,
    areas: (first?.areas ?? []).map((a) => ({
      description: a.description,
      codes: a.codes.map((c) => `${c.scheme}=${c.code}`),
      polygons: a.polygons.map((ring) => ring.map((p) => [p.lon, p.lat] as [number, number])),
    })),
    cap: alertToCap(alert),
  };
}

/** Sorts the events by time (stable) and numbers them. */
function assemble(events: Pending[], setup: CopSetup): CopTimeline {
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i);
  return { setup, events: ordered.map(({ e }, seq) => ({ ...e, seq }) as CopEvent) };
}
