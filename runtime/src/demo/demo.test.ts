// A first start with demo data: the shipped rulesets published, the demo CDRs priced through the pipeline (a few
// dropped out), margins to report; a second start on the same folder loads nothing again.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.ts";
import { masterDataPort } from "../pipeline/index.ts";
import { MarginReports } from "../reports/index.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { DEMO_ADMINISTRATION_ID } from "./master-data.ts";
import { demoCdrs } from "./sessions.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-demo-"));
const config = loadConfig({ VOLTRATE_PORT: "0", VOLTRATE_DATA_DIR: dataDir, VOLTRATE_DEMO_DATA: "true" });

/** A logger that keeps the messages it was given. */
function recordingLogger(messages: string[]) {
  return pino(
    { level: "info" },
    { write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg) },
  );
}

let runtime: Runtime;
const firstStart: string[] = [];
let firstStartMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  runtime = await createRuntime({ config, logger: recordingLogger(firstStart) });
  firstStartMs = performance.now() - t0;
}, 60_000);
afterAll(async () => {
  await runtime?.shutdown("test");
});

describe("demo data on a first start", () => {
  it("generates the same CDRs on every run", () => {
    expect(JSON.stringify(demoCdrs())).toBe(JSON.stringify(demoCdrs()));
    expect(demoCdrs().length).toBeGreaterThanOrEqual(40);
  });

  it("publishes the shipped rulesets, active since 1 January 2026", async () => {
    const rulesets = await runtime.rules.listRulesets({ administrationId: DEMO_ADMINISTRATION_ID });
    expect(rulesets.map((r) => [r.id, r.side])).toEqual([
      ["cpo-abc-purchase", "purchase"],
      ["msp-nl-retail", "sales"],
    ]);
    for (const r of rulesets) expect(r.activeVersion).toBe(1);
    expect(firstStart.filter((m) => m.startsWith("loaded demo data"))).toHaveLength(3);
    expect(firstStartMs).toBeLessThan(30_000);
  });

  it("prices most sessions on both sides and drops a few out for realistic reasons", async () => {
    const { pipeline } = runtime;
    const all = await pipeline.list({ limit: 1000 });
    expect(all.total).toBe(demoCdrs().length);
    const priced = await pipeline.list({ status: "priced", limit: 1000 });
    expect(priced.total).toBeGreaterThanOrEqual(40);
    const sample = await pipeline.get(priced.items[0]?.id as string);
    const revision = sample?.revisions.at(-1);
    expect(revision?.priced?.purchase.amounts.exclVat).toBeDefined();
    expect(revision?.priced?.sales.amounts.exclVat).toBeDefined();

    const droppedOut = await pipeline.list({ status: "dropped-out", limit: 1000 });
    expect(droppedOut.total).toBe(7);
    const cases = await pipeline.cases.list();
    expect(new Set(cases.items.map((c) => c.code))).toEqual(
      new Set([
        "TOKEN_UNKNOWN",
        "CONTRACT_UNKNOWN",
        "AGREEMENT_MISSING",
        "ENERGY_EXCEEDS_CAPACITY",
        "CPO_TOTAL_MISMATCH",
      ]),
    );
  });

  it("reports margins for the demo administration per partner", async () => {
    const reports = new MarginReports({
      records: runtime.pipeline.records,
      masterData: masterDataPort(runtime.masterData),
    });
    const report = await reports.margins({
      administrationId: DEMO_ADMINISTRATION_ID,
      from: "2026-10-01",
      to: "2026-11-30",
      groupBy: ["partner"],
      period: "month",
    });
    expect(report.totals.sessions).toBeGreaterThanOrEqual(40);
    expect(Number(report.totals.revenue)).toBeGreaterThan(Number(report.totals.cost));
    expect(report.rows.map((r) => r.partner)).toEqual(
      expect.arrayContaining(["NL*VLT", "NL*ABC", "NL*FST", "DE*ION", "NL*GRN", "BE*OPL"]),
    );
  });

  it("loads nothing twice on a second start on the same folder", async () => {
    const before = (await runtime.pipeline.list({ limit: 1 })).total;
    await runtime.shutdown("test");
    const second: string[] = [];
    runtime = await createRuntime({ config, logger: recordingLogger(second) });
    expect(second.some((m) => m.startsWith("loaded demo data"))).toBe(false);
    expect((await runtime.pipeline.list({ limit: 1 })).total).toBe(before);
    const rulesets = await runtime.rules.listRulesets({ administrationId: DEMO_ADMINISTRATION_ID });
    expect(rulesets.map((r) => r.activeVersion)).toEqual([1, 1]);
  }, 60_000);
});
