// Invalid OCPI input: every error names the field path and what was expected.
import { describe, expect, it } from "vitest";
import { formatIssue } from "./common/issues.ts";
import { JsonNumberText } from "./common/json.ts";
import { parseCdr, parseSession, parseTariff } from "./parse.ts";
import { type EditableJson, fixturePlain } from "./test-support.ts";

const SPEC = "spec-2.2.1";

function tariffErrors(json: unknown, version: "2.2.1" | "2.1.1" = "2.2.1"): string[] {
  const r = parseTariff(json, version);
  return r.ok ? [] : r.errors.map(formatIssue);
}

function cdrErrors(json: unknown, mode: "strict" | "pricing-minimal" = "pricing-minimal"): string[] {
  const r = parseCdr(json, "2.2.1", { mode });
  return r.ok ? [] : r.errors.map(formatIssue);
}

/** tariff_9: elements[0] = FLAT 0.50 (step 1) + ENERGY 0.25 (step 1). */
function tariff9(): EditableJson {
  return fixturePlain(`${SPEC}/tariff_9_025kwh_start.json`);
}

function cdrExample(): EditableJson {
  return fixturePlain(`${SPEC}/cdr_example.json`);
}

describe("tariff errors name the field path", () => {
  it("step_size that is not a positive integer", () => {
    const t = tariff9();
    t.elements[0].price_components[1].step_size = 0;
    expect(tariffErrors(t)).toEqual([
      "elements[0].price_components[1].step_size: expected a positive integer (0 is accepted on FLAT components only)",
    ]);
    t.elements[0].price_components[1].step_size = 1.5;
    expect(tariffErrors(t)).toEqual(["elements[0].price_components[1].step_size: expected a positive integer"]);
    t.elements[0].price_components[1].step_size = -300;
    expect(tariffErrors(t)).toEqual(["elements[0].price_components[1].step_size: expected a positive integer"]);
    t.elements[0].price_components[1].step_size = "300";
    expect(tariffErrors(t)).toEqual(["elements[0].price_components[1].step_size: expected a positive integer"]);
  });

  it("a price written as a string, a missing price, a negative vat", () => {
    const t = tariff9();
    t.elements[0].price_components[0].price = "0.50";
    delete t.elements[0].price_components[1].price;
    t.elements[0].price_components[1].vat = -10;
    expect(tariffErrors(t)).toEqual([
      "elements[0].price_components[0].price: expected a number",
      "elements[0].price_components[1].price: required field is missing",
      "elements[0].price_components[1].vat: expected a number ≥ 0",
    ]);
  });

  it("unknown enum values list the allowed ones", () => {
    const t = tariff9();
    t.elements[0].price_components[0].type = "PARKING";
    t.elements[0].restrictions = { day_of_week: ["MONDAY", "FUNDAY"] };
    expect(tariffErrors(t)).toEqual([
      "elements[0].price_components[0].type: expected one of ENERGY, FLAT, PARKING_TIME, TIME",
      "elements[0].restrictions.day_of_week[1]: expected one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY",
    ]);
  });

  it("restriction formats: time of day, date, duration", () => {
    const t = tariff9();
    t.elements[0].restrictions = { start_time: "25:00", end_time: "9:00", start_date: "2015-02-30", max_duration: 1.5 };
    expect(tariffErrors(t)).toEqual([
      "elements[0].restrictions.start_time: expected a time of day HH:MM between 00:00 and 23:59",
      "elements[0].restrictions.end_time: expected a time of day HH:MM between 00:00 and 23:59",
      "elements[0].restrictions.start_date: expected a date YYYY-MM-DD",
      "elements[0].restrictions.max_duration: expected an integer ≥ 0",
    ]);
  });

  it("empty and missing lists, unknown currency, over-long id, non-object input", () => {
    const t = tariff9();
    t.elements = [];
    t.currency = "EURO";
    t.id = "x".repeat(37);
    expect(tariffErrors(t)).toEqual([
      "id: expected at most 36 characters",
      "currency: expected an ISO 4217 currency code such as EUR",
      "elements: expected at least one item",
    ]);
    const u = tariff9();
    u.elements[0].price_components = [];
    delete u.country_code;
    expect(tariffErrors(u)).toEqual([
      "country_code: required field is missing",
      "elements[0].price_components: expected at least one item",
    ]);
    expect(tariffErrors([])).toEqual(["expected an object"]);
    expect(tariffErrors("tariff")).toEqual(["expected an object"]);
  });

  it("a 2.1.1 tariff allows 24:00 but not 24:30", () => {
    const t = fixturePlain("v2_1_1/tariff_complex.json");
    expect(tariffErrors(t, "2.1.1")).toEqual([]);
    t.elements[5].restrictions.end_time = "24:30";
    expect(tariffErrors(t, "2.1.1")).toEqual([
      "elements[5].restrictions.end_time: expected a time of day HH:MM between 00:00 and 24:00",
    ]);
  });
});

describe("DateTime", () => {
  it("accepts UTC with 'Z', without a designator, and with fractional seconds", () => {
    for (const value of ["2015-06-29T20:39:09Z", "2015-06-29T20:39:09", "2015-06-29T20:39:09.123Z"]) {
      const t = tariff9();
      t.last_updated = value;
      expect(tariffErrors(t)).toEqual([]);
    }
  });

  it("refuses offsets in 2.2.1 (UTC only) but accepts them in 2.1.1", () => {
    const t = tariff9();
    t.last_updated = "2015-06-29T22:39:09+02:00";
    expect(tariffErrors(t)).toEqual(["last_updated: expected an OCPI DateTime such as 2015-06-29T20:39:09Z"]);
    const old = fixturePlain("v2_1_1/tariff_free.json");
    old.last_updated = "2015-06-29T22:39:09+02:00";
    expect(tariffErrors(old, "2.1.1")).toEqual([]);
  });

  it("refuses impossible dates and other shapes", () => {
    for (const value of ["2015-02-30T10:00:00Z", "2015-06-29 20:39:09Z", "2015-06-29", "yesterday", 1435610349]) {
      const t = tariff9();
      t.last_updated = value;
      expect(tariffErrors(t)).toEqual(["last_updated: expected an OCPI DateTime such as 2015-06-29T20:39:09Z"]);
    }
  });
});

describe("CDR errors name the field path", () => {
  it("price-relevant fields stay errors in pricing-minimal mode", () => {
    const cdr = cdrExample();
    delete cdr.start_date_time;
    cdr.currency = "eur";
    cdr.charging_periods[0].dimensions[0].volume = "1.973";
    cdr.charging_periods[0].start_date_time = "2015-06-29T21:39:09+01:00";
    expect(cdrErrors(cdr)).toEqual([
      "start_date_time: required field is missing",
      "currency: expected an ISO 4217 currency code such as EUR",
      "charging_periods[0].start_date_time: expected an OCPI DateTime such as 2015-06-29T20:39:09Z",
      "charging_periods[0].dimensions[0].volume: expected a number",
    ]);
  });

  it("missing charging periods, and an end before the start", () => {
    const cdr = cdrExample();
    cdr.charging_periods = [];
    expect(cdrErrors(cdr)).toEqual(["charging_periods: expected at least one item"]);
    const late = cdrExample();
    late.end_date_time = "2015-06-29T20:00:00Z";
    expect(cdrErrors(late)).toEqual(["end_date_time: expected a time at or after start_date_time"]);
  });

  it("a tariff in the CDR is checked with its index", () => {
    const cdr = cdrExample();
    cdr.tariffs[0].elements[0].price_components[0].step_size = 0;
    expect(cdrErrors(cdr)).toEqual([
      "tariffs[0].elements[0].price_components[0].step_size: expected a positive integer (0 is accepted on FLAT components only)",
    ]);
  });

  it("without tariffs, a CDR cannot be priced unless tariffs are supplied", () => {
    const cdr = cdrExample();
    delete cdr.tariffs;
    expect(cdrErrors(cdr)).toEqual([
      "tariffs: expected at least one tariff: the CDR is priced with its own tariffs when none are given",
    ]);
    // Strictly, tariffs are optional in a 2.2.1 CDR (only the missing token fields of the example are reported).
    expect(cdrErrors(cdr, "strict").map((e) => e.split(":")[0])).toEqual([
      "cdr_token.country_code",
      "cdr_token.party_id",
    ]);
    const supplied = parseCdr(cdr, "2.2.1", { mode: "pricing-minimal", tariffsSupplied: true });
    expect(supplied.ok).toBe(true);
  });

  it("a broken own tariff is only a warning when tariffs are supplied", () => {
    const cdr = cdrExample();
    cdr.tariffs[0].currency = 5;
    const r = parseCdr(cdr, "2.2.1", { mode: "pricing-minimal", tariffsSupplied: true });
    expect(r.ok).toBe(true);
    expect(r.warnings.map(formatIssue)).toContain(
      "tariffs[0].currency: expected an ISO 4217 currency code such as EUR (does not affect the price; ignored)",
    );
    if (r.ok && r.value.version === "2.2.1") expect(r.value.cdr.tariffs).toBeUndefined();
  });

  it("fields that do not affect the price become warnings, and are dropped when invalid", () => {
    const cdr = cdrExample();
    delete cdr.id;
    delete cdr.cdr_token;
    delete cdr.auth_method;
    cdr.cdr_location.address = 42;
    cdr.cdr_location.coordinates.latitude = "51.0";
    delete cdr.total_cost;
    const strict = parseCdr(cdr, "2.2.1");
    expect(strict.ok).toBe(false);
    const r = parseCdr(cdr, "2.2.1", { mode: "pricing-minimal" });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual([
      "id",
      "cdr_token",
      "auth_method",
      "cdr_location.address",
      "cdr_location.coordinates.latitude",
      "total_cost",
    ]);
    if (r.ok && r.value.version === "2.2.1") {
      expect(r.value.cdr.cdr_location?.address).toBeUndefined();
      expect(r.value.cdr.cdr_location?.city).toBe("Gent");
      expect(r.value.cdr.cdr_location?.coordinates).toBeUndefined();
    }
  });

  it("strict mode reports everything as errors", () => {
    const cdr = cdrExample();
    delete cdr.id;
    expect(cdrErrors(cdr, "strict")).toEqual([
      "id: required field is missing",
      "cdr_token.country_code: required field is missing",
      "cdr_token.party_id: required field is missing",
    ]);
  });

  it("numbers kept as source text are validated like numbers", () => {
    const t = tariff9();
    t.elements[0].price_components[1].step_size = new JsonNumberText("1.0");
    expect(tariffErrors(t)).toEqual(["elements[0].price_components[1].step_size: expected a positive integer"]);
    t.elements[0].price_components[1].step_size = new JsonNumberText("100");
    expect(tariffErrors(t)).toEqual([]);
  });
});

describe("Session errors", () => {
  it("name the field path", () => {
    const s = fixturePlain(`${SPEC}/session_example_2_short_finished.json`);
    s.status = "DONE";
    s.charging_periods[1].dimensions = [];
    const r = parseSession(s);
    expect(r.ok ? [] : r.errors.map(formatIssue)).toEqual([
      "cdr_token.country_code: required field is missing",
      "cdr_token.party_id: required field is missing",
      "charging_periods[1].dimensions: expected at least one item",
      "status: expected one of ACTIVE, COMPLETED, INVALID, PENDING, RESERVATION",
    ]);
  });
});

describe("null fields", () => {
  it("read as absent: optional ones are fine, required ones are missing", () => {
    const t = tariff9();
    t.tariff_alt_url = null;
    t.elements[0].restrictions = null;
    expect(tariffErrors(t)).toEqual([]);
    t.currency = null;
    expect(tariffErrors(t)).toEqual(["currency: required field is missing"]);
    const u = tariff9();
    u.elements[0].price_components[0] = null;
    expect(tariffErrors(u)).toEqual(["elements[0].price_components[0]: expected an object"]);
  });
});
