/** Test support: what a report looks like after a STIX round trip (sanitised, times in UTC). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../config/project.ts";
import { type IntelReport, Item } from "../../../model/item.ts";
import { isoToMs } from "../../../model/time.ts";
import { modelUtc } from "../time.ts";

const utc = (iso: string) => modelUtc(isoToMs(iso));

/**
 * The report without sources and methods, with every time written as the decoder writes it, and with
 * numbers as JSON carries them (−0 becomes 0: a STIX bundle is JSON).
 */
export function roundTripForm(report: IntelReport): IntelReport {
  const { sensor: _s, collection: _c, ...rest } = report;
  return jsonForm({
    ...rest,
    producedAt: utc(report.producedAt),
    attachments: report.attachments.map((a) =>
      a.kind === "seismic-event"
        ? { ...a, originTime: utc(a.originTime) }
        : a.kind === "vessel"
          ? { ...a, observedAt: utc(a.observedAt) }
          : a,
    ),
  });
}

function jsonForm<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** An intel report from a JSON file (relative to the project root), parsed. */
export function loadIntelReport(path: string): IntelReport {
  const item = Item.parse(JSON.parse(readFileSync(join(PROJECT_ROOT, path), "utf8")));
  if (item.kind !== "intel-report") throw new Error(`${path} is not an intel report`);
  return item;
}
