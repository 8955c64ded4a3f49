// Every condition kind, compiled: the fast test and the explanation agree, and a failed test names the value seen.
import { Duration, Energy, Power } from "@voltrate/sdk";
import {
  type Condition,
  type EvaluationInput,
  PROPERTY_CATALOGUE,
  type SessionFacts,
  sessionFromJson,
} from "@voltrate/sdk/rules";
import { describe, expect, it } from "vitest";
import { compileCondition } from "./conditions.ts";
import { propertyText, READERS, SessionView } from "./session-view.ts";

/** A weekday-evening session in Amsterdam: Tuesday 2025-03-04 22:10–23:40 local (CET = UTC+1), 7.2 kWh. */
function input(facts: SessionFacts = {}, over: Partial<Parameters<typeof sessionFromJson>[0]> = {}): EvaluationInput {
  return {
    session: sessionFromJson({
      id: "S1",
      start: "2025-03-04T21:10:00Z",
      end: "2025-03-04T22:40:00Z",
      timeZone: "Europe/Amsterdam",
      chargingPeriods: [
        { start: "2025-03-04T21:10:00Z", energyKwh: "5", maxPowerKw: "11", tariffId: "CPO-T1" },
        { start: "2025-03-04T22:00:00Z", energyKwh: "2.2", powerKw: "7.4" },
        { start: "2025-03-04T22:20:00Z", parkingHours: "0.3333" },
      ],
      ...over,
    }),
    facts: {
      cpo: { countryCode: "nl", partyId: "abc" },
      powerType: "AC",
      token: { type: "RFID", contractId: "NL-VLT-C1" },
      product: "FLEX",
      locationId: "LOC-1",
      evseId: "NL*ABC*E1*1",
      custom: { fleet: true, tier: "gold", seats: 7, weight: "1200.5", nothing: null },
      ...facts,
    },
  };
}

function check(c: Condition, i: EvaluationInput = input()) {
  const compiled = compileCondition(c);
  const view = new SessionView(i);
  const holds = compiled.test(view);
  const e = compiled.explain(new SessionView(i));
  expect(e.holds, `explain agrees with test for ${JSON.stringify(c)}`).toBe(holds);
  return e;
}

describe("property readers", () => {
  it("reads every catalogued property", () => {
    const view = new SessionView(input({ cpoTariffCode: undefined, subscription: "PLUS" }));
    const values = Object.fromEntries(PROPERTY_CATALOGUE.map((p) => [p.name, propertyText(p.name, view)]));
    expect(values).toEqual({
      cpo: "NL*ABC",
      cpoTariffCode: "CPO-T1",
      country: undefined,
      powerType: "AC",
      powerKw: "11",
      durationMinutes: "90",
      energyKwh: "7.2",
      parkingMinutes: "19.998",
      startTime: "22:10",
      endTime: "23:40",
      startDay: "TUESDAY",
      startDate: "2025-03-04",
      tokenType: "RFID",
      contractId: "NL-VLT-C1",
      product: "FLEX",
      subscription: "PLUS",
      locationId: "LOC-1",
      evseId: "NL*ABC*E1*1",
    });
    expect(Object.keys(READERS).sort()).toEqual(PROPERTY_CATALOGUE.map((p) => p.name).sort());
  });

  it("falls back: facts power over measured power, reported energy when no period has any, the country's zone", () => {
    const view = new SessionView({
      session: {
        start: new Date("2025-07-01T10:00:00Z"),
        end: new Date("2025-07-01T11:00:00Z"),
        countryCode: "NL",
        chargingPeriods: [{ start: new Date("2025-07-01T10:00:00Z"), dimensions: { maxPower: Power.kw("50") } }],
        reportedTotals: { energy: Energy.kwh("15.342"), parkingTime: Duration.minutes("12") },
      },
      facts: { maxPowerKw: "150" },
    });
    expect(propertyText("powerKw", view)).toBe("150");
    expect(propertyText("energyKwh", view)).toBe("15.342");
    expect(propertyText("parkingMinutes", view)).toBe("12");
    // Summer time: UTC+2.
    expect(propertyText("startTime", view)).toBe("12:00");
    // The country's only zone (the tz database links Europe/Amsterdam to Europe/Brussels).
    expect(view.timeZone()).toMatch(/^Europe\/(Amsterdam|Brussels)$/);
  });
});

describe("comparisons", () => {
  it("decimal: the failure names the value seen", () => {
    expect(check({ op: "gte", property: "energyKwh", value: "10" })).toEqual({
      holds: false,
      text: "energyKwh 7.2 is not ≥ 10",
    });
    expect(check({ op: "lt", property: "energyKwh", value: "10" })).toEqual({
      holds: true,
      text: "energyKwh 7.2 < 10",
    });
    expect(check({ op: "lte", property: "energyKwh", value: "7.2" }).holds).toBe(true);
    expect(check({ op: "gt", property: "energyKwh", value: "7.2" })).toEqual({
      holds: false,
      text: "energyKwh 7.2 is not > 7.2",
    });
    expect(check({ op: "eq", property: "energyKwh", value: "7.20" })).toEqual({
      holds: true,
      text: "energyKwh 7.2 = 7.20",
    });
    expect(check({ op: "ne", property: "durationMinutes", value: "90" })).toEqual({
      holds: false,
      text: "durationMinutes 90 = 90 (expected ≠)",
    });
  });

  it("string and enum", () => {
    expect(check({ op: "eq", property: "cpo", value: "NL*ABC" })).toEqual({ holds: true, text: "cpo NL*ABC = NL*ABC" });
    expect(check({ op: "eq", property: "cpo", value: "DE*ION" })).toEqual({
      holds: false,
      text: "cpo NL*ABC ≠ DE*ION",
    });
    expect(check({ op: "ne", property: "powerType", value: "DC" })).toEqual({ holds: true, text: "powerType AC ≠ DC" });
  });

  it("a missing value: ne holds, the others fail and say so", () => {
    expect(check({ op: "eq", property: "subscription", value: "PLUS" })).toEqual({
      holds: false,
      text: "subscription is not set",
    });
    expect(check({ op: "ne", property: "subscription", value: "PLUS" })).toEqual({
      holds: true,
      text: "subscription is not set (≠ PLUS)",
    });
    expect(check({ op: "gt", property: "powerKw", value: "1" }, input({}, { chargingPeriods: [] })).text).toBe(
      "powerKw is not set",
    );
  });

  it("time and date properties compare as times and dates", () => {
    expect(check({ op: "gte", property: "startTime", value: "22:00" })).toEqual({
      holds: true,
      text: "startTime 22:10 ≥ 22:00",
    });
    expect(check({ op: "lt", property: "startDate", value: "2025-03-04" })).toEqual({
      holds: false,
      text: "startDate 2025-03-04 is not < 2025-03-04",
    });
    expect(check({ op: "eq", property: "startDay", value: "TUESDAY" }).holds).toBe(true);
  });

  it("custom properties: booleans, numbers (also as decimal strings) and text", () => {
    expect(check({ op: "eq", property: "custom.fleet", value: true })).toEqual({
      holds: true,
      text: "custom.fleet true = true",
    });
    expect(check({ op: "eq", property: "custom.fleet", value: false }).holds).toBe(false);
    expect(check({ op: "gt", property: "custom.seats", value: "5" })).toEqual({
      holds: true,
      text: "custom.seats 7 > 5",
    });
    expect(check({ op: "lt", property: "custom.weight", value: "1300" }).holds).toBe(true);
    expect(check({ op: "eq", property: "custom.tier", value: "gold" }).holds).toBe(true);
    expect(check({ op: "eq", property: "custom.nothing", value: "x" })).toEqual({
      holds: false,
      text: "custom.nothing is not set",
    });
    expect(check({ op: "in", property: "custom.seats", values: ["5", "7"] }).holds).toBe(true);
    expect(check({ op: "between", property: "custom.seats", min: "7", max: "9" }).holds).toBe(true);
  });
});

describe("ranges", () => {
  it("between: [min, max) by default", () => {
    expect(check({ op: "between", property: "energyKwh", min: "7.2", max: "10" })).toEqual({
      holds: true,
      text: "energyKwh 7.2 in [7.2, 10)",
    });
    expect(check({ op: "between", property: "energyKwh", min: "0", max: "7.2" })).toEqual({
      holds: false,
      text: "energyKwh 7.2 is not in [0, 7.2)",
    });
  });

  it("between: exclusive min and inclusive max when asked", () => {
    const c = { op: "between", property: "energyKwh", min: "7.2", max: "10", minInclusive: false } as const;
    expect(check(c)).toEqual({ holds: false, text: "energyKwh 7.2 is not in (7.2, 10)" });
    expect(check({ op: "between", property: "energyKwh", min: "5", max: "7.2", maxInclusive: true })).toEqual({
      holds: true,
      text: "energyKwh 7.2 in [5, 7.2]",
    });
  });
});

describe("lists", () => {
  it("in / notIn, short and long lists", () => {
    expect(check({ op: "in", property: "cpo", values: ["NL*ABC", "DE*ION"] })).toEqual({
      holds: true,
      text: "cpo NL*ABC in [NL*ABC, DE*ION]",
    });
    const long = ["A*AAA", "B*BBB", "C*CCC", "D*DDD", "E*EEE", "F*FFF"];
    expect(check({ op: "in", property: "cpo", values: long })).toEqual({
      holds: false,
      text: `cpo NL*ABC is not in [${long.join(", ")}]`,
    });
    expect(check({ op: "notIn", property: "cpo", values: [...long, "NL*ABC"] })).toEqual({
      holds: false,
      text: `cpo NL*ABC is in [${long.join(", ")}, NL*ABC] (expected not in)`,
    });
    expect(check({ op: "notIn", property: "cpo", values: ["DE*ION"] })).toEqual({
      holds: true,
      text: "cpo NL*ABC not in [DE*ION]",
    });
    expect(check({ op: "in", property: "energyKwh", values: ["7.2", "9"] }).holds).toBe(true);
  });

  it("a missing value is in no list", () => {
    expect(check({ op: "in", property: "subscription", values: ["PLUS"] })).toEqual({
      holds: false,
      text: "subscription is not set",
    });
    expect(check({ op: "notIn", property: "subscription", values: ["PLUS"] })).toEqual({
      holds: true,
      text: "subscription is not set (not in [PLUS])",
    });
  });
});

describe("time of day and day of week", () => {
  const at = (hhmm: string) =>
    input({}, { start: `2025-03-04T${hhmm}:00+01:00`, end: `2025-03-04T${hhmm}:00+01:00`, chargingPeriods: [] });

  it("a window across midnight holds late and early, not at its end or midday", () => {
    const night: Condition = { op: "timeOfDay", from: "22:00", to: "06:00" };
    expect(check(night, at("23:10"))).toEqual({ holds: true, text: "startTime 23:10 in 22:00–06:00" });
    expect(check(night, at("05:59")).holds).toBe(true);
    expect(check(night, at("22:00")).holds).toBe(true);
    expect(check(night, at("06:00"))).toEqual({ holds: false, text: "startTime 06:00 is not in 22:00–06:00" });
    expect(check(night, at("12:00")).holds).toBe(false);
  });

  it("a day window, a window until midnight, a whole-day window", () => {
    expect(check({ op: "timeOfDay", from: "07:00", to: "23:00" }, at("22:59")).holds).toBe(true);
    expect(check({ op: "timeOfDay", from: "07:00", to: "23:00" }, at("23:00")).holds).toBe(false);
    expect(check({ op: "timeOfDay", from: "18:00", to: "00:00" }, at("23:59")).holds).toBe(true);
    expect(check({ op: "timeOfDay", from: "18:00", to: "00:00" }, at("00:00")).holds).toBe(false);
    expect(check({ op: "timeOfDay", from: "00:00", to: "00:00" }, at("13:37")).holds).toBe(true);
    expect(check({ op: "timeOfDay", property: "endTime", from: "23:00", to: "23:59" }).text).toBe(
      "endTime 23:40 in 23:00–23:59",
    );
  });

  it("local time follows daylight saving time", () => {
    // 2025-03-30 02:00 CET the clocks went forward: 01:30Z is 03:30 CEST.
    const i = input({}, { start: "2025-03-30T01:30:00Z", end: "2025-03-30T02:00:00Z", chargingPeriods: [] });
    expect(check({ op: "timeOfDay", from: "03:00", to: "04:00" }, i).text).toBe("startTime 03:30 in 03:00–04:00");
    expect(check({ op: "dayOfWeek", days: ["SUNDAY"] }, i).holds).toBe(true);
  });

  it("day of week", () => {
    expect(check({ op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] })).toEqual({
      holds: false,
      text: "startDay TUESDAY is not in [SATURDAY, SUNDAY]",
    });
    expect(check({ op: "in", property: "startDay", values: ["MONDAY", "TUESDAY"] }).holds).toBe(true);
  });

  it("without a time zone, local-time tests fail and say why", () => {
    const i = input({}, { timeZone: undefined });
    const e = check({ op: "timeOfDay", from: "22:00", to: "06:00" }, i);
    expect(e.holds).toBe(false);
    expect(e.text).toMatch(/^startTime is not known \(no time zone: /);
    // A country with one zone is enough.
    expect(check({ op: "dayOfWeek", days: ["TUESDAY"] }, input({ country: "NL" }, { timeZone: undefined })).holds).toBe(
      true,
    );
  });
});

describe("combinators", () => {
  it("always, exists", () => {
    expect(check({ op: "always" })).toEqual({ holds: true, text: "always" });
    expect(check({ op: "exists", property: "product" })).toEqual({ holds: true, text: "product is set (FLEX)" });
    expect(check({ op: "exists", property: "subscription" })).toEqual({
      holds: false,
      text: "subscription is not set",
    });
  });

  it("all: the first failing test explains; all held lists them", () => {
    const c: Condition = {
      op: "all",
      conditions: [
        { op: "eq", property: "cpo", value: "NL*ABC" },
        { op: "gte", property: "energyKwh", value: "10" },
        { op: "eq", property: "powerType", value: "DC" },
      ],
    };
    expect(check(c)).toEqual({ holds: false, text: "energyKwh 7.2 is not ≥ 10" });
    const ok: Condition = {
      op: "all",
      conditions: [c.conditions[0]!, { op: "eq", property: "powerType", value: "AC" }],
    };
    expect(check(ok)).toEqual({ holds: true, text: "cpo NL*ABC = NL*ABC and powerType AC = AC" });
    expect(check({ op: "all", conditions: [] }).holds).toBe(true);
    const five: Condition = { op: "all", conditions: Array.from({ length: 5 }, () => ok.conditions[0]!) };
    expect(check(five).holds).toBe(true);
  });

  it("any: the first holding test explains; none lists every failure", () => {
    const c: Condition = {
      op: "any",
      conditions: [
        { op: "eq", property: "powerType", value: "DC" },
        { op: "gte", property: "energyKwh", value: "10" },
      ],
    };
    expect(check(c)).toEqual({ holds: false, text: "none of: powerType AC ≠ DC; energyKwh 7.2 is not ≥ 10" });
    expect(check({ op: "any", conditions: [...c.conditions, { op: "always" }] })).toEqual({
      holds: true,
      text: "always",
    });
    expect(check({ op: "any", conditions: [] }).holds).toBe(false);
  });

  it("not", () => {
    expect(check({ op: "not", condition: { op: "eq", property: "cpo", value: "NL*ABC" } })).toEqual({
      holds: false,
      text: "not: cpo NL*ABC = NL*ABC",
    });
    expect(check({ op: "not", condition: { op: "eq", property: "cpo", value: "DE*ION" } })).toEqual({
      holds: true,
      text: "cpo NL*ABC ≠ DE*ION",
    });
  });

  it("lists the properties a condition reads", () => {
    const c = compileCondition({
      op: "all",
      conditions: [
        { op: "timeOfDay", from: "22:00", to: "06:00" },
        { op: "not", condition: { op: "in", property: "cpo", values: ["X*XXX"] } },
        { op: "dayOfWeek", days: ["MONDAY"] },
      ],
    });
    expect(c.properties).toEqual(["startTime", "cpo", "startDay"]);
  });
});
