// Time zone resolution and local-time arithmetic, including DST transitions.
import { currency, Dec, Energy, type Tariff } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { session } from "./fixtures/sessions.ts";
import { PricingError, priceSession, resolveTimeZone } from "./index.ts";
import { civilDate, ZoneClock } from "./zone.ts";

describe("resolveTimeZone", () => {
  it("prefers the option, then the session's zone, then a country with one zone", () => {
    expect(resolveTimeZone("Asia/Tokyo", "Europe/Paris", "BE")).toEqual({ zone: "Asia/Tokyo", source: "option" });
    expect(resolveTimeZone(undefined, "Europe/Paris", "BE")).toEqual({ zone: "Europe/Paris", source: "session" });
    expect(resolveTimeZone(undefined, undefined, "BE")).toEqual({ zone: "Europe/Brussels", source: "country" });
    expect(resolveTimeZone(undefined, undefined, "be").zone).toBe("Europe/Brussels");
  });

  it("fails clearly when the country has several zones, is unknown, or nothing is given", () => {
    expect(() => resolveTimeZone(undefined, undefined, "US")).toThrow(/country "US" has \d+ zones/);
    expect(() => resolveTimeZone(undefined, undefined, "XX")).toThrow(/unknown/);
    expect(() => resolveTimeZone(undefined, undefined, undefined)).toThrow(PricingError);
    expect(() => resolveTimeZone("Mars/Olympus", undefined, undefined)).toThrow(/unknown IANA time zone/);
  });
});

describe("ZoneClock", () => {
  const ams = ZoneClock.of("Europe/Amsterdam");

  it("knows winter and summer offsets and local calendar fields", () => {
    expect(ams.offsetAt(Date.parse("2024-01-15T12:00:00Z"))).toBe(3_600_000);
    expect(ams.offsetAt(Date.parse("2024-07-15T12:00:00Z"))).toBe(7_200_000);
    // 2024-03-04T23:30Z is Tuesday 00:30 local.
    expect(ams.local(Date.parse("2024-03-04T23:30:00Z"))).toMatchObject({
      minuteOfDay: 30,
      weekday: 1,
      dateNumber: 20240305,
    });
    expect(ZoneClock.of("UTC").offsetAt(0)).toBe(0);
    expect(ZoneClock.of("Asia/Kathmandu").offsetAt(Date.parse("2024-01-01T00:00:00Z"))).toBe(20_700_000); // +05:45
  });

  it("maps wall times to instants across DST: gaps go to the jump, repeats to the first occurrence", () => {
    const local = (iso: string) => Date.parse(`${iso}Z`); // a wall-clock reading as "local epoch" ms
    // 2024-03-31 02:30 does not exist in Amsterdam (02:00 → 03:00 at 01:00Z).
    expect(new Date(ams.toUtc(local("2024-03-31T02:30:00"))).toISOString()).toBe("2024-03-31T01:00:00.000Z");
    expect(new Date(ams.toUtc(local("2024-03-31T03:30:00"))).toISOString()).toBe("2024-03-31T01:30:00.000Z");
    // 2024-10-27 02:30 happens twice (at 00:30Z and 01:30Z).
    expect(new Date(ams.toUtc(local("2024-10-27T02:30:00"))).toISOString()).toBe("2024-10-27T00:30:00.000Z");
  });

  it("civilDate counts days from 1970-01-01", () => {
    expect(civilDate(0)).toBe(19700101);
    expect(civilDate(19_723)).toBe(20240101);
    expect(civilDate(19_782)).toBe(20240229);
    expect(civilDate(-1)).toBe(19691231);
  });
});

describe("pricing with local time", () => {
  const d = (s: string) => new Dec(s);
  const tou: Tariff = {
    id: "TOU",
    currency: currency("EUR"),
    elements: [
      {
        components: [{ dimension: "TIME", price: d("1.00"), stepSize: 1 }],
        restrictions: { startTime: "00:00", endTime: "04:00" },
      },
      { components: [{ dimension: "TIME", price: d("2.00"), stepSize: 1 }] },
    ],
  };

  it("counts real hours across the spring-forward night", () => {
    // 2024-03-31 00:00–07:00 local in Amsterdam is 23:00Z–05:00Z: only 6 real hours. The 00:00–04:00 window lasts
    // 3 real hours (23:00Z–02:00Z) × 1.00 = 3.00; 02:00Z–05:00Z × 2.00 = 6.00. Total 9.00.
    const s = session("2024-03-30T23:00:00Z", "2024-03-31T05:00:00Z", [{ at: "2024-03-30T23:00:00Z" }], {
      timeZone: "Europe/Amsterdam",
    });
    const r = priceSession(s, [tou]);
    expect(r.totals.total_cost.excl_vat).toBe("9.0000");
    expect(r.periods.map((p) => p.start.toISOString())).toEqual([
      "2024-03-30T23:00:00.000Z",
      "2024-03-31T02:00:00.000Z",
    ]);
  });

  it("takes the zone of a single-zone country and says so in the trace", () => {
    const s = session("2024-06-10T20:00:00Z", "2024-06-10T23:00:00Z", [{ at: "2024-06-10T20:00:00Z" }], {
      countryCode: "BE",
    });
    const r = priceSession(s, [tou]);
    // 22:00–01:00 Brussels: 2 h × 2.00 + 1 h × 1.00 = 5.00.
    expect(r.totals.total_cost.excl_vat).toBe("5.0000");
    expect(r.timeZoneSource).toBe("country");
    expect(r.trace).toContainEqual({ type: "time-zone", zone: "Europe/Brussels", source: "country" });
  });

  it("needs no zone for a tariff without local-time restrictions", () => {
    const flat: Tariff = {
      id: "E",
      currency: currency("EUR"),
      elements: [{ components: [{ dimension: "ENERGY", price: d("0.30"), stepSize: 1 }] }],
    };
    const s = session("2024-06-10T20:00:00Z", "2024-06-10T21:00:00Z", [
      { at: "2024-06-10T20:00:00Z", dims: { energy: Energy.kwh("10") } },
    ]);
    const r = priceSession(s, [flat]);
    expect(r.timeZone).toBeUndefined();
    expect(r.totals.total_cost.excl_vat).toBe("3.0000");
  });

  it("fails with a clear error when a local-time tariff has no zone to use", () => {
    const s = session("2024-06-10T20:00:00Z", "2024-06-10T21:00:00Z", [{ at: "2024-06-10T20:00:00Z" }], {
      countryCode: "DE",
    });
    expect(() => priceSession(s, [tou])).toThrow(/country "DE" has 2 zones/);
    expect(priceSession(s, [tou], { timeZone: "Europe/Berlin" }).timeZone).toBe("Europe/Berlin");
  });
});
