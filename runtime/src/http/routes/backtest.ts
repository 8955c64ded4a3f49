// POST /api/v1/rulesets/{id}/backtest: re-prices recent priced sessions with a draft (or a version) of a sales rule
// set and compares with what was billed. Editors run it; nothing is written. With `runs`, the same backtest also runs
// in the background with progress (see backtest-runs.ts).
import type { ApiKeys } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import { type BacktestDeps, type BacktestRuns, runBacktest } from "../../backtest/index.ts";
import type { RouteModule } from "../app.ts";
import { backtestProblemOf, backtestRequestOf } from "./backtest-request.ts";
import { backtestRunRoutes } from "./backtest-runs.ts";

export interface BacktestRoutesOptions extends BacktestDeps {
  apiKeys: ApiKeys;
  /** When given, the runs with progress are served too (/api/v1/rulesets/{id}/backtests, /api/v1/backtests/…). */
  runs?: BacktestRuns;
  /** Aborted when the runtime shuts down (ends the runs' event streams). */
  closing?: AbortSignal;
}

export function backtestRoutes(options: BacktestRoutesOptions): RouteModule {
  const editor = requireRole(options.apiKeys, "editor");
  return (app) => {
    app.post("/api/v1/rulesets/:id/backtest", editor, async (c) => {
      const request = await backtestRequestOf(c);
      try {
        return c.json(await runBacktest(options, request.rulesetId, request.target, request.scope));
      } catch (error) {
        throw backtestProblemOf(error);
      }
    });
    if (options.runs)
      backtestRunRoutes({
        runs: options.runs,
        apiKeys: options.apiKeys,
        ...(options.closing ? { closing: options.closing } : {}),
      })(app);
  };
}
