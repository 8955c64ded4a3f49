// Workspaces built through Blockly's own API in Node (headless, blockly/core), saved with its serializer, compiled
// into the rule model.
import { fileURLToPath } from "node:url";
import { registerVoltrateBlocks, rulesToWorkspace } from "@voltrate/sdk/blockly";
import type { Rule } from "@voltrate/sdk/rules";
import Blockly from "blockly/core";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRulesetDir } from "../files/index.ts";
import { type BlocklyIssue, compileWorkspace } from "./compile.ts";

type Block = Blockly.Block;

beforeAll(() => {
  registerVoltrateBlocks(Blockly);
});

/** A block with fields set (checkboxes take true/false). */
function make(
  ws: Blockly.Workspace,
  type: string,
  fields: Record<string, string | boolean> = {},
  shadow = false,
): Block {
  const block = ws.newBlock(type);
  for (const [name, value] of Object.entries(fields)) {
    block.setFieldValue(typeof value === "boolean" ? (value ? "TRUE" : "FALSE") : value, name);
  }
  if (shadow) block.setShadow(true);
  return block;
}

/** Plugs `child` into a value input or at the top of a statement input of `parent`. */
function plug(parent: Block, input: string, child: Block): Block {
  const connection = parent.getInput(input)?.connection;
  const target = child.outputConnection ?? child.previousConnection;
  if (!connection || !target) throw new Error(`cannot plug ${child.type} into ${parent.type}.${input}`);
  connection.connect(target);
  return child;
}

/** Stacks `blocks` below `first`. */
function stack(first: Block, ...blocks: Block[]): void {
  let current = first;
  for (const b of blocks) {
    current.nextConnection?.connect(b.previousConnection as Blockly.Connection);
    current = b;
  }
}

function money(ws: Blockly.Workspace, amount: string, currency = "EUR"): Block {
  return make(ws, "vr_money", { AMOUNT: amount, CURRENCY: currency }, true);
}

/** The realistic rule: a weekend night rate for AC sessions of at least 5 kWh, with a start fee and a minimum. */
function nightRateWorkspace(): { ws: Blockly.Workspace; blocks: Record<string, Block> } {
  const ws = new Blockly.Workspace();
  const root = make(ws, "vr_rules");
  const rule = make(ws, "vr_rule", { NAME: "Weekend night rate AC", ID: "night-ac", ENABLED: true });
  plug(root, "RULES", rule);

  const and1 = make(ws, "vr_logic_operation", { OP: "all" });
  const and2 = make(ws, "vr_logic_operation", { OP: "all" });
  plug(rule, "WHEN", and1);
  plug(and1, "A", make(ws, "vr_time_window", { PROPERTY: "startTime", FROM: "22:00", TO: "06:00" }));
  plug(and1, "B", and2);
  const inList = make(ws, "vr_in_list", { OP: "in" });
  plug(inList, "LEFT", make(ws, "vr_prop_text", { PROPERTY: "powerType" }));
  plug(inList, "LIST", make(ws, "vr_list", { ITEMS: "AC" }, true));
  plug(and2, "A", inList);
  const energy = make(ws, "vr_compare_number", { OP: "gte" });
  plug(energy, "LEFT", make(ws, "vr_prop_number", { PROPERTY: "energyKwh" }));
  const five = plug(energy, "RIGHT", make(ws, "vr_number", { NUM: "5" }, true));
  plug(and2, "B", energy);

  const rate = make(ws, "vr_rate");
  plug(rule, "THEN", rate);
  const element = make(ws, "vr_tariff_element");
  plug(rate, "ELEMENTS", element);
  const energyPrice = make(ws, "vr_price_component", { DIMENSION: "ENERGY", VAT: "21", STEP: "" });
  plug(energyPrice, "PRICE", money(ws, "0.28"));
  const startFee = make(ws, "vr_price_component", { DIMENSION: "FLAT", VAT: "21", STEP: "" });
  plug(startFee, "PRICE", money(ws, "0.35"));
  plug(element, "COMPONENTS", energyPrice);
  stack(energyPrice, startFee);
  plug(element, "RESTRICTIONS", make(ws, "vr_restr_days", { SAT: true, SUN: true }));
  plug(rate, "MIN_PRICE", money(ws, "1.00"));

  return { ws, blocks: { root, rule, rate, element, energyPrice, five, energy } };
}

const NIGHT_RULE: Rule = {
  id: "night-ac",
  name: "Weekend night rate AC",
  enabled: true,
  condition: {
    op: "all",
    conditions: [
      { op: "timeOfDay", property: "startTime", from: "22:00", to: "06:00" },
      { op: "in", property: "powerType", values: ["AC"] },
      { op: "gte", property: "energyKwh", value: "5" },
    ],
  },
  outcome: {
    type: "rate",
    tariff: {
      minPrice: { exclVat: "1.00" },
      elements: [
        {
          components: [
            { dimension: "ENERGY", price: "0.28", vat: "21" },
            { dimension: "FLAT", price: "0.35", vat: "21" },
          ],
          restrictions: { daysOfWeek: ["SATURDAY", "SUNDAY"] },
        },
      ],
    },
  },
};

const save = (ws: Blockly.Workspace) => Blockly.serialization.workspaces.save(ws);

function errorsOf(workspace: unknown): BlocklyIssue[] {
  const result = compileWorkspace(workspace, { currency: "EUR" });
  if (result.ok) throw new Error("expected the workspace to be refused");
  return result.errors;
}

describe("compileWorkspace", () => {
  it("compiles a workspace built with Blockly's API into exactly the expected rule", () => {
    const { ws } = nightRateWorkspace();
    const result = compileWorkspace(save(ws), { currency: "EUR" });
    expect(result).toEqual({ ok: true, rules: [NIGHT_RULE] });
    ws.dispose();
  });

  it("keeps the order of the rule list; a disabled rule block is a disabled rule", () => {
    const { ws, blocks } = nightRateWorkspace();
    const second = make(ws, "vr_rule", { NAME: "Blocked CPO", ID: "blocked", ENABLED: true });
    const test = make(ws, "vr_compare_text", { OP: "eq" });
    plug(test, "LEFT", make(ws, "vr_prop_text", { PROPERTY: "cpo" }));
    plug(test, "RIGHT", make(ws, "vr_text", { TEXT: "DE*BLK" }));
    plug(second, "WHEN", test);
    plug(second, "THEN", make(ws, "vr_drop_out", { REASON: "NO_AGREEMENT", MESSAGE: "no agreement" }));
    // Insert the new rule first.
    plug(blocks.root as Block, "RULES", second);
    stack(second, blocks.rule as Block);
    (blocks.rule as Block).setDisabledReason(true, "MANUALLY_DISABLED");
    const result = compileWorkspace(save(ws), { currency: "EUR" });
    expect(result).toEqual({
      ok: true,
      rules: [
        {
          id: "blocked",
          name: "Blocked CPO",
          enabled: true,
          condition: { op: "eq", property: "cpo", value: "DE*BLK" },
          outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement" },
        },
        { ...NIGHT_RULE, enabled: false },
      ],
    });
    ws.dispose();
  });

  it("round-trips rules through rulesToWorkspace and Blockly", () => {
    const rules: Rule[] = [
      NIGHT_RULE,
      {
        id: "hpc",
        name: "High-power roaming",
        description: "FastLane and Ionity",
        tags: ["roaming"],
        enabled: true,
        condition: {
          op: "any",
          conditions: [
            { op: "between", property: "powerKw", min: "50", max: "350", maxInclusive: true },
            { op: "not", condition: { op: "exists", property: "subscription" } },
            { op: "dayOfWeek", property: "startDay", days: ["MONDAY", "FRIDAY"] },
            { op: "lt", property: "startDate", value: "2025-06-01" },
            { op: "eq", property: "custom.fleet", value: true },
          ],
        },
        outcome: {
          type: "markup",
          factor: "1.10",
          perKwh: "0.05",
          minMarkup: "0.50",
          maxMarkup: "5.00",
          presentation: "split",
          vatPercent: "21",
          code: "ROAMING",
        },
      },
      {
        id: "idle",
        name: "Idle fee",
        enabled: true,
        condition: { op: "gt", property: "parkingMinutes", value: "60" },
        outcome: { type: "script", script: "idle-fee", params: { ratePerHour: "1.00", freeMinutes: 60 } },
      },
    ];
    const built = rulesToWorkspace(rules, "EUR");
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const ws = new Blockly.Workspace();
    Blockly.serialization.workspaces.load(built.workspace, ws);
    expect(compileWorkspace(save(ws), { currency: "EUR", scriptNames: ["idle-fee"] })).toEqual({ ok: true, rules });
    ws.dispose();
  });

  it("round-trips the rules of rulesets/msp-nl-retail (files → blocks → Blockly → rules)", async () => {
    const { ruleset } = await loadRulesetDir(
      fileURLToPath(new URL("../../../../rulesets/msp-nl-retail", import.meta.url)),
    );
    const built = rulesToWorkspace(ruleset.rules, ruleset.currency);
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const ws = new Blockly.Workspace();
    Blockly.serialization.workspaces.load(built.workspace, ws);
    const result = compileWorkspace(save(ws), { currency: ruleset.currency });
    expect(result).toEqual({ ok: true, rules: ruleset.rules });
    ws.dispose();
  });

  describe("refuses an invalid workspace, pointing at the offending block", () => {
    it("missing input", () => {
      const { ws, blocks } = nightRateWorkspace();
      (blocks.rate as Block).unplug();
      const rule = blocks.rule as Block;
      expect(errorsOf(save(ws))).toContainEqual({
        blockId: rule.id,
        blockType: "vr_rule",
        input: "THEN",
        message: "missing input: connect a block of type Outcome here",
        text: `block vr_rule "${rule.id}" input THEN: missing input: connect a block of type Outcome here`,
      });
      ws.dispose();
    });

    it("wrong type in a socket", () => {
      const { ws, blocks } = nightRateWorkspace();
      type Saved = { inputs: Record<string, { block: Saved }> };
      const json = save(ws) as { blocks: { blocks: Saved[] } };
      // An outcome where the condition goes (Blockly's UI would refuse the connection; stored JSON can have it).
      const ruleJson = json.blocks.blocks[0]?.inputs.RULES?.block as Saved;
      const then = ruleJson.inputs.THEN as { block: Saved };
      ruleJson.inputs.WHEN = { block: then.block };
      const errors = errorsOf(json);
      const rule = blocks.rule as Block;
      const rate = blocks.rate as Block;
      expect(errors).toContainEqual({
        blockId: rule.id,
        blockType: "vr_rule",
        input: "WHEN",
        message: `wrong type in socket: expects Condition, got vr_rate "${rate.id}" (Outcome)`,
        text: `block vr_rule "${rule.id}" input WHEN: wrong type in socket: expects Condition, got vr_rate "${rate.id}" (Outcome)`,
      });
      ws.dispose();
    });

    it("unknown block type", () => {
      const { ws, blocks } = nightRateWorkspace();
      const text = JSON.stringify(save(ws)).replace('"type":"vr_time_window"', '"type":"vr_moon_phase"');
      const errors = errorsOf(JSON.parse(text));
      const window = (blocks.rule as Block).getInputTargetBlock("WHEN")?.getInputTargetBlock("A") as Block;
      expect(errors).toEqual([
        {
          blockId: window.id,
          blockType: "vr_moon_phase",
          message: 'unknown block type "vr_moon_phase" (not a Voltrate rule block)',
          text: `block vr_moon_phase "${window.id}": unknown block type "vr_moon_phase" (not a Voltrate rule block)`,
        },
      ]);
      ws.dispose();
    });

    it("bad number", () => {
      const { ws, blocks } = nightRateWorkspace();
      const five = blocks.five as Block;
      five.setFieldValue("5,5", "NUM");
      expect(errorsOf(save(ws))).toEqual([
        {
          blockId: five.id,
          blockType: "vr_number",
          field: "NUM",
          message: '"5,5" is not a number; write it with a decimal point, such as 12.5',
          text: `block vr_number "${five.id}" field NUM: "5,5" is not a number; write it with a decimal point, such as 12.5`,
        },
      ]);
      ws.dispose();
    });

    it("empty rate", () => {
      const { ws, blocks } = nightRateWorkspace();
      (blocks.element as Block).dispose(false);
      const rate = blocks.rate as Block;
      expect(errorsOf(save(ws))).toEqual([
        {
          blockId: rate.id,
          blockType: "vr_rate",
          input: "ELEMENTS",
          message: "empty rate: add at least one tariff element with a price",
          text: `block vr_rate "${rate.id}" input ELEMENTS: empty rate: add at least one tariff element with a price`,
        },
      ]);
      ws.dispose();
    });

    it("every problem at once: money in another currency, a stray block, a duplicate rule id, an empty day list", () => {
      const { ws, blocks } = nightRateWorkspace();
      const price = (blocks.energyPrice as Block).getInputTargetBlock("PRICE") as Block;
      price.setFieldValue("GBP", "CURRENCY");
      const stray = make(ws, "vr_compare_number", { OP: "lt" });
      const copy = make(ws, "vr_rule", { NAME: "Copy", ID: "night-ac", ENABLED: true });
      plug(copy, "WHEN", make(ws, "vr_day_of_week", { PROPERTY: "startDay" }));
      plug(copy, "THEN", make(ws, "vr_drop_out", { REASON: "X", MESSAGE: "x" }));
      stack(blocks.rule as Block, copy);
      const day = copy.getInputTargetBlock("WHEN") as Block;
      const texts = errorsOf(save(ws)).map((e) => e.text);
      expect(texts).toEqual([
        `block vr_compare_number "${stray.id}": this block is not connected to a rule; connect it or delete it`,
        `block vr_money "${price.id}" field CURRENCY: the amount is in GBP, the rule set in EUR`,
        `block vr_day_of_week "${day.id}" field MON: no day is ticked; tick at least one`,
      ]);
      ws.dispose();
    });

    it("duplicate rule ids and the workspace shape", () => {
      const { ws, blocks } = nightRateWorkspace();
      const copy = make(ws, "vr_rule", { NAME: "Copy", ID: "night-ac", ENABLED: true });
      plug(copy, "WHEN", make(ws, "vr_always"));
      plug(copy, "THEN", make(ws, "vr_drop_out", { REASON: "X", MESSAGE: "x" }));
      stack(blocks.rule as Block, copy);
      expect(errorsOf(save(ws)).map((e) => e.text)).toEqual([
        `block vr_rule "${copy.id}" field ID: the rule id "night-ac" is also used by block "${(blocks.rule as Block).id}"`,
      ]);
      ws.dispose();
      expect(errorsOf({ blocks: "nope" })[0]?.text).toBe(
        "`blocks` must be { languageVersion, blocks: [...] } as Blockly saves it",
      );
      let deep: Record<string, unknown> = { type: "vr_always", id: "leaf" };
      for (let i = 0; i < 1000; i++)
        deep = { type: "vr_logic_not", id: `n${i}`, inputs: { CONDITION: { block: deep } } };
      expect(errorsOf({ blocks: { languageVersion: 0, blocks: [deep] } })[0]?.text).toBe(
        "the workspace nests blocks too deeply (more than 400 levels)",
      );
      expect(errorsOf({ blocks: { languageVersion: 0, blocks: [] } })[0]?.text).toBe(
        "the workspace has no “rules” block",
      );
    });
  });
});
