export { DEFAULT_FETCH_AT, FETCH_TIME_ZONE, type FxConfig, fxConfigSchema } from "./config.ts";
export { addDays, daysBetween, ECB_TIME_ZONE, ecbDate, isIsoDate } from "./dates.ts";
export {
  type EcbDocument,
  type EcbPublication,
  EUROFXREF_NAMESPACE,
  GESMES_NAMESPACE,
  parseEcbXml,
} from "./ecb-xml.ts";
export { EcbXmlError, FxError, type FxErrorCode, FxImportError, type FxImportErrorCode } from "./errors.ts";
export {
  createFxService,
  DEFAULT_STALENESS_DAYS,
  DERIVED_RATE_SIGNIFICANT_DIGITS,
  type EcbFxService,
  type FxServiceOptions,
  type FxStatus,
  lookupDate,
} from "./fx-service.ts";
export {
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  type FetchOptions,
  fetchEcbXml,
  type ImportSummary,
  importEcbDocument,
  importEcbFile,
  importEcbUrl,
  importEcbXml,
} from "./importer.ts";
export { default, default as fxPlugin, FETCH_JOB, RATES_COLLECTION } from "./plugin.ts";
export {
  type FxCorrection,
  type FxRateRepository,
  InMemoryFxRateRepository,
  mergePublication,
  type RecordMeta,
  type RecordOutcome,
  type StoredPublication,
} from "./repository.ts";
export { type FxRouteDeps, registerFxRoutes } from "./routes.ts";
export { type PublicationDoc, StoreFxRateRepository } from "./store-repository.ts";
