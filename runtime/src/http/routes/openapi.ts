import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { RouteModule } from "../app.ts";

/** The OpenAPI document of the REST API, kept beside the runtime's sources. */
export const openApiPath = new URL("../../../openapi.yaml", import.meta.url);

export function loadOpenApi(): { yaml: string; document: Record<string, unknown> } {
  const yaml = readFileSync(openApiPath, "utf8");
  return { yaml, document: parse(yaml) as Record<string, unknown> };
}

export function openApiRoutes(): RouteModule {
  const { yaml, document } = loadOpenApi();
  return (app) => {
    app.get("/api/v1/openapi.json", (c) => c.json(document));
    app.get("/api/v1/openapi.yaml", (c) => c.body(yaml, 200, { "Content-Type": "application/yaml; charset=utf-8" }));
  };
}
