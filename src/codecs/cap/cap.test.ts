import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Alert } from "../../model/alert.ts";
import { CAP_XSD, xmllintDocuments, xmllintFiles } from "../testing/xmllint.ts";
import { CAP_FIXTURES } from "./fixtures/alerts.fixture.ts";
import { alertToCap, capToAlert } from "./index.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const fixtureFile = (name: string) => join(FIXTURES, `${name}.xml`);

if (process.env.UPDATE_FIXTURES) {
  for (const [name, input] of Object.entries(CAP_FIXTURES)) {
    writeFileSync(fixtureFile(name), alertToCap(Alert.parse(input)));
  }
}

function expectRefused(xml: string | Uint8Array, code: string, message?: RegExp) {
  const r = capToAlert(xml);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(code);
  if (message) expect(r.error.message).toMatch(message);
}

const sample = () => readFileSync(fixtureFile("jalert-2022-10-04-overflight"), "utf8");

describe("CAP golden fixtures", () => {
  const names = Object.keys(CAP_FIXTURES);

  it.each(names)("%s reads into the alert it was written from and writes back byte for byte", (name) => {
    const xml = readFileSync(fixtureFile(name), "utf8");
    const read = capToAlert(xml);
    if (!read.ok) throw new Error(`${name}: ${read.error.code} ${read.error.message} at ${read.error.path}`);
    expect(read.alert).toEqual(Alert.parse(CAP_FIXTURES[name]));
    expect(alertToCap(read.alert)).toBe(xml);
  });

  it("every fixture validates against the CAP 1.2 schema", () => {
    const files = names.map(fixtureFile);
    expect(files.every((f) => existsSync(f))).toBe(true);
    const lint = xmllintFiles(CAP_XSD, files);
    expect(lint.output).not.toMatch(/fails to validate|error/i);
    expect(lint.ok).toBe(true);
  });

  it("a schema violation is caught by the same check (the check can fail)", () => {
    const bad = sample().replace("<status>Actual</status>", "<status>Real</status>");
    expect(xmllintDocuments(CAP_XSD, [bad]).ok).toBe(false);
  });
});

describe("CAP writing rules the schema does not check", () => {
  const overflight = Alert.parse(CAP_FIXTURES["jalert-2022-10-04-overflight"]);
  const xml = alertToCap(overflight);

  it("writes UTC as -00:00, never Z, and no fractional seconds", () => {
    expect(xml).toContain("<value>2022-10-03T22:40:00-00:00</value>");
    expect(xml).not.toMatch(/\d\d:\d\dZ|\d\d\.\d+[-+Z]/);
    expect(capToAlert(xml).ok && capToAlert(xml)).toMatchObject({
      alert: { basis: { asOf: "2022-10-03T22:40:00Z" } },
    });
  });

  it("writes references as sender,identifier,sent triples", () => {
    expect(xml).toContain(
      "<references>jalert.triwatch.example,JALERT-20221004-0727,2022-10-04T07:27:00+09:00</references>",
    );
  });

  it("writes polygons as closed lat,lon rings", () => {
    const kr = alertToCap(Alert.parse(CAP_FIXTURES["kr-2023-05-31-baengnyeong-daecheong"]));
    expect(kr).toContain("<polygon>37.93,124.6 37.93,124.73 38,124.73 38,124.6 37.93,124.6</polygon>");
  });

  it("refuses an open ring and a time with fractions in the model", () => {
    const input = structuredClone(CAP_FIXTURES["kr-2023-05-31-baengnyeong-daecheong"]);
    const ring = input?.infos[0]?.areas[0]?.polygons?.[0];
    ring?.pop();
    expect(Alert.safeParse(input).success).toBe(false);
    expect(
      Alert.safeParse({ ...CAP_FIXTURES["jalert-2023-05-31-launch"], sent: "2023-05-31T06:30:00.5+09:00" })
        .success,
    ).toBe(false);
  });
});

describe("CAP reading refuses what it cannot trust", () => {
  it("refuses XXE (an external entity) with the DOCTYPE", () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${sample()
      .replace(/^<\?xml[^>]*>\n/, "")
      .replace("<identifier>JALERT-20221004-0742", "<identifier>&xxe;")}`;
    expectRefused(xxe, "XML_DOCTYPE", /DOCTYPE/);
  });

  it("refuses a billion-laughs document", () => {
    const lol = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE lolz [",
      '<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
      ),
      "]>",
      '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>',
    ].join("\n");
    expectRefused(lol, "XML_DOCTYPE");
  });

  it("refuses an entity that no DTD declares", () => {
    expectRefused(sample().replace("JALERT-20221004-0742", "&xxe;"), "XML_MALFORMED", /entity/);
  });

  it("refuses an oversize document before parsing it", () => {
    const big = sample().replace("</headline>", `${"x".repeat(1024 * 1024)}</headline>`);
    expectRefused(big, "XML_TOO_LARGE", /limit/);
    expect(capToAlert(sample(), { maxBytes: 1000, maxDepth: 32 })).toMatchObject({
      ok: false,
      error: { code: "XML_TOO_LARGE" },
    });
  });

  it("refuses documents nested absurdly deep", () => {
    const deep = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${"<a>".repeat(100)}${"</a>".repeat(100)}</alert>`;
    expectRefused(deep, "XML_TOO_DEEP");
  });

  it("refuses malformed XML, another namespace, and elements out of order", () => {
    expectRefused(sample().replace("</sender>", "</sendr>"), "XML_MALFORMED");
    expectRefused(
      sample().replace("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1"),
      "CAP_NOT_CAP",
    );
    const reordered = sample().replace(
      /(<identifier>[^<]*<\/identifier>)(\s*)(<sender>[^<]*<\/sender>)/,
      "$3$2$1",
    );
    expectRefused(reordered, "CAP_STRUCTURE", /missing|order/);
  });

  it("refuses Z times and fractional seconds with the CAP rule", () => {
    expectRefused(
      sample().replace("<sent>2022-10-04T07:42:00+09:00", "<sent>2022-10-03T22:42:00Z"),
      "CAP_INVALID",
      /no Z/,
    );
    expectRefused(
      sample().replace("<sent>2022-10-04T07:42:00+09:00", "<sent>2022-10-04T07:42:00.5+09:00"),
      "CAP_INVALID",
    );
  });

  it("refuses CAP elements Triwatch does not carry, rather than dropping them", () => {
    const withCircle = sample().replace("</areaDesc>", "</areaDesc>\n<circle>43,141 10</circle>");
    expectRefused(withCircle, "CAP_UNSUPPORTED", /circle/);
  });

  it("reads the prefixed form of the namespace the same way", () => {
    const prefixed = sample()
      .replace(
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
        '<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">',
      )
      .replace(/<(\/?)(?!cap:|\?)([a-zA-Z]+)/g, "<$1cap:$2");
    const r = capToAlert(prefixed);
    expect(r.ok && r.alert.id).toBe("JALERT-20221004-0742");
  });

  it("reads UTF-8 bytes and refuses bytes that are not UTF-8", () => {
    expect(capToAlert(Buffer.from(sample(), "utf8")).ok).toBe(true);
    expectRefused(Buffer.from([0x3c, 0x61, 0xff, 0x3e]), "XML_MALFORMED", /UTF-8/);
  });
});
