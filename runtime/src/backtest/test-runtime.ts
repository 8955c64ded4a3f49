// Backtest runs stored as a runner leaves them, for tests; the runtime they run on comes from testing/test-runtime.ts.
import type { BacktestRunDoc } from "./backtest-runs.ts";

export { startTestRuntime } from "../testing/test-runtime.ts";

/** A run as stored, created at `createdAt` and queued unless `fields` say otherwise (as a runner would leave it). */
export function storedRun(id: string, createdAt: Date, fields: Partial<BacktestRunDoc> = {}): BacktestRunDoc {
  return {
    _id: id,
    rulesetId: "sales",
    target: { draft: true },
    scope: { last: 10 },
    requestedBy: "backtest editor",
    status: "queued",
    done: 0,
    total: 0,
    result: null,
    failure: null,
    attempts: 0,
    lease: null,
    leaseAt: null,
    createdAt,
    updatedAt: createdAt,
    startedAt: null,
    finishedAt: null,
    cancelledBy: null,
    ...fields,
  };
}
