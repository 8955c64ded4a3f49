// Rulesets and rules: the JSON model of a price list. A ruleset belongs to an administration, prices one side (what
// our customer pays, or what we pay a CPO) in one currency, and holds ordered rules: a condition and an outcome each.
import { z } from "zod";
import { currency as toCurrency } from "../money/currency.ts";
import {
  type Condition,
  conditionIssues,
  conditionSchema,
  DECIMAL_PATTERN,
  joinPath,
  type ModelIssue,
} from "./condition.ts";
import { type Outcome, outcomeSchema } from "./outcome.ts";
import { tariffJsonIssues } from "./tariff-json.ts";

/**
 * Which side of the money a ruleset prices:
 * - "sales": what our customer (the driver or fleet) pays us.
 * - "purchase": what we pay a CPO for a session at its chargers.
 */
export type RulesetSide = "sales" | "purchase";

/**
 * How matching rules combine:
 * - "first" (default): the first enabled rule whose condition holds decides; later rules are not tried.
 * - "collect": every enabled rule whose condition holds contributes its lines, in order (surcharges and discounts
 *   that add up). A drop-out still ends the evaluation.
 */
export type HitPolicy = "first" | "collect";

/** One rule: when (condition) and what (outcome). */
export interface Rule {
  /** Stable id, unique in the ruleset: letters, digits, `_`, `-`, `.` (traces, tables and versions refer to it). */
  id: string;
  /** Short name for people. */
  name: string;
  /** Why the rule exists, the agreement it implements. */
  description?: string;
  /** A disabled rule is skipped (and says so in the trace). */
  enabled: boolean;
  condition: Condition;
  outcome: Outcome;
  /** Free labels for filtering ("roaming", "promo"). */
  tags?: string[];
}

/** A ruleset. */
export interface Ruleset {
  /** Stable id: letters, digits, `_`, `-`, `.`. */
  id: string;
  name: string;
  /** The administration (legal entity / tenant) whose price list this is. */
  administrationId: string;
  side: RulesetSide;
  /** ISO 4217 currency of every amount in the ruleset and its results. */
  currency: string;
  /** Default "first". */
  hitPolicy: HitPolicy;
  /**
   * VAT percentage of lines that do not carry their own ("21"): markup lines, and script lines without `vatPercent`.
   * Rate lines take the VAT of their tariff components. Omitted = unknown (totals incl. VAT are then not computed for
   * such lines).
   */
  vatPercent?: string;
  /** What the ruleset is for. */
  description?: string;
  rules: Rule[];
  /** Script sources by name (TypeScript against the `voltrate:script` API), for `script` outcomes. */
  scripts?: { [name: string]: string };
}

/** Ids of rulesets, rules and scripts. */
export const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

const id = z.string().regex(ID_PATTERN, { error: "expected an id: letters, digits, _ - . (at most 100)" });

export const ruleSchema: z.ZodType<Rule> = z.strictObject({
  id,
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  enabled: z.boolean(),
  condition: conditionSchema,
  outcome: outcomeSchema,
  tags: z.array(z.string().min(1).max(64)).optional(),
});

/** The input form of a rule: `enabled` defaults to true. */
const ruleInputSchema = z.strictObject({
  id,
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  enabled: z.boolean().default(true),
  condition: conditionSchema,
  outcome: outcomeSchema,
  tags: z.array(z.string().min(1).max(64)).optional(),
});

/** The zod schema of a ruleset (structure; `rulesetIssues` checks the rest). `hitPolicy` and `enabled` default. */
export const rulesetSchema = z.strictObject({
  id,
  name: z.string().min(1).max(200),
  administrationId: z.string().min(1).max(100),
  side: z.enum(["sales", "purchase"], { error: 'expected "sales" or "purchase"' }),
  currency: z.string().regex(/^[A-Za-z]{3}$/, { error: "expected an ISO 4217 currency code" }),
  hitPolicy: z.enum(["first", "collect"], { error: 'expected "first" or "collect"' }).default("first"),
  vatPercent: z
    .string()
    .regex(DECIMAL_PATTERN, { error: 'expected a decimal string ("21")' })
    .refine((s) => !s.startsWith("-"), { error: "must not be negative" })
    .optional(),
  description: z.string().max(4000).optional(),
  rules: z.array(ruleInputSchema),
  scripts: z
    .record(z.string().regex(ID_PATTERN, { error: "expected a script name: letters, digits, _ - ." }), z.string())
    .optional(),
});

/**
 * Problems the schema cannot see: duplicate rule ids, unknown properties and misfit operators or values in
 * conditions, scripts that do not exist, markup options that need a base, tariffs in another currency.
 */
export function rulesetIssues(ruleset: Ruleset): ModelIssue[] {
  const issues: ModelIssue[] = [];
  try {
    toCurrency(ruleset.currency);
  } catch {
    issues.push({ path: "currency", message: `unknown ISO 4217 currency "${ruleset.currency}"` });
  }
  const seen = new Map<string, number>();
  ruleset.rules.forEach((rule, i) => {
    const at = joinPath("rules", i);
    const first = seen.get(rule.id);
    if (first !== undefined) {
      issues.push({ path: joinPath(at, "id"), message: `duplicate rule id "${rule.id}" (also rules[${first}])` });
    } else seen.set(rule.id, i);
    issues.push(...conditionIssues(rule.condition, joinPath(at, "condition")));
    issues.push(...outcomeIssues(ruleset, rule.outcome, joinPath(at, "outcome")));
  });
  return issues;
}

function outcomeIssues(ruleset: Ruleset, o: Outcome, path: string): ModelIssue[] {
  const issues: ModelIssue[] = [];
  switch (o.type) {
    case "rate": {
      issues.push(...tariffJsonIssues(o.tariff, joinPath(path, "tariff")));
      const code = o.tariff.currency?.toUpperCase();
      if (code !== undefined && code !== ruleset.currency.toUpperCase()) {
        issues.push({
          path: joinPath(joinPath(path, "tariff"), "currency"),
          message: `the tariff is in ${code}, the ruleset in ${ruleset.currency}`,
        });
      }
      break;
    }
    case "markup": {
      const base = o.base ?? "purchaseCost";
      if (base !== "purchaseCost") {
        for (const key of ["minMarkup", "maxMarkup"] as const) {
          if (o[key] !== undefined) {
            issues.push({ path: joinPath(path, key), message: `${key} needs base "purchaseCost"` });
          }
        }
        if (o.presentation === "split") {
          issues.push({ path: joinPath(path, "presentation"), message: `"split" needs base "purchaseCost"` });
        }
      }
      if (base === "subtotal" && ruleset.hitPolicy !== "collect") {
        issues.push({
          path: joinPath(path, "base"),
          message: 'base "subtotal" needs hitPolicy "collect" (with "first" there are no earlier lines)',
        });
      }
      for (const [lo, hi] of [
        ["min", "max"],
        ["minMarkup", "maxMarkup"],
      ] as const) {
        const a = o[lo];
        const b = o[hi];
        if (a !== undefined && b !== undefined && Number(a) > Number(b)) {
          issues.push({ path: joinPath(path, hi), message: `${hi} ${b} is below ${lo} ${a}` });
        }
      }
      break;
    }
    case "script":
      if (ruleset.scripts?.[o.script] === undefined) {
        const known = Object.keys(ruleset.scripts ?? {});
        issues.push({
          path: joinPath(path, "script"),
          message: `no script "${o.script}" in the ruleset (${known.length > 0 ? `known: ${known.join(", ")}` : "it has no scripts"})`,
        });
      }
      break;
    case "dropOut":
      break;
  }
  return issues;
}

export type RulesetParseResult = { ok: true; ruleset: Ruleset } | { ok: false; issues: ModelIssue[] };

/** Formats a zod issue path: ["rules", 2, "condition", "value"] → "rules[2].condition.value". */
export function formatModelPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out = joinPath(out, typeof key === "number" ? key : String(key));
  return out;
}

/**
 * Validates a JSON value as a ruleset: the schema (with defaults applied), then `rulesetIssues`. Every problem comes
 * back with its path; nothing throws.
 */
export function parseRuleset(json: unknown): RulesetParseResult {
  const parsed = rulesetSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: formatModelPath(i.path), message: i.message })),
    };
  }
  const ruleset = parsed.data as Ruleset;
  const issues = rulesetIssues(ruleset);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, ruleset };
}

/** A one-line rendering of an issue: "rules[2].condition.value: expected …". */
export function formatModelIssue(issue: ModelIssue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}
