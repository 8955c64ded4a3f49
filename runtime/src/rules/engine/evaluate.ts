// The rules engine: a ruleset compiled once per version (conditions into closures, tariffs normalized, scripts
// compiled), then evaluated per session: the rules in order, the hit policy, the outcomes, the totals and the trace.
import { createHash } from "node:crypto";
import { DEC_ZERO, Dec, minorUnits, roundDecimal } from "@voltrate/sdk";
import {
  type DropOut,
  type EvaluationInput,
  formatModelIssue,
  type ModelIssue,
  type PriceLine,
  type PriceTotals,
  type Rule,
  type Ruleset,
  type RulesetEvaluation,
  type RulesetVersionInfo,
  type RuleTrace,
  rulesetIssues,
  type VatAmount,
} from "@voltrate/sdk/rules";
import { type CompiledScript, compileScript, type ScriptSandbox } from "../scripts/index.ts";
import { type CompiledCondition, compileCondition } from "./conditions.ts";
import { type CompiledOutcome, compileOutcome } from "./outcomes.ts";
import { propertyText, SessionView } from "./session-view.ts";

/** How one evaluation runs. */
export interface EvaluationContext {
  /** Version information of the ruleset (from the store or the files); reported with the result. */
  version?: RulesetVersionInfo;
  /** The instant the version was chosen for; reported with the result. */
  at?: Date | string;
  /** The sandbox that runs script outcomes; without one a script rule drops out with SCRIPT_UNAVAILABLE. */
  sandbox?: ScriptSandbox;
  /** Record the trace and the properties seen (default true). */
  trace?: boolean;
}

/** A ruleset that cannot be compiled: the model is invalid or a script does not compile. */
export class RulesetCompileError extends Error {
  override name = "RulesetCompileError";
  readonly issues: readonly ModelIssue[];

  constructor(rulesetId: string, issues: readonly ModelIssue[]) {
    super(`ruleset ${rulesetId} cannot be compiled: ${issues.map(formatModelIssue).join("; ")}`);
    this.issues = issues;
  }
}

export interface CompiledRule {
  rule: Rule;
  index: number;
  condition: CompiledCondition;
  outcome: CompiledOutcome;
}

/** sha256 of the ruleset's canonical JSON (object keys sorted): the identity of exactly these rules. */
export function rulesetHash(ruleset: Ruleset): string {
  return createHash("sha256").update(canonicalJson(ruleset)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Compiles the ruleset's scripts; problems are issues at `scripts.<name>` with line and column. */
async function compileScripts(
  ruleset: Ruleset,
): Promise<{ scripts: Map<string, CompiledScript>; issues: ModelIssue[] }> {
  const scripts = new Map<string, CompiledScript>();
  const issues: ModelIssue[] = [];
  for (const [name, source] of Object.entries(ruleset.scripts ?? {})) {
    const result = await compileScript(source);
    if (result.ok) scripts.set(name, result.compiled);
    else {
      for (const d of result.diagnostics) {
        issues.push({ path: `scripts.${name}`, message: `${d.line}:${d.column} ${d.code} ${d.message}` });
      }
    }
  }
  return { scripts, issues };
}

/**
 * Compiles a ruleset: validates it (`rulesetIssues`), compiles every script, every condition into closures and every
 * outcome (tariffs normalized once, so the pricer's per-tariff compilation is cached too). Throws a
 * RulesetCompileError listing every problem.
 */
export async function compileRuleset(ruleset: Ruleset): Promise<CompiledRuleset> {
  const issues = rulesetIssues(ruleset);
  const { scripts, issues: scriptIssues } = await compileScripts(ruleset);
  issues.push(...scriptIssues);
  if (issues.length > 0) throw new RulesetCompileError(ruleset.id, issues);
  return new CompiledRuleset(ruleset, scripts);
}

const cache = new WeakMap<Ruleset, Promise<CompiledRuleset>>();

/** `compileRuleset`, once per ruleset object. */
export function compiledRuleset(ruleset: Ruleset): Promise<CompiledRuleset> {
  let hit = cache.get(ruleset);
  if (!hit) {
    hit = compileRuleset(ruleset);
    cache.set(ruleset, hit);
    hit.catch(() => cache.delete(ruleset));
  }
  return hit;
}

/** Evaluates `ruleset` on one session (compiling it on first use; the compiled form is cached per object). */
export async function evaluateRuleset(
  ruleset: Ruleset,
  input: EvaluationInput,
  context: EvaluationContext = {},
): Promise<RulesetEvaluation> {
  return (await compiledRuleset(ruleset)).evaluate(input, context);
}

export class CompiledRuleset {
  readonly ruleset: Ruleset;
  /** sha256 of the canonical JSON. */
  readonly hash: string;
  readonly rules: readonly CompiledRule[];
  /** Every property some condition reads, in first-use order. */
  readonly properties: readonly string[];
  private readonly enabled: readonly CompiledRule[];
  private readonly tests: readonly ((v: SessionView) => boolean)[];
  private readonly first: boolean;
  private readonly decimals: number;

  constructor(ruleset: Ruleset, scripts: ReadonlyMap<string, CompiledScript>) {
    this.ruleset = ruleset;
    this.hash = rulesetHash(ruleset);
    const properties = new Set<string>();
    this.rules = ruleset.rules.map((rule, index) => {
      const condition = compileCondition(rule.condition);
      for (const p of condition.properties) properties.add(p);
      return { rule, index, condition, outcome: compileOutcome({ ruleset, rule, scripts }) };
    });
    this.properties = [...properties];
    this.enabled = this.rules.filter((r) => r.rule.enabled);
    this.tests = this.enabled.map((r) => r.condition.test);
    this.first = ruleset.hitPolicy !== "collect";
    this.decimals = minorUnits(ruleset.currency);
  }

  /**
   * Rate determination, the fast path: the first enabled rule whose condition holds (whatever the hit policy), or
   * undefined. No trace, no outcome.
   */
  firstMatch(input: EvaluationInput): Rule | undefined {
    const view = new SessionView(input);
    const tests = this.tests;
    for (let i = 0; i < tests.length; i++) if (tests[i]!(view)) return this.enabled[i]!.rule;
    return undefined;
  }

  /** The rules whose outcomes would run, by the hit policy (at most one for "first"). No trace, no outcome. */
  matches(input: EvaluationInput): Rule[] {
    const view = new SessionView(input);
    const out: Rule[] = [];
    for (let i = 0; i < this.tests.length; i++) {
      if (!this.tests[i]!(view)) continue;
      out.push(this.enabled[i]!.rule);
      if (this.first) break;
    }
    return out;
  }

  /** Evaluates the ruleset on one session. Never throws for a session problem: that is a drop-out. */
  async evaluate(input: EvaluationInput, context: EvaluationContext = {}): Promise<RulesetEvaluation> {
    const traceOn = context.trace !== false;
    const view = new SessionView(input);
    const trace: RuleTrace[] = [];
    const lines: PriceLine[] = [];
    const matched: string[] = [];
    let dropOut: DropOut | undefined;

    for (const r of this.rules) {
      const rule = r.rule;
      if (!rule.enabled) {
        if (traceOn) trace.push({ ruleId: rule.id, ruleName: rule.name, status: "disabled" });
        continue;
      }
      let entry: RuleTrace | undefined;
      if (traceOn) {
        const e = r.condition.explain(view);
        entry = { ruleId: rule.id, ruleName: rule.name, status: e.holds ? "matched" : "not-matched", reason: e.text };
        trace.push(entry);
        if (!e.holds) continue;
      } else if (!r.condition.test(view)) continue;

      matched.push(rule.id);
      const result = await r.outcome.run({ view, linesSoFar: lines, trace: traceOn, sandbox: context.sandbox });
      if (entry && result.trace) entry.outcome = result.trace;
      if (result.kind === "dropOut") {
        dropOut = result.dropOut;
        break;
      }
      for (const l of result.lines) lines.push(l);
      if (this.first) break;
    }

    if (!dropOut && matched.length === 0) {
      dropOut = {
        reason: "NO_MATCHING_RULE",
        message: `no rule of ruleset ${this.ruleset.id} applies to this session`,
      };
    }

    const rs = this.ruleset;
    const out: RulesetEvaluation = {
      status: dropOut ? "dropOut" : "priced",
      ruleset: {
        id: rs.id,
        name: rs.name,
        side: rs.side,
        currency: rs.currency.toUpperCase(),
        hitPolicy: rs.hitPolicy,
        ...context.version,
        hash: this.hash,
      },
      matchedRuleIds: matched,
      lines: dropOut ? [] : lines,
      properties: {},
      trace,
    };
    if (context.at !== undefined) {
      out.at = typeof context.at === "string" ? new Date(context.at).toISOString() : context.at.toISOString();
    }
    if (dropOut) out.dropOut = dropOut;
    else out.totals = totalsOf(lines, this.decimals);
    if (traceOn) {
      for (const p of this.properties) {
        const v = propertyText(p, view);
        out.properties[p] = v === undefined ? null : v;
      }
    }
    return out;
  }
}

/** Totals of rounded lines: the sum excl. VAT, VAT per rate on the sum of that rate's lines (half-up). */
export function totalsOf(lines: readonly PriceLine[], decimals: number): PriceTotals {
  let excl = DEC_ZERO;
  let unknownVat = false;
  const byRate = new Map<string, Dec>();
  for (const l of lines) {
    const amount = new Dec(l.amountExclVat);
    excl = excl.plus(amount);
    if (l.vatPercent === undefined) {
      unknownVat = true;
      continue;
    }
    const key = new Dec(l.vatPercent).toString();
    byRate.set(key, (byRate.get(key) ?? DEC_ZERO).plus(amount));
  }
  let vatTotal = DEC_ZERO;
  const byVatRate: VatAmount[] = [...byRate.entries()]
    .sort(([a], [b]) => new Dec(a).comparedTo(new Dec(b)))
    .map(([rate, base]) => {
      const vat = roundDecimal(base.times(rate).div(100), decimals, "HALF_UP");
      vatTotal = vatTotal.plus(vat);
      return { vatPercent: rate, base: base.toFixed(decimals), vat: vat.toFixed(decimals) };
    });
  const totals: PriceTotals = { exclVat: excl.toFixed(decimals), byVatRate };
  if (!unknownVat) {
    totals.vat = vatTotal.toFixed(decimals);
    totals.inclVat = excl.plus(vatTotal).toFixed(decimals);
  }
  return totals;
}
