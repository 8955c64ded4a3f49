import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../logging/logger.ts";

/** One log record per request with its id, status and duration; 5xx at error level. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const record = {
      requestId: c.get("requestId" as never),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) logger.error(record, "request failed");
    else logger.info(record, "request");
  };
}
