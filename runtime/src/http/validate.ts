// Input validation at the REST boundary: zod schemas, failures as 400 problem JSON naming each field.
import type { Context } from "hono";
import type { z } from "zod";
import { type FieldError, HttpProblem } from "./problem.ts";

function fieldErrors(error: z.ZodError, root: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
      .join(".")
      .replace(/\.\[/g, "["),
    message: issue.message,
  }));
}

/** Parses `value` with `schema`; on failure throws a 400 problem whose `errors` name each field under `root`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, root = "body"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error, root);
  const first = errors[0];
  throw HttpProblem.badRequest(
    first ? `${first.path}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}` : "invalid",
    errors,
  );
}

/** Reads the JSON body (malformed JSON → 400 malformed-json) and validates it. */
export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return validate(schema, await c.req.json(), "body");
}

/** Validates the query string (all values are strings; use z.coerce for numbers). */
export function validQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validate(schema, c.req.query(), "query");
}
