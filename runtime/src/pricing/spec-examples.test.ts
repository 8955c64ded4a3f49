// Every tariff example of OCPI 2.2.1 (examples/tariff_*.json and the two TariffRestrictions examples), priced
// against hand-built sessions. Expected amounts are worked out by hand in the comments: the quantities, the element
// that applies, the step_size, VAT, and rounding half-up to cents (the default profile), printed with 4 decimals.
// Where the prose of the specification states an amount, it is quoted; where our number differs, the comment says why.
import { Current, Duration, Energy, Power } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { type OcpiTariffJson, tariffFromOcpi } from "./fixtures/ocpi-tariff.ts";
import { expectCosts, session } from "./fixtures/sessions.ts";
import t1 from "./fixtures/spec-examples/tariff_1_simple_2hour.json" with { type: "json" };
import t2 from "./fixtures/spec-examples/tariff_2_alt_text.json" with { type: "json" };
import t3 from "./fixtures/spec-examples/tariff_3_alt_url.json" with { type: "json" };
import t4 from "./fixtures/spec-examples/tariff_4_complex.json" with { type: "json" };
import t5 from "./fixtures/spec-examples/tariff_5_free_of_charge.json" with { type: "json" };
import t6 from "./fixtures/spec-examples/tariff_6_025kwh_start_max_price.json" with { type: "json" };
import t7 from "./fixtures/spec-examples/tariff_7_first_hour_kwh_free.json" with { type: "json" };
import t8 from "./fixtures/spec-examples/tariff_8_simple_025kwh.json" with { type: "json" };
import t9 from "./fixtures/spec-examples/tariff_9_025kwh_start.json" with { type: "json" };
import t10 from "./fixtures/spec-examples/tariff_10_025kwh_parking_start.json" with { type: "json" };
import t11 from "./fixtures/spec-examples/tariff_11_not_possible_alt_text.json" with { type: "json" };
import t12 from "./fixtures/spec-examples/tariff_12_025kwh_min_price.json" with { type: "json" };
import t13 from "./fixtures/spec-examples/tariff_13_simple_3hour_5parking.json" with { type: "json" };
import t14 from "./fixtures/spec-examples/tariff_14_step_size.json" with { type: "json" };
import t15 from "./fixtures/spec-examples/tariff_15_reservation_5_euro_per_hour.json" with { type: "json" };
import t16 from "./fixtures/spec-examples/tariff_16_reservation_2_euro_fee_5_euro_per_hour.json" with { type: "json" };
import t17 from "./fixtures/spec-examples/tariff_17_reservation_with_expire_fee.json" with { type: "json" };
import t18 from "./fixtures/spec-examples/tariff_18_reservation_with_expire_time.json" with { type: "json" };
import tPut from "./fixtures/spec-examples/tariff_put_example.json" with { type: "json" };
import tMaxDuration from "./fixtures/spec-examples/tariffrestriction_example_max_duration.json" with { type: "json" };
import tMaxPower from "./fixtures/spec-examples/tariffrestriction_example_max_power.json" with { type: "json" };
import { PricingError, priceSession } from "./index.ts";

const tariff = (json: unknown) => tariffFromOcpi(json as OcpiTariffJson);
const kwh = (v: string) => Energy.kwh(v);
const BERLIN = { timeZone: "Europe/Berlin" };

describe("tariff_1_simple_2hour: TIME 2.00/h, 10% VAT, step 60 s", () => {
  it("2.5 hours of charging cost 5.00 excl. / 5.50 incl. VAT (spec)", () => {
    // 2.5 h × 2.00 = 5.00; 5.00 × 1.10 = 5.50. 9000 s is a multiple of 60 s: no step_size extra.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:30:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("15") } },
    ]);
    expectCosts(priceSession(s, [tariff(t1)]), {
      total: ["5.0000", "5.5000"],
      time: ["5.0000", "5.5000"],
      energy: ["0.0000", "0.0000"],
    });
  });

  it("2 h 30 min 20 s is billed as 151 minutes", () => {
    // 9020 s → ceil(9020 / 60) × 60 = 9060 s = 151 min = 2.51666… h × 2.00 = 5.0333… → 5.03;
    // incl. 5.0333… × 1.1 = 5.5366… → 5.54.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:30:20Z", [{ at: "2024-05-06T08:00:00Z" }]);
    expectCosts(priceSession(s, [tariff(t1)]), { total: ["5.0300", "5.5400"] });
  });
});

describe("tariff_2_alt_text: TIME 1.90/h, 5.2% VAT, step 300 s", () => {
  it("2.5 hours cost 4.75 excl. / 5.00 incl. VAT (spec)", () => {
    // 2.5 × 1.90 = 4.75; 4.75 × 1.052 = 4.997 → 5.00.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:30:00Z", [{ at: "2024-05-06T08:00:00Z" }]);
    expectCosts(priceSession(s, [tariff(t2)]), { total: ["4.7500", "5.0000"] });
  });
});

describe("tariff_3_alt_url: FLAT 0.50 (20%), ENERGY 0.25/kWh (10%), step 100 Wh", () => {
  it("20.45 kWh are billed as 20.5 kWh", () => {
    // The spec: "the driver has to pay for 20.5 kWh even though they only charged 20.45 kWh".
    // Energy: 20.5 × 0.25 = 5.125 → 5.13; incl. 5.125 × 1.1 = 5.6375 → 5.64.
    // Total with the start fee: 5.125 + 0.50 = 5.625 → 5.63; incl. 5.6375 + 0.60 = 6.2375 → 6.24.
    // The prose states 5.50 / 6.05, which neither includes the 0.50 FLAT nor equals 20.5 × 0.25; we follow the
    // tariff as published.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:00:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("20.45") } },
    ]);
    const r = priceSession(s, [tariff(t3)]);
    expectCosts(r, { energy: ["5.1300", "5.6400"], fixed: ["0.5000", "0.6000"], total: ["5.6300", "6.2400"] });
    const step = r.trace.find((e) => e.type === "step-size");
    expect(step).toMatchObject({ bucket: "ENERGY", stepSize: 100, total: "20450", billed: "20500", extra: "50" });
  });
});

describe("tariff_4_complex: FLAT, TIME by current and weekday, PARKING_TIME by time of day", () => {
  // 2024-03-04 is a Monday; Europe/Berlin is UTC+1 in March before the 31st.
  const monday = session(
    "2024-03-04T08:30:00Z", // 09:30 local
    "2024-03-04T11:39:00Z", // 12:39 local
    [
      { at: "2024-03-04T08:30:00Z", dims: { energy: kwh("30"), maxCurrent: Current.a("16") } },
      { at: "2024-03-04T10:57:00Z", dims: { parkingTime: Duration.minutes("42") } }, // 147 min of charging
    ],
    BERLIN,
  );

  it("Monday 09:30, 147 min charging at ≤ 16 A, 42 min parking: default profile (mod_cdrs step_size rule)", () => {
    // FLAT 2.50, 15% → 2.875 incl.
    // TIME: max_current 32 holds (16 A < 32 A) → element 1, 1.00/h, 20%: 147 min = 2.45 h → 2.45 / 2.94.
    // PARKING_TIME 11:57–12:39 local on a Monday → element 4 (09:00–18:00 weekdays), 5.00/h, 10%.
    // step_size: TIME and PARKING_TIME are both used, so only the parking total is rounded: 42 → 45 min (300 s):
    // 0.75 h × 5.00 = 3.75 / 4.125.
    // Total 2.50 + 2.45 + 3.75 = 8.70; incl. 2.875 + 2.94 + 4.125 = 9.94.
    expectCosts(priceSession(monday, [tariff(t4)]), {
      fixed: ["2.5000", "2.8800"],
      time: ["2.4500", "2.9400"],
      parking: ["3.7500", "4.1300"],
      total: ["8.7000", "9.9400"],
    });
  });

  it("the same session as the spec's prose computes it (step_size per time dimension): 8.75 / 10.00", () => {
    // The prose: "costs of 8.75 euro (excl. VAT) or 10 euro (incl. VAT) ... Because charging is billed per 15
    // minutes, the driver has to pay for 150 minutes". TIME 150 min × 1.00 = 2.50 / 3.00;
    // total 2.50 + 2.50 + 3.75 = 8.75; incl. 2.875 + 3.00 + 4.125 = 10.00.
    expectCosts(priceSession(monday, [tariff(t4)], { profile: "ocpi-2.2.1-examples" }), {
      time: ["2.5000", "3.0000"],
      total: ["8.7500", "10.0000"],
    });
  });

  const saturday = session(
    "2024-03-09T12:30:00Z", // Saturday 13:30 local
    "2024-03-09T15:35:00Z", // 16:35 local
    [
      { at: "2024-03-09T12:30:00Z", dims: { energy: kwh("40"), minCurrent: Current.a("43") } },
      { at: "2024-03-09T14:24:00Z", dims: { parkingTime: Duration.minutes("71") } }, // 114 min of charging
    ],
    BERLIN,
  );

  it("Saturday 13:30, 114 min charging at ≥ 43 A, 71 min parking", () => {
    // TIME: element 1 needs a max current below 32 A — the period reports only a minimum (43 A), so it cannot hold;
    // element 2 is weekdays only; element 3 (min_current 32, weekend): 1.25/h, 20%: 1.9 h → 2.375 / 2.85.
    // PARKING 15:24–16:35 local, Saturday → element 5 (10:00–17:00), 6.00/h, 10%: 71 → 75 min:
    // 1.25 h × 6.00 = 7.50 / 8.25.
    // Default: total 2.50 + 2.375 + 7.50 = 12.375 → 12.38; incl. 2.875 + 2.85 + 8.25 = 13.975 → 13.98.
    expectCosts(priceSession(saturday, [tariff(t4)]), {
      time: ["2.3800", "2.8500"],
      parking: ["7.5000", "8.2500"],
      total: ["12.3800", "13.9800"],
    });
    // Per-dimension step_size (the prose: "the driver has to pay for 120 minutes"): TIME 2 h × 1.25 = 2.50 / 3.00;
    // total 12.50; incl. 2.875 + 3.00 + 8.25 = 14.125 → 14.13 — the spec's "12.50 euro ... or 14,13 euro".
    expectCosts(priceSession(saturday, [tariff(t4)], { profile: "ocpi-2.2.1-examples" }), {
      total: ["12.5000", "14.1300"],
    });
  });
});

describe("tariff_5_free_of_charge: FLAT 0.00 without VAT", () => {
  it("costs nothing, and incl. VAT is known to be 0 because the amount is 0", () => {
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:00:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("20") } },
    ]);
    expectCosts(priceSession(s, [tariff(t5)]), { total: ["0.0000", "0.0000"], fixed: ["0.0000", "0.0000"] });
  });
});

describe("tariff_6_025kwh_start_max_price: FLAT 0.50 (20%), ENERGY 0.25 (10%), max 10.00 / 11.00, ends 2019-06-30", () => {
  const at = (energy: string, day = "2019-06-01") =>
    session(`${day}T08:00:00Z`, `${day}T12:00:00Z`, [{ at: `${day}T08:00:00Z`, dims: { energy: kwh(energy) } }]);

  it("50 kWh are capped at 10.00 / 11.00 (spec)", () => {
    // 50 × 0.25 = 12.50 + 0.50 = 13.00 > 10.00 → 10.00; incl. 13.75 + 0.60 = 14.35 > 11.00 → 11.00.
    const r = priceSession(at("50"), [tariff(t6)]);
    expectCosts(r, { total: ["10.0000", "11.0000"], energy: ["12.5000", "13.7500"], fixed: ["0.5000", "0.6000"] });
    expect(r.adjustments).toHaveLength(1);
    expect(r.adjustments[0]?.limit).toBe("max_price");
    expect(r.adjustments[0]?.exact.exclVat.toString()).toBe("-3");
    expect(r.adjustments[0]?.exact.inclVat?.toString()).toBe("-3.35");
  });

  it("30 kWh stay below the cap: 8.00 / 8.85 (spec)", () => {
    // 30 × 0.25 = 7.50 + 0.50 = 8.00; incl. 8.25 + 0.60 = 8.85.
    expectCosts(priceSession(at("30"), [tariff(t6)]), { total: ["8.0000", "8.8500"] });
  });

  it("is not valid after its end_date_time", () => {
    expect(() => priceSession(at("30", "2019-07-01"), [tariff(t6)])).toThrow(PricingError);
  });
});

describe("tariff_7_first_hour_kwh_free: parking by session duration, energy by kWh charged", () => {
  // 1 h charging with 20 kWh, then 2.75 h parking (the spec's scenario does not say how long charging took).
  const s = session("2024-05-06T08:00:00Z", "2024-05-06T11:45:00Z", [
    { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("20") } },
    { at: "2024-05-06T09:00:00Z", dims: { parkingTime: Duration.hours("2.75") } },
  ]);

  it("default profile: min/max_duration count from the session start", () => {
    // ENERGY: the first kWh (max_kwh 1) is free, the period is split where 1 kWh is reached (3 min in, at constant
    // power); 19 kWh × 0.20 = 3.80.
    // PARKING 1:00–3:45 into the session: [1 h, 3 h) at 2.00 → 2 h = 4.00; [3 h, 3.75 h) at 3.00 → 0.75 h = 2.25.
    // Total 3.80 + 6.25 = 10.05. No VAT is given: incl. VAT is unknown ("it is not possible to calculate total
    // costs including VAT").
    const r = priceSession(s, [tariff(t7)]);
    expectCosts(r, { energy: ["3.8000"], parking: ["6.2500"], total: ["10.0500"] });
    expect(r.trace.some((e) => e.type === "vat-unknown")).toBe(true);
  });

  it("dimension-time profile: durations count parking time, which gives the spec's 7.30", () => {
    // Parking time so far: [0, 1 h) free, [1 h, 2.75 h) at 2.00 → 1.75 h = 3.50; total 3.80 + 3.50 = 7.30, the
    // spec's "costs of 7.30 euro (excl. VAT)".
    expectCosts(priceSession(s, [tariff(t7)], { profile: { durationReference: "dimension-time" } }), {
      parking: ["3.5000"],
      total: ["7.3000"],
    });
  });
});

describe("tariff_8_simple_025kwh: ENERGY 0.25 (10%)", () => {
  it("20 kWh cost 5.00 / 5.50 (spec)", () => {
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:00:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("20") } },
    ]);
    expectCosts(priceSession(s, [tariff(t8)]), { total: ["5.0000", "5.5000"] });
  });

  it("115.2 Wh are billed as 116 Wh (the step_size note)", () => {
    // 116 Wh × 0.25/kWh = 0.029 → 0.03; incl. 0.0319 → 0.03.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T08:10:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: Energy.wh("115.2") } },
    ]);
    const r = priceSession(s, [tariff(t8)]);
    expect(r.exact.energy.exclVat.toString()).toBe("0.029");
    expectCosts(r, { total: ["0.0300", "0.0300"] });
  });
});

describe("tariff_9_025kwh_start: FLAT 0.50 (20%), ENERGY 0.25 (10%)", () => {
  it("20 kWh cost 5.50 / 6.10 (spec)", () => {
    // 0.50 + 5.00 = 5.50; incl. 0.60 + 5.50 = 6.10.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:00:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("20") } },
    ]);
    expectCosts(priceSession(s, [tariff(t9)]), { total: ["5.5000", "6.1000"], fixed: ["0.5000", "0.6000"] });
  });
});

describe("tariff_10_025kwh_parking_start: FLAT, ENERGY, PARKING_TIME 2.00/h step 900 s", () => {
  it("20 kWh and 40 min parking cost 7.00 / 7.90 (spec)", () => {
    // 0.50 + 5.00 + parking 40 → 45 min = 0.75 h × 2.00 = 1.50; total 7.00.
    // incl. 0.60 + 5.50 + 1.80 = 7.90. There is no TIME component: charging time is free.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:40:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("20") } },
      { at: "2024-05-06T10:00:00Z", dims: { parkingTime: Duration.minutes("40") } },
    ]);
    expectCosts(priceSession(s, [tariff(t10)]), {
      parking: ["1.5000", "1.8000"],
      time: ["0.0000", "0.0000"],
      total: ["7.0000", "7.9000"],
    });
  });
});

describe("tariff_11_not_possible_alt_text: FLAT 0.40 (25%), TIME 1.90 (5.2%), step 300 s", () => {
  it("2 h 31 min is billed as 2 h 35 min", () => {
    // The spec gives no amount. TIME 9060 s → ceil to 300 s → 9300 s = 2.58333… h × 1.90 = 4.908333…;
    // total 4.908333… + 0.40 = 5.308333… → 5.31; incl. 4.908333… × 1.052 = 5.163566… + 0.50 = 5.663566… → 5.66.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:31:00Z", [{ at: "2024-05-06T08:00:00Z" }]);
    expectCosts(priceSession(s, [tariff(t11)]), { total: ["5.3100", "5.6600"] });
  });
});

describe("tariff_12_025kwh_min_price: ENERGY 0.25 (10%), min 0.50 / 0.55", () => {
  const at = (energy: string) =>
    session("2024-05-06T08:00:00Z", "2024-05-06T09:00:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh(energy) } },
    ]);

  it("20 kWh cost 5.00 / 5.50 (spec)", () => {
    expectCosts(priceSession(at("20"), [tariff(t12)]), { total: ["5.0000", "5.5000"] });
  });

  it("1 kWh is raised to the minimum 0.50 / 0.55 (spec: below 2 kWh)", () => {
    // 1 × 0.25 = 0.25 < 0.50 → 0.50; incl. 0.275 < 0.55 → 0.55. The energy total itself stays 0.25.
    const r = priceSession(at("1"), [tariff(t12)]);
    expectCosts(r, { total: ["0.5000", "0.5500"], energy: ["0.2500", "0.2800"] });
    expect(r.adjustments[0]?.limit).toBe("min_price");
  });
});

describe("tariff_13_simple_3hour_5parking: TIME 3.00 (10%) step 60 s, PARKING 5.00 (20%) step 300 s", () => {
  it("150 min charging and 42 min parking cost 11.25 / 12.75 (spec)", () => {
    // TIME 2.5 h × 3.00 = 7.50 / 8.25; PARKING 42 → 45 min: 0.75 h × 5.00 = 3.75 / 4.50.
    // 7.50 + 3.75 = 11.25; 8.25 + 4.50 = 12.75.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T11:12:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("30") } },
      { at: "2024-05-06T10:30:00Z", dims: { parkingTime: Duration.minutes("42") } },
    ]);
    expectCosts(priceSession(s, [tariff(t13)]), { total: ["11.2500", "12.7500"] });
  });
});

describe("tariff_14_step_size: step_size when switching elements (Europe/Berlin, 2024-03-05, UTC+1)", () => {
  it("#1: 16:55, 10 min charging and 2 min parking", () => {
    // TIME 16:55–17:00 at 1.20/h = 0.10; 17:00–17:05 at 2.40/h = 0.20.
    // Default (mod_cdrs: with TIME and PARKING_TIME both used, step_size only for the parking total): charging is
    // not rounded; parking 2 min → 15 min (element 2, 900 s) at 1.00/h = 0.25. Total 0.55.
    const s = session(
      "2024-03-05T15:55:00Z",
      "2024-03-05T16:07:00Z",
      [
        { at: "2024-03-05T15:55:00Z", dims: { energy: kwh("2") } },
        { at: "2024-03-05T16:05:00Z", dims: { parkingTime: Duration.minutes("2") } },
      ],
      BERLIN,
    );
    const r = priceSession(s, [tariff(t14)]);
    expectCosts(r, { time: ["0.3000"], parking: ["0.2500"], total: ["0.5500"] });
    expect(r.periods.map((p) => [p.kind, p.start.toISOString()])).toEqual([
      ["charging", "2024-03-05T15:55:00.000Z"],
      ["charging", "2024-03-05T16:00:00.000Z"], // split at 17:00 local
      ["parking", "2024-03-05T16:05:00.000Z"],
    ]);
    // Per dimension: charging 10 → 15 min with the last TIME component (2.40/h, 900 s): extra 5 min = 0.20;
    // 0.10 + 0.40 + 0.25 = 0.75.
    expectCosts(priceSession(s, [tariff(t14)], { profile: "ocpi-2.2.1-examples" }), { total: ["0.7500"] });
  });

  it("#2: 16:35, 35 min charging only: 1.30 (spec)", () => {
    // 25 min at 1.20/h = 0.50; 10 min at 2.40/h = 0.40; only TIME is used: the total 35 min is rounded with the
    // last TIME component's 900 s to 45 min; the extra 10 min are billed at 2.40/h = 0.40. 0.50 + 0.80 = 1.30.
    const s = session("2024-03-05T15:35:00Z", "2024-03-05T16:10:00Z", [{ at: "2024-03-05T15:35:00Z" }], BERLIN);
    expectCosts(priceSession(s, [tariff(t14)]), { total: ["1.3000"] });
  });

  it("#3: 19:55, 10 min charging, 2 min parking after 20:00 where parking is free: 0.60 (spec)", () => {
    // TIME 19:55–20:00 (element 2) 2.40/h = 0.20; 20:00–20:05 (element 3) 2.40/h = 0.20.
    // Parking 20:05–20:07: no element with PARKING_TIME holds after 20:00 → free, so PARKING_TIME is not used and
    // the TIME total is rounded: 10 → 15 min, extra 5 min at 2.40/h = 0.20. Total 0.60. The tariff gives no VAT:
    // incl. VAT of the time cost is unknown, while the parking cost is 0 and so is known to be 0 incl. VAT.
    const s = session(
      "2024-03-05T18:55:00Z",
      "2024-03-05T19:07:00Z",
      [{ at: "2024-03-05T18:55:00Z" }, { at: "2024-03-05T19:05:00Z", dims: { parkingTime: Duration.minutes("2") } }],
      BERLIN,
    );
    expectCosts(priceSession(s, [tariff(t14)]), {
      time: ["0.6000"],
      parking: ["0.0000", "0.0000"],
      total: ["0.6000"],
    });
  });
});

describe("reservation tariffs (15–18)", () => {
  // A reservation made at 08:00; the CDR starts at the reservation (mod_cdrs: "in-case of a reservation ... the start
  // of the reservation") with a RESERVATION_TIME period, then charging 20 kWh until 10:00.
  const reserved = (minutes: number) => {
    const charging = new Date(Date.parse("2024-05-06T08:00:00Z") + minutes * 60_000).toISOString();
    return session("2024-05-06T08:00:00Z", "2024-05-06T10:00:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { reservationTime: Duration.minutes(String(minutes)) } },
      { at: charging, dims: { energy: kwh("20") } },
    ]);
  };
  const expiredAfter = (hours: string) =>
    session(
      "2024-05-06T08:00:00Z",
      new Date(Date.parse("2024-05-06T08:00:00Z") + Number(hours) * 3_600_000).toISOString(),
      [{ at: "2024-05-06T08:00:00Z", dims: { reservationTime: Duration.hours(hours) } }],
    );

  it("tariff_15: charging 15 min after the reservation: 6.75 / 7.60 (spec)", () => {
    // Reservation TIME 0.25 h × 5.00 = 1.25 / 1.50; FLAT 0.50 / 0.60; ENERGY 5.00 / 5.50.
    expectCosts(priceSession(reserved(15), [tariff(t15)]), {
      reservation: ["1.2500", "1.5000"],
      total: ["6.7500", "7.6000"],
    });
  });

  it("tariff_16: 13 min reservation billed as 15 min plus a 2.00 fee: 8.75 / 10.00 (spec)", () => {
    // Reservation FLAT 2.00 / 2.40 and TIME 13 → 15 min (300 s) × 5.00/h = 1.25 / 1.50 → 3.25 / 3.90;
    // start fee 0.50 / 0.60; energy 5.00 / 5.50. Total 8.75 / 10.00.
    expectCosts(priceSession(reserved(13), [tariff(t16)]), {
      reservation: ["3.2500", "3.9000"],
      fixed: ["0.5000", "0.6000"],
      total: ["8.7500", "10.0000"],
    });
  });

  it("tariff_17: 22 min reservation: 6.50 / 7.30; expired after 1 h: 6.00 / 7.20 (spec)", () => {
    // 22 → 30 min (600 s) × 2.00/h = 1.00 / 1.20; + 0.50 / 0.60 + 5.00 / 5.50 = 6.50 / 7.30.
    expectCosts(priceSession(reserved(22), [tariff(t17)]), { total: ["6.5000", "7.3000"] });
    // Expired: the RESERVATION_EXPIRES element gives FLAT 4.00; TIME comes from the RESERVATION element: 1 h × 2.00.
    // No charging: no start fee. 6.00 / 7.20.
    expectCosts(priceSession(expiredAfter("1"), [tariff(t17)]), {
      reservation: ["6.0000", "7.2000"],
      fixed: ["0.0000", "0.0000"],
      total: ["6.0000", "7.2000"],
    });
  });

  it("tariff_18: 22 min reservation: 7.00 / 7.90; expired after 1.5 h: 9.00 / 10.80 (spec)", () => {
    // 30 min × 3.00/h = 1.50 / 1.80; + 0.50 / 0.60 + 5.00 / 5.50 = 7.00 / 7.90.
    expectCosts(priceSession(reserved(22), [tariff(t18)]), { total: ["7.0000", "7.9000"] });
    // Expired: TIME from the RESERVATION_EXPIRES element ("the time based cost of an expired reservation will be
    // calculated based on the RESERVATION_EXPIRES TariffElement"): 1.5 h × 6.00 = 9.00 / 10.80.
    expectCosts(priceSession(expiredAfter("1.5"), [tariff(t18)]), { total: ["9.0000", "10.8000"] });
  });
});

describe("tariff_put_example: TIME 2.00 (10%), step 300 s", () => {
  it("62 minutes are billed as 65", () => {
    // 65 min = 1.08333… h × 2.00 = 2.1666… → 2.17; incl. 2.38333… → 2.38.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T09:02:00Z", [{ at: "2024-05-06T08:00:00Z" }]);
    expectCosts(priceSession(s, [tariff(tPut)]), { total: ["2.1700", "2.3800"] });
  });
});

describe("tariffrestriction_example_max_power: ENERGY by power band", () => {
  // 1 kWh at 6 kW (10 min), 40 kWh at 48 kW (50 min), 0.5 kWh at 4 kW (7.5 min).
  const periods = (readings: boolean) =>
    session("2024-05-06T08:00:00Z", "2024-05-06T09:07:30Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("1"), ...(readings ? { maxPower: Power.kw("6") } : {}) } },
      { at: "2024-05-06T08:10:00Z", dims: { energy: kwh("40"), ...(readings ? { maxPower: Power.kw("48") } : {}) } },
      { at: "2024-05-06T09:00:00Z", dims: { energy: kwh("0.5"), ...(readings ? { maxPower: Power.kw("4") } : {}) } },
    ]);

  it("costs 20.30 excl. VAT (spec), from MAX_POWER readings and from energy over time", () => {
    // 6 kW < 16 → 0.20 × 1 = 0.20; 48 kW ≥ 32 → fallback 0.50 × 40 = 20.00; 4 kW → 0.20 × 0.5 = 0.10.
    // 20.30; incl. 20% → 24.36.
    for (const readings of [true, false]) {
      expectCosts(priceSession(periods(readings), [tariff(tMaxPower)]), { total: ["20.3000", "24.3600"] });
    }
  });
});

describe("tariffrestriction_example_max_duration: free for 30 min, 0.25 until 60 min, then 0.40", () => {
  it("5 kWh in the first 30 min and 1.2 kWh in the next 10 min cost 0.30 (spec)", () => {
    // 5 kWh free (max_duration 1800 s holds); 1.2 kWh at 0.25 = 0.30; incl. 20% → 0.36.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T08:40:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("5") } },
      { at: "2024-05-06T08:30:00Z", dims: { energy: kwh("1.2") } },
    ]);
    expectCosts(priceSession(s, [tariff(tMaxDuration)]), { total: ["0.3000", "0.3600"] });
  });

  it("a single 40 min period is split at 30 min, energy shared in proportion to time", () => {
    // 6.2 kWh over 40 min: 30/40 → 4.65 kWh free, 10/40 → 1.55 kWh × 0.25 = 0.3875 → 0.39; incl. 0.465 → 0.47.
    const s = session("2024-05-06T08:00:00Z", "2024-05-06T08:40:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: kwh("6.2") } },
    ]);
    const r = priceSession(s, [tariff(tMaxDuration)]);
    expectCosts(r, { total: ["0.3900", "0.4700"] });
    expect(r.periods.map((p) => p.energy.kwh.toString())).toEqual(["4.65", "1.55"]);
  });
});
