import { describe, expect, it } from "vitest";
import { canonicalRelTo, Label } from "./label.ts";

describe("REL TO", () => {
  it("orders USA first, then the other trigraphs alphabetically, without repeats (IC ISM CVEnumISMRelTo)", () => {
    expect(canonicalRelTo(["KOR", "JPN", "USA"])).toEqual(["USA", "JPN", "KOR"]);
    expect(canonicalRelTo(["KOR", "JPN", "KOR"])).toEqual(["JPN", "KOR"]);
    expect(canonicalRelTo([])).toEqual([]);
  });
  it("is put in canonical order when a label is read", () => {
    const label = Label.parse({
      originator: "KOR",
      classification: "II",
      releasableTo: ["KOR", "USA", "JPN"],
      topics: ["missile-warning"],
    });
    expect(label.releasableTo).toEqual(["USA", "JPN", "KOR"]);
  });
  it("refuses a party that is not an upper-case trigraph", () => {
    expect(
      Label.safeParse({ originator: "KOR", classification: "II", releasableTo: ["usa"], topics: ["cyber"] })
        .success,
    ).toBe(false);
  });
});
