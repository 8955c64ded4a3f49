// Backtest runs over REST: start a backtest in the background (202 + Location), read its status, progress and result,
// cancel it, and follow its progress as Server-Sent Events until it ends.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import {
  BacktestRunNotFoundError,
  BacktestRunStateError,
  type BacktestRuns,
  type BacktestRunView,
  FINISHED,
} from "../../backtest/index.ts";
import { LEASED_RUN_STATUSES } from "../../scheduler/leased-runs.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validate } from "../validate.ts";
import { backtestProblemOf, backtestRequestOf } from "./backtest-request.ts";

export interface BacktestRunRoutesDeps {
  runs: BacktestRuns;
  apiKeys: ApiKeys;
  /** How often the events stream looks at the run; default 150 ms. */
  pollMs?: number;
  /** A comment line keeps idle connections open through proxies; default every 15 s. */
  keepAliveMs?: number;
  /** Aborted when the runtime shuts down: open event streams end then instead of holding the server open. */
  closing?: AbortSignal;
}

/** How long a client waits before it reconnects to a stream the runtime ended by shutting down. */
const RECONNECT_AFTER_MS = 3_000;

const runIdSchema = z.string().regex(/^btr_[a-f0-9]{20}$/, { error: 'expected a backtest run id ("btr_…")' });

const listQuerySchema = z.strictObject({
  rulesetId: z.string().min(1).max(200).optional(),
  status: z.array(z.enum(LEASED_RUN_STATUSES)).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * The list's query as one object to validate: `status` may be repeated (`?status=queued&status=running`) or
 * comma-separated (`?status=queued,running`); the other parameters are read once.
 */
function listQueryOf(c: Context): Record<string, unknown> {
  const statuses = c.req.queries("status")?.flatMap((s) => s.split(","));
  return { ...c.req.query(), ...(statuses ? { status: statuses } : {}) };
}

function principalOf(c: Context): Principal | undefined {
  return c.get("principal" as never) as Principal | undefined;
}

/** The progress as the events carry it: everything but the (possibly long) result, which `end` carries. */
function progressOf(view: BacktestRunView): Omit<BacktestRunView, "result"> {
  const { result: _result, ...rest } = view;
  return rest;
}

/**
 * POST /api/v1/rulesets/{id}/backtests, GET /api/v1/backtests, GET /api/v1/backtests/{runId}, POST /api/v1/backtests/{runId}/cancel,
 * GET /api/v1/backtests/{runId}/events.
 */
export function backtestRunRoutes(deps: BacktestRunRoutesDeps): RouteModule {
  const { runs, apiKeys } = deps;
  const pollMs = deps.pollMs ?? 150;
  const keepAliveMs = deps.keepAliveMs ?? 15_000;
  const found = async (c: Context): Promise<BacktestRunView> => {
    const id = validate(runIdSchema, c.req.param("runId"), "path.runId");
    const view = await runs.get(id);
    if (!view) throw HttpProblem.notFound(`no backtest run ${id}`);
    return view;
  };
  return (app) => {
    app.post("/api/v1/rulesets/:id/backtests", requireRole(apiKeys, "editor"), async (c) => {
      const request = await backtestRequestOf(c);
      let created: BacktestRunView;
      try {
        created = await runs.start({ ...request, requestedBy: principalOf(c)?.name ?? "unknown" });
      } catch (error) {
        throw backtestProblemOf(error);
      }
      c.header("Location", `/api/v1/backtests/${created.id}`);
      return c.json(created, 202);
    });

    app.get("/api/v1/backtests", requireRole(apiKeys, "viewer"), async (c) => {
      const q = validate(listQuerySchema, listQueryOf(c), "query");
      const { items, total } = await runs.list({
        ...(q.rulesetId ? { rulesetId: q.rulesetId } : {}),
        ...(q.status ? { status: q.status } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return c.json({ items, total, limit: q.limit, offset: q.offset });
    });

    app.get("/api/v1/backtests/:runId", requireRole(apiKeys, "viewer"), async (c) => c.json(await found(c)));

    app.post("/api/v1/backtests/:runId/cancel", requireRole(apiKeys, "editor"), async (c) => {
      const id = validate(runIdSchema, c.req.param("runId"), "path.runId");
      try {
        return c.json(await runs.cancel(id, principalOf(c)?.name ?? "unknown"));
      } catch (error) {
        if (error instanceof BacktestRunNotFoundError) throw HttpProblem.notFound(error.message);
        if (error instanceof BacktestRunStateError)
          throw new HttpProblem({
            slug: "conflict",
            title: "The backtest run cannot be cancelled",
            status: 409,
            detail: error.message,
          });
        throw error;
      }
    });

    app.get("/api/v1/backtests/:runId/events", requireRole(apiKeys, "viewer"), async (c) => {
      // Unknown runs are answered with problem JSON before the stream opens.
      const first = await found(c);
      c.header("Cache-Control", "no-store");
      return streamSSE(c, async (stream) => {
        let view: BacktestRunView | null = first;
        let sent = "";
        let sequence = 0;
        let lastWrite = Date.now();
        while (view && !stream.aborted) {
          if (deps.closing?.aborted) {
            // The runtime is stopping: end the stream; the client reconnects (to this or the next process) later.
            await stream.writeSSE({
              event: "closing",
              data: JSON.stringify(progressOf(view)),
              retry: RECONNECT_AFTER_MS,
            });
            return;
          }
          const key = `${view.status}:${view.progress.done}:${view.progress.total}`;
          if (FINISHED.includes(view.status)) {
            // `end` carries the whole run (with the result when done); the client closes its EventSource on it,
            // which would otherwise reconnect.
            await stream.writeSSE({ event: "end", id: String(++sequence), data: JSON.stringify(view) });
            return;
          }
          if (key !== sent) {
            await stream.writeSSE({
              event: "progress",
              id: String(++sequence),
              data: JSON.stringify(progressOf(view)),
            });
            sent = key;
            lastWrite = Date.now();
          } else if (Date.now() - lastWrite >= keepAliveMs) {
            await stream.write(": keep-alive\n\n");
            lastWrite = Date.now();
          }
          await stream.sleep(pollMs);
          view = await runs.get(first.id);
        }
      });
    });
  };
}
