export * from "./capabilities/index.ts";
export * from "./http/index.ts";
export * from "./money/index.ts";
export * from "./plugin/index.ts";
export * from "./session/index.ts";
export * from "./store/index.ts";
export * from "./tariff/index.ts";
export * from "./units/index.ts";
