// Traces as people read them: the rules engine's per-rule trace (Simulate, and the rate determination of a session)
// and the session pipeline's stages, in sentences such as
// "Rule 2 'AllBright' of version 1 matched: cpo NL*ABC = NL*ABC".
import type { PipelineTraceEntry, SessionRevision } from "./types.ts";

/** One rule as an evaluation saw it: the engine's RuleTrace, or the condensed form a session revision records. */
export interface RuleStep {
  ruleId: string;
  ruleName?: string;
  status: "matched" | "not-matched" | "disabled";
  reason?: string;
  outcome?: Record<string, unknown>;
}

/** Which ruleset a trace is of: its id and the version (or draft) evaluated. */
export interface TraceRuleset {
  id: string;
  /** A version number, or a label such as "draft r3"; null or undefined when not known. */
  version?: number | string | null;
}

export function versionLabel(version: number | string | null | undefined): string | null {
  if (version === null || version === undefined || version === "") return null;
  return typeof version === "number" || /^\d+$/.test(version) ? `version ${version}` : String(version);
}

/** The sentence for one rule: position, name, version, what happened and why. */
export function ruleSentence(step: RuleStep, position: number, ruleset?: TraceRuleset): string {
  const name = step.ruleName ? ` '${step.ruleName}'` : ` ${step.ruleId}`;
  const of = versionLabel(ruleset?.version);
  const head = `Rule ${position}${name}${of ? ` of ${of}` : ""}`;
  switch (step.status) {
    case "matched":
      return `${head} matched${step.reason ? `: ${step.reason}` : ""}`;
    case "not-matched":
      return `${head} did not match${step.reason ? `: ${step.reason}` : ""}`;
    default:
      return `${head} is disabled and was skipped`;
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** What the matched rule's outcome did, in a few lines. */
export function outcomeLines(outcome: Record<string, unknown> | undefined): string[] {
  if (!outcome) return [];
  switch (outcome.type) {
    case "rate":
      return [
        `priced with tariff ${str(outcome.tariffId)}${outcome.profile ? ` (${str(outcome.profile)})` : ""}`,
        ...((outcome.warnings as string[] | undefined) ?? []).map((w) => `warning: ${w}`),
      ];
    case "markup": {
      const steps = (outcome.steps as string[] | undefined) ?? [];
      return steps.length > 0 ? steps : [`= ${str(outcome.amount)} excl. VAT`];
    }
    case "script": {
      const error = outcome.error as { code?: string; message?: string } | undefined;
      return [
        `script ${str(outcome.script)}`,
        ...((outcome.notes as string[] | undefined) ?? []),
        ...(error ? [`failed: ${str(error.code)} — ${str(error.message)}`] : []),
      ];
    }
    case "dropOut":
      return [`drop-out ${str(outcome.reason)}: ${str(outcome.message)}`];
    default:
      return [];
  }
}

export const STAGE_LABELS: Record<string, string> = {
  basicChecks: "Basic checks",
  lookups: "Lookups",
  advancedChecks: "Advanced checks",
  rateDetermination: "Rate determination",
  calculations: "Calculations",
  pricedSession: "Priced session",
};

export const stageLabel = (stage: string) => STAGE_LABELS[stage] ?? stage;

/** The rules an entry of a revision's trace explains (rate determination), with the ruleset they are of. */
export interface RuleExplanation {
  side: "purchase" | "sales";
  ruleset: TraceRuleset | null;
  rules: RuleStep[];
}

function rulesetFromLabel(label: unknown): TraceRuleset | null {
  if (typeof label !== "string") return null;
  const at = label.lastIndexOf("@");
  if (at < 0) return { id: label };
  const version = label.slice(at + 1);
  return { id: label.slice(0, at), version: /^\d+$/.test(version) ? Number(version) : null };
}

/** The rule explanation carried by a trace entry, when it has one. */
export function explanationOf(entry: PipelineTraceEntry, revision: SessionRevision): RuleExplanation | null {
  const data = entry.data as Record<string, unknown> | undefined;
  const explanation = data?.explanation as { rules?: RuleStep[] } | undefined;
  if (!explanation?.rules) return null;
  const side = entry.message.startsWith("sales") ? "sales" : "purchase";
  const ref = revision.priced?.[side].ruleset;
  const ruleset = ref ? { id: ref.rulesetId, version: ref.version } : rulesetFromLabel(data?.ruleset);
  return { side, ruleset, rules: explanation.rules };
}

/** The rules of a drop-out raised by a ruleset (they are in the drop-out's data). */
export function dropOutExplanation(revision: SessionRevision): RuleExplanation | null {
  const data = revision.dropOut?.data as
    | { side?: "purchase" | "sales"; rulesetId?: string; version?: number; rules?: RuleStep[] }
    | undefined;
  if (!data?.rules || !data.rulesetId) return null;
  return {
    side: data.side ?? "sales",
    ruleset: { id: data.rulesetId, version: data.version ?? null },
    rules: data.rules,
  };
}
