import { describe, expect, it } from "vitest";
import { Dec } from "../money/decimal.ts";
import { Current, Duration, Energy, Power } from "./quantities.ts";

describe("typed quantities", () => {
  it("convert between units", () => {
    expect(Energy.kwh("12.5").wh.toString()).toBe("12500");
    expect(Energy.wh("115.2").kwh.toString()).toBe("0.1152");
    expect(Power.w("11000").kw.toString()).toBe("11");
    expect(Power.kw("22").w.toString()).toBe("22000");
    expect(Current.a("32").a.toString()).toBe("32");
    expect(Duration.hours("2.5").seconds.toString()).toBe("9000");
    expect(Duration.minutes("15").hours.toString()).toBe("0.25");
    expect(
      Duration.between(new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01.500Z")).seconds.toString(),
    ).toBe("1.5");
    expect(Duration.seconds("1.2345").millis).toBe(1235);
    expect(Power.kw("11").over(Duration.minutes("30")).kwh.toString()).toBe("5.5");
  });

  it("add and compare like with like", () => {
    const a = Energy.kwh("1");
    const b = Energy.wh("500");
    expect(a.plus(b).kwh.toString()).toBe("1.5");
    expect(a.minus(b).wh.toString()).toBe("500");
    expect(a.times(new Dec(3)).kwh.toString()).toBe("3");
    expect(a.ratio(b).toString()).toBe("2");
    expect(a.greaterThan(b)).toBe(true);
    expect(b.lessThan(a)).toBe(true);
    expect(a.compare(Energy.wh("1000"))).toBe(0);
    expect(a.equals(Energy.wh("1000"))).toBe(true);
    expect(Energy.zero().isZero()).toBe(true);
    expect(Duration.minutes("1").plus(Duration.seconds("30")).seconds.toString()).toBe("90");
    expect(Current.a("16").lessThan(Current.a("32"))).toBe(true);
    expect(Power.kw("16").plus(Power.kw("6")).toString()).toBe("22 kW");
  });

  it("refuse mixing units at the type level", () => {
    const e = Energy.kwh("1");
    const t = Duration.hours("1");
    // Checked by the type checker (pnpm typecheck), never run.
    const typeErrors = () => {
      // @ts-expect-error an Energy plus a Duration does not type-check
      e.plus(t);
      // @ts-expect-error a Power is not a Current
      Current.a("1").lessThan(Power.kw("1"));
    };
    expect(typeof typeErrors).toBe("function");
    // @ts-expect-error constructors take strings or Decimals, not JS numbers
    expect(() => Energy.kwh(1.5)).toThrow(TypeError);
    expect(e.unit).toBe("Wh");
    expect(t.unit).toBe("s");
  });

  it("serialize as strings", () => {
    expect(JSON.stringify(Energy.kwh("12.5"))).toBe('{"kwh":"12.5"}');
    expect(JSON.stringify(Duration.minutes("15"))).toBe('{"seconds":"900"}');
    expect(`${Energy.kwh("2")}`).toBe("2 kWh");
  });
});
