// Rulesets as files: the directory format, its loader, golden sessions and evaluation inputs from JSON or OCPI CDRs.
// See docs/rules.md.
export {
  compareWithExpectation,
  type GoldenCase,
  type GoldenExpectation,
  type GoldenJson,
  type GoldenOutcome,
  goldenSchema,
  loadGoldenCases,
  parseGolden,
  runGolden,
} from "./golden.ts";
export {
  factsFromCdr,
  type InputResult,
  inputFromCdr,
  inputFromSessionJson,
  type LoadedInput,
  looksLikeCdr,
  mergeFacts,
  parseFactsJson,
} from "./input.ts";
export {
  type FileIssue,
  formatFileIssue,
  type LoadedRuleset,
  loadRulesetDir,
  RULESET_FILE,
  RulesetFileError,
} from "./load.ts";
