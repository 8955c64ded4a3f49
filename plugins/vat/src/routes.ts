// The plugin's HTTP routes, on the api app mounted at /api/v1/plugins/vat.

import { type FieldError, problemResponse, validationProblem } from "@voltrate/sdk";
import type { Hono } from "hono";
import { normalizeCountry } from "./countries.ts";
import { isIsoDate } from "./dates.ts";
import { VatError } from "./errors.ts";
import type { VatRates } from "./vat-service.ts";

export function registerVatRoutes(app: Hono, vat: VatRates): void {
  /** GET /rates?country=NL&date=2025-03-01 — the rate for charging; `date` defaults to today in that country. */
  app.get("/rates", (c) => {
    const country = c.req.query("country");
    const date = c.req.query("date");
    const errors: FieldError[] = [];
    if (!country) errors.push({ path: "query.country", message: "required: an ISO 3166-1 alpha-2 code, e.g. NL" });
    else if (!normalizeCountry(country)) {
      errors.push({
        path: "query.country",
        message: `expected an ISO 3166-1 alpha-2 code, got ${JSON.stringify(country)}`,
      });
    }
    if (date !== undefined && !isIsoDate(date)) {
      errors.push({ path: "query.date", message: `expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}` });
    }
    if (errors.length > 0 || !country) return validationProblem(c, errors);
    try {
      return c.json(vat.rateFor(country, date ?? vat.today(country)));
    } catch (error) {
      if (!(error instanceof VatError)) throw error;
      if (error.code === "UNKNOWN_COUNTRY") {
        return problemResponse(c, {
          status: 404,
          slug: "vat-unknown-country",
          title: "Unknown country",
          detail: error.message,
        });
      }
      if (error.code === "NO_RATE") {
        return problemResponse(c, {
          status: 404,
          slug: "vat-no-rate",
          title: "No VAT rate on that date",
          detail: error.message,
        });
      }
      return validationProblem(c, [{ path: "query", message: error.message }]);
    }
  });
}
