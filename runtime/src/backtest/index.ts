// Backtests of sales rulesets against what was billed, synchronous or as runs with progress. See docs/studio.md.
export {
  BACKTEST_MAX_SESSIONS,
  type BacktestDeps,
  type BacktestHooks,
  type BacktestResult,
  type BacktestScope,
  type BacktestTarget,
  resolveBacktestTarget,
  runBacktest,
} from "./backtest.ts";
export {
  type BacktestResultSummary,
  type BacktestRunListItem,
  type BacktestRunListQuery,
  listBacktestRuns,
  resultSummaryOf,
} from "./backtest-run-list.ts";
export {
  BACKTEST_RUN_JOB,
  BACKTEST_RUNS_COLLECTION,
  type BacktestRunDoc,
  BacktestRunNotFoundError,
  type BacktestRunRequest,
  BacktestRunStateError,
  type BacktestRunStatus,
  BacktestRuns,
  type BacktestRunsOptions,
  type BacktestRunView,
  FINISHED,
  MAX_ATTEMPTS,
  runViewOf,
  type StoredScope,
} from "./backtest-runs.ts";

import { BacktestRuns, type BacktestRunsOptions } from "./backtest-runs.ts";

/** Builds the backtest runs, creates their indexes, defines the `backtest:run` job and queues unfinished runs. */
export async function createBacktestRuns(options: BacktestRunsOptions): Promise<BacktestRuns> {
  const runs = new BacktestRuns(options);
  await runs.init();
  return runs;
}
