/**
 * CAP 1.2 XML → Alert. The document is read by the hardened XML reader, its structure is checked
 * against the schema's sequences (order included), CAP's own time rules are enforced, and the result is
 * parsed by the `Alert` schema. CAP elements Triwatch does not carry (resources, circles, addresses,
 * signatures …) are refused by name rather than dropped.
 */
import { Alert } from "../../model/alert.ts";
import {
  DEFAULT_XML_LIMITS,
  parseXml,
  type XmlElement,
  type XmlErrorCode,
  type XmlLimits,
} from "../xml/parse.ts";
import { many, one, optional, readSequence, type SequenceItem, some } from "../xml/sequence.ts";
import { CAP_NS, kindFromCode, modelTime, NAMES } from "./terms.ts";

/** Why a CAP document was refused. */
export interface CapError {
  readonly code: XmlErrorCode | "CAP_NOT_CAP" | "CAP_STRUCTURE" | "CAP_UNSUPPORTED" | "CAP_INVALID";
  readonly message: string;
  /** Where in the document, e.g. `alert/info[1]/area[0]/polygon[0]`. */
  readonly path?: string;
}

/** The alert, or why the document was refused. */
export type CapParse = { ok: true; alert: Alert } | { ok: false; error: CapError };

const ALERT_SEQ: SequenceItem[] = [
  one("identifier"),
  one("sender"),
  one("sent"),
  one("status"),
  one("msgType"),
  optional("source"),
  one("scope"),
  optional("restriction"),
  optional("addresses"),
  many("code"),
  optional("note"),
  optional("references"),
  optional("incidents"),
  many("info"),
];
const INFO_SEQ: SequenceItem[] = [
  optional("language"),
  some("category"),
  one("event"),
  many("responseType"),
  one("urgency"),
  one("severity"),
  one("certainty"),
  optional("audience"),
  many("eventCode"),
  optional("effective"),
  optional("onset"),
  optional("expires"),
  optional("senderName"),
  optional("headline"),
  optional("description"),
  optional("instruction"),
  optional("web"),
  optional("contact"),
  many("parameter"),
  many("resource"),
  many("area"),
];
const AREA_SEQ = [
  one("areaDesc"),
  many("polygon"),
  many("circle"),
  many("geocode"),
  optional("altitude"),
  optional("ceiling"),
];
const PAIR_SEQ = [one("valueName"), one("value")];
const UNSUPPORTED = new Set(["source", "restriction", "addresses", "code", "incidents", "audience"]);
for (const n of ["web", "contact", "resource", "circle", "altitude", "ceiling"]) UNSUPPORTED.add(n);

class Refused extends Error {
  constructor(
    readonly code: CapError["code"],
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

function children(parent: XmlElement, seq: readonly SequenceItem[], path: string) {
  const r = readSequence(parent, CAP_NS, seq, path);
  if (!r.ok) throw new Refused("CAP_STRUCTURE", r.message, r.path);
  for (const name of r.byName.keys()) {
    if (UNSUPPORTED.has(name)) {
      throw new Refused("CAP_UNSUPPORTED", `<${name}> is not carried by Triwatch alerts`, `${path}/${name}`);
    }
  }
  const all = (name: string) => r.byName.get(name) ?? [];
  const first = (name: string) => all(name)[0];
  return { all, first };
}

function text(e: XmlElement, path: string): string {
  if (e.children.length > 0) throw new Refused("CAP_STRUCTURE", `<${e.name}> holds elements, not text`, path);
  return e.text;
}

function time(e: XmlElement, path: string): string {
  const r = modelTime(text(e, path).trim());
  if (!r.ok) throw new Refused("CAP_INVALID", r.why, path);
  return r.time;
}

function pairs(list: readonly XmlElement[], path: string): Array<[string, string]> {
  return list.map((e, i) => {
    const c = children(e, PAIR_SEQ, `${path}[${i}]`);
    return [
      text(c.first("valueName") as XmlElement, `${path}[${i}]/valueName`),
      text(c.first("value") as XmlElement, `${path}[${i}]/value`),
    ];
  });
}

const round7 = (n: number) => Math.round(n * 1e7) / 1e7;
function latLon(s: string, path: string): { lat: number; lon: number } {
  const m = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(s);
  if (!m) throw new Refused("CAP_INVALID", `"${s}" is not a lat,lon pair`, path);
  return { lat: round7(Number(m[1])), lon: round7(Number(m[2])) };
}

function area(e: XmlElement, path: string) {
  const c = children(e, AREA_SEQ, path);
  return {
    description: text(c.first("areaDesc") as XmlElement, `${path}/areaDesc`),
    polygons: c.all("polygon").map((p, i) =>
      text(p, `${path}/polygon[${i}]`)
        .trim()
        .split(/\s+/)
        .map((pt) => latLon(pt, `${path}/polygon[${i}]`)),
    ),
    codes: pairs(c.all("geocode"), `${path}/geocode`).map(([scheme, code]) => ({ scheme, code })),
  };
}

function info(e: XmlElement, path: string) {
  const c = children(e, INFO_SEQ, path);
  const opt = (name: string) => {
    const x = c.first(name);
    return x === undefined ? undefined : text(x, `${path}/${name}`);
  };
  const optTime = (name: string) => {
    const x = c.first(name);
    return x === undefined ? undefined : time(x, `${path}/${name}`);
  };
  return {
    language: opt("language") ?? "en-US",
    headline: opt("headline"),
    description: opt("description"),
    instruction: opt("instruction"),
    senderName: opt("senderName"),
    eventCodes: new Map(pairs(c.all("eventCode"), `${path}/eventCode`)),
    parameters: pairs(c.all("parameter"), `${path}/parameter`),
    effective: optTime("effective"),
    onset: optTime("onset"),
    expires: optTime("expires"),
    areas: c.all("area").map((a, i) => area(a, `${path}/area[${i}]`)),
  };
}

function capTimeParam(v: string | undefined, path: string): string | undefined {
  if (v === undefined) return undefined;
  const r = modelTime(v);
  if (!r.ok) throw new Refused("CAP_INVALID", r.why, path);
  return r.time;
}

function basis(params: ReadonlyMap<string, string>, path: string): unknown {
  const trackId = params.get(NAMES.trackId);
  if (trackId === undefined) return undefined;
  const num = (name: string) => (params.has(name) ? Number(params.get(name)) : undefined);
  const point = params.get(NAMES.impactPoint);
  const impactTime = capTimeParam(params.get(NAMES.impactTime), `${path}/${NAMES.impactTime}`);
  const semiMajorM = num(NAMES.semiMajor);
  return strip({
    trackId,
    asOf: capTimeParam(params.get(NAMES.asOf), `${path}/${NAMES.asOf}`),
    missileClass: params.get(NAMES.missileClass),
    predictedImpact:
      point === undefined
        ? undefined
        : { ...latLon(point, `${path}/${NAMES.impactPoint}`), time: impactTime },
    ellipse95:
      semiMajorM === undefined
        ? undefined
        : { semiMajorM, semiMinorM: num(NAMES.semiMinor), orientationDeg: num(NAMES.orientation) },
    probabilityInArea: num(NAMES.probability),
  });
}

/** Drops keys whose value is undefined (exactOptionalPropertyTypes: absent, not undefined). */
function strip<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const STATUS: Record<string, string> = { Actual: "actual", Exercise: "exercise", System: "system" };
Object.assign(STATUS, { Test: "test", Draft: "draft" });
const MSG_TYPE: Record<string, string> = { Alert: "alert", Update: "update", Cancel: "cancel" };

function readAlert(root: XmlElement): unknown {
  if (root.uri !== CAP_NS || root.name !== "alert") {
    throw new Refused(
      "CAP_NOT_CAP",
      `document element is {${root.uri}}${root.name}, not a CAP 1.2 alert`,
      "",
    );
  }
  const c = children(root, ALERT_SEQ, "alert");
  const req = (name: string) => text(c.first(name) as XmlElement, `alert/${name}`);
  if (req("scope") !== "Public")
    throw new Refused("CAP_UNSUPPORTED", "Triwatch alerts are Public", "alert/scope");
  const msgType = MSG_TYPE[req("msgType")];
  if (msgType === undefined) {
    throw new Refused("CAP_UNSUPPORTED", `msgType ${req("msgType")} is not carried`, "alert/msgType");
  }
  const infos = c.all("info").map((e, i) => info(e, `alert/info[${i}]`));
  const head = infos[0];
  if (head === undefined) throw new Refused("CAP_INVALID", "an alert has at least one <info>", "alert/info");
  type Info = ReturnType<typeof info>;
  const same = (f: (x: Info) => unknown, what: string) => {
    const want = JSON.stringify(f(head));
    infos.forEach((x, i) => {
      if (JSON.stringify(f(x)) !== want) {
        throw new Refused("CAP_INVALID", `info blocks disagree on ${what}`, `alert/info[${i}]`);
      }
    });
  };
  same((x) => [...x.eventCodes], "eventCode");
  same((x) => x.parameters, "parameters");
  same((x) => [x.effective, x.onset, x.expires, x.senderName], "times or senderName");
  const params = new Map(head.parameters);
  const kind = head.eventCodes.get(NAMES.kind);
  if (kind === undefined) {
    throw new Refused("CAP_INVALID", `no eventCode ${NAMES.kind}: not a Triwatch alert`, "alert/info[0]");
  }
  const refs = c.first("references");
  const note = c.first("note");
  return strip({
    id: req("identifier"),
    sender: req("sender"),
    issuer: { nation: params.get(NAMES.nation), authority: head.senderName },
    sent: time(c.first("sent") as XmlElement, "alert/sent"),
    status: STATUS[req("status")] ?? req("status"),
    msgType,
    references:
      refs === undefined
        ? []
        : text(refs, "alert/references")
            .trim()
            .split(/\s+/)
            .map((triple) => {
              const [sender, id, sent, ...extra] = triple.split(",");
              const t = modelTime(sent ?? "");
              if (extra.length > 0 || !t.ok) {
                throw new Refused(
                  "CAP_INVALID",
                  `"${triple}" is not sender,identifier,sent`,
                  "alert/references",
                );
              }
              return { sender, id, sent: t.time };
            }),
    note: note === undefined ? undefined : text(note, "alert/note"),
    kind: kindFromCode(kind, head.eventCodes.get(NAMES.cellBroadcast)),
    times: strip({
      launch: capTimeParam(params.get(NAMES.launchTime), "alert/info[0]/parameter"),
      effective: head.effective,
      onset: head.onset,
      expires: head.expires,
    }),
    basis: basis(params, "alert/info[0]/parameter"),
    infos: infos.map((x) =>
      strip({
        language: x.language,
        headline: x.headline,
        description: x.description,
        instruction: x.instruction,
        areas: x.areas,
      }),
    ),
  });
}

/** Reads a CAP 1.2 document (untrusted input) into an alert. */
export function capToAlert(xml: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): CapParse {
  const doc = parseXml(xml, limits);
  if (!doc.ok) return { ok: false, error: doc.error };
  let raw: unknown;
  try {
    raw = readAlert(doc.root);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: { code: e.code, message: e.message, path: e.path } };
    throw e;
  }
  const parsed = Alert.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: {
        code: "CAP_INVALID",
        message: issue?.message ?? "invalid alert",
        path: (issue?.path ?? []).map(String).join("."),
      },
    };
  }
  return { ok: true, alert: parsed.data };
}
