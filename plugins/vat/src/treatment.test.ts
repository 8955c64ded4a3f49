import type { VatTreatmentRequest } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { loadBundledVatDataset } from "./dataset.ts";
import { VatError } from "./errors.ts";
import { createVatService } from "./vat-service.ts";

const dataset = loadBundledVatDataset();
const vat = createVatService({ dataset });

const request = (overrides: Partial<VatTreatmentRequest> = {}): VatTreatmentRequest => ({
  chargePointCountry: "NL",
  date: new Date("2025-03-01T12:00:00Z"),
  supplier: { country: "DE", business: true, vatId: "DE123456789" },
  customer: { country: "NL", business: false },
  ...overrides,
});

describe("B2C", () => {
  it("charges the VAT of the charge point's country, whoever supplies", () => {
    const t = vat.treatmentFor(request());
    expect(t).toMatchObject({ placeOfSupply: "NL", ratePercent: "21", reverseCharge: false });
    expect(t.rate).toMatchObject({ country: "NL", ratePercent: "21", kind: "standard" });
    expect(t.explanation).toBe(
      "Place of supply NL: charging an electric vehicle is a supply of electricity, i.e. of goods, taxed where the charge point is (Art. 39 Directive 2006/112/EC; VAT Committee guidelines 2019/2021; CJEU C-282/22). The customer is not a business (B2C); the supplier charges NL VAT 21% (standard rate).",
    );
  });

  it("takes the date in the charge point's country (Berlin, New Year's Eve 2020 at 23:30 UTC is already 2021)", () => {
    const t = vat.treatmentFor(request({ chargePointCountry: "DE", date: new Date("2020-12-31T23:30:00Z") }));
    expect(t.ratePercent).toBe("19");
    const before = vat.treatmentFor(request({ chargePointCountry: "DE", date: new Date("2020-12-31T22:30:00Z") }));
    expect(before.ratePercent).toBe("16");
  });

  it("a consumer with a VAT number of the country is still B2C", () => {
    const t = vat.treatmentFor(request({ customer: { country: "NL", business: false, vatId: "NL123456789B01" } }));
    expect(t.reverseCharge).toBe(false);
  });
});

describe("B2B", () => {
  const business = { country: "NL", business: true, vatId: "NL123456789B01" };

  it("reverse-charges when the supplier is not established there and the customer is identified there", () => {
    const t = vat.treatmentFor(request({ customer: business }));
    expect(t).toMatchObject({ placeOfSupply: "NL", ratePercent: "0", reverseCharge: true });
    expect(t.rate.ratePercent).toBe("21"); // kept for the record: the customer accounts for NL VAT at 21%
    expect(t.explanation).toContain(
      "Reverse charge: the supplier is established in DE, not in NL, and the customer is identified for VAT in NL (NL123456789B01); under Art. 195 Directive 2006/112/EC",
    );
    expect(t.explanation).toContain(
      'the customer accounts for NL VAT 21% (standard rate). The invoice shows no VAT and the mention "Reverse charge".',
    );
  });

  it("charges normal VAT on a domestic B2B supply", () => {
    const t = vat.treatmentFor(request({ supplier: { country: "NL", business: true }, customer: business }));
    expect(t).toMatchObject({ ratePercent: "21", reverseCharge: false });
    expect(t.explanation).toContain(
      "The supplier is established in NL (domestic B2B supply); the supplier charges NL VAT 21%",
    );
  });

  it("charges normal VAT when the business customer is not identified in the charge point's country", () => {
    const foreign = vat.treatmentFor(request({ customer: { country: "BE", business: true, vatId: "BE0123456789" } }));
    expect(foreign).toMatchObject({ ratePercent: "21", reverseCharge: false });
    expect(foreign.explanation).toContain("its VAT number BE0123456789 is not one of NL");
    const none = vat.treatmentFor(request({ customer: { country: "NL", business: true } }));
    expect(none).toMatchObject({ ratePercent: "21", reverseCharge: false });
    expect(none.explanation).toContain(
      "the customer is not identified for VAT in NL (it gave no VAT number), so there is no reverse charge",
    );
  });

  it("reads Greek (EL), Swiss (CHE) and formatted VAT numbers", () => {
    const gr = vat.treatmentFor(
      request({ chargePointCountry: "GR", customer: { country: "GR", business: true, vatId: "EL 094 014 201" } }),
    );
    expect(gr).toMatchObject({ placeOfSupply: "GR", reverseCharge: true, ratePercent: "0" });
    expect(gr.rate.ratePercent).toBe("24");
  });

  it("does not reverse-charge outside the configured countries (default: the EU-27)", () => {
    const t = vat.treatmentFor(
      request({ chargePointCountry: "CH", customer: { country: "CH", business: true, vatId: "CHE-123.456.789 MWST" } }),
    );
    expect(t).toMatchObject({ placeOfSupply: "CH", ratePercent: "8.1", reverseCharge: false });
    expect(t.explanation).toBe(
      "Place of supply CH: charging an electric vehicle is a supply of electricity (goods) at the charge point in CH. The supplier is established in DE, not in CH, but the reverse charge is not configured for CH; the supplier charges CH VAT 8.1% (standard rate).",
    );
  });

  it("follows the configured reverse-charge countries", () => {
    const custom = createVatService({ dataset, reverseChargeCountries: ["CH", "el"] });
    expect(custom.reverseChargeCountries()).toEqual(["CH", "GR"]);
    const ch = custom.treatmentFor(
      request({ chargePointCountry: "CH", customer: { country: "CH", business: true, vatId: "CHE-123.456.789 MWST" } }),
    );
    expect(ch).toMatchObject({ ratePercent: "0", reverseCharge: true });
    expect(ch.explanation).toContain(
      "under the domestic reverse charge configured for CH the customer accounts for CH VAT 8.1%",
    );
    const nl = custom.treatmentFor(request({ customer: business }));
    expect(nl).toMatchObject({ ratePercent: "21", reverseCharge: false });
  });

  it("refuses a configuration naming a country the dataset does not cover", () => {
    expect(() => createVatService({ dataset, reverseChargeCountries: ["NL", "US"] })).toThrow(
      /reverseChargeCountries: "US" is not a country of voltrate-vat-rates/,
    );
  });
});

describe("treatmentFor inputs", () => {
  it("names a bad party country or an unknown charge point country", () => {
    expect(() => vat.treatmentFor(request({ supplier: { country: "Germany", business: true } }))).toThrow(
      new VatError("INVALID_REQUEST", "supplier.country must be an ISO 3166-1 alpha-2 code"),
    );
    expect(() => vat.treatmentFor(request({ chargePointCountry: "US" }))).toThrow(
      expect.objectContaining({ code: "UNKNOWN_COUNTRY" }),
    );
  });
});
