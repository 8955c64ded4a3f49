import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBundledVatDataset } from "./dataset.ts";
import plugin from "./plugin.ts";
import { fakeContext } from "./testing/fake-context.ts";

const configSchema = plugin.configSchema!;

describe("@voltrate/plugin-vat", () => {
  it("declares the vat capability and a valid manifest", () => {
    expect(plugin.kind).toBe("voltrate-plugin");
    expect(plugin.provides?.vat.id).toBe("vat");
  });

  it("provides the service and mounts GET /rates with the default configuration", async () => {
    const { ctx, api, logger } = fakeContext(configSchema.parse(undefined));
    const result = await plugin.setup(ctx);
    expect(result.services.vat.rateFor("SK", "2025-01-01").ratePercent).toBe("23");
    const res = await api.request("/rates?country=RO&date=2025-08-01");
    expect(await res.json()).toMatchObject({ country: "RO", ratePercent: "21" });
    expect(await result.health?.()).toEqual({ status: "ok", detail: expect.stringMatching(/30 countries$/) });
    expect(logger.records[0]).toMatchObject({ level: "info", msg: "VAT rates loaded" });
  });

  it("uses a configured dataset file and reverse-charge countries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "voltrate-vat-plugin-"));
    const file = join(dir, "rates.json");
    const dataset = structuredClone(loadBundledVatDataset());
    dataset.version = "test-1";
    dataset.countries = { NL: dataset.countries.NL!, BE: dataset.countries.BE! };
    writeFileSync(file, JSON.stringify(dataset));
    const { ctx } = fakeContext(configSchema.parse({ dataset: file, reverseChargeCountries: ["BE"] }));
    const { services } = await plugin.setup(ctx);
    expect(services.vat.rateFor("NL", "2025-01-01").source).toMatch(/^voltrate-vat-rates test-1: /);
    expect(() => services.vat.rateFor("DE", "2025-01-01")).toThrow(/covers BE, NL/);
  });

  it("rejects invalid configuration", () => {
    expect(configSchema.safeParse({ reverseChargeCountries: ["NLD"] }).success).toBe(false);
    expect(configSchema.safeParse({ datasets: "x" }).success).toBe(false);
  });
});
