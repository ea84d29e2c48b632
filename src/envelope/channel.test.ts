import { describe, expect, it } from "vitest";
import { generateNodeKeys, type KeyRing, peerKeysOf } from "../keys/node-keys.ts";
import { answerHandshake, finishHandshake, linkId, startHandshake } from "./channel.ts";

const T0 = 1_734_478_051_000;
const LIMITS = { maxSkewMs: 2_000 };
const rok = generateNodeKeys("ROK_KTMO_CELL");
const usfk = generateNodeKeys("USFK_TMO_CELL");
const hub = generateNodeKeys("INDOPACOM_LINK_CTRL_HI");
const ring: KeyRing = new Map([rok, usfk, hub].map((k) => [k.node, peerKeysOf(k)]));

async function pair() {
  const { hello, pending } = await startHandshake(rok, usfk.node, T0);
  const answered = await answerHandshake(usfk, ring, hello, T0, LIMITS);
  if (!answered.ok) throw new Error(answered.detail);
  const finished = await finishHandshake(pending, ring, answered.reply, T0, LIMITS);
  if (!finished.ok) throw new Error(finished.detail);
  return { a: finished.channel, b: answered.channel };
}

describe("link handshake", () => {
  it("gives both ends matching directional keys", async () => {
    const { a, b } = await pair();
    expect(a.link).toBe(linkId("USFK_TMO_CELL", "ROK_KTMO_CELL"));
    expect(b.peer).toBe("ROK_KTMO_CELL");
    const back = b.nextSeq();
    const reply = b.encrypt(back, Buffer.from("ack"), "aad");
    expect(a.decrypt(back, reply.iv, reply.ct, reply.tag, "aad")?.toString()).toBe("ack");
    expect(b.decrypt(back, reply.iv, reply.ct, reply.tag, "aad")).toBeNull(); // each direction has its own key
    const seq = a.nextSeq();
    const { iv, ct, tag } = a.encrypt(seq, Buffer.from("track"), "aad");
    expect(b.decrypt(seq, iv, ct, tag, "aad")?.toString()).toBe("track");
    expect(b.decrypt(seq, iv, ct, tag, "other aad")).toBeNull();
    expect(b.decrypt(seq + 1, iv, ct, tag, "aad")).toBeNull(); // nonce must be the one seq implies
  });

  it("gives fresh keys on every handshake", async () => {
    const one = await pair();
    const two = await pair();
    const sealed = one.a.encrypt(one.a.nextSeq(), Buffer.from("x"), "aad");
    expect(two.b.decrypt(1, sealed.iv, sealed.ct, sealed.tag, "aad")).toBeNull();
    expect(one.b.decrypt(1, sealed.iv, sealed.ct, sealed.tag, "aad")?.toString()).toBe("x");
  });

  it("confirms keys: each end's tag checks at the other end of the same handshake only", async () => {
    const one = await pair();
    const two = await pair();
    expect(one.b.checkConfirmation(one.a.confirmation())).toBe(true);
    expect(one.a.checkConfirmation(one.b.confirmation())).toBe(true);
    expect(one.b.checkConfirmation(one.b.confirmation())).toBe(false); // direction is bound
    expect(one.b.checkConfirmation(two.a.confirmation())).toBe(false); // another handshake's keys
    expect(one.b.checkConfirmation("")).toBe(false);
    expect(one.b.checkConfirmation(`${one.a.confirmation()}A`)).toBe(false);
  });

  it("refuses a hello from a node outside the key ring", async () => {
    const rogue = generateNodeKeys("ROGUE");
    const { hello } = await startHandshake(rogue, usfk.node, T0);
    const r = await answerHandshake(usfk, ring, hello, T0, LIMITS);
    expect(r.ok ? "ok" : r.reason).toBe("UNKNOWN_SENDER");
  });

  it("refuses a hello signed with another key than the claimed sender's", async () => {
    const impostor = { ...hub, node: rok.node };
    const { hello } = await startHandshake(impostor, usfk.node, T0);
    const r = await answerHandshake(usfk, ring, hello, T0, LIMITS);
    expect(r.ok ? "ok" : r.reason).toBe("BAD_SIGNATURE");
  });

  it("refuses a hello meant for another node, and an old one", async () => {
    const { hello } = await startHandshake(rok, hub.node, T0);
    const wrong = await answerHandshake(usfk, ring, hello, T0, LIMITS);
    expect(wrong.ok ? "ok" : wrong.reason).toBe("WRONG_RECIPIENT");
    const { hello: old } = await startHandshake(rok, usfk.node, T0 - 10_000);
    const stale = await answerHandshake(usfk, ring, old, T0, LIMITS);
    expect(stale.ok ? "ok" : stale.reason).toBe("STALE");
  });

  it("refuses a reply that answers another hello", async () => {
    const first = await startHandshake(rok, usfk.node, T0);
    const second = await startHandshake(rok, usfk.node, T0);
    const answered = await answerHandshake(usfk, ring, second.hello, T0, LIMITS);
    if (!answered.ok) throw new Error(answered.detail);
    const r = await finishHandshake(first.pending, ring, answered.reply, T0, LIMITS);
    expect(r.ok ? "ok" : r.reason).toBe("MALFORMED");
  });

  it("refuses a tampered hello", async () => {
    const { hello } = await startHandshake(rok, usfk.node, T0);
    const [h, p, s] = hello.split(".");
    const body = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...body, at: T0 + 1 })).toString("base64url")}.${s}`;
    const r = await answerHandshake(usfk, ring, tampered, T0, LIMITS);
    expect(r.ok ? "ok" : r.reason).toBe("BAD_SIGNATURE");
  });
});

describe("sequence numbers", () => {
  it("accept strictly increasing numbers, telling a replay from a reordering", async () => {
    const { b } = await pair();
    expect(b.acceptSeq(1)).toBe("OK");
    expect(b.acceptSeq(3)).toBe("OK");
    expect(b.checkSeq(3)).toBe("REPLAY");
    expect(b.checkSeq(2)).toBe("REORDERED");
    expect(b.checkSeq(1)).toBe("REPLAY");
    expect(b.acceptSeq(2)).toBe("REORDERED");
    expect(b.acceptSeq(2000)).toBe("OK");
    expect(b.checkSeq(1999)).toBe("REORDERED");
    expect(b.checkSeq(3)).toBe("REPLAY"); // beyond the window: never new
  });

  it("checking does not accept", async () => {
    const { b } = await pair();
    expect(b.checkSeq(5)).toBe("OK");
    expect(b.checkSeq(5)).toBe("OK");
    expect(b.acceptSeq(5)).toBe("OK");
    expect(b.checkSeq(5)).toBe("REPLAY");
  });
});
