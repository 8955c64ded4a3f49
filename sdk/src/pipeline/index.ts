// The session pipeline's shared vocabulary: reason codes, instructions, the normalized input form and the records.
// See docs/pipeline.md.
export * from "./input.ts";
export * from "./instruction.ts";
export * from "./reason-codes.ts";
export * from "./records.ts";
