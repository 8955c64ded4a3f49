// The plugin's HTTP routes, on the api app mounted at /api/v1/plugins/fx.
import type { PluginAuth } from "@voltrate/sdk";
import { type FieldError, problemResponse, validationProblem } from "@voltrate/sdk";
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ecbDate, isIsoDate } from "./dates.ts";
import { EcbXmlError, FxError } from "./errors.ts";
import type { EcbFxService } from "./fx-service.ts";
import { DEFAULT_MAX_BYTES, importEcbXml } from "./importer.ts";
import type { FxRateRepository } from "./repository.ts";

export interface FxRouteDeps {
  fx: EcbFxService;
  repository: FxRateRepository;
  auth: PluginAuth;
  now?: () => Date;
  /** Called after every import through the API, e.g. to log it. */
  onImport?: (summary: Awaited<ReturnType<typeof importEcbXml>>) => void;
}

const CURRENCY = /^[A-Za-z]{3}$/;
const XML_TYPE = /^(application|text)\/([\w.+-]+\+)?xml(\s*;.*)?$/i;

export function registerFxRoutes(app: Hono, deps: FxRouteDeps): void {
  const now = deps.now ?? (() => new Date());

  /** GET /rates?from=USD&to=GBP&date=2025-03-03 — `date` defaults to today in Frankfurt. */
  app.get("/rates", async (c) => {
    const { from, to, date } = c.req.query();
    const errors: FieldError[] = [];
    for (const [name, value] of [
      ["from", from],
      ["to", to],
    ] as const) {
      if (!value) errors.push({ path: `query.${name}`, message: "required: a three-letter currency code, e.g. USD" });
      else if (!CURRENCY.test(value)) {
        errors.push({
          path: `query.${name}`,
          message: `expected a three-letter currency code, got ${JSON.stringify(value)}`,
        });
      }
    }
    if (date !== undefined && !isIsoDate(date)) {
      errors.push({ path: "query.date", message: `expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}` });
    }
    if (errors.length > 0 || !from || !to) return validationProblem(c, errors);
    try {
      return c.json(await deps.fx.rateOn(from, to, date ?? ecbDate(now())));
    } catch (error) {
      if (!(error instanceof FxError)) throw error;
      switch (error.code) {
        case "NO_PUBLICATION":
        case "CURRENCY_NOT_PUBLISHED":
          return problemResponse(c, {
            status: 404,
            slug: "fx-rate-not-found",
            title: "No ECB rate",
            detail: error.message,
          });
        case "STALE":
          return problemResponse(c, {
            status: 503,
            slug: "fx-rates-stale",
            title: "ECB rates are stale",
            detail: error.message,
          });
        default:
          return validationProblem(c, [{ path: "query", message: error.message }]);
      }
    }
  });

  /** GET /publications/2025-03-03 — one stored publication with its corrections. */
  app.get("/publications/:date", async (c) => {
    const date = c.req.param("date");
    if (!isIsoDate(date)) {
      return validationProblem(c, [
        { path: "path.date", message: `expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}` },
      ]);
    }
    const publication = await deps.repository.get(date);
    if (!publication) {
      return problemResponse(c, {
        status: 404,
        slug: "not-found",
        title: "Not found",
        detail: `no ECB publication of ${date} is stored`,
      });
    }
    return c.json(publication);
  });

  /** POST /import — an ECB eurofxref XML document as the body (admins only). */
  app.post(
    "/import",
    deps.auth.requireRole("admin"),
    bodyLimit({
      maxSize: DEFAULT_MAX_BYTES,
      onError: (c) =>
        problemResponse(c, {
          status: 413,
          slug: "payload-too-large",
          title: "The body is too large",
          detail: `an ECB document is at most ${DEFAULT_MAX_BYTES} bytes`,
        }),
    }),
    async (c) => {
      const type = c.req.header("content-type") ?? "";
      if (!XML_TYPE.test(type)) {
        return problemResponse(c, {
          status: 415,
          slug: "unsupported-media-type",
          title: "Unsupported media type",
          detail: `expected an XML body (application/xml or text/xml), got ${JSON.stringify(type || "no content type")}`,
        });
      }
      const xml = await c.req.text();
      try {
        const summary = await importEcbXml(deps.repository, xml, "request body");
        deps.onImport?.(summary);
        return c.json(summary);
      } catch (error) {
        if (!(error instanceof EcbXmlError)) throw error;
        return problemResponse(c, {
          status: 400,
          slug: "ecb-xml-invalid",
          title: "The document is not valid ECB reference-rate XML",
          detail: error.message,
        });
      }
    },
  );
}
