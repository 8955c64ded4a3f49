import type { RouteModule } from "../app.ts";

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  uptimeSeconds: number;
  store: { mode: string };
  scheduler: Record<string, unknown> & { running: boolean };
}

/** GET /health: liveness and what the runtime runs on. 200 while serving, 503 when degraded. */
export function healthRoutes(report: () => HealthReport): RouteModule {
  return (app) => {
    app.get("/health", (c) => {
      const body = report();
      return c.json(body, body.status === "ok" ? 200 : 503);
    });
  };
}
