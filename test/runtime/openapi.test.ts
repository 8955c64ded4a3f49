// The OpenAPI document stays true: every route the runtime serves is documented, and every documented
// path is served. Plugin routes (under /api/v1/plugins/{id} and well-known prefixes) are documented by
// each plugin and left out here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRuntime, loadConfig, type Runtime } from "@voltrate/runtime";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let runtime: Runtime;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-openapi-"));
  runtime = await createRuntime({
    config: loadConfig({ VOLTRATE_DATA_DIR: dataDir, VOLTRATE_PORT: "0", VOLTRATE_DEMO_DATA: "false" }),
    logger: pino({ level: "silent" }),
  });
});
afterAll(async () => {
  await runtime.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

const methods = ["get", "post", "put", "patch", "delete"] as const;

describe("OpenAPI document", () => {
  it("documents exactly the routes the runtime serves", async () => {
    const document = (await (await runtime.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set<string>();
    for (const [p, item] of Object.entries(document.paths)) {
      for (const m of methods) if (item[m]) documented.add(`${m.toUpperCase()} ${p}`);
    }
    const served = new Set(
      runtime.app.routes
        .filter((r) => r.method !== "ALL" && !/^\/api\/v1\/plugins\/.+/.test(r.path) && !r.path.startsWith("/ocpi"))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`),
    );
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
  });
});
