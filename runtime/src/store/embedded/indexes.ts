// Secondary indexes: hash maps from a canonical key to document ids, kept in step with every write.
// They enforce uniqueness and answer equality lookups; the final decision whether a document
// matches always stays with mingo (an index only narrows the candidates, it never widens a result).
//
// Keys follow MongoDB: a missing field is null; an array field indexes each element (multikey); a
// compound index may have at most one array field per document.
import type { Doc, IndexSpec } from "../types.ts";
import { StoreError } from "../types.ts";
import type { NormalizedIndex } from "../validate.ts";
import { canonicalKey } from "./codec.ts";

const SEPARATOR = "\u0000";

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/** Values of `doc` at the dotted path, descending through arrays; `viaArray` tells if an array was met. */
function valuesAt(value: unknown, segments: string[], i: number, out: unknown[]): boolean {
  if (i === segments.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(null);
      for (const item of value) out.push(item);
      return true;
    }
    out.push(value ?? null);
    return false;
  }
  const segment = segments[i] as string;
  if (Array.isArray(value)) {
    const before = out.length;
    if (/^\d+$/.test(segment) && Number(segment) < value.length) valuesAt(value[Number(segment)], segments, i + 1, out);
    for (const item of value) if (isPlainRecord(item)) valuesAt(item[segment], segments, i + 1, out);
    if (out.length === before) out.push(null);
    return true;
  }
  if (isPlainRecord(value)) return valuesAt(value[segment], segments, i + 1, out);
  out.push(null);
  return false;
}

export class Index {
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly spec: IndexSpec;
  readonly #paths: string[][];
  /** unique: key → id; otherwise key → ids. */
  readonly #entries = new Map<string, string | Set<string>>();

  constructor(def: NormalizedIndex) {
    this.name = def.name;
    this.fields = def.fields;
    this.unique = def.unique;
    this.spec = { key: def.key, unique: def.unique, name: def.name };
    this.#paths = def.fields.map((f) => f.split("."));
  }

  /** The distinct keys a document has in this index. */
  keysOf(doc: Doc): string[] {
    if (this.#paths.length === 1) {
      const values: unknown[] = [];
      valuesAt(doc, this.#paths[0] as string[], 0, values);
      if (values.length === 1) return [canonicalKey(values[0])];
      return [...new Set(values.map(canonicalKey))];
    }
    let keys = [""];
    let arrays = 0;
    this.#paths.forEach((segments, n) => {
      const values: unknown[] = [];
      if (valuesAt(doc, segments, 0, values)) arrays++;
      const parts = [...new Set(values.map(canonicalKey))];
      keys = keys.flatMap((prefix) => parts.map((part) => (n === 0 ? part : `${prefix}${SEPARATOR}${part}`)));
    });
    if (arrays > 1) {
      throw new StoreError(
        "BAD_DOCUMENT",
        `index ${this.name}: cannot index a document with more than one array among ${this.fields.join(", ")}`,
      );
    }
    return keys;
  }

  /** The key of an equality lookup, one value per field. */
  keyFor(values: unknown[]): string {
    return values.map(canonicalKey).join(SEPARATOR);
  }

  /** Ids stored under `key` (possibly of documents that do not otherwise match the query). */
  idsFor(key: string): string[] {
    const entry = this.#entries.get(key);
    if (entry === undefined) return [];
    return typeof entry === "string" ? [entry] : [...entry];
  }

  /** For a unique index: the id owning `key`, if any. */
  owner(key: string): string | undefined {
    const entry = this.#entries.get(key);
    return typeof entry === "string" ? entry : undefined;
  }

  add(id: string, keys: string[]): void {
    for (const key of keys) {
      if (this.unique) {
        this.#entries.set(key, id);
        continue;
      }
      const entry = this.#entries.get(key);
      if (entry === undefined) this.#entries.set(key, new Set([id]));
      else (entry as Set<string>).add(id);
    }
  }

  remove(id: string, keys: string[]): void {
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry === undefined) continue;
      if (typeof entry === "string") {
        if (entry === id) this.#entries.delete(key);
      } else {
        entry.delete(id);
        if (entry.size === 0) this.#entries.delete(key);
      }
    }
  }

  /** The field values a duplicate `key` stands for, for error messages. */
  describeKey(doc: Doc): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#paths.forEach((segments, n) => {
      const values: unknown[] = [];
      valuesAt(doc, segments, 0, values);
      out[this.fields[n] as string] = values.length === 1 ? values[0] : values;
    });
    return out;
  }
}

function isScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    value instanceof Date
  );
}

/**
 * The values an index lookup may use for a field's condition: a scalar or Date, {$eq: scalar} or
 * {$in: [scalars]}. Arrays and objects have looser match rules, so they fall back to a scan.
 */
function lookupValues(condition: unknown): unknown[] | null {
  if (isScalar(condition)) return [condition];
  if (condition === null || typeof condition !== "object" || Array.isArray(condition)) return null;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return null;
  const operand = (condition as Record<string, unknown>)[keys[0] as string];
  if (keys[0] === "$eq") return isScalar(operand) ? [operand] : null;
  if (keys[0] === "$in" && Array.isArray(operand) && operand.every(isScalar)) return operand;
  return null;
}

const MAX_LOOKUP_KEYS = 1000;

/**
 * Candidate ids for `filter` from the `_id` map or one index, or null when no index applies (scan).
 * Only top-level equality ($eq, or $in on a single-field index) on every field of an index is used.
 */
export function planCandidates(filter: Record<string, unknown>, indexes: readonly Index[]): string[] | null {
  if ("_id" in filter) {
    const values = lookupValues(filter._id);
    if (values) return [...new Set(values.filter((v): v is string => typeof v === "string"))];
  }
  let best: string[] | null = null;
  for (const index of indexes) {
    const perField: unknown[][] = [];
    for (const field of index.fields) {
      const values = field in filter ? lookupValues(filter[field]) : null;
      if (values === null) break;
      perField.push(values);
    }
    if (perField.length !== index.fields.length) continue;
    let combos: unknown[][] = [[]];
    for (const values of perField) {
      combos = combos.flatMap((prefix) => values.map((v) => [...prefix, v]));
      if (combos.length > MAX_LOOKUP_KEYS) break;
    }
    if (combos.length > MAX_LOOKUP_KEYS) continue;
    const ids = new Set<string>();
    for (const combo of combos) for (const id of index.idsFor(index.keyFor(combo))) ids.add(id);
    if (best === null || ids.size < best.length) best = [...ids];
    if (index.unique && best.length <= combos.length) break;
  }
  return best;
}
