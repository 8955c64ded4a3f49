// Reports as charts and a table, and a backtest followed with its progress, in a real browser against a real runtime:
// four priced sessions of two partners over two months, the margin report drawn per month and per partner (the bars
// and points Chart.js drew, the accessible summaries and the exact figures of the table, all worked out by hand), then
// a backtest of a second version of the sales rule set followed over Server-Sent Events to 100 % and its result, and
// the same run come back to by its address after a reload and from the recent runs list.
import { describe, expect, it } from "vitest";
import {
  addCpoWithLocation,
  cdr221,
  publishRuleset,
  salesRuleset,
  seedWorld,
  WORLD,
} from "../../runtime/src/pipeline/test-support.ts";
import {
  expectNoScriptErrors,
  expectNothingForeign,
  ingestFromPage,
  screenshotPath,
  signIn,
  useStudioPage,
} from "./setup.ts";

const studio = useStudioPage({ context: { viewport: { width: 1280, height: 900 } } });
/** How many requests the page had made when the first report was asked for. */
let requestsBeforeCharts = 0;

const shoot = (name: string) => studio.page.screenshot({ path: screenshotPath(name), fullPage: true });

describe("reports and backtests", () => {
  it("signs in and ingests four priced sessions of two partners", async () => {
    const { runtime } = studio.server;
    await seedWorld({ md: runtime.masterData, rules: runtime.rules });
    // Ionity (DE*ION) at a Dutch charge point, priced by its own EUR tariff of 0.59/kWh.
    await addCpoWithLocation(
      { md: runtime.masterData },
      { countryCode: "DE", partyId: "ION", name: "Ionity" },
      { locationId: "LOC-A2", city: "Vianen", country: "NL", timeZone: "Europe/Amsterdam" },
      { uid: "HPC1", currentType: "DC", maxPowerKw: "350" },
    );
    const ionTariff = {
      country_code: "DE",
      party_id: "ION",
      id: "ION-NL",
      currency: "EUR",
      elements: [{ price_components: [{ type: "ENERGY", price: 0.59, vat: 21, step_size: 1 }] }],
      last_updated: "2025-01-01T00:00:00Z",
    };
    const batch = [
      cdr221({ id: "RB-ABC-1", start: "2025-03-05T10:00:00Z", end: "2025-03-05T11:00:00Z", kwh: 20 }),
      cdr221({
        id: "RB-ABC-2",
        start: "2025-03-12T10:00:00Z",
        end: "2025-03-12T11:00:00Z",
        kwh: 10,
        totalCost: { excl_vat: 3.3, incl_vat: 3.99 },
      }),
      cdr221({ id: "RB-ABC-3", start: "2025-04-02T09:00:00Z", end: "2025-04-02T10:00:00Z", kwh: 20 }),
      cdr221({
        id: "RB-ION-1",
        party: "DE*ION",
        locationId: "LOC-A2",
        evseUid: "HPC1",
        start: "2025-03-20T10:00:00Z",
        end: "2025-03-20T11:00:00Z",
        kwh: 40,
        tariffs: [ionTariff],
        totalCost: { excl_vat: 23.6, incl_vat: 28.56 },
      }),
    ];

    await studio.page.goto(`${studio.server.url}/reports`);
    await studio.page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    await signIn(studio.page, studio.server.username, studio.server.password);
    await studio.page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();

    const counts = await ingestFromPage(studio.page, batch);
    expect(counts).toMatchObject({ created: 4, failed: 0 });
    const priced = await studio.server.runtime.pipeline.records.sessions.countDocuments({ status: "priced" });
    expect(priced).toBe(4);
  });

  it("draws revenue, cost and margin per month and per partner, with the exact figures in the table", async () => {
    // The administration is reloaded after the sessions' world was seeded.
    await studio.page.reload();
    await studio.page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
    const form = studio.page.getByRole("form", { name: "Margin report" });
    expect(await form.getByLabel("Administration").inputValue()).toBe(WORLD.administration);
    await studio.page.getByLabel("From (first day)").fill("2025-03-01");
    await studio.page.getByLabel("To (last day)").fill("2025-04-30");
    await studio.page.getByLabel("Per", { exact: true }).selectOption("partner,period");
    await studio.page.getByLabel("Period", { exact: true }).selectOption("month");
    requestsBeforeCharts = studio.requests.length;
    await studio.page.getByRole("button", { name: "Show" }).click();

    // By hand (sales: AllBright ×1.05 + 0.25, others ×1.15 + 0.35; cents rounded half up):
    //   RB-ABC-1, March, 20 kWh: cost 0.30 + 20 × 0.30 = 6.30, revenue 6.615 + 0.25 = 6.865 → 6.87, margin 0.57;
    //   RB-ABC-2, March, 10 kWh: cost 3.30, revenue 3.465 + 0.25 = 3.715 → 3.72, margin 0.42;
    //   RB-ABC-3, April, 20 kWh: cost 6.30, revenue 6.87, margin 0.57;
    //   RB-ION-1, March, 40 kWh × 0.59: cost 23.60, revenue 27.14 + 0.35 = 27.49, margin 3.89.
    // Rows: NL*ABC March 10.59 / 9.60 / 0.99; NL*ABC April 6.87 / 6.30 / 0.57; DE*ION March 27.49 / 23.60 / 3.89.
    // Totals: 4 sessions, revenue 44.95, cost 39.50, margin 5.45.
    const table = studio.page.getByTestId("margin-report");
    await table.waitFor();
    const cells = async (name: RegExp) =>
      (await table.getByRole("row", { name }).getByRole("cell").allTextContents()).map((t) => t.trim());
    expect(await cells(/NL\*ABC 2025-03/)).toEqual(["NL*ABC", "2025-03", "2", "30", "10.59", "9.60", "0.99"]);
    expect(await cells(/NL\*ABC 2025-04/)).toEqual(["NL*ABC", "2025-04", "1", "20", "6.87", "6.30", "0.57"]);
    expect(await cells(/DE\*ION 2025-03/)).toEqual(["DE*ION", "2025-03", "1", "40", "27.49", "23.60", "3.89"]);
    const totals = (await table.locator("tfoot td").allTextContents()).map((t) => t.trim());
    expect(totals).toEqual(["4", "90", "44.95", "39.50", "5.45"]);

    // Per month: March 10.59 + 27.49 = 38.08 / 9.60 + 23.60 = 33.20 / 4.88, April 6.87 / 6.30 / 0.57 — two months,
    // so Chart.js draws revenue and cost as 2 + 2 bars and the margin as a line of 2 points.
    const perMonth = studio.page.getByTestId("chart-periods");
    await studio.page.locator('[data-testid="chart-periods"][data-status="drawn"]').waitFor();
    expect(await perMonth.getAttribute("data-labels")).toBe("2");
    expect(await perMonth.getAttribute("data-bars")).toBe("4");
    expect(await perMonth.getAttribute("data-points")).toBe("2");
    const monthSummary =
      "Revenue, cost and margin in EUR for 2 months, 2025-03 to 2025-04; highest margin 2025-03 (4.88), " +
      "lowest 2025-04 (0.57). The table below has the exact figures.";
    expect(await perMonth.getByRole("img").getAttribute("aria-label")).toBe(`Per month. ${monthSummary}`);

    // Per partner: DE*ION 27.49 / 23.60 / 3.89 and NL*ABC 17.46 / 15.90 / 1.56 — three bars each, no line.
    const perPartner = studio.page.getByTestId("chart-partners");
    await studio.page.locator('[data-testid="chart-partners"][data-status="drawn"]').waitFor();
    expect(await perPartner.getAttribute("data-bars")).toBe("6");
    expect(await perPartner.getAttribute("data-points")).toBe("0");
    expect(await perPartner.getByRole("img").getAttribute("aria-label")).toBe(
      "Per roaming partner. Revenue, cost and margin in EUR for 2 partners; highest margin DE*ION (3.89), lowest " +
        "NL*ABC (1.56). The table below has the exact figures.",
    );
    // The canvases were painted (not blank).
    // (Scripts for the page are strings: the tests are type-checked without the DOM's types.)
    const painted = (await studio.page.evaluate(`[...document.querySelectorAll("canvas")].map((canvas) => {
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return inked;
    })`)) as number[];
    expect(painted).toHaveLength(2);
    expect(painted.every((n) => n > 1000)).toBe(true);
    await shoot("30-reports-charts");

    // Per partner only: one chart; per day: a point per day with sessions (5, 12 and 20 March, 2 April).
    await studio.page.getByLabel("Per", { exact: true }).selectOption("period");
    await studio.page.getByLabel("Period", { exact: true }).selectOption("day");
    await studio.page.getByRole("button", { name: "Show" }).click();
    await studio.page.locator('[data-testid="chart-periods"][data-labels="4"][data-status="drawn"]').waitFor();
    expect(await studio.page.getByTestId("chart-periods").getAttribute("data-points")).toBe("4");
    expect(await studio.page.getByTestId("chart-partners").count()).toBe(0);
    await shoot("31-reports-per-day");
  });

  it("backtests a second version with a progress bar that reaches 100 %, then shows the result", async () => {
    // Version 2 raises AllBright's factor from 1.05 to 1.10; published after the sessions were billed with version 1.
    const v2 = structuredClone(salesRuleset) as typeof salesRuleset & { rules: { id: string; outcome: unknown }[] };
    const rule = v2.rules.find((r) => r.id === "roaming-abc");
    if (!rule) throw new Error("no rule roaming-abc");
    rule.outcome = { type: "markup", factor: "1.10", fixed: "0.25" };
    await publishRuleset(studio.server.runtime.rules, v2, new Date().toISOString());

    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backtest" }).click();
    await studio.page.getByRole("heading", { name: "Backtest", level: 1 }).waitFor();
    await studio.page.getByLabel("Sales rule set").selectOption(WORLD.salesRuleset);
    await studio.page.getByLabel("Price with").selectOption("2");
    await studio.page.getByLabel("N", { exact: true }).fill("10");
    // Every value the progress bar shows, and whether Cancel was offered, as the page renders them.
    await studio.page.evaluate(`(() => {
      const seen = { values: [], cancel: false };
      window.__progress = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Sessions re-priced"]');
        const value = bar ? Number(bar.getAttribute("aria-valuenow")) : null;
        if (value !== null && seen.values.at(-1) !== value) seen.values.push(value);
        if ([...document.querySelectorAll("button")].some((b) => b.textContent.trim() === "Cancel")) seen.cancel = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await studio.page.getByRole("button", { name: "Run" }).click();
    await studio.page
      .getByTestId("backtest-progress")
      .or(studio.page.getByTestId("backtest-difference"))
      .first()
      .waitFor();
    await shoot("32-backtest-progress");

    const difference = studio.page.getByTestId("backtest-difference");
    await difference.waitFor({ timeout: 30_000 });
    // Billed with v1; v2 adds 0.05 × purchase to AllBright's sessions before rounding:
    //   RB-ABC-1 and RB-ABC-3 (purchase 6.30): 6.87 → 6.93 + 0.25 = 7.18, +0.31 each;
    //   RB-ABC-2 (purchase 3.30): 3.72 → 3.63 + 0.25 = 3.88, +0.16; RB-ION-1 unchanged (27.49).
    // Together +0.78: revenue 44.95 → 45.73, margin 5.45 → 6.23.
    expect(await difference.textContent()).toBe("+0.78");
    const totals = studio.page.getByTestId("backtest-totals");
    expect(await totals.textContent()).toContain("44.95 → 45.73");
    expect(await totals.textContent()).toContain("5.45 → 6.23");
    const changed = studio.page.getByTestId("backtest-changed").locator("tbody tr");
    expect(await changed.count()).toBe(3);
    expect(await changed.last().getByRole("cell").nth(3).textContent()).toBe("+0.16");

    const bar = studio.page.getByRole("progressbar", { name: "Sessions re-priced" });
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    expect(await bar.getAttribute("aria-valuetext")).toBe("4 of 4 sessions");
    const seen = (await studio.page.evaluate("window.__progress")) as { values: number[]; cancel: boolean };
    // It starts at 0 (queued), never goes back, and ends at 100; Cancel was offered while it ran.
    expect(seen.values[0]).toBe(0);
    expect(seen.values.at(-1)).toBe(100);
    expect(seen.values).toEqual([...seen.values].sort((a, b) => a - b));
    expect(seen.cancel).toBe(true);
    // The progress came over the event stream of the run.
    expect(studio.requests.some((url) => /\/api\/v1\/backtests\/btr_[a-f0-9]{20}\/events$/.test(url))).toBe(true);
    await shoot("33-backtest-result");
  });

  it("comes back to the run by its address after a reload, and lists it among the recent runs", async () => {
    const { page } = studio;
    // Started by the previous test: the address names it.
    const address = new URL(page.url());
    expect(address.pathname).toBe("/backtest");
    const runId = address.searchParams.get("run") ?? "";
    expect(runId).toMatch(/^btr_[a-f0-9]{20}$/);

    await page.reload();
    const difference = page.getByTestId("backtest-difference");
    await difference.waitFor();
    // The same result as before the reload: +0.78 over 4 sessions.
    expect(await difference.textContent()).toBe("+0.78");
    expect(await page.getByTestId("backtest-run-title").textContent()).toContain(runId);
    expect(await page.getByTestId("backtest-totals").textContent()).toContain("44.95 → 45.73");

    // The only run so far, marked as the open one; its summary: 4 sessions, 3 changed (RB-ABC-1..3), +0.78 EUR.
    const rows = page.getByTestId("backtest-runs").locator("tbody tr");
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute("aria-current")).toBe("true");
    const cells = (await row.getByRole("cell").allTextContents()).map((t) => t.trim());
    expect(cells[1]).toBe("Version 2");
    expect(cells[2]).toBe("Last 10 sessions");
    expect(cells[5]).toBe("done");
    expect(cells[6]).toBe("4 sessions · 3 changed · +0.78 EUR");
    await shoot("34-backtest-reopened");

    // Without a run in the address nothing is open; the list's link opens it again, from the keyboard.
    await page.goto(`${studio.server.url}/backtest`);
    await page.getByTestId("backtest-runs").waitFor();
    expect(await difference.count()).toBe(0);
    await page.getByTestId("backtest-runs").getByRole("link").first().focus();
    await page.keyboard.press("Enter");
    await difference.waitFor();
    expect(await difference.textContent()).toBe("+0.78");
    expect(new URL(page.url()).searchParams.get("run")).toBe(runId);
  });

  it("loaded the chart library lazily, nothing from another host, without script errors", () => {
    // Chart.js is a chunk of its own, fetched when the first chart is drawn — not by the sign-in page or the shell.
    const isChartChunk = (url: string) => /\/assets\/chart-library-[\w-]+\.js$/.test(url);
    expect(studio.requests.slice(0, requestsBeforeCharts).filter(isChartChunk)).toEqual([]);
    expect(studio.requests.slice(requestsBeforeCharts).filter(isChartChunk)).toHaveLength(1);
    expectNothingForeign(studio.requests, studio.server.url);
    expectNoScriptErrors(studio, /status of 401/);
  });
});
