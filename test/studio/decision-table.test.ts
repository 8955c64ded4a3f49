// The studio's decision-table editing: a cell's test written as short text and read back (every form the legend
// names, ASCII and typographic operators, ranges with open and closed ends, time windows across midnight, day lists),
// text that cannot be read refused with a reason, rows added, removed and moved, amounts changed, and the rule set
// rebuilt from the table with the SDK's `decisionTableToRules` / `rulesetFromDecisionTable`. Where the meaning of a
// cell matters (range ends, windows, days) the parsed condition is also run through the runtime's compiled conditions.
import {
  type Condition,
  conditionIssues,
  conditionProperty,
  type DecisionColumn,
  type DecisionTable,
  decisionTableToRules,
  type Outcome,
  type PropertyCondition,
  type PropertyName,
  type Rule,
  type Ruleset,
  rulesetFromDecisionTable,
  rulesetIssues,
  rulesetToDecisionTable,
  sessionFromJson,
} from "@voltrate/sdk/rules";
import { describe, expect, it } from "vitest";
import { compileCondition } from "../../runtime/src/rules/engine/conditions.ts";
import { SessionView } from "../../runtime/src/rules/engine/session-view.ts";
import {
  addRow,
  type CellParse,
  cellEditText,
  columnOf,
  componentLabel,
  componentUnit,
  defaultOutcome,
  deleteRow,
  freshRuleId,
  issueKey,
  moveRow,
  parseCell,
  placeIssue,
  withCell,
  withRow,
} from "../../studio/src/lib/decision-table.ts";

// --- Fixtures ----------------------------------------------------------------------------------------------------

const rate = (energy: string, flat: string): Outcome => ({
  type: "rate",
  tariff: {
    elements: [
      {
        components: [
          { dimension: "ENERGY", price: energy, vat: "21" },
          { dimension: "FLAT", price: flat, vat: "21" },
        ],
      },
    ],
  },
});

/**
 * Three rules: a conjunction of three tests, a night-and-weekend rule (the time and day tests without a property, so
 * on their defaults), and a disabled catch-all with a description and tags.
 */
function sampleRuleset(): Ruleset {
  return {
    id: "sales-nl",
    name: "Sales NL",
    administrationId: "adm-nl",
    side: "sales",
    currency: "EUR",
    hitPolicy: "first",
    vatPercent: "21",
    scripts: { zeta: "export default () => []", alpha: "export default () => []" },
    rules: [
      {
        id: "dc-fast",
        name: "DC fast at ABC",
        enabled: true,
        condition: {
          op: "all",
          conditions: [
            { op: "eq", property: "cpo", value: "NL*ABC" },
            { op: "in", property: "powerType", values: ["DC"] },
            { op: "gte", property: "powerKw", value: "50" },
          ],
        },
        outcome: rate("0.59", "0.50"),
      },
      {
        id: "night",
        name: "Night and weekend",
        enabled: true,
        condition: {
          op: "all",
          conditions: [
            { op: "timeOfDay", from: "22:00", to: "06:00" },
            { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
          ],
        },
        outcome: { type: "markup", factor: "1.10" },
      },
      {
        id: "fallback",
        name: "Everything else",
        description: "No agreement: not priced here.",
        enabled: false,
        tags: ["catch-all"],
        condition: { op: "always" },
        outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement with this CPO" },
      },
    ],
  };
}

function sampleTable(ruleset: Ruleset = sampleRuleset()): DecisionTable {
  const result = rulesetToDecisionTable(ruleset);
  if (!result.ok) throw new Error(`no table: ${JSON.stringify(result.rules)}`);
  return result.table;
}

/** The sample table's columns, in the order the rules first test them. */
const COLUMNS: PropertyName[] = ["cpo", "powerType", "powerKw", "startTime", "startDay"];

/** The parsed cell of a text that must be readable. */
function read(text: string, column: DecisionColumn | PropertyName): PropertyCondition | null {
  const parsed = parseCell(text, typeof column === "string" ? columnOf(column) : column);
  if (!parsed.ok) throw new Error(`"${text}" was refused: ${parsed.message}`);
  return parsed.cell;
}

/** What the table component does with the text typed into a cell: a refused text leaves the table as it was. */
function typeInto(
  table: DecisionTable,
  row: number,
  property: PropertyName,
  text: string,
): { table: DecisionTable; parse: CellParse } {
  const column = table.columns.find((c) => c.property === property) ?? columnOf(property);
  const parse = parseCell(text, column);
  return { table: parse.ok ? withCell(table, row, column, parse.cell) : table, parse };
}

/** A session starting at `start` (UTC, which is also its local zone), one hour long, with `energyKwh` charged. */
function sessionAt(start: string, energyKwh = "7.2"): SessionView {
  const end = new Date(Date.parse(start) + 3_600_000).toISOString();
  return new SessionView({
    session: sessionFromJson({ start, end, timeZone: "UTC", chargingPeriods: [{ start, energyKwh }] }),
  });
}

/** Whether the cell typed as `text` holds for the session, as the runtime decides it (an empty cell always holds). */
function holds(text: string, property: PropertyName, view: SessionView): boolean {
  const cell = read(text, property);
  return cell === null || compileCondition(cell).test(view);
}

const ids = (rules: Rule[]) => rules.map((r) => r.id);

// --- Cells: text ⇄ condition ---------------------------------------------------------------------------------------

describe("cellEditText and parseCell: every cell form round-trips", () => {
  const cases: [string, PropertyCondition][] = [
    ["= NL*ABC", { op: "eq", property: "cpo", value: "NL*ABC" }],
    ["≠ NL*ABC", { op: "ne", property: "cpo", value: "NL*ABC" }],
    ["< 10", { op: "lt", property: "energyKwh", value: "10" }],
    ["≤ 10", { op: "lte", property: "energyKwh", value: "10" }],
    ["> 10", { op: "gt", property: "energyKwh", value: "10" }],
    ["≥ 10", { op: "gte", property: "energyKwh", value: "10" }],
    ["≥ -0.5", { op: "gte", property: "custom.balance", value: "-0.5" }],
    // Default ends: min inside, max outside (the SDK's half-open band), so neither flag is written.
    ["[10, 30)", { op: "between", property: "energyKwh", min: "10", max: "30" }],
    ["(10, 30)", { op: "between", property: "energyKwh", min: "10", max: "30", minInclusive: false }],
    ["[10, 30]", { op: "between", property: "energyKwh", min: "10", max: "30", maxInclusive: true }],
    [
      "(10, 30]",
      { op: "between", property: "energyKwh", min: "10", max: "30", minInclusive: false, maxInclusive: true },
    ],
    ["[-5, 7.25)", { op: "between", property: "powerKw", min: "-5", max: "7.25" }],
    ["[2025-01-01, 2025-07-01)", { op: "between", property: "startDate", min: "2025-01-01", max: "2025-07-01" }],
    ["[08:00, 12:00)", { op: "between", property: "startTime", min: "08:00", max: "12:00" }],
    ["in AC, DC", { op: "in", property: "powerType", values: ["AC", "DC"] }],
    ["in DC", { op: "in", property: "powerType", values: ["DC"] }],
    ["not in NL*ABC, DE*ION", { op: "notIn", property: "cpo", values: ["NL*ABC", "DE*ION"] }],
    ["in SATURDAY, SUNDAY", { op: "in", property: "startDay", values: ["SATURDAY", "SUNDAY"] }],
    ["22:00–06:00", { op: "timeOfDay", property: "startTime", from: "22:00", to: "06:00" }],
    ["08:00–18:00", { op: "timeOfDay", property: "endTime", from: "08:00", to: "18:00" }],
    // from = to is the whole day; it is kept as written, not turned into "all day".
    ["00:00–00:00", { op: "timeOfDay", property: "startTime", from: "00:00", to: "00:00" }],
    ["≥ 22:00", { op: "gte", property: "startTime", value: "22:00" }],
    ["Sat, Sun", { op: "dayOfWeek", property: "startDay", days: ["SATURDAY", "SUNDAY"] }],
    [
      "Mon, Tue, Wed, Thu, Fri",
      { op: "dayOfWeek", property: "startDay", days: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"] },
    ],
    // An equality on a day column keeps its "=": a bare day name there is a day list.
    ["= SATURDAY", { op: "eq", property: "startDay", value: "SATURDAY" }],
    ["set", { op: "exists", property: "subscription" }],
    // Booleans exist only on custom properties.
    ["= true", { op: "eq", property: "custom.fleet", value: true }],
    ["≠ false", { op: "ne", property: "custom.fleet", value: false }],
    ["in true, gold", { op: "in", property: "custom.tier", values: [true, "gold"] }],
    // Values that look like the keywords stay values behind an operator.
    ["= any", { op: "eq", property: "product", value: "any" }],
    ["= set", { op: "eq", property: "product", value: "set" }],
    ["= in AC", { op: "eq", property: "product", value: "in AC" }],
  ];

  it.each(cases)("%s", (text, cell) => {
    expect(cellEditText(cell)).toBe(text);
    // Strict: no inclusive flag, no extra key appears on the way back.
    expect(parseCell(text, columnOf(conditionProperty(cell)))).toStrictEqual({ ok: true, cell });
  });

  it("an empty cell is any value, written as nothing", () => {
    expect(cellEditText(null)).toBe("");
    expect(parseCell("", columnOf("cpo"))).toStrictEqual({ ok: true, cell: null });
  });

  it("time and day tests without a property read back on their default property (same test)", () => {
    const window: PropertyCondition = { op: "timeOfDay", from: "22:00", to: "06:00" };
    const weekend: PropertyCondition = { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] };
    expect(cellEditText(window)).toBe("22:00–06:00");
    expect(cellEditText(weekend)).toBe("Sat, Sun");
    // The column of a property-less window is startTime (conditionProperty's default); the parsed cell names it.
    expect(read("22:00–06:00", "startTime")).toStrictEqual({ ...window, property: "startTime" });
    expect(read("Sat, Sun", "startDay")).toStrictEqual({ ...weekend, property: "startDay" });
  });

  it("explicit default range ends are written as brackets and read back as the same (flag-free) range", () => {
    const explicit: PropertyCondition = {
      op: "between",
      property: "energyKwh",
      min: "10",
      max: "30",
      minInclusive: true,
      maxInclusive: false,
    };
    expect(cellEditText(explicit)).toBe("[10, 30)");
    expect(read("[10, 30)", "energyKwh")).toStrictEqual({ op: "between", property: "energyKwh", min: "10", max: "30" });
  });

  it("every cell of a rule set read from the SDK goes to text and back unchanged", () => {
    const table = sampleTable();
    expect(table.columns.map((c) => c.property)).toEqual(COLUMNS);
    expect(table.rows.map((r) => r.cells.map(cellEditText))).toEqual([
      ["= NL*ABC", "in DC", "≥ 50", "", ""],
      ["", "", "", "22:00–06:00", "Sat, Sun"],
      ["", "", "", "", ""],
    ]);
    // Re-typing every cell as shown changes no rule (the property-less window and days only gain their default
    // property, which names the same property).
    let edited = table;
    table.rows.forEach((row, r) => {
      row.cells.forEach((cell, c) => {
        const column = table.columns[c] as DecisionColumn;
        edited = withCell(edited, r, column, read(cellEditText(cell), column));
      });
    });
    const rules = decisionTableToRules(edited);
    const original = sampleRuleset().rules;
    expect(rules[0]).toStrictEqual(original[0]);
    expect(rules[2]).toStrictEqual(original[2]);
    expect(rules[1]?.condition).toStrictEqual({
      op: "all",
      conditions: [
        { op: "timeOfDay", property: "startTime", from: "22:00", to: "06:00" },
        { op: "dayOfWeek", property: "startDay", days: ["SATURDAY", "SUNDAY"] },
      ],
    });
  });
});

describe("parseCell: the forms a person may type", () => {
  it('reads empty, blank and "any" (any case) as any value', () => {
    for (const text of ["", "   ", "any", "ANY", " Any "]) {
      expect(parseCell(text, columnOf("energyKwh")), text).toStrictEqual({ ok: true, cell: null });
    }
  });

  it('reads "set" (any case) as "has a value"', () => {
    for (const text of ["set", "SET", " Set "]) {
      expect(read(text, "subscription"), text).toStrictEqual({ op: "exists", property: "subscription" });
    }
  });

  it("reads a bare value as equality, trimmed", () => {
    expect(read("NL*ABC", "cpo")).toStrictEqual({ op: "eq", property: "cpo", value: "NL*ABC" });
    expect(read("  NL*ABC  ", "cpo")).toStrictEqual({ op: "eq", property: "cpo", value: "NL*ABC" });
    // "IN" is India, not an empty list: a list needs a value after the keyword.
    expect(read("IN", "country")).toStrictEqual({ op: "eq", property: "country", value: "IN" });
    expect(read("inactive", "product")).toStrictEqual({ op: "eq", property: "product", value: "inactive" });
  });

  it("reads the ASCII operators as the typographic ones", () => {
    const pairs: [string, string][] = [
      [">= 10", "≥ 10"],
      ["<= 10", "≤ 10"],
      ["!= 10", "≠ 10"],
    ];
    for (const [ascii, typographic] of pairs) {
      expect(read(ascii, "energyKwh"), ascii).toStrictEqual(read(typographic, "energyKwh"));
    }
    // "<=" is ≤ with the value 10, not < with the value "= 10" (the two-character operators are tried first).
    expect(read("<= 10", "energyKwh")).toStrictEqual({ op: "lte", property: "energyKwh", value: "10" });
    expect(read(">=10", "energyKwh")).toStrictEqual({ op: "gte", property: "energyKwh", value: "10" });
    expect(read("!=NL*ABC", "cpo")).toStrictEqual({ op: "ne", property: "cpo", value: "NL*ABC" });
    // Written back, the operators are always the typographic ones.
    expect(cellEditText(read(">= 10", "energyKwh"))).toBe("≥ 10");
    expect(cellEditText(read("!= 10", "energyKwh"))).toBe("≠ 10");
  });

  it("reads operators with or without space before the value", () => {
    for (const text of ["≥10", "≥ 10", "≥   10", "  ≥ 10  "]) {
      expect(read(text, "energyKwh"), text).toStrictEqual({ op: "gte", property: "energyKwh", value: "10" });
    }
    expect(read("=NL*ABC", "cpo")).toStrictEqual({ op: "eq", property: "cpo", value: "NL*ABC" });
  });

  it("reads ranges with any spacing; the bracket decides each end", () => {
    const band = { op: "between", property: "energyKwh", min: "10", max: "30" } as const;
    for (const text of ["[10,30)", "[ 10 , 30 )", "[10,   30)"]) {
      expect(read(text, "energyKwh"), text).toStrictEqual(band);
    }
    expect(read("(10,30]", "energyKwh")).toStrictEqual({ ...band, minInclusive: false, maxInclusive: true });
  });

  it("reads lists in any case of the keyword, dropping empty entries", () => {
    expect(read("IN AC, DC", "powerType")).toStrictEqual({ op: "in", property: "powerType", values: ["AC", "DC"] });
    expect(read("Not In AC", "powerType")).toStrictEqual({ op: "notIn", property: "powerType", values: ["AC"] });
    expect(read("not   in AC", "powerType")).toStrictEqual({ op: "notIn", property: "powerType", values: ["AC"] });
    expect(read("in AC, , DC,", "powerType")).toStrictEqual({ op: "in", property: "powerType", values: ["AC", "DC"] });
    expect(read("in AC,DC", "powerType")).toStrictEqual({ op: "in", property: "powerType", values: ["AC", "DC"] });
  });

  it("turns true and false into booleans on custom columns only", () => {
    expect(read("true", "custom.fleet")).toStrictEqual({ op: "eq", property: "custom.fleet", value: true });
    expect(read("= false", "custom.fleet")).toStrictEqual({ op: "eq", property: "custom.fleet", value: false });
    expect(read("true", "product")).toStrictEqual({ op: "eq", property: "product", value: "true" });
    expect(read("in true, false", "product")).toStrictEqual({
      op: "in",
      property: "product",
      values: ["true", "false"],
    });
    // Range ends are strings whatever the column.
    expect(read("[1, 2)", "custom.seats")).toStrictEqual({
      op: "between",
      property: "custom.seats",
      min: "1",
      max: "2",
    });
  });

  it("reads a time window with an en dash or a hyphen, with or without spaces", () => {
    const night = { op: "timeOfDay", property: "startTime", from: "22:00", to: "06:00" } as const;
    for (const text of ["22:00–06:00", "22:00-06:00", "22:00 – 06:00", "22:00 - 06:00"]) {
      expect(read(text, "startTime"), text).toStrictEqual(night);
    }
    // Written back with the en dash.
    expect(cellEditText(read("22:00-06:00", "startTime"))).toBe("22:00–06:00");
  });

  it("keeps a window across midnight as typed (the end earlier than the start), not swapped into a day window", () => {
    expect(read("23:30–00:30", "startTime")).toStrictEqual({
      op: "timeOfDay",
      property: "startTime",
      from: "23:30",
      to: "00:30",
    });
    // "until midnight": the end 00:00.
    expect(read("18:00–00:00", "endTime")).toStrictEqual({
      op: "timeOfDay",
      property: "endTime",
      from: "18:00",
      to: "00:00",
    });
  });

  it("reads a window only on time columns; elsewhere the text is a value", () => {
    expect(read("22:00–06:00", "cpo")).toStrictEqual({ op: "eq", property: "cpo", value: "22:00–06:00" });
    expect(read("22:00–06:00", "custom.shift")).toStrictEqual({
      op: "eq",
      property: "custom.shift",
      value: "22:00–06:00",
    });
  });

  it("reads day names on day columns: abbreviated, in full, any case, at least two letters, in the order typed", () => {
    const weekend = { op: "dayOfWeek", property: "startDay", days: ["SATURDAY", "SUNDAY"] } as const;
    for (const text of ["Sat, Sun", "sat,sun", "SATURDAY, SUNDAY", "Saturday ,Sunday", "Sa, Su"]) {
      expect(read(text, "startDay"), text).toStrictEqual(weekend);
    }
    // Two letters tell the T and S days apart.
    expect(read("Tu, Th", "startDay")).toStrictEqual({
      op: "dayOfWeek",
      property: "startDay",
      days: ["TUESDAY", "THURSDAY"],
    });
    expect(read("Sun, Mon", "startDay")).toStrictEqual({
      op: "dayOfWeek",
      property: "startDay",
      days: ["SUNDAY", "MONDAY"],
    });
    expect(read("wed", "startDay")).toStrictEqual({ op: "dayOfWeek", property: "startDay", days: ["WEDNESDAY"] });
  });

  it("reads operators, lists, set and any on day columns as such, not as day names", () => {
    expect(read("≠ SUNDAY", "startDay")).toStrictEqual({ op: "ne", property: "startDay", value: "SUNDAY" });
    expect(read("!= SUNDAY", "startDay")).toStrictEqual({ op: "ne", property: "startDay", value: "SUNDAY" });
    expect(read("not in SATURDAY", "startDay")).toStrictEqual({
      op: "notIn",
      property: "startDay",
      values: ["SATURDAY"],
    });
    expect(read("set", "startDay")).toStrictEqual({ op: "exists", property: "startDay" });
    expect(read("any", "startDay")).toBeNull();
  });

  it("leaves a value that does not suit the property to the runtime, which names it", () => {
    // A single-digit hour is no window: the text becomes an equality, and the model check refuses its value.
    const cell = read("9:00–17:00", "startTime");
    expect(cell).toStrictEqual({ op: "eq", property: "startTime", value: "9:00–17:00" });
    expect(conditionIssues(cell as Condition).map((i) => i.path)).toEqual(["condition.value"]);
    const band = read("[ten, 30)", "energyKwh");
    expect(band).toStrictEqual({ op: "between", property: "energyKwh", min: "ten", max: "30" });
    expect(conditionIssues(band as Condition).map((i) => i.path)).toEqual(["condition.min"]);
  });
});

describe("parseCell: text that cannot be read", () => {
  it("refuses an operator without a value, naming the operator as typed", () => {
    for (const symbol of ["=", "≠", "!=", "<", "≤", "<=", ">", "≥", ">="]) {
      for (const text of [symbol, ` ${symbol}   `]) {
        expect(parseCell(text, columnOf("energyKwh")), JSON.stringify(text)).toStrictEqual({
          ok: false,
          message: `a value is missing after “${symbol}”`,
        });
      }
    }
  });

  it("refuses a list without values", () => {
    for (const text of ["in ,", "in , ,", "not in ,", "NOT IN  ,  "]) {
      expect(parseCell(text, columnOf("powerType")), text).toStrictEqual({
        ok: false,
        message: "name at least one value after “in”",
      });
    }
  });

  it("refuses what is not a day on a day column, naming the first such entry", () => {
    const day = columnOf("startDay");
    expect(parseCell("Sat, Funday", day)).toStrictEqual({ ok: false, message: "“Funday” is not a day (Mon … Sun)" });
    // One letter is not enough (S could be Saturday or Sunday; T Tuesday or Thursday).
    expect(parseCell("S", day)).toStrictEqual({ ok: false, message: "“S” is not a day (Mon … Sun)" });
    expect(parseCell("Mon, T, Xyz", day)).toStrictEqual({ ok: false, message: "“T” is not a day (Mon … Sun)" });
    // Without commas the whole text is one (unknown) name.
    expect(parseCell("Sat Sun", day)).toStrictEqual({ ok: false, message: "“Sat Sun” is not a day (Mon … Sun)" });
    // A day range is not a form the table reads.
    expect(parseCell("Mon–Fri", day)).toStrictEqual({ ok: false, message: "“Mon–Fri” is not a day (Mon … Sun)" });
  });

  it("changes nothing: the cell, the table and the rules stay as they were", () => {
    const table = sampleTable();
    const before = structuredClone(table);
    for (const [property, text] of [
      ["powerKw", "≥"],
      ["powerType", "in ,"],
      ["startDay", "Sat, Funday"],
    ] as const) {
      const { table: after, parse } = typeInto(table, 0, property, text);
      expect(parse.ok, text).toBe(false);
      expect(parse).not.toHaveProperty("cell");
      expect(after).toBe(table);
    }
    expect(table).toStrictEqual(before);
    expect(decisionTableToRules(table)).toStrictEqual(sampleRuleset().rules);
  });
});

describe("what a cell means at its boundaries (the runtime's reading of the parsed condition)", () => {
  const at = (kwh: string) => sessionAt("2025-03-04T12:00:00Z", kwh);

  it("[min, max) holds from min up to but not at max; (min, max] the other way round", () => {
    expect(holds("[10, 30)", "energyKwh", at("9.99"))).toBe(false);
    expect(holds("[10, 30)", "energyKwh", at("10"))).toBe(true);
    expect(holds("[10, 30)", "energyKwh", at("29.99"))).toBe(true);
    expect(holds("[10, 30)", "energyKwh", at("30"))).toBe(false);

    expect(holds("(10, 30]", "energyKwh", at("10"))).toBe(false);
    expect(holds("(10, 30]", "energyKwh", at("10.01"))).toBe(true);
    expect(holds("(10, 30]", "energyKwh", at("30"))).toBe(true);
    expect(holds("(10, 30]", "energyKwh", at("30.01"))).toBe(false);

    expect(holds("[10, 30]", "energyKwh", at("30"))).toBe(true);
    expect(holds("(10, 30)", "energyKwh", at("10"))).toBe(false);
  });

  it("≥ and ≤ include the value, > and < do not; ASCII forms mean the same", () => {
    expect(holds("≥ 10", "energyKwh", at("10"))).toBe(true);
    expect(holds(">= 10", "energyKwh", at("10"))).toBe(true);
    expect(holds("> 10", "energyKwh", at("10"))).toBe(false);
    expect(holds("> 10", "energyKwh", at("10.01"))).toBe(true);
    expect(holds("≤ 10", "energyKwh", at("10"))).toBe(true);
    expect(holds("<= 10", "energyKwh", at("10"))).toBe(true);
    expect(holds("< 10", "energyKwh", at("10"))).toBe(false);
    expect(holds("< 10", "energyKwh", at("9.99"))).toBe(true);
    expect(holds("≠ 10", "energyKwh", at("10"))).toBe(false);
    expect(holds("!= 10", "energyKwh", at("10.5"))).toBe(true);
  });

  it("22:00–06:00 holds from 22:00 through midnight up to (not at) 06:00", () => {
    const night = (start: string) => holds("22:00–06:00", "startTime", sessionAt(start));
    expect(night("2025-03-04T21:59:00Z")).toBe(false);
    expect(night("2025-03-04T22:00:00Z")).toBe(true);
    expect(night("2025-03-04T23:10:00Z")).toBe(true);
    expect(night("2025-03-05T00:00:00Z")).toBe(true);
    expect(night("2025-03-05T05:59:00Z")).toBe(true);
    expect(night("2025-03-05T06:00:00Z")).toBe(false);
    expect(night("2025-03-05T12:00:00Z")).toBe(false);
    // Typed with a hyphen it is the same window.
    expect(holds("22:00-06:00", "startTime", sessionAt("2025-03-05T05:59:00Z"))).toBe(true);
    // A day window does not cross midnight.
    expect(holds("08:00–18:00", "startTime", sessionAt("2025-03-04T23:10:00Z"))).toBe(false);
    expect(holds("08:00–18:00", "startTime", sessionAt("2025-03-04T08:00:00Z"))).toBe(true);
  });

  it("Sat, Sun holds on the weekend only", () => {
    // 2025-03-07 is a Friday.
    const weekend = (start: string) => holds("Sat, Sun", "startDay", sessionAt(start));
    expect(weekend("2025-03-07T23:59:00Z")).toBe(false);
    expect(weekend("2025-03-08T00:00:00Z")).toBe(true);
    expect(weekend("2025-03-09T23:59:00Z")).toBe(true);
    expect(weekend("2025-03-10T00:00:00Z")).toBe(false);
    expect(holds("Mon, Tue, Wed, Thu, Fri", "startDay", sessionAt("2025-03-07T12:00:00Z"))).toBe(true);
  });
});

// --- Columns -------------------------------------------------------------------------------------------------------

describe("columnOf", () => {
  it("gives the catalogue's label, type and unit (no unit key for unitless properties)", () => {
    expect(columnOf("energyKwh")).toStrictEqual({
      property: "energyKwh",
      label: "Energy",
      type: "decimal",
      unit: "kWh",
    });
    expect(columnOf("cpo")).toStrictEqual({ property: "cpo", label: "CPO", type: "string" });
    expect(columnOf("startDay")).toStrictEqual({ property: "startDay", label: "Start day", type: "dayOfWeek" });
    expect(columnOf("custom.fleet")).toStrictEqual({ property: "custom.fleet", label: "fleet", type: "custom" });
  });

  it("builds the same columns as the SDK's table view", () => {
    expect(COLUMNS.map(columnOf)).toStrictEqual(sampleTable().columns);
  });
});

// --- Cell edits into rules -----------------------------------------------------------------------------------------

describe("editing cells: the rules rebuilt from the table", () => {
  it("replaces a test in place, leaving the other rules and the given table unchanged", () => {
    const table = sampleTable();
    const before = structuredClone(table);
    const { table: next } = typeInto(table, 0, "powerKw", "[50, 150)");
    expect(table).toStrictEqual(before);
    const rules = decisionTableToRules(next);
    const original = sampleRuleset().rules;
    expect(rules[0]).toStrictEqual({
      ...original[0],
      condition: {
        op: "all",
        conditions: [
          { op: "eq", property: "cpo", value: "NL*ABC" },
          { op: "in", property: "powerType", values: ["DC"] },
          { op: "between", property: "powerKw", min: "50", max: "150" },
        ],
      },
    });
    expect(rules.slice(1)).toStrictEqual(original.slice(1));
  });

  it("collapses to the single remaining test, then to always, as cells are emptied", () => {
    let table = sampleTable();
    table = typeInto(table, 0, "cpo", "").table;
    table = typeInto(table, 0, "powerType", "any").table;
    // One filled cell: the rule's condition is that test itself, not an "all" of one.
    expect(decisionTableToRules(table)[0]?.condition).toStrictEqual({ op: "gte", property: "powerKw", value: "50" });
    table = typeInto(table, 0, "powerKw", "  ").table;
    expect(decisionTableToRules(table)[0]?.condition).toStrictEqual({ op: "always" });
  });

  it("gives a catch-all rule its first test", () => {
    const { table } = typeInto(sampleTable(), 2, "startDay", "Mon, Tue");
    const rule = decisionTableToRules(table)[2];
    expect(rule).toStrictEqual({
      ...sampleRuleset().rules[2],
      condition: { op: "dayOfWeek", property: "startDay", days: ["MONDAY", "TUESDAY"] },
    });
  });

  it("retyping a window keeps it in its column's place in the conjunction", () => {
    const { table } = typeInto(sampleTable(), 1, "startTime", "23:00-05:00");
    expect(decisionTableToRules(table)[1]?.condition).toStrictEqual({
      op: "all",
      conditions: [
        { op: "timeOfDay", property: "startTime", from: "23:00", to: "05:00" },
        { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
      ],
    });
  });

  it("adds a column for a property no rule tests yet, empty in the other rows, last in the conjunction", () => {
    const table = sampleTable();
    const { table: next } = typeInto(table, 1, "energyKwh", "≥ 10");
    expect(next.columns.map((c) => c.property)).toEqual([...COLUMNS, "energyKwh"]);
    expect(next.columns.at(-1)).toStrictEqual(columnOf("energyKwh"));
    expect(next.rows.map((r) => r.cells.length)).toEqual([6, 6, 6]);
    expect(next.rows.map((r) => r.cells[5] ?? null)).toStrictEqual([
      null,
      { op: "gte", property: "energyKwh", value: "10" },
      null,
    ]);
    const rules = decisionTableToRules(next);
    const original = sampleRuleset().rules;
    expect(rules[1]?.condition).toStrictEqual({
      op: "all",
      conditions: [
        { op: "timeOfDay", from: "22:00", to: "06:00" },
        { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
        { op: "gte", property: "energyKwh", value: "10" },
      ],
    });
    expect(rules[0]).toStrictEqual(original[0]);
    expect(rules[2]).toStrictEqual(original[2]);
    // The given table did not grow.
    expect(table.columns).toHaveLength(5);
  });

  it("the edited table reads back as the same table (the column survives through the rule set)", () => {
    const ruleset = sampleRuleset();
    const { table } = typeInto(sampleTable(ruleset), 1, "energyKwh", "≥ 10");
    expect(sampleTable(rulesetFromDecisionTable(ruleset, table))).toStrictEqual(table);
  });
});

// --- Rows ----------------------------------------------------------------------------------------------------------

describe("adding rows", () => {
  it("appends rule-<n> with every cell empty and a copy of the last row's outcome", () => {
    const ruleset = sampleRuleset();
    const table = sampleTable(ruleset);
    const next = addRow(table, ruleset);
    expect(table.rows).toHaveLength(3);
    const added = next.rows[3];
    expect(added).toStrictEqual({
      ruleId: "rule-4",
      name: "Rule 4",
      enabled: true,
      cells: [null, null, null, null, null],
      outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement with this CPO" },
    });
    // A copy: editing the new row's outcome leaves the last rule's alone.
    const edited = withRow(next, 3, (row) => {
      if (row.outcome.type === "dropOut") row.outcome.message = "changed";
    });
    expect(edited.rows.map((r) => (r.outcome.type === "dropOut" ? r.outcome.message : r.outcome.type))).toEqual([
      "rate",
      "markup",
      "no agreement with this CPO",
      "changed",
    ]);
    const rules = decisionTableToRules(next);
    expect(ids(rules)).toEqual(["dc-fast", "night", "fallback", "rule-4"]);
    expect(rules[3]).toStrictEqual({
      id: "rule-4",
      name: "Rule 4",
      enabled: true,
      condition: { op: "always" },
      outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement with this CPO" },
    });
    expect(rules.slice(0, 3)).toStrictEqual(ruleset.rules);
  });

  it("numbers successive rows on", () => {
    const ruleset = sampleRuleset();
    const twice = addRow(addRow(sampleTable(ruleset), ruleset), ruleset);
    expect(twice.rows.map((r) => [r.ruleId, r.name])).toEqual([
      ["dc-fast", "DC fast at ABC"],
      ["night", "Night and weekend"],
      ["fallback", "Everything else"],
      ["rule-4", "Rule 4"],
      ["rule-5", "Rule 5"],
    ]);
  });

  it("starts an empty table with a rate to fill in, with the rule set's VAT when it has one", () => {
    const ruleset: Ruleset = { ...sampleRuleset(), rules: [] };
    const empty = sampleTable(ruleset);
    const first = addRow(empty, ruleset);
    expect(decisionTableToRules(first)).toStrictEqual([
      {
        id: "rule-1",
        name: "Rule 1",
        enabled: true,
        condition: { op: "always" },
        outcome: {
          type: "rate",
          tariff: { elements: [{ components: [{ dimension: "ENERGY", price: "0.00", vat: "21" }] }] },
        },
      },
    ]);
    const { vatPercent: _vat, ...noVat } = ruleset;
    expect(addRow(empty, noVat).rows[0]?.outcome).toStrictEqual({
      type: "rate",
      tariff: { elements: [{ components: [{ dimension: "ENERGY", price: "0.00" }] }] },
    });
  });

  it("never takes an id a row already has", () => {
    const table = sampleTable();
    const withIds = (...ruleIds: string[]): DecisionTable => ({
      ...table,
      rows: ruleIds.map((ruleId) => ({ ...(table.rows[0] as DecisionTable["rows"][number]), ruleId })),
    });
    expect(freshRuleId(withIds())).toBe("rule-1");
    expect(freshRuleId(withIds("a", "b"))).toBe("rule-3");
    // Two rows, but rule-3 and rule-4 are taken (e.g. rule-2 was deleted): the next free number above.
    expect(freshRuleId(withIds("rule-3", "rule-4"))).toBe("rule-5");
    expect(freshRuleId(withIds("rule-1", "rule-3"))).toBe("rule-4");
    const next = addRow(withIds("rule-1", "rule-3"), sampleRuleset());
    expect(next.rows.map((r) => r.ruleId)).toEqual(["rule-1", "rule-3", "rule-4"]);
    expect(new Set(next.rows.map((r) => r.ruleId)).size).toBe(3);
  });
});

describe("deleting rows", () => {
  it("removes exactly that rule, the others unchanged and in order", () => {
    const table = sampleTable();
    const next = deleteRow(table, 1);
    const original = sampleRuleset().rules;
    expect(decisionTableToRules(next)).toStrictEqual([original[0], original[2]]);
    expect(table.rows).toHaveLength(3);
    expect(ids(decisionTableToRules(deleteRow(next, 0)))).toEqual(["fallback"]);
    expect(decisionTableToRules(deleteRow(deleteRow(next, 0), 0))).toEqual([]);
  });

  it("keeps the columns (an emptied column is dropped when the rule set is read back)", () => {
    const ruleset = sampleRuleset();
    const next = deleteRow(sampleTable(ruleset), 1);
    expect(next.columns.map((c) => c.property)).toEqual(COLUMNS);
    const reread = sampleTable(rulesetFromDecisionTable(ruleset, next));
    expect(reread.columns.map((c) => c.property)).toEqual(["cpo", "powerType", "powerKw"]);
  });
});

describe("moving rows", () => {
  it("moves a rule with its tests and outcome one place up or down", () => {
    const table = sampleTable();
    const original = sampleRuleset().rules;
    const up = moveRow(table, 2, -1);
    expect(decisionTableToRules(up)).toStrictEqual([original[0], original[2], original[1]]);
    const down = moveRow(table, 0, 1);
    expect(decisionTableToRules(down)).toStrictEqual([original[1], original[0], original[2]]);
    expect(ids(decisionTableToRules(table))).toEqual(["dc-fast", "night", "fallback"]);
  });

  it("moving down and back up restores the rules exactly", () => {
    const table = sampleTable();
    expect(decisionTableToRules(moveRow(moveRow(table, 1, 1), 2, -1))).toStrictEqual(sampleRuleset().rules);
  });

  it("does nothing past either end", () => {
    const table = sampleTable();
    expect(ids(decisionTableToRules(moveRow(table, 0, -1)))).toEqual(["dc-fast", "night", "fallback"]);
    expect(ids(decisionTableToRules(moveRow(table, 2, 1)))).toEqual(["dc-fast", "night", "fallback"]);
  });
});

// --- Outcomes ------------------------------------------------------------------------------------------------------

describe("editing outcomes", () => {
  it("changes one rate amount in that rule only, on a copy", () => {
    const table = sampleTable();
    const next = withRow(table, 0, (row) => {
      if (row.outcome.type !== "rate") throw new Error("expected a rate");
      const flat = row.outcome.tariff.elements[0]?.components[1];
      if (flat) flat.price = "0.75";
    });
    const rules = decisionTableToRules(next);
    const original = sampleRuleset().rules;
    expect(rules[0]).toStrictEqual({ ...original[0], outcome: rate("0.59", "0.75") });
    expect(rules.slice(1)).toStrictEqual(original.slice(1));
    // The table the edit started from still has the old amount.
    expect(decisionTableToRules(table)[0]?.outcome).toStrictEqual(rate("0.59", "0.50"));
  });

  it("sets and clears markup fields, renames and disables rows", () => {
    const table = sampleTable();
    let next = withRow(table, 1, (row) => {
      if (row.outcome.type !== "markup") throw new Error("expected a markup");
      row.outcome.perKwh = "0.05";
      delete row.outcome.factor;
      row.name = "Night";
      row.enabled = false;
    });
    expect(decisionTableToRules(next)[1]).toStrictEqual({
      ...sampleRuleset().rules[1],
      name: "Night",
      enabled: false,
      outcome: { type: "markup", perKwh: "0.05" },
    });
    // A row that does not exist: no change.
    next = withRow(next, 7, (row) => {
      row.name = "nowhere";
    });
    expect(next.rows.map((r) => r.name)).toEqual(["DC fast at ABC", "Night", "Everything else"]);
  });

  it("starts each outcome type with amounts to fill in", () => {
    const ruleset = sampleRuleset();
    expect(defaultOutcome("markup", ruleset)).toStrictEqual({ type: "markup", factor: "1" });
    // The first script by name.
    expect(defaultOutcome("script", ruleset)).toStrictEqual({ type: "script", script: "alpha" });
    const { scripts: _scripts, ...noScripts } = ruleset;
    expect(defaultOutcome("script", noScripts)).toStrictEqual({ type: "script", script: "" });
    expect(defaultOutcome("dropOut", ruleset)).toStrictEqual({
      type: "dropOut",
      reason: "NOT_PRICED",
      message: "not priced by this rule set",
    });
  });

  it("names price components and their units", () => {
    expect(componentUnit("ENERGY", "EUR")).toBe("EUR/kWh");
    expect(componentUnit("FLAT", "EUR")).toBe("EUR");
    expect(componentUnit("TIME", "EUR")).toBe("EUR/h");
    expect(componentUnit("PARKING_TIME", "EUR")).toBe("EUR/h");
    expect(componentLabel("PARKING_TIME")).toBe("Parking");
    expect(componentLabel("FLAT")).toBe("Start fee");
    expect(componentLabel("ENERGY")).toBe("Energy");
    expect(componentLabel("TIME")).toBe("Time");
  });
});

// --- Back to the rule set ------------------------------------------------------------------------------------------

describe("the rule set rebuilt from the table", () => {
  it("an unedited table gives the same rules and rule set", () => {
    const ruleset = sampleRuleset();
    expect(decisionTableToRules(sampleTable(ruleset))).toStrictEqual(ruleset.rules);
    expect(rulesetFromDecisionTable(ruleset, sampleTable(ruleset))).toStrictEqual(ruleset);
  });

  it("keeps everything but the rules and the hit policy, through a series of edits", () => {
    const ruleset = sampleRuleset();
    let table = sampleTable(ruleset);
    table = addRow(table, ruleset); // rule-4 (drop-out, always)
    table = typeInto(table, 3, "cpo", "in DE*ION, BE*ALL").table;
    table = moveRow(table, 3, -1); // rule-4 above the catch-all
    table = deleteRow(table, 1); // without "night"
    table = { ...table, hitPolicy: "collect" };
    const next = rulesetFromDecisionTable(ruleset, table);
    const { rules: _rules, hitPolicy: _policy, ...kept } = ruleset;
    const { rules, hitPolicy, ...rest } = next;
    expect(rest).toStrictEqual(kept);
    expect(hitPolicy).toBe("collect");
    expect(rules).toStrictEqual([
      ruleset.rules[0],
      {
        id: "rule-4",
        name: "Rule 4",
        enabled: true,
        condition: { op: "in", property: "cpo", values: ["DE*ION", "BE*ALL"] },
        outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement with this CPO" },
      },
      ruleset.rules[2],
    ]);
    // The model check finds nothing wrong with the result.
    expect(rulesetIssues(next)).toEqual([]);
  });
});

// --- Problems on the table -----------------------------------------------------------------------------------------

describe("placeIssue", () => {
  const table = sampleTable();

  it("puts conditions[k] on the row's k-th filled cell", () => {
    expect(placeIssue("rules[0].condition.conditions[0].value", table, decisionTableToRules(table))).toEqual({
      row: 0,
      column: 0,
    });
    expect(placeIssue("rules[0].condition.conditions[2].value", table, decisionTableToRules(table))).toEqual({
      row: 0,
      column: 2,
    });
    // Row 1 fills columns 3 and 4 only.
    expect(placeIssue("rules[1].condition.conditions[0].from", table, decisionTableToRules(table))).toEqual({
      row: 1,
      column: 3,
    });
    expect(placeIssue("rules[1].condition.conditions[1].days[0]", table, decisionTableToRules(table))).toEqual({
      row: 1,
      column: 4,
    });
    // No such test: the row.
    expect(placeIssue("rules[1].condition.conditions[5].value", table, decisionTableToRules(table))).toEqual({
      row: 1,
      column: "row",
    });
  });

  it("puts a row's only test on its cell, and a whole conjunction on the row", () => {
    const single = typeInto(table, 2, "startDay", "Mon").table;
    expect(placeIssue("rules[2].condition.days", single, decisionTableToRules(single))).toEqual({ row: 2, column: 4 });
    expect(placeIssue("rules[0].condition", table, decisionTableToRules(table))).toEqual({ row: 0, column: "row" });
  });

  it("places outcomes, row fields and prefixed paths; leaves the rule set's own problems unplaced", () => {
    expect(
      placeIssue("rules[0].outcome.tariff.elements[0].components[1].price", table, decisionTableToRules(table)),
    ).toEqual({
      row: 0,
      column: "outcome",
    });
    expect(placeIssue("body.content.rules[2].outcome.reason", table, decisionTableToRules(table))).toEqual({
      row: 2,
      column: "outcome",
    });
    expect(placeIssue("content.rules[1].name", table, decisionTableToRules(table))).toEqual({ row: 1, column: "row" });
    expect(placeIssue("rules[3].outcome", table, decisionTableToRules(table))).toEqual({ row: null });
    expect(placeIssue("currency", table, decisionTableToRules(table))).toEqual({ row: null });
    expect(placeIssue("scripts.alpha", table, decisionTableToRules(table))).toEqual({ row: null });
  });

  it("places the model check's problems with a typed cell on that cell", () => {
    const ruleset = sampleRuleset();
    const edited = typeInto(sampleTable(ruleset), 0, "powerKw", "≥ fifty").table;
    const issues = rulesetIssues(rulesetFromDecisionTable(ruleset, edited));
    expect(issues.map((i) => i.path)).toEqual(["rules[0].condition.conditions[2].value"]);
    const place = placeIssue(issues[0]?.path ?? "", edited, decisionTableToRules(edited));
    expect(place).toEqual({ row: 0, column: 2 });
    expect(edited.columns[2]?.property).toBe("powerKw");
  });

  it("finds a test by its place in the rule when the blocks list the tests out of column order", () => {
    const ruleset = sampleRuleset();
    // Written in the blocks: power first, then the CPO (the table's columns are cpo, powerType, powerKw, …).
    ruleset.rules[1] = {
      id: "ionity-fast",
      name: "Fast at ION",
      enabled: true,
      condition: {
        op: "all",
        conditions: [
          { op: "gte", property: "powerKw", value: "fifty" },
          { op: "eq", property: "cpo", value: "DE*ION" },
        ],
      },
      outcome: { type: "markup", factor: "1.10" },
    };
    const table = sampleTable(ruleset);
    expect(table.columns.map((c) => c.property)).toEqual(["cpo", "powerType", "powerKw"]);
    const issues = rulesetIssues(ruleset);
    expect(issues.map((i) => i.path)).toEqual(["rules[1].condition.conditions[0].value"]);
    // conditions[0] is the power test: column 2, not the row's first filled cell (cpo, column 0).
    expect(placeIssue(issues[0]?.path ?? "", table, ruleset.rules)).toEqual({ row: 1, column: 2 });
    expect(placeIssue("rules[1].condition.conditions[1].value", table, ruleset.rules)).toEqual({ row: 1, column: 0 });
  });

  it("skips an always inside an all, which has no cell, and puts its own problems on the row", () => {
    const ruleset = sampleRuleset();
    ruleset.rules[1] = {
      id: "weekend",
      name: "Weekend at ABC",
      enabled: true,
      condition: {
        op: "all",
        conditions: [
          { op: "always" },
          { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
          { op: "eq", property: "cpo", value: "NL*ABC" },
        ],
      },
      outcome: { type: "markup", factor: "1.10" },
    };
    const table = sampleTable(ruleset);
    // Columns: cpo 0, powerType 1, powerKw 2 (rule 0), startDay 3 (rule 1).
    expect(table.columns.map((c) => c.property)).toEqual(["cpo", "powerType", "powerKw", "startDay"]);
    expect(placeIssue("rules[1].condition.conditions[1].days[0]", table, ruleset.rules)).toEqual({
      row: 1,
      column: 3,
    });
    expect(placeIssue("rules[1].condition.conditions[2].value", table, ruleset.rules)).toEqual({ row: 1, column: 0 });
    expect(placeIssue("rules[1].condition.conditions[0]", table, ruleset.rules)).toEqual({ row: 1, column: "row" });
  });

  it("files problems under row:column keys", () => {
    expect(issueKey(0, 2)).toBe("0:2");
    expect(issueKey(3, "outcome")).toBe("3:outcome");
    expect(issueKey(1, "row")).toBe("1:row");
  });
});
