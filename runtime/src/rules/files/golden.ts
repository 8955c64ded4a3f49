// Golden sessions: `golden/*.json` next to a ruleset. Each holds a session (the JSON form of the model, or an OCPI
// CDR), its facts, the expected result worked out by hand, and the reasoning behind it. `runGolden` evaluates one and
// lists every difference.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Dec } from "@voltrate/sdk";
import {
  amountJsonSchema,
  DECIMAL_PATTERN,
  formatModelPath,
  type ModelIssue,
  type PriceLine,
  type RulesetEvaluation,
} from "@voltrate/sdk/rules";
import { z } from "zod";
import { parseJsonPreservingNumbers } from "../../protocols/ocpi/index.ts";
import type { CompiledRuleset, EvaluationContext } from "../engine/index.ts";
import { type InputResult, inputFromCdr, inputFromSessionJson, type LoadedInput, parseFactsJson } from "./input.ts";
import { type FileIssue, RulesetFileError } from "./load.ts";

const decimal = z.string().regex(DECIMAL_PATTERN, { error: 'expected a decimal number as a string ("12.50")' });

const expectedLineSchema = z.strictObject({
  code: z.string().min(1),
  amountExclVat: decimal,
  quantity: decimal.optional(),
  unit: z.string().optional(),
  vatPercent: decimal.optional(),
  ruleId: z.string().optional(),
  description: z.string().optional(),
});

const expectSchema = z.strictObject({
  status: z.enum(["priced", "dropOut"]).default("priced"),
  totals: z.strictObject({ exclVat: decimal, vat: decimal.optional(), inclVat: decimal.optional() }).optional(),
  lines: z.array(expectedLineSchema).optional(),
  matchedRuleIds: z.array(z.string()).optional(),
  dropOut: z.strictObject({ reason: z.string().min(1), message: z.string().optional() }).optional(),
});

/** The JSON of a golden file. Exactly one of `session` and `cdr`. */
export const goldenSchema = z
  .strictObject({
    /** A title; default the file name. */
    name: z.string().min(1).optional(),
    /** How the expected values were worked out, step by step. Required: a golden without reasoning proves nothing. */
    reasoning: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
      error: "expected the hand-worked reasoning: a string or a list of strings",
    }),
    /** The session in the JSON form of the model (sdk ChargeSessionJson). */
    session: z.unknown().optional(),
    /** An OCPI CDR (2.2.1 or 2.1.1) instead of `session`. */
    cdr: z.unknown().optional(),
    /** Session facts; with a CDR they override what the CDR tells. */
    facts: z.unknown().optional(),
    /** The purchase cost (for markups); with a CDR the default is its total_cost. */
    purchaseCost: amountJsonSchema.optional(),
    /** The instant the ruleset version is chosen for. */
    at: z.iso.datetime({ offset: true }).optional(),
    expect: expectSchema,
  })
  .refine((g) => (g.session === undefined) !== (g.cdr === undefined), {
    error: 'give exactly one of "session" (the JSON form of the model) and "cdr" (an OCPI CDR)',
  });

export type GoldenJson = z.infer<typeof goldenSchema>;
export type GoldenExpectation = GoldenJson["expect"];

/** A loaded golden case. */
export interface GoldenCase {
  file: string;
  name: string;
  reasoning: string[];
  input: LoadedInput;
  at?: string;
  expect: GoldenExpectation;
}

function issuesAt(file: string, issues: readonly ModelIssue[], prefix = ""): FileIssue[] {
  return issues.map((i) => ({
    file,
    path:
      prefix === ""
        ? i.path
        : i.path === ""
          ? prefix
          : i.path.startsWith("[")
            ? prefix + i.path
            : `${prefix}.${i.path}`,
    message: i.message,
  }));
}

/** Parses one golden file's text. Problems name the file and the path in it. */
export function parseGolden(file: string, text: string): GoldenCase | FileIssue[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return [{ file, path: "", message: `invalid JSON: ${(error as Error).message}` }];
  }
  const parsed = goldenSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ file, path: formatModelPath(i.path), message: i.message }));
  }
  const g = parsed.data;
  let input: InputResult;
  if (g.cdr !== undefined) {
    // Again with the numbers' source text kept, as the OCPI edge expects.
    const exact = (parseJsonPreservingNumbers(text) as { cdr: unknown }).cdr;
    const facts = g.facts === undefined ? undefined : parseFactsJson(g.facts);
    if (facts && !facts.ok) return issuesAt(file, facts.issues, "facts");
    input = inputFromCdr(exact, {
      ...(facts?.ok && { facts: facts.value }),
      ...(g.purchaseCost !== undefined && { purchaseCost: g.purchaseCost }),
    });
    if (!input.ok) return issuesAt(file, input.issues, "cdr");
  } else {
    input = inputFromSessionJson(g.session, {
      ...(g.facts !== undefined && { facts: g.facts }),
      ...(g.purchaseCost !== undefined && { purchaseCost: g.purchaseCost }),
    });
    if (!input.ok) {
      return input.issues.map((i) => ({
        file,
        path: i.path.startsWith("facts") ? i.path : i.path === "" ? "session" : `session.${i.path}`,
        message: i.message,
      }));
    }
  }
  const golden: GoldenCase = {
    file,
    name: g.name ?? path.basename(file, ".json"),
    reasoning: typeof g.reasoning === "string" ? [g.reasoning] : g.reasoning,
    input: input.value,
    expect: g.expect,
  };
  if (g.at !== undefined) golden.at = g.at;
  return golden;
}

/** Loads every `golden/*.json` of a ruleset directory (sorted by name). Throws a RulesetFileError for bad files. */
export async function loadGoldenCases(dir: string): Promise<GoldenCase[]> {
  const goldenDir = path.join(dir, "golden");
  let names: string[];
  try {
    names = (await readdir(goldenDir)).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  const cases: GoldenCase[] = [];
  const issues: FileIssue[] = [];
  for (const name of names) {
    const file = path.join(goldenDir, name);
    const parsed = parseGolden(file, await readFile(file, "utf8"));
    if (Array.isArray(parsed)) issues.push(...parsed);
    else cases.push(parsed);
  }
  if (issues.length > 0) throw new RulesetFileError(issues);
  return cases;
}

/** The result of one golden case. */
export interface GoldenOutcome {
  golden: GoldenCase;
  passed: boolean;
  /** Every difference, "totals.exclVat: expected 12.34, got 12.35". */
  differences: string[];
  evaluation: RulesetEvaluation;
}

function sameDecimal(a: string, b: string | undefined): boolean {
  return b !== undefined && DECIMAL_PATTERN.test(b) && new Dec(a).eq(new Dec(b));
}

/** Compares an evaluation with the expectation; returns the differences. */
export function compareWithExpectation(expect: GoldenExpectation, e: RulesetEvaluation): string[] {
  const diffs: string[] = [];
  if (e.status !== expect.status) {
    const why = e.dropOut ? ` (${e.dropOut.reason}: ${e.dropOut.message})` : "";
    diffs.push(`status: expected ${expect.status}, got ${e.status}${why}`);
  }
  if (expect.dropOut) {
    if (e.dropOut?.reason !== expect.dropOut.reason) {
      diffs.push(`dropOut.reason: expected ${expect.dropOut.reason}, got ${e.dropOut?.reason ?? "none"}`);
    }
    if (expect.dropOut.message !== undefined && e.dropOut?.message !== expect.dropOut.message) {
      diffs.push(`dropOut.message: expected "${expect.dropOut.message}", got "${e.dropOut?.message ?? ""}"`);
    }
  }
  if (expect.matchedRuleIds) {
    const want = expect.matchedRuleIds.join(", ");
    const got = e.matchedRuleIds.join(", ");
    if (want !== got) diffs.push(`matchedRuleIds: expected [${want}], got [${got}]`);
  }
  if (expect.totals) {
    for (const key of ["exclVat", "vat", "inclVat"] as const) {
      const want = expect.totals[key];
      if (want === undefined) continue;
      const got = e.totals?.[key];
      if (!sameDecimal(want, got)) diffs.push(`totals.${key}: expected ${want}, got ${got ?? "none"}`);
    }
  }
  if (expect.lines) {
    const got = e.lines;
    if (got.length !== expect.lines.length) {
      diffs.push(
        `lines: expected ${expect.lines.length} (${expect.lines.map((l) => l.code).join(", ")}), got ${got.length} (${got.map((l) => l.code).join(", ")})`,
      );
    }
    expect.lines.forEach((want, i) => {
      const line: PriceLine | undefined = got[i];
      if (!line) return;
      for (const key of ["code", "unit", "ruleId", "description"] as const) {
        const w = want[key];
        if (w !== undefined && line[key] !== w)
          diffs.push(`lines[${i}].${key}: expected ${w}, got ${line[key] ?? "none"}`);
      }
      for (const key of ["amountExclVat", "quantity", "vatPercent"] as const) {
        const w = want[key];
        if (w !== undefined && !sameDecimal(w, line[key])) {
          diffs.push(`lines[${i}].${key}: expected ${w}, got ${line[key] ?? "none"}`);
        }
      }
    });
  }
  return diffs;
}

/** Evaluates one golden case and compares. */
export async function runGolden(
  compiled: CompiledRuleset,
  golden: GoldenCase,
  context: Omit<EvaluationContext, "at"> = {},
): Promise<GoldenOutcome> {
  const evaluation = await compiled.evaluate(golden.input.input, {
    ...context,
    ...(golden.at !== undefined && { at: golden.at }),
  });
  const differences = compareWithExpectation(golden.expect, evaluation);
  return { golden, passed: differences.length === 0, differences, evaluation };
}
