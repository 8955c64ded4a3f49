// The rule editor's table view and Simulate with a stored session, in Chromium against a real runtime: a rule set made
// through the API shows as a decision table; a rate amount is changed and a row added and saved into the draft (checked
// through the REST API, and in the blocks); a block edit shows in the table; a bad amount is refused by the runtime
// and its problem shows on that row's outcome; then a session stored by the pipeline is picked in Simulate and priced
// with the draft, and — from the session page — with the sales rule set it was billed with.
import { describe, expect, it } from "vitest";
import { cdr221, seedWorld, WORLD } from "../../runtime/src/pipeline/test-support.ts";
import { screenshotPath, signIn, useStudioPage } from "./setup.ts";

interface BlocklyBlock {
  getFieldValue(name: string): unknown;
  setFieldValue(value: string, name: string): void;
}
interface PageGlobals {
  Blockly: { getMainWorkspace(): { getBlocksByType(type: string, ordered: boolean): BlocklyBlock[] } };
}
interface DraftJson {
  revision: number;
  content: { hitPolicy: string; rules: unknown[] };
}

const studio = useStudioPage({ failureShot: "failed-dt" });
let sessionId: string;

const RULESET_ID = "table-demo";

/** A rate of price components, each with 21 % VAT. */
function rate(components: [string, string][]) {
  return {
    type: "rate",
    tariff: { elements: [{ components: components.map(([dimension, price]) => ({ dimension, price, vat: "21" })) }] },
  };
}

/** The rule set as created: AllBright sessions at 0.50 EUR start + 0.40 EUR/kWh; DC elsewhere at 0.60 EUR/kWh. */
const RULES = [
  {
    id: "abc",
    name: "AllBright",
    enabled: true,
    condition: { op: "eq", property: "cpo", value: "NL*ABC" },
    outcome: rate([
      ["FLAT", "0.50"],
      ["ENERGY", "0.40"],
    ]),
  },
  {
    id: "dc",
    name: "Fast DC",
    enabled: true,
    condition: { op: "eq", property: "powerType", value: "DC" },
    outcome: rate([["ENERGY", "0.60"]]),
  },
];

const RULESET = {
  id: RULESET_ID,
  name: "Table demo",
  administrationId: WORLD.administration,
  side: "sales",
  currency: "EUR",
  hitPolicy: "first",
  vatPercent: "21",
  rules: RULES,
};

const shoot = (name: string) => studio.page.screenshot({ path: screenshotPath(name), fullPage: true });

/** A JSON request from the page (the session cookie signs it in, the page's origin passes the same-origin check). */
function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return studio.page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as T };
    },
    { method, path, body },
  );
}

/** The result's totals rows as "label amount", cell by cell. */
const totalsShown = () =>
  studio.page
    .getByRole("region", { name: "Result" })
    .locator("tfoot tr")
    .evaluateAll((rows) =>
      rows.map((tr) =>
        [...tr.children]
          .map((cell) => cell.textContent?.trim() ?? "")
          .filter((text) => text !== "")
          .join(" "),
      ),
    );

const draft = async () => (await api<DraftJson>("GET", `/api/v1/rulesets/${RULESET_ID}/draft`)).json;

/** The amounts of the money blocks on the page's Blockly workspace. */
const blockAmounts = () =>
  studio.page.evaluate(() => {
    const { Blockly } = globalThis as unknown as PageGlobals;
    return Blockly.getMainWorkspace()
      .getBlocksByType("vr_money", false)
      .map((b) => String(b.getFieldValue("AMOUNT")));
  });

describe("decision table and stored-session simulation", { timeout: 120_000 }, () => {
  it("signs in, seeds the world, ingests a session and creates a rule set through the API", async () => {
    await studio.page.goto(`${studio.server.url}/rulesets`);
    await studio.page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    await signIn(studio.page, studio.server.username, studio.server.password);
    await studio.page.getByRole("heading", { name: "Rulesets", level: 1 }).waitFor();

    // AllBright (NL*ABC), Anna's token and contract, the purchase and sales rule sets "purchase-abc" and "sales-nl".
    await seedWorld({ md: studio.server.runtime.masterData, rules: studio.server.runtime.rules });
    // 20 kWh at AllBright, Friday 2025-03-07 10:00–11:00 UTC: purchase 0.30 + 20 × 0.30 = 6.30 EUR excl. VAT.
    const ingested = await api<{ session: { id: string; status: string } }>("POST", "/api/v1/sessions", cdr221());
    expect(ingested.status).toBe(201);
    expect(ingested.json.session.status).toBe("priced");
    sessionId = ingested.json.session.id;

    const created = await api("POST", "/api/v1/rulesets", { ruleset: RULESET });
    expect(created.status).toBe(201);
    expect((await draft()).revision).toBe(1);
  });

  it("shows the rules as a table: a row per rule, a column per property, the outcomes and the hit policy", async () => {
    await studio.page.goto(`${studio.server.url}/rulesets/${RULESET_ID}`);
    await studio.page.getByRole("heading", { name: "Table demo", level: 1 }).waitFor();
    await studio.page.locator(".blocklyToolbox").waitFor();
    await studio.page.getByRole("tab", { name: "Table" }).click();
    const table = studio.page.getByTestId("decision-table");
    await table.waitFor();

    const headers = await table.locator("thead th.cond").evaluateAll((ths) => ths.map((th) => th.dataset.column));
    expect(headers).toEqual(["cpo", "powerType"]);
    expect(await table.locator("tbody tr").count()).toBe(2);
    expect(await studio.page.getByTestId("cell-0-cpo").inputValue()).toBe("= NL*ABC");
    expect(await studio.page.getByTestId("cell-0-powerType").inputValue()).toBe("");
    expect(await studio.page.getByTestId("cell-1-cpo").inputValue()).toBe("");
    expect(await studio.page.getByTestId("cell-1-powerType").inputValue()).toBe("= DC");
    expect(await studio.page.getByTestId("price-0-0-0").inputValue()).toBe("0.50");
    expect(await studio.page.getByTestId("price-0-0-1").inputValue()).toBe("0.40");
    expect(await studio.page.getByTestId("price-1-0-0").inputValue()).toBe("0.60");
    expect(await studio.page.getByTestId("hit-policy").textContent()).toMatch(
      /^First match: the first row that matches/,
    );
    await shoot("dt-01-table-view");
  });

  it("changes a rate amount and adds a row, saves, and the draft holds exactly that", async () => {
    await studio.page.getByLabel("AllBright: Energy price").fill("0.45");
    await studio.page.getByLabel("AllBright: Energy price").press("Tab");
    await studio.page.getByText("Unsaved changes").waitFor();

    await studio.page.getByRole("button", { name: "+ Add a row" }).click();
    // The new row: a fresh id, any value everywhere, the outcome of the last row to start from.
    await studio.page.getByTestId("cell-2-cpo").waitFor();
    expect(await studio.page.getByLabel("Rule 3 name").inputValue()).toBe("Rule 3");
    await studio.page.getByLabel("Rule 3 name").fill("SwissCharge");
    await studio.page.getByLabel("Rule 3 name").press("Tab");
    await studio.page.getByLabel("SwissCharge: CPO", { exact: true }).fill("CH*SWC");
    await studio.page.getByLabel("SwissCharge: CPO", { exact: true }).press("Tab");
    await studio.page.getByLabel("SwissCharge: Energy price").fill("0.70");
    await studio.page.getByLabel("SwissCharge: Energy price").press("Tab");
    expect(await studio.page.getByTestId("cell-2-cpo").inputValue()).toBe("= CH*SWC");
    // A column for a property no rule tests yet: SwissCharge only from 10 kWh on.
    await studio.page.getByLabel("Add a condition column").selectOption("energyKwh");
    await studio.page.getByRole("button", { name: "Add column" }).click();
    await studio.page.getByLabel("SwissCharge: Energy", { exact: true }).fill(">= 10");
    await studio.page.getByLabel("SwissCharge: Energy", { exact: true }).press("Tab");
    await expect.poll(() => studio.page.getByTestId("cell-2-energyKwh").inputValue()).toBe("≥ 10");
    // Text the table cannot read stays in the cell with the reason, and changes nothing.
    await studio.page.getByLabel("Fast DC: Energy", { exact: true }).fill("<");
    await studio.page.getByLabel("Fast DC: Energy", { exact: true }).press("Tab");
    await studio.page.getByRole("alert").filter({ hasText: "a value is missing after “<”" }).waitFor();
    await studio.page.getByLabel("Fast DC: Energy", { exact: true }).fill("");
    await studio.page.getByLabel("Fast DC: Energy", { exact: true }).press("Tab");
    expect(await studio.page.getByRole("alert").filter({ hasText: "a value is missing" }).count()).toBe(0);
    // Move it above "Fast DC" with the keyboard-usable button, and back down.
    await studio.page.getByRole("button", { name: "Move SwissCharge up" }).click();
    expect(await studio.page.getByTestId("cell-1-cpo").inputValue()).toBe("= CH*SWC");
    await studio.page.getByRole("button", { name: "Move SwissCharge down" }).click();
    expect(await studio.page.getByTestId("cell-2-cpo").inputValue()).toBe("= CH*SWC");
    await shoot("dt-02-table-edited");

    await studio.page.getByRole("button", { name: "Save draft" }).click();
    await studio.page
      .getByRole("status")
      .filter({ hasText: "Saved as draft r2. No problems: it can be published." })
      .waitFor();

    const saved = await draft();
    expect(saved.revision).toBe(2);
    expect(saved.content.hitPolicy).toBe("first");
    expect(saved.content.rules).toEqual([
      {
        ...RULES[0],
        outcome: rate([
          ["FLAT", "0.50"],
          ["ENERGY", "0.45"],
        ]),
      },
      RULES[1],
      {
        id: "rule-3",
        name: "SwissCharge",
        enabled: true,
        condition: {
          op: "all",
          conditions: [
            { op: "eq", property: "cpo", value: "CH*SWC" },
            { op: "gte", property: "energyKwh", value: "10" },
          ],
        },
        outcome: rate([["ENERGY", "0.70"]]),
      },
    ]);
  });

  it("shows the table's edits in the blocks, and a block edit in the table", async () => {
    await studio.page.getByRole("tab", { name: "Rules (blocks)" }).click();
    await studio.page.getByTestId("blockly-canvas").waitFor();
    // Start fee and energy of AllBright, DC energy, SwissCharge energy — in rule order.
    await expect.poll(blockAmounts).toEqual(["0.50", "0.45", "0.60", "0.70"]);
    const ruleIds = await studio.page.evaluate(() => {
      const { Blockly } = globalThis as unknown as PageGlobals;
      return Blockly.getMainWorkspace()
        .getBlocksByType("vr_rule", true)
        .map((b) => String(b.getFieldValue("ID")));
    });
    expect(ruleIds).toEqual(["abc", "dc", "rule-3"]);
    await shoot("dt-03-blocks-after-table");

    // A person changes AllBright's energy price on its block.
    await studio.page.evaluate(() => {
      const { Blockly } = globalThis as unknown as PageGlobals;
      const money = Blockly.getMainWorkspace()
        .getBlocksByType("vr_money", false)
        .find((b) => b.getFieldValue("AMOUNT") === "0.45");
      money?.setFieldValue("0.48", "AMOUNT");
    });
    await studio.page.getByRole("tab", { name: "Table" }).click();
    await expect.poll(() => studio.page.getByTestId("price-0-0-1").inputValue()).toBe("0.48");
  });

  it("puts the runtime's refusal of a bad amount on the row's outcome, and saves once fixed", async () => {
    await studio.page.getByLabel("Fast DC: Energy price").fill("sixty cents");
    await studio.page.getByLabel("Fast DC: Energy price").press("Tab");
    await studio.page.getByRole("button", { name: "Save draft" }).click();
    const problem = studio.page.getByTestId("outcome-1").getByTestId("outcome-problem");
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/decimal/);
    await shoot("dt-04-table-problem");

    await studio.page.getByLabel("Fast DC: Energy price").fill("0.60");
    await studio.page.getByLabel("Fast DC: Energy price").press("Tab");
    await studio.page.getByRole("button", { name: "Save draft" }).click();
    await studio.page.getByRole("status").filter({ hasText: "Saved as draft r3." }).waitFor();
    expect(await problem.count()).toBe(0);
    const saved = await draft();
    expect(saved.revision).toBe(3);
    expect((saved.content.rules[0] as (typeof RULES)[0]).outcome).toEqual(
      rate([
        ["FLAT", "0.50"],
        ["ENERGY", "0.48"],
      ]),
    );
    expect(saved.content.rules[1]).toEqual(RULES[1]);
  });

  it("says which rules keep a rule set out of the table, and keeps the blocks usable", async () => {
    const other = {
      ...RULESET,
      id: "not-a-table",
      name: "Not a table",
      rules: [
        {
          ...RULES[0],
          id: "either",
          name: "AllBright or DC",
          condition: {
            op: "any",
            conditions: [RULES[0]?.condition, RULES[1]?.condition],
          },
        },
        RULES[1],
      ],
    };
    expect((await api("POST", "/api/v1/rulesets", { ruleset: other })).status).toBe(201);
    await studio.page.goto(`${studio.server.url}/rulesets/not-a-table`);
    await studio.page.getByRole("heading", { name: "Not a table", level: 1 }).waitFor();
    await studio.page.getByRole("tab", { name: "Table" }).click();
    const notice = studio.page.getByTestId("table-unavailable");
    await notice.waitFor();
    expect((await notice.locator("li").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim())).toEqual([
      'either (AllBright or DC): its condition uses "any" (a table row is a conjunction of per-property tests)',
    ]);
    await shoot("dt-05-table-unavailable");
    await studio.page.getByRole("tab", { name: "Rules (blocks)" }).click();
    await studio.page.locator(".blocklyToolbox").waitFor();
    expect(await studio.page.getByText("Some rules cannot be shown as blocks").count()).toBe(0);
    await expect.poll(blockAmounts).toEqual(["0.50", "0.40", "0.60"]);
  });

  it("prices a stored session picked in Simulate with the draft", async () => {
    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Simulate" }).click();
    await studio.page.getByRole("heading", { name: "Simulate", level: 1 }).waitFor();
    await studio.page.getByLabel("Rule set", { exact: true }).selectOption(RULESET_ID);
    await expect.poll(() => studio.page.getByLabel("Version", { exact: true }).inputValue()).toBe("draft");
    await studio.page.getByRole("radio", { name: "A stored session" }).check();
    const picker = studio.page.getByTestId("session-picker");
    await picker.getByRole("status").filter({ hasText: "1 session; pick one to price" }).waitFor();
    // Filters go to the runtime: no priced session at SwissCharge, then AllBright's.
    await picker.getByLabel("CPO party").fill("CH*SWC");
    await picker.getByRole("button", { name: "Search" }).click();
    await picker.getByRole("heading", { name: "No stored sessions found" }).waitFor();
    await picker.getByLabel("CPO party").fill("NL*ABC");
    await picker.getByLabel("Status").selectOption("priced");
    await picker.getByRole("button", { name: "Search" }).click();
    await picker.getByRole("status").filter({ hasText: "1 session; pick one to price" }).waitFor();
    await picker.getByLabel("CDR-1").check();
    await shoot("dt-06-simulate-pick-list");

    await studio.page.getByRole("button", { name: "Price CDR-1" }).click();
    // Draft r3, rule "AllBright": 0.50 start + 20 kWh × 0.48 = 10.10 EUR excl. VAT; VAT 21 % of 10.10 = 2.121 → 2.12;
    // 12.22 EUR incl. VAT.
    const result = studio.page.getByRole("region", { name: "Result" });
    await result.getByRole("heading", { name: /Priced 12\.22 EUR/ }).waitFor();
    expect(await totalsShown()).toEqual(["Total excl. VAT 10.10", "VAT 2.12", "Total incl. VAT 12.22"]);
    expect((await result.locator("p.hint").first().textContent())?.replace(/\s+/g, " ").trim()).toMatch(
      /^Draft r3 · input: ocpi-2\.2\.1 · stored session CDR-1 \(revision 1,/,
    );
    expect(await result.getByRole("link", { name: "CDR-1" }).getAttribute("href")).toBe(`/sessions/${sessionId}`);
    await shoot("dt-07-simulate-stored-result");
  });

  it("opens Simulate from a session page with the session and its sales rule set picked", async () => {
    await studio.page.goto(`${studio.server.url}/sessions/${sessionId}`);
    await studio.page.getByRole("heading", { name: "Session CDR-1", level: 1 }).waitFor();
    await studio.page.getByRole("link", { name: "Simulate…" }).click();
    await studio.page.getByRole("heading", { name: "Simulate", level: 1 }).waitFor();
    expect(new URL(studio.page.url()).searchParams.get("session")).toBe(sessionId);
    expect(await studio.page.getByRole("radio", { name: "A stored session" }).isChecked()).toBe(true);
    await expect.poll(() => studio.page.getByLabel("Rule set", { exact: true }).inputValue()).toBe(WORLD.salesRuleset);
    await expect.poll(() => studio.page.getByLabel("Version", { exact: true }).inputValue()).toBe("active");
    await expect.poll(() => studio.page.getByLabel("CDR-1").isChecked()).toBe(true);

    await studio.page.getByRole("button", { name: "Price CDR-1" }).click();
    // "sales-nl" v1 at AllBright: the billed purchase cost 6.30 × 1.05 + 0.25 = 6.865 → 6.87 EUR excl. VAT; VAT 21 %
    // of 6.87 = 1.4427 → 1.44; 8.31 EUR incl. VAT — what the pipeline billed.
    const result = studio.page.getByRole("region", { name: "Result" });
    await result.getByRole("heading", { name: /Priced 8\.31 EUR/ }).waitFor();
    expect(await totalsShown()).toEqual(["Total excl. VAT 6.87", "VAT 1.44", "Total incl. VAT 8.31"]);
    expect((await studio.page.getByTestId("billed-comparison").textContent())?.replace(/\s+/g, " ").trim()).toBe(
      "Billed at the time: sales 6.87 EUR excl. VAT — this simulation 6.87 EUR excl. VAT",
    );
    await shoot("dt-08-simulate-from-session");
    expect(studio.pageErrors).toEqual([]);
  });
});
