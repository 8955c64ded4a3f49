// @voltrate/plugin-fx: provides the "fx" capability from ECB euro reference rates, a daily fetch job and
// the routes GET /rates, GET /publications/:date and POST /import.
import { definePlugin, fxCapability, type PluginHealth } from "@voltrate/sdk";
import { FETCH_TIME_ZONE, fxConfigSchema } from "./config.ts";
import { addDays, ecbDate } from "./dates.ts";
import { createFxService } from "./fx-service.ts";
import { type ImportSummary, importEcbFile, importEcbUrl } from "./importer.ts";
import { registerFxRoutes } from "./routes.ts";
import { type PublicationDoc, StoreFxRateRepository } from "./store-repository.ts";

/** The job that fetches `url`; stored by the host as "fx:fetch-ecb-rates". */
export const FETCH_JOB = "fetch-ecb-rates";
/** The plugin's collection (stored by the host as plugin.fx.rates). */
export const RATES_COLLECTION = "rates";

const summaryLog = (s: ImportSummary) => ({
  source: s.source,
  publications: s.publications,
  from: s.from,
  to: s.to,
  inserted: s.inserted,
  unchanged: s.unchanged,
  corrected: s.corrected,
});

export default definePlugin({
  name: "@voltrate/plugin-fx",
  version: "0.1.0",
  voltrate: "^0.1.0",
  description: "Foreign exchange rates by date from the ECB euro reference rates.",
  provides: { fx: fxCapability },
  configSchema: fxConfigSchema,
  setup(ctx) {
    const { config, logger } = ctx;
    const repository = new StoreFxRateRepository(ctx.store.collection<PublicationDoc>(RATES_COLLECTION));
    const fx = createFxService({ repository, stalenessDays: config.stalenessDays });

    const logCorrections = (summary: ImportSummary): void => {
      for (const c of summary.corrections) {
        logger.warn(
          { date: c.date, currency: c.currency, previous: c.previous, rate: c.rate, source: c.source },
          "ECB rate corrected",
        );
      }
    };

    const { url } = config;
    if (url) {
      ctx.jobs.define(FETCH_JOB, async () => {
        try {
          const summary = await importEcbUrl(repository, url, { timeoutMs: config.fetchTimeoutMs });
          logger.info(summaryLog(summary), "ECB rates fetched");
          logCorrections(summary);
        } catch (error) {
          logger.error({ err: error, url }, "fetching the ECB rates failed");
          throw error;
        }
      });
    }

    registerFxRoutes(ctx.routes.api, {
      fx,
      repository,
      auth: ctx.auth,
      onImport: (summary) => {
        logger.info(summaryLog(summary), "ECB rates imported through the API");
        logCorrections(summary);
      },
    });

    return {
      services: { fx },
      async start() {
        await repository.init();
        if (config.importFile) {
          const summary = await importEcbFile(repository, config.importFile);
          logger.info(summaryLog(summary), "ECB rates imported from file");
          logCorrections(summary);
        }
        if (url) {
          await ctx.jobs.every(config.fetchAt, FETCH_JOB, undefined, { timezone: FETCH_TIME_ZONE });
          // A publication may have been missed while the runtime was down: fetch at once rather than at the next run.
          const newest = await repository.newest();
          if (!newest || newest.date < addDays(ecbDate(new Date()), -1)) await ctx.jobs.now(FETCH_JOB);
        }
      },
      async health(): Promise<PluginHealth> {
        const status = await fx.status();
        if (status.newest === null) return { status: "degraded", detail: "no ECB reference rates imported yet" };
        if (status.stale) {
          return {
            status: "degraded",
            detail: `the newest ECB publication is of ${status.newest}, ${status.ageDays} days old (more than ${status.stalenessDays})`,
          };
        }
        return { status: "ok", detail: `newest ECB publication ${status.newest}` };
      },
    };
  },
});
