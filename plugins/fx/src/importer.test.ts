import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcbXmlError, FxImportError } from "./errors.ts";
import { fetchEcbXml, importEcbFile, importEcbUrl, importEcbXml } from "./importer.ts";
import { InMemoryFxRateRepository } from "./repository.ts";
import { DAILY_FIXTURE, dailyXml, HIST_FIXTURE, histXml } from "./testing/fixtures.ts";
import { startServer, type TestServer } from "./testing/http-server.ts";

describe("importing files", () => {
  it("imports the historical and the daily file, then re-imports idempotently", async () => {
    const repository = new InMemoryFxRateRepository();
    expect(await importEcbFile(repository, HIST_FIXTURE)).toEqual({
      source: HIST_FIXTURE,
      publications: 11,
      from: "2025-02-24",
      to: "2025-03-10",
      inserted: 11,
      unchanged: 0,
      corrected: 0,
      corrections: [],
    });
    expect(await importEcbFile(repository, DAILY_FIXTURE)).toMatchObject({
      publications: 1,
      from: "2025-03-11",
      inserted: 1,
    });
    expect(await importEcbFile(repository, HIST_FIXTURE)).toMatchObject({ inserted: 0, unchanged: 11, corrected: 0 });
  });

  it("reports corrections with their date", async () => {
    const repository = new InMemoryFxRateRepository();
    await importEcbXml(repository, histXml(), "hist.xml");
    const at = new Date("2025-03-12T16:00:00Z");
    const summary = await importEcbXml(
      repository,
      histXml().replace("rate='157.50'", "rate='157.55'"),
      "fixed.xml",
      at,
    );
    expect(summary).toMatchObject({ inserted: 0, unchanged: 10, corrected: 1 });
    expect(summary.corrections).toEqual([
      {
        date: "2025-03-07",
        currency: "JPY",
        previous: "157.50",
        rate: "157.55",
        revision: 2,
        at: at.toISOString(),
        source: "fixed.xml",
      },
    ]);
  });

  it("writes nothing from a document with an error, even late in the file", async () => {
    const repository = new InMemoryFxRateRepository();
    const broken = histXml().replace("<Cube currency='PLN' rate='4.2790'/>", "<Cube currency='PLN' rate='-4.2790'/>");
    await expect(importEcbXml(repository, broken, "broken.xml")).rejects.toThrow(EcbXmlError);
    await expect(importEcbXml(repository, broken, "broken.xml")).rejects.toThrow(
      /^broken\.xml at line \d+, column 4 \(gesmes:Envelope > Cube > Cube\[time=2025-02-24\] > Cube\[currency=PLN\]\): rate "-4\.2790"/,
    );
    expect(await repository.newest()).toBeNull();
  });

  it("names a file it cannot read", async () => {
    await expect(importEcbFile(new InMemoryFxRateRepository(), "/nonexistent/eurofxref.xml")).rejects.toThrow(
      new FxImportError(
        "FILE",
        "cannot read /nonexistent/eurofxref.xml: ENOENT: no such file or directory, open '/nonexistent/eurofxref.xml'",
      ),
    );
  });
});

describe("importing from a URL (a real HTTP server on 127.0.0.1)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      "/stats/eurofxref/eurofxref-daily.xml": (_, res) => {
        res.writeHead(200, { "content-type": "text/xml" }).end(dailyXml());
      },
      "/stats/eurofxref/eurofxref-hist.xml": (_, res) => {
        res.writeHead(200, { "content-type": "text/xml" }).end(histXml());
      },
      "/error": (_, res) => {
        res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      },
      "/never-answers": () => {},
      "/stalls-mid-body": (_, res) => {
        res.writeHead(200, { "content-type": "text/xml" });
        res.write(dailyXml().slice(0, 200));
      },
      "/html": (_, res) => {
        res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Maintenance</body></html>");
      },
      "/latin1": (_, res) => {
        res.writeHead(200, { "content-type": "text/xml" }).end(Buffer.from([0x3c, 0x61, 0xe9, 0x3e]));
      },
    });
  });
  afterAll(() => server.close());

  it("fetches and imports the daily and the historical file", async () => {
    const repository = new InMemoryFxRateRepository();
    const url = server.url("/stats/eurofxref/eurofxref-daily.xml");
    expect(await importEcbUrl(repository, url)).toMatchObject({ source: url, publications: 1, inserted: 1 });
    expect(await importEcbUrl(repository, server.url("/stats/eurofxref/eurofxref-hist.xml"))).toMatchObject({
      inserted: 11,
    });
    expect((await repository.get("2025-03-11"))?.source).toBe(url);
    expect(server.requests).toContain("GET /stats/eurofxref/eurofxref-daily.xml");
  });

  it("reports an HTTP error status", async () => {
    const url = server.url("/error");
    await expect(fetchEcbXml(url)).rejects.toThrow(
      new FxImportError("HTTP_STATUS", `GET ${url} answered 500 Internal Server Error`),
    );
    await expect(fetchEcbXml(server.url("/missing"))).rejects.toMatchObject({
      code: "HTTP_STATUS",
      message: expect.stringContaining("answered 404"),
    });
  });

  it("times out when the server does not answer, or stops in the middle of the body", async () => {
    const url = server.url("/never-answers");
    await expect(fetchEcbXml(url, { timeoutMs: 200 })).rejects.toThrow(
      new FxImportError("TIMEOUT", `GET ${url} timed out after 200 ms`),
    );
    await expect(fetchEcbXml(server.url("/stalls-mid-body"), { timeoutMs: 200 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });

  it("reports a refused connection", async () => {
    // A port that was free a moment ago and has nothing listening on it now.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await expect(fetchEcbXml(`http://127.0.0.1:${port}/eurofxref-daily.xml`)).rejects.toThrow(
      new FxImportError("NETWORK", `GET http://127.0.0.1:${port}/eurofxref-daily.xml failed: ECONNREFUSED`),
    );
  });

  it("refuses bodies that are too large, not UTF-8 or not ECB XML, and non-HTTP URLs", async () => {
    await expect(
      fetchEcbXml(server.url("/stats/eurofxref/eurofxref-hist.xml"), { maxBytes: 1000 }),
    ).rejects.toMatchObject({
      code: "TOO_LARGE",
    });
    await expect(fetchEcbXml(server.url("/latin1"))).rejects.toMatchObject({ code: "ENCODING" });
    const html = server.url("/html");
    await expect(importEcbUrl(new InMemoryFxRateRepository(), html)).rejects.toThrow(
      `${html} at line 1, column 1 (html): the root element must be Envelope in the namespace http://www.gesmes.org/xml/2002-08-01`,
    );
    await expect(fetchEcbXml("file:///etc/passwd")).rejects.toMatchObject({ code: "INVALID_URL" });
    await expect(fetchEcbXml("not a url")).rejects.toMatchObject({ code: "INVALID_URL" });
  });
});
