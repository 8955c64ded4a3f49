// Every TariffRestrictions field: a session where the restriction decides the price, the price worked out by hand,
// and a check that pricing with the restriction ignored gives a different amount (so the test fails if the pricer
// ever stops honouring it). Tariffs are in EUR without VAT (incl. VAT is therefore unknown and not asserted);
// Europe/Amsterdam is UTC+2 in June.
import {
  Current,
  currency,
  Dec,
  Duration,
  Energy,
  Power,
  type PriceComponent,
  type Tariff,
  type TariffRestrictions,
} from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { expectCosts, type PeriodSpec, session } from "./fixtures/sessions.ts";
import { type PricingResult, priceSession, type RestrictionName } from "./index.ts";

const d = (s: string) => new Dec(s);
const energy = (price: string): PriceComponent => ({ dimension: "ENERGY", price: d(price), stepSize: 1 });
const time = (price: string): PriceComponent => ({ dimension: "TIME", price: d(price), stepSize: 1 });

/** Element 0 holds `restricted` (0.50/kWh) under `r`; element 1 is the fallback (0.20/kWh). */
function twoPrices(
  r: TariffRestrictions,
  restricted: PriceComponent = energy("0.50"),
  fallback = energy("0.20"),
): Tariff {
  return {
    id: "R",
    currency: currency("EUR"),
    elements: [{ components: [restricted], restrictions: r }, { components: [fallback] }],
  };
}

const AMS = { timeZone: "Europe/Amsterdam" };

/** One charging period of 10 kWh from `start` to `end`. */
function tenKwh(start: string, end: string, extra: Parameters<typeof session>[3] = AMS) {
  return session(start, end, [{ at: start, dims: { energy: Energy.kwh("10") } }], extra);
}

function priced(s: ReturnType<typeof session>, t: Tariff, ignore?: RestrictionName[]): PricingResult {
  return priceSession(s, [t], ignore ? { profile: { ignoreRestrictions: ignore } } : {});
}

function expectIgnoredDiffers(s: ReturnType<typeof session>, t: Tariff, ignore: RestrictionName[]) {
  const honoured = priced(s, t).totals.total_cost.excl_vat;
  const ignored = priced(s, t, ignore).totals.total_cost.excl_vat;
  expect(ignored).not.toBe(honoured);
}

describe("start_time / end_time (local time, start inclusive, end exclusive)", () => {
  it("start_time only: valid from 18:00 local", () => {
    // 17:00–19:00 local (15:00–17:00Z), 10 kWh at constant power, split at 18:00:
    // 5 kWh × 0.20 = 1.00 before, 5 kWh × 0.50 = 2.50 after → 3.50.
    const t = twoPrices({ startTime: "18:00" });
    const s = tenKwh("2024-06-10T15:00:00Z", "2024-06-10T17:00:00Z");
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["startTime"]);
  });

  it("end_time only: valid until 18:00 local", () => {
    // 5 kWh × 0.50 + 5 kWh × 0.20 = 3.50.
    const t = twoPrices({ endTime: "18:00" });
    const s = tenKwh("2024-06-10T15:00:00Z", "2024-06-10T17:00:00Z");
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["endTime"]);
  });

  it("a window across midnight (22:00–06:00), entered in the evening and left in the morning", () => {
    const t = twoPrices({ startTime: "22:00", endTime: "06:00" });
    // Evening: 21:00–23:00 local → 5 kWh × 0.20 + 5 kWh × 0.50 = 3.50, split at 22:00 local (20:00Z).
    const evening = tenKwh("2024-06-10T19:00:00Z", "2024-06-10T21:00:00Z");
    const r = priced(evening, t);
    expectCosts(r, { total: ["3.5000"] });
    expect(r.periods.map((p) => p.start.toISOString())).toEqual([
      "2024-06-10T19:00:00.000Z",
      "2024-06-10T20:00:00.000Z",
    ]);
    expect(r.trace.find((e) => e.type === "split")).toMatchObject({ reasons: ["local time 22:00"] });
    // Morning: 05:00–07:00 local → 5 kWh × 0.50 + 5 kWh × 0.20 = 3.50.
    expectCosts(priced(tenKwh("2024-06-11T03:00:00Z", "2024-06-11T05:00:00Z"), t), { total: ["3.5000"] });
    expectIgnoredDiffers(evening, t, ["startTime", "endTime"]);
  });

  it("the same instants priced in another zone select other elements", () => {
    // 19:00–21:00Z is 21:00–23:00 in Amsterdam (split at 22:00) but 15:00–17:00 in New York (all 0.20) → 2.00.
    const t = twoPrices({ startTime: "22:00", endTime: "06:00" });
    const s = tenKwh("2024-06-10T19:00:00Z", "2024-06-10T21:00:00Z", { timeZone: "America/New_York" });
    expectCosts(priced(s, t), { total: ["2.0000"] });
  });
});

describe("start_date / end_date (local dates, start inclusive, end exclusive)", () => {
  // 2024-06-14 23:00 → 2024-06-15 01:00 local (21:00–23:00Z), split at local midnight.
  const s = tenKwh("2024-06-14T21:00:00Z", "2024-06-14T23:00:00Z");

  it("start_date: valid from 2024-06-15", () => {
    // Before midnight 5 kWh × 0.20 = 1.00; after 5 kWh × 0.50 = 2.50 → 3.50.
    const t = twoPrices({ startDate: "2024-06-15" });
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["startDate"]);
  });

  it("end_date: valid until 2024-06-15 (exclusive)", () => {
    // 5 × 0.50 + 5 × 0.20 = 3.50.
    const t = twoPrices({ endDate: "2024-06-15" });
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["endDate"]);
  });
});

describe("day_of_week (local)", () => {
  it("SATURDAY only: Friday 23:00 → Saturday 01:00 local", () => {
    // 2024-06-14 is a Friday. 5 × 0.20 + 5 × 0.50 = 3.50.
    const t = twoPrices({ daysOfWeek: ["SATURDAY"] });
    const s = tenKwh("2024-06-14T21:00:00Z", "2024-06-14T23:00:00Z");
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["daysOfWeek"]);
  });
});

describe("min_kwh / max_kwh (energy charged so far in the session)", () => {
  const s = tenKwh("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z");

  it("min_kwh 5: valid from the 5th kWh", () => {
    // First 5 kWh × 0.20 = 1.00, next 5 kWh × 0.50 = 2.50 → 3.50 (the period is split where 5 kWh are reached).
    const t = twoPrices({ minEnergy: Energy.kwh("5") });
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["minEnergy"]);
  });

  it("max_kwh 5: valid until 5 kWh", () => {
    // 5 × 0.50 + 5 × 0.20 = 3.50.
    const t = twoPrices({ maxEnergy: Energy.kwh("5") });
    const r = priced(s, t);
    expectCosts(r, { total: ["3.5000"] });
    expect(r.periods.map((p) => p.energy.kwh.toString())).toEqual(["5", "5"]);
    expectIgnoredDiffers(s, t, ["maxEnergy"]);
  });

  it("counts energy of earlier periods", () => {
    // Period 1: 4 kWh (all under max_kwh 5) × 0.50 = 2.00; period 2: 1 kWh more at 0.50 (0.50), then 5 kWh at 0.20
    // (1.00) → 3.50.
    const t = twoPrices({ maxEnergy: Energy.kwh("5") });
    const two = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("4") } },
      { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("6") } },
    ]);
    expectCosts(priced(two, t), { total: ["3.5000"] });
  });
});

describe("min_current / max_current (readings of the period; min inclusive, max exclusive)", () => {
  // TIME: 2.00/h under the restriction, else 1.00/h. Two one-hour periods.
  const periods = (a: PeriodSpec["dims"], b: PeriodSpec["dims"]) =>
    session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: a },
      { at: "2024-06-10T09:00:00Z", dims: b },
    ]);

  it("min_current 32 A: a period whose minimum current is 40 A, then one at 16 A", () => {
    // 1 h × 2.00 + 1 h × 1.00 = 3.00.
    const t = twoPrices({ minCurrent: Current.a("32") }, time("2.00"), time("1.00"));
    const s = periods({ minCurrent: Current.a("40") }, { minCurrent: Current.a("16") });
    expectCosts(priced(s, t), { total: ["3.0000"] });
    expectIgnoredDiffers(s, t, ["minCurrent"]);
  });

  it("max_current 20 A: maximum 16 A holds, 20 A does not (exclusive)", () => {
    // 2.00 + 1.00 = 3.00.
    const t = twoPrices({ maxCurrent: Current.a("20") }, time("2.00"), time("1.00"));
    const s = periods({ maxCurrent: Current.a("16") }, { maxCurrent: Current.a("20") });
    expectCosts(priced(s, t), { total: ["3.0000"] });
    expectIgnoredDiffers(s, t, ["maxCurrent"]);
  });

  it("falls back to the average CURRENT when no minimum/maximum is reported", () => {
    const t = twoPrices({ minCurrent: Current.a("32") }, time("2.00"), time("1.00"));
    const s = periods({ current: Current.a("32") }, { current: Current.a("31.9") });
    expectCosts(priced(s, t), { total: ["3.0000"] });
  });
});

describe("min_power / max_power (readings, else energy over charging time)", () => {
  // Period A: 22 kWh in 1 h (22 kW); period B: 11 kWh in 1 h (11 kW). No power readings: derived.
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("22") } },
    { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("11") } },
  ]);

  it("min_power 22 kW holds at exactly 22 kW", () => {
    // 22 × 0.50 + 11 × 0.20 = 11.00 + 2.20 = 13.20.
    const t = twoPrices({ minPower: Power.kw("22") });
    expectCosts(priced(s, t), { total: ["13.2000"] });
    expectIgnoredDiffers(s, t, ["minPower"]);
  });

  it("max_power 22 kW does not hold at 22 kW (exclusive)", () => {
    // 22 × 0.20 + 11 × 0.50 = 4.40 + 5.50 = 9.90.
    const t = twoPrices({ maxPower: Power.kw("22") });
    expectCosts(priced(s, t), { total: ["9.9000"] });
    expectIgnoredDiffers(s, t, ["maxPower"]);
  });

  it("uses MAX_POWER/MIN_POWER readings when given", () => {
    // Readings say 50 kW in period A: max_power 22 does not hold → 22 × 0.20 + 11 × 0.50 (derived 11 kW) = 9.90;
    // with A reading 10 kW: 22 × 0.50 + 11 × 0.50 = 16.50.
    const t = twoPrices({ maxPower: Power.kw("22") });
    const withReading = (kw: string) =>
      session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
        { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("22"), maxPower: Power.kw(kw) } },
        { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("11") } },
      ]);
    expectCosts(priced(withReading("50"), t), { total: ["9.9000"] });
    expectCosts(priced(withReading("10"), t), { total: ["16.5000"] });
  });
});

describe("min_duration / max_duration (session duration so far; min inclusive, max exclusive)", () => {
  const s = tenKwh("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z");

  it("min_duration 3600 s: valid from the second hour", () => {
    // 5 × 0.20 + 5 × 0.50 = 3.50.
    const t = twoPrices({ minDuration: Duration.seconds("3600") });
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["minDuration"]);
  });

  it("max_duration 3600 s: valid during the first hour", () => {
    // 5 × 0.50 + 5 × 0.20 = 3.50.
    const t = twoPrices({ maxDuration: Duration.seconds("3600") });
    expectCosts(priced(s, t), { total: ["3.5000"] });
    expectIgnoredDiffers(s, t, ["maxDuration"]);
  });
});

describe("reservation", () => {
  // Reservation element: TIME 5.00/h; ordinary element: ENERGY 0.20/kWh. 15 min reservation, then 1 h charging.
  const t: Tariff = {
    id: "RES",
    currency: currency("EUR"),
    elements: [
      { components: [time("5.00")], restrictions: { reservation: "RESERVATION" } },
      { components: [energy("0.20")] },
    ],
  };
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T09:15:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { reservationTime: Duration.minutes("15") } },
    { at: "2024-06-10T08:15:00Z", dims: { energy: Energy.kwh("10") } },
  ]);

  it("prices reservation time with the reservation element only, charging with the others", () => {
    // Reservation 0.25 h × 5.00 = 1.25 (total_reservation_cost); energy 10 × 0.20 = 2.00; charging TIME is free.
    expectCosts(priced(s, t), {
      reservation: ["1.2500"],
      time: ["0.0000", "0.0000"],
      total: ["3.2500"],
    });
    // Ignored, the reservation element would price the 1 h of charging at 5.00/h instead.
    expectIgnoredDiffers(s, t, ["reservation"]);
  });

  it("RESERVATION_EXPIRES elements apply only to an expired reservation", () => {
    const withExpiry: Tariff = {
      ...t,
      elements: [
        {
          components: [{ dimension: "FLAT", price: d("4.00"), stepSize: 1 }],
          restrictions: { reservation: "RESERVATION_EXPIRES" },
        },
        ...t.elements,
      ],
    };
    // Not expired: as above, 3.25. Expired (1 h reservation, nothing else): FLAT 4.00 + 1 h × 5.00 = 9.00.
    expectCosts(priced(s, withExpiry), { total: ["3.2500"] });
    const expired = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { reservationTime: Duration.hours("1") } },
    ]);
    expectCosts(priced(expired, withExpiry), { reservation: ["9.0000"], total: ["9.0000"] });
    // An explicit reservationExpired=false on the same data uses the RESERVATION element only: 5.00.
    expectCosts(priced({ ...expired, reservationExpired: false }, withExpiry), { total: ["5.0000"] });
  });
});

describe("combined restrictions and element order", () => {
  it("the first element whose restrictions all hold wins, per dimension", () => {
    // Element 0: ENERGY 0.50 on weekdays 08:00–20:00; element 1: TIME 1.00/h without restriction and
    // ENERGY 0.10 (never reached for ENERGY while element 0 holds); element 2: ENERGY 0.30.
    // Monday 2024-06-10 19:00–21:00 local, 10 kWh: ENERGY 19–20 → element 0: 5 × 0.50 = 2.50; 20–21 → element 1:
    // 5 × 0.10 = 0.50. TIME 2 h × 1.00 = 2.00. Total 5.00.
    const t: Tariff = {
      id: "ORDER",
      currency: currency("EUR"),
      elements: [
        {
          components: [energy("0.50")],
          restrictions: {
            startTime: "08:00",
            endTime: "20:00",
            daysOfWeek: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
          },
        },
        { components: [time("1.00"), energy("0.10")] },
        { components: [energy("0.30")] },
      ],
    };
    const s = tenKwh("2024-06-10T17:00:00Z", "2024-06-10T19:00:00Z");
    const r = priced(s, t);
    expectCosts(r, { energy: ["3.0000"], time: ["2.0000"], total: ["5.0000"] });
    const prices = r.trace.filter((e) => e.type === "price");
    expect(prices.map((e) => e.type === "price" && [e.dimension, e.element])).toEqual([
      ["ENERGY", 0],
      ["TIME", 1],
      ["ENERGY", 1],
      ["TIME", 1],
    ]);
    expect(prices[0]).toMatchObject({
      held: { time: "local 19:00 within 08:00–20:00", day_of_week: expect.stringContaining("MONDAY in") },
    });
  });
});
