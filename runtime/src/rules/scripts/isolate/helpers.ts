// The script helpers (`voltrate:script`) as they run INSIDE the sandbox. This file is bundled with decimal.js into
// the sandbox prelude (see ../prelude.ts) and never runs in the host; it must not import anything of the host.

import type * as Api from "@voltrate/sdk/script";
import { Decimal } from "decimal.js";

/** The decimal arithmetic of scripts: the same settings as the host's `Dec`, exponents bounded to ±100. */
const D = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -21,
  toExpPos: 40,
  maxE: 100,
  minE: -100,
});

const MODES: Record<Api.RoundingMode, Decimal.Rounding> = {
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  UP: Decimal.ROUND_UP,
  DOWN: Decimal.ROUND_DOWN,
};

const DECIMAL_STRING = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const SIXTY = new D(60);
const HOUR_SECONDS = new D(3600);
const THOUSAND = new D(1000);

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

function roundingOf(mode: Api.RoundingMode | undefined): Decimal.Rounding {
  if (mode === undefined) return Decimal.ROUND_HALF_UP;
  const rounding = MODES[mode];
  if (rounding === undefined) throw new RangeError(`unknown rounding mode ${describeValue(mode)}`);
  return rounding;
}

function checkDecimals(decimals: number): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 40) {
    throw new RangeError(`decimals must be an integer from 0 to 40, got ${describeValue(decimals)}`);
  }
  return decimals;
}

function finite(value: Decimal): Decimal {
  if (!value.isFinite()) throw new RangeError("decimal overflow: the result is beyond ±1e100");
  // decimal.js keeps a negative zero; scripts never need it ("-0" in a result would only confuse).
  return value.isZero() && value.isNegative() ? new D(0) : value;
}

/** The decimal behind a `DecInput`. */
function toDecimal(value: Api.DecInput): Decimal {
  const decimal = ScriptDec.decimalOf(value);
  if (decimal !== undefined) return decimal;
  if (typeof value === "string") {
    const s = value.trim();
    if (!DECIMAL_STRING.test(s)) throw new RangeError(`not a decimal number: ${describeValue(value)}`);
    return finite(new D(s));
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${String(value)}`);
    return finite(new D(value));
  }
  throw new TypeError(`expected a decimal (a Dec, a decimal string or a number), got ${describeValue(value)}`);
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A decimal as result text: a string in plain notation is kept as written ("1.50" stays "1.50"); anything else is
 * converted and written in plain notation ("1e3" → "1000", dec("1.50") → "1.5").
 */
function decimalText(value: Api.DecInput): string {
  if (typeof value === "string" && PLAIN_DECIMAL.test(value.trim())) return value.trim();
  return toDecimal(value).toFixed();
}

/** Guards the constructors: only this module creates instances (scripts use `dec`, `hours`, …). */
let creating = false;
function make<T>(create: () => T): T {
  creating = true;
  try {
    return create();
  } finally {
    creating = false;
  }
}
function assertCreating(what: string): void {
  if (!creating) throw new TypeError(`${what} cannot be constructed directly; use the helpers (dec, hours, kwh, …)`);
}

class ScriptDec implements Api.Dec {
  readonly #value: Decimal;

  constructor(value: Decimal) {
    assertCreating("Dec");
    this.#value = value;
  }

  /** The decimal.js value of a `Dec` made by these helpers; undefined for anything else. */
  static decimalOf(value: unknown): Decimal | undefined {
    return typeof value === "object" && value !== null && #value in value ? value.#value : undefined;
  }

  plus(x: Api.DecInput): Api.Dec {
    return wrap(this.#value.plus(toDecimal(x)));
  }
  minus(x: Api.DecInput): Api.Dec {
    return wrap(this.#value.minus(toDecimal(x)));
  }
  times(x: Api.DecInput): Api.Dec {
    return wrap(this.#value.times(toDecimal(x)));
  }
  div(x: Api.DecInput): Api.Dec {
    const divisor = toDecimal(x);
    if (divisor.isZero()) throw new RangeError("division by zero");
    return wrap(this.#value.div(divisor));
  }
  neg(): Api.Dec {
    return wrap(this.#value.neg());
  }
  abs(): Api.Dec {
    return wrap(this.#value.abs());
  }
  min(x: Api.DecInput): Api.Dec {
    const other = toDecimal(x);
    return this.#value.lte(other) ? this : wrap(other);
  }
  max(x: Api.DecInput): Api.Dec {
    const other = toDecimal(x);
    return this.#value.gte(other) ? this : wrap(other);
  }
  round(decimals: number, mode?: Api.RoundingMode): Api.Dec {
    return wrap(this.#value.toDecimalPlaces(checkDecimals(decimals), roundingOf(mode)));
  }
  ceil(): Api.Dec {
    return wrap(this.#value.ceil());
  }
  floor(): Api.Dec {
    return wrap(this.#value.floor());
  }
  cmp(x: Api.DecInput): -1 | 0 | 1 {
    return this.#value.cmp(toDecimal(x)) as -1 | 0 | 1;
  }
  eq(x: Api.DecInput): boolean {
    return this.#value.eq(toDecimal(x));
  }
  lt(x: Api.DecInput): boolean {
    return this.#value.lt(toDecimal(x));
  }
  lte(x: Api.DecInput): boolean {
    return this.#value.lte(toDecimal(x));
  }
  gt(x: Api.DecInput): boolean {
    return this.#value.gt(toDecimal(x));
  }
  gte(x: Api.DecInput): boolean {
    return this.#value.gte(toDecimal(x));
  }
  isZero(): boolean {
    return this.#value.isZero();
  }
  isNegative(): boolean {
    return this.#value.isNegative() && !this.#value.isZero();
  }
  isPositive(): boolean {
    return this.#value.isPositive() && !this.#value.isZero();
  }
  toFixed(decimals?: number, mode?: Api.RoundingMode): string {
    if (decimals === undefined) return this.#value.toFixed();
    return this.#value.toFixed(checkDecimals(decimals), roundingOf(mode));
  }
  toString(): string {
    return this.#value.toFixed();
  }
  toNumber(): number {
    return this.#value.toNumber();
  }
  toJSON(): string {
    return this.#value.toFixed();
  }
}

function wrap(value: Decimal): ScriptDec {
  const checked = finite(value);
  return make(() => new ScriptDec(checked));
}

class ScriptDuration implements Api.Duration {
  readonly #seconds: Decimal;

  constructor(seconds: Decimal) {
    assertCreating("Duration");
    this.#seconds = seconds;
  }

  get unit(): "s" {
    return "s";
  }
  get seconds(): Api.Dec {
    return wrap(this.#seconds);
  }
  get minutes(): Api.Dec {
    return wrap(this.#seconds.div(SIXTY));
  }
  get hours(): Api.Dec {
    return wrap(this.#seconds.div(HOUR_SECONDS));
  }
  plus(other: Api.Duration): Api.Duration {
    return duration(this.#seconds.plus(secondsOf(other)));
  }
  minus(other: Api.Duration): Api.Duration {
    return duration(this.#seconds.minus(secondsOf(other)));
  }
  times(factor: Api.DecInput): Api.Duration {
    return duration(this.#seconds.times(toDecimal(factor)));
  }
  min(other: Api.Duration): Api.Duration {
    return this.#seconds.lte(secondsOf(other)) ? this : other;
  }
  max(other: Api.Duration): Api.Duration {
    return this.#seconds.gte(secondsOf(other)) ? this : other;
  }
  cmp(other: Api.Duration): -1 | 0 | 1 {
    return this.#seconds.cmp(secondsOf(other)) as -1 | 0 | 1;
  }
  eq(other: Api.Duration): boolean {
    return this.#seconds.eq(secondsOf(other));
  }
  lt(other: Api.Duration): boolean {
    return this.#seconds.lt(secondsOf(other));
  }
  lte(other: Api.Duration): boolean {
    return this.#seconds.lte(secondsOf(other));
  }
  gt(other: Api.Duration): boolean {
    return this.#seconds.gt(secondsOf(other));
  }
  gte(other: Api.Duration): boolean {
    return this.#seconds.gte(secondsOf(other));
  }
  isZero(): boolean {
    return this.#seconds.isZero();
  }
  isNegative(): boolean {
    return this.#seconds.isNegative() && !this.#seconds.isZero();
  }
  toString(): string {
    return `${this.#seconds.toFixed()} s`;
  }
  toJSON(): { seconds: string } {
    return { seconds: this.#seconds.toFixed() };
  }

  static secondsOf(value: Api.Duration): Decimal {
    if (typeof value !== "object" || value === null || !(#seconds in value)) {
      throw new TypeError(`expected a Duration, got ${describeValue(value)}`);
    }
    return value.#seconds;
  }
}

const secondsOf = ScriptDuration.secondsOf;

function duration(seconds: Decimal): ScriptDuration {
  const checked = finite(seconds);
  return make(() => new ScriptDuration(checked));
}

class ScriptEnergy implements Api.Energy {
  readonly #kwh: Decimal;

  constructor(kwh: Decimal) {
    assertCreating("Energy");
    this.#kwh = kwh;
  }

  get unit(): "kWh" {
    return "kWh";
  }
  get kwh(): Api.Dec {
    return wrap(this.#kwh);
  }
  get wh(): Api.Dec {
    return wrap(this.#kwh.times(THOUSAND));
  }
  plus(other: Api.Energy): Api.Energy {
    return energy(this.#kwh.plus(kwhOf(other)));
  }
  minus(other: Api.Energy): Api.Energy {
    return energy(this.#kwh.minus(kwhOf(other)));
  }
  times(factor: Api.DecInput): Api.Energy {
    return energy(this.#kwh.times(toDecimal(factor)));
  }
  min(other: Api.Energy): Api.Energy {
    return this.#kwh.lte(kwhOf(other)) ? this : other;
  }
  max(other: Api.Energy): Api.Energy {
    return this.#kwh.gte(kwhOf(other)) ? this : other;
  }
  cmp(other: Api.Energy): -1 | 0 | 1 {
    return this.#kwh.cmp(kwhOf(other)) as -1 | 0 | 1;
  }
  eq(other: Api.Energy): boolean {
    return this.#kwh.eq(kwhOf(other));
  }
  lt(other: Api.Energy): boolean {
    return this.#kwh.lt(kwhOf(other));
  }
  lte(other: Api.Energy): boolean {
    return this.#kwh.lte(kwhOf(other));
  }
  gt(other: Api.Energy): boolean {
    return this.#kwh.gt(kwhOf(other));
  }
  gte(other: Api.Energy): boolean {
    return this.#kwh.gte(kwhOf(other));
  }
  isZero(): boolean {
    return this.#kwh.isZero();
  }
  isNegative(): boolean {
    return this.#kwh.isNegative() && !this.#kwh.isZero();
  }
  toString(): string {
    return `${this.#kwh.toFixed()} kWh`;
  }
  toJSON(): { kwh: string } {
    return { kwh: this.#kwh.toFixed() };
  }

  static kwhOf(value: Api.Energy): Decimal {
    if (typeof value !== "object" || value === null || !(#kwh in value)) {
      throw new TypeError(`expected an Energy, got ${describeValue(value)}`);
    }
    return value.#kwh;
  }
}

const kwhOf = ScriptEnergy.kwhOf;

function energy(kwh: Decimal): ScriptEnergy {
  const checked = finite(kwh);
  return make(() => new ScriptEnergy(checked));
}

/**
 * What the hardening must freeze besides what is reachable from the helpers object: the classes of the values the
 * helpers return (a script reaches their prototypes through the values). The decimal.js values stay private to these
 * classes and are not frozen (decimal.js writes to its instances).
 */
export const HELPER_INTERNALS: readonly unknown[] = [ScriptDec, ScriptDuration, ScriptEnergy];

/** Limits of the `log` helper. */
export interface LogLimits {
  maxEntries: number;
  maxEntryChars: number;
}

/** The log of one evaluation: entries collected inside the sandbox, copied out with the result. */
export interface LogBuffer {
  entries: string[];
  dropped: number;
}

function render(value: unknown): string {
  try {
    if (typeof value === "string") return value;
    if (value instanceof ScriptDec || value instanceof ScriptDuration || value instanceof ScriptEnergy) {
      return String(value);
    }
    if (typeof value === "function") return "[function]";
    if (typeof value === "object" && value !== null) return JSON.stringify(value) ?? String(value);
    return String(value);
  } catch {
    return "[unprintable value]";
  }
}

function optionalString(spec: Api.LineSpec, key: "unit"): string | undefined {
  const value = spec[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new TypeError(`line: ${key} must be a string, got ${describeValue(value)}`);
  return value;
}

/** What `require("voltrate:script")` gives a script: the helpers and `defineScript`. */
export interface ScriptModule extends Api.ScriptHelpers {
  defineScript<P extends Api.ScriptParams>(script: Api.ScriptFunction<P>): Api.ScriptFunction<P>;
}

/** Builds the helpers of one sandbox context; `log` writes into `buffer()`, the current evaluation's log. */
export function createHelpers(limits: LogLimits, buffer: () => LogBuffer): ScriptModule {
  const dec = (value: Api.DecInput): Api.Dec => wrap(toDecimal(value));
  return {
    dec,
    money: dec,
    sum(values: readonly Api.DecInput[]): Api.Dec {
      if (!Array.isArray(values)) throw new TypeError("sum expects an array of decimals");
      let total = new D(0);
      for (const value of values) total = total.plus(toDecimal(value));
      return wrap(total);
    },
    seconds: (value) => duration(toDecimal(value)),
    minutes: (value) => duration(toDecimal(value).times(SIXTY)),
    hours: (value) => duration(toDecimal(value).times(HOUR_SECONDS)),
    kwh: (value) => energy(toDecimal(value)),
    wh: (value) => energy(toDecimal(value).div(THOUSAND)),
    line(spec: Api.LineSpec): Api.ScriptLine {
      if (typeof spec !== "object" || spec === null) throw new TypeError("line expects { code, description, amount }");
      const { code, description } = spec;
      if (typeof code !== "string") throw new TypeError(`line: code must be a string, got ${describeValue(code)}`);
      if (typeof description !== "string") {
        throw new TypeError(`line: description must be a string, got ${describeValue(description)}`);
      }
      const out: { -readonly [K in keyof Api.ScriptLine]: Api.ScriptLine[K] } = {
        code,
        description,
        amount: decimalText(spec.amount),
      };
      if (spec.quantity !== undefined) out.quantity = decimalText(spec.quantity);
      const unit = optionalString(spec, "unit");
      if (unit !== undefined) out.unit = unit;
      if (spec.vatPercent !== undefined) out.vatPercent = decimalText(spec.vatPercent);
      return out;
    },
    log(...values: readonly unknown[]): void {
      const log = buffer();
      if (log.entries.length >= limits.maxEntries) {
        log.dropped++;
        return;
      }
      let text = values.map(render).join(" ");
      if (text.length > limits.maxEntryChars) text = `${text.slice(0, limits.maxEntryChars - 1)}…`;
      log.entries.push(text);
    },
    defineScript: (script) => script,
  };
}
