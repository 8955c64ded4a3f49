// Master data is read a dozen times for every priced session and written a few times a day. The read cache keeps,
// per store, what the repository reads most — the records of an entity, the owner of a natural key, the entities
// referring to another — and forgets all of it on every write. Records are immutable once written, so a cached
// entry is exactly what a read would return until the next write.
//
// Consistency: an entry read under generation g is only kept if no write happened meanwhile (the generation is
// still g when the read returns). Every repository on a store in this process shares one cache (WeakMap by store),
// so a write through any of them is seen by all. The embedded store is owned by one process (its folder is locked),
// so that is the whole story there. With MongoDB, other processes write too: a write also increments a shared
// generation document, and readers check it before trusting the cache — one read per round, shared by every lookup
// that arrives while the previous round is in flight (a lookup never joins a round that started before it).
import type { Collection, Store } from "@voltrate/sdk";

const GENERATION_COLLECTION = "master_data_generation";
const GENERATION_ID = "writes";

type GenerationDoc = { _id: string; n: number };

/** Entries kept per kind before the oldest are dropped (a bound on memory, not a tuning knob). */
const MAX_ENTRIES = 50_000;

/** A map that forgets its oldest entry when full. */
export class BoundedCache<V> {
  readonly #map = new Map<string, V>();
  get(key: string): V | undefined {
    return this.#map.get(key);
  }
  set(key: string, value: V): void {
    if (this.#map.size >= MAX_ENTRIES) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }
  clear(): void {
    this.#map.clear();
  }
  get size(): number {
    return this.#map.size;
  }
}

/** Makes a cached value read-only all the way down, so that no caller can change what the next caller gets. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export class MasterDataReadCache {
  /** Records of an entity by "type|id" (frozen arrays of frozen documents). */
  readonly records = new BoundedCache<readonly unknown[]>();
  /** Owner entity id (or null: no owner) of a natural key, by the key document's id. */
  readonly keyOwners = new BoundedCache<string | null>();
  /** Ids of the entities whose records refer to another, by "type|field=id". */
  readonly referrers = new BoundedCache<readonly string[]>();
  #generation = 0;
  #sharedSeen: number | null = null;
  readonly #shared: Collection<GenerationDoc> | null;
  /** The shared-generation read in flight, and the one the next callers wait for. */
  #inFlight: Promise<void> | null = null;
  #waiting: Promise<void> | null = null;
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  /** `shared`: whether other processes may write to the store (default: unless it is the embedded store). */
  constructor(store: Store, options: { shared?: boolean } = {}) {
    const shared = options.shared ?? store.mode !== "embedded";
    this.#shared = shared ? store.collection<GenerationDoc>(GENERATION_COLLECTION) : null;
  }

  /** The local generation after making sure no other process wrote since the cache was filled. */
  async generation(): Promise<number> {
    if (this.#shared) await this.#checkShared();
    return this.#generation;
  }

  /** Whether nothing was written since `generation` was read. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }

  /** Called after every write (also after a failed one: it may have written part). */
  async written(): Promise<void> {
    this.#clear();
    if (this.#shared) {
      const after = await this.#shared.findOneAndUpdate(
        { _id: GENERATION_ID },
        { $inc: { n: 1 } },
        { upsert: true, returnDocument: "after" },
      );
      // Our own write is not a reason to empty the cache again at the next check.
      if (after && this.#sharedSeen !== null && after.n === this.#sharedSeen + 1) this.#sharedSeen = after.n;
      this.#clear();
    }
  }

  #clear(): void {
    this.#generation++;
    this.stats.invalidations++;
    this.records.clear();
    this.keyOwners.clear();
    this.referrers.clear();
  }

  /** Joins the next round of reading the shared generation (never one already in flight: it may predate us). */
  #checkShared(): Promise<void> {
    if (this.#waiting) return this.#waiting;
    const previous = this.#inFlight ?? Promise.resolve();
    const round: Promise<void> = previous
      .catch(() => {})
      .then(async () => {
        // This round starts now: whoever asks from here on waits for the next one.
        this.#waiting = null;
        this.#inFlight = round;
        try {
          const doc = await (this.#shared as Collection<GenerationDoc>).findOne({ _id: GENERATION_ID });
          const n = doc?.n ?? 0;
          if (this.#sharedSeen !== n) {
            if (this.#sharedSeen !== null) this.#clear();
            this.#sharedSeen = n;
          }
        } finally {
          if (this.#inFlight === round) this.#inFlight = null;
        }
      });
    this.#waiting = round;
    return round;
  }
}

const caches = new WeakMap<Store, MasterDataReadCache>();

/** The one read cache of `store` in this process. */
export function readCacheOf(store: Store): MasterDataReadCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new MasterDataReadCache(store);
    caches.set(store, cache);
  }
  return cache;
}
