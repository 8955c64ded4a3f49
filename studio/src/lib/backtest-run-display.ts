// Backtest runs in words, for the list of recent runs: what was priced with, over which sessions, how it ended.
import type { BacktestRun, BacktestRunListItem, BacktestRunStatus } from "./api-backtest.ts";
import { formatDateTime, type StatusBadge } from "./format.ts";

export const RUN_STATUS_TONE: Record<BacktestRunStatus, StatusBadge["tone"] | "danger"> = {
  queued: "muted",
  running: "info",
  done: "ok",
  failed: "danger",
  cancelled: "warn",
};

export const targetText = (target: BacktestRun["target"]) =>
  "draft" in target ? "Draft" : `Version ${target.version}`;

/** A period's dates as entered (`to` exclusive), or the count of most recent sessions. */
export function scopeText(scope: BacktestRun["scope"]): string {
  if ("last" in scope) return `Last ${scope.last} sessions`;
  const day = (iso: string) => iso.slice(0, 10);
  return `${day(scope.from)} to ${day(scope.to)}`;
}

/** An amount with its sign, "+0.50" or "-0.20". */
export const signed = (amount: string) => (amount.startsWith("-") ? amount : `+${amount}`);

/** The progress of a run still going, or what a done one came to. */
export function outcomeText(run: BacktestRunListItem): string {
  const s = run.resultSummary;
  if (s) {
    const failed = s.failed > 0 ? ` · ${s.failed} failed` : "";
    return `${s.sessions} sessions · ${s.changed} changed${failed} · ${signed(s.difference)} ${s.currency}`;
  }
  if (run.status === "queued" || run.status === "running")
    return run.progress.total > 0 ? `${run.progress.done} of ${run.progress.total} (${run.progress.percent}%)` : "—";
  if (run.status === "cancelled") return `Stopped after ${run.progress.done} of ${run.progress.total}`;
  return run.failure ?? "—";
}

export const startedText = (run: BacktestRunListItem) => formatDateTime(run.createdAt);
