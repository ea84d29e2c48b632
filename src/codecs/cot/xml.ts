/**
 * CoT event ↔ XML. Written without a namespace, on one line, with `point` before `detail`; read with the
 * hardened XML reader and checked against the CoT event schema's rules (required attributes, type and
 * how patterns, zoned times) through the `CotEvent` schema. Unknown `detail` children are ignored, as
 * CoT receivers do.
 */
import { buildXml, type XmlNode } from "../xml/build.ts";
import {
  DEFAULT_XML_LIMITS,
  parseXml,
  type XmlElement,
  type XmlErrorCode,
  type XmlLimits,
} from "../xml/parse.ts";
import { CotEvent } from "./event.ts";

/** Why a CoT document was refused. */
export interface CotError {
  readonly code: XmlErrorCode | "COT_NOT_EVENT" | "COT_INVALID";
  readonly message: string;
  readonly path?: string;
}

/** The event, or why the document was refused. */
export type CotParse = { ok: true; event: CotEvent } | { ok: false; error: CotError };

/** A number as `xs:decimal` text: fixed point, at most `digits` decimals, no exponent. */
function decimal(n: number, digits: number): string {
  const s = n.toFixed(digits).replace(/\.?0+$/, "");
  return s === "-0" ? "0" : s;
}

function detailNodes(d: NonNullable<CotEvent["detail"]>): XmlNode[] {
  const out: XmlNode[] = [];
  if (d.contact) out.push({ name: "contact", attributes: { callsign: d.contact.callsign } });
  for (const l of d.links)
    out.push({ name: "link", attributes: { uid: l.uid, type: l.type, relation: l.relation } });
  if (d.track) {
    out.push({
      name: "track",
      attributes: { course: decimal(d.track.course, 2), speed: decimal(d.track.speed, 2) },
    });
  }
  if (d.ellipse) {
    const { major, minor, angle } = d.ellipse;
    out.push({
      name: "shape",
      children: [
        {
          name: "ellipse",
          attributes: { major: decimal(major, 2), minor: decimal(minor, 2), angle: decimal(angle, 2) },
        },
      ],
    });
  }
  if (d.triwatch) out.push({ name: "triwatch", attributes: { ...d.triwatch } });
  if (d.remarks !== undefined) out.push({ name: "remarks", text: d.remarks });
  return out;
}

/** Writes an event (already parsed by the `CotEvent` schema) as one line of XML. */
export function cotToXml(event: CotEvent, options: { declaration?: boolean } = {}): string {
  const p = event.point;
  return buildXml(
    {
      name: "event",
      attributes: {
        version: "2.0",
        uid: event.uid,
        type: event.type,
        how: event.how,
        time: event.time,
        start: event.start,
        stale: event.stale,
      },
      children: [
        {
          name: "point",
          attributes: {
            lat: decimal(p.lat, 7),
            lon: decimal(p.lon, 7),
            hae: decimal(p.hae, 2),
            ce: decimal(p.ce, 2),
            le: decimal(p.le, 2),
          },
        },
        ...(event.detail === undefined ? [] : [{ name: "detail", children: detailNodes(event.detail) }]),
      ],
    },
    { indent: false, declaration: options.declaration ?? true },
  );
}

// Readers round to what the writer keeps (7 decimals of a degree, 2 of a metre): TAK clients write more.
const num = (s: string | undefined, digits = 2) => {
  if (s === undefined || s.trim() === "") return undefined;
  const f = 10 ** digits;
  return Math.round(Number(s) * f) / f;
};
const only = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name && c.uri === "");

function readDetail(d: XmlElement): unknown {
  const contact = only(d, "contact")[0];
  const track = only(d, "track")[0];
  const ellipse = only(d, "shape").flatMap((s) => only(s, "ellipse"))[0];
  const triwatch = only(d, "triwatch")[0];
  const remarks = only(d, "remarks")[0];
  const detail: Record<string, unknown> = {
    links: only(d, "link").map((l) => ({ ...l.attributes })),
  };
  if (contact) detail.contact = { callsign: contact.attributes.callsign };
  if (track) detail.track = { course: num(track.attributes.course), speed: num(track.attributes.speed) };
  if (ellipse) {
    const a = ellipse.attributes;
    detail.ellipse = { major: num(a.major), minor: num(a.minor), angle: num(a.angle) };
  }
  if (triwatch) detail.triwatch = { ...triwatch.attributes };
  if (remarks) detail.remarks = remarks.text;
  return detail;
}

/** Reads one CoT event document (untrusted input). */
export function xmlToCot(xml: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): CotParse {
  const doc = parseXml(xml, limits);
  if (!doc.ok) return { ok: false, error: doc.error };
  const root = doc.root;
  if (root.name !== "event" || root.uri !== "") {
    const name = root.uri === "" ? root.name : `{${root.uri}}${root.name}`;
    return {
      ok: false,
      error: {
        code: "COT_NOT_EVENT",
        message: `document element is ${name}, not a CoT event (no namespace)`,
      },
    };
  }
  const a = root.attributes;
  if (a.version === undefined || !(Number(a.version) >= 2)) {
    return {
      ok: false,
      error: {
        code: "COT_INVALID",
        message: `version "${a.version ?? ""}" is not 2.0 or later`,
        path: "event@version",
      },
    };
  }
  const points = only(root, "point");
  const details = only(root, "detail");
  const stray = root.children.find((c) => c.uri !== "" || (c.name !== "point" && c.name !== "detail"));
  if (points.length !== 1 || details.length > 1 || stray) {
    return {
      ok: false,
      error: {
        code: "COT_INVALID",
        message: "an event holds one <point> and at most one <detail>",
        path: "event",
      },
    };
  }
  const p = (points[0] as XmlElement).attributes;
  const raw: Record<string, unknown> = {
    uid: a.uid,
    type: a.type,
    how: a.how,
    time: a.time,
    start: a.start,
    stale: a.stale,
    point: { lat: num(p.lat, 7), lon: num(p.lon, 7), hae: num(p.hae), ce: num(p.ce), le: num(p.le) },
  };
  const detail = details[0];
  if (detail) raw.detail = readDetail(detail);
  const parsed = CotEvent.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = `event.${(issue?.path ?? []).map(String).join(".")}`;
    return {
      ok: false,
      error: { code: "COT_INVALID", message: `${path}: ${issue?.message ?? "invalid"}`, path },
    };
  }
  return { ok: true, event: parsed.data };
}
