export * from "./entities.ts";
export {
  type Address,
  decimalString,
  ENTITY_ID_PATTERN,
  entityId,
  isCountryCode,
  isoInstant,
  isTimeZone,
} from "./fields.ts";
export * from "./versions.ts";
