// Conditions: when a rule applies. A tree of combinators (all, any, not, always) over property tests. Plain JSON:
// decimals are strings, times "HH:MM", dates "YYYY-MM-DD", days "MONDAY" … "SUNDAY".
import { z } from "zod";
import type { DayOfWeek } from "../tariff/model.ts";
import {
  COMPARISON_OPS,
  type ComparisonOp,
  OPERATORS_BY_TYPE,
  type PropertyDefinition,
  type PropertyName,
  propertyDefinition,
} from "./properties.ts";

/**
 * A value in a condition. Strings for everything (decimals as decimal strings, "HH:MM", "YYYY-MM-DD", day names,
 * enum values); booleans only for custom properties.
 */
export type ConditionValue = string | boolean;

/** Holds for every session. */
export interface AlwaysCondition {
  op: "always";
}

/** Holds when every sub-condition holds (an empty list holds). */
export interface AllCondition {
  op: "all";
  conditions: Condition[];
}

/** Holds when at least one sub-condition holds (an empty list never holds). */
export interface AnyCondition {
  op: "any";
  conditions: Condition[];
}

/** Holds when the sub-condition does not. */
export interface NotCondition {
  op: "not";
  condition: Condition;
}

/**
 * `property <op> value`: eq =, ne ≠, lt <, lte ≤, gt >, gte ≥. On a session where the property has no value (e.g. no
 * subscription), `ne` holds and every other comparison fails.
 */
export interface ComparisonCondition {
  op: ComparisonOp;
  property: PropertyName;
  value: ConditionValue;
}

/**
 * `min ≤ property < max` by default: `minInclusive` defaults to true and `maxInclusive` to false (half-open bands
 * that tile without overlap, like OCPI's min_kwh/max_kwh). Fails when the property has no value.
 */
export interface BetweenCondition {
  op: "between";
  property: PropertyName;
  min: string;
  max: string;
  /** Whether `min` itself is inside the range (default true). */
  minInclusive?: boolean;
  /** Whether `max` itself is inside the range (default false). */
  maxInclusive?: boolean;
}

/** `property ∈ values` (in) or `property ∉ values` (notIn). A missing value is in no list: notIn holds. */
export interface ListCondition {
  op: "in" | "notIn";
  property: PropertyName;
  values: ConditionValue[];
}

/**
 * A local time-of-day window on a time property (default `startTime`): `from` inclusive, `to` exclusive, "HH:MM".
 * When `to` ≤ `from` the window crosses midnight (22:00–06:00 holds at 23:10 and at 05:59); `to` "00:00" means "until
 * midnight"; `from` = `to` is the whole day.
 */
export interface TimeOfDayCondition {
  op: "timeOfDay";
  /** A time property; default "startTime". */
  property?: PropertyName;
  from: string;
  to: string;
}

/** Holds when a day-of-week property (default `startDay`) is one of `days`. */
export interface DayOfWeekCondition {
  op: "dayOfWeek";
  /** A day-of-week property; default "startDay". */
  property?: PropertyName;
  days: DayOfWeek[];
}

/** Holds when the property has a value for this session (e.g. the driver has a subscription). */
export interface ExistsCondition {
  op: "exists";
  property: PropertyName;
}

/** The tests on one property. */
export type PropertyCondition =
  | ComparisonCondition
  | BetweenCondition
  | ListCondition
  | TimeOfDayCondition
  | DayOfWeekCondition
  | ExistsCondition;

/** When a rule applies. */
export type Condition = AlwaysCondition | AllCondition | AnyCondition | NotCondition | PropertyCondition;

/** Every `op`. */
export const CONDITION_OPS = [
  "always",
  "all",
  "any",
  "not",
  ...COMPARISON_OPS,
  "between",
  "in",
  "notIn",
  "timeOfDay",
  "dayOfWeek",
  "exists",
] as const;

const DAY_NAMES = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;

/** "HH:MM", 00:00–23:59. */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** "YYYY-MM-DD". */
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** A decimal string: optional sign, digits, optional fraction ("10", "-0.05", "7.25"). No exponent. */
export const DECIMAL_PATTERN = /^[+-]?\d+(\.\d+)?$/;

const property = z.string({ error: "expected a property name" });
const value = z.union([z.string(), z.boolean()], { error: "expected a string (or a boolean for custom properties)" });
const time = z.string().regex(TIME_OF_DAY_PATTERN, { error: 'expected a local time "HH:MM" (00:00–23:59)' });

/** The zod schema of a condition (structure only; `conditionIssues` checks properties, operators and values). */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion(
    "op",
    [
      z.strictObject({ op: z.literal("always") }),
      z.strictObject({ op: z.literal("all"), conditions: z.array(conditionSchema) }),
      z.strictObject({ op: z.literal("any"), conditions: z.array(conditionSchema) }),
      z.strictObject({ op: z.literal("not"), condition: conditionSchema }),
      z.strictObject({ op: z.enum(COMPARISON_OPS), property, value }),
      z.strictObject({
        op: z.literal("between"),
        property,
        min: z.string(),
        max: z.string(),
        minInclusive: z.boolean().optional(),
        maxInclusive: z.boolean().optional(),
      }),
      z.strictObject({ op: z.enum(["in", "notIn"]), property, values: z.array(value).min(1) }),
      z.strictObject({ op: z.literal("timeOfDay"), property: property.optional(), from: time, to: time }),
      z.strictObject({
        op: z.literal("dayOfWeek"),
        property: property.optional(),
        days: z.array(z.enum(DAY_NAMES)).min(1),
      }),
      z.strictObject({ op: z.literal("exists"), property }),
    ],
    { error: `expected a condition: "op" must be one of ${CONDITION_OPS.join(", ")}` },
  ),
) as z.ZodType<Condition>;

/** A problem found in a model value: a path from the checked value's root ("rules[2].condition.value") and a text. */
export interface ModelIssue {
  path: string;
  message: string;
}

/** Appends a key or index to a path: `join("rules", 2)` = "rules[2]", `join("a", "b")` = "a.b". */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** The property a property condition tests (with the defaults of timeOfDay and dayOfWeek applied). */
export function conditionProperty(c: PropertyCondition): PropertyName {
  if (c.op === "timeOfDay") return c.property ?? "startTime";
  if (c.op === "dayOfWeek") return c.property ?? "startDay";
  return c.property;
}

/** True for the combinators (always, all, any, not). */
export function isCombinator(c: Condition): c is AlwaysCondition | AllCondition | AnyCondition | NotCondition {
  return c.op === "always" || c.op === "all" || c.op === "any" || c.op === "not";
}

/** Checks a value against the type of a property; returns a problem or undefined. */
export function valueProblem(def: PropertyDefinition, v: ConditionValue): string | undefined {
  if (typeof v === "boolean") {
    return def.type === "custom"
      ? undefined
      : `${def.name} is a ${def.type} property: expected a string, not a boolean`;
  }
  switch (def.type) {
    case "decimal":
      return DECIMAL_PATTERN.test(v) ? undefined : `expected a decimal number as a string (e.g. "${def.example}")`;
    case "time":
      return TIME_OF_DAY_PATTERN.test(v) ? undefined : 'expected a local time "HH:MM" (00:00–23:59)';
    case "date":
      return DATE_PATTERN.test(v) ? undefined : 'expected a date "YYYY-MM-DD"';
    case "dayOfWeek":
      return (DAY_NAMES as readonly string[]).includes(v) ? undefined : `expected one of ${DAY_NAMES.join(", ")}`;
    case "enum":
      return def.values?.includes(v) ? undefined : `expected one of ${(def.values ?? []).join(", ")}`;
    default:
      return undefined;
  }
}

/**
 * The semantic problems of a (structurally valid) condition: unknown properties, operators the property's type does
 * not allow, values of the wrong form, empty or inverted ranges. Paths start at `path`.
 */
export function conditionIssues(c: Condition, path = "condition"): ModelIssue[] {
  const issues: ModelIssue[] = [];
  walk(c, path, issues);
  return issues;
}

function walk(c: Condition, path: string, issues: ModelIssue[]): void {
  switch (c.op) {
    case "always":
      return;
    case "all":
    case "any":
      c.conditions.forEach((sub, i) => {
        walk(sub, joinPath(joinPath(path, "conditions"), i), issues);
      });
      return;
    case "not":
      walk(c.condition, joinPath(path, "condition"), issues);
      return;
  }
  const name = conditionProperty(c);
  const def = propertyDefinition(name);
  const propertyPath = joinPath(path, "property");
  if (!def) {
    issues.push({
      path: propertyPath,
      message: `unknown property "${name}" (see the property catalogue; custom properties are "custom.<key>")`,
    });
    return;
  }
  if (!OPERATORS_BY_TYPE[def.type].includes(c.op)) {
    issues.push({
      path: joinPath(path, "op"),
      message: `"${c.op}" cannot test ${name} (a ${def.type} property); allowed: ${OPERATORS_BY_TYPE[def.type].join(", ")}`,
    });
    return;
  }
  const check = (v: ConditionValue, at: string) => {
    const problem = valueProblem(def, v);
    if (problem) issues.push({ path: at, message: problem });
  };
  switch (c.op) {
    case "between": {
      check(c.min, joinPath(path, "min"));
      check(c.max, joinPath(path, "max"));
      if (def.type === "decimal" && DECIMAL_PATTERN.test(c.min) && DECIMAL_PATTERN.test(c.max)) {
        if (Number(c.min) > Number(c.max)) {
          issues.push({ path: joinPath(path, "max"), message: `max ${c.max} is below min ${c.min}` });
        }
      } else if ((def.type === "time" || def.type === "date") && c.min > c.max) {
        issues.push({ path: joinPath(path, "max"), message: `max ${c.max} is before min ${c.min}` });
      }
      return;
    }
    case "in":
    case "notIn":
      c.values.forEach((v, i) => {
        check(v, joinPath(joinPath(path, "values"), i));
      });
      return;
    case "timeOfDay":
    case "dayOfWeek":
    case "exists":
      return;
    default:
      check(c.value, joinPath(path, "value"));
  }
}
