// The OCPI edge: OCPI 2.2.1 and 2.1.1 wire formats in, the normalized tariff and session models out.
// Wire types are exported for callers that inspect OCPI objects; the pricing core only receives normalized values.
export type { ParseMode } from "./common/engine.ts";
export { NOT_NEEDED_FOR_PRICING } from "./common/engine.ts";
export { ocpiInstant } from "./common/fields.ts";
export { formatIssue, formatPath, type ParseIssue, type ParseResult, prefixIssues } from "./common/issues.ts";
export { JsonNumberText, parseJsonPreservingNumbers } from "./common/json.ts";
export { countryAlpha2, isIanaTimeZone, type Mapped } from "./common/normalize.ts";
export {
  type DocumentItem,
  documentItems,
  normalizedTariffsOf,
  parseTariffDocument,
  type TariffDocumentOptions,
} from "./document.ts";
export { type NormalizedCdr, toNormalizedCdr, toNormalizedSession, toNormalizedTariff } from "./normalize.ts";
export {
  type CdrParseOptions,
  type OcpiCdr,
  type OcpiTariff,
  type ParseOptions,
  parseCdr,
  parseSession,
  parseTariff,
} from "./parse.ts";
export { type CdrForPricingOptions, cdrForPricing, type PricingInput } from "./pricing-input.ts";
export * as v211 from "./v2_1_1/index.ts";
export * as v221 from "./v2_2_1/index.ts";
export { sessionToNormalized } from "./v2_2_1/to-normalized.ts";
export { detectCdrVersion, detectTariffVersion, isOcpiVersion, OCPI_VERSIONS, type OcpiVersion } from "./version.ts";
