// The MongoDB engine: the Store interface through the official driver, with majority write concern.
import { type Db, MongoClient } from "mongodb";
import { type StoreLogger, silentLogger } from "../logger.ts";
import type { Collection, Doc, Store } from "../types.ts";
import { StoreError } from "../types.ts";
import { checkCollectionName, checkSequenceArgs } from "../validate.ts";
import { isDuplicateKey } from "./errors.ts";
import { MongoCollection } from "./mongo-collection.ts";

export interface MongoStoreOptions {
  url: string;
  /** Database name; default: the one in the URL, else "voltrate". */
  dbName?: string;
  logger?: StoreLogger;
}

/** Collection holding nextSequence counters ({ _id: name, value }). */
export const COUNTERS_COLLECTION = "counters";

function databaseFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export class MongoStore implements Store {
  readonly mode = "mongodb" as const;
  readonly client: MongoClient;
  readonly db: Db;
  readonly #logger: StoreLogger;
  readonly #handles = new Map<string, MongoCollection>();
  #closed = false;

  private constructor(client: MongoClient, db: Db, logger: StoreLogger) {
    this.client = client;
    this.db = db;
    this.#logger = logger;
  }

  static async open(options: MongoStoreOptions): Promise<MongoStore> {
    const logger = options.logger ?? silentLogger;
    const client = new MongoClient(options.url, {
      writeConcern: { w: "majority" },
      // Fields set to undefined are left out, as in the embedded engine.
      ignoreUndefined: true,
      // Binary values come back as bytes (Buffers), as in the embedded engine, not as BSON Binary objects.
      promoteBuffers: true,
    });
    try {
      await client.connect();
    } catch (error) {
      throw new StoreError("CONNECTION_FAILED", `cannot connect to MongoDB: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const dbName = options.dbName ?? databaseFromUrl(options.url) ?? "voltrate";
    logger.info({ db: dbName }, "store: connected to MongoDB");
    return new MongoStore(client, client.db(dbName), logger);
  }

  #assertUsable(): void {
    if (this.#closed) throw new StoreError("CLOSED", "the MongoDB store is closed");
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    let handle = this.#handles.get(name);
    if (!handle) {
      const checked = checkCollectionName(name);
      handle = new MongoCollection(checked, this.db.collection(checked), {
        client: this.client,
        assertUsable: () => this.#assertUsable(),
      });
      this.#handles.set(name, handle);
    }
    return handle as unknown as Collection<T>;
  }

  async nextSequence(name: string, by = 1): Promise<number> {
    this.#assertUsable();
    checkSequenceArgs(name, by);
    const counters = this.db.collection<{ _id: string; value: number }>(COUNTERS_COLLECTION);
    // Two concurrent first upserts of one counter can collide on _id; the retry then finds it.
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await counters.findOneAndUpdate(
          { _id: name },
          { $inc: { value: by } },
          { upsert: true, returnDocument: "after" },
        );
        if (!doc) throw new StoreError("SEQUENCE_FAILED", `counter ${name} returned no document`);
        return doc.value;
      } catch (error) {
        if (attempt < 3 && isDuplicateKey(error)) continue;
        throw error;
      }
    }
  }

  async inOrder<R extends readonly unknown[]>(...writes: { [K in keyof R]: () => Promise<R[K]> }): Promise<R> {
    this.#assertUsable();
    // Concurrent operations are not ordered in MongoDB: each is acknowledged before the next starts.
    const results: unknown[] = [];
    for (const write of writes as readonly (() => Promise<unknown>)[]) results.push(await write());
    return results as unknown as R;
  }

  async listCollections(): Promise<string[]> {
    this.#assertUsable();
    const infos = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return infos
      .map((info) => info.name)
      .filter((name) => !name.startsWith("system."))
      .sort();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.close();
    this.#logger.info({}, "store: MongoDB connection closed");
  }
}

export function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  return MongoStore.open(options);
}
