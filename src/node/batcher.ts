/**
 * Track signing at the originator: releases gathered over a short window (`BatchWindow`), one signed
 * Merkle root per window (`signBatch`), then handed back, each with its proof, to be sealed per next hop.
 * The batcher owns its timer and clears it on `close`.
 */
import { BatchWindow, type OriginatorProof, type ReleaseBytes, signBatch } from "../envelope/index.ts";
import type { NodeKeys } from "../keys/index.ts";

/** A track release waiting for its batch signature, and where it goes next. */
export interface PendingTrack<M> {
  release: ReleaseBytes;
  /** Whatever the sender needs to seal it (next hop, marking, traffic class). */
  meta: M;
}

/** A signed track, ready to seal. */
export interface SignedTrack<M> extends PendingTrack<M> {
  proof: OriginatorProof;
}

/** Gathers track releases, signs them once per window, and passes them to `send`. */
export class TrackBatcher<M> {
  readonly #window: BatchWindow;
  #pending: { track: PendingTrack<M>; done: () => void; fail: (e: unknown) => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #batches = 0;

  constructor(
    readonly keys: NodeKeys,
    readonly now: () => number,
    readonly send: (signed: SignedTrack<M>[]) => Promise<void>,
    readonly options: { windowMs: number; maxItems: number } = { windowMs: 5, maxItems: 256 },
  ) {
    this.#window = new BatchWindow(options);
  }

  /** Adds a release; resolves once its batch is signed and sent. */
  add(track: PendingTrack<M>): Promise<void> {
    return new Promise((done, fail) => {
      this.#pending.push({ track, done, fail });
      if (this.#window.add(track.release.bytes, this.now())) void this.flush();
      else this.#timer ??= setTimeout(() => void this.flush(), this.options.windowMs);
    });
  }

  /** Number of releases waiting for their batch. */
  get waiting(): number {
    return this.#pending.length;
  }

  /** Signs and sends what is waiting now. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#pending;
    if (waiting.length === 0) return;
    this.#pending = [];
    const { windowStart, releases } = this.#window.take();
    try {
      const batchId = `${this.keys.node}-${windowStart}-${++this.#batches}`;
      const proofs = await signBatch(this.keys, { batchId, windowStart, releases });
      await this.send(waiting.map((w, i) => ({ ...w.track, proof: proofs[i] as OriginatorProof })));
      for (const w of waiting) w.done();
    } catch (e) {
      for (const w of waiting) w.fail(e);
    }
  }

  /** Sends what is waiting and stops the timer. */
  async close(): Promise<void> {
    await this.flush();
  }
}
