import { beforeEach, describe, expect, it } from "vitest";
import { isChecked } from "../model/checked.ts";
import { Item } from "../model/item.ts";
import {
  buildChain,
  CHAIN,
  type Chain,
  LIMITS,
  markingFor,
  PARTY_OF,
  rokReport,
  rokTrack,
} from "./chain.fixture.ts";
import type { LinkChannel } from "./channel.ts";
import {
  compareLabels,
  openEnvelope,
  openFrame,
  relayEnvelope,
  relayFrame,
  sealEnvelope,
  sealFrame,
} from "./envelope.ts";
import { sealHop } from "./hop.ts";
import { makeBundle, makeRelease, type ReleaseBytes, signBatch, signReport } from "./originator.ts";
import {
  bundleId,
  EnvelopeBody,
  MAX_BUNDLE_TRACKS,
  type Opened,
  type OpenResult,
  type OriginatorProof,
} from "./schema.ts";

const T0 = Date.parse("2024-12-17T23:27:31Z");
const ORIGIN = "ROK_KTMO_CELL";
const DEST = "JSDF";

let chain: Chain;
beforeEach(async () => {
  chain = await buildChain(T0);
});

function keysOf(node: string) {
  const k = chain.keys.get(node);
  if (!k) throw new Error(node);
  return k;
}

async function trackRelease(item: Item = rokTrack(), at = T0) {
  const release = makeRelease({ origin: ORIGIN, dest: DEST, item, releasedAt: at });
  const [proof] = await signBatch(keysOf(ORIGIN), {
    batchId: "b1",
    windowStart: at,
    releases: [release.bytes],
  });
  if (!proof) throw new Error("no proof");
  return { release, proof: proof as OriginatorProof };
}

async function reportRelease(at = T0) {
  const release = makeRelease({ origin: ORIGIN, dest: DEST, item: rokReport(), releasedAt: at });
  return { release, proof: (await signReport(keysOf(ORIGIN), release.bytes)) as OriginatorProof };
}

/** Seals from chain[i] to chain[i+1]. */
function seal(from: string, to: string, release: ReleaseBytes, proof: OriginatorProof, now = T0) {
  const recipient = chain.peers.get(to);
  if (!recipient) throw new Error(to);
  return sealEnvelope({
    channel: chain.channel(from, to),
    release,
    proof,
    marking: markingFor(PARTY_OF[to] ?? "", release.release.item.label),
    recipient,
    now,
  });
}

function expectOk(r: OpenResult): Opened {
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return r;
}

function expectReason(r: OpenResult, reason: string) {
  expect(r.ok ? "accepted" : `${r.reason}`).toBe(reason);
}

/** Carries a release from the originator to JSDF, opening and relaying at every hop. */
async function carry(release: ReleaseBytes, proof: OriginatorProof) {
  let wire = await seal(CHAIN[0], CHAIN[1], release, proof);
  const opened: Opened[] = [];
  for (let i = 1; i < CHAIN.length; i++) {
    const node = CHAIN[i] as string;
    const r = expectOk(await openEnvelope(chain.receiver(node), wire, T0 + i));
    opened.push(r);
    const next = CHAIN[i + 1];
    if (next === undefined) break;
    expect(r.final).toBe(false);
    const recipient = chain.peers.get(next);
    if (!recipient) throw new Error(next);
    wire = await relayEnvelope(r, {
      channel: chain.channel(node, next),
      marking: markingFor(PARTY_OF[next] ?? "", r.entry.label),
      recipient,
      now: T0 + i,
    });
  }
  return opened;
}

describe("round trip through the US hub", () => {
  it("carries a batch-signed track from ROK to JSDF with the originator's signature intact", async () => {
    const { release, proof } = await trackRelease();
    const opened = await carry(release, proof);
    const last = opened[opened.length - 1] as Opened;
    expect(last.final).toBe(true);
    expect(last.originator).toBe(ORIGIN);
    expect(last.item).toEqual(release.release.item);
    expect(last.releaseBytes.equals(release.bytes)).toBe(true);
    expect(
      opened.slice(0, -1).every((o) => o.item === null && o.release.item.id === release.release.item.id),
    ).toBe(true);
    expect(last.entry.marking.party).toBe("JPN");
    expect(opened.map((o) => o.hop.from)).toEqual(CHAIN.slice(0, -1));
  });

  it("carries a report with its own JWS, each hop encrypting to the next node's X25519 key", async () => {
    const { release, proof } = await reportRelease();
    const opened = await carry(release, proof);
    const last = opened[opened.length - 1] as Opened;
    expect(last.final).toBe(true);
    expect(last.item).toEqual(rokReport());
    expect(isChecked(Item, last.item) && Object.isFrozen(last.item)).toBe(true);
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    const body = bodyOf(wire, chain.channel(CHAIN[1], ORIGIN));
    const [entry] = body.entries;
    const jweHeader = JSON.parse(Buffer.from(entry?.sealed?.split(".")[0] ?? "", "base64url").toString());
    expect(jweHeader).toMatchObject({ alg: "ECDH-ES+A256KW", enc: "A256GCM", kid: CHAIN[1] });
    expect(entry?.release).toBeUndefined();
  });

  it("carries a window of tracks in one envelope per hop, each item checked on its own", async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ ...rokTrack(), id: `KOR-TR-${i}` }));
    const releases = items.map((item) => makeRelease({ origin: ORIGIN, dest: DEST, item, releasedAt: T0 }));
    const proofs = await signBatch(keysOf(ORIGIN), {
      batchId: "w",
      windowStart: T0,
      releases: releases.map((r) => r.bytes),
    });
    const entries = releases.map((release, i) => ({
      release,
      proof: proofs[i] as OriginatorProof,
      marking: markingFor("USA", release.release.item.label),
    }));
    // One forged item in the window: its bytes changed after signing.
    const forged = entries[7];
    if (!forged) throw new Error("fixture");
    entries[7] = {
      ...forged,
      release: {
        ...forged.release,
        bytes: Buffer.from(forged.release.bytes.toString().replace("KOR-TR-7", "KOR-TR-X")),
      },
    };
    let wire = await sealFrame(
      { channel: chain.channel(ORIGIN, CHAIN[1]), recipient: peer(CHAIN[1]), now: T0 },
      entries,
    );
    for (let i = 1; i < CHAIN.length; i++) {
      const node = CHAIN[i] as string;
      const frame = await openFrame(chain.receiver(node), wire, T0);
      if (!frame.ok) throw new Error(frame.reason);
      const good = frame.results.filter((r): r is Opened => r.ok);
      expect(good).toHaveLength(19);
      if (i === 1) expectReason(frame.results[7] as OpenResult, "BAD_ORIGINATOR_SIGNATURE");
      const next = CHAIN[i + 1];
      if (next === undefined) {
        expect(good.every((o) => o.final)).toBe(true);
        expect(good.map((o) => o.item?.id)).toEqual(
          items.map((it) => it.id).filter((id) => id !== "KOR-TR-7"),
        );
        break;
      }
      const hop = { channel: chain.channel(node, next), recipient: peer(next), now: T0 };
      wire = await relayFrame(good, hop, (o) => markingFor(PARTY_OF[next] ?? "", o.entry.label));
    }
    expect(chain.receiver("JSDF").verifier.signatureChecks).toBe(1); // one batch, one Ed25519 verification
  });

  it("parses items in full at relays when the receiver asks", async () => {
    const relay = chain.receiver(CHAIN[1]);
    const eager = { ...relay, parseRelayedItems: true };
    const { release, proof } = await trackRelease();
    const r = expectOk(await openEnvelope(eager, await seal(ORIGIN, CHAIN[1], release, proof), T0));
    expect(r.final).toBe(false);
    expect(r.item).toEqual(release.release.item);
  });

  it("refuses a duplicated item within one envelope as a replay", async () => {
    const { release, proof } = await trackRelease();
    const entry = { release, proof, marking: markingFor("USA", release.release.item.label) };
    const hop = { channel: chain.channel(ORIGIN, CHAIN[1]), recipient: peer(CHAIN[1]), now: T0 };
    const frame = await openFrame(chain.receiver(CHAIN[1]), await sealFrame(hop, [entry, entry]), T0);
    if (!frame.ok) throw new Error(frame.reason);
    expect(frame.results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(["ok", "REPLAY"]);
  });
});

describe("track bundles: one release for a window's tracks to one recipient", () => {
  const tracks = () =>
    Array.from({ length: 6 }, (_, i) => ({ ...rokTrack(), id: `KOR-TR-B${i}`, trackId: `KTMO-B${i}` }));

  async function signedBundle(items = tracks(), bytesOf?: (b: Buffer) => Buffer) {
    const made = makeBundle({
      origin: ORIGIN,
      dest: DEST,
      label: rokTrack().label,
      tracks: items,
      releasedAt: T0,
    });
    const release = bytesOf ? { ...made, bytes: bytesOf(made.bytes) } : made;
    const [proof] = await signBatch(keysOf(ORIGIN), {
      batchId: "bb",
      windowStart: T0,
      releases: [made.bytes],
    });
    return { release, proof: proof as OriginatorProof };
  }

  it("relays read each track's id and times only; JSDF gets every track whole, with the bundle's label", async () => {
    const items = tracks();
    const { release, proof } = await signedBundle(items);
    const opened = await carry(release, proof);
    const id = bundleId(ORIGIN, release.release.nonce);
    for (const o of opened.slice(0, -1)) {
      expect(o.release.item.id).toBe(id);
      expect(o.bundle).toBeUndefined();
      expect(o.release.tracks?.map((t) => t.id)).toEqual(items.map((t) => t.id));
      expect(o.release.tracks?.[0]).not.toHaveProperty("trajectory");
    }
    const final = opened[opened.length - 1] as Opened;
    expect(final.final).toBe(true);
    expect(final.item).toBeNull();
    expect(final.bundle).toEqual(items);
    // Marked as checked for the store: so each must be what `Item` accepts, and frozen as it was checked.
    for (const track of final.bundle ?? []) {
      expect(Item.safeParse(track).success).toBe(true);
      expect(isChecked(Item, track)).toBe(true);
      expect(
        Object.isFrozen(track) && Object.isFrozen(track.label) && Object.isFrozen(track.trajectory),
      ).toBe(true);
    }
  });

  it("BAD_ORIGINATOR_SIGNATURE: one track of a bundle changed after signing", async () => {
    const { release, proof } = await signedBundle(undefined, (b) =>
      Buffer.from(b.toString("utf8").replace('"KTMO-B3"', '"KTMO-B9"')),
    );
    expectReason(
      await openEnvelope(chain.receiver(CHAIN[1]), await seal(ORIGIN, CHAIN[1], release, proof), T0),
      "BAD_ORIGINATOR_SIGNATURE",
    );
  });

  it("MALFORMED: a bundled track with a time that is not a time, at a relay; one with a label of its own, at JSDF", async () => {
    const bad = tracks();
    bad[2] = { ...(bad[2] as (typeof bad)[number]), asOf: "soon" };
    const a = await signedBundle(bad);
    const r = await openEnvelope(
      chain.receiver(CHAIN[1]),
      await seal(ORIGIN, CHAIN[1], a.release, a.proof),
      T0,
    );
    expectReason(r, "MALFORMED");
    if (!r.ok) expect(r.detail).toMatch(/tracks\.2\.asOf/);
    // A label inside a track would let a track claim another label than the one checked for the bundle.
    const b = await signedBundle(tracks(), (bytes) => {
      const json = JSON.parse(bytes.toString("utf8"));
      json.tracks[0].label = json.label;
      return Buffer.from(JSON.stringify(json));
    });
    const [proof] = await signBatch(keysOf(ORIGIN), {
      batchId: "bl",
      windowStart: T0,
      releases: [b.release.bytes],
    });
    const last = CHAIN[CHAIN.length - 2] as string;
    const wire = await sealEnvelope({
      channel: chain.channel(last, DEST),
      release: b.release,
      proof: proof as OriginatorProof,
      marking: markingFor("JPN", b.release.release.item.label),
      recipient: peer(DEST),
      now: T0,
    });
    expectReason(await openEnvelope(chain.receiver(DEST), wire, T0), "MALFORMED");
  });

  it("holds 1 to MAX_BUNDLE_TRACKS tracks", () => {
    const label = rokTrack().label;
    expect(() => makeBundle({ origin: ORIGIN, dest: DEST, label, tracks: [], releasedAt: T0 })).toThrow(
      RangeError,
    );
    const many = Array.from({ length: MAX_BUNDLE_TRACKS + 1 }, () => rokTrack());
    expect(() => makeBundle({ origin: ORIGIN, dest: DEST, label, tracks: many, releasedAt: T0 })).toThrow(
      RangeError,
    );
  });
});

describe("attacks are rejected with a reason", () => {
  it("REPLAY: the same envelope twice", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    expectOk(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0));
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0), "REPLAY");
  });

  it("REORDERED: an earlier envelope after a later one", async () => {
    const a = await trackRelease();
    const b = await trackRelease();
    const first = await seal(ORIGIN, CHAIN[1], a.release, a.proof);
    const second = await seal(ORIGIN, CHAIN[1], b.release, b.proof);
    expectOk(await openEnvelope(chain.receiver(CHAIN[1]), second, T0));
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), first, T0), "REORDERED");
  });

  it("REPLAY end to end: a relay re-wrapping an accepted release in a fresh envelope", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    const r = expectOk(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0));
    const hop = { channel: chain.channel(CHAIN[1], CHAIN[2]), recipient: peer(CHAIN[2]), now: T0 };
    const marking = markingFor("USA", r.entry.label);
    expectOk(await openEnvelope(chain.receiver(CHAIN[2]), await relayEnvelope(r, { ...hop, marking }), T0));
    const again = await relayEnvelope(r, { ...hop, marking });
    expectReason(await openEnvelope(chain.receiver(CHAIN[2]), again, T0), "REPLAY");
  });

  it("BAD_ORIGINATOR_SIGNATURE: a batch signed by another node's key", async () => {
    const release = makeRelease({ origin: ORIGIN, dest: DEST, item: rokTrack(), releasedAt: T0 });
    const forger = { ...keysOf(CHAIN[1]), node: ORIGIN }; // USFK's key, claiming to be ROK
    const [proof] = await signBatch(forger, { batchId: "f", windowStart: T0, releases: [release.bytes] });
    const wire = await seal(ORIGIN, CHAIN[1], release, proof as OriginatorProof);
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0), "BAD_ORIGINATOR_SIGNATURE");
  });

  it("BAD_ORIGINATOR_SIGNATURE: a hop that changes one byte of the item and MACs it honestly", async () => {
    const { release, proof } = await trackRelease();
    const text = release.bytes.toString("utf8").replace('"apogeeKm":6000', '"apogeeKm":6001');
    expect(text).not.toBe(release.bytes.toString("utf8"));
    const forged = { release: release.release, bytes: Buffer.from(text) };
    const wire = await seal(ORIGIN, CHAIN[1], forged, proof);
    const r = await openEnvelope(chain.receiver(CHAIN[1]), wire, T0);
    expectReason(r, "BAD_ORIGINATOR_SIGNATURE");
    if (!r.ok) expect(r.detail).toMatch(/another root/);
  });

  it("BAD_ORIGINATOR_SIGNATURE: a report whose signature belongs to another release", async () => {
    const a = await reportRelease();
    const b = await reportRelease(); // same item, another nonce: another release
    const wire = await seal(ORIGIN, CHAIN[1], b.release, a.proof);
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0), "BAD_ORIGINATOR_SIGNATURE");
  });

  it("BAD_HOP_MAC: an envelope MACed under another link's key", async () => {
    const { release, proof } = await trackRelease();
    // USFK's channel to the hub, delivered to the hub claiming to come from... the hub's other neighbour.
    const wire = await seal(CHAIN[1], CHAIN[2], release, proof);
    const link = chain.channel(CHAIN[2], CHAIN[3]).link;
    const tampered = withHeader(wire, (h) => ({ ...h, from: CHAIN[3], link }));
    expectReason(await openEnvelope(chain.receiver(CHAIN[2]), tampered, T0), "BAD_HOP_MAC");
  });

  it("RELABELLED: the envelope shows another label than the one signed", async () => {
    const { release, proof } = await trackRelease();
    const item = release.release.item;
    const relabelled: Item = { ...item, label: { ...item.label, topics: ["missile-warning", "cyber"] } };
    const shown = { release: { ...release.release, item: relabelled }, bytes: release.bytes };
    const r = await openEnvelope(chain.receiver(CHAIN[1]), await seal(ORIGIN, CHAIN[1], shown, proof), T0);
    expectReason(r, "RELABELLED");
    if (!r.ok) expect(r.detail).toMatch(/topics/);
  });

  it("RELABELLED: a label that is not I-JSON (a lone surrogate) equals no label, not even itself", () => {
    const label = rokTrack().label;
    const odd = { ...label, approvals: [{ to: "USA" as const, at: "2024-12-17T23:27:31Z", ref: "\ud800" }] };
    expect(compareLabels(label, label)).toBeNull();
    expect(compareLabels(odd, odd)?.reason).toBe("RELABELLED");
  });

  it("DOWNGRADED: a marking below the grade the correspondence requires", async () => {
    const { release, proof } = await trackRelease();
    const wire = await sealEnvelope({
      channel: chain.channel(ORIGIN, CHAIN[1]),
      release,
      proof,
      marking: {
        party: "USA",
        level: "C",
        native: "CONFIDENTIAL",
        banner: "CONFIDENTIAL//REL TO USA, JPN, KOR",
      },
      recipient: peer(CHAIN[1]),
      now: T0,
    });
    const r = await openEnvelope(chain.receiver(CHAIN[1]), wire, T0);
    expectReason(r, "DOWNGRADED");
    if (!r.ok) expect(r.detail).toMatch(/rank 1.*rank 2/);
  });

  it("DOWNGRADED: a caveat dropped from the label, or REL TO dropped from the banner", async () => {
    const orcon = rokTrack();
    const item = { ...orcon, label: { ...orcon.label, caveats: ["ORCON" as const] } };
    const { release, proof } = await trackRelease(item);
    const dropped = { ...item, label: { ...item.label, caveats: [] } };
    const shown = { release: { ...release.release, item: dropped }, bytes: release.bytes };
    expectReason(
      await openEnvelope(chain.receiver(CHAIN[1]), await seal(ORIGIN, CHAIN[1], shown, proof), T0),
      "DOWNGRADED",
    );
    const marking = { ...markingFor("USA", item.label), banner: "SECRET" };
    const wire = await sealEnvelope({
      channel: chain.channel(ORIGIN, CHAIN[1]),
      release,
      proof,
      marking,
      recipient: peer(CHAIN[1]),
      now: T0,
    });
    const r = await openEnvelope(chain.receiver(CHAIN[1]), wire, T0);
    expectReason(r, "DOWNGRADED");
    if (!r.ok) expect(r.detail).toMatch(/REL TO/);
  });

  it("WRONG_RECIPIENT: an envelope for USFK delivered to the hub", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    expectReason(await openEnvelope(chain.receiver(CHAIN[2]), wire, T0), "WRONG_RECIPIENT");
  });

  it("WRONG_RECIPIENT: a release signed for JSDF redirected elsewhere", async () => {
    const release = makeRelease({ origin: ORIGIN, dest: DEST, item: rokTrack(), releasedAt: T0 });
    const [proof] = await signBatch(keysOf(ORIGIN), {
      batchId: "x",
      windowStart: T0,
      releases: [release.bytes],
    });
    const redirected = { release: { ...release.release, dest: "USFJ_C4I" }, bytes: release.bytes };
    const wire = await seal(ORIGIN, CHAIN[1], redirected, proof as OriginatorProof);
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0), "WRONG_RECIPIENT");
  });

  it("UNKNOWN_SENDER: an envelope from a node outside the key ring", async () => {
    // A rogue cannot complete a handshake (see channel.test.ts), so it can only claim a sender name.
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    const forged = withHeader(wire, (h) => ({ ...h, from: "ROGUE" }));
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), forged, T0), "UNKNOWN_SENDER");
  });

  it("WRONG_LINK: an envelope naming another link than its sender's", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    const other = withHeader(wire, (h) => ({ ...h, link: "JSDF~ROK_KTMO_CELL" }));
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), other, T0), "WRONG_LINK");
  });

  it("STALE: an envelope older than the age limit", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0 + LIMITS.maxAgeMs + 1), "STALE");
  });

  it("STALE: a fresh envelope around a release older than the age limit", async () => {
    const { release, proof } = await trackRelease(rokTrack(), T0 - LIMITS.maxAgeMs - 1);
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    const r = await openEnvelope(chain.receiver(CHAIN[1]), wire, T0);
    expectReason(r, "STALE");
    if (!r.ok) expect(r.detail).toMatch(/release/);
  });

  it("UNDECRYPTABLE: a report encrypted to another node's key", async () => {
    const { release, proof } = await reportRelease();
    const wire = await sealEnvelope({
      channel: chain.channel(ORIGIN, CHAIN[1]),
      release,
      proof,
      marking: markingFor("USA", release.release.item.label),
      recipient: { ...peer(CHAIN[2]), node: CHAIN[1] }, // the hub's X25519 key under USFK's name
      now: T0,
    });
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0), "UNDECRYPTABLE");
  });

  it("MALFORMED: not an envelope", async () => {
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), "hello", T0), "MALFORMED");
  });

  it("MALFORMED: several items where one envelope was expected", async () => {
    const a = await trackRelease();
    const b = await trackRelease();
    const hop = { channel: chain.channel(ORIGIN, CHAIN[1]), recipient: peer(CHAIN[1]), now: T0 };
    const mk = (x: typeof a) => ({ ...x, marking: markingFor("USA", x.release.release.item.label) });
    const wire = await sealFrame(hop, [mk(a), mk(b)]);
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0), "MALFORMED");
  });

  it("MALFORMED: an entry naming a batch, marking or label its envelope lacks", async () => {
    const { release, proof } = await trackRelease();
    const body = bodyOf(await seal(ORIGIN, CHAIN[1], release, proof), chain.channel(CHAIN[1], ORIGIN));
    const [entry] = body.entries;
    if (entry?.proof.kind !== "batch") throw new Error("fixture");
    const send = (e: EnvelopeBody["entries"][number]) => {
      const channel = chain.channel(ORIGIN, CHAIN[1]);
      const plain = Buffer.from(JSON.stringify({ ...body, entries: [e] }));
      return openEnvelope(chain.receiver(CHAIN[1]), sealHop(channel, channel.nextSeq(), T0, plain), T0);
    };
    expectReason(await send({ ...entry, proof: { ...entry.proof, batch: 1 } }), "MALFORMED");
    expectReason(await send({ ...entry, marking: 1 }), "MALFORMED");
    expectReason(await send({ ...entry, label: 1 }), "MALFORMED");
    expectOk(await send(entry));
  });

  it("MALFORMED: a report sent in the clear instead of sealed to the hop recipient", async () => {
    const { release, proof } = await reportRelease();
    const body = bodyOf(await seal(ORIGIN, CHAIN[1], release, proof), chain.channel(CHAIN[1], ORIGIN));
    const [entry] = body.entries;
    if (!entry) throw new Error("fixture");
    const { sealed: _sealed, ...clear } = { ...entry, release: release.bytes.toString("base64url") };
    const channel = chain.channel(ORIGIN, CHAIN[1]);
    const plain = Buffer.from(JSON.stringify({ ...body, entries: [clear] }));
    const wire = sealHop(channel, channel.nextSeq("report"), T0, plain, "report");
    const r = await openEnvelope(chain.receiver(CHAIN[1]), wire, T0);
    expectReason(r, "MALFORMED");
    if (!r.ok) expect(r.detail).toMatch(/sealed/);
  });

  it("refuses another spelling of the same ciphertext or release bytes (canonical base64url only)", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    // A stray character, which Node's decoder would skip: the same ciphertext bytes, yet refused.
    const [h = "", , iv = "", ct = "", tag = ""] = wire.split(".");
    const respelt = [h, "", iv, `${ct.slice(0, 10)}!${ct.slice(10)}`, tag].join(".");
    expect(Buffer.from(respelt.split(".")[3] ?? "", "base64url").equals(Buffer.from(ct, "base64url"))).toBe(
      true,
    );
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), respelt, T0), "BAD_HOP_MAC");
    expectOk(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0));

    // Inside the body (another release: the first is taken): the release with a stray space is refused,
    // one with a changed byte fails its proof, and the canonical text opens.
    const second = await trackRelease(rokTrack(), T0 + 1);
    const body = bodyOf(
      await seal(ORIGIN, CHAIN[1], second.release, second.proof),
      chain.channel(CHAIN[1], ORIGIN),
    );
    const [entry] = body.entries;
    if (!entry?.release) throw new Error("fixture");
    const channel = chain.channel(ORIGIN, CHAIN[1]);
    const send = (text: string) => {
      const plain = Buffer.from(JSON.stringify({ ...body, entries: [{ ...entry, release: text }] }));
      return openEnvelope(
        chain.receiver(CHAIN[1]),
        sealHop(channel, channel.nextSeq("track"), T0, plain),
        T0,
      );
    };
    expectReason(await send(` ${entry.release}`), "MALFORMED");
    const other = Buffer.from(second.release.bytes);
    const digit = other.indexOf('"lat":') + 6; // a latitude's first digit: still JSON, no longer signed
    other[digit] = other[digit] === 0x31 ? 0x32 : 0x31;
    expectReason(await send(other.toString("base64url")), "BAD_ORIGINATOR_SIGNATURE");
    const opened = expectOk(await send(entry.release));
    expect(opened.releaseBytes.equals(second.release.bytes)).toBe(true);
  });

  it("a rejected envelope does not advance the channel: the genuine one is still accepted after it", async () => {
    const { release, proof } = await trackRelease();
    const wire = await seal(ORIGIN, CHAIN[1], release, proof);
    // A full-data character of the tag changed (the second-to-last; the last one also carries padding bits).
    const flipped = `${wire.slice(0, -2)}${wire.at(-2) === "A" ? "B" : "A"}${wire.slice(-1)}`;
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), flipped, T0), "BAD_HOP_MAC");
    expectOk(await openEnvelope(chain.receiver(CHAIN[1]), wire, T0));
  });
});

describe("traffic classes: one key and sequence space each per link direction", () => {
  it("a report held back and overtaken by later tracks is still accepted (no REORDERED across classes)", async () => {
    const report = await reportRelease();
    const heldBack = await seal(ORIGIN, CHAIN[1], report.release, report.proof);
    const track = await trackRelease();
    const later = await seal(ORIGIN, CHAIN[1], track.release, track.proof);
    const receiver = chain.receiver(CHAIN[1]);
    expectOk(await openEnvelope(receiver, later, T0));
    expectOk(await openEnvelope(receiver, heldBack, T0));
  });

  it("reports in either order, after any delay, and again after a redelivery, open at the hop (the store inbox dedupes)", async () => {
    const a = await reportRelease();
    const b = await reportRelease();
    const first = await seal(ORIGIN, CHAIN[1], a.release, a.proof);
    const second = await seal(ORIGIN, CHAIN[1], b.release, b.proof);
    const receiver = chain.receiver(CHAIN[1]);
    const hourLater = T0 + 3_600_000;
    expectOk(await openEnvelope(receiver, second, hourLater));
    expectOk(await openEnvelope(receiver, first, hourLater));
    const again = expectOk(await openEnvelope(receiver, first, hourLater));
    expect(again.release.nonce).toBe(a.release.release.nonce);
    // A track that late is still refused: real-time traffic keeps its age limit.
    const track = await trackRelease();
    const late = await seal(ORIGIN, CHAIN[1], track.release, track.proof);
    expectReason(await openEnvelope(receiver, late, hourLater), "STALE");
  });

  it("a report envelope relabelled as a track (or the reverse) fails the hop MAC", async () => {
    const report = await reportRelease();
    const wire = await seal(ORIGIN, CHAIN[1], report.release, report.proof);
    const asTrack = withHeader(wire, (h) => ({ ...h, cls: "track" }));
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), asTrack, T0), "BAD_HOP_MAC");
    const track = await trackRelease();
    const tw = await seal(ORIGIN, CHAIN[1], track.release, track.proof);
    const asReport = withHeader(tw, (h) => ({ ...h, cls: "report" }));
    expectReason(await openEnvelope(chain.receiver(CHAIN[1]), asReport, T0), "BAD_HOP_MAC");
  });

  it("the two classes use separate keys: the same sequence number never reuses a GCM nonce under one key", async () => {
    const channel = chain.channel(ORIGIN, CHAIN[1]);
    const seqT = channel.nextSeq("track");
    const seqR = channel.nextSeq("report");
    const t1 = channel.encrypt(seqT, Buffer.from("same"), "aad", "track");
    const r1 = channel.encrypt(seqR, Buffer.from("same"), "aad", "report");
    expect(seqR).toBe(seqT);
    expect(t1.ct.equals(r1.ct)).toBe(false);
    expect(t1.tag.equals(r1.tag)).toBe(false);
  });
});

/** The wire with its JWE protected header rewritten (the rest, and so the GCM tag, unchanged). */
function withHeader(wire: string, edit: (h: Record<string, unknown>) => Record<string, unknown>): string {
  const [h = "", ...rest] = wire.split(".");
  const header = edit(JSON.parse(Buffer.from(h, "base64url").toString()));
  return [Buffer.from(JSON.stringify(header)).toString("base64url"), ...rest].join(".");
}

/** The decrypted body of a hop JWE, read with the receiving end of its channel (for inspection only). */
function bodyOf(wire: string, receiving: LinkChannel): EnvelopeBody {
  const [h = "", , iv = "", ct = "", tag = ""] = wire.split(".");
  const { seq, cls } = JSON.parse(Buffer.from(h, "base64url").toString());
  const b = (x: string) => Buffer.from(x, "base64url");
  const plain = receiving.decrypt(seq, b(iv), b(ct), b(tag), h, cls);
  if (!plain) throw new Error("does not decrypt");
  return EnvelopeBody.parse(JSON.parse(plain.toString()));
}

function peer(node: string | undefined) {
  const p = node === undefined ? undefined : chain.peers.get(node);
  if (!p) throw new Error(`${node}`);
  return p;
}
