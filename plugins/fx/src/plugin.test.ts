import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FxConfig } from "./config.ts";
import plugin, { FETCH_JOB } from "./plugin.ts";
import { fakeContext } from "./testing/fake-context.ts";
import { dailyXml, HIST_FIXTURE, histXml } from "./testing/fixtures.ts";
import { startServer, type TestServer } from "./testing/http-server.ts";

const configSchema = plugin.configSchema!;
const config = (input: unknown): FxConfig => configSchema.parse(input);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    "/eurofxref-hist-90d.xml": (_, res) => {
      res.writeHead(200, { "content-type": "text/xml" }).end(histXml());
    },
    "/down": (_, res) => {
      res.writeHead(503, { "content-type": "text/plain" }).end("maintenance");
    },
  });
});
afterAll(() => server.close());

describe("configuration", () => {
  it("has defaults: weekdays 16:30 (Frankfurt), 7 days staleness, 30 s fetch timeout", () => {
    expect(config(undefined)).toEqual({ fetchAt: "30 16 * * 1-5", stalenessDays: 7, fetchTimeoutMs: 30_000 });
    expect(
      config({ url: "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml", fetchAt: "1 day" }),
    ).toMatchObject({
      fetchAt: "1 day",
    });
  });

  it("rejects bad values and unknown keys", () => {
    for (const bad of [
      { url: "ftp://example.com/rates.xml" },
      { fetchAt: "whenever" },
      { stalenessDays: -1 },
      { stalenessDays: 1.5 },
      { fetchTimeoutMs: 5 },
      { importfile: "x.xml" },
    ]) {
      expect(configSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("without a URL", () => {
  it("imports the configured file at start, defines no job, and serves the fx capability", async () => {
    const { ctx, jobs, logger } = fakeContext(config({ importFile: HIST_FIXTURE, stalenessDays: 3 }));
    const result = await plugin.setup(ctx);
    expect(jobs.handlers.size).toBe(0);
    await result.start?.();
    expect(jobs.every).toEqual([]);
    expect(await result.services.fx.rateOn("USD", "GBP", "2025-03-09")).toMatchObject({
      rate: "0.8",
      publishedOn: "2025-03-07",
    });
    await expect(result.services.fx.rateOn("USD", "GBP", "2025-03-14")).rejects.toMatchObject({ code: "STALE" });
    expect(logger.records).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "ECB rates imported from file",
        obj: expect.objectContaining({ inserted: 11 }),
      }),
    );
    // The fixture is from 2025: today it is far older than 3 days.
    expect(await result.health?.()).toEqual({
      status: "degraded",
      detail: expect.stringMatching(/^the newest ECB publication is of 2025-03-10, \d+ days old \(more than 3\)$/),
    });
  });

  it("is degraded before anything is imported", async () => {
    const { ctx } = fakeContext(config({}));
    const result = await plugin.setup(ctx);
    await result.start?.();
    expect(await result.health?.()).toEqual({ status: "degraded", detail: "no ECB reference rates imported yet" });
  });
});

describe("with a URL", () => {
  it("defines the fetch job, schedules it weekdays at 16:30 Frankfurt time and runs it at once when rates are missing", async () => {
    const url = server.url("/eurofxref-hist-90d.xml");
    const { ctx, jobs, logger, collections } = fakeContext(config({ url }));
    const result = await plugin.setup(ctx);
    expect([...jobs.handlers.keys()]).toEqual([FETCH_JOB]);
    await result.start?.();
    expect(jobs.every).toEqual([
      { interval: "30 16 * * 1-5", name: FETCH_JOB, data: undefined, options: { timezone: "Europe/Berlin" } },
    ]);
    expect(jobs.now).toEqual([FETCH_JOB]);
    await jobs.run(FETCH_JOB);
    expect(collections.get("rates")?.size).toBe(11);
    expect(await result.services.fx.rateOn("GBP", "USD", "2025-03-08")).toMatchObject({
      rate: "1.25",
      publishedOn: "2025-03-07",
    });
    expect(logger.records).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "ECB rates fetched",
        obj: expect.objectContaining({ source: url, inserted: 11 }),
      }),
    );
  });

  it("fails the job with a clear error, and logs it, when the fetch fails", async () => {
    const url = server.url("/down");
    const { ctx, jobs, logger } = fakeContext(config({ url }));
    await plugin.setup(ctx);
    await expect(jobs.run(FETCH_JOB)).rejects.toThrow(`GET ${url} answered 503 Service Unavailable`);
    expect(logger.records).toContainEqual(
      expect.objectContaining({ level: "error", msg: "fetching the ECB rates failed" }),
    );
  });
});

describe("routes", () => {
  async function setUp() {
    const context = fakeContext(config({}));
    const result = await plugin.setup(context.ctx);
    await result.start?.();
    return { ...context, result };
  }
  const post = (body: string, headers: Record<string, string>) => ({ method: "POST", body, headers });
  const admin = { authorization: "Bearer admin", "content-type": "application/xml" };

  it("POST /import needs the admin role", async () => {
    const { api } = await setUp();
    expect((await api.request("/import", post(histXml(), { "content-type": "application/xml" }))).status).toBe(401);
    expect(
      (await api.request("/import", post(histXml(), { authorization: "Bearer viewer", "content-type": "text/xml" })))
        .status,
    ).toBe(403);
  });

  it("POST /import records the document and answers the summary; a re-published rate is kept as a correction", async () => {
    const { api, logger } = await setUp();
    const res = await api.request("/import", post(histXml(), admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ source: "request body", publications: 11, inserted: 11 });
    const again = await api.request("/import", post(histXml().replace("rate='1.0500'", "rate='1.0502'"), admin));
    expect(await again.json()).toMatchObject({
      unchanged: 10,
      corrected: 1,
      corrections: [{ date: "2025-03-07", currency: "USD" }],
    });
    expect(logger.records).toContainEqual(expect.objectContaining({ level: "warn", msg: "ECB rate corrected" }));
    const stored = await api.request("/publications/2025-03-07");
    expect(await stored.json()).toMatchObject({
      rates: { USD: "1.0502" },
      revision: 2,
      corrections: [{ currency: "USD", previous: "1.0500", rate: "1.0502", source: "request body" }],
    });
  });

  it("POST /import answers problems for invalid XML and other media types", async () => {
    const { api } = await setUp();
    const bad = await api.request("/import", post(dailyXml().replace("rate='1.0562'", "rate='-1'"), admin));
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(await bad.json()).toEqual({
      type: "urn:voltrate:problem:ecb-xml-invalid",
      title: "The document is not valid ECB reference-rate XML",
      status: 400,
      detail:
        'request body at line 10, column 4 (gesmes:Envelope > Cube > Cube[time=2025-03-11] > Cube[currency=USD]): rate "-1" is not a positive decimal number',
      instance: "/import",
    });
    const json = await api.request("/import", post("{}", { ...admin, "content-type": "application/json" }));
    expect(json.status).toBe(415);
  });

  it("GET /rates answers a rate, and problems for bad input, missing and stale rates", async () => {
    const { api } = await setUp();
    await api.request("/import", post(histXml(), admin));
    const ok = await api.request("/rates?from=USD&to=GBP&date=2025-03-08");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      from: "USD",
      to: "GBP",
      rate: "0.8",
      publishedOn: "2025-03-07",
      derivation: "cross via EUR",
      source: "ECB euro foreign exchange reference rates of 2025-03-07",
    });

    const invalid = await api.request("/rates?from=US&date=2025-3-8");
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    expect(await invalid.json()).toMatchObject({
      type: "urn:voltrate:problem:validation",
      detail:
        'query.from: expected a three-letter currency code, got "US"; query.to: required: a three-letter currency code, e.g. USD; query.date: expected a calendar date YYYY-MM-DD, got "2025-3-8"',
    });
    const missing = await api.request("/rates?from=USD&to=CNY&date=2025-03-07");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "urn:voltrate:problem:fx-rate-not-found" });
    const stale = await api.request("/rates?from=USD&to=GBP"); // today, long after the fixture's dates
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({
      type: "urn:voltrate:problem:fx-rates-stale",
      title: "ECB rates are stale",
    });
    expect((await api.request("/publications/2025-13-01")).status).toBe(400);
    expect((await api.request("/publications/2025-03-08")).status).toBe(404);
  });
});
