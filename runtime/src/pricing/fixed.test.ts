// The exact integer arithmetic behind the pricer.
import { Dec } from "@voltrate/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AMOUNT_DEN,
  amountToDec,
  energyAmount,
  flatAmount,
  formatAmount,
  hoursText,
  roundAmount,
  scaledText4,
  scaledToString,
  timeAmount,
  toScaled,
  toScaledExact,
  vatNumerator,
  withVat,
} from "./fixed.ts";

const amount = (s: string) => BigInt(new Dec(s).times(AMOUNT_DEN.toString()).toFixed(0));

describe("fixed-point arithmetic", () => {
  it("converts decimals to scaled integers and back", () => {
    expect(toScaled(new Dec("0.25"))).toBe(250_000_000_000n);
    expect(scaledToString(toScaled(new Dec("-12.5")))).toBe("-12.5");
    expect(scaledToString(toScaled(new Dec("1.0000000000009")))).toBe("1"); // truncated beyond 12 decimals
    expect(() => toScaledExact(new Dec("1.0000000000009"), "price")).toThrow(/more than 12 decimals/);
    expect(vatNumerator(new Dec("5.2"), "vat")).toBe(105_200_000n);
    expect(() => vatNumerator(new Dec("5.0000001"), "vat")).toThrow(/6 decimals/);
  });

  it("prices energy, time and flat fees exactly", () => {
    // 0.25/kWh × 20 kWh = 5; 2.40/h × 20 min = 0.8; 1/3 h at 0.03/h = 0.01.
    expect(amountToDec(energyAmount(toScaled(new Dec("0.25")), toScaled(new Dec("20000")))).toString()).toBe("5");
    expect(amountToDec(timeAmount(toScaled(new Dec("2.40")), 1_200_000)).toString()).toBe("0.8");
    // 0.03/h × 200 s and × 400 s add up to exactly 0.005 — no truncation error.
    const p = toScaled(new Dec("0.03"));
    expect(timeAmount(p, 200_000) + timeAmount(p, 400_000)).toBe(amount("0.005"));
    expect(amountToDec(flatAmount(toScaled(new Dec("2.5")))).toString()).toBe("2.5");
    expect(amountToDec(withVat(amount("4.75"), vatNumerator(new Dec("5.2"), "v"))).toString()).toBe("4.997");
  });

  it("rounds with every mode, symmetric for negatives", () => {
    const r = (s: string, mode: "HALF_UP" | "HALF_EVEN" | "UP" | "DOWN") =>
      amountToDec(roundAmount(amount(s), 2, mode)).toString();
    expect([
      r("0.125", "HALF_UP"),
      r("0.125", "HALF_EVEN"),
      r("0.135", "HALF_EVEN"),
      r("0.121", "UP"),
      r("0.129", "DOWN"),
    ]).toEqual(["0.13", "0.12", "0.14", "0.13", "0.12"]);
    expect([r("-0.125", "HALF_UP"), r("-0.121", "UP"), r("-0.129", "DOWN")]).toEqual(["-0.13", "-0.13", "-0.12"]);
    expect(formatAmount(amount("14.125"), 2, "HALF_UP", 4)).toBe("14.1300");
    expect(formatAmount(amount("-0.004"), 2, "HALF_UP", 4)).toBe("0.0000");
    expect(formatAmount(amount("13"), 0, "HALF_UP", 4)).toBe("13.0000");
    expect(formatAmount(amount("0.1235"), 3, "HALF_UP", 4)).toBe("0.1240");
  });

  it("formatAmount agrees with decimal rounding", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom("HALF_UP", "HALF_EVEN", "UP", "DOWN") as fc.Arbitrary<"HALF_UP" | "HALF_EVEN" | "UP" | "DOWN">,
        (v, decimals, mode) => {
          const rm = {
            HALF_UP: Dec.ROUND_HALF_UP,
            HALF_EVEN: Dec.ROUND_HALF_EVEN,
            UP: Dec.ROUND_UP,
            DOWN: Dec.ROUND_DOWN,
          }[mode];
          const exact = new Dec(v.toString()).div(AMOUNT_DEN.toString());
          const expected = exact.toDecimalPlaces(decimals, rm);
          const text = formatAmount(v, decimals, mode, Math.max(4, decimals));
          expect(new Dec(text).eq(expected)).toBe(true);
          expect(amountToDec(roundAmount(v, decimals, mode)).eq(expected)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("prints hours and kWh with 4 decimals", () => {
    expect(hoursText(9_000_000)).toBe("2.5000");
    expect(hoursText(1_500_000)).toBe("0.4167"); // 25 min
    expect(hoursText(179)).toBe("0.0000");
    expect(hoursText(180)).toBe("0.0001"); // half of 0.0001 h rounds up
    expect(scaledText4(toScaled(new Dec("20.45")))).toBe("20.4500");
    expect(scaledText4(toScaled(new Dec("0.00005")))).toBe("0.0001");
  });
});
