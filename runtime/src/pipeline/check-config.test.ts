import { describe, expect, it } from "vitest";
import { checkConfigSchema, DEFAULT_CHECK_CONFIG, mergeCheckConfig } from "./check-config.ts";
import { REASON_CODES, reasonCodesOf } from "./reason-codes.ts";

describe("check configuration", () => {
  it("merges stored overrides over the defaults, check by check", () => {
    const merged = mergeCheckConfig({ maxDuration: { hours: 48 }, cpoTotal: { enabled: false } });
    expect(merged.maxDuration).toEqual({ enabled: true, hours: 48 });
    expect(merged.cpoTotal).toEqual({ enabled: false, tolerance: "0.01" });
    expect(merged.energyCapacity).toEqual(DEFAULT_CHECK_CONFIG.energyCapacity);
    expect(mergeCheckConfig(undefined)).toEqual(DEFAULT_CHECK_CONFIG);
  });

  it("validates overrides", () => {
    expect(checkConfigSchema.safeParse({ energyCapacity: { marginFactor: "1.2" } }).success).toBe(true);
    expect(checkConfigSchema.safeParse({ energyCapacity: { marginFactor: 1.2 } }).success).toBe(false);
    expect(checkConfigSchema.safeParse({ unknownCheck: {} }).success).toBe(false);
  });
});

describe("reason codes", () => {
  it("name the stages that raise them", () => {
    expect(reasonCodesOf("advancedChecks")).toEqual([
      "ENERGY_EXCEEDS_CAPACITY",
      "DURATION_TOO_LONG",
      "ZERO_ENERGY",
      "NEGATIVE_ENERGY",
      "START_IN_FUTURE",
      "DUPLICATE_SESSION_ID",
      "DUPLICATE_FINGERPRINT",
      "TOKEN_NOT_VALID_AT_START",
      "CPO_TOTAL_MISMATCH",
      "PLUGIN_DROPOUT",
      "PLUGIN_HOOK_FAILED",
      "INTERNAL_ERROR",
    ]);
    for (const [code, d] of Object.entries(REASON_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(d.stages.length).toBeGreaterThan(0);
    }
  });
});
