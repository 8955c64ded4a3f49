import { describe, expect, it } from "vitest";
import {
  CurrencyMismatchError,
  currency,
  Dec,
  dec,
  decFromJsonNumber,
  isCurrencyCode,
  Money,
  minorUnits,
  round,
  roundDecimal,
} from "./index.ts";

describe("decimals", () => {
  it("are a dedicated clone with 40 digits and half-up", () => {
    expect(Dec.precision).toBe(40);
    expect(Dec.rounding).toBe(Dec.ROUND_HALF_UP);
    expect(new Dec(1).div(3).toString()).toBe("0.3333333333333333333333333333333333333333");
  });

  it("accept strings, bigints and decimals, and refuse floats", () => {
    expect(dec("12.50").toString()).toBe("12.5");
    expect(dec(12n).toString()).toBe("12");
    expect(dec(new Dec("1e-3")).toString()).toBe("0.001");
    expect(() => dec("12,50")).toThrow(RangeError);
    expect(() => dec("NaN")).toThrow(RangeError);
    // @ts-expect-error JS numbers are not accepted
    expect(() => dec(0.1)).toThrow(TypeError);
    expect(decFromJsonNumber(0.1).toString()).toBe("0.1");
    expect(() => decFromJsonNumber(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("currencies", () => {
  it("take minor units from ISO 4217: EUR 2, JPY 0, BHD 3, CLF 4", () => {
    expect(minorUnits("EUR")).toBe(2);
    expect(minorUnits("JPY")).toBe(0);
    expect(minorUnits("BHD")).toBe(3);
    expect(minorUnits("CLF")).toBe(4);
  });

  it("validate codes", () => {
    expect(currency("eur")).toBe("EUR");
    expect(isCurrencyCode("EUR")).toBe(true);
    expect(isCurrencyCode("EURO")).toBe(false);
    expect(() => currency("XYZ")).toThrow(/unknown ISO 4217/);
  });
});

describe("Money", () => {
  it("rounds to minor units, half-up by default, half-even on request", () => {
    expect(Money.of("2.345", "EUR").round().toString()).toBe("2.35 EUR");
    expect(Money.of("2.345", "EUR").round({ mode: "HALF_EVEN" }).toString()).toBe("2.34 EUR");
    expect(Money.of("2.355", "EUR").round({ mode: "HALF_EVEN" }).toString()).toBe("2.36 EUR");
    expect(Money.of("-2.345", "EUR").round().amount.toString()).toBe("-2.35");
    expect(round(Money.of("2.341", "EUR"), { mode: "UP" }).amount.toString()).toBe("2.35");
    expect(round(Money.of("2.349", "EUR"), { mode: "DOWN" }).amount.toString()).toBe("2.34");
    expect(Money.of("1234.5", "JPY").round().toString()).toBe("1235 JPY");
    expect(Money.of("1.2345", "BHD").round().toString()).toBe("1.235 BHD");
    expect(Money.of("1.23456", "EUR").round({ mode: "HALF_UP", decimals: 4 }).amount.toString()).toBe("1.2346");
    expect(roundDecimal(new Dec("0.125"), 2, "HALF_EVEN").toString()).toBe("0.12");
  });

  it("adds, subtracts and multiplies without floats", () => {
    const a = Money.of("0.10", "EUR");
    const b = Money.of("0.20", "EUR");
    expect(a.plus(b).amount.toString()).toBe("0.3");
    expect(b.minus(a).amount.toString()).toBe("0.1");
    expect(a.times(new Dec("3")).amount.toString()).toBe("0.3");
    expect(a.timesInteger(3).amount.toString()).toBe("0.3");
    expect(a.timesInteger(3n).amount.toString()).toBe("0.3");
    expect(() => a.timesInteger(1.5)).toThrow(RangeError);
    const typeErrors = () => {
      // @ts-expect-error times() takes a Decimal, not a JS number
      a.times(1.1);
    };
    expect(typeof typeErrors).toBe("function");
    // @ts-expect-error amounts are strings or Decimals
    expect(() => Money.of(0.1, "EUR")).toThrow(TypeError);
    expect(Money.fromMinor(1250n, "EUR").toString()).toBe("12.50 EUR");
    expect(Money.sum([a, b, a], "EUR").amount.toString()).toBe("0.4");
  });

  it("refuses to mix currencies", () => {
    expect(() => Money.of("1", "EUR").plus(Money.of("1", "USD"))).toThrow(CurrencyMismatchError);
    expect(() => Money.of("1", "EUR").compare(Money.of("1", "USD"))).toThrow(CurrencyMismatchError);
    expect(Money.of("1", "EUR").equals(Money.of("1", "USD"))).toBe(false);
  });

  it("compares", () => {
    const a = Money.of("1.00", "EUR");
    const b = Money.of("1.01", "EUR");
    expect(a.lessThan(b)).toBe(true);
    expect(b.greaterThan(a)).toBe(true);
    expect(a.min(b)).toBe(a);
    expect(a.max(b)).toBe(b);
    expect(a.equals(Money.of("1", "EUR"))).toBe(true);
    expect(Money.of("-1", "EUR").isNegative()).toBe(true);
    expect(Money.zero("EUR").isZero()).toBe(true);
  });

  it("allocates without losing a cent", () => {
    const parts = Money.of("100", "EUR").allocate([new Dec(1), new Dec(1), new Dec(1)]);
    expect(parts.map(String)).toEqual(["33.34 EUR", "33.33 EUR", "33.33 EUR"]);
    expect(Money.sum(parts, "EUR").amount.toString()).toBe("100");
    const jpy = Money.of("10", "JPY").allocate([new Dec("0.7"), new Dec("0.3")]);
    expect(jpy.map((m) => m.amount.toString())).toEqual(["7", "3"]);
    const neg = Money.of("-0.05", "EUR").allocate([new Dec(1), new Dec(1)]);
    expect(neg.map((m) => m.amount.toString())).toEqual(["-0.03", "-0.02"]);
    expect(() => Money.of("1", "EUR").allocate([])).toThrow(RangeError);
  });

  it("prints fixed decimals and serializes amounts as strings", () => {
    const m = Money.of("12.5", "EUR");
    expect(m.toString()).toBe("12.50 EUR");
    expect(m.toFixed(4)).toBe("12.5000");
    expect(JSON.stringify({ m })).toBe('{"m":{"amount":"12.5","currency":"EUR"}}');
    expect(Money.fromJSON({ amount: "12.5", currency: "EUR" }).equals(m)).toBe(true);
  });
});
