import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Logger } from "../logging/logger.ts";
import { requestLog } from "./middleware/request-log.ts";
import { HttpProblem, problemResponse, problemType } from "./problem.ts";

export type AppEnv = { Variables: { requestId: string } };
export type App = Hono<AppEnv>;

/** A group of routes, mounted by the runtime on the app. */
export type RouteModule = (app: App) => void;

/**
 * The HTTP application: request ids (X-Request-Id, taken from the caller when it sends one),
 * request logging, and every error rendered as RFC 9457 problem JSON — nothing escapes as a crash.
 */
export function createApp(options: { logger: Logger; routes: RouteModule[] }): App {
  const app = new Hono<AppEnv>();
  app.use("*", requestId({ limitLength: 128 }));
  app.use("*", requestLog(options.logger));

  for (const mount of options.routes) mount(app);

  app.notFound((c) =>
    problemResponse(c, {
      type: problemType("not-found"),
      title: "Not found",
      status: 404,
      detail: `No route for ${c.req.method} ${c.req.path}`,
    }),
  );

  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error.problem);
    if (error instanceof SyntaxError) {
      return problemResponse(c, {
        type: problemType("malformed-json"),
        title: "The request body is not valid JSON",
        status: 400,
        detail: error.message,
      });
    }
    options.logger.error({ err: error, requestId: c.get("requestId"), path: c.req.path }, "unhandled error");
    return problemResponse(c, {
      type: problemType("internal"),
      title: "Internal error",
      status: 500,
      detail: "The request could not be completed; it has been logged with its request id.",
    });
  });
  return app;
}
