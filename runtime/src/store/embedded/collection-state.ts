// One collection in memory: documents by _id (insertion order is the natural order) plus secondary
// indexes. Every write is a list of changes that is first checked as a whole (unique keys, index
// rules) and only then applied, so a write is all-or-nothing.
import type { Doc, WithId } from "../types.ts";
import { DuplicateKeyError } from "../types.ts";
import type { NormalizedIndex } from "../validate.ts";
import { Index } from "./indexes.ts";

export type StoredDoc = WithId<Doc>;

/** One document replaced, inserted (before = null) or deleted (after = null). */
export interface Change {
  id: string;
  before: StoredDoc | null;
  after: StoredDoc | null;
  /** Keys of `after` per index, filled in by `check`. */
  keys?: string[][];
}

export class CollectionState {
  readonly name: string;
  readonly docs = new Map<string, StoredDoc>();
  readonly indexes: Index[] = [];
  /** Set once a write or an index has been committed (MongoDB's notion of an existing collection). */
  exists = false;

  constructor(name: string) {
    this.name = name;
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((index) => index.name === name);
  }

  /** Throws DuplicateKeyError (or a BAD_DOCUMENT index error) if the changes cannot all be applied. */
  check(changes: Change[]): void {
    const changed = new Set<string>();
    for (const change of changes) {
      if (change.before === null && change.after !== null && (changed.has(change.id) || this.docs.has(change.id))) {
        throw new DuplicateKeyError(this.name, "_id_", { _id: change.id });
      }
      changed.add(change.id);
    }
    for (const change of changes) {
      if (change.after === null) continue;
      const after = change.after;
      change.keys = this.indexes.map((index) => index.keysOf(after));
    }
    this.indexes.forEach((index, n) => {
      if (!index.unique) return;
      const claimed = new Map<string, string>();
      for (const change of changes) {
        if (change.after === null) continue;
        for (const key of change.keys?.[n] ?? []) {
          const owner = index.owner(key);
          const rival = claimed.get(key);
          if ((owner !== undefined && owner !== change.id && !changed.has(owner)) || (rival && rival !== change.id)) {
            throw new DuplicateKeyError(this.name, index.name, index.describeKey(change.after));
          }
          claimed.set(key, change.id);
        }
      }
    });
  }

  /** Applies changes that passed `check`. */
  apply(changes: Change[]): void {
    for (const change of changes) {
      const before = change.before;
      if (before === null) continue;
      for (const index of this.indexes) index.remove(change.id, index.keysOf(before));
      if (change.after === null) this.docs.delete(change.id);
    }
    for (const change of changes) {
      if (change.after === null) continue;
      this.docs.set(change.id, change.after);
      this.indexes.forEach((index, n) => {
        index.add(change.id, change.keys?.[n] ?? index.keysOf(change.after as StoredDoc));
      });
    }
    this.exists = true;
  }

  /** Builds an index over the current documents; throws DuplicateKeyError for a violated unique index. */
  buildIndex(def: NormalizedIndex): Index {
    const index = new Index(def);
    const seen = new Map<string, string>();
    for (const [id, doc] of this.docs) {
      const keys = index.keysOf(doc);
      if (index.unique) {
        for (const key of keys) {
          const other = seen.get(key);
          if (other !== undefined && other !== id)
            throw new DuplicateKeyError(this.name, index.name, index.describeKey(doc));
          seen.set(key, id);
        }
      }
      index.add(id, keys);
    }
    return index;
  }

  attachIndex(index: Index): void {
    this.indexes.push(index);
    this.exists = true;
  }
}
