// Strict and pricing-minimal schemas from one definition. A schema builder receives a `SchemaVariant` and marks each
// field as price-relevant or not; in the pricing-minimal variant a field that does not affect the price may be
// absent or invalid: it is then dropped, and the parser reports it as a warning instead of an error.
import type { z } from "zod";

export interface SchemaVariant {
  /** True for the pricing-minimal variant. */
  minimal: boolean;
  /** True when the tariffs come from elsewhere, so that a CDR's own `tariffs` do not affect the price. */
  tariffsSupplied: boolean;
}

export const STRICT: SchemaVariant = { minimal: false, tariffsSupplied: false };

/** A required field that does not affect the price. */
export function npReq<T>(v: SchemaVariant, schema: z.ZodType<T>): z.ZodType<T | undefined> {
  return v.minimal ? schema.optional().catch(undefined) : schema;
}

/** An optional field that does not affect the price. */
export function npOpt<T>(v: SchemaVariant, schema: z.ZodType<T>): z.ZodType<T | undefined> {
  return v.minimal ? schema.optional().catch(undefined) : schema.optional();
}

/** Memoizes a schema builder per variant (schemas are built once per variant, on first use). */
export function perVariant<T>(build: (v: SchemaVariant) => T): (v: SchemaVariant) => T {
  const cache = new Map<string, T>();
  return (v) => {
    const key = `${v.minimal}/${v.tariffsSupplied}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = build(v);
      cache.set(key, hit);
    }
    return hit;
  };
}
