import type { RouteModule } from "../app.ts";

/** GET /: what this server is and where to go next (the studio takes this place once it is built). */
export function indexRoutes(info: { version: string }): RouteModule {
  return (app) => {
    app.get("/", (c) =>
      c.json({
        name: "Voltrate runtime",
        version: info.version,
        links: { health: "/health", openapi: "/api/v1/openapi.json" },
      }),
    );
  };
}
