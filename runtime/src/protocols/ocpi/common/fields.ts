// Zod building blocks for OCPI wire fields, with messages that say what was expected. Every helper reports a
// missing value as "required field is missing", so that an issue path plus its message reads as one sentence.
import { type Dec, dec, decFromJsonNumber, isCurrencyCode } from "@voltrate/sdk";
import { z } from "zod";
import { JsonNumberText } from "./json.ts";

export const MISSING = "required field is missing";

/** An error callback: "required field is missing" for an absent value, otherwise `expected …`. */
function expected(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? MISSING : `expected ${what}`);
}

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/**
 * OCPI `string(n)`: case-sensitive, printable ASCII only, at most `max` characters (exactly `max` when `exact`).
 */
export function str(max: number, options: { exact?: boolean; min?: number } = {}): z.ZodString {
  let s = z.string({ error: expected("a string") });
  if (options.exact) s = s.length(max, { error: `expected exactly ${max} characters` });
  else s = s.max(max, { error: `expected at most ${max} characters` });
  if (options.min !== undefined && !options.exact) {
    s = s.min(options.min, { error: `expected at least ${options.min} character${options.min === 1 ? "" : "s"}` });
  }
  return s.regex(PRINTABLE_ASCII, { error: "expected printable ASCII characters only" });
}

/** OCPI `CiString(n)`: like `str`, but compared case-insensitively by consumers (the text is kept as sent). */
export const ciStr = str;

/** A free text such as a name or a remark: at most `max` characters, any Unicode (OCPI says ASCII; real data is not). */
export function text(max: number): z.ZodType<string> {
  return z.string({ error: expected("a string") }).max(max, { error: `expected at most ${max} characters` });
}

/** OCPI URL: a string(255) with an absolute URL. */
export function url(): z.ZodType<string> {
  return z
    .string({ error: expected("a URL") })
    .max(255, { error: "expected at most 255 characters" })
    .refine((v) => URL.canParse(v), { error: "expected an absolute URL" });
}

export function bool(): z.ZodType<boolean> {
  return z.boolean({ error: expected("true or false") });
}

/** An ISO 4217 currency code such as "EUR" (OCPI string(3)). */
export function currencyCode(): z.ZodType<string> {
  return z
    .string({ error: expected("an ISO 4217 currency code such as EUR") })
    .refine((v) => isCurrencyCode(v), { error: "expected an ISO 4217 currency code such as EUR" });
}

/** Which DateTime forms a version accepts. */
export type DateTimeFlavour = "2.2.1" | "2.1.1";

const DATE_TIME_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z)?$/;
const DATE_TIME_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

function validCalendar(m: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCDate() === d && date.getUTCMonth() === mo - 1;
}

/**
 * OCPI DateTime. 2.2.1: "2015-06-29T20:39:09Z" or "2015-06-29T20:39:09" (no designator = UTC), optional fractional
 * seconds; other offsets are not allowed. 2.1.1: the same, plus an explicit offset such as "+02:00" (its types
 * chapter shows one). The value stays the string sent; use `ocpiInstant` to read it.
 */
export function dateTime(flavour: DateTimeFlavour): z.ZodType<string> {
  const pattern = flavour === "2.2.1" ? DATE_TIME_UTC : DATE_TIME_OFFSET;
  const example = flavour === "2.2.1" ? "2015-06-29T20:39:09Z" : "2015-06-29T20:39:09Z or 2015-06-29T22:39:09+02:00";
  const message = `expected an OCPI DateTime such as ${example}`;
  return z.string({ error: expected(`an OCPI DateTime such as ${example}`) }).refine(
    (v) => {
      if (v.length > 35) return false;
      const m = pattern.exec(v);
      return m !== null && validCalendar(m);
    },
    { error: message },
  );
}

/** The instant of a validated OCPI DateTime; a timestamp without designator is UTC. Sub-millisecond digits are cut. */
export function ocpiInstant(value: string): Date {
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(value);
  const normalized = value.replace(/\.(\d{3})\d+/, ".$1");
  const date = new Date(hasZone ? normalized : `${normalized}Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an OCPI DateTime: ${JSON.stringify(value)}`);
  return date;
}

/**
 * A local time of day "HH:MM" (TariffRestrictions start_time/end_time), 00:00–23:59. With `allow24`, "24:00" is
 * accepted too (the 2.1.1 pattern `[0-2][0-9]:[0-5][0-9]` lets senders write the end of the day that way).
 */
export function timeOfDay(options: { allow24?: boolean } = {}) {
  const pattern = options.allow24 ? /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/ : /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
  const range = options.allow24 ? "00:00 and 24:00" : "00:00 and 23:59";
  return z
    .string({ error: expected("a time of day HH:MM") })
    .regex(pattern, { error: `expected a time of day HH:MM between ${range}` });
}

/** A local date "YYYY-MM-DD" (TariffRestrictions start_date/end_date). */
export function localDate(): z.ZodType<string> {
  return z.string({ error: expected("a date YYYY-MM-DD") }).refine(
    (v) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      if (!m) return false;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const date = new Date(Date.UTC(y, mo - 1, d));
      return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
    },
    { error: "expected a date YYYY-MM-DD" },
  );
}

/** The decimal of a JSON number: from its source text when known, else from its shortest round-trip string. */
export function decimalOf(value: number | JsonNumberText): Dec {
  return value instanceof JsonNumberText ? dec(value.text) : decFromJsonNumber(value);
}

function jsonNumber(what: string) {
  return z.custom<number | JsonNumberText>(
    (v) => (typeof v === "number" ? Number.isFinite(v) : v instanceof JsonNumberText),
    { error: expected(what) },
  );
}

/** An OCPI number, as a `Dec` taken from the JSON text (see `decimalOf`). `min` bounds it from below (inclusive). */
export function decimal(options: { min?: number } = {}): z.ZodType<Dec> {
  const { min } = options;
  const what = min === undefined ? "a number" : min === 0 ? "a number ≥ 0" : `a number ≥ ${min}`;
  return jsonNumber(what)
    .transform((v) => decimalOf(v))
    .refine((d) => min === undefined || d.gte(min), { error: `expected ${what}` });
}

function integerValue(v: number | JsonNumberText): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (!/^-?\d+$/.test(v.text)) return undefined;
  const n = Number(v.text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * An OCPI int. `positive`: ≥ 1; `nonNegative`: ≥ 0. `what` overrides the description in the message
 * ("expected <what>").
 */
export function int(kind: "any" | "positive" | "nonNegative" = "any", what?: string): z.ZodType<number> {
  const described =
    what ?? (kind === "positive" ? "a positive integer" : kind === "nonNegative" ? "an integer ≥ 0" : "an integer");
  return jsonNumber(described).transform((v, ctx) => {
    const n = integerValue(v);
    if (n === undefined || (kind === "positive" && n < 1) || (kind === "nonNegative" && n < 0)) {
      ctx.issues.push({ code: "custom", message: `expected ${described}`, input: v });
      return z.NEVER;
    }
    return n;
  });
}

/** A closed OCPI enum: any other value is an error naming the allowed ones. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number]> {
  return z.enum(values, { error: expected(`one of ${values.join(", ")}`) });
}

/**
 * An open OCPI enum (the OpenAPI `open-enum`): the listed values, or any other printable-ASCII string of at most
 * `max` characters, which consumers treat as unknown.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(
  _values: T,
  max = 255,
): z.ZodType<T[number] | (string & {})> {
  return str(max);
}

/** `z.array` with OCPI messages; `nonEmpty` for a `+` cardinality. */
export function list<T>(item: z.ZodType<T>, options: { nonEmpty?: boolean } = {}): z.ZodType<T[]> {
  const a = z.array(item, { error: expected("an array") });
  return options.nonEmpty ? a.min(1, { error: "expected at least one item" }) : a;
}

/** `z.object` with OCPI messages; unknown fields are dropped (OCPI receivers ignore fields they do not know). */
export function obj<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape, { error: expected("an object") });
}
