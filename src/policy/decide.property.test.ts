// Property tests of the release rules over random agreements, labels, routes and times.
// The oracle below restates each rule independently of decide(); a permit must satisfy all of them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { project } from "../../test/helpers/policy.ts";
import type { Agreement } from "../model/agreement.ts";
import type { ClassificationScheme } from "../model/classification.ts";
import type { Item } from "../model/item.ts";
import type { Label, Topic } from "../model/label.ts";
import { type Decision, type DecisionRequest, decide, type Permit } from "./decide.ts";
import { compilePolicy } from "./policy.ts";
import { statusAt, statusTimeline } from "./status.ts";

const TOPICS: Topic[] = [
  "missile-warning",
  "missile-programme",
  "nuclear-test",
  "nuclear-programme",
  "cyber",
  "sanctions-evasion",
  "pre-launch-indicators",
];
const src = [{ tag: "N" as const, ref: "generated" }];
const realSchemes = project().schemes;
const gbr: ClassificationScheme = {
  party: "GBR",
  title: "synthetic fourth party",
  foreignOriginMarking: "{origin} {level}",
  partyNames: {},
  handlingLabels: [],
  levels: [
    { code: "OFFICIAL_SENSITIVE", name: "OS", native: "OFFICIAL-SENSITIVE", rank: 1, sources: src },
    { code: "SECRET", name: "SECRET", native: "SECRET", rank: 2, sources: src },
    { code: "TOP_SECRET", name: "TOP SECRET", native: "TOP SECRET", rank: 3, sources: src },
  ],
};
const SCHEMES = [...realSchemes, gbr];
const PARTIES = SCHEMES.map((s) => s.party);
const levelsOf = (p: string) => SCHEMES.find((s) => s.party === p)?.levels ?? [];
const T0 = Date.parse("2000-01-01T00:00:00Z");
const T1 = Date.parse("2030-01-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const subset = <T>(xs: readonly T[], min = 0) => fc.subarray([...xs], { minLength: min });
/** Usually everything (so that permits are common enough to test), sometimes a random subset. */
const mostlyAll = <T>(xs: readonly T[], min = 0): fc.Arbitrary<T[]> =>
  fc
    .oneof({ arbitrary: fc.constant([...xs]), weight: 3 }, { arbitrary: subset(xs, min), weight: 1 })
    .map((x) => [...x]);
/** Usually nothing, sometimes a random subset. */
const mostlyNone = <T>(xs: readonly T[]): fc.Arbitrary<T[]> =>
  fc
    .oneof({ arbitrary: fc.constant([] as T[]), weight: 3 }, { arbitrary: subset(xs), weight: 1 })
    .map((x) => [...x]);
const T_ITEMS = T0 + 6 * 365 * 86_400_000;

/** A consistent event history: walks the status machine forward in time. */
const historyArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 4 * 365 * 86_400 }), fc.nat(9)), { minLength: 1, maxLength: 6 })
  .map((steps) => {
    let t = T0;
    let state = "nyif";
    const events: Agreement["events"] = [];
    for (const [dt, pick] of steps) {
      t += dt * 1000;
      const options: Record<string, [Agreement["events"][number]["type"], string][]> = {
        nyif: [["entered-into-force", "in"]],
        in: [
          ["termination-noticed", "noticed"],
          ["terminated", "ended"],
          ["signed", "in"],
        ],
        noticed: [
          ["notice-suspended", "suspended"],
          ["notice-withdrawn", "in"],
        ],
        suspended: [["notice-withdrawn", "in"]],
        ended: [["entered-into-force", "in"]],
      };
      const choices = options[state] ?? [];
      const [type, next] = choices[pick % choices.length] as [Agreement["events"][number]["type"], string];
      events.push({ at: iso(t), type, sources: src });
      state = next;
    }
    return events;
  });

const agreementArb = (id: string) =>
  fc
    .record({
      parties: mostlyAll(PARTIES, 2),
      hubPick: fc.nat(),
      hubMode: fc.boolean(),
      topics: fc.option(subset(TOPICS, 1), { nil: undefined, freq: 2 }),
      excluded: mostlyNone(TOPICS),
      subjects: fc.constantFrom<"any" | string[]>("any", ["PRK"], ["PRK", "CHN"]),
      kinds: mostlyAll(["track-report", "intel-report"] as const, 1),
      window: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
      topRank: fc.integer({ min: 1, max: 3 }),
      gateTop: fc.boolean(),
      gateValue: fc.boolean(),
      relay: fc.constantFrom("per-item", "standing", "forbidden" as const),
      standing: mostlyAll(TOPICS),
      channels: mostlyAll(["real-time", "deferred"] as const, 1),
      yearly: fc.boolean(),
      noticeDays: fc.integer({ min: 0, max: 400 }),
      events: historyArb,
    })
    .map((g): Agreement => {
      const hub = g.parties[g.hubPick % g.parties.length] as string;
      const rows = [];
      for (let rank = 1; rank <= g.topRank; rank++) {
        const levels: Record<string, string[]> = {};
        for (const p of g.parties)
          levels[p] = levelsOf(p)
            .filter((l) => l.rank === rank)
            .map((l) => l.code);
        const gated = g.gateTop && rank === g.topRank;
        rows.push({ tier: `T${rank}`, rank, levels, sources: src, ...(gated ? { requires: "top" } : {}) });
      }
      return {
        id,
        title: id,
        nativeTitles: {},
        kind: "arrangement",
        legallyBinding: false,
        parties: g.parties,
        timeZone: "+09:00",
        requires: [],
        scope: {
          topics: g.topics ?? "all",
          excludedTopics: g.excluded,
          subjects: g.subjects,
          itemKinds: g.kinds,
          ...(g.window === undefined ? {} : { launchToImpactOnly: { graceS: g.window } }),
          sources: src,
        },
        classification: { correspondence: rows },
        routing: g.hubMode ? { mode: "hub", hub, sources: src } : { mode: "direct", sources: src },
        consent: { relay: g.relay, standingTopics: g.standing, sources: src },
        channels: g.channels,
        sanitisation: { removeFields: ["sensor"], sources: src },
        parameters: { top: { value: g.gateValue, basis: "unknown", note: "generated" } },
        renewal: g.yearly
          ? { kind: "yearly", anniversary: "11-23", noticeDays: g.noticeDays % 365, sources: src }
          : { kind: "indefinite", noticeDays: g.noticeDays, sources: src },
        events: g.events,
        unknowns: [],
      };
    })
    // A suspension that comes after the notice already took effect is an invalid file (rejected on load).
    .filter((a) => {
      try {
        statusTimeline(a);
        return true;
      } catch {
        return false;
      }
    });

const labelArb: fc.Arbitrary<Label> = fc
  .record({
    originator: fc.constantFrom(...PARTIES),
    levelPick: fc.nat(),
    releasableTo: mostlyAll(PARTIES),
    caveats: mostlyNone(["ORCON", "NOFORN"] as const),
    topics: fc.oneof(
      { arbitrary: fc.constantFrom(...TOPICS).map((t) => [t]), weight: 3 },
      { arbitrary: subset(TOPICS, 1), weight: 1 },
    ),
    subject: fc.constantFrom("PRK", "CHN", "RUS"),
    approvals: fc.array(
      fc.record({ to: fc.constantFrom(...PARTIES), at: fc.integer({ min: T0, max: T_ITEMS }) }),
      {
        maxLength: 2,
      },
    ),
  })
  .map((g) => {
    const levels = levelsOf(g.originator);
    return {
      originator: g.originator,
      classification: (levels[g.levelPick % levels.length] as { code: string }).code,
      handling: [],
      releasableTo: g.releasableTo,
      caveats: g.caveats,
      topics: g.topics,
      subject: g.subject,
      sourceFields: [],
      approvals: g.approvals.map((a, i) => ({ to: a.to, at: iso(a.at), ref: `ap-${i}` })),
    };
  });

const itemArb: fc.Arbitrary<Item> = fc
  .record({
    label: labelArb,
    track: fc.boolean(),
    launch: fc.integer({ min: T0, max: T_ITEMS }),
    asOfDelta: fc.integer({ min: -300, max: 5000 }),
    flight: fc.integer({ min: 300, max: 4000 }),
  })
  .map((g): Item => {
    if (!g.track) {
      return {
        kind: "intel-report",
        id: "i",
        label: g.label,
        producedAt: iso(g.launch),
        title: "t",
        body: "b",
        attachments: [],
      };
    }
    return {
      kind: "track-report",
      id: "t",
      label: g.label,
      asOf: iso(g.launch + g.asOfDelta * 1000),
      eventId: "e",
      trackId: "k",
      launch: { lat: 39, lon: 125.7, time: iso(g.launch), uncertaintyM: 1, timeUncertaintyS: 1 },
      trajectory: [{ time: iso(g.launch), lat: 39, lon: 125.7, altM: 0 }],
      impact: {
        lat: 41,
        lon: 135,
        time: iso(g.launch + g.flight * 1000),
        ellipse95: { semiMajorM: 1, semiMinorM: 1, orientationDeg: 0 },
      },
      missileClass: "IRBM",
      lofted: false,
      sensor: { type: "radar" },
    };
  });

const scenarioArb = fc
  .record({
    agreements: fc.tuple(agreementArb("a0"), agreementArb("a1"), agreementArb("a2")),
    item: itemArb,
    senderIsOriginator: fc.boolean(),
    sender: fc.constantFrom(...PARTIES),
    recipient: fc.constantFrom(...PARTIES),
    via: fc.oneof(
      { arbitrary: fc.constant([] as string[]), weight: 2 },
      { arbitrary: fc.array(fc.constantFrom(...PARTIES), { maxLength: 2 }), weight: 1 },
    ),
    channel: fc.constantFrom("real-time", "deferred" as const),
    atDelta: fc.integer({ min: -86_400, max: 86_400 }),
    atFar: fc.option(fc.integer({ min: T0, max: T1 }), { nil: undefined, freq: 4 }),
    senderIsHub: fc.boolean(),
    approvalOffsets: fc.array(fc.integer({ min: -86_400, max: 86_400 }), { minLength: 2, maxLength: 2 }),
  })
  .map((g) => {
    const base = g.item.kind === "track-report" ? Date.parse(g.item.asOf) : Date.parse(g.item.producedAt);
    const at = g.atFar ?? base + g.atDelta * 1000;
    // Approvals dated shortly before or after the decision, so that their timing matters.
    const approvals = g.item.label.approvals.map((ap, i) => ({
      ...ap,
      at: iso(at + (g.approvalOffsets[i] ?? 0) * 1000),
    }));
    const item = { ...g.item, label: { ...g.item.label, approvals } } as Item;
    const routing = g.agreements[0].routing;
    const hub = routing.mode === "hub" ? routing.hub : g.sender;
    const sender = g.senderIsOriginator ? item.label.originator : g.senderIsHub ? hub : g.sender;
    const req: DecisionRequest = {
      item,
      sender,
      recipient: g.recipient,
      via: g.via,
      channel: g.channel,
      at,
    };
    return { agreements: [...g.agreements], req };
  });

const OPERATIVE = new Set(["in-force", "termination-noticed", "notice-suspended"]);

/** Every rule a permit must satisfy, restated from the agreements' text, not from decide(). */
function violations(agreements: Agreement[], req: DecisionRequest, p: Permit): string[] {
  const out: string[] = [];
  const a = agreements.find((x) => x.id === p.agreement);
  if (!a) return ["permit names an unknown agreement"];
  const label = req.item.label;
  const o = label.originator;
  const path = [o, req.sender, ...(req.via ?? []), req.recipient].filter(
    (x, i, arr) => i === 0 || x !== arr[i - 1],
  );
  if (path.join() !== p.route.join()) out.push("route");
  if (!path.every((x) => a.parties.includes(x))) out.push("party");
  if (!OPERATIVE.has(statusAt(a, req.at).status)) out.push("status");
  if (label.caveats.includes("NOFORN")) out.push("noforn");
  if (!path.slice(1).every((x) => label.releasableTo.includes(x))) out.push("relto");
  if (!a.scope.itemKinds.includes(req.item.kind)) out.push("kind");
  if (a.scope.topics !== "all" && !label.topics.every((x) => (a.scope.topics as Topic[]).includes(x)))
    out.push("topic");
  if (label.topics.some((x) => a.scope.excludedTopics.includes(x))) out.push("excluded");
  if (a.scope.subjects !== "any" && !a.scope.subjects.includes(label.subject)) out.push("subject");
  const row = a.classification.correspondence.find((r) => r.levels[o]?.includes(label.classification));
  if (!row) out.push("ceiling");
  else {
    if (row.requires && a.parameters[row.requires]?.value !== true) out.push("gated");
    if (!path.every((x) => (row.levels[x]?.length ?? 0) > 0)) out.push("row");
  }
  if (a.routing.mode === "direct" && path.length !== 2) out.push("direct");
  if (a.routing.mode === "hub") {
    const h = a.routing.hub;
    const want = o === h || req.recipient === h ? [o, req.recipient] : [o, h, req.recipient];
    if (want.join() !== path.join()) out.push("hub");
  }
  if (req.sender !== o) {
    const approved = label.approvals.some((ap) => ap.to === req.recipient && Date.parse(ap.at) <= req.at);
    const standing =
      a.consent.relay === "standing" &&
      !label.caveats.includes("ORCON") &&
      label.topics.every((x) => a.consent.standingTopics.includes(x));
    if (a.consent.relay === "forbidden" || !(standing || approved)) out.push("consent");
  }
  if (!a.channels.includes(req.channel)) out.push("channel");
  if (a.scope.launchToImpactOnly && req.item.kind === "track-report") {
    const start = Date.parse(req.item.launch.time);
    const end = Date.parse(req.item.impact.time) + a.scope.launchToImpactOnly.graceS * 1000;
    const asOf = Date.parse(req.item.asOf);
    if (asOf < start || asOf > end || req.at < start || req.at > end) out.push("window");
  }
  return out;
}

const decideWith = (agreements: Agreement[], req: DecisionRequest): Decision =>
  decide(compilePolicy(agreements, SCHEMES), req);

describe("release rules hold for every input", () => {
  it("a permit is never issued when any rule fails (and permits do occur)", () => {
    let permits = 0;
    fc.assert(
      fc.property(scenarioArb, ({ agreements, req }) => {
        const d = decideWith(agreements, req);
        if (d.outcome === "permit") {
          permits++;
          expect(violations(agreements, req, d)).toEqual([]);
        } else {
          expect(d.reasons.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator must reach permits, or the property above proves nothing.
    expect(permits).toBeGreaterThan(40);
  });

  it("the real agreements obey the same rules, on relay-heavy traffic through the US hub", () => {
    const real = project();
    let relays = 0;
    fc.assert(
      fc.property(
        itemArb,
        fc.constantFrom("KOR", "JPN"),
        fc.constantFrom("other spoke", "other spoke", "other spoke", "USA", "KOR", "JPN"),
        fc.integer({ min: Date.parse("2014-01-01"), max: Date.parse("2026-01-01") }),
        fc.array(fc.integer({ min: -86_400, max: 86_400 }), { minLength: 2, maxLength: 2 }),
        fc.constantFrom("real-time", "deferred" as const),
        (generated, originator, recipientPick, launch, offsets, channel) => {
          const recipient =
            recipientPick === "other spoke" ? (originator === "KOR" ? "JPN" : "KOR") : recipientPick;
          // Re-base the item on a real originator and a time in the agreements' lifetimes.
          const levels = levelsOf(originator);
          const label = {
            ...generated.label,
            topics:
              generated.kind === "track-report" ? (["missile-warning"] as Topic[]) : generated.label.topics,
            releasableTo: ["USA", "JPN", "KOR"],
            originator,
            classification: (
              levels[generated.label.classification.length % levels.length] as { code: string }
            ).code,
            approvals: generated.label.approvals.map((ap, i) => ({
              ...ap,
              at: iso(launch + (offsets[i] ?? 0) * 1000),
            })),
          };
          const item: Item =
            generated.kind === "track-report"
              ? {
                  ...generated,
                  label,
                  asOf: iso(launch + 60_000),
                  launch: { ...generated.launch, time: iso(launch) },
                  impact: { ...generated.impact, time: iso(launch + 1_200_000) },
                }
              : { ...generated, label, producedAt: iso(launch) };
          const req: DecisionRequest = { item, sender: "USA", recipient, channel, at: launch + 120_000 };
          const d = decide(real.policy, req);
          if (d.outcome === "permit") {
            relays++;
            expect(violations(real.agreements, req, d)).toEqual([]);
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(relays).toBeGreaterThan(20);
  });

  it("re-marking never lowers a classification (real agreements, random labels, routes and times)", () => {
    const real = project();
    const rank = (party: string, code: string) => real.policy.levels.get(party)?.get(code)?.rank ?? -1;
    let permits = 0;
    fc.assert(
      fc.property(
        labelArb.filter((l) => l.originator !== "GBR"),
        fc.constantFrom("USA", "KOR", "JPN"),
        fc.constantFrom("USA", "KOR", "JPN"),
        fc.array(fc.constantFrom("USA", "KOR", "JPN"), { maxLength: 1 }),
        fc.constantFrom("real-time", "deferred" as const),
        fc.integer({ min: Date.parse("2014-01-01"), max: Date.parse("2026-01-01") }),
        (label, sender, recipient, via, channel, at) => {
          const item: Item = {
            kind: "intel-report",
            id: "x",
            label,
            producedAt: iso(at),
            title: "t",
            body: "b",
            attachments: [],
          };
          const d = decide(real.policy, { item, sender, recipient, via, channel, at });
          if (d.outcome !== "permit") return;
          permits++;
          const original = rank(label.originator, label.classification);
          for (const m of [...d.relayMarkings, d.marking])
            expect(rank(m.party, m.level)).toBeGreaterThanOrEqual(original);
        },
      ),
      { numRuns: 3000 },
    );
    expect(permits).toBeGreaterThan(20);
  });

  it("adding a restriction never turns a denial into a permit", () => {
    const restrictionArb = fc.oneof(
      fc.constant({ kind: "noforn" as const }),
      fc.constant({ kind: "orcon" as const }),
      fc.record({ kind: fc.constant("drop-rel" as const), party: fc.constantFrom(...PARTIES) }),
      fc.record({ kind: fc.constant("add-topic" as const), topic: fc.constantFrom(...TOPICS) }),
      fc.constant({ kind: "raise" as const }),
      fc.constant({ kind: "no-approvals" as const }),
      fc.record({ kind: fc.constant("drop-agreement" as const), index: fc.nat(2) }),
      fc.record({
        kind: fc.constant("exclude-topic" as const),
        index: fc.nat(2),
        topic: fc.constantFrom(...TOPICS),
      }),
      fc.record({
        kind: fc.constant("drop-channel" as const),
        index: fc.nat(2),
        channel: fc.constantFrom("real-time", "deferred"),
      }),
    );
    let restrictedPermits = 0;
    fc.assert(
      fc.property(scenarioArb, restrictionArb, ({ agreements, req }, r) => {
        const label = req.item.label;
        let item = req.item;
        let agr = agreements;
        const relabel = (patch: Partial<Label>) => {
          item = { ...item, label: { ...label, ...patch } } as Item;
        };
        switch (r.kind) {
          case "noforn":
            relabel({ caveats: [...label.caveats, "NOFORN"] });
            break;
          case "orcon":
            relabel({ caveats: [...label.caveats, "ORCON"] });
            break;
          case "drop-rel":
            relabel({ releasableTo: label.releasableTo.filter((p) => p !== r.party) });
            break;
          case "add-topic":
            relabel({ topics: [...new Set([...label.topics, r.topic])] });
            break;
          case "raise": {
            const current =
              levelsOf(label.originator).find((l) => l.code === label.classification)?.rank ?? 0;
            const higher = levelsOf(label.originator).find((l) => l.rank > current);
            if (higher) relabel({ classification: higher.code });
            break;
          }
          case "no-approvals":
            relabel({ approvals: [] });
            break;
          case "drop-agreement":
            agr = agreements.filter((_, i) => i !== r.index);
            break;
          case "exclude-topic":
            agr = agreements.map((a, i) =>
              i === r.index
                ? { ...a, scope: { ...a.scope, excludedTopics: [...a.scope.excludedTopics, r.topic] } }
                : a,
            );
            break;
          case "drop-channel":
            agr = agreements.map((a, i) => {
              const channels = a.channels.filter((c) => c !== r.channel);
              return i === r.index && channels.length > 0 ? { ...a, channels } : a;
            });
            break;
        }
        const restricted = decideWith(agr, { ...req, item });
        if (restricted.outcome === "permit") {
          restrictedPermits++;
          expect(decideWith(agreements, req).outcome).toBe("permit");
        }
      }),
      { numRuns: 3000 },
    );
    expect(restrictedPermits).toBeGreaterThan(30);
  });
});
