// Conditions compiled into closures, once per ruleset version: `test` is the fast path (a boolean, no allocation
// beyond the session view's cached properties); `explain` gives the same answer with the reason, naming the values
// seen ("energyKwh 7.2 is not ≥ 10"), for the trace. The JSON is never looked at again after compilation.
import { DAYS_OF_WEEK } from "@voltrate/sdk";
import {
  type ComparisonOp,
  type Condition,
  type ConditionValue,
  conditionProperty,
  DECIMAL_PATTERN,
  isCustomProperty,
  OP_SYMBOLS,
  type PropertyCondition,
  type PropertyType,
  propertyDefinition,
} from "@voltrate/sdk/rules";
import {
  isLocalTimeProperty,
  type PropertyReader,
  type PropertyValue,
  propertyText,
  READERS,
  type SessionView,
} from "./session-view.ts";

/** Whether a condition holds, and why, with the values seen. */
export interface Explanation {
  holds: boolean;
  text: string;
}

export interface CompiledCondition {
  /** The fast path. */
  test: (view: SessionView) => boolean;
  /** The same decision with its reason. */
  explain: (view: SessionView) => Explanation;
  /** Every property the condition reads (for the `properties` of an evaluation). */
  properties: string[];
}

/** Thrown for a condition the model validation should have refused (unknown property, misfit operator). */
export class ConditionCompileError extends Error {
  override name = "ConditionCompileError";
}

/** Compiles a validated condition. */
export function compileCondition(c: Condition): CompiledCondition {
  const properties = new Set<string>();
  const compiled = compile(c, properties);
  return { ...compiled, properties: [...properties] };
}

function compile(c: Condition, properties: Set<string>): Omit<CompiledCondition, "properties"> {
  switch (c.op) {
    case "always":
      return { test: () => true, explain: () => ({ holds: true, text: "always" }) };
    case "all": {
      const parts = c.conditions.map((sub) => compile(sub, properties));
      const tests = parts.map((p) => p.test);
      return {
        test: allOf(tests),
        explain: (v) => {
          const held: string[] = [];
          for (const p of parts) {
            const e = p.explain(v);
            if (!e.holds) return e;
            held.push(e.text);
          }
          return { holds: true, text: held.length > 0 ? held.join(" and ") : "always (empty all)" };
        },
      };
    }
    case "any": {
      const parts = c.conditions.map((sub) => compile(sub, properties));
      const tests = parts.map((p) => p.test);
      return {
        test: (v) => {
          for (const t of tests) if (t(v)) return true;
          return false;
        },
        explain: (v) => {
          const failed: string[] = [];
          for (const p of parts) {
            const e = p.explain(v);
            if (e.holds) return e;
            failed.push(e.text);
          }
          return { holds: false, text: failed.length > 0 ? `none of: ${failed.join("; ")}` : "never (empty any)" };
        },
      };
    }
    case "not": {
      const inner = compile(c.condition, properties);
      const t = inner.test;
      return {
        test: (v) => !t(v),
        explain: (v) => {
          const e = inner.explain(v);
          return { holds: !e.holds, text: e.holds ? `not: ${e.text}` : e.text };
        },
      };
    }
    default: {
      properties.add(conditionProperty(c));
      return compileTest(c);
    }
  }
}

/** Unrolled conjunctions for the common small sizes (decision-table rows have 1–4 tests). */
function allOf(tests: ((v: SessionView) => boolean)[]): (v: SessionView) => boolean {
  const [a, b, c, d] = tests;
  switch (tests.length) {
    case 0:
      return () => true;
    case 1:
      return a!;
    case 2:
      return (v) => a!(v) && b!(v);
    case 3:
      return (v) => a!(v) && b!(v) && c!(v);
    case 4:
      return (v) => a!(v) && b!(v) && c!(v) && d!(v);
    default:
      return (v) => {
        for (const t of tests) if (!t(v)) return false;
        return true;
      };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Property tests

/** A condition value in the comparable form of its property type. */
type Comparable = number | string | boolean;

function parseMinutes(s: string): number {
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

/** Converts a condition value to the form the property's reader returns. */
function comparable(type: PropertyType, v: ConditionValue): Comparable {
  if (typeof v === "boolean") return v;
  switch (type) {
    case "decimal":
      return Number(v);
    case "time":
      return parseMinutes(v);
    case "date":
      return Number(v.replaceAll("-", ""));
    case "dayOfWeek":
      return DAYS_OF_WEEK.indexOf(v as (typeof DAYS_OF_WEEK)[number]);
    default:
      return v;
  }
}

/**
 * Compares a custom property value with a condition value: booleans by identity; numerically when both are decimal
 * numbers; else as text. NaN = not comparable (only eq/ne can then be decided: not equal).
 */
function compareCustom(fact: string | number | boolean, value: Comparable): number {
  if (typeof value === "boolean" || typeof fact === "boolean") {
    if (typeof value === "boolean" && typeof fact === "boolean") return fact === value ? 0 : Number.NaN;
    return String(fact) === String(value) ? 0 : Number.NaN;
  }
  const f = typeof fact === "number" ? fact : DECIMAL_PATTERN.test(fact) ? Number(fact) : Number.NaN;
  const c = typeof value === "number" ? value : DECIMAL_PATTERN.test(value) ? Number(value) : Number.NaN;
  if (!Number.isNaN(f) && !Number.isNaN(c)) return f < c ? -1 : f > c ? 1 : 0;
  const fs = String(fact);
  const cs = String(value);
  return fs < cs ? -1 : fs > cs ? 1 : 0;
}

function readerOf(name: string): PropertyReader {
  if (isCustomProperty(name)) {
    const key = name.slice("custom.".length);
    return (v) => v.custom(key) ?? undefined;
  }
  const reader = READERS[name as keyof typeof READERS];
  if (!reader) throw new ConditionCompileError(`unknown property "${name}"`);
  return reader;
}

function holdsFor(op: ComparisonOp, cmp: number): boolean {
  switch (op) {
    case "eq":
      return cmp === 0;
    case "ne":
      return cmp !== 0;
    case "lt":
      return cmp < 0;
    case "lte":
      return cmp <= 0;
    case "gt":
      return cmp > 0;
    case "gte":
      return cmp >= 0;
  }
}

/** The fast comparison of a reader's value with a comparable constant. */
function comparisonTest(op: ComparisonOp, read: PropertyReader, t: Comparable, custom: boolean) {
  if (custom) {
    return (v: SessionView) => {
      const x = read(v);
      if (x === undefined) return op === "ne";
      return holdsFor(op, compareCustom(x, t));
    };
  }
  switch (op) {
    case "eq":
      return (v: SessionView) => read(v) === t;
    case "ne":
      return (v: SessionView) => read(v) !== t;
    case "lt":
      return (v: SessionView) => {
        const x = read(v);
        return x !== undefined && x < t;
      };
    case "lte":
      return (v: SessionView) => {
        const x = read(v);
        return x !== undefined && x <= t;
      };
    case "gt":
      return (v: SessionView) => {
        const x = read(v);
        return x !== undefined && x > t;
      };
    case "gte":
      return (v: SessionView) => {
        const x = read(v);
        return x !== undefined && x >= t;
      };
  }
}

function listText(values: readonly ConditionValue[]): string {
  return `[${values.map(String).join(", ")}]`;
}

function compileTest(c: PropertyCondition): Omit<CompiledCondition, "properties"> {
  const name = conditionProperty(c);
  const def = propertyDefinition(name);
  if (!def) throw new ConditionCompileError(`unknown property "${name}"`);
  const type = def.type;
  const custom = type === "custom";
  const read = readerOf(name);

  /** The value text for the trace, or the reason it is missing. */
  const seen = (v: SessionView): { text: string } | { missing: string } => {
    const t = propertyText(name, v);
    if (t !== undefined) return { text: String(t) };
    if (isLocalTimeProperty(name)) {
      const problem = v.timeZoneProblem();
      return { missing: `${name} is not known${problem ? ` (${problem})` : ""}` };
    }
    return { missing: `${name} is not set` };
  };

  let test: (v: SessionView) => boolean;
  let explain: (v: SessionView) => Explanation;

  switch (c.op) {
    case "eq":
    case "ne":
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const op = c.op;
      const t = comparable(type, c.value);
      const sym = OP_SYMBOLS[op];
      const shown = String(c.value);
      test = comparisonTest(op, read, t, custom);
      explain = (v) => {
        const holds = test(v);
        const s = seen(v);
        if ("missing" in s) return { holds, text: holds ? `${s.missing} (${sym} ${shown})` : s.missing };
        if (holds) return { holds, text: `${name} ${s.text} ${sym} ${shown}` };
        if (op === "eq") return { holds, text: `${name} ${s.text} ≠ ${shown}` };
        if (op === "ne") return { holds, text: `${name} ${s.text} = ${shown} (expected ≠)` };
        return { holds, text: `${name} ${s.text} is not ${sym} ${shown}` };
      };
      break;
    }
    case "between": {
      const lo = comparable(type, c.min);
      const hi = comparable(type, c.max);
      const loIn = c.minInclusive !== false;
      const hiIn = c.maxInclusive === true;
      const range = `${loIn ? "[" : "("}${c.min}, ${c.max}${hiIn ? "]" : ")"}`;
      if (custom) {
        test = (v) => {
          const x = read(v);
          if (x === undefined) return false;
          const a = compareCustom(x, lo);
          const b = compareCustom(x, hi);
          return (loIn ? a >= 0 : a > 0) && (hiIn ? b <= 0 : b < 0);
        };
      } else if (loIn && !hiIn) {
        test = (v) => {
          const x = read(v);
          return x !== undefined && x >= lo && x < hi;
        };
      } else {
        test = (v) => {
          const x = read(v);
          return x !== undefined && (loIn ? x >= lo : x > lo) && (hiIn ? x <= hi : x < hi);
        };
      }
      explain = (v) => {
        const holds = test(v);
        const s = seen(v);
        if ("missing" in s) return { holds, text: s.missing };
        return { holds, text: `${name} ${s.text} ${holds ? "in" : "is not in"} ${range}` };
      };
      break;
    }
    case "in":
    case "notIn": {
      const wanted = c.op === "in";
      const values = c.values.map((x) => comparable(type, x));
      let member: (x: string | number | boolean) => boolean;
      if (custom) member = (x) => values.some((t) => compareCustom(x, t) === 0);
      else if (values.length > 4) {
        const set = new Set<Comparable>(values);
        member = (x) => set.has(x);
      } else member = (x) => values.includes(x);
      test = (v) => {
        const x = read(v);
        return x === undefined ? !wanted : member(x) === wanted;
      };
      const list = listText(c.values);
      explain = (v) => {
        const holds = test(v);
        const s = seen(v);
        if ("missing" in s) return { holds, text: holds ? `${s.missing} (not in ${list})` : s.missing };
        if (wanted) return { holds, text: `${name} ${s.text} ${holds ? "in" : "is not in"} ${list}` };
        return {
          holds,
          text: holds ? `${name} ${s.text} not in ${list}` : `${name} ${s.text} is in ${list} (expected not in)`,
        };
      };
      break;
    }
    case "timeOfDay": {
      const from = parseMinutes(c.from);
      const to = parseMinutes(c.to);
      const window = `${c.from}–${c.to}`;
      if (from === to) test = (v) => read(v) !== undefined;
      else if (from < to)
        test = (v) => {
          const x = read(v) as number | undefined;
          return x !== undefined && x >= from && x < to;
        };
      else
        test = (v) => {
          const x = read(v) as number | undefined;
          return x !== undefined && (x >= from || x < to);
        };
      explain = (v) => {
        const holds = test(v);
        const s = seen(v);
        if ("missing" in s) return { holds, text: s.missing };
        return { holds, text: `${name} ${s.text} ${holds ? "in" : "is not in"} ${window}` };
      };
      break;
    }
    case "dayOfWeek": {
      let mask = 0;
      for (const d of c.days) mask |= 1 << DAYS_OF_WEEK.indexOf(d);
      test = (v) => {
        const x = read(v) as number | undefined;
        return x !== undefined && (mask & (1 << x)) !== 0;
      };
      const list = listText(c.days);
      explain = (v) => {
        const holds = test(v);
        const s = seen(v);
        if ("missing" in s) return { holds, text: s.missing };
        return { holds, text: `${name} ${s.text} ${holds ? "in" : "is not in"} ${list}` };
      };
      break;
    }
    case "exists": {
      test = (v) => read(v) !== undefined;
      explain = (v) => {
        const s = seen(v);
        return "missing" in s ? { holds: false, text: s.missing } : { holds: true, text: `${name} is set (${s.text})` };
      };
      break;
    }
  }
  return { test, explain };
}

export type { PropertyValue };
