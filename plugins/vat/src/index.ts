export { type VatConfig, vatConfigSchema } from "./config.ts";
export { EU_MEMBER_STATES, normalizeCountry, vatIdCountry } from "./countries.ts";
export {
  BUNDLED_DATASET_URL,
  loadBundledVatDataset,
  loadVatDatasetFile,
  parseVatDataset,
  type VatCountry,
  type VatDataset,
  type VatPeriod,
  vatDatasetSchema,
} from "./dataset.ts";
export { calendarDateIn } from "./dates.ts";
export { VatDatasetError, VatError, type VatErrorCode } from "./errors.ts";
export { default, default as vatPlugin } from "./plugin.ts";
export { registerVatRoutes } from "./routes.ts";
export { createVatService, type VatRates, type VatServiceOptions } from "./vat-service.ts";
