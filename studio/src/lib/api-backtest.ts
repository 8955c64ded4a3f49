// Backtest runs: started in the background, followed with Server-Sent Events (EventSource, same origin, so the
// session cookie signs the stream in), cancelled, and read back with their result.
import { ApiError, request } from "./api.ts";
import type { BacktestResult } from "./types.ts";

export type BacktestRunStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** GET /api/v1/backtests/{runId} */
export interface BacktestRun {
  id: string;
  rulesetId: string;
  target: { draft: true } | { version: number };
  /** The N most recent sessions, or a period (ISO instants, `to` exclusive). */
  scope: { last: number } | { from: string; to: string };
  requestedBy: string;
  status: BacktestRunStatus;
  progress: { done: number; total: number; percent: number };
  result?: BacktestResult;
  failure?: string;
  cancelledBy?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** What a done run's result comes to, as the list shows it: the result's figures, its lists counted. */
export type BacktestResultSummary = Pick<
  BacktestResult,
  "currency" | "sessions" | "billedTotal" | "newTotal" | "difference"
> & { changed: number; failed: number };

/** GET /api/v1/backtests: a run without its result, with its summary once done. */
export type BacktestRunListItem = Omit<BacktestRun, "result"> & { resultSummary?: BacktestResultSummary };

export interface BacktestRunPage {
  items: BacktestRunListItem[];
  total: number;
}

export type BacktestRequest = ({ draft: true } | { version: number }) &
  ({ last: number } | { from: string; to: string });

const enc = encodeURIComponent;

export const backtestApi = {
  start: (rulesetId: string, input: BacktestRequest) =>
    request<BacktestRun>("POST", `/api/v1/rulesets/${enc(rulesetId)}/backtests`, input),
  list: (query: { limit: number; offset: number }) =>
    request<BacktestRunPage>("GET", `/api/v1/backtests?limit=${query.limit}&offset=${query.offset}`),
  get: (runId: string) => request<BacktestRun>("GET", `/api/v1/backtests/${enc(runId)}`),
  cancel: (runId: string) => request<BacktestRun>("POST", `/api/v1/backtests/${enc(runId)}/cancel`),
};

/** Times the stream is opened again after it broke, while the run is still going. */
const RECONNECTS = 5;

/**
 * Follows a run until it ends: `onUpdate` hears every progress event and, last, the finished run (with its result
 * when done). When the stream breaks, the run is read over REST and, while it is still going, followed again a
 * second later (a few times). Returns a function that stops following.
 */
export function followBacktestRun(
  runId: string,
  onUpdate: (run: BacktestRun) => void,
  onError: (error: unknown) => void,
): () => void {
  let source: EventSource | undefined;
  let stopped = false;
  let reconnects = 0;
  const stop = () => {
    stopped = true;
    source?.close();
  };
  const parse = (event: Event) => JSON.parse((event as MessageEvent<string>).data) as BacktestRun;
  const connect = () => {
    if (stopped) return;
    const current = new EventSource(`/api/v1/backtests/${enc(runId)}/events`);
    source = current;
    current.addEventListener("progress", (event) => {
      if (!stopped) onUpdate(parse(event));
    });
    current.addEventListener("end", (event) => {
      if (stopped) return;
      // EventSource reconnects when a stream closes: stop it before the runtime closes this one.
      stop();
      onUpdate(parse(event));
    });
    current.onerror = () => {
      current.close();
      if (stopped) return;
      backtestApi.get(runId).then(
        (run) => {
          if (stopped) return;
          onUpdate(run);
          if (run.status !== "queued" && run.status !== "running") return;
          if (++reconnects > RECONNECTS) {
            stop();
            onError(new ApiError(0, "Lost the connection to the runtime while following the backtest."));
          } else setTimeout(connect, 1000);
        },
        (error: unknown) => {
          stop();
          onError(error);
        },
      );
    };
  };
  connect();
  return stop;
}
