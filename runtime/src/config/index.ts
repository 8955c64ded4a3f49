export { ConfigError, loadConfig } from "./load-config.ts";
export { type Config, type ConfigKey, configKeys, configSchema } from "./schema.ts";
