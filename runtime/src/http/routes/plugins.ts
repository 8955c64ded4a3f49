import type { ApiKeys } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import type { PluginHost } from "../../plugins/index.ts";
import type { RouteModule } from "../app.ts";

/** GET /api/v1/plugins: loaded plugins in start order, with versions, capabilities, routes and health. */
export function pluginRoutes(host: PluginHost, apiKeys: ApiKeys): RouteModule {
  return (app) => {
    app.get("/api/v1/plugins", requireRole(apiKeys, "viewer"), async (c) => c.json({ plugins: await host.describe() }));
  };
}
