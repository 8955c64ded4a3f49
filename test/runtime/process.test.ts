// The runtime as an operator runs it: `node runtime/src/main.ts` with environment configuration.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, runToEnd, type Started, startAndWaitForUrl } from "../support/process.ts";

const mainScript = path.join(repoRoot, "runtime/src/main.ts");
const nodeArgs = ["--no-node-snapshot", mainScript];

function envFor(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, VOLTRATE_PORT: "0", VOLTRATE_DATA_DIR: dataDir, VOLTRATE_LOG_FORMAT: "json", ...extra };
}

const running: Started[] = [];
afterEach(() => {
  for (const started of running.splice(0)) started.child.kill("SIGKILL");
});

async function start(dataDir: string, extra?: NodeJS.ProcessEnv): Promise<Started> {
  const started = await startAndWaitForUrl(process.execPath, nodeArgs, { env: envFor(dataDir, extra) });
  running.push(started);
  return started;
}

describe("runtime process", () => {
  it("serves /health, stops gracefully on SIGTERM, and starts again on the same data", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-proc-"));
    const first = await start(dataDir);

    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", version: "0.1.0", store: { mode: "embedded" } });
    expect(body.scheduler).toMatchObject({ running: true, backend: "embedded" });

    const missing = await fetch(`${first.url}/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");

    // A first start without VOLTRATE_ADMIN_API_KEY makes an admin key and shows it once.
    const key = /Admin API key \(shown once; store it now\): (vr_\S+)/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    const anonymous = await fetch(`${first.url}/api/v1/plugins`);
    expect(anonymous.status).toBe(401);
    const plugins = await fetch(`${first.url}/api/v1/plugins`, { headers: { Authorization: `Bearer ${key}` } });
    expect(plugins.status).toBe(200);
    const listed = ((await plugins.json()) as { plugins: { name: string; provides: string[]; state: string }[] })
      .plugins;
    expect(listed.map((p) => [p.name, p.provides, p.state])).toEqual([
      ["@voltrate/plugin-vat", ["vat"], "started"],
      ["@voltrate/plugin-fx", ["fx"], "started"],
    ]);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"shutdown complete"');
    // Demo data is loaded once: on the first start, not on the second.
    expect(first.output()).toContain("loaded demo data");

    const second = await start(dataDir);
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
    expect(second.output()).not.toContain("loaded demo data");
    expect(second.output()).not.toContain("Admin API key");
  });

  it("refuses a second process on the same data folder with one clear line", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-lock-"));
    await start(dataDir);
    const result = await runToEnd(process.execPath, nodeArgs, { env: envFor(dataDir) });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^voltrate: cannot open the store: .*(lock|LOCK)/);
    expect(lines[0]).toContain(dataDir);
  });

  it("stops on a bad configuration value with one line naming the key", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-cfg-"));
    const result = await runToEnd(process.execPath, nodeArgs, { env: envFor(dataDir, { VOLTRATE_PORT: "eighty" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('voltrate: configuration error: VOLTRATE_PORT: expected a port number (got "eighty")\n');
  });

  it("stops with one line naming the plugin and key when a plugin's configuration is wrong", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-plugin-cfg-"));
    const result = await runToEnd(process.execPath, nodeArgs, {
      env: envFor(dataDir, {
        VOLTRATE_PLUGIN_CONFIG: JSON.stringify({ "@voltrate/plugin-fx": { stalenessDays: -1 } }),
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^voltrate: plugin "@voltrate\/plugin-fx": config stalenessDays: .+\n$/);
  });

  it("stops with a clear line when the port is taken", async () => {
    const first = await start(mkdtempSync(path.join(tmpdir(), "voltrate-port-")));
    const port = new URL(first.url).port;
    const result = await runToEnd(process.execPath, nodeArgs, {
      env: envFor(mkdtempSync(path.join(tmpdir(), "voltrate-port2-")), { VOLTRATE_PORT: port }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`voltrate: VOLTRATE_PORT: port ${port} on 127.0.0.1 is already in use\n`);
  });
});
