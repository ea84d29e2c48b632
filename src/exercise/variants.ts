/**
 * What-if variants: the agreements as they were, or changed, before the policy is compiled. A variant
 * changes only which agreements exist and when they operate; everything else (sensors, trackers,
 * labels, warning rules) stays the same, so a difference between variants is the agreements' doing.
 */
import type { Agreement } from "../model/agreement.ts";

/** One agreement state to replay a scenario under. */
export interface Variant {
  id: string;
  description: string;
  /** The agreements under this variant (a new array; the input is not changed). */
  apply(agreements: readonly Agreement[]): Agreement[];
}

const GSOMIA = "jpn-kor-gsomia-2016";
const MECHANISM = "rtwm-2023";

const without =
  (id: string) =>
  (agreements: readonly Agreement[]): Agreement[] => {
    if (!agreements.some((a) => a.id === id))
      throw new Error(`variant needs agreement "${id}", which the project does not have`);
    return agreements.filter((a) => a.id !== id);
  };

/** Every agreement in force from long before any scenario, with no notice or suspension ever given. */
function alwaysInForce(agreements: readonly Agreement[]): Agreement[] {
  return agreements.map((a) => ({
    ...a,
    events: [
      {
        at: "2000-01-01",
        type: "entered-into-force" as const,
        note: "what-if variant `all`: in force throughout, no notice ever given",
        sources: [{ tag: "U" as const, ref: "counterfactual (what-if variant all)" }],
      },
    ],
  }));
}

export const VARIANTS: readonly Variant[] = [
  {
    id: "actual",
    description: "the agreements as they stood at the time of the launch",
    apply: (a) => [...a],
  },
  {
    id: "no-gsomia",
    description: "as at the time, but without the 2016 Japan–ROK GSOMIA",
    apply: without(GSOMIA),
  },
  {
    id: "before-2023-12-19",
    description:
      "as at the time, but without the 2023 real-time warning-data mechanism (as before 2023-12-19)",
    apply: without(MECHANISM),
  },
  {
    id: "all",
    description: "every agreement, the 2023 mechanism included, in force at the time of the launch",
    apply: alwaysInForce,
  },
];

/** A variant by id; unknown ids are an error listing the known ones. */
export function variantById(id: string): Variant {
  const v = VARIANTS.find((x) => x.id === id);
  if (!v) throw new Error(`unknown variant "${id}" (known: ${VARIANTS.map((x) => x.id).join(", ")})`);
  return v;
}
