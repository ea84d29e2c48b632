/**
 * Alert → CAP 1.2 XML. Elements are written in the schema's sequence order; one `info` per language,
 * each carrying the kind's fixed values, the Triwatch eventCodes and parameters, and its areas.
 */
import type { Alert, AlertArea, AlertInfo } from "../../model/alert.ts";
import { buildXml, type XmlNode } from "../xml/build.ts";
import { CAP_NS, capEventName, capProfile, capTime, decimal7, kindCode, NAMES } from "./terms.ts";

const el = (name: string, text: string): XmlNode => ({ name, text });
const pair = (name: string, valueName: string, value: string): XmlNode => ({
  name,
  children: [el("valueName", valueName), el("value", value)],
});
const opt = <T>(v: T | undefined, f: (v: T) => XmlNode): XmlNode[] => (v === undefined ? [] : [f(v)]);

function parameters(alert: Alert): XmlNode[] {
  const p = (valueName: string, value: string) => pair("parameter", valueName, value);
  const b = alert.basis;
  return [
    p(NAMES.nation, alert.issuer.nation),
    ...opt(alert.times.launch, (t) => p(NAMES.launchTime, capTime(t))),
    ...(b === undefined
      ? []
      : [
          p(NAMES.trackId, b.trackId),
          ...opt(b.asOf, (t) => p(NAMES.asOf, capTime(t))),
          ...opt(b.missileClass, (c) => p(NAMES.missileClass, c)),
          ...opt(b.predictedImpact, (i) => p(NAMES.impactPoint, `${decimal7(i.lat)},${decimal7(i.lon)}`)),
          ...opt(b.predictedImpact, (i) => p(NAMES.impactTime, capTime(i.time))),
          ...opt(b.ellipse95, (e) => p(NAMES.semiMajor, String(e.semiMajorM))),
          ...opt(b.ellipse95, (e) => p(NAMES.semiMinor, String(e.semiMinorM))),
          ...opt(b.ellipse95, (e) => p(NAMES.orientation, String(e.orientationDeg))),
          ...opt(b.probabilityInArea, (v) => p(NAMES.probability, String(v))),
        ]),
  ];
}

function area(a: AlertArea): XmlNode {
  return {
    name: "area",
    children: [
      el("areaDesc", a.description),
      ...a.polygons.map((ring) =>
        el("polygon", ring.map((pt) => `${decimal7(pt.lat)},${decimal7(pt.lon)}`).join(" ")),
      ),
      ...a.codes.map((c) => pair("geocode", c.scheme, c.code)),
    ],
  };
}

function info(alert: Alert, i: AlertInfo): XmlNode {
  const profile = capProfile(alert.kind);
  const k = alert.kind;
  return {
    name: "info",
    children: [
      el("language", i.language),
      el("category", "Security"),
      el("event", capEventName(alert.kind, i.language)),
      el("responseType", profile.responseType),
      el("urgency", profile.urgency),
      el("severity", profile.severity),
      el("certainty", profile.certainty),
      pair("eventCode", NAMES.kind, kindCode(k)),
      ...(k.system === "kr-civil-defence" && k.cellBroadcast !== undefined
        ? [pair("eventCode", NAMES.cellBroadcast, k.cellBroadcast)]
        : []),
      ...opt(alert.times.effective, (t) => el("effective", capTime(t))),
      ...opt(alert.times.onset, (t) => el("onset", capTime(t))),
      ...opt(alert.times.expires, (t) => el("expires", capTime(t))),
      el("senderName", alert.issuer.authority),
      el("headline", i.headline),
      el("description", i.description),
      ...opt(i.instruction, (t) => el("instruction", t)),
      ...parameters(alert),
      ...i.areas.map(area),
    ],
  };
}

const STATUS = { actual: "Actual", exercise: "Exercise", system: "System", test: "Test", draft: "Draft" };
const MSG_TYPE = { alert: "Alert", update: "Update", cancel: "Cancel" };

/** Writes an alert (already parsed by the `Alert` schema) as a CAP 1.2 document. */
export function alertToCap(alert: Alert): string {
  const references = alert.references.map((r) => `${r.sender},${r.id},${capTime(r.sent)}`).join(" ");
  return buildXml(
    {
      name: "alert",
      attributes: { xmlns: CAP_NS },
      children: [
        el("identifier", alert.id),
        el("sender", alert.sender),
        el("sent", capTime(alert.sent)),
        el("status", STATUS[alert.status]),
        el("msgType", MSG_TYPE[alert.msgType]),
        el("scope", "Public"),
        ...opt(alert.note, (n) => el("note", n)),
        ...(references === "" ? [] : [el("references", references)]),
        ...alert.infos.map((i) => info(alert, i)),
      ],
    },
    { indent: true, declaration: true },
  );
}
