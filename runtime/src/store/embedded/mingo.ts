// The embedded engine's query, update and aggregation semantics, all from mingo. This module only
// adapts mingo's API and turns its errors into StoreErrors with stable codes.
import { Aggregator, Query as FullQuery } from "mingo";
import { Context } from "mingo/core";
import * as queryOperators from "mingo/operators/query";
import { Query } from "mingo/query";
import { update as mingoUpdate } from "mingo/updater";
import { type Filter, type Pipeline, type Projection, type SortSpec, StoreError } from "../types.ts";

type Row = Record<string, unknown>;

function wrap(code: string, what: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  return new StoreError(code, `${what}: ${(error as Error).message}`, { cause: error });
}

/**
 * Query operators only. mingo copies a query's operator tables on every `new Query`; without the
 * hundreds of aggregation expression operators that copy is cheap. Only `$expr` needs those.
 */
const QUERY_CONTEXT = Context.init({ query: queryOperators });

function usesExpressions(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(usesExpressions);
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof RegExp) return false;
  for (const key in value) {
    if (key === "$expr" || usesExpressions((value as Row)[key])) return true;
  }
  return false;
}

export interface CompiledFilter {
  /** True when the filter is empty (matches everything). */
  readonly all: boolean;
  test(doc: Row): boolean;
}

type Scalar = string | number | boolean;

const isScalar = (value: unknown): value is Scalar =>
  typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));

/** A top-level field's condition: equal to one value, or (`$in`) to one of several. */
type Condition = { key: string; values: readonly Scalar[] };

/**
 * The conditions of a filter that only asks top-level fields to equal strings, numbers or booleans, or to be `$in`
 * a list of them (the lookups by key), or null when it asks for anything else.
 */
function plainConditions(filter: Filter): Condition[] | null {
  const out: Condition[] = [];
  for (const key in filter) {
    if (key.startsWith("$") || key.includes(".")) return null;
    const value = (filter as Row)[key];
    if (isScalar(value)) {
      out.push({ key, values: [value] });
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
    const operators = Object.keys(value);
    const list = (value as Row).$in;
    if (operators.length !== 1 || !Array.isArray(list) || !list.every(isScalar)) return null;
    out.push({ key, values: list });
  }
  return out;
}

/** MongoDB's equality on a top-level field: the value itself, or an element of an array value. */
function fieldMatches(doc: Row, { key, values }: Condition): boolean {
  const value = doc[key];
  if (Array.isArray(value)) return value.some((item) => values.includes(item as Scalar));
  return values.includes(value as Scalar);
}

export function compileFilter(filter: Filter): CompiledFilter {
  // Lookups by key are most of the queries; compiling a mingo Query for them costs more than the match.
  const conditions = plainConditions(filter);
  if (conditions !== null && conditions.length > 0) {
    return {
      all: false,
      test: (doc) => {
        for (const condition of conditions) if (!fieldMatches(doc, condition)) return false;
        return true;
      },
    };
  }
  let query: Query;
  try {
    query = usesExpressions(filter) ? new FullQuery(filter) : new Query(filter, { context: QUERY_CONTEXT });
  } catch (error) {
    throw wrap("BAD_QUERY", "invalid filter", error);
  }
  const all = Object.keys(filter).length === 0;
  return {
    all,
    test: all
      ? () => true
      : (doc) => {
          try {
            return query.test(doc);
          } catch (error) {
            throw wrap("BAD_QUERY", "filter failed", error);
          }
        },
  };
}

export interface CursorOptions {
  sort?: SortSpec | undefined;
  skip?: number | undefined;
  limit?: number | undefined;
  projection?: Projection | undefined;
}

/** Sorts, pages and projects already-matched documents (the results still share storage: copy them). */
export function shape(matches: Row[], options: CursorOptions): Row[] {
  const { sort, skip, limit, projection } = options;
  const hasProjection = projection !== undefined && Object.keys(projection).length > 0;
  const hasSort = sort !== undefined && Object.keys(sort).length > 0;
  if (!hasProjection && !hasSort) {
    const start = skip && skip > 0 ? skip : 0;
    return limit && limit > 0 ? matches.slice(start, start + limit) : start > 0 ? matches.slice(start) : matches;
  }
  try {
    // Projections may use projection and expression operators: they get mingo's full context.
    const query = hasProjection ? new FullQuery({}) : new Query({}, { context: QUERY_CONTEXT });
    let cursor = query.find<Row>(matches, hasProjection ? projection : undefined);
    if (hasSort) cursor = cursor.sort(sort);
    if (skip && skip > 0) cursor = cursor.skip(skip);
    if (limit && limit > 0) cursor = cursor.limit(limit);
    const rows = cursor.all();
    return hasProjection ? rows.map(idFirst) : rows;
  } catch (error) {
    throw wrap("BAD_QUERY", "invalid sort or projection", error);
  }
}

/** MongoDB returns `_id` first; mingo's projection appends it. */
function idFirst(row: Row): Row {
  if (!("_id" in row) || Object.keys(row)[0] === "_id") return row;
  const { _id, ...rest } = row;
  return { _id, ...rest };
}

/** Applies update operators to `doc` in place; returns the changed paths (empty: nothing changed). */
export function applyOperators(doc: Row, modifier: Record<string, Row>, filter: Filter | undefined): string[] {
  if (Object.keys(modifier).length === 0) return [];
  try {
    // The filter matters only for the positional operator ("items.$.qty"); compiling it costs time.
    const condition = filter && usesPositional(modifier) ? filter : undefined;
    return mingoUpdate(doc, modifier, undefined, condition, { cloneMode: "deep" });
  } catch (error) {
    throw wrap("BAD_UPDATE", "invalid update", error);
  }
}

const POSITIONAL = /(^|\.)\$(\.|$)/;

function usesPositional(modifier: Record<string, Row>): boolean {
  for (const operand of Object.values(modifier)) {
    for (const path of Object.keys(operand)) if (POSITIONAL.test(path)) return true;
  }
  return false;
}

export function runPipeline(input: Row[], pipeline: Pipeline, resolveCollection: (name: string) => Row[]): Row[] {
  try {
    return new Aggregator(pipeline, { collectionResolver: resolveCollection }).run<Row>(input);
  } catch (error) {
    throw wrap("BAD_PIPELINE", "aggregation failed", error);
  }
}
