// The studio in a real browser against a real runtime: sign in, the shell and every section, a rule set created and
// edited with blocks (through Blockly's API, as a drag would), a script with a type error that Monaco marks inline
// and that disappears once fixed, a simulation of the draft, sessions ingested through the API and explained in
// words, a drop-out case reprocessed with an instruction, versions compared, cancelled and rolled back, sign out.
// Every screen is photographed into test-output/screenshots/, and no request may leave 127.0.0.1.
import { describe, expect, it } from "vitest";
import { cdr221, publishRuleset, salesRuleset, seedWorld, WORLD } from "../../runtime/src/pipeline/test-support.ts";
import {
  expectNoScriptErrors,
  expectNothingForeign,
  ingestFromPage,
  screenshotPath,
  signIn,
  useStudioPage,
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

const studio = useStudioPage();

const shoot = (name: string) => studio.page.screenshot({ path: screenshotPath(name), fullPage: false });

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
    await studio.page.goto(`${studio.server.url}/rulesets`);
    await studio.page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    expect(new URL(studio.page.url()).pathname).toBe("/login");
    expect(new URL(studio.page.url()).searchParams.get("next")).toBe("/rulesets");
    await shoot("01-login");

    await signIn(studio.page, studio.server.username, "not the password");
    await studio.page.getByRole("alert").filter({ hasText: "The user name or the password is not right." }).waitFor();
    await shoot("02-login-failed");

    // Keyboard only: the password field, type, Enter.
    await studio.page.getByLabel("Password").focus();
    await studio.page.keyboard.type(studio.server.password);
    await studio.page.keyboard.press("Enter");
    await studio.page.getByRole("heading", { name: "Rulesets", level: 1 }).waitFor();
    expect(new URL(studio.page.url()).pathname).toBe("/rulesets");
    const cookies = await studio.context.cookies();
    const session = cookies.find((c) => c.name === "voltrate_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  });

  it("shows the shell: who is signed in, the sections, an empty rule set list", async () => {
    await studio.page.getByTestId("current-user").filter({ hasText: studio.server.username }).waitFor();
    const nav = studio.page.getByRole("navigation", { name: "Main" });
    const labels = await nav.locator("a .label").allTextContents();
    expect(labels).toEqual(["Rulesets", "Simulate", "Backtest", "Sessions", "Drop-outs", "Reports", "Master data"]);
    expect(await nav.getByRole("link", { name: "Rulesets" }).getAttribute("aria-current")).toBe("page");
    await studio.page.getByRole("heading", { name: "No rule sets yet" }).waitFor();
    await shoot("03-rulesets-empty");

    // The first Tab reaches the skip link.
    await studio.page.locator("body").focus();
    await studio.page.keyboard.press("Tab");
    expect(await studio.page.locator(":focus").textContent()).toBe("Skip to content");
  });

  it("shows sessions, drop-outs and backtests empty", async () => {
    const nav = studio.page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Sessions" }).click();
    await studio.page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    await studio.page.getByRole("heading", { name: "No sessions found" }).waitFor();
    await shoot("04-sessions-empty");
    await nav.getByRole("link", { name: "Drop-outs" }).click();
    await studio.page.getByRole("heading", { name: "Drop-outs", level: 1 }).waitFor();
    await studio.page.getByRole("heading", { name: "No open drop-outs" }).waitFor();
    await shoot("04-drop-outs-empty");
    for (const [label, file] of [["Backtest", "backtest"]] as const) {
      await nav.getByRole("link", { name: label }).click();
      await studio.page.getByRole("heading", { name: label, level: 1 }).waitFor();
      await studio.page.getByRole("heading", { name: "No sales rule sets" }).waitFor();
      expect(await studio.page.title()).toBe(`${label} · Voltrate Studio`);
      await shoot(`04-${file}`);
    }
  });

  it("creates a rule set and builds a rule with blocks", async () => {
    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rulesets" }).click();
    await studio.page.getByRole("button", { name: "Create the first rule set" }).click();
    const dialog = studio.page.getByRole("dialog", { name: "New rule set" });
    await dialog.getByLabel("Name", { exact: true }).fill("Retail prices 2026");
    expect(await dialog.getByLabel("Id", { exact: true }).inputValue()).toBe("retail-prices-2026");
    await dialog.getByLabel("Administration", { exact: true }).fill("voltrate-mobility-nl");
    await shoot("05-new-ruleset");
    await dialog.getByRole("button", { name: "Create rule set" }).click();

    await studio.page.getByRole("heading", { name: "Retail prices 2026", level: 1 }).waitFor();
    expect(new URL(studio.page.url()).pathname).toBe("/rulesets/retail-prices-2026");
    await studio.page.locator(".blocklyToolbox").waitFor();
    const categories = await studio.page.locator(".blocklyToolboxCategoryLabel").allTextContents();
    expect(categories).toEqual(expect.arrayContaining(["Rules", "Comparisons", "Outcomes", "Money"]));
    await shoot("06-editor-blocks-empty");

    // What a drag from the toolbox does: a rule with a condition and a rate, snapped into the rule list.
    const ruleCount = await studio.page.evaluate(() => {
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
    await studio.page.getByText("Unsaved changes").waitFor();

    await studio.page.getByRole("button", { name: "Save draft" }).click();
    await studio.page
      .getByRole("status")
      .filter({ hasText: "Saved as draft r2. No problems: it can be published." })
      .waitFor();
    await shoot("07-editor-blocks");

    // The runtime compiled the blocks into the rule.
    const draft = await studio.page.evaluate(
      async () => (await fetch("/api/v1/rulesets/retail-prices-2026/draft")).json() as Promise<DraftJson>,
    );
    expect(draft.content.rules).toMatchObject([
      { id: "energy", name: "Energy price", enabled: true, condition: { op: "always" }, outcome: { type: "rate" } },
    ]);
  });

  it("marks a type error in a script inline, and clears it when fixed", async () => {
    await studio.page.getByRole("tab", { name: /Scripts/ }).click();
    await studio.page.getByRole("heading", { name: "No scripts" }).waitFor();
    await studio.page.getByLabel("New script").fill("idle-fee");
    await studio.page.getByRole("button", { name: "Add script" }).click();
    const editor = studio.page.getByTestId("script-editor");
    await editor.locator(".view-lines").waitFor();
    // The template compiles against the script API.
    await studio.page.getByTestId("script-ok").waitFor({ timeout: 60_000 });

    await editor.locator(".view-lines").click();
    await studio.page.keyboard.press("ControlOrMeta+A");
    await studio.page.keyboard.press("Delete");
    await studio.page.keyboard.insertText(BROKEN_SCRIPT);
    await editor.locator(".squiggly-error").first().waitFor({ timeout: 60_000 });
    const problems = await studio.page.getByTestId("script-problems").textContent();
    expect(problems).toContain("Property 'notAField' does not exist on type 'ScriptSession");
    const markers = await studio.page.evaluate(() => {
      const { monaco } = globalThis as unknown as PageGlobals;
      return monaco.editor.getModelMarkers({}).map((m) => `${m.startLineNumber}:${m.message}`);
    });
    expect(markers.some((m) => m.startsWith("4:Property 'notAField'"))).toBe(true);
    await shoot("08-editor-script-error");

    await studio.page.keyboard.press("ControlOrMeta+A");
    await studio.page.keyboard.press("Delete");
    await studio.page.keyboard.insertText(FIXED_SCRIPT);
    await studio.page.getByTestId("script-ok").waitFor({ timeout: 60_000 });
    expect(await editor.locator(".squiggly-error").count()).toBe(0);
    await shoot("09-editor-script-fixed");

    await studio.page.keyboard.press("ControlOrMeta+S");
    await studio.page
      .getByRole("status")
      .filter({ hasText: "Saved as draft r3. No problems: it can be published." })
      .waitFor();
    const draft = await studio.page.evaluate(
      async () => (await fetch("/api/v1/rulesets/retail-prices-2026/draft")).json() as Promise<DraftJson>,
    );
    // What was saved is what the editor shows (typing lets Monaco indent the closing lines).
    const inEditor = await studio.page.evaluate(() => {
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
    await studio.page.getByRole("button", { name: "Publish…" }).click();
    const dialog = studio.page.getByRole("dialog", { name: "Publish draft r3" });
    await dialog.getByLabel("From a date and time (schedule)").check();
    await dialog.getByLabel("Effective from").fill("2030-01-01T00:00");
    await dialog.getByLabel("Time zone").selectOption("Europe/Amsterdam");
    await dialog.getByLabel("Why (required)").fill("Prices for 2026 as agreed with sales");
    expect(await dialog.getByRole("button", { name: "Schedule" }).isEnabled()).toBe(true);
    await shoot("10-publish-schedule");
    await dialog.getByLabel("Now").check();
    await dialog.getByRole("button", { name: "Publish now" }).click();
    await studio.page.getByRole("status").filter({ hasText: "Version 1 is published." }).waitFor();
    const versions = studio.page.getByRole("tabpanel", { name: /Versions/ });
    expect(await versions.getByRole("row").nth(1).textContent()).toMatch(/v1\s*active/);
    await shoot("11-editor-versions");
  });

  it("lists the rule set and prices a session with the active version", async () => {
    await studio.page.getByRole("link", { name: "← All rule sets" }).click();
    await studio.page.getByRole("link", { name: "Retail prices 2026" }).waitFor();
    await studio.page.getByRole("heading", { name: "voltrate-mobility-nl" }).waitFor();
    expect(await studio.page.getByRole("row", { name: /Retail prices 2026/ }).textContent()).toContain("Active v1");
    await shoot("12-rulesets");

    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Simulate" }).click();
    await studio.page.getByRole("heading", { name: "Simulate", level: 1 }).waitFor();
    expect(await studio.page.getByLabel("Rule set").inputValue()).toBe("retail-prices-2026");
    await studio.page.getByLabel("Version").selectOption("active");
    await studio.page.getByRole("button", { name: "Price this session" }).click();
    const result = studio.page.getByRole("region", { name: "Result" });
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
    const created = await studio.page.evaluate(async () => {
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

    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Master data" }).click();
    await studio.page.getByRole("heading", { name: "Administrations", level: 2, exact: true }).waitFor();
    await studio.page.getByRole("heading", { name: /^No administrations valid on/ }).waitFor();
    await studio.page
      .getByRole("navigation", { name: "Kinds of master data" })
      .getByRole("button", { name: "Parties" })
      .click();
    await studio.page.getByRole("link", { name: "EV Belgium" }).waitFor();
    expect(new URL(studio.page.url()).searchParams.get("type")).toBe("parties");
    await studio.page.getByRole("link", { name: "EV Belgium" }).click();
    await studio.page.getByRole("heading", { name: "EV Belgium", level: 1 }).waitFor();
    const timeline = studio.page.getByRole("region", { name: "Timeline" });
    await timeline.getByRole("row").filter({ hasText: "open-ended" }).filter({ hasText: "create by" }).waitFor();
    await shoot("14-master-data");
    await studio.page.goBack();
    await studio.page.getByRole("link", { name: "EV Belgium" }).waitFor();

    // Before the party existed, it is not there.
    await studio.page.getByLabel("Valid on").fill("2024-06-30");
    await studio.page.getByRole("heading", { name: "No parties valid on 2024-06-30" }).waitFor();
  });

  it("ingests sessions through the API: two priced, three with an unknown token", async () => {
    // The world of the pipeline tests: an administration, AllBright (NL*ABC) with an agreement, Anna's contract and
    // token, a location, and published purchase and sales rule sets.
    await seedWorld({ md: studio.server.runtime.masterData, rules: studio.server.runtime.rules });
    const hour = (h: number) => ({
      start: `2025-03-10T${String(h).padStart(2, "0")}:00:00Z`,
      end: `2025-03-10T${String(h + 1).padStart(2, "0")}:00:00Z`,
    });
    const batch = [
      cdr221({ id: "OK-1", ...hour(7) }),
      cdr221({ id: "OK-2", ...hour(9), kwh: 15, totalCost: { excl_vat: 4.8, incl_vat: 5.81 } }),
      ...[0, 1, 2].map((i) => cdr221({ id: `UNK-${i}`, tokenUid: "CAFE0001", ...hour(12 + i) })),
    ];
    const counts = await ingestFromPage(studio.page, batch);
    expect(counts).toMatchObject({ created: 5, failed: 0 });
  });

  it("lists and filters sessions, and explains one in words", async () => {
    const nav = studio.page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Sessions" }).click();
    await studio.page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    await studio.page.getByRole("status").filter({ hasText: "5 sessions" }).waitFor();
    await shoot("15-sessions");

    await studio.page.getByLabel("Status").selectOption("priced");
    await studio.page.getByLabel("CPO party").fill("NL*ABC");
    await studio.page.getByLabel("Started from").fill("2025-03-01");
    await studio.page.getByLabel("Started before").fill("2025-04-01");
    await studio.page.getByRole("button", { name: "Search", exact: true }).click();
    await studio.page.getByRole("status").filter({ hasText: "2 sessions" }).waitFor();
    expect(new URL(studio.page.url()).searchParams.get("status")).toBe("priced");
    await shoot("16-sessions-filtered");

    await studio.page.getByRole("link", { name: "OK-1" }).click();
    await studio.page.getByRole("heading", { name: "Session OK-1", level: 1 }).waitFor();
    expect(await studio.page.title()).toBe("Session · Voltrate Studio");
    for (const stage of ["Basic checks", "Lookups", "Advanced checks", "Rate determination", "Calculations"]) {
      await studio.page.getByRole("heading", { name: new RegExp(`^${stage}`), level: 3 }).waitFor();
    }
    // The rules, named from their version: which matched and why, which did not and with what value.
    const sales = studio.page.getByRole("list", { name: "Rules of the sales side" });
    await sales.getByText("Rule 2 'AllBright' of version 1 matched: cpo NL*ABC").waitFor();
    expect(await sales.textContent()).toMatch(/Rule 1 'Blocked CPO' of version 1 did not match: cpo NL\*ABC/);
    const purchase = studio.page.getByRole("list", { name: "Rules of the purchase side" });
    await purchase.getByText("Rule 1 'All sessions' of version 1 matched").waitFor();
    // 20 kWh: purchase 0.30 + 6.00 = 6.30; sales 6.30 × 1.05 + 0.25 = 6.87, margin 0.57.
    expect(await studio.page.getByTestId("margin").textContent()).toBe("0.57 EUR");
    const rates = await studio.page.getByRole("region", { name: "VAT and exchange rates" }).textContent();
    expect(rates).toContain("21 % VAT");
    const versions = await studio.page.getByRole("region", { name: "Versions used" }).textContent();
    expect(versions).toMatch(/sales: sales-nl\s*version 1/);
    await studio.page.getByRole("region", { name: "Revisions" }).getByRole("button", { name: "Revision 1" }).waitFor();
    await studio.page.getByRole("region", { name: "Lines" }).waitFor();
    await shoot("17-session");
    await sales.scrollIntoViewIfNeeded();
    await shoot("18-session-trace");
    await studio.page.mouse.wheel(0, 1200);
    await shoot("19-session-lines");
  });

  it("groups drop-outs into a case, and reprocesses part of it with an instruction", async () => {
    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Drop-outs" }).click();
    await studio.page.getByRole("heading", { name: "Drop-outs", level: 1 }).waitFor();
    const row = studio.page.getByTestId("case-row");
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId("case-open").textContent()).toMatch(/^3\s*of 3/);
    expect(await row.textContent()).toContain("18.90 EUR");

    await row.getByRole("button").first().click();
    expect(new URL(studio.page.url()).searchParams.get("case")).toMatch(/.+/);
    await studio.page.getByLabel("Select session UNK-0").check();
    await studio.page.getByLabel("Select session UNK-1").check();
    await studio.page.getByLabel("Instruction").selectOption("treatTokenAs");
    await studio.page.getByLabel("Token uid to use").fill(WORLD.token);
    await studio.page.getByLabel("Why (optional)").fill("card of Anna's second car");
    await shoot("20-dropouts-selected");
    await studio.page.getByRole("button", { name: "Reprocess with instruction" }).click();
    await studio.page.getByTestId("progress-text").filter({ hasText: "2 of 2 done" }).waitFor();
    await studio.page
      .getByRole("status")
      .filter({ hasText: "Reprocessed 2 of 2 sessions: 2 priced or closed." })
      .waitFor();
    await studio.page.getByText("As a bulk action on the runtime.").waitFor();
    // The case shrank to the one session left.
    await row
      .getByTestId("case-open")
      .filter({ hasText: /^1\s*of 3/ })
      .waitFor();
    expect(await studio.page.getByLabel("Select session UNK-2").isVisible()).toBe(true);
    expect(await studio.page.getByLabel("Select session UNK-0").count()).toBe(0);
    await shoot("21-dropouts-reprocessed");

    // The new revision names the instruction in its trace.
    await studio.page.getByRole("link", { name: "Open session UNK-2" }).click();
    await studio.page.getByRole("heading", { name: "Session UNK-2", level: 1 }).waitFor();
    await studio.page.getByRole("note").filter({ hasText: "Dropped out: TOKEN_UNKNOWN" }).waitFor();
  });

  it("compares versions, cancels a scheduled publication and rolls back", async () => {
    // Version 2 raises the AllBright markup; version 3 is scheduled for 2030.
    const raised = structuredClone(salesRuleset) as unknown as { rules: { outcome: { factor?: string } }[] };
    raised.rules[1]!.outcome.factor = "1.10";
    await publishRuleset(
      studio.server.runtime.rules,
      raised as unknown as typeof salesRuleset,
      new Date().toISOString(),
    );
    await publishRuleset(studio.server.runtime.rules, salesRuleset, "2030-01-01T00:00:00+01:00");

    await studio.page.goto(`${studio.server.url}/rulesets/${WORLD.salesRuleset}`);
    await studio.page.getByRole("heading", { name: "Retail NL 2025", level: 1 }).waitFor();
    await studio.page.getByRole("tab", { name: /Versions/ }).click();
    const panel = studio.page.getByRole("tabpanel", { name: /Versions/ });
    await panel.getByLabel("From").selectOption("1");
    await panel.getByLabel("To").selectOption("2");
    await panel.getByRole("button", { name: "Compare" }).click();
    const diff = studio.page.getByTestId("diff-result");
    await diff.getByText("AllBright").waitFor();
    expect(await diff.textContent()).toMatch(/1\.05.*1\.1/);
    await shoot("22-versions-diff");

    await panel.getByRole("button", { name: "Cancel v3…" }).click();
    // Keyboard: the focus is in the reason field, Enter confirms.
    await studio.page.keyboard.type("2030 prices not agreed yet");
    expect(await panel.getByLabel("Why (required)").inputValue()).toBe("2030 prices not agreed yet");
    await studio.page.keyboard.press("Enter");
    await studio.page.getByRole("status").filter({ hasText: "The scheduled version 3 is cancelled." }).waitFor();
    expect(await panel.getByRole("row", { name: /^v3/ }).textContent()).toContain("cancelled");

    await panel.getByRole("button", { name: "Roll back to v1…" }).click();
    await panel.getByLabel("Why (required)").fill("back to the old markup");
    await panel.getByRole("button", { name: "Roll back", exact: true }).click();
    await studio.page
      .getByRole("status")
      .filter({ hasText: /^Version 4 publishes the rules of v1 again/ })
      .waitFor();
    expect(await panel.getByRole("row", { name: /^v4/ }).textContent()).toContain("active");
    await shoot("23-versions-rolled-back");
  });

  it("adds up revenue, cost and margin per partner", async () => {
    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await studio.page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
    expect(await studio.page.getByLabel("Administration").inputValue()).toBe(WORLD.administration);
    await studio.page.getByLabel("From (first day)").fill("2025-03-01");
    await studio.page.getByLabel("To (last day)").fill("2025-03-31");
    await studio.page.getByLabel("Per", { exact: true }).selectOption("partner");
    await studio.page.getByRole("button", { name: "Show" }).click();
    const report = studio.page.getByTestId("margin-report");
    await report.waitFor();
    // OK-1, OK-2 and the two sessions reprocessed with an instruction.
    const row = report.getByRole("row", { name: /NL\*ABC/ });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("4");
    await shoot("24-reports");
  });

  it("backtests a version against what was billed", async () => {
    await studio.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backtest" }).click();
    await studio.page.getByRole("heading", { name: "Backtest", level: 1 }).waitFor();
    await studio.page.getByLabel("Sales rule set").selectOption(WORLD.salesRuleset);
    await studio.page.getByLabel("Price with").selectOption("2");
    await studio.page.getByLabel("N", { exact: true }).fill("10");
    await studio.page.getByRole("button", { name: "Run" }).click();
    const difference = studio.page.getByTestId("backtest-difference");
    await difference.waitFor();
    // Billed with v1 (AllBright: purchase ×1.05 + 0.25); v2 raises the factor to 1.10, i.e. +0.05 × purchase:
    // OK-1, UNK-0 and UNK-1 (20 kWh, purchase 6.30): 6.865 → 6.87 billed, 6.93 + 0.25 = 7.18 new, +0.31 each;
    // OK-2 (15 kWh, purchase 4.80): 5.04 + 0.25 = 5.29 billed, 5.28 + 0.25 = 5.53 new, +0.24. Together +1.17.
    expect(await difference.textContent()).toBe("+1.17");
    const changed = studio.page.getByTestId("backtest-changed").locator("tbody tr");
    expect(await changed.count()).toBe(4);
    expect(await changed.first().getByRole("link").getAttribute("href")).toMatch(/^\/sessions\/ses_/);
    expect(await changed.last().getByRole("cell").nth(3).textContent()).toBe("+0.24");
    await shoot("25-backtest");
  });

  it("signs out", async () => {
    await studio.page.getByRole("button", { name: "Sign out" }).click();
    await studio.page.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    expect((await studio.context.cookies()).find((c) => c.name === "voltrate_session")).toBeUndefined();
    const me = await studio.page.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
    expect(me).toBe(401);
  });

  it("loaded nothing from another host, without script errors or policy violations", () => {
    expect(studio.requests.length).toBeGreaterThan(10);
    expectNothingForeign(studio.requests, studio.server.url);
    expect(studio.requests.some((url) => url.includes("/assets/blockly-media-"))).toBe(true);
    expect(studio.requests.some((url) => /\/assets\/ts\.worker-[\w-]+\.js$/.test(url))).toBe(true);
    // The only expected console errors are the answers the studio asked for: 401 before sign-in and after a
    // wrong password.
    expectNoScriptErrors(studio, /status of 401/);
  });
});
