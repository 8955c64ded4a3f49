// Validation of what a script returns, on the host, after it was copied out of the sandbox: the shape of a
// `ScriptResult`, decimal strings in plain notation within bounds, bounded codes, texts and counts.
import { Dec } from "@voltrate/sdk";
import type { ScriptResult } from "@voltrate/sdk/script";
import { z } from "zod";
import type { ScriptOutputLimits } from "./types.ts";

const PLAIN_DECIMAL = /^-?\d{1,40}(\.\d{1,40})?$/;
const LINE_CODE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/;
const MAX_NOTES = 20;
const MAX_NOTE_CHARS = 1_000;
const MAX_DESCRIPTION_CHARS = 500;
const MAX_UNIT_CHARS = 32;

function decimalString(what: string) {
  return z
    .string({ error: `${what} must be a decimal string, like "1.50"` })
    .max(82, { error: `${what} has too many digits`, abort: true })
    .regex(PLAIN_DECIMAL, { error: `${what} must be a decimal string in plain notation, like "1.50"` });
}

/** A bound check that leaves strings that are not decimals to the format check (one issue per problem). */
function within(min: Dec, max: Dec) {
  return (value: string) => {
    if (!PLAIN_DECIMAL.test(value)) return true;
    const d = new Dec(value);
    return d.gte(min) && d.lte(max);
  };
}

/** `message` for a value of the wrong type; zod's own message for anything else (e.g. an unknown key). */
function typeError(message: string) {
  return (issue: { code?: string }) => (issue.code === "invalid_type" ? message : undefined);
}

/** The schema of a valid result under `limits`. */
export function resultSchema(limits: ScriptOutputLimits): z.ZodType<ScriptResult> {
  const maxAmount = new Dec(limits.maxAbsAmount);
  const line = z.strictObject(
    {
      code: z.string({ error: "code must be a string" }).regex(LINE_CODE, {
        error: "code must be 1–64 letters, digits or _ . : / - (starting with a letter or digit)",
      }),
      description: z
        .string({ error: "description must be a string" })
        .min(1, { error: "description must not be empty" })
        .max(MAX_DESCRIPTION_CHARS, { error: `description is longer than ${MAX_DESCRIPTION_CHARS} characters` }),
      amount: decimalString("amount").refine(within(maxAmount.neg(), maxAmount), {
        error: `amount must be between -${limits.maxAbsAmount} and ${limits.maxAbsAmount}`,
      }),
      quantity: decimalString("quantity").optional(),
      unit: z
        .string({ error: "unit must be a string" })
        .min(1, { error: "unit must not be empty" })
        .max(MAX_UNIT_CHARS, { error: `unit is longer than ${MAX_UNIT_CHARS} characters` })
        .optional(),
      vatPercent: decimalString("vatPercent")
        .refine(within(new Dec(0), new Dec(100)), { error: "vatPercent must be between 0 and 100" })
        .optional(),
    },
    { error: typeError("a line must be an object { code, description, amount, … }") },
  );
  return z.strictObject(
    {
      lines: z.array(line, { error: "lines must be an array of lines" }),
      notes: z
        .array(
          z
            .string({ error: "a note must be a string" })
            .max(MAX_NOTE_CHARS, { error: `a note is longer than ${MAX_NOTE_CHARS} characters` }),
          { error: "notes must be an array of strings" },
        )
        .max(MAX_NOTES, { error: `at most ${MAX_NOTES} notes` })
        .optional(),
    },
    { error: typeError("the result must be an object { lines: [...], notes?: [...] }") },
  ) as z.ZodType<ScriptResult>;
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out === "" ? "result" : out;
}

export type Validation =
  | { ok: true; result: ScriptResult }
  | { ok: false; tooLarge: true; message: string }
  | { ok: false; tooLarge: false; message: string; issues: string[] };

/** Validates a result copied out of the sandbox. */
export function validateResult(
  value: unknown,
  schema: z.ZodType<ScriptResult>,
  limits: ScriptOutputLimits,
): Validation {
  const lines = (value as { lines?: unknown } | null)?.lines;
  if (Array.isArray(lines) && lines.length > limits.maxLines) {
    return { ok: false, tooLarge: true, message: `the result has ${lines.length} lines; at most ${limits.maxLines}` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, result: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`);
  const shown = issues.slice(0, 3).join("; ");
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  return { ok: false, tooLarge: false, message: `the script returned an invalid result: ${shown}${more}`, issues };
}
