// Properties of the pricer over generated tariffs and sessions (fast-check).
import {
  type ChargeSession,
  currency,
  type DayOfWeek,
  Dec,
  Duration,
  Energy,
  Power,
  type PriceComponent,
  type Tariff,
  type TariffElement,
  type TariffRestrictions,
} from "@voltrate/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cost, type CostTotals, type PricingResult, priceSession } from "./index.ts";

const d = (s: string | number) => new Dec(s);
const TOLERANCE = d("1e-25");
const DAYS: DayOfWeek[] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

const priceArb = fc.integer({ min: 0, max: 50_000 }).map((n) => d(n).div(10_000));
const vatArb = fc.option(fc.constantFrom("0", "5.2", "7.7", "10", "20", "21", "25"), { nil: undefined });
const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => {
  const m = q * 15;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
});

function componentArb(): fc.Arbitrary<PriceComponent> {
  return fc
    .record({
      dimension: fc.constantFrom("ENERGY", "FLAT", "TIME", "PARKING_TIME") as fc.Arbitrary<PriceComponent["dimension"]>,
      price: priceArb,
      vat: vatArb,
      timeStep: fc.constantFrom(1, 60, 300, 900),
      energyStep: fc.constantFrom(1, 100, 500),
    })
    .map((c) => ({
      dimension: c.dimension,
      price: c.price,
      vatPercent: c.vat === undefined ? undefined : d(c.vat),
      stepSize: c.dimension === "ENERGY" ? c.energyStep : c.dimension === "FLAT" ? 1 : c.timeStep,
    }));
}

function restrictionsArb(withEnergy: boolean): fc.Arbitrary<TariffRestrictions | undefined> {
  return fc.option(
    fc
      .record(
        {
          window: fc.tuple(hhmm, hhmm),
          days: fc.subarray(DAYS, { minLength: 1 }),
          maxPower: fc.integer({ min: 3, max: 60 }),
          minPower: fc.integer({ min: 3, max: 60 }),
          minDuration: fc.integer({ min: 0, max: 240 }),
          maxDuration: fc.integer({ min: 1, max: 240 }),
          minEnergy: fc.integer({ min: 0, max: 60 }),
          maxEnergy: fc.integer({ min: 1, max: 60 }),
        },
        { requiredKeys: [] },
      )
      .map((r) => {
        const out: TariffRestrictions = {};
        if (r.window) [out.startTime, out.endTime] = r.window;
        if (r.days) out.daysOfWeek = r.days;
        if (r.maxPower !== undefined) out.maxPower = Power.kw(String(r.maxPower));
        if (r.minPower !== undefined) out.minPower = Power.kw(String(r.minPower));
        if (r.minDuration !== undefined) out.minDuration = Duration.minutes(String(r.minDuration));
        if (r.maxDuration !== undefined) out.maxDuration = Duration.minutes(String(r.maxDuration));
        if (withEnergy && r.minEnergy !== undefined) out.minEnergy = Energy.kwh(String(r.minEnergy));
        if (withEnergy && r.maxEnergy !== undefined) out.maxEnergy = Energy.kwh(String(r.maxEnergy));
        return out;
      }),
    { nil: undefined },
  );
}

function tariffArb(options: { withEnergy?: boolean; limits?: boolean } = {}): fc.Arbitrary<Tariff> {
  const element: fc.Arbitrary<TariffElement> = fc.record({
    components: fc.array(componentArb(), { minLength: 1, maxLength: 3 }),
    restrictions: restrictionsArb(options.withEnergy ?? true),
  });
  const limit = fc.record({
    excl: fc.integer({ min: 0, max: 3000 }),
    vat: fc.integer({ min: 0, max: 25 }),
    incl: fc.boolean(),
  });
  return fc
    .record({
      elements: fc.array(element, { minLength: 1, maxLength: 4 }),
      fallback: fc.option(componentArb(), { nil: undefined }),
      min: options.limits ? fc.option(limit, { nil: undefined }) : fc.constant(undefined),
      max: options.limits ? fc.option(limit, { nil: undefined }) : fc.constant(undefined),
    })
    .map((t) => {
      const elements = t.fallback ? [...t.elements, { components: [t.fallback] }] : t.elements;
      const asLimit = (l: { excl: number; vat: number; incl: boolean } | undefined) => {
        if (!l) return undefined;
        const excl = d(l.excl).div(100);
        return { exclVat: excl, inclVat: l.incl ? excl.times(d(100 + l.vat).div(100)) : undefined };
      };
      return { id: "P", currency: currency("EUR"), elements, minPrice: asLimit(t.min), maxPrice: asLimit(t.max) };
    });
}

interface PeriodGen {
  minutes: number;
  parking: boolean;
  /** Wh per minute (constant power). */
  whPerMinute: number;
}

const periodArb: fc.Arbitrary<PeriodGen> = fc.record({
  minutes: fc.integer({ min: 1, max: 240 }),
  parking: fc.boolean(),
  whPerMinute: fc.integer({ min: 0, max: 800 }),
});

const startArb = fc.integer({ min: 0, max: 366 * 24 * 4 - 1 }).map((q) => Date.UTC(2024, 0, 1) + q * 15 * 60_000);

function buildSession(start: number, periods: PeriodGen[]): ChargeSession {
  let at = start;
  const chargingPeriods = periods.map((p) => {
    const period = {
      start: new Date(at),
      dimensions: p.parking
        ? { parkingTime: Duration.minutes(String(p.minutes)) }
        : { energy: Energy.wh(String(p.whPerMinute * p.minutes)) },
    };
    at += p.minutes * 60_000;
    return period;
  });
  return { start: new Date(start), end: new Date(at), timeZone: "Europe/Amsterdam", chargingPeriods };
}

const sessionArb = fc
  .tuple(startArb, fc.array(periodArb, { minLength: 1, maxLength: 4 }))
  .map(([start, periods]) => buildSession(start, periods));

function close(a: Dec, b: Dec): boolean {
  return a.minus(b).abs().lte(TOLERANCE);
}

function sumLines(result: PricingResult, pick: "exact" | "cost", category?: string): Cost {
  let excl = d(0);
  let incl: Dec | undefined = d(0);
  for (const p of result.periods) {
    for (const l of p.lines) {
      if (category !== undefined && l.category !== category) continue;
      const c = l[pick];
      excl = excl.plus(c.exclVat);
      incl = incl === undefined || c.inclVat === undefined ? undefined : incl.plus(c.inclVat);
    }
  }
  return { exclVat: excl, inclVat: incl };
}

function sumAdjustments(result: PricingResult, pick: "exact" | "cost"): Cost {
  let excl = d(0);
  let incl: Dec | undefined = d(0);
  for (const a of result.adjustments) {
    excl = excl.plus(a[pick].exclVat);
    incl = incl === undefined || a[pick].inclVat === undefined ? undefined : incl.plus(a[pick].inclVat);
  }
  return { exclVat: excl, inclVat: incl };
}

function expectClose(actual: Cost, expected: Cost, exact = false): void {
  const eq = exact ? (a: Dec, b: Dec) => a.eq(b) : close;
  expect(eq(actual.exclVat, expected.exclVat), `${actual.exclVat} vs ${expected.exclVat}`).toBe(true);
  expect(actual.inclVat === undefined).toBe(expected.inclVat === undefined);
  if (actual.inclVat && expected.inclVat) {
    expect(eq(actual.inclVat, expected.inclVat), `${actual.inclVat} vs ${expected.inclVat}`).toBe(true);
  }
}

const CATEGORIES: [keyof CostTotals, string][] = [
  ["fixed", "FIXED"],
  ["energy", "ENERGY"],
  ["time", "TIME"],
  ["parking", "PARKING_TIME"],
  ["reservation", "RESERVATION"],
];

describe("pricing properties", () => {
  it("totals equal the sum of the period breakdown (exact, and per line when lines are rounded)", () => {
    fc.assert(
      fc.property(tariffArb({ limits: true }), sessionArb, fc.boolean(), (tariff, s, perLine) => {
        const r = priceSession(s, [tariff], {
          profile: perLine ? { rounding: { mode: "HALF_UP", scope: "PER_LINE" } } : undefined,
        });
        for (const [key, category] of CATEGORIES) expectClose(r.exact[key], sumLines(r, "exact", category));
        expectClose(r.exact.priceLimits, sumAdjustments(r, "exact"));
        const all = sumLines(r, "exact");
        const adj = sumAdjustments(r, "exact");
        expectClose(r.exact.total, {
          exclVat: all.exclVat.plus(adj.exclVat),
          inclVat: all.inclVat && adj.inclVat ? all.inclVat.plus(adj.inclVat) : undefined,
        });
        if (perLine) {
          // Counted lines are whole cents: the totals are their exact sums.
          for (const [key, category] of CATEGORIES) expectClose(r.amounts[key], sumLines(r, "cost", category), true);
          const counted = sumLines(r, "cost");
          const countedAdj = sumAdjustments(r, "cost");
          expectClose(
            r.amounts.total,
            {
              exclVat: counted.exclVat.plus(countedAdj.exclVat),
              inclVat: counted.inclVat && countedAdj.inclVat ? counted.inclVat.plus(countedAdj.inclVat) : undefined,
            },
            true,
          );
        } else {
          for (const key of ["total", "fixed", "energy", "time", "parking", "reservation"] as const) {
            expect(r.amounts[key].exclVat.eq(r.exact[key].exclVat.toDecimalPlaces(2, Dec.ROUND_HALF_UP))).toBe(true);
          }
        }
        expect(r.totals.total_cost.excl_vat).toBe(r.amounts.total.exclVat.toFixed(4));
      }),
      { numRuns: 300 },
    );
  });

  it("incl. VAT ≥ excl. VAT when every VAT rate is ≥ 0", () => {
    fc.assert(
      fc.property(tariffArb({ limits: true }), sessionArb, (tariff, s) => {
        const r = priceSession(s, [tariff], { profile: { missingVat: "zero" } });
        // Every cost total (the min/max price correction is a difference between two totals, not a cost).
        for (const totals of [r.amounts, r.exact]) {
          for (const key of ["total", "fixed", "energy", "time", "parking", "reservation"] as const) {
            const c = totals[key];
            expect(c.inclVat).toBeDefined();
            expect(c.inclVat?.gte(c.exclVat)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("scaling every price by k scales the exact total by k (without price limits, before rounding)", () => {
    const kArb = fc.constantFrom("0.5", "1.5", "2", "3", "10", "0.0001");
    fc.assert(
      fc.property(tariffArb(), sessionArb, kArb, (tariff, s, kText) => {
        const k = d(kText);
        const scaled: Tariff = {
          ...tariff,
          elements: tariff.elements.map((e) => ({
            ...e,
            components: e.components.map((c) => ({ ...c, price: c.price.times(k) })),
          })),
        };
        const options = { trace: false, profile: { missingVat: "zero" as const } };
        const base = priceSession(s, [tariff], options).exact.total;
        const times = priceSession(s, [scaled], options).exact.total;
        expectClose(times, {
          exclVat: base.exclVat.times(k),
          inclVat: base.inclVat === undefined ? undefined : base.inclVat.times(k),
        });
      }),
      { numRuns: 300 },
    );
  });

  it("splitting a charging period where nothing changes keeps the price", () => {
    // Energy restrictions are left out: the pricer places an energy threshold inside a period to the millisecond,
    // which a split of the input at a whole minute would move.
    fc.assert(
      fc.property(
        tariffArb({ withEnergy: false }),
        startArb,
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 0, max: 800 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
        (tariff, start, minutes, whPerMinute, where, parking) => {
          const cut = Math.min(minutes - 1, Math.max(1, Math.round(where * minutes)));
          const tail = parking === undefined ? [] : [{ minutes: parking, parking: true, whPerMinute: 0 }];
          const whole = buildSession(start, [{ minutes, parking: false, whPerMinute }, ...tail]);
          const split = buildSession(start, [
            { minutes: cut, parking: false, whPerMinute },
            { minutes: minutes - cut, parking: false, whPerMinute },
            ...tail,
          ]);
          const a = priceSession(whole, [tariff], { trace: false });
          const b = priceSession(split, [tariff], { trace: false });
          expect(b.totals).toEqual(a.totals);
        },
      ),
      { numRuns: 300 },
    );
  });
});
