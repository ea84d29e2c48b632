import { sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateNodeKeys,
  keyRingFromBundles,
  nodeKeysFromFile,
  PublicKeyBundle,
  peerKeysFromBundle,
  peerKeysOf,
  privateKeyFile,
  publicBundle,
} from "./node-keys.ts";

describe("node keys", () => {
  it("generate an Ed25519 and an X25519 pair per node", () => {
    const k = generateNodeKeys("JSDF");
    expect(k.sign.privateKey.asymmetricKeyType).toBe("ed25519");
    expect(k.agree.privateKey.asymmetricKeyType).toBe("x25519");
    expect(() => generateNodeKeys("jsdf")).toThrow();
  });

  it("give a public bundle that the schema accepts and that carries no private part", () => {
    const b = publicBundle(generateNodeKeys("JSDF"));
    expect(PublicKeyBundle.parse(b)).toEqual(b);
    expect(JSON.stringify(b)).not.toContain('"d"');
    expect(b.sign.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("round-trip through the private file, signing as before", () => {
    const k = generateNodeKeys("USFJ_C4I");
    const back = nodeKeysFromFile(JSON.parse(JSON.stringify(privateKeyFile(k))));
    if (!back.ok) throw new Error(back.message);
    const sig = sign(null, Buffer.from("m"), back.keys.sign.privateKey);
    expect(verify(null, Buffer.from("m"), k.sign.publicKey, sig)).toBe(true);
    expect(publicBundle(back.keys)).toEqual(publicBundle(k));
  });

  it("refuse a private file whose public half belongs to another key", () => {
    const a = privateKeyFile(generateNodeKeys("JSDF"));
    const b = privateKeyFile(generateNodeKeys("JSDF"));
    const r = nodeKeysFromFile({ ...a, sign: { ...a.sign, x: b.sign.x } });
    expect(r.ok ? "ok" : r.code).toBe("MISMATCH");
    expect(nodeKeysFromFile({ ...a, extra: 1 }).ok).toBe(false);
  });

  it("build a key ring from bundles, refusing duplicates and bad keys", () => {
    const bundles = ["ROK_KTMO_CELL", "JSDF"].map((n) => publicBundle(generateNodeKeys(n)));
    const ring = keyRingFromBundles(bundles);
    if (!ring.ok) throw new Error(ring.message);
    expect([...ring.ring.keys()]).toEqual(["ROK_KTMO_CELL", "JSDF"]);
    expect(keyRingFromBundles([...bundles, bundles[0]]).ok).toBe(false);
    const first = bundles[0];
    if (!first) throw new Error("fixture");
    expect(peerKeysFromBundle({ ...first, sign: { ...first.sign, crv: "X25519" } }).ok).toBe(false);
  });

  it("use the signing key's RFC 7638 thumbprint as kid, the same from either side", () => {
    const k = generateNodeKeys("JSDF");
    const fromBundle = peerKeysFromBundle(publicBundle(k));
    if (!fromBundle.ok) throw new Error(fromBundle.message);
    expect(fromBundle.peer.signKid).toBe(peerKeysOf(k).signKid);
    expect(fromBundle.peer.signKid).toBe(publicBundle(k).sign.kid);
  });
});
