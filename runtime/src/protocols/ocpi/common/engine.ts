// The two-pass parse behind strict and pricing-minimal mode.
import type { z } from "zod";
import { formatPath, type ParseIssue, type ParseResult } from "./issues.ts";
import { type SchemaVariant, STRICT } from "./variant.ts";

/**
 * How strictly to parse:
 * - "strict": the object must follow the specification; every deviation is an error.
 * - "pricing-minimal": only what affects the price must be present and valid (start/end, charging periods, currency,
 *   tariffs, …). Any other field that is missing or invalid is dropped and reported as a warning.
 */
export type ParseMode = "strict" | "pricing-minimal";

export const NOT_NEEDED_FOR_PRICING = "does not affect the price; ignored";

function toIssues(error: z.ZodError): ParseIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

const key = (i: ParseIssue) => `${i.path}\u0000${i.message}`;

/**
 * A copy of `value` without object fields whose value is `null`: OCPI treats an unspecified field as null ("Fields
 * that are not specified may be considered as null values"), and senders write optional fields as null, so a null
 * field is read as an absent one. Nulls inside arrays are kept (and reported).
 */
export function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNullFields(v);
  return out;
}

/**
 * Parses `input` with the strict variant of a schema and, in pricing-minimal mode, falls back to the minimal variant:
 * the issues the minimal variant still reports are errors, the strict ones it no longer reports are warnings.
 */
export function runParse<T>(
  input: unknown,
  build: (v: SchemaVariant) => z.ZodType<T>,
  options: {
    mode: ParseMode;
    tariffsSupplied?: boolean;
    /**
     * Whether a value the strict variant accepts also passes the minimal variant, which is laxer except where it
     * requires more than the specification; when it does, the second parse is skipped (same result, half the work).
     */
    strictPassesMinimal?: (value: T) => boolean;
  },
): ParseResult<T> {
  const json = withoutNullFields(input);
  const strict = build(STRICT).safeParse(json);
  if (options.mode === "strict") {
    return strict.success
      ? { ok: true, value: strict.data, warnings: [] }
      : { ok: false, errors: toIssues(strict.error), warnings: [] };
  }
  if (strict.success && options.strictPassesMinimal?.(strict.data))
    return { ok: true, value: strict.data, warnings: [] };
  // The minimal variant may also require more than the specification (a CDR's own tariffs, when no others are given).
  const minimal = build({ minimal: true, tariffsSupplied: options.tariffsSupplied ?? false }).safeParse(json);
  const strictIssues = strict.success ? [] : toIssues(strict.error);
  const errors = minimal.success ? [] : toIssues(minimal.error);
  const errorKeys = new Set(errors.map(key));
  const warnings = strictIssues
    .filter((i) => !errorKeys.has(key(i)))
    .map((i) => ({ path: i.path, message: `${i.message} (${NOT_NEEDED_FOR_PRICING})` }));
  if (!minimal.success) return { ok: false, errors, warnings };
  return { ok: true, value: strict.success ? strict.data : minimal.data, warnings };
}
