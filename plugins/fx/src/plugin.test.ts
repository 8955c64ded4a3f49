// The plugin in the real runtime: the embedded store, the Agenda scheduler, the plugin host, the HTTP app with
// real API keys, and a real HTTP server standing in for the ECB.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginInfo } from "@voltrate/runtime/plugins";
import { logCapture, type PluginTestHost, startPluginTestHost } from "@voltrate/runtime/testing";
import { fxCapability } from "@voltrate/sdk";
import { afterEach, describe, expect, it } from "vitest";
import type { FxConfig } from "./config.ts";
import { addDays, ecbDate } from "./dates.ts";
import plugin, { FETCH_JOB, RATES_COLLECTION } from "./plugin.ts";
import type { PublicationDoc } from "./store-repository.ts";
import { dailyXml, ecbDocument, HIST_FIXTURE, histXml } from "./testing/fixtures.ts";
import { type Route, startServer, type TestServer } from "./testing/http-server.ts";
import { until } from "./testing/until.ts";

const configSchema = plugin.configSchema!;
const config = (input: unknown): FxConfig => configSchema.parse(input);

/** Where the host keeps the plugin's things: jobs as "<id>:<name>", collections as "plugin.<id>.<name>". */
const JOB = `fx:${FETCH_JOB}`;
const COLLECTION = `plugin.fx.${RATES_COLLECTION}`;
const API = "/api/v1/plugins/fx";
const PROCESS_EVERY_MS = 100;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(routes: Record<string, Route>): Promise<TestServer> {
  const server = await startServer(routes);
  cleanups.push(() => server.close());
  return server;
}

async function startFx(pluginConfig: unknown) {
  const { logger, records } = logCapture();
  const testHost = await startPluginTestHost({
    plugins: [{ plugin, config: pluginConfig }],
    logger,
    processEveryMs: PROCESS_EVERY_MS,
  });
  cleanups.push(() => testHost.close());
  const fx = testHost.host.service(fxCapability);
  if (!fx) throw new Error("the host provides no fx service");
  return {
    testHost,
    fx,
    rates: testHost.store.collection<PublicationDoc>(COLLECTION),
    /** What the plugin logged (through the logger the host gave it). */
    logs: () => records.filter((r) => r.plugin === plugin.name),
  };
}

/** The plugin as GET /api/v1/plugins describes it (state, routes, health). */
async function described(testHost: PluginTestHost): Promise<PluginInfo | undefined> {
  const res = await testHost.request("/api/v1/plugins", { role: "viewer" });
  expect(res.status).toBe(200);
  const { plugins } = (await res.json()) as { plugins: PluginInfo[] };
  return plugins.find((p) => p.name === plugin.name);
}

async function fetchJobs(testHost: PluginTestHost) {
  const { jobs } = await testHost.scheduler.jobs({ name: JOB });
  return {
    recurring: jobs.filter((j) => j.repeatInterval !== undefined),
    once: jobs.filter((j) => j.repeatInterval === undefined),
  };
}

const berlinWallClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

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
    const { testHost, fx, rates, logs } = await startFx({ importFile: HIST_FIXTURE, stalenessDays: 3 });
    expect(await rates.countDocuments()).toBe(11);
    expect((await testHost.scheduler.jobs()).total).toBe(0);
    expect(await fx.rateOn("USD", "GBP", "2025-03-09")).toMatchObject({ rate: "0.8", publishedOn: "2025-03-07" });
    await expect(fx.rateOn("USD", "GBP", "2025-03-14")).rejects.toMatchObject({ code: "STALE" });
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "ECB rates imported from file",
        source: HIST_FIXTURE,
        inserted: 11,
      }),
    );
    // The fixture is from 2025: today it is far older than 3 days.
    expect(await described(testHost)).toMatchObject({
      state: "started",
      provides: ["fx"],
      routes: [API],
      health: {
        status: "degraded",
        detail: expect.stringMatching(/^the newest ECB publication is of 2025-03-10, \d+ days old \(more than 3\)$/),
      },
    });
    // No handler is defined for the fetch job: one queued by hand is never run.
    await testHost.scheduler.now(JOB);
    await new Promise((resolve) => setTimeout(resolve, 5 * PROCESS_EVERY_MS));
    const { once } = await fetchJobs(testHost);
    expect(once).toHaveLength(1);
    expect(once[0]?.lastRunAt).toBeUndefined();
  });

  it("is degraded before anything is imported", async () => {
    const { testHost } = await startFx({});
    expect((await described(testHost))?.health).toEqual({
      status: "degraded",
      detail: "no ECB reference rates imported yet",
    });
  });
});

describe("with a URL", () => {
  const hist: Route = (_, res) => {
    res.writeHead(200, { "content-type": "text/xml" }).end(histXml());
  };

  it("defines the fetch job, schedules it weekdays at 16:30 Frankfurt time and runs it at once when rates are missing", async () => {
    const server = await serve({ "/eurofxref-hist-90d.xml": hist });
    const url = server.url("/eurofxref-hist-90d.xml");
    const { testHost, fx, rates, logs } = await startFx({ url });

    const { recurring, once } = await fetchJobs(testHost);
    expect(recurring).toEqual([
      expect.objectContaining({ type: "single", repeatInterval: "30 16 * * 1-5", repeatTimezone: "Europe/Berlin" }),
    ]);
    expect(recurring[0]?.data).toBeUndefined();
    const next = new Date(recurring[0]?.nextRunAt as Date);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(berlinWallClock.format(next)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 16:30$/);
    // Nothing is stored yet, so the job is also queued to run at once.
    expect(once).toEqual([expect.objectContaining({ type: "normal" })]);

    await until("the fetch run queued at start to finish", async () => {
      const [run] = (await fetchJobs(testHost)).once;
      return run?.state === "completed";
    });
    expect(server.requests).toEqual(["GET /eurofxref-hist-90d.xml"]);
    expect(await rates.countDocuments()).toBe(11);
    expect(await fx.rateOn("GBP", "USD", "2025-03-08")).toMatchObject({ rate: "1.25", publishedOn: "2025-03-07" });
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: "info", msg: "ECB rates fetched", source: url, inserted: 11 }),
    );
  });

  it("fetches again at every run of the schedule and records a re-published rate as a correction", async () => {
    // The start queues two runs at once (the one-off run and the first run of the interval); what the third
    // request gets can only be fetched by a later run of the schedule.
    let served = 0;
    const server = await serve({
      "/eurofxref-hist-90d.xml": (_, res) => {
        served++;
        const xml = served <= 2 ? histXml() : histXml().replace("rate='1.0500'", "rate='1.0502'");
        res.writeHead(200, { "content-type": "text/xml" }).end(xml);
      },
    });
    const url = server.url("/eurofxref-hist-90d.xml");
    const { testHost, rates, logs } = await startFx({ url, fetchAt: "1 second" });
    expect((await fetchJobs(testHost)).recurring).toEqual([
      expect.objectContaining({ type: "single", repeatInterval: "1 second" }),
    ]);

    // The run logs the correction once it is stored.
    await until("a scheduled run to log the correction", () =>
      logs().some((r) => r.level === "warn" && r.msg === "ECB rate corrected"),
    );
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(await rates.findOne({ _id: "2025-03-07" })).toMatchObject({
      rates: { USD: "1.0502" },
      revision: 2,
      source: url,
      corrections: [{ currency: "USD", previous: "1.0500", rate: "1.0502", revision: 2, source: url }],
    });
    expect(await rates.countDocuments()).toBe(11);
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "ECB rate corrected",
        date: "2025-03-07",
        currency: "USD",
        previous: "1.0500",
        rate: "1.0502",
        source: url,
      }),
    );
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: "info", msg: "ECB rates fetched", source: url, corrected: 1 }),
    );
  });

  it.each([
    ["yesterday", 0, -1],
    ["the day before yesterday", 1, -2],
  ])("at start, with the newest stored publication of %s, queues %i run(s) at once", async (_, runs, days) => {
    const server = await serve({ "/eurofxref-hist-90d.xml": hist });
    const dir = mkdtempSync(join(tmpdir(), "voltrate-fx-plugin-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const date = addDays(ecbDate(new Date()), days);
    const file = join(dir, "eurofxref-daily.xml");
    writeFileSync(
      file,
      ecbDocument(`\t\t<Cube time='${date}'>\n\t\t\t<Cube currency='USD' rate='1.1000'/>\n\t\t</Cube>`),
    );

    const { testHost, fx } = await startFx({ importFile: file, url: server.url("/eurofxref-hist-90d.xml") });
    const { recurring, once } = await fetchJobs(testHost);
    expect(recurring).toHaveLength(1);
    expect(once).toHaveLength(runs);
    expect(await fx.rateOn("EUR", "USD", date)).toMatchObject({ rate: "1.1000", publishedOn: date });
    if (runs === 0) {
      expect((await described(testHost))?.health).toEqual({ status: "ok", detail: `newest ECB publication ${date}` });
      expect(server.requests).toEqual([]);
    } else {
      await until("the fetch run queued at start to finish", async () => {
        const [run] = (await fetchJobs(testHost)).once;
        return run?.state === "completed";
      });
      expect(server.requests).toEqual(["GET /eurofxref-hist-90d.xml"]);
    }
  });

  it("fails the job with a clear error, and logs it, when the fetch fails", async () => {
    const server = await serve({
      "/down": (_, res) => {
        res.writeHead(503, { "content-type": "text/plain" }).end("maintenance");
      },
    });
    const url = server.url("/down");
    const { testHost, rates, logs } = await startFx({ url });
    const failed = await until("the fetch run queued at start to fail", async () => {
      const [run] = (await fetchJobs(testHost)).once;
      return run?.state === "failed" ? run : null;
    });
    expect(failed).toMatchObject({ failCount: 1, failReason: `GET ${url} answered 503 Service Unavailable` });
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: "error",
        msg: "fetching the ECB rates failed",
        url,
        err: expect.objectContaining({ message: `GET ${url} answered 503 Service Unavailable` }),
      }),
    );
    expect(await rates.countDocuments()).toBe(0);
    // The plugin itself keeps running.
    expect(await described(testHost)).toMatchObject({
      state: "started",
      health: { status: "degraded", detail: "no ECB reference rates imported yet" },
    });
  });
});

describe("routes", () => {
  const post = (body: string, contentType: string, init: { role?: "admin" | "editor" | "viewer" } = {}) => ({
    method: "POST",
    body,
    headers: { "content-type": contentType },
    ...init,
  });
  const asAdmin = (body: string) => post(body, "application/xml", { role: "admin" });

  it("POST /import needs an API key with the admin role", async () => {
    const { testHost, rates } = await startFx({});
    const anonymous = await testHost.request(`${API}/import`, post(histXml(), "application/xml"));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="voltrate"');
    expect(await anonymous.json()).toMatchObject({ type: "urn:voltrate:problem:unauthorized", status: 401 });

    const unknownKey = await testHost.request(`${API}/import`, {
      ...post(histXml(), "application/xml"),
      headers: { "content-type": "application/xml", authorization: "Bearer not-a-key" },
    });
    expect(unknownKey.status).toBe(401);

    for (const role of ["viewer", "editor"] as const) {
      const res = await testHost.request(`${API}/import`, post(histXml(), "text/xml", { role }));
      expect(res.status, role).toBe(403);
      expect(await res.json()).toMatchObject({
        type: "urn:voltrate:problem:forbidden",
        detail: expect.stringContaining(`This needs the role admin; the key "test ${role}" has the role ${role}`),
      });
    }
    expect(await rates.countDocuments()).toBe(0);

    const admin = await testHost.request(`${API}/import`, post(histXml(), "text/xml", { role: "admin" }));
    expect(admin.status).toBe(200);
    expect(await rates.countDocuments()).toBe(11);
  });

  it("POST /import records the document and answers the summary; a re-published rate is kept as a correction", async () => {
    const { testHost, rates, logs } = await startFx({});
    const res = await testHost.request(`${API}/import`, asAdmin(histXml()));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ source: "request body", publications: 11, inserted: 11 });
    const again = await testHost.request(`${API}/import`, asAdmin(histXml().replace("rate='1.0500'", "rate='1.0502'")));
    expect(await again.json()).toMatchObject({
      unchanged: 10,
      corrected: 1,
      corrections: [{ date: "2025-03-07", currency: "USD" }],
    });
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: "warn", msg: "ECB rate corrected", date: "2025-03-07", currency: "USD" }),
    );
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: "info", msg: "ECB rates imported through the API", corrected: 1 }),
    );
    const stored = await testHost.request(`${API}/publications/2025-03-07`);
    expect(await stored.json()).toMatchObject({
      rates: { USD: "1.0502" },
      revision: 2,
      corrections: [{ currency: "USD", previous: "1.0500", rate: "1.0502", source: "request body" }],
    });
    // What the route answers is what the store holds.
    expect(await rates.findOne({ _id: "2025-03-07" })).toMatchObject({
      _id: "2025-03-07",
      date: "2025-03-07",
      rates: { USD: "1.0502" },
      revision: 2,
    });
    expect(await rates.countDocuments()).toBe(11);
  });

  it("POST /import answers problems for invalid XML and other media types", async () => {
    const { testHost, rates } = await startFx({});
    const bad = await testHost.request(`${API}/import`, asAdmin(dailyXml().replace("rate='1.0562'", "rate='-1'")));
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(await bad.json()).toEqual({
      type: "urn:voltrate:problem:ecb-xml-invalid",
      title: "The document is not valid ECB reference-rate XML",
      status: 400,
      detail:
        'request body at line 10, column 4 (gesmes:Envelope > Cube > Cube[time=2025-03-11] > Cube[currency=USD]): rate "-1" is not a positive decimal number',
      instance: `${API}/import`,
      requestId: bad.headers.get("x-request-id"),
    });
    const json = await testHost.request(`${API}/import`, post("{}", "application/json", { role: "admin" }));
    expect(json.status).toBe(415);
    expect(await json.json()).toMatchObject({ type: "urn:voltrate:problem:unsupported-media-type" });
    expect(await rates.countDocuments()).toBe(0);
  });

  it("GET /rates answers a rate, and problems for bad input, missing and stale rates", async () => {
    const { testHost } = await startFx({});
    await testHost.request(`${API}/import`, asAdmin(histXml()));
    // The read routes need no API key.
    const ok = await testHost.request(`${API}/rates?from=USD&to=GBP&date=2025-03-08`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      from: "USD",
      to: "GBP",
      rate: "0.8",
      publishedOn: "2025-03-07",
      derivation: "cross via EUR",
      source: "ECB euro foreign exchange reference rates of 2025-03-07",
    });

    const invalid = await testHost.request(`${API}/rates?from=US&date=2025-3-8`);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    expect(await invalid.json()).toMatchObject({
      type: "urn:voltrate:problem:validation",
      detail:
        'query.from: expected a three-letter currency code, got "US"; query.to: required: a three-letter currency code, e.g. USD; query.date: expected a calendar date YYYY-MM-DD, got "2025-3-8"',
      instance: `${API}/rates`,
    });
    const missing = await testHost.request(`${API}/rates?from=USD&to=CNY&date=2025-03-07`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "urn:voltrate:problem:fx-rate-not-found" });
    const stale = await testHost.request(`${API}/rates?from=USD&to=GBP`); // today, long after the fixture's dates
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({
      type: "urn:voltrate:problem:fx-rates-stale",
      title: "ECB rates are stale",
    });
    expect((await testHost.request(`${API}/publications/2025-13-01`)).status).toBe(400);
    expect((await testHost.request(`${API}/publications/2025-03-08`)).status).toBe(404);
  });
});
