import { describe, expect, it } from "vitest";
import {
  agreementSchema,
  customerSchema,
  ENTITY_PATHS,
  ENTITY_TYPES,
  entityTypeOfPath,
  homeChargePointSchema,
  locationSchema,
  partySchema,
  tokenSchema,
} from "./entities.ts";
import { isCountryCode, isoInstant, isTimeZone } from "./fields.ts";

const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((i) => i.path.join(".")) ?? [];

describe("fields", () => {
  it("country codes, time zones and instants", () => {
    expect(["NL", "DE", "BE"].every(isCountryCode)).toBe(true);
    expect(["XX", "nl", "NLD", ""].some(isCountryCode)).toBe(false);
    expect(isTimeZone("Europe/Amsterdam")).toBe(true);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
    expect(isTimeZone("CET; rm -rf")).toBe(false);
    expect(isoInstant.safeParse("2026-03-01T00:00:00+01:00").success).toBe(true);
    expect(isoInstant.safeParse("2026-03-01T00:00:00.123Z").success).toBe(true);
    // Without an offset an instant is ambiguous (which time zone?), so it is refused.
    expect(isoInstant.safeParse("2026-03-01T00:00:00").success).toBe(false);
    expect(isoInstant.safeParse("2026-03-01").success).toBe(false);
  });
});

describe("entities", () => {
  it("parties: OCPI country_code and party_id, roles without repeats", () => {
    expect(
      partySchema.safeParse({ countryCode: "NL", partyId: "GRN", roles: ["CPO"], name: "Groenlaad" }).success,
    ).toBe(true);
    const bad = partySchema.safeParse({ countryCode: "nl", partyId: "GRNX", roles: ["CPO", "CPO"], name: "" });
    expect(paths(bad)).toEqual(["countryCode", "partyId", "roles", "name"]);
  });

  it("agreements: a purchase rule set or the CPO's OCPI tariffs, nothing in between", () => {
    const base = { cpoPartyId: "NL-GRN", administrationId: "adm", settlementCurrency: "EUR" };
    expect(agreementSchema.safeParse({ ...base, purchasePricing: { kind: "ocpi-tariffs" } }).success).toBe(true);
    expect(
      agreementSchema.safeParse({ ...base, purchasePricing: { kind: "ruleset", rulesetId: "purchase-x" } }).success,
    ).toBe(true);
    expect(paths(agreementSchema.safeParse({ ...base, purchasePricing: { kind: "ruleset" } }))).toEqual([
      "purchasePricing.rulesetId",
    ]);
    expect(
      paths(agreementSchema.safeParse({ ...base, purchasePricing: { kind: "ocpi-tariffs", rulesetId: "x" } })),
    ).toEqual(["purchasePricing"]);
    expect(
      paths(
        agreementSchema.safeParse({ ...base, settlementCurrency: "EURO", purchasePricing: { kind: "ocpi-tariffs" } }),
      ),
    ).toEqual(["settlementCurrency"]);
  });

  it("customers: a person may have an employer, a company a VAT id; not the other way round", () => {
    const person = { kind: "person", administrationId: "adm", name: "Anna", employerId: "cus-acme" };
    expect(customerSchema.safeParse(person).success).toBe(true);
    expect(paths(customerSchema.safeParse({ ...person, vatId: "NL123456789B01" }))).toEqual([""]);
    expect(
      customerSchema.safeParse({ kind: "company", administrationId: "adm", name: "Acme", vatId: "NL123456789B01" })
        .success,
    ).toBe(true);
  });

  it("tokens and locations: OCPI ids, EVSE uids unique, power as a decimal string", () => {
    expect(tokenSchema.safeParse({ uid: "04A1B2", type: "RFID", contractId: "ctr-1" }).success).toBe(true);
    expect(paths(tokenSchema.safeParse({ uid: "04 A1", type: "CARD", contractId: "ctr-1" }))).toEqual(["uid", "type"]);
    const location = {
      cpoPartyId: "NL-GRN",
      locationId: "LOC1",
      address: { city: "Utrecht", country: "NL" },
      timeZone: "Europe/Amsterdam",
      evses: [
        { uid: "E1", currentType: "AC", maxPowerKw: "22" },
        { uid: "E2", currentType: "DC", maxPowerKw: "150" },
      ],
    };
    expect(locationSchema.safeParse(location).success).toBe(true);
    const duplicate = { ...location, evses: [location.evses[0], { ...location.evses[1], uid: "E1", maxPowerKw: 150 }] };
    expect(paths(locationSchema.safeParse(duplicate))).toEqual(["evses.1.maxPowerKw"]);
    expect(paths(locationSchema.safeParse({ ...duplicate, evses: [location.evses[0], location.evses[0]] }))).toEqual([
      "evses",
    ]);
    expect(paths(locationSchema.safeParse({ ...location, timeZone: "Mars/Olympus" }))).toEqual(["timeZone"]);
  });

  it("home charge points: reimbursement price per kWh and payout", () => {
    const hcp = {
      chargePointId: "HOME-1",
      ownerCustomerId: "cus-1",
      administrationId: "adm",
      address: { city: "Utrecht", country: "NL" },
      timeZone: "Europe/Amsterdam",
      reimbursement: {
        pricePerKwh: "0.25",
        currency: "EUR",
        includesVat: true,
        payout: { method: "payroll", frequency: "monthly" },
      },
    };
    expect(homeChargePointSchema.safeParse(hcp).success).toBe(true);
    const negative = { ...hcp, reimbursement: { ...hcp.reimbursement, pricePerKwh: "-0.25" } };
    expect(paths(homeChargePointSchema.safeParse(negative))).toEqual(["reimbursement.pricePerKwh"]);
  });

  it("every entity type has a URL path and back", () => {
    for (const type of ENTITY_TYPES) expect(entityTypeOfPath(ENTITY_PATHS[type])).toBe(type);
    expect(entityTypeOfPath("homeChargePoint")).toBeUndefined();
  });
});
