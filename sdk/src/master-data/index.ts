export * from "./entities.ts";
export * from "./fields.ts";
export * from "./versions.ts";
