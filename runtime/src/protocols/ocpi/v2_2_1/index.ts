// OCPI 2.2.1 wire types and schemas.
export * from "./cdr.ts";
export * from "./session.ts";
export * from "./tariff.ts";
export * from "./types.ts";
