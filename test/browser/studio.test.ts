// The studio in a real browser against a real runtime: sign in, the shell and every section, a rule set created and
// edited with blocks (through Blockly's API, as a drag would), a script with a type error that Monaco marks inline
// and that disappears once fixed, a simulation of the draft, sessions ingested through the API and explained in
// words, a drop-out case reprocessed with an instruction, versions compared, cancelled and rolled back, sign out.
// Every screen is photographed into test-output/screenshots/, and no request may leave 127.0.0.1.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cdr221, publishRuleset, salesRuleset, seedWorld, WORLD } from "../../runtime/src/pipeline/test-support.ts";
import {
  ensureChromium,
  ensureStudioBuilt,
  launchChromium,
  type StudioServer,
  screenshotPath,
  startStudioServer,
} from "./setup.ts";

/** What the tests read of the page's Blockly, Monaco and API (the page's own types are not the test's). */
interface BlocklyBlock {
  previousConnection: BlocklyConnection | null;
  getInput(name: string): { connection: BlocklyConnection | null } | null;
}
interface BlocklyConnection {
  connect(other: BlocklyConnection): boolean;
}
interface PageGlobals {
  Blockly: {
    getMainWorkspace(): { getBlocksByType(type: string, ordered: boolean): BlocklyBlock[] };
    serialization: { blocks: { append(state: object, workspace: unknown): BlocklyBlock } };
  };
  monaco: {
    editor: {
      getModelMarkers(filter: object): { startLineNumber: number; message: string }[];
      getModels(): { uri: { path: string }; getValue(): string }[];
    };
  };
}
interface DraftJson {
  revision: number;
  content: { rules: unknown[]; scripts?: Record<string, string> };
}

let server: StudioServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  ensureChromium();
  ensureStudioBuilt();
  server = await startStudioServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  context.on("request", (request) => requests.push(request.url()));
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
}, 900_000);

// A failed step leaves a picture of what the browser showed.
afterEach(async ({ task }) => {
  if (task.result?.state === "fail" && page) {
    await page.screenshot({ path: screenshotPath(`failed-${task.name.replace(/\W+/g, "-")}`) }).catch(() => {});
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const shoot = (name: string) => page.screenshot({ path: screenshotPath(name), fullPage: false });

/** A script with a type error: `notAField` is not a property of the session in the script API. */
const BROKEN_SCRIPT = `import { defineScript } from "voltrate:script";

export default defineScript((session, h) => {
  return { lines: [], notes: [session.notAField] };
});
`;

const FIXED_SCRIPT = `import { defineScript } from "voltrate:script";

export default defineScript((session, h) => {
  return { lines: [], notes: [\`energy \${session.energyKwh} kWh\`] };
});
`;

describe("studio in Chromium", { timeout: 120_000 }, () => {
  it("asks to sign in, refuses a wrong password, and signs in", async () => {
    await page.goto(`${server.url}/rulesets`);
    await page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/rulesets");
    await shoot("01-login");

    await page.getByLabel("User name").fill(server.username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "The user name or the password is not right." }).waitFor();
    await shoot("02-login-failed");

    // Keyboard only: the password field, type, Enter.
    await page.getByLabel("Password").focus();
    await page.keyboard.type(server.password);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Rulesets", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/rulesets");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "voltrate_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  });

  it("shows the shell: who is signed in, the sections, an empty rule set list", async () => {
    await page.getByTestId("current-user").filter({ hasText: server.username }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    const labels = await nav.locator("a .label").allTextContents();
    expect(labels).toEqual(["Rulesets", "Simulate", "Backtest", "Sessions", "Drop-outs", "Reports", "Master data"]);
    expect(await nav.getByRole("link", { name: "Rulesets" }).getAttribute("aria-current")).toBe("page");
    await page.getByRole("heading", { name: "No rule sets yet" }).waitFor();
    await shoot("03-rulesets-empty");

    // The first Tab reaches the skip link.
    await page.locator("body").focus();
    await page.keyboard.press("Tab");
    expect(await page.locator(":focus").textContent()).toBe("Skip to content");
  });

  it("shows sessions, drop-outs and backtests empty", async () => {
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Sessions" }).click();
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "No sessions found" }).waitFor();
    await shoot("04-sessions-empty");
    await nav.getByRole("link", { name: "Drop-outs" }).click();
    await page.getByRole("heading", { name: "Drop-outs", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "No open drop-outs" }).waitFor();
    await shoot("04-drop-outs-empty");
    for (const [label, file] of [["Backtest", "backtest"]] as const) {
      await nav.getByRole("link", { name: label }).click();
      await page.getByRole("heading", { name: label, level: 1 }).waitFor();
      await page.getByRole("heading", { name: "No sales rule sets" }).waitFor();
      expect(await page.title()).toBe(`${label} · Voltrate Studio`);
      await shoot(`04-${file}`);
    }
  });

  it("creates a rule set and builds a rule with blocks", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rulesets" }).click();
    await page.getByRole("button", { name: "Create the first rule set" }).click();
    const dialog = page.getByRole("dialog", { name: "New rule set" });
    await dialog.getByLabel("Name", { exact: true }).fill("Retail prices 2026");
    expect(await dialog.getByLabel("Id", { exact: true }).inputValue()).toBe("retail-prices-2026");
    await dialog.getByLabel("Administration", { exact: true }).fill("voltrate-mobility-nl");
    await shoot("05-new-ruleset");
    await dialog.getByRole("button", { name: "Create rule set" }).click();

    await page.getByRole("heading", { name: "Retail prices 2026", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/rulesets/retail-prices-2026");
    await page.locator(".blocklyToolbox").waitFor();
    const categories = await page.locator(".blocklyToolboxCategoryLabel").allTextContents();
    expect(categories).toEqual(expect.arrayContaining(["Rules", "Comparisons", "Outcomes", "Money"]));
    await shoot("06-editor-blocks-empty");

    // What a drag from the toolbox does: a rule with a condition and a rate, snapped into the rule list.
    const ruleCount = await page.evaluate(() => {
      const { Blockly } = globalThis as unknown as PageGlobals;
      const workspace = Blockly.getMainWorkspace();
      const rules = workspace.getBlocksByType("vr_rules", false)[0]!;
      const rule = Blockly.serialization.blocks.append(
        {
          type: "vr_rule",
          fields: { NAME: "Energy price", ID: "energy", ENABLED: true },
          inputs: {
            WHEN: { block: { type: "vr_always" } },
            THEN: {
              block: {
                type: "vr_rate",
                inputs: {
                  ELEMENTS: {
                    block: {
                      type: "vr_tariff_element",
                      inputs: {
                        COMPONENTS: {
                          block: {
                            type: "vr_price_component",
                            fields: { DIMENSION: "ENERGY", VAT: "21", STEP: "1" },
                            inputs: {
                              PRICE: { shadow: { type: "vr_money", fields: { AMOUNT: "0.35", CURRENCY: "EUR" } } },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        workspace,
      );
      rules.getInput("RULES")!.connection!.connect(rule.previousConnection!);
      return workspace.getBlocksByType("vr_rule", false).length;
    });
    expect(ruleCount).toBe(1);
    await page.getByText("Unsaved changes").waitFor();

    await page.getByRole("button", { name: "Save draft" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Saved as draft r2. No problems: it can be published." })
      .waitFor();
    await shoot("07-editor-blocks");

    // The runtime compiled the blocks into the rule.
    const draft = await page.evaluate(
      async () => (await fetch("/api/v1/rulesets/retail-prices-2026/draft")).json() as Promise<DraftJson>,
    );
    expect(draft.content.rules).toMatchObject([
      { id: "energy", name: "Energy price", enabled: true, condition: { op: "always" }, outcome: { type: "rate" } },
    ]);
  });

  it("marks a type error in a script inline, and clears it when fixed", async () => {
    await page.getByRole("tab", { name: /Scripts/ }).click();
    await page.getByRole("heading", { name: "No scripts" }).waitFor();
    await page.getByLabel("New script").fill("idle-fee");
    await page.getByRole("button", { name: "Add script" }).click();
    const editor = page.getByTestId("script-editor");
    await editor.locator(".view-lines").waitFor();
    // The template compiles against the script API.
    await page.getByTestId("script-ok").waitFor({ timeout: 60_000 });

    await editor.locator(".view-lines").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(BROKEN_SCRIPT);
    await editor.locator(".squiggly-error").first().waitFor({ timeout: 60_000 });
    const problems = await page.getByTestId("script-problems").textContent();
    expect(problems).toContain("Property 'notAField' does not exist on type 'ScriptSession");
    const markers = await page.evaluate(() => {
      const { monaco } = globalThis as unknown as PageGlobals;
      return monaco.editor.getModelMarkers({}).map((m) => `${m.startLineNumber}:${m.message}`);
    });
    expect(markers.some((m) => m.startsWith("4:Property 'notAField'"))).toBe(true);
    await shoot("08-editor-script-error");

    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(FIXED_SCRIPT);
    await page.getByTestId("script-ok").waitFor({ timeout: 60_000 });
    expect(await editor.locator(".squiggly-error").count()).toBe(0);
    await shoot("09-editor-script-fixed");

    await page.keyboard.press("ControlOrMeta+S");
    await page
      .getByRole("status")
      .filter({ hasText: "Saved as draft r3. No problems: it can be published." })
      .waitFor();
    const draft = await page.evaluate(
      async () => (await fetch("/api/v1/rulesets/retail-prices-2026/draft")).json() as Promise<DraftJson>,
    );
    // What was saved is what the editor shows (typing lets Monaco indent the closing lines).
    const inEditor = await page.evaluate(() => {
      const { monaco } = globalThis as unknown as PageGlobals;
      return monaco.editor
        .getModels()
        .find((m) => m.uri.path.endsWith("/idle-fee.ts"))
        ?.getValue();
    });
    expect(draft.content.scripts?.["idle-fee"]).toBe(inEditor);
    expect(inEditor?.replace(/\s+/g, " ")).toBe(FIXED_SCRIPT.replace(/\s+/g, " "));
  });

  it("publishes the draft as version 1", async () => {
    await page.getByRole("button", { name: "Publish…" }).click();
    const dialog = page.getByRole("dialog", { name: "Publish draft r3" });
    await dialog.getByLabel("From a date and time (schedule)").check();
    await dialog.getByLabel("Effective from").fill("2030-01-01T00:00");
    await dialog.getByLabel("Time zone").selectOption("Europe/Amsterdam");
    await dialog.getByLabel("Why (required)").fill("Prices for 2026 as agreed with sales");
    expect(await dialog.getByRole("button", { name: "Schedule" }).isEnabled()).toBe(true);
    await shoot("10-publish-schedule");
    await dialog.getByLabel("Now").check();
    await dialog.getByRole("button", { name: "Publish now" }).click();
    await page.getByRole("status").filter({ hasText: "Version 1 is published." }).waitFor();
    const versions = page.getByRole("tabpanel", { name: /Versions/ });
    expect(await versions.getByRole("row").nth(1).textContent()).toMatch(/v1\s*active/);
    await shoot("11-editor-versions");
  });

  it("lists the rule set and prices a session with the active version", async () => {
    await page.getByRole("link", { name: "← All rule sets" }).click();
    await page.getByRole("link", { name: "Retail prices 2026" }).waitFor();
    await page.getByRole("heading", { name: "voltrate-mobility-nl" }).waitFor();
    expect(await page.getByRole("row", { name: /Retail prices 2026/ }).textContent()).toContain("Active v1");
    await shoot("12-rulesets");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Simulate" }).click();
    await page.getByRole("heading", { name: "Simulate", level: 1 }).waitFor();
    expect(await page.getByLabel("Rule set").inputValue()).toBe("retail-prices-2026");
    await page.getByLabel("Version").selectOption("active");
    await page.getByRole("button", { name: "Price this session" }).click();
    const result = page.getByRole("region", { name: "Result" });
    await result.getByText("Priced", { exact: true }).waitFor();
    // 20 kWh × 0.35 = 7.00 excl. VAT, 21 % VAT 1.47, 8.47 incl. VAT.
    expect(await result.textContent()).toContain("8.47 EUR");
    expect(await result.textContent()).toContain("Version 1 (active)");
    // The trace in sentences, as on the session page.
    expect(await result.getByTestId("rule-trace").textContent()).toContain(
      "Rule 1 'Energy price' of version 1 matched",
    );
    await shoot("13-simulate");
  });

  it("shows master data as it was on a date", async () => {
    const created = await page.evaluate(async () => {
      const response = await fetch("/api/v1/master-data/parties", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          validFrom: "2025-01-01T00:00:00Z",
          data: { countryCode: "BE", partyId: "EVB", roles: ["CPO"], name: "EV Belgium" },
          reason: "roaming partner since 2025",
        }),
      });
      return response.status;
    });
    expect(created).toBe(201);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Master data" }).click();
    await page.getByRole("heading", { name: "Administrations", level: 2, exact: true }).waitFor();
    await page.getByRole("heading", { name: /^No administrations valid on/ }).waitFor();
    await page
      .getByRole("navigation", { name: "Kinds of master data" })
      .getByRole("button", { name: "Parties" })
      .click();
    await page.getByRole("link", { name: "EV Belgium" }).waitFor();
    expect(new URL(page.url()).searchParams.get("type")).toBe("parties");
    await page.getByRole("link", { name: "EV Belgium" }).click();
    await page.getByRole("heading", { name: "EV Belgium", level: 1 }).waitFor();
    const timeline = page.getByRole("region", { name: "Timeline" });
    await timeline.getByRole("row").filter({ hasText: "open-ended" }).filter({ hasText: "create by" }).waitFor();
    await shoot("14-master-data");
    await page.goBack();
    await page.getByRole("link", { name: "EV Belgium" }).waitFor();

    // Before the party existed, it is not there.
    await page.getByLabel("Valid on").fill("2024-06-30");
    await page.getByRole("heading", { name: "No parties valid on 2024-06-30" }).waitFor();
  });

  it("ingests sessions through the API: two priced, three with an unknown token", async () => {
    // The world of the pipeline tests: an administration, AllBright (NL*ABC) with an agreement, Anna's contract and
    // token, a location, and published purchase and sales rule sets.
    await seedWorld({ md: server.runtime.masterData, rules: server.runtime.rules });
    const hour = (h: number) => ({
      start: `2025-03-10T${String(h).padStart(2, "0")}:00:00Z`,
      end: `2025-03-10T${String(h + 1).padStart(2, "0")}:00:00Z`,
    });
    const batch = [
      cdr221({ id: "OK-1", ...hour(7) }),
      cdr221({ id: "OK-2", ...hour(9), kwh: 15, totalCost: { excl_vat: 4.8, incl_vat: 5.81 } }),
      ...[0, 1, 2].map((i) => cdr221({ id: `UNK-${i}`, tokenUid: "CAFE0001", ...hour(12 + i) })),
    ];
    const counts = await page.evaluate(async (body) => {
      const response = await fetch("/api/v1/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return ((await response.json()) as { counts: Record<string, number> }).counts;
    }, batch);
    expect(counts).toMatchObject({ created: 5, failed: 0 });
  });

  it("lists and filters sessions, and explains one in words", async () => {
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Sessions" }).click();
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    await page.getByRole("status").filter({ hasText: "5 sessions" }).waitFor();
    await shoot("15-sessions");

    await page.getByLabel("Status").selectOption("priced");
    await page.getByLabel("CPO party").fill("NL*ABC");
    await page.getByLabel("Started from").fill("2025-03-01");
    await page.getByLabel("Started before").fill("2025-04-01");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "2 sessions" }).waitFor();
    expect(new URL(page.url()).searchParams.get("status")).toBe("priced");
    await shoot("16-sessions-filtered");

    await page.getByRole("link", { name: "OK-1" }).click();
    await page.getByRole("heading", { name: "Session OK-1", level: 1 }).waitFor();
    expect(await page.title()).toBe("Session · Voltrate Studio");
    for (const stage of ["Basic checks", "Lookups", "Advanced checks", "Rate determination", "Calculations"]) {
      await page.getByRole("heading", { name: new RegExp(`^${stage}`), level: 3 }).waitFor();
    }
    // The rules, named from their version: which matched and why, which did not and with what value.
    const sales = page.getByRole("list", { name: "Rules of the sales side" });
    await sales.getByText("Rule 2 'AllBright' of version 1 matched: cpo NL*ABC").waitFor();
    expect(await sales.textContent()).toMatch(/Rule 1 'Blocked CPO' of version 1 did not match: cpo NL\*ABC/);
    const purchase = page.getByRole("list", { name: "Rules of the purchase side" });
    await purchase.getByText("Rule 1 'All sessions' of version 1 matched").waitFor();
    // 20 kWh: purchase 0.30 + 6.00 = 6.30; sales 6.30 × 1.05 + 0.25 = 6.87, margin 0.57.
    expect(await page.getByTestId("margin").textContent()).toBe("0.57 EUR");
    const rates = await page.getByRole("region", { name: "VAT and exchange rates" }).textContent();
    expect(rates).toContain("21 % VAT");
    const versions = await page.getByRole("region", { name: "Versions used" }).textContent();
    expect(versions).toMatch(/sales: sales-nl\s*version 1/);
    await page.getByRole("region", { name: "Revisions" }).getByRole("button", { name: "Revision 1" }).waitFor();
    await page.getByRole("region", { name: "Lines" }).waitFor();
    await shoot("17-session");
    await sales.scrollIntoViewIfNeeded();
    await shoot("18-session-trace");
    await page.mouse.wheel(0, 1200);
    await shoot("19-session-lines");
  });

  it("groups drop-outs into a case, and reprocesses part of it with an instruction", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Drop-outs" }).click();
    await page.getByRole("heading", { name: "Drop-outs", level: 1 }).waitFor();
    const row = page.getByTestId("case-row");
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId("case-open").textContent()).toMatch(/^3\s*of 3/);
    expect(await row.textContent()).toContain("18.90 EUR");

    await row.getByRole("button").first().click();
    expect(new URL(page.url()).searchParams.get("case")).toMatch(/.+/);
    await page.getByLabel("Select session UNK-0").check();
    await page.getByLabel("Select session UNK-1").check();
    await page.getByLabel("Instruction").selectOption("treatTokenAs");
    await page.getByLabel("Token uid to use").fill(WORLD.token);
    await page.getByLabel("Why (optional)").fill("card of Anna's second car");
    await shoot("20-dropouts-selected");
    await page.getByRole("button", { name: "Reprocess with instruction" }).click();
    await page.getByTestId("progress-text").filter({ hasText: "2 of 2 done" }).waitFor();
    await page.getByRole("status").filter({ hasText: "Reprocessed 2 of 2 sessions: 2 priced or closed." }).waitFor();
    await page.getByText("As a bulk action on the runtime.").waitFor();
    // The case shrank to the one session left.
    await row
      .getByTestId("case-open")
      .filter({ hasText: /^1\s*of 3/ })
      .waitFor();
    expect(await page.getByLabel("Select session UNK-2").isVisible()).toBe(true);
    expect(await page.getByLabel("Select session UNK-0").count()).toBe(0);
    await shoot("21-dropouts-reprocessed");

    // The new revision names the instruction in its trace.
    await page.getByRole("link", { name: "Open session UNK-2" }).click();
    await page.getByRole("heading", { name: "Session UNK-2", level: 1 }).waitFor();
    await page.getByRole("note").filter({ hasText: "Dropped out: TOKEN_UNKNOWN" }).waitFor();
  });

  it("compares versions, cancels a scheduled publication and rolls back", async () => {
    // Version 2 raises the AllBright markup; version 3 is scheduled for 2030.
    const raised = structuredClone(salesRuleset) as unknown as { rules: { outcome: { factor?: string } }[] };
    raised.rules[1]!.outcome.factor = "1.10";
    await publishRuleset(server.runtime.rules, raised as unknown as typeof salesRuleset, new Date().toISOString());
    await publishRuleset(server.runtime.rules, salesRuleset, "2030-01-01T00:00:00+01:00");

    await page.goto(`${server.url}/rulesets/${WORLD.salesRuleset}`);
    await page.getByRole("heading", { name: "Retail NL 2025", level: 1 }).waitFor();
    await page.getByRole("tab", { name: /Versions/ }).click();
    const panel = page.getByRole("tabpanel", { name: /Versions/ });
    await panel.getByLabel("From").selectOption("1");
    await panel.getByLabel("To").selectOption("2");
    await panel.getByRole("button", { name: "Compare" }).click();
    const diff = page.getByTestId("diff-result");
    await diff.getByText("AllBright").waitFor();
    expect(await diff.textContent()).toMatch(/1\.05.*1\.1/);
    await shoot("22-versions-diff");

    await panel.getByRole("button", { name: "Cancel v3…" }).click();
    // Keyboard: the focus is in the reason field, Enter confirms.
    await page.keyboard.type("2030 prices not agreed yet");
    expect(await panel.getByLabel("Why (required)").inputValue()).toBe("2030 prices not agreed yet");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "The scheduled version 3 is cancelled." }).waitFor();
    expect(await panel.getByRole("row", { name: /^v3/ }).textContent()).toContain("cancelled");

    await panel.getByRole("button", { name: "Roll back to v1…" }).click();
    await panel.getByLabel("Why (required)").fill("back to the old markup");
    await panel.getByRole("button", { name: "Roll back", exact: true }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^Version 4 publishes the rules of v1 again/ })
      .waitFor();
    expect(await panel.getByRole("row", { name: /^v4/ }).textContent()).toContain("active");
    await shoot("23-versions-rolled-back");
  });

  it("adds up revenue, cost and margin per partner", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
    expect(await page.getByLabel("Administration").inputValue()).toBe(WORLD.administration);
    await page.getByLabel("From (first day)").fill("2025-03-01");
    await page.getByLabel("To (last day)").fill("2025-03-31");
    await page.getByLabel("Per", { exact: true }).selectOption("partner");
    await page.getByRole("button", { name: "Show" }).click();
    const report = page.getByTestId("margin-report");
    await report.waitFor();
    // OK-1, OK-2 and the two sessions reprocessed with an instruction.
    const row = report.getByRole("row", { name: /NL\*ABC/ });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("4");
    await shoot("24-reports");
  });

  it("backtests a version against what was billed", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backtest" }).click();
    await page.getByRole("heading", { name: "Backtest", level: 1 }).waitFor();
    await page.getByLabel("Sales rule set").selectOption(WORLD.salesRuleset);
    await page.getByLabel("Price with").selectOption("2");
    await page.getByLabel("N", { exact: true }).fill("10");
    await page.getByRole("button", { name: "Run" }).click();
    const difference = page.getByTestId("backtest-difference");
    await difference.waitFor();
    // Billed with v1 (AllBright: purchase ×1.05 + 0.25); v2 raises the factor to 1.10, i.e. +0.05 × purchase:
    // OK-1, UNK-0 and UNK-1 (20 kWh, purchase 6.30): 6.865 → 6.87 billed, 6.93 + 0.25 = 7.18 new, +0.31 each;
    // OK-2 (15 kWh, purchase 4.80): 5.04 + 0.25 = 5.29 billed, 5.28 + 0.25 = 5.53 new, +0.24. Together +1.17.
    expect(await difference.textContent()).toBe("+1.17");
    const changed = page.getByTestId("backtest-changed").locator("tbody tr");
    expect(await changed.count()).toBe(4);
    expect(await changed.first().getByRole("link").getAttribute("href")).toMatch(/^\/sessions\/ses_/);
    expect(await changed.last().getByRole("cell").nth(3).textContent()).toBe("+0.24");
    await shoot("25-backtest");
  });

  it("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    expect((await context.cookies()).find((c) => c.name === "voltrate_session")).toBeUndefined();
    const me = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
    expect(me).toBe(401);
  });

  it("loaded nothing from another host, without script errors or policy violations", () => {
    const origin = new URL(server.url).origin;
    expect(requests.length).toBeGreaterThan(10);
    const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
    expect(foreign).toEqual([]);
    expect(requests.some((url) => url.includes("/assets/blockly-media-"))).toBe(true);
    expect(requests.some((url) => /\/assets\/ts\.worker-[\w-]+\.js$/.test(url))).toBe(true);
    expect(pageErrors).toEqual([]);
    // The only expected console errors are the answers the studio asked for: 401 before sign-in and after a
    // wrong password.
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
