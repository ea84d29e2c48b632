/**
 * Hardened XML reading shared by the CAP and CoT codecs. saxes is a strict, non-validating parser that
 * never expands entities declared in a DTD; on top of it a document is refused before parsing when it
 * is larger than the limit, and while parsing when it has a DOCTYPE (which carries external and
 * recursive entities: XXE, billion laughs), an undefined entity, is not well formed, or nests too deep.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";

/** An element as read: namespace, local name, attributes by local name, children and direct text. */
export interface XmlElement {
  readonly uri: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Direct character data (text and CDATA) of this element, concatenated. */
  readonly text: string;
}

/** Why a document was refused before its content was looked at. */
export type XmlErrorCode = "XML_TOO_LARGE" | "XML_DOCTYPE" | "XML_MALFORMED" | "XML_TOO_DEEP";

/** A refused document: a stable code and a message for people. */
export interface XmlError {
  readonly code: XmlErrorCode;
  readonly message: string;
}

/** Limits for reading untrusted XML. */
export interface XmlLimits {
  /** Largest accepted document in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Deepest accepted element nesting. */
  readonly maxDepth: number;
}

/** Default limits: 1 MiB and 32 levels, far above any real CAP alert or CoT event. */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 32 };

/** The document element, or why the document was refused. */
export type XmlParse = { ok: true; root: XmlElement } | { ok: false; error: XmlError };

class Refusal extends Error {
  constructor(
    readonly code: XmlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Building {
  uri: string;
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Reads one XML document (a string, or UTF-8 bytes) under the limits. */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlParse {
  const bytes = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (bytes > limits.maxBytes) {
    return refuse("XML_TOO_LARGE", `document is ${bytes} bytes, more than the limit of ${limits.maxBytes}`);
  }
  let text: string;
  try {
    text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch {
    return refuse("XML_MALFORMED", "document is not valid UTF-8");
  }
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  parser.on("doctype", () => {
    throw new Refusal("XML_DOCTYPE", "DOCTYPE declarations are refused (no DTDs, no entity declarations)");
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (stack.length >= limits.maxDepth) {
      throw new Refusal("XML_TOO_DEEP", `elements nest deeper than ${limits.maxDepth} levels`);
    }
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === "xmlns" || a.name === "xmlns") continue;
      attributes[a.local] = a.value;
    }
    stack.push({ uri: tag.uri, name: tag.local, attributes, children: [], text: "" });
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("closetag", () => {
    const done = stack.pop();
    if (!done) return;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(done);
    else root = done;
  });
  parser.on("error", (e: Error) => {
    throw new Refusal("XML_MALFORMED", e.message);
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof Refusal) return refuse(e.code, e.message);
    return refuse("XML_MALFORMED", e instanceof Error ? e.message : String(e));
  }
  return root ? { ok: true, root } : refuse("XML_MALFORMED", "no document element");
}

function refuse(code: XmlErrorCode, message: string): XmlParse {
  return { ok: false, error: { code, message } };
}
