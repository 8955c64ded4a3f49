// The block definitions and the toolbox, loaded into a headless Blockly (blockly/core in Node).
import Blockly from "blockly/core";
import { beforeAll, describe, expect, it } from "vitest";
import { PROPERTY_CATALOGUE } from "../rules/properties.ts";
import type { Rule } from "../rules/ruleset.ts";
import { blockArgs, blockDefinitions, registerVoltrateBlocks, VOLTRATE_BLOCKS } from "./blocks.ts";
import { rulesToWorkspace } from "./to-workspace.ts";
import { emptyRulesWorkspace, voltrateToolbox } from "./toolbox.ts";

beforeAll(() => {
  registerVoltrateBlocks(Blockly);
});

describe("block definitions", () => {
  it("register with Blockly and every block can be created headless", () => {
    const ws = new Blockly.Workspace();
    for (const def of blockDefinitions()) {
      const block = ws.newBlock(def.type);
      expect(block.type).toBe(def.type);
      for (const arg of blockArgs(def)) {
        if (arg.type.startsWith("field_"))
          expect(block.getField(arg.name as string), `${def.type}.${arg.name}`).toBeTruthy();
        else if (arg.type !== "input_dummy")
          expect(block.getInput(arg.name as string), `${def.type}.${arg.name}`).toBeTruthy();
      }
    }
    ws.dispose();
  });

  it("offer every catalogued property in exactly one property block", () => {
    const offered = VOLTRATE_BLOCKS.filter((b) => b.definition.type.startsWith("vr_prop_")).flatMap((b) =>
      blockArgs(b.definition).flatMap((a) => (a.type === "field_dropdown" ? a.options.map(([, v]) => v) : [])),
    );
    expect([...offered].sort()).toEqual(PROPERTY_CATALOGUE.map((p) => p.name).sort());
  });

  it("name optional inputs that exist", () => {
    for (const b of VOLTRATE_BLOCKS) {
      const inputs = blockArgs(b.definition)
        .filter((a) => a.type === "input_value")
        .map((a) => a.name);
      for (const name of b.optionalInputs ?? []) expect(inputs, b.definition.type).toContain(name);
    }
  });
});

describe("toolbox", () => {
  it("has the categories of the rule editor, and its pre-filled blocks load into a workspace", () => {
    const toolbox = voltrateToolbox("EUR");
    expect(toolbox.contents.map((c) => c.name)).toEqual([
      "Rules",
      "Session properties",
      "Comparisons",
      "Logic",
      "Ranges",
      "Lists",
      "Time of day",
      "Day of week",
      "Values",
      "Money",
      "Outcomes",
      "Rate parts",
    ]);
    const ws = new Blockly.Workspace();
    for (const category of toolbox.contents) {
      for (const entry of category.contents) {
        const { kind: _kind, ...state } = entry;
        // Blockly checks every connection while loading: a preset in the wrong socket throws.
        const block = Blockly.serialization.blocks.append(state, ws);
        expect(block.type).toBe(entry.type);
      }
    }
    ws.dispose();
  });

  it("writes the rule set's currency into money blocks", () => {
    const json = JSON.stringify(voltrateToolbox("GBP"));
    expect(json).toContain('"CURRENCY":"GBP"');
    expect(json).not.toContain('"CURRENCY":"EUR"');
  });
});

describe("rulesToWorkspace", () => {
  const rules: Rule[] = [
    {
      id: "night",
      name: "Night rate",
      description: "Cheaper at night",
      tags: ["night"],
      enabled: true,
      condition: {
        op: "all",
        conditions: [
          { op: "timeOfDay", property: "startTime", from: "22:00", to: "06:00" },
          { op: "in", property: "cpo", values: ["NL*ABC", "DE*ION"] },
          { op: "between", property: "energyKwh", min: "5", max: "50", maxInclusive: true },
        ],
      },
      outcome: {
        type: "rate",
        tariff: {
          maxPrice: { exclVat: "25.00" },
          elements: [
            {
              components: [
                { dimension: "ENERGY", price: "0.25", vat: "21" },
                { dimension: "FLAT", price: "0.50" },
              ],
              restrictions: { startTime: "22:00", endTime: "06:00", daysOfWeek: ["SATURDAY", "SUNDAY"], minKwh: "1" },
            },
          ],
        },
      },
    },
    {
      id: "rest",
      name: "Everything else",
      enabled: false,
      condition: { op: "not", condition: { op: "exists", property: "subscription" } },
      outcome: { type: "markup", factor: "1.10", fixed: "0.25", maxMarkup: "5.00" },
    },
  ];

  it("builds a workspace Blockly loads and saves back unchanged", () => {
    const result = rulesToWorkspace(rules, "EUR");
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const ws = new Blockly.Workspace();
    Blockly.serialization.workspaces.load(result.workspace, ws);
    expect(ws.getAllBlocks(false).length).toBeGreaterThan(20);
    const saved = Blockly.serialization.workspaces.save(ws) as typeof result.workspace;
    const root = saved.blocks.blocks[0];
    expect(root?.type).toBe("vr_rules");
    const first = root?.inputs?.RULES?.block;
    expect(first?.fields).toMatchObject({ NAME: "Night rate", ID: "night", ENABLED: true });
    expect(first?.data).toBe(JSON.stringify({ description: "Cheaper at night", tags: ["night"] }));
    ws.dispose();
  });

  it("reports what blocks cannot express", () => {
    const result = rulesToWorkspace(
      [
        {
          id: "x",
          name: "X",
          enabled: true,
          condition: { op: "eq", property: "startDay", value: "MONDAY" },
          outcome: { type: "rate", tariff: { validFrom: "2025-01-01T00:00:00Z", elements: [] } },
        },
      ],
      "EUR",
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          ruleId: "x",
          path: "condition.value",
          message: "a day-of-week comparison has no block; use the day-of-week block",
        },
      ],
    });
  });

  it("an empty rule list is the empty workspace", () => {
    expect(rulesToWorkspace([], "EUR")).toEqual({ ok: true, workspace: emptyRulesWorkspace() });
  });
});
