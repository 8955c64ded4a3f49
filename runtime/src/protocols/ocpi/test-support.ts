// Fixture loading for the OCPI tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJsonPreservingNumbers } from "./common/json.ts";

export const FIXTURES = join(import.meta.dirname, "fixtures");

/** A fixture's JSON, numbers kept as their source text. */
export function fixture(relativePath: string): unknown {
  return parseJsonPreservingNumbers(readFileSync(join(FIXTURES, relativePath), "utf8"));
}

/** Loosely typed JSON, for tests that edit fixtures field by field. */
// biome-ignore lint/suspicious/noExplicitAny: tests edit fixture JSON field by field.
export type EditableJson = any;

/** A fixture's JSON as plain `JSON.parse` gives it (numbers as doubles), to edit in a test. */
export function fixturePlain(relativePath: string): EditableJson {
  return JSON.parse(readFileSync(join(FIXTURES, relativePath), "utf8"));
}
