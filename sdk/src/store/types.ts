// The one document-store interface all domain code (and every plugin) uses. The runtime has two engines:
// embedded (runtime/src/store/embedded: mingo semantics, journal + snapshots) and MongoDB (official driver).
// The vocabulary is MongoDB's, so that both engines mean the same thing by the same call.

/**
 * A stored document. `_id` is a string in both engines (generated when absent). Values are JSON, Dates and binary
 * (`Uint8Array`, read back as Node Buffers): binary suits large opaque values such as a JSON text that is never queried.
 */
export type Doc = { _id?: string } & Record<string, unknown>;
export type WithId<T extends Doc> = T & { _id: string };

/** MongoDB query language ($eq, $in, $gt, $and, $or, $elemMatch, dotted paths, …). */
export type Filter = Record<string, unknown>;
/** MongoDB update operators ($set, $unset, $inc, $push, $pull, $addToSet, $setOnInsert, $min, $max, …). */
export type Update = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;
export type Projection = Record<string, 0 | 1 | boolean>;
/** Aggregation stages ($match, $group, $sort, $project, $limit, $skip, $unwind, $count, $addFields, …). */
export type Pipeline = Record<string, unknown>[];

export interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  projection?: Projection;
}

export interface UpdateOptions {
  upsert?: boolean;
}

export interface FindOneAndUpdateOptions extends UpdateOptions {
  /** Which version of the document to return; MongoDB's default is "before". */
  returnDocument?: "before" | "after";
  sort?: SortSpec;
  projection?: Projection;
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId: string | null;
}

export interface IndexSpec {
  key: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
}

export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  insertOne(doc: T): Promise<{ insertedId: string }>;
  insertMany(docs: T[]): Promise<{ insertedIds: string[] }>;
  findOne(filter?: Filter, options?: FindOptions): Promise<WithId<T> | null>;
  find(filter?: Filter, options?: FindOptions): Promise<WithId<T>[]>;
  updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  /** Atomic: no other write to the collection interleaves between the match and the update. */
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<WithId<T> | null>;
  deleteOne(filter: Filter): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter): Promise<{ deletedCount: number }>;
  countDocuments(filter?: Filter): Promise<number>;
  distinct(field: string, filter?: Filter): Promise<unknown[]>;
  aggregate<R extends Record<string, unknown> = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]>;
  /** Idempotent. A unique index rejects existing duplicates and later duplicate writes. */
  createIndex(spec: IndexSpec): Promise<string>;
}

export type StoreMode = "embedded" | "mongodb";

export interface Store {
  readonly mode: StoreMode;
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  /** Atomic counter: returns the value after adding `by` (default 1); a new counter starts at 0. */
  nextSequence(name: string, by?: number): Promise<number>;
  listCollections(): Promise<string[]>;
  /**
   * Writes that must become durable in this order: a later one never without the earlier ones, even across a crash.
   * Each runs once the one before it has succeeded (the first failure is thrown and the rest are not run). Each write
   * is one store operation, started at once (`() => collection.insertOne(doc)`). The embedded engine issues them back
   * to back and waits for its journal once, since the journal is replayed in order; MongoDB waits for each write
   * before the next.
   */
  inOrder<R extends readonly unknown[]>(...writes: { [K in keyof R]: () => Promise<R[K]> }): Promise<R>;
  /** Flushes everything acknowledged and releases the store (the embedded engine's lock, the client). */
  close(): Promise<void>;
}

/** Base of every error the store raises on purpose; `code` is stable for callers and tests. */
export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}

/** A write would break a unique index. Mirrors MongoDB's E11000. */
export class DuplicateKeyError extends StoreError {
  readonly collection: string;
  readonly index: string;
  readonly keyValue: Record<string, unknown>;
  constructor(collection: string, index: string, keyValue: Record<string, unknown>) {
    super("DUPLICATE_KEY", `duplicate key in ${collection} for index ${index}: ${JSON.stringify(keyValue)}`);
    this.name = "DuplicateKeyError";
    this.collection = collection;
    this.index = index;
    this.keyValue = keyValue;
  }
}
