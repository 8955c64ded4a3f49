// @voltrate/plugin-vat: provides the "vat" capability (rates in time, treatment of charging) and GET /rates.
import { definePlugin, vatCapability } from "@voltrate/sdk";
import { vatConfigSchema } from "./config.ts";
import { loadBundledVatDataset, loadVatDatasetFile } from "./dataset.ts";
import { registerVatRoutes } from "./routes.ts";
import { createVatService } from "./vat-service.ts";

export default definePlugin({
  name: "@voltrate/plugin-vat",
  version: "0.1.0",
  voltrate: "^0.1.0",
  description: "VAT rates by country and date (EU-27, GB, NO, CH) and the VAT treatment of EV charging.",
  provides: { vat: vatCapability },
  configSchema: vatConfigSchema,
  setup(ctx) {
    const dataset = ctx.config.dataset ? loadVatDatasetFile(ctx.config.dataset) : loadBundledVatDataset();
    const vat = createVatService({
      dataset,
      ...(ctx.config.reverseChargeCountries ? { reverseChargeCountries: ctx.config.reverseChargeCountries } : {}),
    });
    registerVatRoutes(ctx.routes.api, vat);
    ctx.logger.info(
      { dataset: vat.datasetLabel, countries: vat.countries().length, reverseCharge: vat.reverseChargeCountries() },
      "VAT rates loaded",
    );
    return {
      services: { vat },
      health: () => ({ status: "ok" as const, detail: `${vat.datasetLabel}, ${vat.countries().length} countries` }),
    };
  },
});
