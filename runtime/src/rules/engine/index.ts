// The rules engine: compile a ruleset once per version, evaluate it per session. See docs/rules.md.
export { type CompiledCondition, ConditionCompileError, compileCondition, type Explanation } from "./conditions.ts";
export {
  type CompiledRule,
  CompiledRuleset,
  compiledRuleset,
  compileRuleset,
  type EvaluationContext,
  evaluateRuleset,
  RulesetCompileError,
  rulesetHash,
  totalsOf,
} from "./evaluate.ts";
export { scriptSessionOf } from "./outcomes.ts";
export { propertyText, SessionView } from "./session-view.ts";
