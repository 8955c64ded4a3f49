// Argument rules shared by both engines, so that a bad call fails the same way (same StoreError code)
// whichever engine runs underneath.
import { type Doc, type Filter, type IndexSpec, type Pipeline, StoreError, type Update } from "./types.ts";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function checkCollectionName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0 || name.length > 120) {
    throw new StoreError("BAD_NAME", `collection name must be a string of 1..120 characters, got ${String(name)}`);
  }
  if (name.includes("$") || name.includes("\0") || name.startsWith("system.")) {
    throw new StoreError(
      "BAD_NAME",
      `collection name ${JSON.stringify(name)} may not contain "$" or NUL nor start with "system."`,
    );
  }
  return name;
}

export function checkFilter(filter: Filter | undefined): Filter {
  if (filter === undefined) return {};
  if (!isPlainObject(filter)) throw new StoreError("BAD_QUERY", "a filter must be a plain object");
  return filter;
}

export function checkDocument(doc: unknown): asserts doc is Doc {
  if (!isPlainObject(doc)) throw new StoreError("BAD_DOCUMENT", "a document must be a plain object");
  if (doc._id !== undefined && typeof doc._id !== "string") {
    throw new StoreError("BAD_DOCUMENT", `_id must be a string, got ${typeof doc._id}`);
  }
}

export interface ParsedUpdate {
  /** The operators applied to matched documents (everything but $setOnInsert). */
  modifier: Record<string, Record<string, unknown>>;
  /** $setOnInsert, applied only when an upsert inserts. */
  setOnInsert: Record<string, unknown> | null;
}

/** An update must be a non-empty document of operators ($set, $inc, …); replacement documents are refused. */
export function parseUpdate(update: Update): ParsedUpdate {
  if (!isPlainObject(update)) throw new StoreError("BAD_UPDATE", "an update must be a plain object of operators");
  const keys = Object.keys(update);
  if (keys.length === 0) throw new StoreError("BAD_UPDATE", "an update must contain at least one operator");
  const modifier: Record<string, Record<string, unknown>> = {};
  let setOnInsert: Record<string, unknown> | null = null;
  for (const key of keys) {
    if (!key.startsWith("$")) {
      throw new StoreError("BAD_UPDATE", `update requires operators ($set, $inc, …); found field "${key}"`);
    }
    const operand = update[key];
    if (!isPlainObject(operand)) throw new StoreError("BAD_UPDATE", `the operand of ${key} must be an object`);
    if (key === "$setOnInsert") setOnInsert = operand;
    else modifier[key] = operand;
  }
  return { modifier, setOnInsert };
}

export interface NormalizedIndex {
  name: string;
  fields: string[];
  key: Record<string, 1 | -1>;
  unique: boolean;
}

export function defaultIndexName(key: Record<string, 1 | -1>): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${dir}`)
    .join("_");
}

export function normalizeIndexSpec(spec: IndexSpec): NormalizedIndex {
  if (!isPlainObject(spec) || !isPlainObject(spec.key)) {
    throw new StoreError("BAD_INDEX", "an index spec needs a key object, e.g. { key: { email: 1 } }");
  }
  const fields = Object.keys(spec.key);
  if (fields.length === 0) throw new StoreError("BAD_INDEX", "an index key needs at least one field");
  const key: Record<string, 1 | -1> = {};
  for (const field of fields) {
    const dir = spec.key[field];
    if (dir !== 1 && dir !== -1) throw new StoreError("BAD_INDEX", `index direction for "${field}" must be 1 or -1`);
    if (field.length === 0 || field.startsWith("$") || field.split(".").some((part) => part.length === 0)) {
      throw new StoreError("BAD_INDEX", `bad index field ${JSON.stringify(field)}`);
    }
    key[field] = dir;
  }
  const name = spec.name ?? defaultIndexName(key);
  if (typeof name !== "string" || name.length === 0)
    throw new StoreError("BAD_INDEX", "an index name must be a string");
  return { name, fields, key, unique: spec.unique === true };
}

export function checkPipeline(pipeline: Pipeline): Pipeline {
  if (!Array.isArray(pipeline)) throw new StoreError("BAD_PIPELINE", "a pipeline must be an array of stages");
  for (const stage of pipeline) {
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1 || !keys[0]?.startsWith("$")) {
      throw new StoreError("BAD_PIPELINE", `each pipeline stage must be one operator, got ${JSON.stringify(stage)}`);
    }
    if (keys[0] === "$out" || keys[0] === "$merge") {
      throw new StoreError("UNSUPPORTED", `${keys[0]} is not supported: write results through the collection API`);
    }
  }
  return pipeline;
}

export function checkSequenceArgs(name: unknown, by: unknown): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new StoreError("BAD_SEQUENCE", "a sequence name must be a non-empty string");
  }
  if (typeof by !== "number" || !Number.isFinite(by)) {
    throw new StoreError("BAD_SEQUENCE", `a sequence step must be a finite number, got ${String(by)}`);
  }
}
