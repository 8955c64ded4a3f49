// The shape of a pricing result: several tariffs in one session, the trace, JSON, and errors.
import { currency, Dec, Duration, Energy, type PriceComponent, type Tariff } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { type OcpiTariffJson, tariffFromOcpi } from "./fixtures/ocpi-tariff.ts";
import { expectCosts, session } from "./fixtures/sessions.ts";
import t6 from "./fixtures/spec-examples/tariff_6_025kwh_start_max_price.json" with { type: "json" };
import { PricingError, priceSession } from "./index.ts";

const d = (s: string) => new Dec(s);
const energy = (price: string, vat?: string): PriceComponent => ({
  dimension: "ENERGY",
  price: d(price),
  vatPercent: vat === undefined ? undefined : d(vat),
  stepSize: 1,
});
const tariff = (id: string, components: PriceComponent[], extra: Partial<Tariff> = {}): Tariff => ({
  id,
  currency: currency("EUR"),
  elements: [{ components }],
  ...extra,
});

describe("several tariffs in one session", () => {
  const a = tariff("A", [energy("0.30", "20")], { minPrice: { exclVat: d("5.00") } });
  const b = tariff("B", [energy("0.50", "20")]);
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("10") }, tariffId: "A" },
    { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("10") }, tariffId: "B" },
  ]);

  it("prices each period with its tariff and applies each tariff's limits to its own lines", () => {
    // A: 10 × 0.30 = 3.00, raised to A's min_price 5.00 (+2.00; incl. at A's effective 20%: +2.40);
    // B: 10 × 0.50 = 5.00. Total 10.00; incl. 3.60 + 2.40 + 6.00 = 12.00.
    const r = priceSession(s, [a, b]);
    expect(r.tariffIds).toEqual(["A", "B"]);
    expect(r.periods.map((p) => p.tariffId)).toEqual(["A", "B"]);
    expectCosts(r, { energy: ["8.0000", "9.6000"], total: ["10.0000", "12.0000"] });
    expect(
      r.adjustments.map((x) => [x.tariffId, x.limit, x.exact.exclVat.toString(), x.exact.inclVat?.toString()]),
    ).toEqual([["A", "min_price", "2", "2.4"]]);
  });

  it("refuses unknown tariff ids and mixed currencies", () => {
    expect(() => priceSession(s, [a])).toThrow(expect.objectContaining({ code: "TARIFF_NOT_FOUND" }));
    const usd: Tariff = { ...b, currency: currency("USD") };
    expect(() => priceSession(s, [a, usd])).toThrow(expect.objectContaining({ code: "CURRENCY_MISMATCH" }));
    expect(() => priceSession({ ...s, currency: "USD" }, [a, b])).toThrow(PricingError);
  });

  it("needs a tariff unless every period is free (and then the session's currency)", () => {
    expect(() => priceSession(s, [])).toThrow(expect.objectContaining({ code: "NO_TARIFF" }));
    const untagged = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [{ at: "2024-06-10T08:00:00Z" }], {
      currency: "EUR",
    });
    expect(() => priceSession(untagged, [])).toThrow(expect.objectContaining({ code: "NO_TARIFF" }));
    expect(priceSession(untagged, [], { profile: { untaggedPeriods: "free" } }).totals.total_cost).toEqual({
      excl_vat: "0.0000",
      incl_vat: "0.0000",
    });
  });
});

describe("the trace", () => {
  it("explains tariff choice, prices, price limits and VAT", () => {
    const s = session("2019-06-01T08:00:00Z", "2019-06-01T12:00:00Z", [
      { at: "2019-06-01T08:00:00Z", dims: { energy: Energy.kwh("50") } },
    ]);
    const r = priceSession(s, [tariffFromOcpi(t6 as OcpiTariffJson)]);
    const types = r.trace.map((e) => e.type);
    expect(types).toEqual(["profile", "tariff", "price", "price", "free", "price-limit"]);
    expect(r.trace[1]).toEqual({
      type: "tariff",
      sourcePeriod: 0,
      tariffId: "16",
      reason: "the only tariff, valid at the session start 2019-06-01T08:00:00.000Z",
    });
    expect(r.trace[3]).toMatchObject({
      type: "price",
      dimension: "ENERGY",
      element: 0,
      component: 1,
      quantity: "50",
      unit: "kWh",
      price: "0.25",
      vat: "10%",
      exclVat: "12.5",
    });
    expect(r.trace[4]).toMatchObject({ type: "free", dimension: "TIME" });
    expect(r.trace[5]).toMatchObject({
      type: "price-limit",
      limit: "max_price",
      before: "13 excl. / 14.35 incl. VAT",
      after: "10 excl. / 11 incl. VAT",
    });
  });

  it("records step sizes, splits, unknown VAT and warnings", () => {
    const t: Tariff = {
      id: "T",
      currency: currency("EUR"),
      elements: [
        {
          components: [{ dimension: "PARKING_TIME", price: d("2.00"), stepSize: 900 }],
          restrictions: { endTime: "12:00" },
        },
        { components: [{ dimension: "PARKING_TIME", price: d("3.00"), stepSize: 900 }] },
      ],
    };
    const s = session(
      "2024-06-10T09:50:00Z",
      "2024-06-10T10:20:00Z",
      [{ at: "2024-06-10T09:50:00Z", dims: { parkingTime: Duration.minutes("30") } }],
      { timeZone: "UTC" },
    );
    const r = priceSession(s, [t]);
    // 09:50–10:20 UTC lies before 12:00: element 0 prices all 30 min, a multiple of 900 s: no step-size extra.
    expect(r.trace.some((e) => e.type === "step-size")).toBe(false);
    const late = session(
      "2024-06-10T11:50:00Z",
      "2024-06-10T12:12:00Z",
      [{ at: "2024-06-10T11:50:00Z", dims: { parkingTime: Duration.minutes("22") } }],
      { timeZone: "UTC" },
    );
    const lr = priceSession(late, [t]);
    // 10 min at 2.00/h + 12 min at 3.00/h; total 22 → 30 min with the last component (3.00/h, 900 s): +8 min.
    // 0.3333… + 0.60 + 0.40 = 1.3333… → 1.33. No VAT given: incl. unknown.
    expectCosts(lr, { parking: ["1.3300"], total: ["1.3300"] });
    expect(lr.trace.find((e) => e.type === "split")).toMatchObject({ reasons: ["local time 12:00"] });
    expect(lr.trace.find((e) => e.type === "step-size")).toMatchObject({
      bucket: "PARKING_TIME",
      element: 1,
      stepSize: 900,
      total: "1320",
      billed: "1800",
      extra: "480",
      exclVat: "0.4",
    });
    expect(lr.trace).toContainEqual(expect.objectContaining({ type: "vat-unknown", category: "PARKING_TIME" }));
    const mismatch = session(
      "2024-06-10T11:50:00Z",
      "2024-06-10T12:12:00Z",
      [{ at: "2024-06-10T11:50:00Z", dims: { parkingTime: Duration.minutes("5") } }],
      { timeZone: "UTC" },
    );
    expect(priceSession(mismatch, [t]).warnings[0]).toMatch(/reported parking time 300s differs from its length 1320s/);
  });

  it("can be switched off", () => {
    const s = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("1") } },
    ]);
    expect(priceSession(s, [tariff("E", [energy("0.25")])], { trace: false }).trace).toEqual([]);
  });
});

describe("JSON", () => {
  it("serializes amounts and quantities as decimal strings", () => {
    const s = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("3.3") } },
    ]);
    const json = JSON.parse(JSON.stringify(priceSession(s, [tariff("E", [energy("0.25", "21")])])));
    // 3.3 × 0.25 = 0.825 → 0.83; incl. 0.99825 → 1.00.
    expect(json.totals.total_cost).toEqual({ excl_vat: "0.8300", incl_vat: "1.0000" });
    expect(json.amounts.total).toEqual({ exclVat: "0.83", inclVat: "1" });
    expect(json.exact.total).toEqual({ exclVat: "0.825", inclVat: "0.99825" });
    expect(json.periods[0]).toMatchObject({
      kind: "charging",
      start: "2024-06-10T08:00:00.000Z",
      energyKwh: "3.3",
      durationSeconds: 3600,
      lines: [{ dimension: "ENERGY", quantity: "3.3", unit: "kWh", price: "0.25", vatPercent: "21" }],
    });
    expect(json.trace[0]).toEqual({ type: "profile", profile: "ocpi-2.2.1" });
  });
});
