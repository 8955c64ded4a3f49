// Rule set versions: drafts, immutable published versions in valid and transaction time, scheduled activation,
// rollback, diff, audit trail. See docs/rule-versions.md.
export { AUDIT_ACTIONS, type AuditAction, type AuditEntry, AuditLog, type AuditQuery } from "./audit.ts";
export { knownAt, resolveAsOf, type TimelineEntry, timeline, type VersionTimes } from "./bitemporal.ts";
export {
  canonical,
  conditionText,
  diffRulesets,
  diffSummary,
  type FieldChange,
  outcomeText,
  type RuleChange,
  type RulesetDiff,
  renderDiff,
  type ScriptChange,
} from "./diff.ts";
export { type EffectiveInstant, formatInZone, isIanaZone, parseEffectiveFrom } from "./effective-time.ts";
export { RulesError, type RulesErrorCode, type RulesIssue } from "./errors.ts";
export { type ActivateVersionJobData, registerRuleJobs } from "./jobs.ts";
export {
  ACTIVATE_VERSION_JOB,
  type ActivationResult,
  type ContentRef,
  createRulesService,
  DRAFTS_COLLECTION,
  type DraftDetail,
  type DraftSummary,
  type PublishInput,
  type RollbackInput,
  RULESETS_COLLECTION,
  type RulesetDetail,
  type RulesetSummary,
  RulesService,
  type RulesServiceOptions,
  type SaveDraftInput,
  type SimulationResult,
  type SimulationTarget,
  type ValidationReport,
  VERSIONS_COLLECTION,
  type VersionDetail,
  type VersionSummary,
} from "./service.ts";
export {
  type Actor,
  type DraftRecord,
  type RulesetRecord,
  SCHEDULER_ACTOR,
  type VersionRecord,
  type VersionStatus,
} from "./types.ts";
