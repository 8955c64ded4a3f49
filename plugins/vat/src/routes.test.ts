// GET /rates through the real runtime: the plugin host mounts the routes at /api/v1/plugins/vat on the HTTP app.
import { type PluginTestHost, startPluginTestHost } from "@voltrate/runtime/testing";
import { vatCapability } from "@voltrate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "./plugin.ts";

const API = "/api/v1/plugins/vat";

let testHost: PluginTestHost;
beforeAll(async () => {
  testHost = await startPluginTestHost({ plugins: [{ plugin }] });
});
afterAll(() => testHost.close());

async function problem(path: string, status: number): Promise<Record<string, unknown>> {
  const res = await testHost.request(path);
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("GET /rates", () => {
  it("answers the rate of a country on a date", async () => {
    const res = await testHost.request(`${API}/rates?country=NL&date=2025-03-01`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      country: "NL",
      ratePercent: "21",
      kind: "standard",
      validFrom: "2015-01-01",
      source: expect.stringContaining("voltrate-vat-rates"),
    });
  });

  it("needs no API key, and answers the same with one", async () => {
    const path = `${API}/rates?country=DE&date=2025-03-01`;
    const anonymous = await testHost.request(path);
    expect(anonymous.status).toBe(200);
    const expected = await anonymous.json();
    expect(expected).toMatchObject({ country: "DE", ratePercent: "19" });
    for (const role of ["viewer", "editor", "admin"] as const) {
      const res = await testHost.request(path, { role });
      expect(res.status, role).toBe(200);
      expect(await res.json()).toEqual(expected);
    }
  });

  it("uses today in the country when the date is omitted", async () => {
    const vat = testHost.host.service(vatCapability)!;
    // Today in Tallinn, asked of the service the plugin provides, as the route does.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Tallinn" }).format(new Date());
    const res = await testHost.request(`${API}/rates?country=ee`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual(vat.rateFor("EE", today));
    expect(body).toMatchObject({ country: "EE" });
    const explicit = await testHost.request(`${API}/rates?country=EE&date=${today}`);
    expect(await explicit.json()).toEqual(body);
  });

  it("answers 400 problem JSON for bad input", async () => {
    expect(await problem(`${API}/rates?date=2025-03-01`, 400)).toEqual({
      type: "urn:voltrate:problem:validation",
      title: "The request is not valid",
      status: 400,
      detail: "query.country: required: an ISO 3166-1 alpha-2 code, e.g. NL",
      instance: `${API}/rates`,
      errors: [{ path: "query.country", message: "required: an ISO 3166-1 alpha-2 code, e.g. NL" }],
      requestId: expect.any(String),
    });
    const bad = await problem(`${API}/rates?country=NLD&date=2025-13-01`, 400);
    expect(bad.detail).toBe(
      'query.country: expected an ISO 3166-1 alpha-2 code, got "NLD"; query.date: expected a calendar date YYYY-MM-DD, got "2025-13-01"',
    );
  });

  it("answers 404 problem JSON for an unknown country or a date without a rate", async () => {
    expect(await problem(`${API}/rates?country=US&date=2025-03-01`, 404)).toMatchObject({
      type: "urn:voltrate:problem:vat-unknown-country",
      status: 404,
      detail: expect.stringContaining('no VAT rates for country "US"'),
    });
    expect(await problem(`${API}/rates?country=NL&date=2010-01-01`, 404)).toMatchObject({
      type: "urn:voltrate:problem:vat-no-rate",
      title: "No VAT rate on that date",
    });
  });
});
