// Every interpretation-profile option: a session where the option changes the result, with both results worked out
// by hand, so that a pricer ignoring the option fails one of the two assertions. Plus the profile registry.
import { Current, currency, Dec, Duration, Energy, type PriceComponent, type Tariff } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { type OcpiTariffJson, tariffFromOcpi } from "./fixtures/ocpi-tariff.ts";
import { expectCosts, session } from "./fixtures/sessions.ts";
import t4 from "./fixtures/spec-examples/tariff_4_complex.json" with { type: "json" };
import t6 from "./fixtures/spec-examples/tariff_6_025kwh_start_max_price.json" with { type: "json" };
import t7 from "./fixtures/spec-examples/tariff_7_first_hour_kwh_free.json" with { type: "json" };
import {
  CPO_PER_LINE,
  DEFAULT_PROFILE,
  defineProfile,
  getProfile,
  OCPI_221,
  PricingError,
  type PricingProfile,
  priceSession,
  profileNames,
  registerProfile,
  resolveProfile,
} from "./index.ts";

const d = (s: string) => new Dec(s);
const component = (
  dimension: PriceComponent["dimension"],
  price: string,
  stepSize = 1,
  vat?: string,
): PriceComponent => ({
  dimension,
  price: d(price),
  stepSize,
  vatPercent: vat === undefined ? undefined : d(vat),
});
const tariff = (id: string, elements: Tariff["elements"], extra: Partial<Tariff> = {}): Tariff => ({
  id,
  currency: currency("EUR"),
  elements,
  ...extra,
});
const ocpi = (json: unknown) => tariffFromOcpi(json as OcpiTariffJson);
const with_ = (overrides: Partial<PricingProfile>) => ({ profile: overrides });

describe("durationReference", () => {
  // First 30 min of charging free (max_duration 1800), then 0.30/kWh. 30 min reservation, then 1 h charging, 12 kWh.
  const t = tariff("D", [
    { components: [component("ENERGY", "0.00")], restrictions: { maxDuration: Duration.seconds("1800") } },
    { components: [component("ENERGY", "0.30")] },
  ]);
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T09:30:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { reservationTime: Duration.minutes("30") } },
    { at: "2024-06-10T08:30:00Z", dims: { energy: Energy.kwh("12") } },
  ]);

  it("session-start (default): the reservation counts, the free half hour is over when charging starts", () => {
    // 12 kWh × 0.30 = 3.60.
    expectCosts(priceSession(s, [t]), { total: ["3.6000"] });
  });

  it("charging-start: the first 30 min of charging are free", () => {
    // 6 kWh free, 6 kWh × 0.30 = 1.80.
    expectCosts(priceSession(s, [t], with_({ durationReference: "charging-start" })), { total: ["1.8000"] });
  });

  it("dimension-time: parking durations count parking time (tariff_7, 1 h charging + 2.75 h parking)", () => {
    // See spec-examples: session-start gives parking 6.25, dimension-time 3.50.
    const s7 = session("2024-05-06T08:00:00Z", "2024-05-06T11:45:00Z", [
      { at: "2024-05-06T08:00:00Z", dims: { energy: Energy.kwh("20") } },
      { at: "2024-05-06T09:00:00Z", dims: { parkingTime: Duration.hours("2.75") } },
    ]);
    expectCosts(priceSession(s7, [ocpi(t7)]), { parking: ["6.2500"] });
    expectCosts(priceSession(s7, [ocpi(t7)], with_({ durationReference: "dimension-time" })), { parking: ["3.5000"] });
  });
});

describe("timeStepSize", () => {
  // mod_cdrs example: "Time spent charging costs € 1.00 per hour and time spent parking (not charging) costs € 2.00
  // per hour. Both Price Components have a step_size of 10 minutes. If a driver charges 21 minutes, and keeps his EV
  // connected while it is full for another 16 minutes, then the step_size rounds the parking duration up to 20
  // minutes, making it a total of 41 minutes."
  const t = tariff("S", [{ components: [component("TIME", "1.00", 600), component("PARKING_TIME", "2.00", 600)] }]);
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T08:37:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("5") } },
    { at: "2024-06-10T08:21:00Z", dims: { parkingTime: Duration.minutes("16") } },
  ]);

  it("parking-only-when-both (default): 21 min charging + 20 min parking", () => {
    // 21/60 × 1.00 = 0.35; 20/60 × 2.00 = 0.666… → total 1.0166… → 1.02.
    expectCosts(priceSession(s, [t]), { time: ["0.3500"], parking: ["0.6700"], total: ["1.0200"] });
  });

  it("per-dimension: 30 min charging + 20 min parking", () => {
    // 0.50 + 0.666… = 1.1666… → 1.17.
    expectCosts(priceSession(s, [t], with_({ timeStepSize: "per-dimension" })), { total: ["1.1700"] });
  });
});

describe("applyStepSize", () => {
  it("false bills exact quantities", () => {
    // TIME 2.00/h step 60 s, 2 h 30 min 20 s: with step 151 min → 5.0333… → 5.03; without 2.50555… h → 5.0111… → 5.01.
    const t = tariff("T", [{ components: [component("TIME", "2.00", 60)] }]);
    const s = session("2024-06-10T08:00:00Z", "2024-06-10T10:30:20Z", [{ at: "2024-06-10T08:00:00Z" }]);
    expectCosts(priceSession(s, [t]), { total: ["5.0300"] });
    expectCosts(priceSession(s, [t], with_({ applyStepSize: false })), { total: ["5.0100"] });
  });
});

describe("applyPriceLimits", () => {
  it("false ignores max_price", () => {
    // tariff_6 (id 16): 50 kWh → 13.00 / 14.35 uncapped, 10.00 / 11.00 capped.
    const s = session("2019-06-01T08:00:00Z", "2019-06-01T12:00:00Z", [
      { at: "2019-06-01T08:00:00Z", dims: { energy: Energy.kwh("50") } },
    ]);
    expectCosts(priceSession(s, [ocpi(t6)]), { total: ["10.0000", "11.0000"] });
    expectCosts(priceSession(s, [ocpi(t6)], with_({ applyPriceLimits: false })), { total: ["13.0000", "14.3500"] });
  });
});

describe("rounding", () => {
  const energyAt = (price: string) => tariff("E", [{ components: [component("ENERGY", price)] }]);
  const oneKwh = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("1") } },
  ]);
  const rounding = (mode: "HALF_UP" | "HALF_EVEN" | "UP" | "DOWN", decimals?: number) =>
    with_({ rounding: { mode, scope: "PER_TOTAL", decimals } });

  it("mode: half-up vs half-even on 0.125, up vs down on 0.121", () => {
    expectCosts(priceSession(oneKwh, [energyAt("0.125")]), { total: ["0.1300"] });
    expectCosts(priceSession(oneKwh, [energyAt("0.125")], rounding("HALF_EVEN")), { total: ["0.1200"] });
    expectCosts(priceSession(oneKwh, [energyAt("0.135")], rounding("HALF_EVEN")), { total: ["0.1400"] });
    expectCosts(priceSession(oneKwh, [energyAt("0.121")], rounding("UP")), { total: ["0.1300"] });
    expectCosts(priceSession(oneKwh, [energyAt("0.129")], rounding("DOWN")), { total: ["0.1200"] });
  });

  it("decimals: 4 keeps 0.1255", () => {
    expectCosts(priceSession(oneKwh, [energyAt("0.12555")], rounding("HALF_UP", 4)), { total: ["0.1256"] });
    expectCosts(priceSession(oneKwh, [energyAt("0.12555")]), { total: ["0.1300"] });
  });

  it("the currency's minor units by default: JPY 0, BHD 3", () => {
    const jpy: Tariff = { ...energyAt("12.5"), currency: currency("JPY") };
    const bhd: Tariff = { ...energyAt("0.1235"), currency: currency("BHD") };
    expectCosts(priceSession(oneKwh, [jpy]), { total: ["13.0000"] });
    expectCosts(priceSession(oneKwh, [bhd]), { total: ["0.1240"] });
  });

  it("scope: per line vs per total", () => {
    // Two periods of 0.05 kWh at 0.10/kWh: two lines of 0.005. Per line: 0.01 + 0.01 = 0.02; per total: 0.010 → 0.01.
    const s = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
      { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("0.05") } },
      { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("0.05") } },
    ]);
    const t = energyAt("0.10");
    expectCosts(priceSession(s, [t]), { total: ["0.0100"] });
    const perLine = priceSession(s, [t], with_({ rounding: { mode: "HALF_UP", scope: "PER_LINE" } }));
    expectCosts(perLine, { total: ["0.0200"] });
    expect(perLine.periods.map((p) => p.lines[0]?.cost.exclVat.toString())).toEqual(["0.01", "0.01"]);
    expect(perLine.periods.map((p) => p.lines[0]?.exact.exclVat.toString())).toEqual(["0.005", "0.005"]);
  });
});

describe("periodsBeforeSessionStart", () => {
  // TIME 2.00/h; the session says 10:00–11:00 but its first period starts at 09:30.
  const t = tariff("T", [{ components: [component("TIME", "2.00")] }]);
  const s = session("2024-06-10T10:00:00Z", "2024-06-10T11:00:00Z", [{ at: "2024-06-10T09:30:00Z" }]);

  it("clip (default): only the session's hour is billed", () => {
    const r = priceSession(s, [t]);
    expectCosts(r, { total: ["2.0000"] });
    expect(r.totals.total_time).toBe("1.0000");
    expect(r.warnings.some((w) => w.includes("clipped"))).toBe(true);
  });

  it("extend-session: the session starts with its first period", () => {
    const r = priceSession(s, [t], with_({ periodsBeforeSessionStart: "extend-session" }));
    expectCosts(r, { total: ["3.0000"] });
    expect(r.totals.total_time).toBe("1.5000");
  });

  it("reject: pricing fails", () => {
    expect(() => priceSession(s, [t], with_({ periodsBeforeSessionStart: "reject" }))).toThrow(PricingError);
  });
});

describe("splitPeriods and energyApportioning", () => {
  // ENERGY 0.50 until 18:00 local, 0.20 after. One period 17:00–19:00 local (Europe/Amsterdam, UTC+2), 10 kWh.
  const t = tariff("TOU", [
    { components: [component("ENERGY", "0.50")], restrictions: { startTime: "06:00", endTime: "18:00" } },
    { components: [component("ENERGY", "0.20")] },
  ]);
  const s = session(
    "2024-06-10T15:00:00Z",
    "2024-06-10T17:00:00Z",
    [{ at: "2024-06-10T15:00:00Z", dims: { energy: Energy.kwh("10") } }],
    { timeZone: "Europe/Amsterdam" },
  );

  it("split, time-proportional (default): 5 × 0.50 + 5 × 0.20 = 3.50", () => {
    expectCosts(priceSession(s, [t]), { total: ["3.5000"] });
  });

  it("no split: the whole period is priced as at its start: 10 × 0.50 = 5.00", () => {
    const r = priceSession(s, [t], with_({ splitPeriods: false }));
    expectCosts(r, { total: ["5.0000"] });
    expect(r.periods).toHaveLength(1);
  });

  it("first-part: all 10 kWh before 18:00 → 5.00; last-part: all after → 2.00", () => {
    expectCosts(priceSession(s, [t], with_({ energyApportioning: "first-part" })), { total: ["5.0000"] });
    expectCosts(priceSession(s, [t], with_({ energyApportioning: "last-part" })), { total: ["2.0000"] });
  });
});

describe("missingVat", () => {
  const t = tariff("NV", [{ components: [component("ENERGY", "0.25")] }]);
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("10") } },
  ]);

  it("unknown (default): incl_vat is omitted", () => {
    const r = priceSession(s, [t]);
    expect(r.totals.total_cost).toEqual({ excl_vat: "2.5000" });
    expect(r.amounts.total.inclVat).toBeUndefined();
  });

  it("zero: incl = excl", () => {
    expect(priceSession(s, [t], with_({ missingVat: "zero" })).totals.total_cost).toEqual({
      excl_vat: "2.5000",
      incl_vat: "2.5000",
    });
  });
});

describe("missingMeasurement", () => {
  // tariff_4 (complex), Saturday: the period reports only MIN_CURRENT 43 A. Element 1 (max_current 32) needs a
  // maximum/average current.
  const saturday = session(
    "2024-03-09T12:30:00Z",
    "2024-03-09T15:35:00Z",
    [
      { at: "2024-03-09T12:30:00Z", dims: { energy: Energy.kwh("40"), minCurrent: Current.a("43") } },
      { at: "2024-03-09T14:24:00Z", dims: { parkingTime: Duration.minutes("71") } },
    ],
    { timeZone: "Europe/Berlin" },
  );

  it("fails (default): element 1 does not apply, element 3 (1.25/h) does", () => {
    expectCosts(priceSession(saturday, [ocpi(t4)]), { time: ["2.3800", "2.8500"] });
  });

  it("holds: element 1 (1.00/h) applies: 1.9 h × 1.00 = 1.90 / 2.28", () => {
    expectCosts(priceSession(saturday, [ocpi(t4)], with_({ missingMeasurement: "holds" })), {
      time: ["1.9000", "2.2800"],
    });
  });
});

describe("untaggedPeriods", () => {
  const a = tariff("A", [{ components: [component("ENERGY", "0.30")] }]);
  const b = tariff("B", [{ components: [component("ENERGY", "0.50")] }]);
  const mixed = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("10") }, tariffId: "B" },
    { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("10") } },
  ]);
  const untagged = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("10") } },
    { at: "2024-06-10T09:00:00Z", dims: { energy: Energy.kwh("10") } },
  ]);

  it("spec (default): with some periods tagged, an untagged one is free; with none tagged, the session tariff", () => {
    // Mixed: 10 × 0.50 + free = 5.00. None tagged: session tariff = first valid = A: 20 × 0.30 = 6.00.
    expectCosts(priceSession(mixed, [a, b]), { total: ["5.0000"] });
    expectCosts(priceSession(untagged, [a, b]), { total: ["6.0000"] });
  });

  it("session-tariff: untagged periods use the session tariff (A)", () => {
    // 10 × 0.50 + 10 × 0.30 = 8.00.
    expectCosts(priceSession(mixed, [a, b], with_({ untaggedPeriods: "session-tariff" })), { total: ["8.0000"] });
  });

  it("free: untagged periods are free even when none is tagged", () => {
    expectCosts(priceSession(untagged, [a, b], with_({ untaggedPeriods: "free" })), { total: ["0.0000", "0.0000"] });
  });
});

describe("tariffValidityReference", () => {
  // A valid until 09:00, B valid from 09:00:01 (end_date_time is inclusive). Session 08:00–10:00, two periods.
  const a = tariff("A", [{ components: [component("ENERGY", "0.30")] }], { validTo: new Date("2024-06-10T09:00:00Z") });
  const b = tariff("B", [{ components: [component("ENERGY", "0.50")] }], {
    validFrom: new Date("2024-06-10T09:00:01Z"),
  });
  const s = session("2024-06-10T08:00:00Z", "2024-06-10T10:00:00Z", [
    { at: "2024-06-10T08:00:00Z", dims: { energy: Energy.kwh("10") } },
    { at: "2024-06-10T09:30:00Z", dims: { energy: Energy.kwh("10") } },
  ]);

  it("session-start (default): the tariff valid at the start prices the whole session", () => {
    // 20 × 0.30 = 6.00.
    const r = priceSession(s, [b, a]);
    expectCosts(r, { total: ["6.0000"] });
    expect(r.tariffIds).toEqual(["A"]);
  });

  it("period-start: each period uses the tariff valid at its start", () => {
    // 10 × 0.30 + 10 × 0.50 = 8.00.
    const r = priceSession(s, [b, a], with_({ tariffValidityReference: "period-start" }));
    expectCosts(r, { total: ["8.0000"] });
    expect(r.tariffIds).toEqual(["A", "B"]);
  });
});

describe("the profile registry", () => {
  it("has the spec default and named variants", () => {
    expect(DEFAULT_PROFILE).toBe("ocpi-2.2.1");
    expect(profileNames()).toEqual(expect.arrayContaining(["ocpi-2.2.1", "ocpi-2.2.1-examples", "cpo-per-line"]));
    expect(getProfile("cpo-per-line")).toBe(CPO_PER_LINE);
    expect(resolveProfile(undefined)).toBe(OCPI_221);
    expect(() => getProfile("nope")).toThrow(/unknown pricing profile/);
  });

  it("defines, registers and resolves custom profiles", () => {
    const custom = defineProfile("partner-x", { timeStepSize: "per-dimension", missingVat: "zero" });
    expect(custom).toMatchObject({
      name: "partner-x",
      timeStepSize: "per-dimension",
      durationReference: "session-start",
    });
    registerProfile(custom);
    expect(getProfile("partner-x").missingVat).toBe("zero");
    expect(resolveProfile({ extends: "cpo-per-line", missingVat: "unknown" })).toMatchObject({
      name: "cpo-per-line+custom",
      splitPeriods: false,
      missingVat: "unknown",
    });
    expect(() => defineProfile("bad", { timeStepSize: "sometimes" as never })).toThrow(/timeStepSize/);
    expect(() => defineProfile("bad", { ignoreRestrictions: ["colour" as never] })).toThrow(/restriction/);
  });

  it("names the profile in the result and the trace", () => {
    const t = tariff("E", [{ components: [component("ENERGY", "0.25")] }]);
    const s = session("2024-06-10T08:00:00Z", "2024-06-10T09:00:00Z", [{ at: "2024-06-10T08:00:00Z" }]);
    const r = priceSession(s, [t], { profile: "cpo-per-line" });
    expect(r.profile).toBe("cpo-per-line");
    expect(r.trace[0]).toEqual({ type: "profile", profile: "cpo-per-line" });
  });
});
