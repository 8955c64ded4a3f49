import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRuntime } from "@voltrate/runtime";
import { loadConfig } from "@voltrate/runtime/config";
import { pino } from "pino";
import { describe, expect, it } from "vitest";

describe("graceful shutdown", () => {
  it("lets an in-flight request finish, then refuses new connections and releases the store", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-shutdown-"));
    const config = loadConfig({ VOLTRATE_PORT: "0", VOLTRATE_DATA_DIR: dataDir, VOLTRATE_DEMO_DATA: "false" });
    const runtime = await createRuntime({
      config,
      logger: pino({ level: "silent" }),
      routes: [
        (app) =>
          app.get("/slow", async (c) => {
            await new Promise((r) => setTimeout(r, 400));
            return c.text("finished");
          }),
      ],
    });
    const url = await runtime.start();

    const inFlight = fetch(`${url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = runtime.shutdown("test");

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("finished");
    await stopped;

    await expect(fetch(`${url}/health`)).rejects.toThrow();
    // The lock is released: the same folder opens again.
    const again = await createRuntime({ config, logger: pino({ level: "silent" }) });
    await again.shutdown();
  });
});
