/**
 * XML writing shared by the CAP and CoT codecs: an ordered element tree in, a document out, through
 * fast-xml-parser's builder (which escapes text and attribute values), so element order is exactly the
 * order of `children`.
 */
import { XMLBuilder } from "fast-xml-parser";

/** An element to write: attributes in order, then either text or child elements. */
export interface XmlNode {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly children?: readonly XmlNode[];
}

type Ordered = Record<string, unknown>;

const pretty = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
  processEntities: true,
});
const compact = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  format: false,
  suppressEmptyNode: true,
  processEntities: true,
});

function toOrdered(node: XmlNode): Ordered {
  const body: Ordered[] =
    node.text !== undefined ? [{ "#text": node.text }] : (node.children ?? []).map(toOrdered);
  const out: Ordered = { [node.name]: body };
  if (node.attributes && Object.keys(node.attributes).length > 0) {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.attributes)) attrs[`@_${k}`] = v;
    out[":@"] = attrs;
  }
  return out;
}

/** Writes a document with an XML declaration; `indent` gives one element per line. */
export function buildXml(root: XmlNode, options: { indent: boolean; declaration: boolean }): string {
  const parts: Ordered[] = [];
  if (options.declaration) {
    parts.push({ "?xml": [{ "#text": "" }], ":@": { "@_version": "1.0", "@_encoding": "UTF-8" } });
  }
  parts.push(toOrdered(root));
  const xml = (options.indent ? pretty : compact).build(parts) as string;
  return options.indent ? `${xml.trim()}\n` : xml;
}
