export * from "./capability.ts";
export * from "./context.ts";
export * from "./define-plugin.ts";
export * from "./events.ts";
export * from "./hooks.ts";
export * from "./logger.ts";
