import { beforeAll, describe, expect, it } from "vitest";
import { FxError } from "./errors.ts";
import { createFxService } from "./fx-service.ts";
import { importEcbFile, importEcbXml } from "./importer.ts";
import { InMemoryFxRateRepository } from "./repository.ts";
import { DAILY_FIXTURE, HIST_FIXTURE, histXml } from "./testing/fixtures.ts";

// Fixture rates on Friday 2025-03-07 (units per 1 EUR): USD 1.0500, JPY 157.50, GBP 0.84000, CHF 0.9500,
// SEK 11.0000, PLN 4.2000. Newest publication: Tuesday 2025-03-11.
const repository = new InMemoryFxRateRepository();
const fx = createFxService({ repository, now: () => new Date("2025-03-20T10:00:00Z") });

beforeAll(async () => {
  await importEcbFile(repository, HIST_FIXTURE);
  await importEcbFile(repository, DAILY_FIXTURE);
});

const rate = async (from: string, to: string, date: Date | string) => (await fx.rateOn(from, to, date)).rate;

describe("direct rates", () => {
  it("EUR→X is the figure as published, trailing zeros included", async () => {
    expect(await fx.rateOn("EUR", "GBP", "2025-03-07")).toEqual({
      from: "EUR",
      to: "GBP",
      rate: "0.84000",
      publishedOn: "2025-03-07",
      derivation: "direct",
      source: "ECB euro foreign exchange reference rates of 2025-03-07",
    });
  });

  it("X→EUR is 1 / (X per EUR), 10 significant digits, half up", async () => {
    // 1 / 1.05 = 0.952380952380952… → 0.9523809524 (the 11th digit, 8, rounds the 10th up)
    expect(await fx.rateOn("USD", "EUR", "2025-03-07")).toMatchObject({ rate: "0.9523809524", derivation: "direct" });
    // 1 / 157.50 = 0.00634920634920… → 0.006349206349 (10 significant digits)
    expect(await rate("JPY", "EUR", "2025-03-07")).toBe("0.006349206349");
    // 1 / 0.84 = 1.190476190476… → 1.190476190 at 10 significant digits, written without the trailing zero
    expect(await rate("GBP", "EUR", "2025-03-07")).toBe("1.19047619");
  });
});

describe("cross rates via EUR: (to per EUR) / (from per EUR)", () => {
  it("worked by hand on the Friday figures", async () => {
    // USD→GBP = 0.84 / 1.05 = 0.8 exactly
    expect(await fx.rateOn("USD", "GBP", "2025-03-07")).toMatchObject({
      from: "USD",
      to: "GBP",
      rate: "0.8",
      derivation: "cross via EUR",
      publishedOn: "2025-03-07",
    });
    // GBP→USD = 1.05 / 0.84 = 1.25 exactly
    expect(await rate("GBP", "USD", "2025-03-07")).toBe("1.25");
    // USD→JPY = 157.5 / 1.05 = 150 exactly
    expect(await rate("USD", "JPY", "2025-03-07")).toBe("150");
    // CHF→SEK = 11 / 0.95 = 11.5789473684210… → 11.57894737 (digits 1157894736|84…: rounds up)
    expect(await rate("CHF", "SEK", "2025-03-07")).toBe("11.57894737");
    // PLN→CHF = 0.95 / 4.2 = 0.2261904761904… → 0.2261904762 (digits 2261904761|90…: rounds up)
    expect(await rate("PLN", "CHF", "2025-03-07")).toBe("0.2261904762");
    // SEK→PLN = 4.2 / 11 = 0.381818181818… → 0.3818181818 (digits 3818181818|18…: stays)
    expect(await rate("SEK", "PLN", "2025-03-07")).toBe("0.3818181818");
  });

  it("identity for the same currency, EUR included", async () => {
    expect(await fx.rateOn("usd", "USD", "2025-03-08")).toEqual({
      from: "USD",
      to: "USD",
      rate: "1",
      publishedOn: "2025-03-08",
      derivation: "identity",
      source: "identity (same currency)",
    });
    expect(await rate("EUR", "EUR", "1999-01-04")).toBe("1");
  });
});

describe("which publication", () => {
  it("a weekend uses Friday's rate", async () => {
    for (const day of ["2025-03-08", "2025-03-09"]) {
      expect(await fx.rateOn("USD", "GBP", day)).toMatchObject({ rate: "0.8", publishedOn: "2025-03-07" });
    }
    expect(await fx.rateOn("EUR", "USD", "2025-03-10")).toMatchObject({ rate: "1.0530", publishedOn: "2025-03-10" });
  });

  it("a Date is read as its calendar date in Frankfurt", async () => {
    // Sunday 23:30 in Frankfurt (CET = UTC+1): still the weekend → Friday's rate.
    expect((await fx.rateOn("EUR", "USD", new Date("2025-03-09T22:30:00Z"))).publishedOn).toBe("2025-03-07");
    // Monday 00:30 in Frankfurt.
    expect((await fx.rateOn("EUR", "USD", new Date("2025-03-09T23:30:00Z"))).publishedOn).toBe("2025-03-10");
  });

  it("refuses a date more than stalenessDays after the last publication on or before it", async () => {
    expect((await fx.rateOn("EUR", "USD", "2025-03-18")).publishedOn).toBe("2025-03-11"); // 7 days: allowed
    await expect(fx.rateOn("EUR", "USD", "2025-03-19")).rejects.toThrow(
      new FxError(
        "STALE",
        "the last ECB publication on or before 2025-03-19 is of 2025-03-11, 8 days earlier, more than the 7 days allowed (stalenessDays); import newer rates",
      ),
    );
    const strict = createFxService({ repository, stalenessDays: 1 });
    await expect(strict.rateOn("USD", "GBP", "2025-03-09")).rejects.toMatchObject({ code: "STALE" }); // Sunday: 2 days
    expect((await strict.rateOn("USD", "GBP", "2025-03-08")).rate).toBe("0.8"); // Saturday: 1 day
  });

  it("refuses dates before the oldest publication, and an empty repository", async () => {
    await expect(fx.rateOn("EUR", "USD", "2025-02-21")).rejects.toThrow(
      "no ECB publication on or before 2025-02-21; the oldest imported is of 2025-02-24",
    );
    const empty = createFxService({ repository: new InMemoryFxRateRepository() });
    await expect(empty.rateOn("EUR", "USD", "2025-03-03")).rejects.toMatchObject({
      code: "NO_PUBLICATION",
      message: "no ECB reference rates have been imported yet",
    });
  });

  it("names a currency the publication does not have", async () => {
    await expect(fx.rateOn("CNY", "USD", "2025-03-07")).rejects.toThrow(
      new FxError("CURRENCY_NOT_PUBLISHED", "the ECB publication of 2025-03-07 has no rate for CNY"),
    );
  });

  it("uses a corrected rate and says which revision", async () => {
    const corrected = new InMemoryFxRateRepository();
    await importEcbXml(corrected, histXml(), "hist.xml");
    await importEcbXml(corrected, histXml().replace("rate='0.84000'", "rate='0.84210'"), "corrected.xml");
    const service = createFxService({ repository: corrected });
    expect(await service.rateOn("EUR", "GBP", "2025-03-07")).toMatchObject({
      rate: "0.84210",
      source: "ECB euro foreign exchange reference rates of 2025-03-07, revision 2",
    });
  });
});

describe("inputs", () => {
  it("refuses bad currencies and dates", async () => {
    await expect(fx.rateOn("US", "GBP", "2025-03-07")).rejects.toThrow(
      new FxError("INVALID_CURRENCY", 'from must be a three-letter currency code, got "US"'),
    );
    await expect(fx.rateOn("USD", "POUND", "2025-03-07")).rejects.toMatchObject({ code: "INVALID_CURRENCY" });
    for (const bad of ["2025-02-29", "7 March 2025", "2025-03-07T12:00"]) {
      await expect(fx.rateOn("USD", "GBP", bad)).rejects.toMatchObject({ code: "INVALID_DATE" });
    }
    await expect(fx.rateOn("USD", "GBP", new Date(Number.NaN))).rejects.toMatchObject({ code: "INVALID_DATE" });
  });
});

describe("convert", () => {
  it("multiplies by the reported rate, unrounded", async () => {
    expect(await fx.convert("100", "USD", "GBP", "2025-03-08")).toMatchObject({ amount: "80", rate: { rate: "0.8" } });
    // 12.34 × 11.57894737 = 138.94736844 + 3.9368421058 = 142.8842105458
    expect((await fx.convert("12.34", "CHF", "SEK", "2025-03-07")).amount).toBe("142.8842105458");
    // EUR→GBP keeps the published figure: 19.99 × 0.84 = 16.7916
    expect((await fx.convert("19.99", "EUR", "GBP", "2025-03-07")).amount).toBe("16.7916");
    expect((await fx.convert("-5.50", "EUR", "EUR", "2025-03-07")).amount).toBe("-5.5");
  });

  it("refuses an amount that is not a decimal string", async () => {
    await expect(fx.convert("1,5", "EUR", "USD", "2025-03-07")).rejects.toThrow(
      new FxError("INVALID_AMOUNT", 'amount must be a decimal string, got "1,5"'),
    );
    await expect(fx.convert(1.5 as unknown as string, "EUR", "USD", "2025-03-07")).rejects.toMatchObject({
      code: "INVALID_AMOUNT",
    });
  });
});

describe("status", () => {
  it("reports the newest publication and whether it is older than stalenessDays today", async () => {
    expect(await fx.status()).toEqual({ newest: "2025-03-11", ageDays: 9, stale: true, stalenessDays: 7 });
    const fresh = createFxService({ repository, now: () => new Date("2025-03-12T08:00:00Z") });
    expect(await fresh.status()).toMatchObject({ ageDays: 1, stale: false });
    expect(() => createFxService({ repository, stalenessDays: -1 })).toThrow(/non-negative integer/);
  });
});
