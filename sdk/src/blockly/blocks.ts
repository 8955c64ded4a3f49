// The Voltrate rule blocks for Blockly, as JSON block definitions (the form `Blockly.common.defineBlocksWithJsonArray`
// takes). Shared by the studio (which draws them) and the server (which compiles saved workspaces into the typed rule
// model, never into JavaScript). Connection checks are the types of the rule model:
//
//   Rule            a rule in the rule list (statement)
//   Condition       when a rule applies (value)
//   Outcome         what a rule produces (value)
//   PropNumber, PropText, PropTime, PropDate, PropDay   a session property of that kind (value)
//   Number, Text, Time, Date, Boolean, List, Money      literal values (value)
//   TariffElement, PriceComponent, Restriction          the parts of a rate (statement)
import { PROPERTY_CATALOGUE, type PropertyDefinition } from "../rules/properties.ts";

/** An argument of a block message: a field or an input. */
export type BlockArg =
  | { type: "field_input"; name: string; text: string; spellcheck?: boolean }
  | { type: "field_dropdown"; name: string; options: [string, string][] }
  | { type: "field_checkbox"; name: string; checked: boolean }
  | { type: "input_value"; name: string; check: string | string[]; align?: "LEFT" | "RIGHT" | "CENTRE" }
  | { type: "input_statement"; name: string; check: string | string[] }
  | { type: "input_dummy"; name?: string };

/** A Blockly JSON block definition (the subset these blocks use). */
export interface BlockDefinition {
  type: string;
  message0: string;
  args0?: BlockArg[];
  message1?: string;
  args1?: BlockArg[];
  message2?: string;
  args2?: BlockArg[];
  message3?: string;
  args3?: BlockArg[];
  message4?: string;
  args4?: BlockArg[];
  message5?: string;
  args5?: BlockArg[];
  message6?: string;
  args6?: BlockArg[];
  message7?: string;
  args7?: BlockArg[];
  message8?: string;
  args8?: BlockArg[];
  message9?: string;
  args9?: BlockArg[];
  output?: string | string[] | null;
  previousStatement?: string | string[] | null;
  nextStatement?: string | string[] | null;
  inputsInline?: boolean;
  colour: number;
  tooltip: string;
}

/** A Voltrate block: its Blockly definition and what the compiler needs beyond it. */
export interface VoltrateBlock {
  definition: BlockDefinition;
  /** Value inputs that may stay empty (every other value input must be filled). */
  optionalInputs?: readonly string[];
  /** The toolbox category the block appears in. */
  category: BlockCategory;
}

export type BlockCategory =
  | "Rules"
  | "Session properties"
  | "Comparisons"
  | "Logic"
  | "Ranges"
  | "Lists"
  | "Time of day"
  | "Day of week"
  | "Values"
  | "Money"
  | "Outcomes"
  | "Rate parts";

export const CATEGORY_COLOURS: Readonly<Record<BlockCategory, number>> = Object.freeze({
  Rules: 210,
  "Session properties": 160,
  Comparisons: 120,
  Logic: 210,
  Ranges: 90,
  Lists: 260,
  "Time of day": 40,
  "Day of week": 20,
  Values: 230,
  Money: 65,
  Outcomes: 0,
  "Rate parts": 330,
});

/** The checks of the session property blocks, by property type. */
export const PROPERTY_CHECKS = ["PropNumber", "PropText", "PropTime", "PropDate", "PropDay"] as const;

const propertyOptions = (filter: (p: PropertyDefinition) => boolean): [string, string][] =>
  PROPERTY_CATALOGUE.filter(filter).map((p) => [p.unit ? `${p.label} (${p.unit})` : p.label, p.name]);

const COMPARISON_OPTIONS: [string, string][] = [
  ["=", "eq"],
  ["≠", "ne"],
  ["<", "lt"],
  ["≤", "lte"],
  [">", "gt"],
  ["≥", "gte"],
];

export const DAY_FIELDS = [
  ["MON", "MONDAY"],
  ["TUE", "TUESDAY"],
  ["WED", "WEDNESDAY"],
  ["THU", "THURSDAY"],
  ["FRI", "FRIDAY"],
  ["SAT", "SATURDAY"],
  ["SUN", "SUNDAY"],
] as const;

const dayCheckboxes = (): BlockArg[] =>
  DAY_FIELDS.map(([field]) => ({ type: "field_checkbox", name: field, checked: false }) as const);
const dayMessage = "Mon %1 Tue %2 Wed %3 Thu %4 Fri %5 Sat %6 Sun %7";

function block(category: BlockCategory, definition: Omit<BlockDefinition, "colour">, optionalInputs?: string[]) {
  const out: VoltrateBlock = { definition: { ...definition, colour: CATEGORY_COLOURS[category] }, category };
  if (optionalInputs) out.optionalInputs = optionalInputs;
  return out;
}

/** Every Voltrate block, in toolbox order within each category. */
export const VOLTRATE_BLOCKS: readonly VoltrateBlock[] = Object.freeze([
  // ---- Rules
  block("Rules", {
    type: "vr_rules",
    message0: "rules %1",
    args0: [{ type: "input_statement", name: "RULES", check: "Rule" }],
    tooltip: "The rules of the rule set, in order. With hit policy “first” the first matching rule decides.",
  }),
  block("Rules", {
    type: "vr_rule",
    message0: "rule %1 id %2 enabled %3",
    args0: [
      { type: "field_input", name: "NAME", text: "New rule" },
      { type: "field_input", name: "ID", text: "new-rule" },
      { type: "field_checkbox", name: "ENABLED", checked: true },
    ],
    message1: "when %1",
    args1: [{ type: "input_value", name: "WHEN", check: "Condition", align: "RIGHT" }],
    message2: "then %1",
    args2: [{ type: "input_value", name: "THEN", check: "Outcome", align: "RIGHT" }],
    previousStatement: "Rule",
    nextStatement: "Rule",
    tooltip: "A rule: when the condition holds, the outcome prices the session.",
  }),

  // ---- Session properties
  block("Session properties", {
    type: "vr_prop_number",
    message0: "%1",
    args0: [{ type: "field_dropdown", name: "PROPERTY", options: propertyOptions((p) => p.type === "decimal") }],
    output: "PropNumber",
    tooltip: "A numeric session property (energy, power, duration, parking time).",
  }),
  block("Session properties", {
    type: "vr_prop_text",
    message0: "%1",
    args0: [
      {
        type: "field_dropdown",
        name: "PROPERTY",
        options: propertyOptions((p) => p.type === "string" || p.type === "enum"),
      },
    ],
    output: "PropText",
    tooltip: "A text session property (CPO, country, AC/DC, token type, contract, product, …).",
  }),
  block("Session properties", {
    type: "vr_prop_time",
    message0: "%1",
    args0: [{ type: "field_dropdown", name: "PROPERTY", options: propertyOptions((p) => p.type === "time") }],
    output: "PropTime",
    tooltip: "A local time of day of the session (in the location's time zone).",
  }),
  block("Session properties", {
    type: "vr_prop_date",
    message0: "%1",
    args0: [{ type: "field_dropdown", name: "PROPERTY", options: propertyOptions((p) => p.type === "date") }],
    output: "PropDate",
    tooltip: "A local date of the session (in the location's time zone).",
  }),
  block("Session properties", {
    type: "vr_prop_day",
    message0: "%1",
    args0: [{ type: "field_dropdown", name: "PROPERTY", options: propertyOptions((p) => p.type === "dayOfWeek") }],
    output: "PropDay",
    tooltip: "A local day of the week of the session.",
  }),
  block("Session properties", {
    type: "vr_prop_custom",
    message0: "custom %1",
    args0: [{ type: "field_input", name: "KEY", text: "key" }],
    output: ["PropText", "PropNumber"],
    tooltip: "A custom property of the session (facts.custom.<key>): text, number or true/false.",
  }),

  // ---- Comparisons
  block("Comparisons", {
    type: "vr_compare_number",
    message0: "%1 %2 %3",
    args0: [
      { type: "input_value", name: "LEFT", check: "PropNumber" },
      { type: "field_dropdown", name: "OP", options: COMPARISON_OPTIONS },
      { type: "input_value", name: "RIGHT", check: "Number" },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "Compares a numeric property with a number.",
  }),
  block("Comparisons", {
    type: "vr_compare_text",
    message0: "%1 %2 %3",
    args0: [
      { type: "input_value", name: "LEFT", check: "PropText" },
      {
        type: "field_dropdown",
        name: "OP",
        options: [
          ["=", "eq"],
          ["≠", "ne"],
        ],
      },
      { type: "input_value", name: "RIGHT", check: ["Text", "Boolean"] },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "Tests a text property for a value (exactly, case-sensitive).",
  }),
  block("Comparisons", {
    type: "vr_compare_date",
    message0: "%1 %2 %3",
    args0: [
      { type: "input_value", name: "LEFT", check: "PropDate" },
      { type: "field_dropdown", name: "OP", options: COMPARISON_OPTIONS },
      { type: "input_value", name: "RIGHT", check: "Date" },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "Compares a date property with a date.",
  }),
  block("Comparisons", {
    type: "vr_compare_time",
    message0: "%1 %2 %3",
    args0: [
      { type: "input_value", name: "LEFT", check: "PropTime" },
      { type: "field_dropdown", name: "OP", options: COMPARISON_OPTIONS },
      { type: "input_value", name: "RIGHT", check: "Time" },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "Compares a time-of-day property with a time.",
  }),
  block("Comparisons", {
    type: "vr_exists",
    message0: "%1 is set",
    args0: [{ type: "input_value", name: "PROPERTY", check: [...PROPERTY_CHECKS] }],
    inputsInline: true,
    output: "Condition",
    tooltip: "Holds when the session has a value for the property (e.g. the driver has a subscription).",
  }),

  // ---- Logic
  block("Logic", {
    type: "vr_always",
    message0: "always",
    output: "Condition",
    tooltip: "Holds for every session.",
  }),
  block("Logic", {
    type: "vr_logic_operation",
    message0: "%1 %2 %3",
    args0: [
      { type: "input_value", name: "A", check: "Condition" },
      {
        type: "field_dropdown",
        name: "OP",
        options: [
          ["and", "all"],
          ["or", "any"],
        ],
      },
      { type: "input_value", name: "B", check: "Condition" },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "and: both hold; or: at least one holds.",
  }),
  block("Logic", {
    type: "vr_logic_not",
    message0: "not %1",
    args0: [{ type: "input_value", name: "CONDITION", check: "Condition" }],
    output: "Condition",
    tooltip: "Holds when the condition does not.",
  }),

  // ---- Ranges
  block("Ranges", {
    type: "vr_between",
    message0: "%1 from %2 incl. %3 to %4 incl. %5",
    args0: [
      { type: "input_value", name: "LEFT", check: ["PropNumber", "PropDate", "PropTime"] },
      { type: "input_value", name: "MIN", check: ["Number", "Date", "Time"] },
      { type: "field_checkbox", name: "MIN_INCLUSIVE", checked: true },
      { type: "input_value", name: "MAX", check: ["Number", "Date", "Time"] },
      { type: "field_checkbox", name: "MAX_INCLUSIVE", checked: false },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "A range of a property; by default from (included) up to (not included), so bands tile without overlap.",
  }),

  // ---- Lists
  block("Lists", {
    type: "vr_in_list",
    message0: "%1 %2 %3",
    args0: [
      { type: "input_value", name: "LEFT", check: ["PropText", "PropNumber", "PropDate", "PropDay"] },
      {
        type: "field_dropdown",
        name: "OP",
        options: [
          ["is one of", "in"],
          ["is none of", "notIn"],
        ],
      },
      { type: "input_value", name: "LIST", check: "List" },
    ],
    inputsInline: true,
    output: "Condition",
    tooltip: "Whether a property's value is in a list.",
  }),
  block("Lists", {
    type: "vr_list",
    message0: "list %1",
    args0: [{ type: "field_input", name: "ITEMS", text: "" }],
    output: "List",
    tooltip: "Values separated by commas, e.g. NL*ABC, DE*XYZ.",
  }),

  // ---- Time of day
  block("Time of day", {
    type: "vr_time_window",
    message0: "%1 between %2 and %3",
    args0: [
      { type: "field_dropdown", name: "PROPERTY", options: propertyOptions((p) => p.type === "time") },
      { type: "field_input", name: "FROM", text: "22:00" },
      { type: "field_input", name: "TO", text: "06:00" },
    ],
    output: "Condition",
    tooltip: "A local time-of-day window, from (included) to (not included); 22:00–06:00 crosses midnight.",
  }),
  block("Time of day", {
    type: "vr_time",
    message0: "time %1",
    args0: [{ type: "field_input", name: "TIME", text: "00:00" }],
    output: "Time",
    tooltip: "A local time of day, HH:MM.",
  }),

  // ---- Day of week
  block("Day of week", {
    type: "vr_day_of_week",
    message0: `%1 is ${dayMessage.replace(/%(\d)/g, (_, n: string) => `%${Number(n) + 1}`)}`,
    args0: [
      { type: "field_dropdown", name: "PROPERTY", options: propertyOptions((p) => p.type === "dayOfWeek") },
      ...dayCheckboxes(),
    ],
    output: "Condition",
    tooltip: "Holds on the ticked days (local).",
  }),

  // ---- Values
  block("Values", {
    type: "vr_number",
    message0: "%1",
    args0: [{ type: "field_input", name: "NUM", text: "0" }],
    output: "Number",
    tooltip: "A number, written with a decimal point (12.5).",
  }),
  block("Values", {
    type: "vr_text",
    message0: "“%1”",
    args0: [{ type: "field_input", name: "TEXT", text: "" }],
    output: "Text",
    tooltip: "A text value.",
  }),
  block("Values", {
    type: "vr_date",
    message0: "date %1",
    args0: [{ type: "field_input", name: "DATE", text: "2025-01-01" }],
    output: "Date",
    tooltip: "A local date, YYYY-MM-DD.",
  }),
  block("Values", {
    type: "vr_boolean",
    message0: "%1",
    args0: [
      {
        type: "field_dropdown",
        name: "BOOL",
        options: [
          ["true", "TRUE"],
          ["false", "FALSE"],
        ],
      },
    ],
    output: "Boolean",
    tooltip: "true or false (for custom properties).",
  }),

  // ---- Money
  block("Money", {
    type: "vr_money",
    message0: "%1 %2",
    args0: [
      { type: "field_input", name: "AMOUNT", text: "0.00" },
      { type: "field_input", name: "CURRENCY", text: "EUR" },
    ],
    output: "Money",
    tooltip: "An amount excl. VAT in the rule set's currency.",
  }),

  // ---- Outcomes
  block(
    "Outcomes",
    {
      type: "vr_rate",
      message0: "rate, tariff id %1",
      args0: [{ type: "field_input", name: "TARIFF_ID", text: "" }],
      message1: "elements %1",
      args1: [{ type: "input_statement", name: "ELEMENTS", check: "TariffElement" }],
      message2: "minimum price %1",
      args2: [{ type: "input_value", name: "MIN_PRICE", check: "Money", align: "RIGHT" }],
      message3: "maximum price %1",
      args3: [{ type: "input_value", name: "MAX_PRICE", check: "Money", align: "RIGHT" }],
      message4: "pricing profile %1",
      args4: [{ type: "field_input", name: "PROFILE", text: "" }],
      output: "Outcome",
      tooltip: "Price the session with a tariff (OCPI semantics): elements of price components under restrictions.",
    },
    ["MIN_PRICE", "MAX_PRICE"],
  ),
  block(
    "Outcomes",
    {
      type: "vr_markup",
      message0: "markup on %1 × %2",
      args0: [
        {
          type: "field_dropdown",
          name: "BASE",
          options: [
            ["purchase cost", "purchaseCost"],
            ["subtotal", "subtotal"],
            ["nothing", "none"],
          ],
        },
        { type: "field_input", name: "FACTOR", text: "1" },
      ],
      message1: "+ per kWh %1",
      args1: [{ type: "input_value", name: "PER_KWH", check: "Money", align: "RIGHT" }],
      message2: "+ per hour %1",
      args2: [{ type: "input_value", name: "PER_HOUR", check: "Money", align: "RIGHT" }],
      message3: "+ fixed %1",
      args3: [{ type: "input_value", name: "FIXED", check: "Money", align: "RIGHT" }],
      message4: "margin at least %1",
      args4: [{ type: "input_value", name: "MIN_MARKUP", check: "Money", align: "RIGHT" }],
      message5: "margin at most %1",
      args5: [{ type: "input_value", name: "MAX_MARKUP", check: "Money", align: "RIGHT" }],
      message6: "amount at least %1",
      args6: [{ type: "input_value", name: "MIN", check: "Money", align: "RIGHT" }],
      message7: "amount at most %1",
      args7: [{ type: "input_value", name: "MAX", check: "Money", align: "RIGHT" }],
      message8: "show as %1 VAT % %2",
      args8: [
        {
          type: "field_dropdown",
          name: "PRESENTATION",
          options: [
            ["one line", "single"],
            ["cost and margin", "split"],
          ],
        },
        { type: "field_input", name: "VAT", text: "" },
      ],
      message9: "line code %1 text %2",
      args9: [
        { type: "field_input", name: "CODE", text: "" },
        { type: "field_input", name: "DESCRIPTION", text: "" },
      ],
      output: "Outcome",
      tooltip: "An amount computed from a base: base × factor + per kWh + per hour + fixed, within bounds.",
    },
    ["PER_KWH", "PER_HOUR", "FIXED", "MIN_MARKUP", "MAX_MARKUP", "MIN", "MAX"],
  ),
  block("Outcomes", {
    type: "vr_drop_out",
    message0: "drop out %1 %2",
    args0: [
      { type: "field_input", name: "REASON", text: "NO_AGREEMENT" },
      { type: "field_input", name: "MESSAGE", text: "no agreement" },
    ],
    output: "Outcome",
    tooltip: "Do not price the session with this rule set: the evaluation ends with this reason.",
  }),
  block("Outcomes", {
    type: "vr_script",
    message0: "script %1 parameters %2",
    args0: [
      { type: "field_input", name: "SCRIPT", text: "" },
      { type: "field_input", name: "PARAMS", text: "" },
    ],
    output: "Outcome",
    tooltip: "Run a script of the rule set; parameters as a JSON object (optional).",
  }),

  // ---- Rate parts
  block("Rate parts", {
    type: "vr_tariff_element",
    message0: "element: prices %1",
    args0: [{ type: "input_statement", name: "COMPONENTS", check: "PriceComponent" }],
    message1: "when %1",
    args1: [{ type: "input_statement", name: "RESTRICTIONS", check: "Restriction" }],
    previousStatement: "TariffElement",
    nextStatement: "TariffElement",
    tooltip: "Price components that apply together; restrictions say when (none: always).",
  }),
  block("Rate parts", {
    type: "vr_price_component",
    message0: "%1 price %2 VAT % %3 step %4",
    args0: [
      {
        type: "field_dropdown",
        name: "DIMENSION",
        options: [
          ["energy (per kWh)", "ENERGY"],
          ["charging time (per hour)", "TIME"],
          ["parking time (per hour)", "PARKING_TIME"],
          ["start fee", "FLAT"],
        ],
      },
      { type: "input_value", name: "PRICE", check: "Money" },
      { type: "field_input", name: "VAT", text: "" },
      { type: "field_input", name: "STEP", text: "1" },
    ],
    inputsInline: true,
    previousStatement: "PriceComponent",
    nextStatement: "PriceComponent",
    tooltip: "One price: per kWh, per hour charging, per hour parking, or a start fee. Step: Wh or seconds.",
  }),
  block("Rate parts", {
    type: "vr_restr_time",
    message0: "time from %1 to %2",
    args0: [
      { type: "field_input", name: "FROM", text: "22:00" },
      { type: "field_input", name: "TO", text: "06:00" },
    ],
    previousStatement: "Restriction",
    nextStatement: "Restriction",
    tooltip: "Local time of day from (included) to (not included); may cross midnight.",
  }),
  block("Rate parts", {
    type: "vr_restr_days",
    message0: `on ${dayMessage}`,
    args0: dayCheckboxes(),
    previousStatement: "Restriction",
    nextStatement: "Restriction",
    tooltip: "The local days of the week on which the element applies.",
  }),
  block("Rate parts", {
    type: "vr_restr_dates",
    message0: "dates from %1 to %2",
    args0: [
      { type: "field_input", name: "FROM", text: "" },
      { type: "field_input", name: "TO", text: "" },
    ],
    previousStatement: "Restriction",
    nextStatement: "Restriction",
    tooltip: "Local dates YYYY-MM-DD from (included) to (not included); leave one empty for an open end.",
  }),
  block("Rate parts", {
    type: "vr_restr_range",
    message0: "%1 from %2 to %3",
    args0: [
      {
        type: "field_dropdown",
        name: "KIND",
        options: [
          ["energy (kWh)", "KWH"],
          ["current (A)", "CURRENT"],
          ["power (kW)", "POWER"],
          ["duration (s)", "DURATION"],
        ],
      },
      { type: "field_input", name: "MIN", text: "" },
      { type: "field_input", name: "MAX", text: "" },
    ],
    previousStatement: "Restriction",
    nextStatement: "Restriction",
    tooltip: "A range (from included, to not included); leave one empty for an open end.",
  }),
  block("Rate parts", {
    type: "vr_restr_reservation",
    message0: "for %1",
    args0: [
      {
        type: "field_dropdown",
        name: "KIND",
        options: [
          ["a reservation", "RESERVATION"],
          ["an expired reservation", "RESERVATION_EXPIRES"],
        ],
      },
    ],
    previousStatement: "Restriction",
    nextStatement: "Restriction",
    tooltip: "The element prices a reservation rather than charging.",
  }),
] satisfies VoltrateBlock[]);

const BY_TYPE = new Map(VOLTRATE_BLOCKS.map((b) => [b.definition.type, b]));

/** The block of a type, or undefined when it is not a Voltrate block. */
export function voltrateBlock(type: string): VoltrateBlock | undefined {
  return BY_TYPE.get(type);
}

/** The Blockly JSON definitions, for `Blockly.common.defineBlocksWithJsonArray`. */
export function blockDefinitions(): BlockDefinition[] {
  return VOLTRATE_BLOCKS.map((b) => structuredClone(b.definition));
}

/** Every argument of a definition (fields and inputs, all messages). */
export function blockArgs(definition: BlockDefinition): BlockArg[] {
  const out: BlockArg[] = [];
  for (let i = 0; i < 10; i++) {
    const args = (definition as unknown as Record<string, BlockArg[] | undefined>)[`args${i}`];
    if (args) out.push(...args);
  }
  return out;
}

/** A Blockly instance, as far as registering blocks needs it. */
export interface BlocklyLike {
  common: { defineBlocksWithJsonArray(definitions: object[]): void };
}

/** Registers the Voltrate blocks with a Blockly instance (the studio's, or a headless one on the server). */
export function registerVoltrateBlocks(blockly: BlocklyLike): void {
  blockly.common.defineBlocksWithJsonArray(blockDefinitions());
}
