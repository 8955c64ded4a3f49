// The toolbox of the rule editor: one category per kind of block, with blocks pre-filled where an empty block would
// only be a puzzle (a comparison comes with a property and a value, a price component with an amount).
import { type BlockCategory, CATEGORY_COLOURS, VOLTRATE_BLOCKS } from "./blocks.ts";

/** A block as the toolbox (and the workspace serialization) writes it. */
export interface SerializedBlockJson {
  type: string;
  id?: string;
  x?: number;
  y?: number;
  fields?: Record<string, string | number | boolean>;
  inputs?: Record<string, { block?: SerializedBlockJson; shadow?: SerializedBlockJson }>;
  next?: { block?: SerializedBlockJson; shadow?: SerializedBlockJson };
  enabled?: boolean;
  disabledReasons?: string[];
  [other: string]: unknown;
}

export interface ToolboxBlock {
  kind: "block";
  type: string;
  fields?: SerializedBlockJson["fields"];
  inputs?: SerializedBlockJson["inputs"];
}

export interface ToolboxCategory {
  kind: "category";
  name: BlockCategory;
  colour: string;
  contents: ToolboxBlock[];
}

export interface CategoryToolbox {
  kind: "categoryToolbox";
  contents: ToolboxCategory[];
}

const shadow = (type: string, fields: Record<string, string>): { shadow: SerializedBlockJson } => ({
  shadow: { type, fields },
});

const block = (type: string, fields: Record<string, string>): { block: SerializedBlockJson } => ({
  block: { type, fields },
});

/** Preset inputs per block type in the toolbox. */
const PRESETS: Record<string, Pick<ToolboxBlock, "fields" | "inputs">> = {
  vr_compare_number: {
    inputs: { LEFT: block("vr_prop_number", { PROPERTY: "energyKwh" }), RIGHT: shadow("vr_number", { NUM: "10" }) },
    fields: { OP: "gte" },
  },
  vr_compare_text: {
    inputs: { LEFT: block("vr_prop_text", { PROPERTY: "cpo" }), RIGHT: shadow("vr_text", { TEXT: "NL*ABC" }) },
  },
  vr_compare_date: {
    inputs: {
      LEFT: block("vr_prop_date", { PROPERTY: "startDate" }),
      RIGHT: shadow("vr_date", { DATE: "2025-01-01" }),
    },
    fields: { OP: "gte" },
  },
  vr_compare_time: {
    inputs: { LEFT: block("vr_prop_time", { PROPERTY: "startTime" }), RIGHT: shadow("vr_time", { TIME: "07:00" }) },
    fields: { OP: "gte" },
  },
  vr_exists: { inputs: { PROPERTY: block("vr_prop_text", { PROPERTY: "subscription" }) } },
  vr_between: {
    inputs: {
      LEFT: block("vr_prop_number", { PROPERTY: "energyKwh" }),
      MIN: shadow("vr_number", { NUM: "0" }),
      MAX: shadow("vr_number", { NUM: "20" }),
    },
  },
  vr_in_list: {
    inputs: { LEFT: block("vr_prop_text", { PROPERTY: "cpo" }), LIST: shadow("vr_list", { ITEMS: "NL*ABC, DE*XYZ" }) },
  },
  vr_rate: {
    inputs: {
      ELEMENTS: {
        block: {
          type: "vr_tariff_element",
          inputs: {
            COMPONENTS: {
              block: {
                type: "vr_price_component",
                fields: { DIMENSION: "ENERGY" },
                inputs: { PRICE: shadow("vr_money", { AMOUNT: "0.35", CURRENCY: "EUR" }) },
              },
            },
          },
        },
      },
    },
  },
  vr_price_component: { inputs: { PRICE: shadow("vr_money", { AMOUNT: "0.35", CURRENCY: "EUR" }) } },
};

/** The category toolbox (Blockly's JSON toolbox format). `currency` pre-fills the money blocks (default EUR). */
export function voltrateToolbox(currency = "EUR"): CategoryToolbox {
  const categories = new Map<BlockCategory, ToolboxCategory>();
  for (const b of VOLTRATE_BLOCKS) {
    if (b.definition.type === "vr_rules") continue;
    let category = categories.get(b.category);
    if (!category) {
      category = { kind: "category", name: b.category, colour: String(CATEGORY_COLOURS[b.category]), contents: [] };
      categories.set(b.category, category);
    }
    const preset = PRESETS[b.definition.type];
    const entry: ToolboxBlock = { kind: "block", type: b.definition.type };
    if (preset?.fields) entry.fields = { ...preset.fields };
    if (preset?.inputs) entry.inputs = withCurrency(structuredClone(preset.inputs), currency);
    if (b.definition.type === "vr_money") entry.fields = { AMOUNT: "0.00", CURRENCY: currency };
    category.contents.push(entry);
  }
  return { kind: "categoryToolbox", contents: [...categories.values()] };
}

function withCurrency(
  inputs: NonNullable<SerializedBlockJson["inputs"]>,
  currency: string,
): NonNullable<SerializedBlockJson["inputs"]> {
  const visit = (b: SerializedBlockJson | undefined) => {
    if (!b) return;
    if (b.type === "vr_money" && b.fields) b.fields.CURRENCY = currency;
    for (const input of Object.values(b.inputs ?? {})) {
      visit(input.block);
      visit(input.shadow);
    }
    visit(b.next?.block);
  };
  for (const input of Object.values(inputs)) {
    visit(input.block);
    visit(input.shadow);
  }
  return inputs;
}

/** An empty workspace holding the rule list (Blockly's serialization JSON). */
export function emptyRulesWorkspace(): { blocks: { languageVersion: 0; blocks: SerializedBlockJson[] } } {
  return { blocks: { languageVersion: 0, blocks: [{ type: "vr_rules", id: "rules", x: 20, y: 20 }] } };
}
