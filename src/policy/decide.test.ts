import { describe, expect, it } from "vitest";
import { example, project, shiftDays, t, trackExample } from "../../test/helpers/policy.ts";
import type { Item } from "../model/item.ts";
import { type Decision, type DecisionRequest, decide, type Permit } from "./decide.ts";
import { compilePolicy } from "./policy.ts";

const policy = () => project().policy;
const run = (req: Partial<DecisionRequest> & { item: Item; sender: string; recipient: string; at: number }) =>
  decide(policy(), { channel: "real-time", ...req });
const codes = (d: Decision) =>
  d.outcome === "deny" ? d.reasons.map((r) => `${r.code}${r.agreement ? `@${r.agreement}` : ""}`) : [];
const permit = (d: Decision): Permit => {
  if (d.outcome !== "permit") throw new Error(`expected a permit, got ${JSON.stringify(d.reasons, null, 1)}`);
  return d;
};
const withLabel = (item: Item, patch: Partial<Item["label"]>): Item =>
  ({ ...item, label: { ...item.label, ...patch } }) as Item;

const rokTrack = () => trackExample("rok-track-report"); // the 2023-12-18 launch
const rokTrack1220 = () => shiftDays(rokTrack(), 2);

describe("ROK→JPN missile warning, 2023-12-18 versus 2023-12-20", () => {
  it("on 2023-12-18 no real-time route exists: the mechanism was not yet active", () => {
    const item = rokTrack();
    const direct = run({ item, sender: "KOR", recipient: "JPN", at: t(item.asOf) });
    expect(direct.outcome).toBe("deny");
    expect(codes(direct)).toEqual(
      expect.arrayContaining([
        "CHANNEL_UNAVAILABLE@jpn-kor-gsomia-2016",
        "ROUTE_FORBIDDEN@tisa-2014",
        "NOT_IN_FORCE@rtwm-2023",
      ]),
    );
    const viaUs = run({ item, sender: "KOR", recipient: "JPN", via: ["USA"], at: t(item.asOf) });
    expect(codes(viaUs)).toEqual(
      expect.arrayContaining(["NOT_IN_FORCE@rtwm-2023", "CHANNEL_UNAVAILABLE@tisa-2014"]),
    );
  });

  it("on 2023-12-18 GSOMIA still allows case-by-case (deferred) exchange, re-marked 極秘 and sanitised", () => {
    const item = rokTrack();
    const p = permit(run({ item, sender: "KOR", recipient: "JPN", channel: "deferred", at: t(item.asOf) }));
    expect(p.agreement).toBe("jpn-kor-gsomia-2016");
    expect(p.route).toEqual(["KOR", "JPN"]);
    expect(p.marking).toMatchObject({ party: "JPN", level: "GOKUHI", native: "極秘" });
    expect(p.marking.banner).toContain("大韓民国");
    expect(p.removedFields).toEqual(["sensor"]);
  });

  it("on 2023-12-20 the same launch flows in real time through the US hub under the mechanism", () => {
    const item = rokTrack1220();
    const p = permit(run({ item, sender: "KOR", recipient: "JPN", via: ["USA"], at: t(item.asOf) }));
    expect(p.agreement).toBe("rtwm-2023");
    expect(p.route).toEqual(["KOR", "USA", "JPN"]);
    expect(p.relayMarkings.map((m) => m.level)).toEqual(["S"]);
    expect(p.relayMarkings[0]?.banner).toBe("//KOR S//REL TO USA, JPN, KOR");
    expect(p.marking.native).toBe("極秘");
    expect(p.removedFields).toEqual(["sensor"]);
    // Directly, still no real-time channel: the mechanism is hub-only and GSOMIA is case-by-case.
    expect(run({ item, sender: "KOR", recipient: "JPN", at: t(item.asOf) }).outcome).toBe("deny");
  });

  it("the hub relays a ROK track to Japan under the mechanism's standing consent", () => {
    const item = rokTrack1220();
    const p = permit(run({ item, sender: "USA", recipient: "JPN", at: t(item.asOf) }));
    expect(p.agreement).toBe("rtwm-2023");
    expect(p.consent).toBe("standing consent of rtwm-2023");
    expect(p.route).toEqual(["KOR", "USA", "JPN"]);
  });
});

describe("GSOMIA through its 2019–2023 history (ROK→JPN intelligence, deferred)", () => {
  const intel = example("intel-nuclear-test");
  it.each([
    ["2019-08-30T00:00:00+09:00", "permit"],
    ["2019-11-23T12:00:00+09:00", "permit"],
    ["2020-11-23T12:00:00+09:00", "permit"],
    ["2023-03-22T12:00:00+09:00", "permit"],
    ["2016-11-01T12:00:00+09:00", "deny"],
  ])("at %s: %s", (at, outcome) => {
    const d = run({ item: intel, sender: "KOR", recipient: "JPN", channel: "deferred", at: t(at) });
    expect(d.outcome).toBe(outcome);
    if (d.outcome === "permit") expect(d.agreement).toBe("jpn-kor-gsomia-2016");
    else expect(codes(d)).toContain("NOT_IN_FORCE@jpn-kor-gsomia-2016");
  });

  it("had the notice not been suspended, 2019-11-24 would have been denied", () => {
    const p = project();
    const agreements = p.agreements.map((a) =>
      a.id === "jpn-kor-gsomia-2016"
        ? {
            ...a,
            events: a.events.filter((e) => e.type !== "notice-suspended" && e.type !== "notice-withdrawn"),
          }
        : a,
    );
    const noSuspension = compilePolicy(agreements, p.schemes);
    const d = decide(noSuspension, {
      item: intel,
      sender: "KOR",
      recipient: "JPN",
      channel: "deferred",
      at: t("2019-11-24T12:00:00+09:00"),
    });
    expect(codes(d)).toContain("NOT_IN_FORCE@jpn-kor-gsomia-2016");
  });
});

describe("TISA: through the US, DPRK nuclear and missile topics, originator consent", () => {
  const intel = example("intel-nuclear-test");
  const at = t("2016-01-10T00:00:00+09:00"); // after TISA, before GSOMIA

  it("forbids ROK→JPN directly", () => {
    const d = run({ item: intel, sender: "KOR", recipient: "JPN", channel: "deferred", at });
    expect(codes(d)).toContain("ROUTE_FORBIDDEN@tisa-2014");
    expect(d.outcome).toBe("deny");
  });

  it("permits ROK→JPN via the US when the originator sends it", () => {
    const p = permit(
      run({ item: intel, sender: "KOR", recipient: "JPN", via: ["USA"], channel: "deferred", at }),
    );
    expect(p.agreement).toBe("tisa-2014");
    expect(p.relayMarkings[0]?.level).toBe("S");
    expect(p.removedFields).toEqual(["collection"]);
  });

  it("denies the hub's relay without the originator's approval, and permits it with one", () => {
    const relay = run({ item: intel, sender: "USA", recipient: "JPN", channel: "deferred", at });
    expect(codes(relay)).toContain("NO_ORIGINATOR_CONSENT@tisa-2014");
    const approved = withLabel(intel, {
      approvals: [{ to: "JPN", at: "2016-01-09T00:00:00Z", ref: "MND-2016-001" }],
    });
    const p = permit(run({ item: approved, sender: "USA", recipient: "JPN", channel: "deferred", at }));
    expect(p.consent).toBe("KOR approval MND-2016-001");
    // An approval dated after the decision does not count.
    const late = withLabel(intel, { approvals: [{ to: "JPN", at: "2016-02-01T00:00:00Z", ref: "late" }] });
    expect(run({ item: late, sender: "USA", recipient: "JPN", channel: "deferred", at }).outcome).toBe(
      "deny",
    );
  });

  it("keeps topics outside DPRK nuclear and missile threats out", () => {
    const cyber = withLabel(intel, { topics: ["cyber"] });
    expect(
      codes(run({ item: cyber, sender: "KOR", recipient: "JPN", via: ["USA"], channel: "deferred", at })),
    ).toContain("TOPIC_OUT_OF_SCOPE@tisa-2014");
    const otherSubject = withLabel(intel, { subject: "CHN" });
    expect(
      codes(
        run({ item: otherSubject, sender: "KOR", recipient: "JPN", via: ["USA"], channel: "deferred", at }),
      ),
    ).toContain("SUBJECT_OUT_OF_SCOPE@tisa-2014");
  });
});

describe("labels and classification", () => {
  const item = rokTrack1220();
  const at = t(item.asOf);

  it("denies a recipient missing from REL TO, and NOFORN items to anyone", () => {
    const usOnly = withLabel(item, { releasableTo: ["USA", "KOR"] });
    expect(codes(run({ item: usOnly, sender: "KOR", recipient: "JPN", via: ["USA"], at }))).toContain(
      "NOT_IN_REL_TO",
    );
    const noforn = withLabel(item, { caveats: ["NOFORN"] });
    expect(codes(run({ item: noforn, sender: "KOR", recipient: "USA", at }))).toContain("NOFORN");
    const noRelTo = withLabel(item, { releasableTo: [] });
    expect(run({ item: noRelTo, sender: "KOR", recipient: "USA", at }).outcome).toBe("deny");
  });

  it("keeps 군사I급비밀 out of GSOMIA (no TOP SECRET tier) and out of US–ROK by default", () => {
    const topSecret = withLabel(item, { classification: "I" });
    const toJpn = run({ item: topSecret, sender: "KOR", recipient: "JPN", channel: "deferred", at });
    expect(codes(toJpn)).toContain("ABOVE_CEILING@jpn-kor-gsomia-2016");
    const toUs = run({ item: topSecret, sender: "KOR", recipient: "USA", at });
    expect(codes(toUs)).toContain("ABOVE_CEILING@usa-kor-1987");
    const withTs = project({ "usa-kor-1987": { topSecretTier: true } }).policy;
    const p = permit(
      decide(withTs, { item: topSecret, sender: "KOR", recipient: "USA", channel: "real-time", at }),
    );
    expect(p).toMatchObject({ agreement: "usa-kor-1987", tier: "TOP SECRET", marking: { level: "TS" } });
  });

  it("re-marks 秘 as 군사III급비밀 and CONFIDENTIAL", () => {
    const intel = example("intel-sanctions-evasion");
    const p = permit(
      run({
        item: intel,
        sender: "JPN",
        recipient: "KOR",
        channel: "deferred",
        at: t("2024-03-02T00:00:00Z"),
      }),
    );
    expect(p).toMatchObject({
      agreement: "jpn-kor-gsomia-2016",
      tier: "CONFIDENTIAL",
      marking: { native: "군사III급비밀" },
    });
    const toUs = permit(
      run({
        item: intel,
        sender: "JPN",
        recipient: "USA",
        channel: "deferred",
        at: t("2024-03-02T00:00:00Z"),
      }),
    );
    expect(toUs.marking.banner).toBe("//JPN C//REL TO USA, KOR");
  });

  it("refuses unknown parties and grades", () => {
    expect(codes(run({ item, sender: "KOR", recipient: "XYZ", at }))).toEqual(["UNKNOWN_PARTY"]);
    expect(
      codes(
        run({ item: withLabel(item, { classification: "GOKUHI" }), sender: "KOR", recipient: "JPN", at }),
      ),
    ).toEqual(["UNKNOWN_CLASSIFICATION"]);
  });
});

describe("the real-time mechanism's time window and exclusions", () => {
  const item = rokTrack1220();
  it("rejects pre-launch indicators", () => {
    const indicators = withLabel(item, { topics: ["missile-warning", "pre-launch-indicators"] });
    expect(
      codes(run({ item: indicators, sender: "KOR", recipient: "JPN", via: ["USA"], at: t(item.asOf) })),
    ).toContain("TOPIC_OUT_OF_SCOPE@rtwm-2023");
  });
  it("rejects data from before launch or after impact", () => {
    const before = { ...item, asOf: "2023-12-19T23:20:00Z" };
    expect(
      codes(run({ item: before, sender: "KOR", recipient: "JPN", via: ["USA"], at: t(before.asOf) })),
    ).toContain("OUTSIDE_TIME_WINDOW@rtwm-2023");
    const after = { ...item, asOf: "2023-12-20T00:40:00Z" };
    expect(
      codes(run({ item: after, sender: "KOR", recipient: "JPN", via: ["USA"], at: t(after.asOf) })),
    ).toContain("OUTSIDE_TIME_WINDOW@rtwm-2023");
  });
  it("needs explicit approval for an ORCON track even under standing consent", () => {
    const orcon = withLabel(item, { caveats: ["ORCON"] });
    expect(codes(run({ item: orcon, sender: "USA", recipient: "JPN", at: t(item.asOf) }))).toContain(
      "NO_ORIGINATOR_CONSENT@rtwm-2023",
    );
  });
});

describe("choosing among agreements", () => {
  it("prefers the purpose-built mechanism over the general bilateral agreement, and says why", () => {
    const item = rokTrack1220();
    const p = permit(run({ item, sender: "KOR", recipient: "USA", at: t(item.asOf) }));
    expect(p.agreement).toBe("rtwm-2023");
    expect(p.alsoPermittedBy).toEqual(["usa-kor-1987"]);
    expect(p.why).toContain("narrower scope");
    // Deterministic: the same answer every time, whatever the file order.
    const reversed = compilePolicy([...project().agreements].reverse(), project().schemes);
    expect(
      decide(reversed, { item, sender: "KOR", recipient: "USA", channel: "real-time", at: t(item.asOf) }),
    ).toEqual(p);
  });
});
