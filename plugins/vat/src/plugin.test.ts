// The plugin in the real runtime: the plugin host (config validation, capabilities, setup/start/stop), the HTTP app
// with real API keys, the embedded store and the scheduler.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginInfo } from "@voltrate/runtime/plugins";
import { logCapture, type PluginTestHost, startPluginTestHost } from "@voltrate/runtime/testing";
import { vatCapability } from "@voltrate/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { loadBundledVatDataset } from "./dataset.ts";
import plugin from "./plugin.ts";

const configSchema = plugin.configSchema!;
const API = "/api/v1/plugins/vat";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startVat(pluginConfig?: unknown) {
  const { logger, records } = logCapture();
  const testHost = await startPluginTestHost({ plugins: [{ plugin, config: pluginConfig }], logger });
  cleanups.push(() => testHost.close());
  const vat = testHost.host.service(vatCapability);
  if (!vat) throw new Error("the host provides no vat service");
  return { testHost, vat, logs: () => records.filter((r) => r.plugin === plugin.name) };
}

async function described(testHost: PluginTestHost): Promise<PluginInfo | undefined> {
  const res = await testHost.request("/api/v1/plugins", { role: "viewer" });
  expect(res.status).toBe(200);
  const { plugins } = (await res.json()) as { plugins: PluginInfo[] };
  return plugins.find((p) => p.name === plugin.name);
}

describe("@voltrate/plugin-vat", () => {
  it("declares the vat capability and a valid manifest", () => {
    expect(plugin.kind).toBe("voltrate-plugin");
    expect(plugin.provides?.vat.id).toBe("vat");
  });

  it("provides the service and mounts GET /rates with the default configuration", async () => {
    const { testHost, vat, logs } = await startVat(undefined);
    expect(vat.rateFor("SK", "2025-01-01").ratePercent).toBe("23");
    const res = await testHost.request(`${API}/rates?country=RO&date=2025-08-01`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ country: "RO", ratePercent: "21" });
    expect(await described(testHost)).toMatchObject({
      state: "started",
      provides: ["vat"],
      routes: [API],
      health: { status: "ok", detail: expect.stringMatching(/30 countries$/) },
    });
    expect(logs()[0]).toMatchObject({
      level: "info",
      msg: "VAT rates loaded",
      dataset: expect.stringMatching(/^voltrate-vat-rates /),
      countries: 30,
    });
    // The plugin keeps nothing in the store and schedules nothing.
    expect((await testHost.store.listCollections()).filter((name) => name.startsWith("plugin.vat."))).toEqual([]);
    expect((await testHost.scheduler.jobs()).total).toBe(0);
  });

  it("uses a configured dataset file and reverse-charge countries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "voltrate-vat-plugin-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "rates.json");
    const dataset = structuredClone(loadBundledVatDataset());
    dataset.version = "test-1";
    dataset.countries = { NL: dataset.countries.NL!, BE: dataset.countries.BE! };
    writeFileSync(file, JSON.stringify(dataset));
    const { testHost, vat, logs } = await startVat({ dataset: file, reverseChargeCountries: ["BE"] });
    expect(vat.rateFor("NL", "2025-01-01").source).toMatch(/^voltrate-vat-rates test-1: /);
    expect(() => vat.rateFor("DE", "2025-01-01")).toThrow(/covers BE, NL/);
    expect(logs()).toContainEqual(
      expect.objectContaining({
        msg: "VAT rates loaded",
        dataset: "voltrate-vat-rates test-1",
        countries: 2,
        reverseCharge: ["BE"],
      }),
    );
    const unknown = await testHost.request(`${API}/rates?country=DE&date=2025-01-01`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      type: "urn:voltrate:problem:vat-unknown-country",
      detail: expect.stringContaining("voltrate-vat-rates test-1 covers BE, NL"),
    });
    expect((await described(testHost))?.health).toEqual({
      status: "ok",
      detail: "voltrate-vat-rates test-1, 2 countries",
    });
  });

  it("rejects invalid configuration", () => {
    expect(configSchema.safeParse({ reverseChargeCountries: ["NLD"] }).success).toBe(false);
    expect(configSchema.safeParse({ datasets: "x" }).success).toBe(false);
  });
});
