// Reconciliation: a CDR's reported totals against our pricing, and the classification of the difference.
import { type ChargeSession, currency, Dec, Duration, Energy, Power, type Tariff } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { type OcpiTariffJson, tariffFromOcpi } from "./fixtures/ocpi-tariff.ts";
import { session } from "./fixtures/sessions.ts";
import t8 from "./fixtures/spec-examples/tariff_8_simple_025kwh.json" with { type: "json" };
import { PricingError, reconcile } from "./index.ts";

const d = (s: string) => new Dec(s);
const cost = (excl: string, incl?: string) => ({ exclVat: d(excl), inclVat: incl === undefined ? undefined : d(incl) });
const reported = (s: ChargeSession, excl: string, incl?: string): ChargeSession => ({
  ...s,
  reportedTotals: { cost: cost(excl, incl) },
});

describe("reconcile", () => {
  // tariff_8: 0.25/kWh, 10% VAT; 20 kWh → 5.00 / 5.50.
  const t = tariffFromOcpi(t8 as OcpiTariffJson);
  const s = session("2024-05-06T08:00:00Z", "2024-05-06T10:00:00Z", [
    { at: "2024-05-06T08:00:00Z", dims: { energy: Energy.kwh("20") } },
  ]);

  it("none: the CDR says what we say", () => {
    const r = reconcile(reported(s, "5.00", "5.50"), [t]);
    expect(r.kind).toBe("none");
    expect(r.difference.exclVat.isZero()).toBe(true);
  });

  it("rounding: a cent apart", () => {
    const r = reconcile(reported(s, "5.01", "5.51"), [t]);
    expect(r.kind).toBe("rounding");
    expect(r.difference.exclVat.toString()).toBe("0.01");
    expect(r.difference.inclVat?.toString()).toBe("0.01");
  });

  it("compares every total the CDR reports", () => {
    const withParts: ChargeSession = {
      ...s,
      reportedTotals: { cost: cost("5.00", "5.50"), energyCost: cost("4.80", "5.28"), fixedCost: cost("0.20") },
    };
    const r = reconcile(withParts, [t]);
    expect(r.totals.map((x) => [x.name, x.difference.exclVat.toString()])).toEqual([
      ["total_cost", "0"],
      ["total_fixed_cost", "0.2"],
      ["total_energy_cost", "-0.2"],
    ]);
  });

  it("step size: the CPO billed exact minutes", () => {
    // TIME 2.00/h, step 900 s; 62 min. We bill 75 min = 2.50; the CPO billed 62 min = 2.0666… → 2.07.
    const tt: Tariff = {
      id: "T",
      currency: currency("EUR"),
      elements: [{ components: [{ dimension: "TIME", price: d("2.00"), stepSize: 900 }] }],
    };
    const s62 = session("2024-05-06T08:00:00Z", "2024-05-06T09:02:00Z", [{ at: "2024-05-06T08:00:00Z" }]);
    const r = reconcile(reported(s62, "2.07"), [tt]);
    expect(r.kind).toBe("step-size");
    expect(r.difference.exclVat.toString()).toBe("-0.43");
    expect(r.explanation?.change).toEqual({ applyStepSize: false });
    expect(r.explanation?.computed.exclVat.toString()).toBe("2.07");
  });

  it("step size: the CPO rounded charging and parking time separately", () => {
    // mod_cdrs example: TIME 1.00/h and PARKING_TIME 2.00/h, both 600 s; 21 min charging, 16 min parking.
    // We: 0.35 + 0.67 = 1.02; per dimension: 0.50 + 0.67 = 1.17.
    const tt: Tariff = {
      id: "S",
      currency: currency("EUR"),
      elements: [
        {
          components: [
            { dimension: "TIME", price: d("1.00"), stepSize: 600 },
            { dimension: "PARKING_TIME", price: d("2.00"), stepSize: 600 },
          ],
        },
      ],
    };
    const sp = session("2024-06-10T08:00:00Z", "2024-06-10T08:37:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("5") } },
      { at: "2024-06-10T08:21:00Z", dims: { parkingTime: Duration.minutes("16") } },
    ]);
    const r = reconcile(reported(sp, "1.17"), [tt]);
    expect(r.kind).toBe("step-size");
    expect(r.explanation?.change).toEqual({ timeStepSize: "per-dimension" });
  });

  it("time zone: the CPO evaluated local times in UTC", () => {
    // 0.50/kWh 07:00–19:00, else 0.20. 18:00–20:00 in Amsterdam (16:00–18:00Z), 10 kWh:
    // we 5 × 0.50 + 5 × 0.20 = 3.50; in UTC all of it is before 19:00: 10 × 0.50 = 5.00.
    const tt: Tariff = {
      id: "TOU",
      currency: currency("EUR"),
      elements: [
        {
          components: [{ dimension: "ENERGY", price: d("0.50"), stepSize: 1 }],
          restrictions: { startTime: "07:00", endTime: "19:00" },
        },
        { components: [{ dimension: "ENERGY", price: d("0.20"), stepSize: 1 }] },
      ],
    };
    const sz = session(
      "2024-06-10T16:00:00Z",
      "2024-06-10T18:00:00Z",
      [{ at: "2024-06-10T16:00:00Z", dims: { energy: Energy.kwh("10") } }],
      { timeZone: "Europe/Amsterdam", countryCode: "NL" },
    );
    const r = reconcile(reported(sz, "5.00"), [tt]);
    expect(r.kind).toBe("time-zone");
    expect(r.difference.exclVat.toString()).toBe("1.5");
    expect(r.explanation?.change).toEqual({ timeZone: "UTC" });
  });

  it("restriction: the CPO ignored max_power", () => {
    // ENERGY 0.50 under 22 kW, else 0.20: 22 kWh in 1 h (22 kW) + 11 kWh in 1 h (11 kW).
    // We: 22 × 0.20 + 11 × 0.50 = 9.90; ignoring max_power: 33 × 0.50 = 16.50.
    const tt: Tariff = {
      id: "P",
      currency: currency("EUR"),
      elements: [
        {
          components: [{ dimension: "ENERGY", price: d("0.50"), stepSize: 1 }],
          restrictions: { maxPower: Power.kw("22") },
        },
        { components: [{ dimension: "ENERGY", price: d("0.20"), stepSize: 1 }] },
      ],
    };
    const sp = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("22") } },
      { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("11") } },
    ]);
    const r = reconcile(reported(sp, "16.50"), [tt]);
    expect(r.kind).toBe("restriction");
    expect(r.explanation?.change).toEqual({ ignoreRestrictions: ["maxPower"] });
    expect(r.summary).toContain("max_power");
  });

  it("unknown: nothing single explains it", () => {
    const r = reconcile(reported(s, "99.99"), [t]);
    expect(r.kind).toBe("unknown");
    expect(r.difference.exclVat.toString()).toBe("94.99");
  });

  it("a custom tolerance widens 'rounding'", () => {
    expect(reconcile(reported(s, "5.04"), [t]).kind).toBe("unknown");
    expect(reconcile(reported(s, "5.04"), [t], { tolerance: d("0.05") }).kind).toBe("rounding");
  });

  it("needs a reported total_cost", () => {
    expect(() => reconcile(s, [t])).toThrow(PricingError);
  });
});
