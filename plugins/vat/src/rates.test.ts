import { describe, expect, it } from "vitest";
import { loadBundledVatDataset } from "./dataset.ts";
import { VatError } from "./errors.ts";
import { createVatService } from "./vat-service.ts";

const vat = createVatService({ dataset: loadBundledVatDataset() });
const rate = (country: string, date: Date | string) => vat.rateFor(country, date).ratePercent;

describe("rateFor at the boundaries of every change", () => {
  // [country, last day of the old rate, old rate, first day of the new rate, new rate]
  const changes: [string, string, string, string, string][] = [
    ["DE", "2020-06-30", "19", "2020-07-01", "16"], // temporary cut (Corona-Steuerhilfegesetz)
    ["DE", "2020-12-31", "16", "2021-01-01", "19"], // end of the temporary cut
    ["EE", "2023-12-31", "20", "2024-01-01", "22"],
    ["EE", "2025-06-30", "22", "2025-07-01", "24"],
    ["FI", "2024-08-31", "24", "2024-09-01", "25.5"],
    ["SK", "2024-12-31", "20", "2025-01-01", "23"],
    ["RO", "2025-07-31", "19", "2025-08-01", "21"],
    ["RO", "2015-12-31", "24", "2016-01-01", "20"],
    ["RO", "2016-12-31", "20", "2017-01-01", "19"],
    ["LU", "2022-12-31", "17", "2023-01-01", "16"],
    ["LU", "2023-12-31", "16", "2024-01-01", "17"],
    ["IE", "2020-08-31", "23", "2020-09-01", "21"],
    ["IE", "2021-02-28", "21", "2021-03-01", "23"],
    ["GR", "2016-05-31", "23", "2016-06-01", "24"],
    ["CH", "2017-12-31", "8", "2018-01-01", "7.7"],
    ["CH", "2023-12-31", "7.7", "2024-01-01", "8.1"],
  ];
  it.each(changes)("%s: %s → %s%%, %s → %s%%", (country, before, oldRate, after, newRate) => {
    expect(rate(country, before)).toBe(oldRate);
    expect(rate(country, after)).toBe(newRate);
  });

  it("returns the period and its source with the rate", () => {
    expect(vat.rateFor("DE", "2020-10-15")).toEqual({
      country: "DE",
      ratePercent: "16",
      kind: "standard",
      validFrom: "2020-07-01",
      validTo: "2020-12-31",
      source: expect.stringMatching(/^voltrate-vat-rates \d{4}-\d{2}-\d{2}: § 28\(1\) UStG/),
    });
    const open = vat.rateFor("FI", "2025-03-01");
    expect(open).toMatchObject({ country: "FI", ratePercent: "25.5", validFrom: "2024-09-01" });
    expect(open).not.toHaveProperty("validTo");
  });
});

describe("rateFor with a Date: the calendar date in the charge point's country", () => {
  it("uses the wall clock of the country (Germany, CEST = UTC+2)", () => {
    expect(rate("DE", new Date("2020-06-30T21:59:59Z"))).toBe("19"); // 23:59:59 on 30 June in Berlin
    expect(rate("DE", new Date("2020-06-30T22:00:00Z"))).toBe("16"); // 00:00 on 1 July in Berlin
    expect(rate("DE", new Date("2020-12-31T22:59:59Z"))).toBe("16"); // 23:59:59 on 31 December (CET = UTC+1)
    expect(rate("DE", new Date("2020-12-31T23:00:00Z"))).toBe("19");
  });

  it("uses each country's own zone (Finland and Romania are UTC+3 in summer, the UK UTC+1)", () => {
    expect(rate("FI", new Date("2024-08-31T20:59:59Z"))).toBe("24");
    expect(rate("FI", new Date("2024-08-31T21:00:00Z"))).toBe("25.5");
    expect(rate("RO", new Date("2025-07-31T21:00:00Z"))).toBe("21");
    expect(vat.rateFor("GB", new Date("2025-06-30T23:30:00Z")).country).toBe("GB");
  });

  it("takes today, for a request without a date, from the service's clock in the country's zone", () => {
    // 21:30 UTC on 30 June 2025 is already 1 July in Tallinn (EEST = UTC+3): Estonia's 24 % applies.
    const at = createVatService({ dataset: loadBundledVatDataset(), now: () => new Date("2025-06-30T21:30:00Z") });
    expect(at.today("EE")).toBe("2025-07-01");
    expect(at.today("DE")).toBe("2025-06-30");
    expect(at.rateFor("ee", at.today("ee"))).toMatchObject({
      country: "EE",
      ratePercent: "24",
      validFrom: "2025-07-01",
    });
  });
});

describe("rateFor inputs", () => {
  it("covers the EU-27, the UK, Norway and Switzerland", () => {
    expect(vat.countries()).toHaveLength(30);
    for (const country of vat.countries()) expect(Number(rate(country, "2025-06-01"))).toBeGreaterThan(0);
    expect(rate("NO", "2025-06-01")).toBe("25");
    expect(rate("GB", "2025-06-01")).toBe("20");
    expect(rate("NL", "2025-06-01")).toBe("21");
  });

  it("accepts lower case and the VAT aliases EL (Greece) and UK", () => {
    expect(vat.rateFor("el", "2025-01-01")).toMatchObject({ country: "GR", ratePercent: "24" });
    expect(vat.rateFor("UK", "2025-01-01")).toMatchObject({ country: "GB", ratePercent: "20" });
    expect(vat.rateFor(" nl ", "2025-01-01").country).toBe("NL");
  });

  it("rejects an unknown country with a clear error", () => {
    expect(() => vat.rateFor("XX", "2025-01-01")).toThrow(VatError);
    expect(() => vat.rateFor("XX", "2025-01-01")).toThrow(
      /no VAT rates for country "XX"; voltrate-vat-rates .* covers AT, BE/,
    );
    expect(() => vat.rateFor("USA", "2025-01-01")).toThrow(expect.objectContaining({ code: "UNKNOWN_COUNTRY" }));
    expect(() => vat.rateFor("US", "2025-01-01")).toThrow(expect.objectContaining({ code: "UNKNOWN_COUNTRY" }));
  });

  it("rejects a date outside the dataset", () => {
    expect(() => vat.rateFor("NL", "2014-12-31")).toThrow(
      expect.objectContaining({
        code: "NO_RATE",
        message: expect.stringMatching(/no VAT rate for NL on 2014-12-31; .* from 2015-01-01 onwards/),
      }),
    );
  });

  it("rejects malformed dates", () => {
    for (const bad of ["2025-02-29", "2025-3-1", "01-03-2025", "2025-03-01T10:00:00Z", ""]) {
      expect(() => vat.rateFor("NL", bad)).toThrow(expect.objectContaining({ code: "INVALID_DATE" }));
    }
    expect(() => vat.rateFor("NL", new Date(Number.NaN))).toThrow(expect.objectContaining({ code: "INVALID_DATE" }));
  });
});
