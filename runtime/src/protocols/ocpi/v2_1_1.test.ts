// OCPI 2.1.1 CDRs and tariffs (fixtures written from the 2.1.1 specification text, see fixtures/v2_1_1/README.md).
import { describe, expect, it } from "vitest";
import { formatIssue } from "./common/issues.ts";
import { toNormalizedCdr, toNormalizedTariff } from "./normalize.ts";
import { parseCdr, parseTariff } from "./parse.ts";
import { fixture, fixturePlain } from "./test-support.ts";

describe("OCPI 2.1.1", () => {
  it("parses the CDR strictly", () => {
    const r = parseCdr(fixture("v2_1_1/cdr.json"), "2.1.1");
    expect(r.ok ? [] : r.errors.map(formatIssue)).toEqual([]);
    if (!r.ok || r.value.version !== "2.1.1") return;
    expect(r.value.cdr.auth_id).toBe("DE8ACC12E46L89");
    expect(r.value.cdr.location?.evses?.[0]?.connectors?.[0]?.standard).toBe("IEC_62196_T2");
    expect(r.value.cdr.total_cost?.eq(4)).toBe(true);
  });

  it("maps the CDR: stop_date_time, location time zone and country, totals without VAT", () => {
    const r = parseCdr(fixture("v2_1_1/cdr.json"), "2.1.1");
    if (!r.ok) throw new Error("should parse");
    const { session, tariffs, warnings } = toNormalizedCdr(r.value);
    expect(warnings).toEqual([]);
    expect(session.id).toBe("12345");
    expect(session.end.toISOString()).toBe("2015-06-29T23:37:32.000Z");
    expect(session.timeZone).toBe("Europe/Brussels");
    expect(session.countryCode).toBe("BE");
    const dims = session.chargingPeriods[0]!.dimensions;
    expect(dims.time?.seconds.eq("7102.8")).toBe(true);
    expect(dims.energy?.wh.eq("15342")).toBe(true);
    expect(session.chargingPeriods[0]).not.toHaveProperty("tariffId");
    // 2.1.1 total_cost is a number excluding VAT: no incl-VAT amount is invented.
    expect(session.reportedTotals?.cost?.exclVat.eq(4)).toBe(true);
    expect(session.reportedTotals?.cost).not.toHaveProperty("inclVat");
    expect(session.reportedTotals?.parkingTime?.isZero()).toBe(true);
    expect(tariffs).toHaveLength(1);
    expect(tariffs[0]!.elements[0]!.components[0]).toEqual({
      dimension: "TIME",
      price: expect.anything(),
      stepSize: 300,
    });
    expect(tariffs[0]!.elements[0]!.components[0]!).not.toHaveProperty("vatPercent");
  });

  it("maps the complex tariff; 24:00 becomes the normalized end of day 00:00", () => {
    const r = parseTariff(fixture("v2_1_1/tariff_complex.json"), "2.1.1");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const t = toNormalizedTariff(r.value);
    expect(t.id).toBe("11");
    expect(t.elements).toHaveLength(6);
    expect(t.elements[0]!.components[0]!.price.eq("2.5")).toBe(true);
    expect(t.elements[1]!.restrictions?.maxPower?.kw.eq(32)).toBe(true);
    expect(t.elements[5]!.restrictions).toEqual({ startTime: "10:00", endTime: "00:00", daysOfWeek: ["SATURDAY"] });
    expect(t).not.toHaveProperty("countryCode");
    expect(t).not.toHaveProperty("type");
  });

  it("parses the free-of-charge tariff (FLAT, step_size 0)", () => {
    const r = parseTariff(fixture("v2_1_1/tariff_free.json"), "2.1.1");
    expect(r.ok).toBe(true);
  });

  it("rejects 2.2.1-only values where 2.1.1 has none", () => {
    const cdr = fixturePlain("v2_1_1/cdr.json");
    cdr.auth_method = "COMMAND";
    cdr.charging_periods[0].dimensions[0].type = "RESERVATION_TIME";
    const r = parseCdr(cdr, "2.1.1", { mode: "pricing-minimal" });
    expect(r.ok ? [] : r.errors.map(formatIssue)).toEqual([
      "charging_periods[0].dimensions[0].type: expected one of ENERGY, FLAT, MAX_CURRENT, MIN_CURRENT, PARKING_TIME, TIME",
    ]);
    // auth_method does not affect the price: a warning.
    expect(r.warnings.map(formatIssue)).toEqual([
      "auth_method: expected one of AUTH_REQUEST, WHITELIST (does not affect the price; ignored)",
    ]);
  });

  it("a 2.2.1 CDR is not a 2.1.1 CDR", () => {
    const r = parseCdr(fixturePlain("spec-2.2.1/cdr_example.json"), "2.1.1");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.path)).toEqual(
        expect.arrayContaining(["stop_date_time", "auth_id", "location", "total_cost"]),
      );
    }
  });

  it("pricing-minimal: a 2.1.1 CDR without auth_id and location is still mapped, with warnings", () => {
    const cdr = fixturePlain("v2_1_1/cdr.json");
    delete cdr.auth_id;
    delete cdr.location;
    const r = parseCdr(cdr, "2.1.1", { mode: "pricing-minimal" });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual(["auth_id", "location"]);
    if (r.ok) expect(toNormalizedCdr(r.value).session.timeZone).toBeUndefined();
  });

  it("a FLAT dimension (2.1.1 only) is ignored with a warning", () => {
    const cdr = fixturePlain("v2_1_1/cdr.json");
    cdr.charging_periods[0].dimensions.push({ type: "FLAT", volume: 1 });
    const r = parseCdr(cdr, "2.1.1");
    if (!r.ok) throw new Error("should parse");
    expect(toNormalizedCdr(r.value).warnings.map(formatIssue)).toEqual([
      "charging_periods[0].dimensions[2].type: FLAT dimension ignored (a FLAT price applies once per session)",
    ]);
  });
});
