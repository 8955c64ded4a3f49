import { describe, expect, it } from "vitest";
import { caseIdOf, groupKeyOf } from "./cases.ts";

describe("drop-out grouping", () => {
  it("groups data problems by party", () => {
    expect(groupKeyOf({ code: "TOKEN_UNKNOWN", message: "" }, { party: "NL*ABC" })).toBe("party:NL*ABC");
    expect(groupKeyOf({ code: "CPO_TOTAL_MISMATCH", message: "" }, { party: "CH*SWC" })).toBe("party:CH*SWC");
  });

  it("groups ruleset drop-outs by ruleset, rule and the ruleset's reason", () => {
    const failure = {
      code: "SALES_RULES_DROPOUT" as const,
      message: "",
      data: { side: "sales", rulesetId: "msp-nl-retail", ruleId: "no-agreement", rulesetReason: "NO_AGREEMENT" },
    };
    expect(groupKeyOf(failure, { party: "DE*BLK" })).toBe("rule:msp-nl-retail/no-agreement:NO_AGREEMENT");
    expect(
      groupKeyOf(
        { code: "RULESET_VERSION_MISSING", message: "", data: { side: "sales", rulesetId: "x" } },
        { party: "NL*ABC" },
      ),
    ).toBe("rule:x");
    expect(groupKeyOf({ code: "RULESET_MISSING", message: "", data: { side: "purchase" } }, { party: "NL*ABC" })).toBe(
      "rule:purchase ruleset",
    );
  });

  it("groups plugin drop-outs by plugin and its code", () => {
    const failure = { code: "PLUGIN_DROPOUT" as const, message: "", data: { plugin: "acme", pluginCode: "FRAUD" } };
    expect(groupKeyOf(failure, { party: "NL*ABC", plugin: "acme" })).toBe("plugin:acme:FRAUD");
    expect(groupKeyOf({ code: "PLUGIN_HOOK_FAILED", message: "", data: { plugin: "acme" } }, { party: "NL*ABC" })).toBe(
      "plugin:acme:PLUGIN_HOOK_FAILED",
    );
  });

  it("derives stable case ids", () => {
    expect(caseIdOf("lookups", "TOKEN_UNKNOWN", "party:NL*ABC")).toBe(
      caseIdOf("lookups", "TOKEN_UNKNOWN", "party:NL*ABC"),
    );
    expect(caseIdOf("lookups", "TOKEN_UNKNOWN", "party:NL*ABC")).not.toBe(
      caseIdOf("lookups", "TOKEN_UNKNOWN", "party:NL*XYZ"),
    );
    expect(caseIdOf("lookups", "TOKEN_UNKNOWN", "party:NL*ABC")).toMatch(/^case_[A-Za-z0-9_-]{20}$/);
  });
});
