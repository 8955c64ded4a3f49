// The Collection API over the official driver. Arguments are checked with the same rules as the
// embedded engine; `_id`s are strings generated here; E11000 becomes DuplicateKeyError.
import {
  type Document,
  type Filter as DriverFilter,
  type MongoClient,
  ObjectId,
  type Collection as RawCollection,
} from "mongodb";
import type {
  Collection,
  Doc,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexSpec,
  Pipeline,
  Update,
  UpdateOptions,
  UpdateResult,
  WithId,
} from "../types.ts";
import { StoreError } from "../types.ts";
import { checkDocument, checkFilter, checkPipeline, normalizeIndexSpec, parseUpdate } from "../validate.ts";
import { isDuplicateKey, mapError } from "./errors.ts";

/** What a collection needs from its store. */
export interface MongoEngine {
  readonly client: MongoClient;
  assertUsable(): void;
}

/** MongoDB's answer when transactions need a replica set or mongos. */
const ILLEGAL_OPERATION = 20;

function withId(doc: Doc): Doc & { _id: string } {
  checkDocument(doc);
  return doc._id === undefined ? { _id: new ObjectId().toHexString(), ...doc } : { ...doc, _id: doc._id };
}

function upsertedId(id: unknown): string | null {
  if (id === null || id === undefined) return null;
  return typeof id === "string" ? id : String(id);
}

export class MongoCollection<T extends Doc = Doc> implements Collection<T> {
  readonly name: string;
  readonly #raw: RawCollection<Document>;
  readonly #engine: MongoEngine;

  constructor(name: string, raw: RawCollection<Document>, engine: MongoEngine) {
    this.name = name;
    this.#raw = raw;
    this.#engine = engine;
  }

  async #run<R>(work: () => Promise<R>): Promise<R> {
    this.#engine.assertUsable();
    try {
      return await work();
    } catch (error) {
      throw mapError(error, this.name);
    }
  }

  insertOne(doc: T): Promise<{ insertedId: string }> {
    return this.#run(async () => {
      const prepared = withId(doc);
      await this.#raw.insertOne(prepared as Document);
      return { insertedId: prepared._id };
    });
  }

  /** All or nothing: in a transaction, or (without replica set) by removing what a failed batch inserted. */
  insertMany(docs: T[]): Promise<{ insertedIds: string[] }> {
    return this.#run(async () => {
      if (!Array.isArray(docs)) throw new StoreError("BAD_DOCUMENT", "insertMany expects an array of documents");
      const prepared = docs.map(withId);
      const insertedIds = prepared.map((doc) => doc._id);
      if (prepared.length === 0) return { insertedIds };
      const session = this.#engine.client.startSession();
      try {
        await session.withTransaction(async () => {
          await this.#raw.insertMany(prepared as Document[], { session, ordered: true });
        });
      } catch (error) {
        if ((error as { code?: unknown }).code !== ILLEGAL_OPERATION) throw error;
        await this.#insertManyCompensating(prepared);
      } finally {
        await session.endSession();
      }
      return { insertedIds };
    });
  }

  async #insertManyCompensating(prepared: (Doc & { _id: string })[]): Promise<void> {
    try {
      await this.#raw.insertMany(prepared as Document[], { ordered: true });
    } catch (error) {
      if (isDuplicateKey(error)) {
        const inserted = Object.values((error as { insertedIds?: Record<number, unknown> }).insertedIds ?? {});
        if (inserted.length > 0) await this.#raw.deleteMany({ _id: { $in: inserted } } as DriverFilter<Document>);
      }
      throw error;
    }
  }

  findOne(filter?: Filter, options?: FindOptions): Promise<WithId<T> | null> {
    return this.#run(async () => {
      const doc = await this.#raw.findOne(checkFilter(filter) as DriverFilter<Document>, {
        ...(options?.sort ? { sort: options.sort } : {}),
        ...(options?.skip ? { skip: options.skip } : {}),
        ...(options?.projection ? { projection: options.projection } : {}),
      });
      return doc as WithId<T> | null;
    });
  }

  find(filter?: Filter, options?: FindOptions): Promise<WithId<T>[]> {
    return this.#run(async () => {
      const cursor = this.#raw.find(checkFilter(filter) as DriverFilter<Document>, {
        ...(options?.sort ? { sort: options.sort } : {}),
        ...(options?.skip ? { skip: options.skip } : {}),
        ...(options?.limit ? { limit: options.limit } : {}),
        ...(options?.projection ? { projection: options.projection } : {}),
      });
      return (await cursor.toArray()) as unknown as WithId<T>[];
    });
  }

  updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult> {
    return this.#update("one", filter, update, options);
  }

  updateMany(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult> {
    return this.#update("many", filter, update, options);
  }

  #update(kind: "one" | "many", filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult> {
    return this.#run(async () => {
      const f = checkFilter(filter) as DriverFilter<Document>;
      const u = withGeneratedId(update, options?.upsert === true, f);
      const opts = { upsert: options?.upsert === true };
      const result = kind === "one" ? await this.#raw.updateOne(f, u, opts) : await this.#raw.updateMany(f, u, opts);
      return {
        matchedCount: result.matchedCount,
        modifiedCount: result.modifiedCount,
        upsertedId: upsertedId(result.upsertedId),
      };
    });
  }

  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<WithId<T> | null> {
    return this.#run(async () => {
      const f = checkFilter(filter) as DriverFilter<Document>;
      const u = withGeneratedId(update, options?.upsert === true, f);
      const doc = await this.#raw.findOneAndUpdate(f, u, {
        upsert: options?.upsert === true,
        returnDocument: options?.returnDocument ?? "before",
        ...(options?.sort ? { sort: options.sort } : {}),
        ...(options?.projection ? { projection: options.projection } : {}),
      });
      return doc as WithId<T> | null;
    });
  }

  deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    return this.#run(async () => ({
      deletedCount: (await this.#raw.deleteOne(checkFilter(filter) as DriverFilter<Document>)).deletedCount,
    }));
  }

  deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    return this.#run(async () => ({
      deletedCount: (await this.#raw.deleteMany(checkFilter(filter) as DriverFilter<Document>)).deletedCount,
    }));
  }

  countDocuments(filter?: Filter): Promise<number> {
    return this.#run(() => this.#raw.countDocuments(checkFilter(filter) as DriverFilter<Document>));
  }

  distinct(field: string, filter?: Filter): Promise<unknown[]> {
    return this.#run(() => this.#raw.distinct(field, checkFilter(filter) as DriverFilter<Document>));
  }

  aggregate<R extends Record<string, unknown> = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]> {
    return this.#run(async () => (await this.#raw.aggregate(checkPipeline(pipeline)).toArray()) as R[]);
  }

  createIndex(spec: IndexSpec): Promise<string> {
    return this.#run(async () => {
      const def = normalizeIndexSpec(spec);
      if (def.fields.length === 1 && def.fields[0] === "_id") return "_id_";
      return this.#raw.createIndex(def.key, { name: def.name, ...(def.unique ? { unique: true } : {}) });
    });
  }
}

/**
 * Checks the update like the embedded engine does and, for an upsert whose filter does not fix the
 * `_id`, adds a string `_id` on insert (the server would otherwise generate an ObjectId).
 */
export function withGeneratedId(update: Update, upsert: boolean, filter: Record<string, unknown>): Document {
  const parsed = parseUpdate(update);
  if (!upsert || "_id" in filter) return update;
  const setOnInsert = parsed.setOnInsert ?? {};
  if ("_id" in setOnInsert || (parsed.modifier.$set && "_id" in parsed.modifier.$set)) return update;
  return { ...update, $setOnInsert: { _id: new ObjectId().toHexString(), ...setOnInsert } };
}
