// Backtests on real components (the pipeline harness): sessions priced by the published sales ruleset, then a draft
// with a higher markup re-prices them; the differences are checked by hand.
import type { Ruleset } from "@voltrate/sdk/rules";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backtestRoutes } from "../http/routes/backtest.ts";
import { masterDataPort } from "../pipeline/master-data-port.ts";
import {
  cdr221,
  type PipelineHarness,
  type PipelineHarnessParts,
  salesRuleset,
  startPipelineHarness,
  WORLD,
} from "../pipeline/test-support.ts";
import { runBacktest } from "./backtest.ts";

let h: PipelineHarness;
const EDITOR = { id: "test", name: "backtest tests", via: "api" as const };

beforeAll(async () => {
  h = await startPipelineHarness({
    world: true,
    routes: (parts) => [backtestRoutes({ ...depsOf(parts), apiKeys: parts.host.apiKeys })],
  });
  // Two AllBright sessions: 20 kWh and 10 kWh, on different days.
  for (const [id, start, end, kwh] of [
    ["BT-1", "2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z", 20],
    ["BT-2", "2025-03-06T10:00:00Z", "2025-03-06T11:00:00Z", 10],
  ] as const) {
    const payload = cdr221({ id, start, end, kwh, totalCost: { excl_vat: 0.3 + 0.3 * kwh } });
    const result = await h.pipeline.process({ format: "ocpi-2.2.1", payload, sourceParty: WORLD.abc, sessionId: id });
    expect(result.revision.outcome).toBe("priced");
  }
});
afterAll(async () => {
  await h?.close();
});

const depsOf = ({ rules, pipeline, md }: PipelineHarnessParts) => ({
  rules,
  records: pipeline.records,
  masterData: masterDataPort(md),
});
const deps = () => depsOf(h);

describe("backtest", () => {
  it("the published version itself reproduces what was billed", async () => {
    const result = await runBacktest(deps(), WORLD.salesRuleset, { version: 1 }, { last: 10 });
    expect(result.sessions).toBe(2);
    // Purchase 0.30 + 0.30/kWh: 6.30 (20 kWh) and 3.30 (10 kWh); sales markup ×1.05 + 0.25:
    // 6.615 + 0.25 = 6.865 → 6.87 and 3.465 + 0.25 = 3.715 → 3.72; together 10.59.
    expect(result.billedTotal).toBe("10.59");
    expect(result.newTotal).toBe("10.59");
    expect(result.difference).toBe("0.00");
    expect(result.changed).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(result.histogram).toEqual([{ from: "0.00", to: "0.00", count: 2 }]);
  });

  it("a draft with a higher markup shows the difference per session and in total", async () => {
    const draft = structuredClone(salesRuleset) as Ruleset & { rules: { id: string; outcome: unknown }[] };
    const rule = draft.rules.find((r) => r.id === "roaming-abc");
    if (!rule) throw new Error("no rule roaming-abc");
    rule.outcome = { type: "markup", factor: "1.10", fixed: "0.25" };
    await h.rules.saveDraft(WORLD.salesRuleset, { content: draft }, EDITOR);

    const result = await runBacktest(deps(), WORLD.salesRuleset, { draft: true }, { last: 10 });
    expect(result.target.kind).toBe("draft");
    expect(result.sessions).toBe(2);
    // ×1.10 + 0.25: 6.30 → 6.93 + 0.25 = 7.18 (billed 6.87: +0.31); 3.30 → 3.63 + 0.25 = 3.88 (billed 3.72: +0.16).
    expect(result.billedTotal).toBe("10.59");
    expect(result.newTotal).toBe("11.06");
    expect(result.difference).toBe("0.47");
    // The margin grows by the same 0.47 (the purchase side is unchanged): billed margin 10.59 − 9.60 = 0.99.
    expect(result.billedMargin).toBe("0.99");
    expect(result.newMargin).toBe("1.46");
    expect(result.changed.map((c) => [c.billed, c.new, c.difference])).toEqual([
      ["6.87", "7.18", "0.31"],
      ["3.72", "3.88", "0.16"],
    ]);
    // From 0.16 to 0.31: a tenth of the range is 0.015, rounded up to whole cents 0.02, so 0.15 / 0.02 → 8 buckets
    // (0.16–0.18 … 0.30–0.32): one session in the first, one in the last, none between.
    expect(result.histogram).toHaveLength(8);
    expect(result.histogram[0]).toEqual({ from: "0.16", to: "0.18", count: 1 });
    expect(result.histogram[7]).toEqual({ from: "0.30", to: "0.32", count: 1 });
    expect(result.histogram.slice(1, 7).every((b) => b.count === 0)).toBe(true);

    // Only the sessions of the period.
    const period = await runBacktest(
      deps(),
      WORLD.salesRuleset,
      { draft: true },
      { from: new Date("2025-03-06T00:00:00Z"), to: new Date("2025-03-07T00:00:00Z") },
    );
    expect(period.sessions).toBe(1);
    expect(period.difference).toBe("0.16");
  });

  it("limits to the last N sessions, newest first", async () => {
    const result = await runBacktest(deps(), WORLD.salesRuleset, { draft: true }, { last: 1 });
    expect(result.sessions).toBe(1);
    expect(result.difference).toBe("0.16");
  });
});

describe("POST /api/v1/rulesets/{id}/backtest", () => {
  const post = async (role: "viewer" | "editor", body: unknown, id: string = WORLD.salesRuleset) => {
    return h.request(`/api/v1/rulesets/${id}/backtest`, { role, json: body });
  };

  it("needs the editor role", async () => {
    expect((await post("viewer", { draft: true, last: 10 })).status).toBe(403);
  });

  it("refuses a body that chooses neither or both", async () => {
    expect((await post("editor", { last: 10 })).status).toBe(400);
    expect((await post("editor", { draft: true, version: 1, last: 10 })).status).toBe(400);
    expect((await post("editor", { draft: true, last: 5001 })).status).toBe(400);
    expect((await post("editor", { draft: true, from: "2025-03-07T00:00:00Z" })).status).toBe(400);
  });

  it("runs a backtest of the draft and answers 404 for an unknown rule set", async () => {
    const response = await post("editor", { draft: true, from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" });
    expect(response.status).toBe(200);
    // The same two sessions as above: +0.31 and +0.16.
    expect(await response.json()).toMatchObject({ sessions: 2, difference: "0.47", failed: [] });
    expect((await post("editor", { draft: true, last: 1 }, "no-such-ruleset")).status).toBe(404);
  });
});
