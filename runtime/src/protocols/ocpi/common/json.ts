// Reading OCPI JSON text without losing the digits of its numbers. `JSON.parse` turns 0.1 into the nearest binary
// double; OCPI prices and volumes are decimals, so the reader keeps every number's source text instead.

/**
 * A JSON number as written on the wire, e.g. `2.00` or `15.342`, kept as text. The schemas turn it into a `Dec`
 * (or an integer) without going through a binary float.
 */
export class JsonNumberText {
  /** The number exactly as written in the JSON text, e.g. "2.00". */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** The nearest double, for the rare consumer that needs a JS number (never used for money or quantities). */
  toNumber(): number {
    return Number(this.text);
  }

  /** Serializes back as the number it stands for. */
  toJSON(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }
}

/** True when `value` is a JSON number: a JS number or a `JsonNumberText`. */
export function isJsonNumber(value: unknown): value is number | JsonNumberText {
  return typeof value === "number" || value instanceof JsonNumberText;
}

type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

/**
 * Parses JSON text like `JSON.parse`, except that every number becomes a `JsonNumberText` holding its source text
 * (the JSON.parse source-text access of Node ≥ 21). Throws a SyntaxError for invalid JSON, like `JSON.parse`.
 */
export function parseJsonPreservingNumbers(text: string): unknown {
  const reviver: Reviver = (_key, value, context) => {
    if (typeof value === "number" && context?.source !== undefined) return new JsonNumberText(context.source);
    return value;
  };
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown);
}
