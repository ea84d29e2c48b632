/**
 * End-to-end replay guard: remembers which releases (origin, nonce) a node has accepted while they are
 * young enough to pass the age check, so a relay that re-wraps an old, validly signed release in a fresh
 * hop envelope is caught. Entries are kept in one-second buckets and dropped once older than the limit.
 */

/** Remembers accepted releases for `maxAgeMs` (plus the skew allowed into the future). */
export class ReleaseReplayGuard {
  readonly #buckets = new Map<number, Set<string>>();
  readonly #bucketMs = 1000;
  constructor(readonly maxAgeMs: number) {}

  /** Whether this release was accepted before. */
  has(origin: string, nonce: string, releasedAt: number): boolean {
    return this.#buckets.get(Math.floor(releasedAt / this.#bucketMs))?.has(`${origin}/${nonce}`) ?? false;
  }

  /** Records an accepted release and forgets those past the age limit at `now`. */
  add(origin: string, nonce: string, releasedAt: number, now: number): void {
    const b = Math.floor(releasedAt / this.#bucketMs);
    let set = this.#buckets.get(b);
    if (!set) {
      set = new Set();
      this.#buckets.set(b, set);
      this.#prune(now);
    }
    set.add(`${origin}/${nonce}`);
  }

  /** Records a release unless it was accepted before; returns whether it is new (one lookup for both). */
  accept(origin: string, nonce: string, releasedAt: number, now: number): boolean {
    const b = Math.floor(releasedAt / this.#bucketMs);
    let set = this.#buckets.get(b);
    if (!set) {
      set = new Set();
      this.#buckets.set(b, set);
      this.#prune(now);
    }
    const key = `${origin}/${nonce}`;
    if (set.has(key)) return false;
    set.add(key);
    return true;
  }

  /** Number of releases remembered (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.#buckets.values()) n += s.size;
    return n;
  }

  #prune(now: number): void {
    const oldest = Math.floor((now - this.maxAgeMs) / this.#bucketMs) - 1;
    for (const b of this.#buckets.keys()) if (b < oldest) this.#buckets.delete(b);
  }
}
