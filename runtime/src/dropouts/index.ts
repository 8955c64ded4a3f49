// Drop-out cases: failed sessions grouped for bulk handling. See docs/pipeline.md.
export {
  CASES_COLLECTION,
  type CaseQuery,
  caseIdOf,
  type DropOutCaseDoc,
  DropOutCases,
  type GroupingFacts,
  groupKeyOf,
} from "./cases.ts";
