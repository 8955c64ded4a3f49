// The decision-table view of a ruleset: one column per property the conditions test, one row per rule, a cell holding
// the rule's test on that property (or nothing = any value), and the outcome. A ruleset has a table view when every
// rule's condition is table-shaped: "always", one property test, or "all" of property tests with at most one test
// per property. Converting a table back gives the same rules (conditions in column order).
import {
  type Condition,
  conditionProperty,
  isCombinator,
  type PropertyCondition,
  type TimeOfDayCondition,
} from "./condition.ts";
import type { Outcome } from "./outcome.ts";
import { OP_SYMBOLS, type PropertyName, type PropertyType, propertyDefinition } from "./properties.ts";
import type { Rule, Ruleset } from "./ruleset.ts";

/** A column: one property. */
export interface DecisionColumn {
  property: PropertyName;
  label: string;
  type: PropertyType;
  unit?: string;
}

/** A row: one rule. `cells[i]` is the test on `columns[i].property`; null = any value. */
export interface DecisionRow {
  ruleId: string;
  name: string;
  description?: string;
  enabled: boolean;
  tags?: string[];
  cells: (PropertyCondition | null)[];
  outcome: Outcome;
}

export interface DecisionTable {
  rulesetId: string;
  hitPolicy: Ruleset["hitPolicy"];
  columns: DecisionColumn[];
  rows: DecisionRow[];
}

/** A rule whose condition has no table form, and why. */
export interface NonTabularRule {
  ruleId: string;
  reason: string;
}

export type DecisionTableResult = { ok: true; table: DecisionTable } | { ok: false; rules: NonTabularRule[] };

/** The per-property tests of a condition, or a reason why it is not table-shaped. */
function tests(c: Condition): PropertyCondition[] | string {
  if (c.op === "always") return [];
  if (!isCombinator(c)) return [c];
  if (c.op !== "all") return `its condition uses "${c.op}" (a table row is a conjunction of per-property tests)`;
  const out: PropertyCondition[] = [];
  const seen = new Set<string>();
  for (const sub of c.conditions) {
    if (isCombinator(sub)) {
      if (sub.op === "always") continue;
      return `its condition nests "${sub.op}" inside "all"`;
    }
    const property = conditionProperty(sub);
    if (seen.has(property)) return `its condition tests ${property} more than once`;
    seen.add(property);
    out.push(sub);
  }
  return out;
}

/** The decision table of a ruleset, or the rules that prevent one. */
export function rulesetToDecisionTable(ruleset: Ruleset): DecisionTableResult {
  const columns: DecisionColumn[] = [];
  const index = new Map<string, number>();
  const perRule: PropertyCondition[][] = [];
  const problems: NonTabularRule[] = [];
  for (const rule of ruleset.rules) {
    const t = tests(rule.condition);
    if (typeof t === "string") {
      problems.push({ ruleId: rule.id, reason: t });
      continue;
    }
    perRule.push(t);
    for (const test of t) {
      const property = conditionProperty(test);
      if (index.has(property)) continue;
      index.set(property, columns.length);
      const def = propertyDefinition(property);
      const column: DecisionColumn = { property, label: def?.label ?? property, type: def?.type ?? "custom" };
      if (def?.unit !== undefined) column.unit = def.unit;
      columns.push(column);
    }
  }
  if (problems.length > 0) return { ok: false, rules: problems };
  const rows = ruleset.rules.map((rule, i): DecisionRow => {
    const cells: (PropertyCondition | null)[] = columns.map(() => null);
    for (const test of perRule[i] ?? []) cells[index.get(conditionProperty(test)) as number] = test;
    const row: DecisionRow = { ruleId: rule.id, name: rule.name, enabled: rule.enabled, cells, outcome: rule.outcome };
    if (rule.description !== undefined) row.description = rule.description;
    if (rule.tags !== undefined) row.tags = rule.tags;
    return row;
  });
  return { ok: true, table: { rulesetId: ruleset.id, hitPolicy: ruleset.hitPolicy, columns, rows } };
}

/** The rules of a decision table: no cells → "always", one cell → that test, more → "all" in column order. */
export function decisionTableToRules(table: DecisionTable): Rule[] {
  return table.rows.map((row) => {
    const cells = row.cells.filter((c): c is PropertyCondition => c !== null);
    const condition: Condition =
      cells.length === 0
        ? { op: "always" }
        : cells.length === 1
          ? (cells[0] as PropertyCondition)
          : { op: "all", conditions: cells };
    const rule: Rule = { id: row.ruleId, name: row.name, enabled: row.enabled, condition, outcome: row.outcome };
    if (row.description !== undefined) rule.description = row.description;
    if (row.tags !== undefined) rule.tags = row.tags;
    return rule;
  });
}

/** The ruleset with its rules replaced by those of `table` (and its hit policy by the table's). */
export function rulesetFromDecisionTable(ruleset: Ruleset, table: DecisionTable): Ruleset {
  return { ...ruleset, hitPolicy: table.hitPolicy, rules: decisionTableToRules(table) };
}

const DAY_ABBREVIATIONS: Record<string, string> = {
  MONDAY: "Mon",
  TUESDAY: "Tue",
  WEDNESDAY: "Wed",
  THURSDAY: "Thu",
  FRIDAY: "Fri",
  SATURDAY: "Sat",
  SUNDAY: "Sun",
};

function windowText(c: TimeOfDayCondition): string {
  if (c.from === c.to) return "all day";
  return `${c.from}–${c.to}`;
}

/** A cell as text: "= NL*ABC", "[10, 30)", "in AC, DC", "22:00–06:00", "Sat, Sun", "≥ 10", "any" (null). */
export function cellText(cell: PropertyCondition | null): string {
  if (cell === null) return "any";
  switch (cell.op) {
    case "between":
      return `${cell.minInclusive === false ? "(" : "["}${cell.min}, ${cell.max}${cell.maxInclusive === true ? "]" : ")"}`;
    case "in":
      return `in ${cell.values.map(String).join(", ")}`;
    case "notIn":
      return `not in ${cell.values.map(String).join(", ")}`;
    case "timeOfDay":
      return windowText(cell);
    case "dayOfWeek":
      return cell.days.map((d) => DAY_ABBREVIATIONS[d] ?? d).join(", ");
    case "exists":
      return "set";
    default:
      return `${OP_SYMBOLS[cell.op]} ${String(cell.value)}`;
  }
}

/** An outcome as short text for a table's outcome column. */
export function outcomeText(o: Outcome): string {
  switch (o.type) {
    case "rate": {
      const parts = o.tariff.elements.flatMap((e) =>
        e.components.map((c) => {
          const unit = c.dimension === "ENERGY" ? "/kWh" : c.dimension === "FLAT" ? "" : "/h";
          const name = c.dimension === "PARKING_TIME" ? "parking" : c.dimension.toLowerCase();
          return `${name} ${c.price}${unit}`;
        }),
      );
      return `rate: ${parts.join(", ")}`;
    }
    case "markup": {
      const base = o.base ?? "purchaseCost";
      const parts: string[] = [];
      if (base !== "none") parts.push(`${base === "purchaseCost" ? "cost" : "subtotal"} × ${o.factor ?? "1"}`);
      if (o.perKwh !== undefined) parts.push(`${o.perKwh}/kWh`);
      if (o.perHour !== undefined) parts.push(`${o.perHour}/h`);
      if (o.fixed !== undefined) parts.push(o.fixed);
      const bounds: string[] = [];
      if (o.min !== undefined) bounds.push(`min ${o.min}`);
      if (o.max !== undefined) bounds.push(`max ${o.max}`);
      if (o.minMarkup !== undefined) bounds.push(`markup ≥ ${o.minMarkup}`);
      if (o.maxMarkup !== undefined) bounds.push(`markup ≤ ${o.maxMarkup}`);
      return `markup: ${parts.join(" + ") || "0"}${bounds.length > 0 ? ` (${bounds.join(", ")})` : ""}`;
    }
    case "script":
      return `script: ${o.script}`;
    case "dropOut":
      return `drop out: ${o.reason}`;
  }
}
