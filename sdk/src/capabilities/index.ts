export * from "./fx.ts";
export * from "./vat.ts";
