import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { loadBundledVatDataset } from "./dataset.ts";
import { registerVatRoutes } from "./routes.ts";
import { createVatService } from "./vat-service.ts";

const app = new Hono();
registerVatRoutes(
  app,
  createVatService({ dataset: loadBundledVatDataset(), now: () => new Date("2025-07-01T10:00:00Z") }),
);

async function problem(path: string, status: number): Promise<Record<string, unknown>> {
  const res = await app.request(path);
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as Record<string, unknown>;
}

describe("GET /rates", () => {
  it("answers the rate of a country on a date", async () => {
    const res = await app.request("/rates?country=NL&date=2025-03-01");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      country: "NL",
      ratePercent: "21",
      kind: "standard",
      validFrom: "2015-01-01",
      source: expect.stringContaining("voltrate-vat-rates"),
    });
  });

  it("uses today in the country when the date is omitted", async () => {
    const res = await app.request("/rates?country=ee");
    expect(await res.json()).toMatchObject({ country: "EE", ratePercent: "24", validFrom: "2025-07-01" });
  });

  it("answers 400 problem JSON for bad input", async () => {
    expect(await problem("/rates?date=2025-03-01", 400)).toEqual({
      type: "urn:voltrate:problem:validation",
      title: "The request is not valid",
      status: 400,
      detail: "query.country: required: an ISO 3166-1 alpha-2 code, e.g. NL",
      instance: "/rates",
      errors: [{ path: "query.country", message: "required: an ISO 3166-1 alpha-2 code, e.g. NL" }],
    });
    const bad = await problem("/rates?country=NLD&date=2025-13-01", 400);
    expect(bad.detail).toBe(
      'query.country: expected an ISO 3166-1 alpha-2 code, got "NLD"; query.date: expected a calendar date YYYY-MM-DD, got "2025-13-01"',
    );
  });

  it("answers 404 problem JSON for an unknown country or a date without a rate", async () => {
    expect(await problem("/rates?country=US&date=2025-03-01", 404)).toMatchObject({
      type: "urn:voltrate:problem:vat-unknown-country",
      status: 404,
      detail: expect.stringContaining('no VAT rates for country "US"'),
    });
    expect(await problem("/rates?country=NL&date=2010-01-01", 404)).toMatchObject({
      type: "urn:voltrate:problem:vat-no-rate",
      title: "No VAT rate on that date",
    });
  });
});
