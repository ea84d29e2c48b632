/**
 * The CAP 1.2 vocabulary of a Triwatch alert: the namespace, time and coordinate writing rules the
 * schema does not check, the fixed values each warning kind carries (event name, response, urgency,
 * severity, certainty) and the names of the Triwatch eventCodes and parameters.
 */
import type { AlertKind, AlertLanguage, AlertTime } from "../../model/alert.ts";

/** The CAP 1.2 namespace. */
export const CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2";

/** eventCode and parameter names (valueName) Triwatch writes. */
export const NAMES = {
  kind: "triwatch:kind",
  cellBroadcast: "triwatch:cell-broadcast",
  nation: "triwatch:issuer-nation",
  launchTime: "triwatch:launch-time",
  trackId: "triwatch:track-id",
  asOf: "triwatch:estimate-as-of",
  missileClass: "triwatch:missile-class",
  impactPoint: "triwatch:predicted-impact",
  impactTime: "triwatch:predicted-impact-time",
  semiMajor: "triwatch:ellipse95-semi-major-m",
  semiMinor: "triwatch:ellipse95-semi-minor-m",
  orientation: "triwatch:ellipse95-orientation-deg",
  probability: "triwatch:probability-in-area",
} as const;

/** CAP's fixed values for one kind of warning. */
export interface CapProfile {
  readonly responseType: "Shelter" | "Evacuate" | "Prepare" | "Monitor" | "AllClear";
  readonly urgency: "Immediate" | "Expected" | "Past";
  readonly severity: "Extreme" | "Severe" | "Moderate" | "Minor";
  readonly certainty: "Observed" | "Likely" | "Possible";
}

const JALERT: Record<Extract<AlertKind, { system: "j-alert" }>["type"], CapProfile> = {
  launch: { responseType: "Shelter", urgency: "Immediate", severity: "Extreme", certainty: "Likely" },
  "predicted-impact": {
    responseType: "Shelter",
    urgency: "Immediate",
    severity: "Extreme",
    certainty: "Likely",
  },
  impact: { responseType: "Shelter", urgency: "Immediate", severity: "Extreme", certainty: "Likely" },
  overflight: { responseType: "Monitor", urgency: "Past", severity: "Moderate", certainty: "Likely" },
  "impact-outside-territorial-waters": {
    responseType: "Monitor",
    urgency: "Past",
    severity: "Minor",
    certainty: "Likely",
  },
  cancellation: { responseType: "AllClear", urgency: "Past", severity: "Minor", certainty: "Observed" },
};
const KR_LEVEL: Record<Extract<AlertKind, { system: "kr-civil-defence" }>["level"], CapProfile> = {
  경계경보: { responseType: "Prepare", urgency: "Expected", severity: "Severe", certainty: "Possible" },
  공습경보: { responseType: "Shelter", urgency: "Immediate", severity: "Extreme", certainty: "Likely" },
  경보해제: { responseType: "AllClear", urgency: "Past", severity: "Minor", certainty: "Observed" },
};
const KR_TIER: Record<Extract<AlertKind, { system: "kr-cell-broadcast" }>["tier"], CapProfile> = {
  위급재난문자: { responseType: "Monitor", urgency: "Immediate", severity: "Extreme", certainty: "Possible" },
  긴급재난문자: { responseType: "Monitor", urgency: "Expected", severity: "Severe", certainty: "Possible" },
};

/** CAP's fixed values for a kind of warning. */
export function capProfile(kind: AlertKind): CapProfile {
  switch (kind.system) {
    case "j-alert":
      return JALERT[kind.type];
    case "kr-civil-defence":
      return KR_LEVEL[kind.level];
    case "kr-cell-broadcast":
      return KR_TIER[kind.tier];
  }
}

const KR_EVENT_EN: Record<string, string> = {
  경계경보: "Civil defence alert (경계경보)",
  공습경보: "Air raid alert (공습경보)",
  경보해제: "All clear (경보해제)",
  위급재난문자: "Emergency alert (위급재난문자)",
  긴급재난문자: "Urgent alert (긴급재난문자)",
};

/** The CAP `event` text for a kind in a language. */
export function capEventName(kind: AlertKind, language: AlertLanguage): string {
  if (kind.system === "j-alert") {
    return { "ja-JP": "弾道ミサイル", "ko-KR": "탄도미사일", "en-US": "Ballistic missile" }[language];
  }
  const term = kind.system === "kr-civil-defence" ? kind.level : kind.tier;
  return language === "en-US" ? (KR_EVENT_EN[term] ?? term) : term;
}

/** The `triwatch:kind` eventCode value: `system/type`. */
export function kindCode(kind: AlertKind): string {
  switch (kind.system) {
    case "j-alert":
      return `j-alert/${kind.type}`;
    case "kr-civil-defence":
      return `kr-civil-defence/${kind.level}`;
    case "kr-cell-broadcast":
      return `kr-cell-broadcast/${kind.tier}`;
  }
}

/** The kind named by a `triwatch:kind` value (the model schema checks the rest). */
export function kindFromCode(code: string, cellBroadcast: string | undefined): unknown {
  const slash = code.indexOf("/");
  const system = code.slice(0, slash);
  const rest = code.slice(slash + 1);
  if (system === "j-alert") return { system, type: rest };
  if (system === "kr-civil-defence") {
    return cellBroadcast === undefined ? { system, level: rest } : { system, level: rest, cellBroadcast };
  }
  return { system, tier: rest };
}

/** A model time written the CAP way: UTC as `-00:00`, never `Z`. */
export function capTime(t: AlertTime): string {
  return t.endsWith("Z") ? `${t.slice(0, -1)}-00:00` : t;
}

const CAP_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;

/** A CAP time read into the model form (`±00:00` becomes `Z`), or why it is not a CAP time. */
export function modelTime(s: string): { ok: true; time: string } | { ok: false; why: string } {
  if (!CAP_TIME_RE.test(s)) {
    return { ok: false, why: `"${s}" is not a CAP time YYYY-MM-DDThh:mm:ss±hh:mm (no Z, no fractions)` };
  }
  return { ok: true, time: /[-+]00:00$/.test(s) ? `${s.slice(0, -6)}Z` : s };
}

/** A coordinate written with at most seven decimals and no exponent. */
export function decimal7(n: number): string {
  const s = n.toFixed(7).replace(/\.?0+$/, "");
  return s === "-0" ? "0" : s;
}
