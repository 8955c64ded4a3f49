// Rules: the JSON model of rulesets (conditions over a catalogue of session properties, outcomes that price), the
// session facts they are evaluated on, what an evaluation returns, and the decision-table view. See docs/rules.md.
export * from "./condition.ts";
export * from "./decision-table.ts";
export * from "./facts.ts";
export * from "./outcome.ts";
export * from "./properties.ts";
export * from "./result.ts";
export * from "./ruleset.ts";
export * from "./tariff-json.ts";
