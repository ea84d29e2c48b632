/**
 * Track signing at the originator: releases gathered into batches, one signed Merkle root per batch
 * (`signBatch`), then handed back, each with its proof, to be sealed per next hop. The batcher owns its
 * timers and clears them on `close`.
 *
 * When to sign is a rate limit, not a fixed delay (group commit): signatures are budgeted by a token
 * bucket that refills one token every `windowMs` up to `burst` tokens. A release that finds a token is
 * signed as soon as the current macrotask ends (releases made in the same task, such as a scan's
 * tracks, share the batch), so an idle node adds no waiting to a track's latency; under load the node
 * signs at most one batch per window (plus the burst), and everything released meanwhile shares it.
 * A batch that reaches `maxItems` is signed at once.
 *
 * What is added need not be a release yet: with `prepare`, the batcher hands what a window gathered to
 * it when the window closes, and signs the releases it makes of them (the node bundles a window's tracks
 * per recipient and label there, so that relays handle a bundle once, not each track).
 */
import type { OriginatorProof, ReleaseBytes } from "../envelope/index.ts";
import { signBatch } from "../envelope/index.ts";
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

/** How the batcher budgets signatures. */
export interface BatcherOptions {
  /** One signature token per this many milliseconds (the longest a release waits under load). */
  windowMs: number;
  /** A batch this large is signed at once. */
  maxItems: number;
  /** Tokens the bucket holds: batches signed back to back after an idle spell (default 2). */
  burst?: number;
}

/**
 * Gathers tracks (`T`: releases, unless `prepare` makes releases of them), signs them as budgeted, and
 * passes them to `send`.
 */
export class TrackBatcher<M, T = PendingTrack<M>> {
  #pending: { track: T; done: () => void; fail: (e: unknown) => void }[] = [];
  /** When the first of `#pending` came (the batch header's `windowStart`). */
  #windowStart = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #batches = 0;
  readonly #burst: number;
  #tokens: number;
  /** When `#tokens` was last brought up to date (`performance.now()`: the budget is real time, whatever clock the node runs on). */
  #refilledAt: number;

  constructor(
    readonly keys: NodeKeys,
    readonly now: () => number,
    readonly send: (signed: SignedTrack<M>[]) => Promise<void>,
    readonly options: BatcherOptions = { windowMs: 5, maxItems: 256 },
    /** Makes the releases to sign of what a window gathered (default: they are releases already). */
    readonly prepare: (tracks: T[]) => PendingTrack<M>[] = (tracks) => tracks as unknown as PendingTrack<M>[],
  ) {
    if (!(options.windowMs >= 0) || !(options.maxItems >= 1))
      throw new RangeError(`batcher: windowMs ${options.windowMs} and maxItems ${options.maxItems}`);
    this.#burst = Math.max(1, options.burst ?? 2);
    this.#tokens = this.#burst;
    this.#refilledAt = performance.now();
  }

  /** Adds a track; resolves once its batch is signed and sent. */
  add(track: T): Promise<void> {
    return new Promise((done, fail) => {
      if (this.#pending.length === 0) this.#windowStart = this.now();
      this.#pending.push({ track, done, fail });
      if (this.#pending.length >= this.options.maxItems) void this.flush();
      else this.#schedule();
    });
  }

  /** Number of tracks waiting for their batch. */
  get waiting(): number {
    return this.#pending.length;
  }

  /** Tokens now, after refilling for the time since the last refill. */
  #refill(): number {
    const now = performance.now();
    const { windowMs } = this.options;
    if (windowMs <= 0) return this.#burst;
    const earned = Math.floor((now - this.#refilledAt) / windowMs);
    if (earned > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + earned);
      this.#refilledAt = this.#tokens === this.#burst ? now : this.#refilledAt + earned * windowMs;
    }
    return this.#tokens;
  }

  /** Arranges the next signature: at the end of this task if a token is there, else when one will be. */
  #schedule(): void {
    if (this.#immediate !== undefined || this.#timer !== undefined) return;
    if (this.#refill() >= 1) {
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        void this.flush();
      });
      return;
    }
    const wait = Math.max(0, this.#refilledAt + this.options.windowMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, wait);
  }

  #clearTimers(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  /** Signs and sends what is waiting now (spending a token if there is one; `close` does not wait for one). */
  async flush(): Promise<void> {
    this.#clearTimers();
    const waiting = this.#pending;
    if (waiting.length === 0) return;
    this.#pending = [];
    if (this.#refill() >= 1) this.#tokens -= 1;
    const windowStart = this.#windowStart;
    try {
      const tracks = this.prepare(waiting.map((w) => w.track));
      const releases = tracks.map((t) => t.release.bytes);
      const batchId = `${this.keys.node}-${windowStart}-${++this.#batches}`;
      const proofs = await signBatch(this.keys, { batchId, windowStart, releases });
      await this.send(tracks.map((t, i) => ({ ...t, proof: proofs[i] as OriginatorProof })));
      for (const w of waiting) w.done();
    } catch (e) {
      for (const w of waiting) w.fail(e);
    }
  }

  /** Signs and sends what is waiting and stops the timers. */
  async close(): Promise<void> {
    await this.flush();
  }
}
