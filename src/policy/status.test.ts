import { describe, expect, it } from "vitest";
import { project, t } from "../../test/helpers/policy.ts";
import type { Agreement } from "../model/agreement.ts";
import { AgreementHistoryError, statusAt, statusTimeline, terminationEffect } from "./status.ts";

const gsomia = (): Agreement => {
  const a = project().agreements.find((x) => x.id === "jpn-kor-gsomia-2016");
  if (!a) throw new Error("gsomia file missing");
  return a;
};

describe("statusAt on the real Japan–ROK GSOMIA file", () => {
  it.each([
    ["2016-11-22T14:59:59Z", "not-yet-in-force"],
    ["2016-11-23T12:00:00+09:00", "in-force"],
    ["2019-08-22T12:00:00+09:00", "in-force"],
    ["2019-08-30T00:00:00+09:00", "termination-noticed"],
    ["2019-11-22T17:59:00+09:00", "termination-noticed"],
    ["2019-11-23T00:00:00+09:00", "notice-suspended"],
    ["2020-11-23T12:00:00+09:00", "notice-suspended"],
    ["2023-03-20T12:00:00+09:00", "notice-suspended"],
    ["2023-03-22T00:00:00+09:00", "in-force"],
  ])("at %s is %s", (at, status) => {
    expect(statusAt(gsomia(), t(at)).status).toBe(status);
  });

  it("the 2019-08-23 notice would take effect at 00:00 KST on 2019-11-23", () => {
    const iv = statusAt(gsomia(), t("2019-08-30T00:00:00+09:00"));
    expect(iv.terminationEffectiveAt).toBe(t("2019-11-23T00:00:00+09:00"));
  });

  it("without the conditional suspension, GSOMIA lapses at the anniversary", () => {
    const a = gsomia();
    const noSuspension = {
      ...a,
      events: a.events.filter((e) => e.type === "termination-noticed" || e.type === "entered-into-force"),
    };
    expect(statusAt(noSuspension, t("2019-11-22T23:59:59+09:00")).status).toBe("termination-noticed");
    expect(statusAt(noSuspension, t("2019-11-23T00:00:00+09:00")).status).toBe("terminated");
    expect(statusAt(noSuspension, t("2023-03-22T00:00:00+09:00")).status).toBe("terminated");
  });

  it("a notice less than 90 days before the anniversary takes effect a year later", () => {
    const a = gsomia();
    expect(terminationEffect(a, t("2019-08-25T10:00:00+09:00"))).toBe(t("2019-11-23T00:00:00+09:00"));
    expect(terminationEffect(a, t("2019-08-26T10:00:00+09:00"))).toBe(t("2020-11-23T00:00:00+09:00"));
  });

  it("rejects a history that suspends a notice never given, naming the event", () => {
    const a = gsomia();
    const bad = { ...a, events: a.events.filter((e) => e.type !== "termination-noticed") };
    try {
      statusTimeline(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AgreementHistoryError);
      expect((e as AgreementHistoryError).path).toEqual(["events", 2, "type"]);
      expect((e as Error).message).toContain("notice suspended while in-force");
    }
  });

  it("rejects an impossible date", () => {
    const a = gsomia();
    const bad = { ...a, events: [{ ...(a.events[0] as Agreement["events"][number]), at: "2016-02-30" }] };
    expect(() => statusTimeline(bad)).toThrow(/has no day 30/);
  });
});

describe("statusAt on the other agreements", () => {
  const byId = (id: string) => project().agreements.find((a) => a.id === id) as Agreement;
  it("TISA takes effect on 2014-12-29 (KST)", () => {
    expect(statusAt(byId("tisa-2014"), t("2014-12-28T12:00:00+09:00")).status).toBe("not-yet-in-force");
    expect(statusAt(byId("tisa-2014"), t("2014-12-29T12:00:00+09:00")).status).toBe("in-force");
  });
  it("the real-time mechanism is not in force on 2023-12-18 and is on 2023-12-20", () => {
    expect(statusAt(byId("rtwm-2023"), t("2023-12-18T08:24:00+09:00")).status).toBe("not-yet-in-force");
    expect(statusAt(byId("rtwm-2023"), t("2023-12-20T08:00:00+09:00")).status).toBe("in-force");
  });
  it("the 1987 US–ROK agreement is in force from 1987-09-24", () => {
    expect(statusAt(byId("usa-kor-1987"), t("1987-09-23T12:00:00Z")).status).toBe("not-yet-in-force");
    expect(statusAt(byId("usa-kor-1987"), t("2000-01-01T00:00:00Z")).status).toBe("in-force");
  });
});
