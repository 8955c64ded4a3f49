import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineCapability, definePlugin } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { startPluginTestHost } from "./plugin-test-host.ts";

const clock = defineCapability<{ now(): string }>("test.clock", "tells the time");

describe("plugin test host", () => {
  it("runs a plugin on the real components and restarts on the same data", async () => {
    const counter = definePlugin({
      name: "counter",
      version: "1.0.0",
      voltrate: "*",
      provides: { clock },
      setup: async (ctx) => {
        const starts = await ctx.store.nextSequence("starts");
        ctx.routes.api.get("/starts", (c) => c.json({ starts }));
        return { services: { clock: { now: () => "12:00" } } };
      },
    });
    const first = await startPluginTestHost({ plugins: [{ plugin: counter }], keepData: true });
    expect(first.service(clock)?.now()).toBe("12:00");
    expect(await (await first.request("/api/v1/plugins/counter/starts")).json()).toEqual({ starts: 1 });
    await first.close();

    const second = await startPluginTestHost({
      plugins: [{ plugin: counter }],
      dataDir: first.dataDir,
      keepData: false,
    });
    expect(await (await second.request("/api/v1/plugins/counter/starts")).json()).toEqual({ starts: 2 });
    await second.close();
    expect(existsSync(first.dataDir)).toBe(false);
  });

  it("releases the store when a plugin fails to start", async () => {
    const failing = definePlugin({
      name: "failing",
      version: "1.0.0",
      voltrate: "*",
      setup: () => ({
        start: () => {
          throw new Error("no network");
        },
      }),
    });
    const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-fail-"));
    await expect(startPluginTestHost({ plugins: [{ plugin: failing }], dataDir })).rejects.toThrow(
      'plugin "failing" failed to start: no network',
    );
    // The folder is free again: a second host opens it (the lock was released).
    const again = await startPluginTestHost({ plugins: [], dataDir, keepData: false });
    await again.close();
  });
});
