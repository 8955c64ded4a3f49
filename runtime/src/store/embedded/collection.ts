// The Collection API of the embedded engine. Each operation runs synchronously from its start up to
// the journal append (no await in between), so it is atomic with respect to every other operation;
// its promise then resolves once the journal record is durable.
import type {
  Collection,
  Doc,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexSpec,
  Pipeline,
  Projection,
  Update,
  UpdateOptions,
  UpdateResult,
  WithId,
} from "../types.ts";
import { StoreError } from "../types.ts";
import {
  checkDocument,
  checkFilter,
  checkPipeline,
  isPlainObject,
  normalizeIndexSpec,
  type ParsedUpdate,
  parseUpdate,
} from "../validate.ts";
import { canonicalKey, cloneForStore, cloneStored } from "./codec.ts";
import type { Change, CollectionState, StoredDoc } from "./collection-state.ts";
import { planCandidates } from "./indexes.ts";
import { compileFilter, runPipeline, shape } from "./mingo.ts";
import type { JournalRecord } from "./records.ts";
import { type Built, buildUpdated, buildUpsert } from "./update.ts";

/** What a collection needs from its store. */
export interface Engine {
  /** Throws CLOSED, or the failure that stopped the store. */
  assertUsable(): void;
  readState(name: string): CollectionState | undefined;
  writeState(name: string): CollectionState;
  /** Encodes the record, runs `apply` (in memory), queues the record; resolves when durable. */
  commit(record: JournalRecord, hasTagged: boolean, apply: () => void): Promise<void>;
  /** Resolves when every record queued so far is durable (for answers that did not write). */
  settled(): Promise<void>;
  newId(): string;
}

type Row = Record<string, unknown>;

function project(doc: StoredDoc, projection: Projection | undefined): Row {
  const shaped = projection && Object.keys(projection).length > 0 ? shape([doc], { projection })[0] : doc;
  return cloneStored(shaped as Row);
}

function sameKey(a: Record<string, 1 | -1>, b: Record<string, 1 | -1>): boolean {
  return JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
}

/** Values at a dotted path for `distinct`: arrays are unwound one level, missing values skipped. */
function valuesForDistinct(value: unknown, segments: string[], i: number, out: unknown[]): void {
  if (value === undefined) return;
  if (i === segments.length) {
    if (Array.isArray(value)) for (const item of value) out.push(item);
    else out.push(value);
    return;
  }
  const segment = segments[i] as string;
  if (Array.isArray(value)) {
    for (const item of value) if (isPlainObject(item)) valuesForDistinct(item[segment], segments, i + 1, out);
  } else if (isPlainObject(value)) {
    valuesForDistinct(value[segment], segments, i + 1, out);
  }
}

export class EmbeddedCollection<T extends Doc = Doc> implements Collection<T> {
  readonly name: string;
  readonly #engine: Engine;

  constructor(name: string, engine: Engine) {
    this.name = name;
    this.#engine = engine;
  }

  async insertOne(doc: T): Promise<{ insertedId: string }> {
    const { insertedIds } = await this.#insert([doc]);
    return { insertedId: insertedIds[0] as string };
  }

  async insertMany(docs: T[]): Promise<{ insertedIds: string[] }> {
    if (!Array.isArray(docs)) throw new StoreError("BAD_DOCUMENT", "insertMany expects an array of documents");
    return this.#insert(docs);
  }

  async findOne(filter?: Filter, options?: FindOptions): Promise<WithId<T> | null> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const state = this.#engine.readState(this.name);
    if (!state) return null;
    const simple = !options?.sort && !options?.skip;
    const matches = this.#matches(state, f, simple);
    const first = simple ? matches[0] : shape(matches, { sort: options?.sort, skip: options?.skip, limit: 1 })[0];
    return first ? (project(first as StoredDoc, options?.projection) as WithId<T>) : null;
  }

  async find(filter?: Filter, options?: FindOptions): Promise<WithId<T>[]> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const state = this.#engine.readState(this.name);
    if (!state) return [];
    const shaped = shape(this.#matches(state, f, false), options ?? {});
    return shaped.map((doc) => cloneStored(doc) as WithId<T>);
  }

  async updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const parsed = parseUpdate(update);
    const state = this.#engine.readState(this.name);
    const target = state ? this.#matches(state, f, true)[0] : undefined;
    if (!target) return this.#upsertOrNothing(f, parsed, options?.upsert === true);
    return this.#applyUpdates([target], f, parsed);
  }

  async updateMany(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const parsed = parseUpdate(update);
    const state = this.#engine.readState(this.name);
    const targets = state ? this.#matches(state, f, false) : [];
    if (targets.length === 0) return this.#upsertOrNothing(f, parsed, options?.upsert === true);
    return this.#applyUpdates(targets, f, parsed);
  }

  async findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<WithId<T> | null> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const parsed = parseUpdate(update);
    const after = options?.returnDocument === "after";
    const state = this.#engine.readState(this.name);
    let target: StoredDoc | undefined;
    if (state) {
      const sorted = options?.sort && Object.keys(options.sort).length > 0;
      const matches = this.#matches(state, f, !sorted);
      target = (sorted ? shape(matches, { sort: options?.sort, limit: 1 })[0] : matches[0]) as StoredDoc | undefined;
    }
    if (!target) {
      if (options?.upsert !== true) {
        await this.#engine.settled();
        return null;
      }
      const built = buildUpsert(f, parsed, () => this.#engine.newId());
      await this.#write([{ id: built.doc._id, before: null, after: built.doc }], built.hasTagged);
      return after ? (project(built.doc, options.projection) as WithId<T>) : null;
    }
    const built = buildUpdated(target, parsed, f);
    if (built) await this.#write([{ id: target._id, before: target, after: built.doc }], built.hasTagged);
    else await this.#engine.settled();
    return project(after && built ? built.doc : target, options?.projection) as WithId<T>;
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    return this.#delete(filter, true);
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    return this.#delete(filter, false);
  }

  async countDocuments(filter?: Filter): Promise<number> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const state = this.#engine.readState(this.name);
    if (!state) return 0;
    return Object.keys(f).length === 0 ? state.docs.size : this.#matches(state, f, false).length;
  }

  async distinct(field: string, filter?: Filter): Promise<unknown[]> {
    this.#engine.assertUsable();
    if (typeof field !== "string" || field.length === 0) throw new StoreError("BAD_QUERY", "distinct needs a field");
    const f = checkFilter(filter);
    const state = this.#engine.readState(this.name);
    if (!state) return [];
    const segments = field.split(".");
    const seen = new Map<string, unknown>();
    for (const doc of this.#matches(state, f, false)) {
      const values: unknown[] = [];
      valuesForDistinct(doc, segments, 0, values);
      for (const value of values) {
        const key = canonicalKey(value);
        if (!seen.has(key)) seen.set(key, value);
      }
    }
    return [...seen.values()].map((value) => cloneStored(value));
  }

  async aggregate<R extends Record<string, unknown> = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]> {
    this.#engine.assertUsable();
    const stages = checkPipeline(pipeline);
    const state = this.#engine.readState(this.name);
    let input: StoredDoc[] = [];
    let rest = stages;
    const first = stages[0];
    if (state && first && "$match" in first && isPlainObject(first.$match)) {
      input = this.#matches(state, first.$match, false);
      rest = stages.slice(1);
    } else if (state) {
      input = [...state.docs.values()];
    }
    // mingo may modify its input in place: it only ever sees copies. Their binary values share the stored bytes
    // (mingo reassigns fields, it never writes into bytes); the results are copied before they reach the caller.
    const copy = (doc: StoredDoc) => cloneStored(doc as Row, true);
    const resolve = (name: string) => {
      const other = this.#engine.readState(name);
      return other ? [...other.docs.values()].map(copy) : [];
    };
    return runPipeline(input.map(copy), rest, resolve).map((row) => cloneStored(row)) as R[];
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    this.#engine.assertUsable();
    const def = normalizeIndexSpec(spec);
    if (def.fields.length === 1 && def.fields[0] === "_id") return "_id_";
    const state = this.#engine.writeState(this.name);
    const existing = state.findIndex(def.name) ?? state.indexes.find((index) => sameKey(index.spec.key, def.key));
    if (existing) {
      if (existing.name === def.name && sameKey(existing.spec.key, def.key) && existing.unique === def.unique) {
        await this.#engine.settled();
        return def.name;
      }
      throw new StoreError(
        "INDEX_CONFLICT",
        `collection ${this.name} already has index ${existing.name} ${JSON.stringify(existing.spec)}, which conflicts with ${JSON.stringify(spec)}`,
      );
    }
    const index = state.buildIndex(def);
    await this.#engine.commit({ op: "index", c: this.name, spec: index.spec }, false, () => state.attachIndex(index));
    return def.name;
  }

  /** Matching stored documents (not copies), in natural order; `firstOnly` stops at the first. */
  #matches(state: CollectionState, filter: Filter, firstOnly: boolean): StoredDoc[] {
    const compiled = compileFilter(filter);
    const out: StoredDoc[] = [];
    const ids = compiled.all ? null : planCandidates(filter, state.indexes);
    if (ids) {
      for (const id of ids) {
        const doc = state.docs.get(id);
        if (doc && compiled.test(doc)) {
          out.push(doc);
          if (firstOnly) break;
        }
      }
      return out;
    }
    for (const doc of state.docs.values()) {
      if (compiled.test(doc)) {
        out.push(doc);
        if (firstOnly) break;
      }
    }
    return out;
  }

  #insert(docs: T[]): Promise<{ insertedIds: string[] }> {
    this.#engine.assertUsable();
    const found = { tagged: false };
    const prepared = docs.map((doc) => {
      checkDocument(doc);
      const copy = cloneForStore(doc, found) as Doc;
      return (copy._id === undefined ? { _id: this.#engine.newId(), ...copy } : copy) as StoredDoc;
    });
    const insertedIds = prepared.map((doc) => doc._id);
    if (prepared.length === 0) return Promise.resolve({ insertedIds });
    const changes = prepared.map((doc): Change => ({ id: doc._id, before: null, after: doc }));
    return this.#write(changes, found.tagged).then(() => ({ insertedIds }));
  }

  #applyUpdates(targets: StoredDoc[], filter: Filter, parsed: ParsedUpdate): Promise<UpdateResult> {
    const changes: Change[] = [];
    let hasTagged = false;
    for (const target of targets) {
      const built: Built | null = buildUpdated(target, parsed, filter);
      if (!built) continue;
      hasTagged ||= built.hasTagged;
      changes.push({ id: target._id, before: target, after: built.doc });
    }
    const result = { matchedCount: targets.length, modifiedCount: changes.length, upsertedId: null };
    if (changes.length === 0) return this.#engine.settled().then(() => result);
    return this.#write(changes, hasTagged).then(() => result);
  }

  #upsertOrNothing(filter: Filter, parsed: ParsedUpdate, upsert: boolean): Promise<UpdateResult> {
    if (!upsert) return this.#engine.settled().then(() => ({ matchedCount: 0, modifiedCount: 0, upsertedId: null }));
    const built = buildUpsert(filter, parsed, () => this.#engine.newId());
    const id = built.doc._id;
    return this.#write([{ id, before: null, after: built.doc }], built.hasTagged).then(() => ({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: id,
    }));
  }

  #delete(filter: Filter, firstOnly: boolean): Promise<{ deletedCount: number }> {
    this.#engine.assertUsable();
    const f = checkFilter(filter);
    const state = this.#engine.readState(this.name);
    const targets = state ? this.#matches(state, f, firstOnly) : [];
    if (targets.length === 0) return this.#engine.settled().then(() => ({ deletedCount: 0 }));
    const changes = targets.map((doc): Change => ({ id: doc._id, before: doc, after: null }));
    return this.#write(changes, false).then(() => ({ deletedCount: targets.length }));
  }

  /** Checks the changes as a whole, then applies them and journals them as one record. */
  #write(changes: Change[], hasTagged: boolean): Promise<void> {
    const state = this.#engine.writeState(this.name);
    state.check(changes);
    const put: StoredDoc[] = [];
    const del: string[] = [];
    for (const change of changes) {
      if (change.after) put.push(change.after);
      else del.push(change.id);
    }
    const record: JournalRecord = { op: "w", c: this.name };
    if (put.length > 0) record.put = put;
    if (del.length > 0) record.del = del;
    return this.#engine.commit(record, hasTagged, () => state.apply(changes));
  }
}
