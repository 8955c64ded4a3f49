// Backtests of sales rulesets against what was billed. See docs/studio.md.
export {
  BACKTEST_MAX_SESSIONS,
  type BacktestDeps,
  type BacktestResult,
  type BacktestScope,
  type BacktestTarget,
  runBacktest,
} from "./backtest.ts";
