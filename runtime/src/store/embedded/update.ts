// Building the new version of a document for an update or an upsert. The stored document is never
// touched: the update runs on a copy, which is validated before it can replace the original.
import { type Filter, StoreError } from "../types.ts";
import { isPlainObject, type ParsedUpdate } from "../validate.ts";
import { canonicalKey, cloneForStore, cloneStored, containsTagged, inspectStored } from "./codec.ts";
import type { StoredDoc } from "./collection-state.ts";
import { applyOperators } from "./mingo.ts";

export interface Built {
  doc: StoredDoc;
  hasTagged: boolean;
}

/** The top-level fields a `$set`-only update sets, or null when it does anything else. */
function topLevelSet(update: ParsedUpdate): Record<string, unknown> | null {
  const operators = Object.keys(update.modifier);
  if (operators.length !== 1 || operators[0] !== "$set") return null;
  const set = update.modifier.$set as Record<string, unknown>;
  for (const key in set) if (key === "" || key === "_id" || key.includes(".") || key.startsWith("$")) return null;
  return set;
}

/**
 * `$set` of top-level fields, the most common update: the new document shares the fields it does not set with the
 * stored one (stored values are never mutated, so sharing is safe) instead of copying the whole document.
 */
function setFields(stored: StoredDoc, set: Record<string, unknown>): Built | null {
  const found = { tagged: false };
  const next: Record<string, unknown> = { ...stored };
  let changed = false;
  for (const key in set) {
    const value = set[key];
    if (value === undefined) {
      // As the general path does: an undefined value is dropped, like JSON, so the field goes.
      if (key in next) {
        delete next[key];
        changed = true;
      }
      continue;
    }
    const copy = cloneForStore(value, found, key);
    if (!changed && (!(key in stored) || canonicalKey(stored[key]) !== canonicalKey(copy))) changed = true;
    next[key] = copy;
  }
  if (!changed) return null;
  let hasTagged = found.tagged;
  for (const key in next) {
    if (hasTagged) break;
    if (!(key in set)) hasTagged = containsTagged(next[key]);
  }
  return { doc: next as StoredDoc, hasTagged };
}

/** The updated copy of `stored`, or null when the update changes nothing. */
export function buildUpdated(stored: StoredDoc, update: ParsedUpdate, filter: Filter): Built | null {
  const set = topLevelSet(update);
  if (set) return setFields(stored, set);
  const next = cloneStored(stored);
  if (applyOperators(next, update.modifier, filter).length === 0) return null;
  return { doc: next, hasTagged: inspectStored(next) };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (next === undefined) node = node[part] = {};
    else if (isPlainObject(next)) node = next;
    else
      throw new StoreError(
        "BAD_UPDATE",
        `upsert: the filter sets both "${parts.slice(0, i + 1).join(".")}" and "${path}"`,
      );
  }
  node[parts[parts.length - 1] as string] = value;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).some((key) => key.startsWith("$"));
}

/** Equality conditions of a filter (top level, `$eq` and inside `$and`), as MongoDB seeds an upsert. */
function collectEqualities(filter: Filter, seed: Record<string, unknown>): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and" && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) collectEqualities(clause, seed);
      continue;
    }
    if (key.startsWith("$")) continue;
    let value: unknown = condition;
    if (isOperatorObject(condition)) {
      if (!("$eq" in condition) || Object.keys(condition).length !== 1) continue;
      value = condition.$eq;
    }
    if (value instanceof RegExp) continue;
    setPath(seed, key, value);
  }
}

/** Pulls `_id` out of an operator's operand (mingo refuses to touch `_id`; an insert may set it). */
function takeId(operand: Record<string, unknown> | null | undefined): unknown {
  if (!operand || !("_id" in operand)) return undefined;
  const id = operand._id;
  delete operand._id;
  return id;
}

/** The document an upsert inserts: the filter's equality fields, then the update, then $setOnInsert. */
export function buildUpsert(filter: Filter, update: ParsedUpdate, newId: () => string): Built {
  const seed: Record<string, unknown> = {};
  collectEqualities(filter, seed);
  const doc = cloneForStore(seed) as Record<string, unknown>;
  const modifier = { ...update.modifier };
  const $set = modifier.$set ? { ...modifier.$set } : undefined;
  if ($set) modifier.$set = $set;
  const setOnInsert = update.setOnInsert ? { ...update.setOnInsert } : null;
  const explicitId = doc._id ?? takeId($set) ?? takeId(setOnInsert);
  if (explicitId !== undefined && typeof explicitId !== "string") {
    throw new StoreError("BAD_DOCUMENT", `_id must be a string, got ${typeof explicitId}`);
  }
  delete doc._id;
  if ($set && Object.keys($set).length === 0) delete modifier.$set;
  const withId: StoredDoc = { _id: explicitId ?? newId(), ...doc };
  applyOperators(withId, modifier, undefined);
  if (setOnInsert) applyOperators(withId, { $set: setOnInsert }, undefined);
  return { doc: withId, hasTagged: inspectStored(withId) };
}
