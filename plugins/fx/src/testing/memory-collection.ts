// A small in-memory `Collection` for tests of code written against the store interface, until the runtime's
// embedded store can be used here. It implements the subset the FX repository uses — equality and $lt/$lte/$gt/$gte
// filters, sort/skip/limit, insertOne/insertMany (all-or-nothing, unique indexes), updateOne with $set,
// createIndex — and throws on anything else, so that a test can never pass on an unsupported query. Every
// operation yields to the event loop first, so concurrent callers interleave as they would against a real store.
import {
  type Collection,
  type Doc,
  DuplicateKeyError,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type UpdateResult,
  type WithId,
} from "@voltrate/sdk";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const RANGE = new Set(["$eq", "$lt", "$lte", "$gt", "$gte"]);

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`MemoryCollection compares only two numbers or two strings, got ${typeof a} and ${typeof b}`);
}

function matches(doc: Record<string, unknown>, filter: Filter): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    if (field.startsWith("$") || field.includes(".")) throw new Error(`MemoryCollection does not support ${field}`);
    const value = doc[field];
    if (typeof condition !== "object" || condition === null) return value === condition;
    return Object.entries(condition).every(([op, operand]) => {
      if (!RANGE.has(op)) throw new Error(`MemoryCollection does not support ${op}`);
      if (value === undefined) return false;
      const c = compare(value, operand);
      return op === "$eq" ? c === 0 : op === "$lt" ? c < 0 : op === "$lte" ? c <= 0 : op === "$gt" ? c > 0 : c >= 0;
    });
  });
}

export class MemoryCollection<T extends Doc = Doc> implements Collection<T> {
  readonly name: string;
  readonly indexes: IndexSpec[] = [];
  readonly #docs = new Map<string, WithId<T>>();
  #nextId = 1;

  constructor(name: string) {
    this.name = name;
  }

  #assertUnique(doc: WithId<T>, others: Iterable<WithId<T>>): void {
    const uniques = [{ key: { _id: 1 }, name: "_id_" }, ...this.indexes.filter((i) => i.unique)];
    for (const other of others) {
      for (const index of uniques) {
        const fields = Object.keys(index.key);
        if (fields.every((f) => (doc as Doc)[f] === (other as Doc)[f])) {
          throw new DuplicateKeyError(
            this.name,
            index.name ?? fields.join("_"),
            Object.fromEntries(fields.map((f) => [f, (doc as Doc)[f]])),
          );
        }
      }
    }
  }

  #withId(doc: T): WithId<T> {
    return structuredClone({ ...doc, _id: doc._id ?? `id${this.#nextId++}` }) as WithId<T>;
  }

  async insertOne(doc: T): Promise<{ insertedId: string }> {
    await tick();
    const stored = this.#withId(doc);
    this.#assertUnique(stored, this.#docs.values());
    this.#docs.set(stored._id, stored);
    return { insertedId: stored._id };
  }

  async insertMany(docs: T[]): Promise<{ insertedIds: string[] }> {
    await tick();
    const batch: WithId<T>[] = [];
    for (const doc of docs) {
      const stored = this.#withId(doc);
      this.#assertUnique(stored, [...this.#docs.values(), ...batch]);
      batch.push(stored);
    }
    for (const stored of batch) this.#docs.set(stored._id, stored);
    return { insertedIds: batch.map((d) => d._id) };
  }

  async findOne(filter: Filter = {}, options: FindOptions = {}): Promise<WithId<T> | null> {
    const [first] = await this.find(filter, { ...options, limit: 1 });
    return first ?? null;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<WithId<T>[]> {
    await tick();
    if (options.projection) throw new Error("MemoryCollection does not support projections");
    let result = [...this.#docs.values()].filter((d) => matches(d, filter));
    const sort = Object.entries(options.sort ?? {});
    if (sort.length > 0) {
      result.sort((a, b) => {
        for (const [field, direction] of sort) {
          const c = compare((a as Doc)[field], (b as Doc)[field]);
          if (c !== 0) return c * direction;
        }
        return 0;
      });
    }
    result = result.slice(options.skip ?? 0, options.limit ? (options.skip ?? 0) + options.limit : undefined);
    return structuredClone(result);
  }

  async updateOne(filter: Filter, update: Record<string, unknown>): Promise<UpdateResult> {
    await tick();
    const ops = Object.keys(update);
    if (ops.some((op) => op !== "$set")) throw new Error(`MemoryCollection supports only $set, got ${ops.join(", ")}`);
    const target = [...this.#docs.values()].find((d) => matches(d, filter));
    if (!target) return { matchedCount: 0, modifiedCount: 0, upsertedId: null };
    const set = structuredClone(update.$set as Record<string, unknown>);
    if (Object.keys(set).some((k) => k.includes(".") || k === "_id"))
      throw new Error("MemoryCollection: $set of top-level fields only");
    const next = { ...target, ...set } as WithId<T>;
    this.#assertUnique(
      next,
      [...this.#docs.values()].filter((d) => d._id !== target._id),
    );
    this.#docs.set(target._id, next);
    return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    await tick();
    const name = spec.name ?? Object.keys(spec.key).join("_");
    if (!this.indexes.some((i) => (i.name ?? Object.keys(i.key).join("_")) === name)) this.indexes.push(spec);
    return name;
  }

  /** The number of documents (a synchronous peek for assertions). */
  get size(): number {
    return this.#docs.size;
  }

  updateMany(): Promise<UpdateResult> {
    throw new Error("MemoryCollection does not support updateMany");
  }
  findOneAndUpdate(): Promise<WithId<T> | null> {
    throw new Error("MemoryCollection does not support findOneAndUpdate");
  }
  deleteOne(): Promise<{ deletedCount: number }> {
    throw new Error("MemoryCollection does not support deleteOne");
  }
  deleteMany(): Promise<{ deletedCount: number }> {
    throw new Error("MemoryCollection does not support deleteMany");
  }
  countDocuments(): Promise<number> {
    throw new Error("MemoryCollection does not support countDocuments");
  }
  distinct(): Promise<unknown[]> {
    throw new Error("MemoryCollection does not support distinct");
  }
  aggregate<R extends Record<string, unknown>>(): Promise<R[]> {
    throw new Error("MemoryCollection does not support aggregate");
  }
}
