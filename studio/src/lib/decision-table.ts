// Editing a rule set as a decision table (the SDK's `rulesetToDecisionTable` / `rulesetFromDecisionTable`): a cell's
// test written as short text and read back, rows added, removed and moved, outcome amounts changed, and the runtime's
// problems (paths into the rule set) placed on the row and cell they are about. Every edit returns a new table; the
// rule set is rebuilt from it, so the table and the blocks keep sharing one draft content.
import {
  type Condition,
  cellText,
  conditionProperty,
  type DecisionColumn,
  type DecisionRow,
  type DecisionTable,
  isCombinator,
  type Outcome,
  type PropertyCondition,
  type PropertyName,
  propertyDefinition,
  type Rule,
  type Ruleset,
} from "@voltrate/sdk/rules";

const DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
type Day = (typeof DAYS)[number];

/** A copy of the table that edits may change freely. */
export function cloneTable(table: DecisionTable): DecisionTable {
  return structuredClone(table);
}

/** The column of a property (for a column the rules do not test yet). */
export function columnOf(property: PropertyName): DecisionColumn {
  const def = propertyDefinition(property);
  const column: DecisionColumn = { property, label: def?.label ?? property, type: def?.type ?? "custom" };
  if (def?.unit !== undefined) column.unit = def.unit;
  return column;
}

/**
 * A cell as the text a person edits: "" for any value, "= NL*ABC", "[10, 30)", "in AC, DC", "22:00–06:00", "Sat, Sun".
 * The SDK's display text, except that an empty cell is empty and a window always shows both ends (the display says
 * "all day" for one that starts where it ends, which would not read back).
 */
export function cellEditText(cell: PropertyCondition | null): string {
  if (cell === null) return "";
  if (cell.op === "timeOfDay") return `${cell.from}–${cell.to}`;
  return cellText(cell);
}

export type CellParse = { ok: true; cell: PropertyCondition | null } | { ok: false; message: string };

const COMPARISONS: [string, "eq" | "ne" | "lt" | "lte" | "gt" | "gte"][] = [
  ["<=", "lte"],
  [">=", "gte"],
  ["!=", "ne"],
  ["≠", "ne"],
  ["≤", "lte"],
  ["≥", "gte"],
  ["=", "eq"],
  ["<", "lt"],
  [">", "gt"],
];

/** A value as the condition keeps it: booleans only for custom properties. */
function conditionValueOf(text: string, column: DecisionColumn): string | boolean {
  if (column.type === "custom" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function listOf(text: string, column: DecisionColumn): (string | boolean)[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "")
    .map((v) => conditionValueOf(v, column));
}

function dayOf(text: string): Day | undefined {
  const t = text.trim().toUpperCase();
  if (t.length < 2) return undefined;
  return DAYS.find((d) => d.startsWith(t));
}

/**
 * Reads a cell's text for `column`: empty or "any" = any value; "= v", "≠ v" (or "!="), "<", "≤" ("<="), ">", "≥"
 * (">="); "[min, max)" with brackets for inclusive and parentheses for exclusive ends; "in a, b" and "not in a, b";
 * "set"; on time columns "HH:MM–HH:MM" (a window, crossing midnight when the end is earlier); on day columns day
 * names ("Sat, Sun"). A bare value means "= value". Whether the value suits the property is the runtime's to say.
 */
export function parseCell(text: string, column: DecisionColumn): CellParse {
  const t = text.trim();
  const property = column.property;
  if (t === "" || t.toLowerCase() === "any") return { ok: true, cell: null };
  if (t.toLowerCase() === "set") return { ok: true, cell: { op: "exists", property } };
  const range = /^([[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])$/.exec(t);
  if (range) {
    const [, open, min, max, close] = range as unknown as [string, string, string, string, string];
    const cell: PropertyCondition = { op: "between", property, min, max };
    if (open === "(") cell.minInclusive = false;
    if (close === "]") cell.maxInclusive = true;
    return { ok: true, cell };
  }
  const list = /^(not\s+in|in)\s+(.+)$/i.exec(t);
  if (list) {
    const values = listOf(list[2] as string, column);
    if (values.length === 0) return { ok: false, message: "name at least one value after “in”" };
    const op = (list[1] as string).toLowerCase().startsWith("not") ? "notIn" : "in";
    return { ok: true, cell: { op, property, values } };
  }
  if (column.type === "time") {
    const span = /^(\d{2}:\d{2})\s*[–-]\s*(\d{2}:\d{2})$/.exec(t);
    if (span) return { ok: true, cell: { op: "timeOfDay", property, from: span[1] as string, to: span[2] as string } };
  }
  if (column.type === "dayOfWeek" && !/^[=<>!≠≤≥]/.test(t)) {
    const names = t.split(",").map((d) => d.trim());
    const days = names.map(dayOf);
    const unknown = names.find((_, i) => days[i] === undefined);
    if (unknown !== undefined) return { ok: false, message: `“${unknown}” is not a day (Mon … Sun)` };
    return { ok: true, cell: { op: "dayOfWeek", property, days: days as Day[] } };
  }
  for (const [symbol, op] of COMPARISONS) {
    if (t.startsWith(symbol)) {
      const value = t.slice(symbol.length).trim();
      if (value === "") return { ok: false, message: `a value is missing after “${symbol}”` };
      return { ok: true, cell: { op, property, value: conditionValueOf(value, column) } };
    }
  }
  return { ok: true, cell: { op: "eq", property, value: conditionValueOf(t, column) } };
}

/** A table with `cell` in row `row`, column `column` (a new column is added when the table does not have it). */
export function withCell(
  table: DecisionTable,
  row: number,
  column: DecisionColumn,
  cell: PropertyCondition | null,
): DecisionTable {
  const next = cloneTable(table);
  let at = next.columns.findIndex((c) => c.property === column.property);
  if (at < 0) {
    at = next.columns.length;
    next.columns.push(column);
    for (const r of next.rows) r.cells.push(null);
  }
  const target = next.rows[row];
  if (target) target.cells[at] = cell;
  return next;
}

/** A table with row `row` changed by `change` (on a copy). */
export function withRow(table: DecisionTable, row: number, change: (row: DecisionRow) => void): DecisionTable {
  const next = cloneTable(table);
  const target = next.rows[row];
  if (target) change(target);
  return next;
}

/** A table with row `from` moved by `by` places (−1 up, +1 down). */
export function moveRow(table: DecisionTable, from: number, by: -1 | 1): DecisionTable {
  const to = from + by;
  if (to < 0 || to >= table.rows.length) return table;
  const next = cloneTable(table);
  const [moved] = next.rows.splice(from, 1);
  if (moved) next.rows.splice(to, 0, moved);
  return next;
}

export function deleteRow(table: DecisionTable, row: number): DecisionTable {
  const next = cloneTable(table);
  next.rows.splice(row, 1);
  return next;
}

/** A rule id not used yet: "rule-<n>". */
export function freshRuleId(table: DecisionTable): string {
  const taken = new Set(table.rows.map((r) => r.ruleId));
  let n = table.rows.length + 1;
  while (taken.has(`rule-${n}`)) n++;
  return `rule-${n}`;
}

export const OUTCOME_LABELS: Record<Outcome["type"], string> = {
  rate: "Rate",
  markup: "Markup",
  script: "Script",
  dropOut: "Drop out",
};

/** A starting outcome of a type, for a new row or a changed type: amounts the editor fills in. */
export function defaultOutcome(type: Outcome["type"], ruleset: Ruleset): Outcome {
  switch (type) {
    case "rate":
      return {
        type: "rate",
        tariff: {
          elements: [
            {
              components: [
                { dimension: "ENERGY", price: "0.00", ...(ruleset.vatPercent ? { vat: ruleset.vatPercent } : {}) },
              ],
            },
          ],
        },
      };
    case "markup":
      return { type: "markup", factor: "1" };
    case "script":
      return { type: "script", script: Object.keys(ruleset.scripts ?? {}).sort()[0] ?? "" };
    case "dropOut":
      return { type: "dropOut", reason: "NOT_PRICED", message: "not priced by this rule set" };
  }
}

/** A new row at the end: any value in every column, the outcome of the last row (or a rate to fill in). */
export function addRow(table: DecisionTable, ruleset: Ruleset): DecisionTable {
  const next = cloneTable(table);
  const last = next.rows.at(-1);
  next.rows.push({
    ruleId: freshRuleId(table),
    name: `Rule ${table.rows.length + 1}`,
    enabled: true,
    cells: next.columns.map(() => null),
    outcome: last ? structuredClone(last.outcome) : defaultOutcome("rate", ruleset),
  });
  return next;
}

/** The markup fields a table edits, in the order shown. */
export const MARKUP_FIELDS = [
  ["factor", "× factor"],
  ["perKwh", "per kWh"],
  ["perHour", "per hour"],
  ["fixed", "fixed"],
  ["min", "min"],
  ["max", "max"],
] as const;

export type MarkupField = (typeof MARKUP_FIELDS)[number][0];

/** The unit a rate component's price is per. */
export function componentUnit(dimension: string, currency: string): string {
  if (dimension === "ENERGY") return `${currency}/kWh`;
  if (dimension === "FLAT") return currency;
  return `${currency}/h`;
}

export function componentLabel(dimension: string): string {
  if (dimension === "PARKING_TIME") return "Parking";
  if (dimension === "FLAT") return "Start fee";
  return dimension.charAt(0) + dimension.slice(1).toLowerCase();
}

// --- Problems on the table --------------------------------------------------------------------------------------

/** Where a problem belongs: a row, and in it a condition column, the outcome, or the row as a whole. */
export type IssuePlace = { row: number; column: number | "outcome" | "row" } | { row: null };

/** The column of a property test, or the whole row when the table has no such column. */
function columnOfTest(test: Condition, table: DecisionTable): number | "row" {
  if (isCombinator(test)) return "row";
  const property = conditionProperty(test);
  const at = table.columns.findIndex((c) => c.property === property);
  return at < 0 ? "row" : at;
}

/**
 * Places a problem path ("rules[2].condition.conditions[1].value", "rules[0].outcome.tariff…") on the table.
 * `conditions[k]` is looked up in the rule itself, not counted along the row's cells: a rule written in the blocks
 * may list its tests in any order, or keep an `always` inside its `all`, and the table shows neither.
 */
export function placeIssue(path: string, table: DecisionTable, rules: readonly Rule[]): IssuePlace {
  const m = /^(?:body\.content\.|content\.)?rules\[(\d+)\](.*)$/.exec(path);
  if (!m) return { row: null };
  const row = Number(m[1]);
  const rest = m[2] ?? "";
  const rule = rules[row];
  if (!table.rows[row] || !rule) return { row: null };
  if (rest.startsWith(".outcome")) return { row, column: "outcome" };
  if (rest.startsWith(".condition")) {
    const condition = rule.condition;
    const sub = /^\.condition\.conditions\[(\d+)\]/.exec(rest);
    if (sub) {
      const test = condition.op === "all" ? condition.conditions[Number(sub[1])] : undefined;
      return { row, column: test ? columnOfTest(test, table) : "row" };
    }
    return { row, column: columnOfTest(condition, table) };
  }
  return { row, column: "row" };
}

/** The key a placed problem is filed under: "<row>:<column>", "<row>:outcome", "<row>:row". */
export function issueKey(row: number, column: number | "outcome" | "row"): string {
  return `${row}:${column}`;
}
