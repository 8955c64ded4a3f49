export { type LoyaltyConfig, loyaltyConfigSchema } from "./config.ts";
export { localMonth, MONTH_PATTERN } from "./month.ts";
export {
  default,
  default as loyaltyPlugin,
  LINE_CODE,
  type LoyaltySessionDoc,
  SESSIONS_COLLECTION,
} from "./plugin.ts";
