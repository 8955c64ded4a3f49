// One user change at a time across every process on the store: "is this the last active admin?" spans several
// accounts, so two admins demoting each other at once — in one process or in two sharing a MongoDB — must not both
// pass the check. The lock is a document taken with an atomic conditional update; a holder that died leaves a lease
// that expires.
import { randomUUID } from "node:crypto";
import { type Collection, DuplicateKeyError, type Store } from "@voltrate/sdk";

export const ADMIN_LOCK_COLLECTION = "user_admin_lock";
const LOCK_ID = "user-changes";

type LockDoc = { _id: string; holder: string | null; until: Date | null };

export interface AdminChangeLockOptions {
  /** How long a lease lasts before another process may take it over (a holder that died). Default 30 s. */
  leaseMs?: number;
  /** How long to wait for the lock before giving up. Default 10 s. */
  waitMs?: number;
  now?: () => Date;
}

export class AdminChangeLockTimeout extends Error {}

export class AdminChangeLock {
  readonly #locks: Collection<LockDoc>;
  readonly #leaseMs: number;
  readonly #waitMs: number;
  readonly #now: () => Date;

  constructor(store: Store, options: AdminChangeLockOptions = {}) {
    this.#locks = store.collection<LockDoc>(ADMIN_LOCK_COLLECTION);
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 10_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Runs `work` holding the lock. */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    const giveUpAt = Date.now() + this.#waitMs;
    for (let attempt = 0; !(await this.#take(token)); attempt++) {
      if (Date.now() > giveUpAt) throw new AdminChangeLockTimeout("another user change is taking too long; try again");
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 5 + attempt * 5)));
    }
    try {
      return await work();
    } finally {
      await this.#locks.updateOne({ _id: LOCK_ID, holder: token }, { $set: { holder: null, until: null } });
    }
  }

  async #take(token: string): Promise<boolean> {
    const now = this.#now();
    const lease = { $set: { holder: token, until: new Date(now.getTime() + this.#leaseMs) } };
    const free = { _id: LOCK_ID, $or: [{ holder: null }, { until: { $lt: now } }] };
    try {
      return (await this.#locks.findOneAndUpdate(free, lease, { upsert: true, returnDocument: "after" })) !== null;
    } catch (error) {
      // The upsert of a lock someone holds collides with their document: not ours this time.
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }
}
