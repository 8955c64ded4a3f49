// The list of backtest runs, most recent first: each run as the API shows it but without its result (up to a few
// thousand sessions' worth), with the figures a tariff manager scans in its place once the run is done.
import type { Collection, Filter } from "@voltrate/sdk";
import type { BacktestResult } from "./backtest.ts";
import { type BacktestRunDoc, type BacktestRunStatus, type BacktestRunView, runViewOf } from "./backtest-runs.ts";

/** What a finished run's result comes to, in a line. */
export interface BacktestResultSummary {
  currency: string;
  /** Sessions re-priced. */
  sessions: number;
  /** Sessions priced differently (the result lists the 200 largest differences, so this is at most 200). */
  changed: number;
  /** Sessions that could not be re-priced. */
  failed: number;
  billedTotal: string;
  newTotal: string;
  /** New total minus billed total, excl. VAT (the margin moves by the same amount). */
  difference: string;
}

export type BacktestRunListItem = Omit<BacktestRunView, "result"> & { resultSummary?: BacktestResultSummary };

export interface BacktestRunListQuery {
  rulesetId?: string;
  /** Any of these statuses; all when absent or empty. */
  status?: readonly BacktestRunStatus[];
  limit: number;
  offset: number;
}

export function resultSummaryOf(result: BacktestResult): BacktestResultSummary {
  return {
    currency: result.currency,
    sessions: result.sessions,
    changed: result.changed.length,
    failed: result.failed.length,
    billedTotal: result.billedTotal,
    newTotal: result.newTotal,
    difference: result.difference,
  };
}

export function listItemOf(doc: BacktestRunDoc): BacktestRunListItem {
  const { result, ...view } = runViewOf(doc);
  return result ? { ...view, resultSummary: resultSummaryOf(result) } : view;
}

/** A page of runs, most recent first (ties by id, so pages never overlap), and how many match in all. */
export async function listBacktestRuns(
  runs: Collection<BacktestRunDoc>,
  query: BacktestRunListQuery,
): Promise<{ items: BacktestRunListItem[]; total: number }> {
  const filter: Filter = {
    ...(query.rulesetId ? { rulesetId: query.rulesetId } : {}),
    ...(query.status && query.status.length > 0 ? { status: { $in: [...query.status] } } : {}),
  };
  const [docs, total] = await Promise.all([
    runs.find(filter, { sort: { createdAt: -1, _id: 1 }, skip: query.offset, limit: query.limit }),
    runs.countDocuments(filter),
  ]);
  return { items: docs.map(listItemOf), total };
}
