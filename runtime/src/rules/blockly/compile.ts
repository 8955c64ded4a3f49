// Compiles a saved Blockly workspace (Blockly's JSON serialization) into the typed rule model — never into code. The
// serialized tree is walked against the Voltrate block definitions (sdk/src/blockly): every block type, field, input
// and connection check is verified as Blockly itself would on load, then each block is read into its model part and
// its values checked (numbers, times, dates, property values, currencies). Every problem points at its block: id,
// type, field or input, and what is wrong. The resulting rules are checked against the model's schema as well.
import {
  type BlockArg,
  blockArgs,
  DAY_FIELDS,
  type RuleBlockData,
  type VoltrateBlock,
  voltrateBlock,
} from "@voltrate/sdk/blockly";
import {
  type ComparisonOp,
  type Condition,
  type ConditionValue,
  CUSTOM_KEY_PATTERN,
  DATE_PATTERN,
  DECIMAL_PATTERN,
  formatModelPath,
  ID_PATTERN,
  type JsonValue,
  LINE_CODE_PATTERN,
  type MarkupOutcome,
  OPERATORS_BY_TYPE,
  type Outcome,
  type PriceComponentJson,
  type PropertyName,
  type PropertyOp,
  propertyDefinition,
  type Rule,
  ruleSchema,
  type TariffElementJson,
  type TariffJson,
  type TariffRestrictionsJson,
  TIME_OF_DAY_PATTERN,
  valueProblem,
} from "@voltrate/sdk/rules";
import { profileNames } from "../../pricing/index.ts";

/** A problem in a workspace, pointing at the offending block. */
export interface BlocklyIssue {
  /** The block's id (as in the workspace JSON); absent for problems of the workspace as a whole. */
  blockId?: string;
  blockType?: string;
  field?: string;
  input?: string;
  message: string;
  /** One line: `block vr_rate "b7" input ELEMENTS: a rate needs at least one tariff element`. */
  text: string;
}

export interface CompileOptions {
  /** The rule set's currency: every money block must be in it. */
  currency?: string;
  /** The rule set's script names: script outcomes must name one of them. */
  scriptNames?: readonly string[];
}

export type BlocklyCompileResult = { ok: true; rules: Rule[] } | { ok: false; errors: BlocklyIssue[] };

/** A block as serialized. */
interface Serialized {
  type: string;
  id: string;
  fields: Record<string, unknown>;
  inputs: Record<string, { block?: unknown; shadow?: unknown }>;
  next: { block?: unknown; shadow?: unknown } | undefined;
  disabled: boolean;
  /** Blockly's free-form `data` string (rule blocks keep description and tags in it). */
  data: unknown;
  spec: VoltrateBlock;
  args: Map<string, BlockArg>;
}

/** A compilation failure already recorded; unwinds to the rule being read. */
class Abort extends Error {}

const checksOf = (check: string | string[] | null | undefined): string[] | undefined =>
  check === undefined || check === null ? undefined : Array.isArray(check) ? check : [check];

/** Blockly's rule: two connections fit when either has no check or their checks share a type. */
function compatible(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((t) => b.includes(t));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

class Compiler {
  readonly errors: BlocklyIssue[] = [];
  private readonly options: CompileOptions;
  private readonly seenIds = new Set<string>();
  private anonymous = 0;

  constructor(options: CompileOptions) {
    this.options = options;
  }

  fail(
    at: { id?: string; type?: string } | undefined,
    message: string,
    where: { field?: string; input?: string } = {},
  ): void {
    const parts: string[] = [];
    if (at?.type !== undefined) parts.push(`block ${at.type}`);
    if (at?.id !== undefined) parts.push(JSON.stringify(at.id));
    if (where.field !== undefined) parts.push(`field ${where.field}`);
    if (where.input !== undefined) parts.push(`input ${where.input}`);
    const issue: BlocklyIssue = {
      message,
      text: parts.length > 0 ? `${parts.join(" ")}: ${message}` : message,
    };
    if (at?.id !== undefined) issue.blockId = at.id;
    if (at?.type !== undefined) issue.blockType = at.type;
    if (where.field !== undefined) issue.field = where.field;
    if (where.input !== undefined) issue.input = where.input;
    this.errors.push(issue);
  }

  /** Checks a serialized block's shape and definition; undefined (with the problem recorded) when unusable. */
  load(json: unknown, context: string): Serialized | undefined {
    if (!isObject(json)) {
      this.fail(undefined, `${context}: expected a block object`);
      return undefined;
    }
    const id = typeof json.id === "string" && json.id !== "" ? json.id : `#${++this.anonymous}`;
    const type = typeof json.type === "string" ? json.type : undefined;
    if (type === undefined) {
      this.fail({ id }, `${context}: the block has no type`);
      return undefined;
    }
    const spec = voltrateBlock(type);
    if (!spec) {
      this.fail({ id, type }, `unknown block type "${type}" (not a Voltrate rule block)`);
      return undefined;
    }
    if (this.seenIds.has(id)) this.fail({ id, type }, `the block id "${id}" is used twice`);
    this.seenIds.add(id);
    const args = new Map<string, BlockArg>();
    for (const arg of blockArgs(spec.definition)) if (arg.name !== undefined) args.set(arg.name, arg);
    const block: Serialized = {
      type,
      id,
      fields: isObject(json.fields) ? json.fields : {},
      inputs: {},
      next: undefined,
      disabled: json.enabled === false || (Array.isArray(json.disabledReasons) && json.disabledReasons.length > 0),
      data: json.data,
      spec,
      args,
    };
    if (json.fields !== undefined && !isObject(json.fields)) this.fail(block, "fields must be an object");
    for (const name of Object.keys(block.fields)) {
      const arg = args.get(name);
      if (!arg?.type.startsWith("field_")) this.fail(block, `unknown field "${name}"`, { field: name });
    }
    if (json.inputs !== undefined) {
      if (!isObject(json.inputs)) this.fail(block, "inputs must be an object");
      else {
        for (const [name, value] of Object.entries(json.inputs)) {
          const arg = args.get(name);
          if (!arg?.type.startsWith("input_") || arg.type === "input_dummy") {
            this.fail(block, `unknown input "${name}"`, { input: name });
            continue;
          }
          if (!isObject(value)) this.fail(block, "expected { block } or { shadow }", { input: name });
          else block.inputs[name] = value;
        }
      }
    }
    if (json.next !== undefined) {
      if (!isObject(json.next)) this.fail(block, "next must be an object");
      else if (spec.definition.nextStatement === undefined) {
        if (json.next.block !== undefined) this.fail(block, "this block cannot have a block below it");
      } else block.next = json.next;
    }
    return block;
  }

  // ---- fields

  field(b: Serialized, name: string): unknown {
    const arg = b.args.get(name);
    if (!arg) throw new Error(`${b.type} has no field ${name}`);
    const value = b.fields[name];
    switch (arg.type) {
      case "field_input":
        if (value === undefined) return arg.text;
        if (typeof value !== "string" && typeof value !== "number") {
          this.fail(b, "expected text", { field: name });
          throw new Abort();
        }
        return String(value);
      case "field_checkbox":
        if (value === undefined) return arg.checked;
        if (value !== true && value !== false && value !== "TRUE" && value !== "FALSE") {
          this.fail(b, "expected a checkbox value (true or false)", { field: name });
          throw new Abort();
        }
        return value === true || value === "TRUE";
      case "field_dropdown": {
        const allowed = arg.options.map(([, v]) => v);
        const chosen = value === undefined ? allowed[0] : value;
        if (typeof chosen !== "string" || !allowed.includes(chosen)) {
          this.fail(b, `"${String(chosen)}" is not one of ${allowed.join(", ")}`, { field: name });
          throw new Abort();
        }
        return chosen;
      }
      default:
        throw new Error(`${b.type}.${name} is not a field`);
    }
  }

  text(b: Serialized, name: string): string {
    return (this.field(b, name) as string).trim();
  }

  flag(b: Serialized, name: string): boolean {
    return this.field(b, name) as boolean;
  }

  choice(b: Serialized, name: string): string {
    return this.field(b, name) as string;
  }

  decimal(b: Serialized, name: string, what: string, options: { optional?: boolean; nonNegative?: boolean } = {}) {
    const raw = this.text(b, name);
    if (raw === "") {
      if (options.optional) return undefined;
      this.fail(b, `${what} is empty; enter a number such as 12.5`, { field: name });
      throw new Abort();
    }
    if (!DECIMAL_PATTERN.test(raw)) {
      this.fail(b, `"${raw}" is not a number; write it with a decimal point, such as 12.5`, { field: name });
      throw new Abort();
    }
    if (options.nonNegative && raw.startsWith("-")) {
      this.fail(b, `${what} must not be negative`, { field: name });
      throw new Abort();
    }
    return raw;
  }

  time(b: Serialized, name: string): string {
    const raw = this.text(b, name);
    if (!TIME_OF_DAY_PATTERN.test(raw)) {
      this.fail(b, `"${raw}" is not a time of day; write HH:MM from 00:00 to 23:59`, { field: name });
      throw new Abort();
    }
    return raw;
  }

  date(b: Serialized, name: string, optional = false): string | undefined {
    const raw = this.text(b, name);
    if (raw === "" && optional) return undefined;
    if (!DATE_PATTERN.test(raw)) {
      this.fail(b, `"${raw}" is not a date; write YYYY-MM-DD`, { field: name });
      throw new Abort();
    }
    return raw;
  }

  // ---- inputs

  /** The block connected to a value input (a real block before a shadow), checked against the input's check. */
  value(b: Serialized, name: string): Serialized | undefined {
    const arg = b.args.get(name);
    if (arg?.type !== "input_value") throw new Error(`${b.type} has no value input ${name}`);
    const slot = b.inputs[name];
    const child = slot?.block ?? slot?.shadow;
    if (child === undefined) {
      if (b.spec.optionalInputs?.includes(name)) return undefined;
      this.fail(b, `missing input: connect a block of type ${checksOf(arg.check)?.join(" or ")} here`, { input: name });
      throw new Abort();
    }
    const c = this.load(child, `${b.type} input ${name}`);
    if (!c) throw new Abort();
    const output = checksOf(c.spec.definition.output);
    if (c.spec.definition.output === undefined) {
      this.fail(c, `this block has no output; it cannot go into input ${name} of ${b.type} "${b.id}"`);
      throw new Abort();
    }
    if (!compatible(checksOf(arg.check), output)) {
      this.fail(
        b,
        `wrong type in socket: expects ${checksOf(arg.check)?.join(" or ")}, got ${c.type} "${c.id}" (${output?.join(" or ")})`,
        { input: name },
      );
      throw new Abort();
    }
    if (c.disabled) {
      this.fail(c, "the block is disabled; enable it or remove it");
      throw new Abort();
    }
    return c;
  }

  /** The blocks of a statement input, following `next`, each checked against the connections. */
  statements(b: Serialized, name: string, visit: (s: Serialized) => void): number {
    const arg = b.args.get(name);
    if (arg?.type !== "input_statement") throw new Error(`${b.type} has no statement input ${name}`);
    const slot = b.inputs[name];
    let current: unknown = slot?.block ?? slot?.shadow;
    let expected = checksOf(arg.check);
    let parent = { block: b, where: { input: name } as { input?: string } };
    let count = 0;
    while (current !== undefined) {
      const s = this.load(current, `${b.type} input ${name}`);
      if (!s) return count;
      const previous = s.spec.definition.previousStatement;
      if (previous === undefined) {
        this.fail(
          parent.block,
          `wrong type in socket: ${s.type} "${s.id}" is not a statement block and cannot be stacked here`,
          parent.where,
        );
        return count;
      }
      if (!compatible(expected, checksOf(previous))) {
        this.fail(
          parent.block,
          `wrong type in socket: expects ${expected?.join(" or ")}, got ${s.type} "${s.id}" (${checksOf(previous)?.join(" or ")})`,
          parent.where,
        );
        return count;
      }
      count++;
      try {
        visit(s);
      } catch (error) {
        if (!(error instanceof Abort)) throw error;
      }
      current = s.next?.block ?? s.next?.shadow;
      expected = checksOf(s.spec.definition.nextStatement);
      parent = { block: s, where: {} };
    }
    return count;
  }

  // ---- rules

  rule(b: Serialized): Rule | undefined {
    const id = this.text(b, "ID");
    const name = this.text(b, "NAME");
    let ok = true;
    if (name === "") {
      this.fail(b, "the rule has no name", { field: "NAME" });
      ok = false;
    }
    if (!ID_PATTERN.test(id)) {
      this.fail(b, `"${id}" is not a rule id: letters, digits, _ - . (at most 100)`, { field: "ID" });
      ok = false;
    }
    let condition: Condition | undefined;
    let outcome: Outcome | undefined;
    try {
      const when = this.value(b, "WHEN");
      if (when) condition = this.condition(when);
    } catch (error) {
      if (!(error instanceof Abort)) throw error;
    }
    try {
      const then = this.value(b, "THEN");
      if (then) outcome = this.outcome(then);
    } catch (error) {
      if (!(error instanceof Abort)) throw error;
    }
    if (!ok || condition === undefined || outcome === undefined) return undefined;
    const rule: Rule = { id, name, enabled: this.flag(b, "ENABLED") && !b.disabled, condition, outcome };
    const data = this.ruleData(b);
    if (data === undefined) return undefined;
    if (data.description !== undefined) rule.description = data.description;
    if (data.tags !== undefined) rule.tags = data.tags;
    const checked = ruleSchema.safeParse(rule);
    if (!checked.success) {
      for (const issue of checked.error.issues) this.fail(b, `${formatModelPath(issue.path)}: ${issue.message}`);
      return undefined;
    }
    return rule;
  }

  /** Description and tags from a rule block's `data` (a JSON object as text); undefined when it is unreadable. */
  private ruleData(b: Serialized): RuleBlockData | undefined {
    if (b.data === undefined || b.data === null || b.data === "") return {};
    let parsed: unknown;
    try {
      parsed = typeof b.data === "string" ? JSON.parse(b.data) : undefined;
    } catch {
      parsed = undefined;
    }
    const ok =
      isObject(parsed) &&
      Object.keys(parsed).every((k) => k === "description" || k === "tags") &&
      (parsed.description === undefined || typeof parsed.description === "string") &&
      (parsed.tags === undefined || (Array.isArray(parsed.tags) && parsed.tags.every((t) => typeof t === "string")));
    if (!ok) {
      this.fail(b, 'the rule\'s data must be JSON text {"description"?: string, "tags"?: string[]}');
      return undefined;
    }
    return parsed as RuleBlockData;
  }

  // ---- conditions

  condition(b: Serialized): Condition {
    switch (b.type) {
      case "vr_always":
        return { op: "always" };
      case "vr_logic_operation": {
        const op = this.choice(b, "OP") as "all" | "any";
        const parts: Condition[] = [];
        let failed = false;
        for (const input of ["A", "B"]) {
          try {
            const c = this.condition(this.value(b, input) as Serialized);
            // and(x, and(y, z)) reads as all [x, y, z].
            if (c.op === op) parts.push(...c.conditions);
            else parts.push(c);
          } catch (error) {
            if (!(error instanceof Abort)) throw error;
            failed = true;
          }
        }
        if (failed) throw new Abort();
        return { op, conditions: parts };
      }
      case "vr_logic_not":
        return { op: "not", condition: this.condition(this.value(b, "CONDITION") as Serialized) };
      case "vr_compare_number":
      case "vr_compare_text":
      case "vr_compare_date":
      case "vr_compare_time": {
        const property = this.property(this.value(b, "LEFT") as Serialized);
        const op = this.choice(b, "OP") as ComparisonOp;
        const right = this.value(b, "RIGHT") as Serialized;
        const value = this.literal(right, property, b, "RIGHT");
        this.allowed(b, property, op);
        return { op, property, value };
      }
      case "vr_exists":
        return { op: "exists", property: this.property(this.value(b, "PROPERTY") as Serialized) };
      case "vr_between": {
        const property = this.property(this.value(b, "LEFT") as Serialized);
        this.allowed(b, property, "between");
        const min = this.literal(this.value(b, "MIN") as Serialized, property, b, "MIN");
        const max = this.literal(this.value(b, "MAX") as Serialized, property, b, "MAX");
        if (typeof min !== "string" || typeof max !== "string") {
          this.fail(b, "a range needs numbers, dates or times, not true/false", { input: "MIN" });
          throw new Abort();
        }
        const def = propertyDefinition(property);
        const numeric = def?.type === "decimal" || (def?.type === "custom" && DECIMAL_PATTERN.test(min));
        if (numeric ? Number(min) > Number(max) : min > max) {
          this.fail(b, `the range is empty: ${max} is below ${min}`, { input: "MAX" });
          throw new Abort();
        }
        const out: Condition = { op: "between", property, min, max };
        const minInclusive = this.flag(b, "MIN_INCLUSIVE");
        const maxInclusive = this.flag(b, "MAX_INCLUSIVE");
        if (!minInclusive) out.minInclusive = false;
        if (maxInclusive) out.maxInclusive = true;
        return out;
      }
      case "vr_in_list": {
        const property = this.property(this.value(b, "LEFT") as Serialized);
        const op = this.choice(b, "OP") as "in" | "notIn";
        this.allowed(b, property, op);
        const list = this.value(b, "LIST") as Serialized;
        const raw = this.text(list, "ITEMS");
        const items = raw
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
        if (items.length === 0) {
          this.fail(list, "the list is empty; enter values separated by commas", { field: "ITEMS" });
          throw new Abort();
        }
        const def = propertyDefinition(property);
        for (const item of items) {
          const problem = def ? valueProblem(def, item) : undefined;
          if (problem) {
            this.fail(list, `"${item}": ${problem}`, { field: "ITEMS" });
            throw new Abort();
          }
        }
        return { op, property, values: items };
      }
      case "vr_time_window": {
        const property = this.choice(b, "PROPERTY") as PropertyName;
        return { op: "timeOfDay", property, from: this.time(b, "FROM"), to: this.time(b, "TO") };
      }
      case "vr_day_of_week": {
        const property = this.choice(b, "PROPERTY") as PropertyName;
        const days = DAY_FIELDS.filter(([field]) => this.flag(b, field)).map(([, day]) => day);
        if (days.length === 0) {
          this.fail(b, "no day is ticked; tick at least one", { field: "MON" });
          throw new Abort();
        }
        return { op: "dayOfWeek", property, days };
      }
      default:
        this.fail(b, "this block is not a condition");
        throw new Abort();
    }
  }

  /** The property a property block names. */
  property(b: Serialized): PropertyName {
    if (b.type === "vr_prop_custom") {
      const key = this.text(b, "KEY");
      if (!CUSTOM_KEY_PATTERN.test(key)) {
        this.fail(b, `"${key}" is not a custom property key: letters, digits, _ - . (at most 64)`, { field: "KEY" });
        throw new Abort();
      }
      return `custom.${key}`;
    }
    if (!b.type.startsWith("vr_prop_")) {
      this.fail(b, "expected a session property block");
      throw new Abort();
    }
    return this.choice(b, "PROPERTY") as PropertyName;
  }

  private allowed(b: Serialized, property: PropertyName, op: PropertyOp): void {
    const def = propertyDefinition(property);
    if (!def) {
      this.fail(b, `unknown property "${property}"`);
      throw new Abort();
    }
    const ops = OPERATORS_BY_TYPE[def.type];
    if (!ops.includes(op)) {
      this.fail(b, `${def.label} cannot be tested with "${op}" (allowed: ${ops.join(", ")})`, { field: "OP" });
      throw new Abort();
    }
  }

  /** A value block as the condition value for `property`, checked against the property's type. */
  literal(v: Serialized, property: PropertyName, owner: Serialized, input: string): ConditionValue {
    const def = propertyDefinition(property);
    let value: ConditionValue;
    let field: string;
    switch (v.type) {
      case "vr_number":
        field = "NUM";
        value = this.text(v, field);
        if (!DECIMAL_PATTERN.test(value)) {
          this.fail(v, `"${value}" is not a number; write it with a decimal point, such as 12.5`, { field });
          throw new Abort();
        }
        break;
      case "vr_text":
        field = "TEXT";
        value = this.text(v, field);
        break;
      case "vr_date":
        field = "DATE";
        value = this.date(v, field) as string;
        break;
      case "vr_time":
        field = "TIME";
        value = this.time(v, field);
        break;
      case "vr_boolean":
        field = "BOOL";
        value = this.choice(v, field) === "TRUE";
        break;
      default:
        this.fail(owner, `expected a value block, got ${v.type} "${v.id}"`, { input });
        throw new Abort();
    }
    if (def) {
      const problem = valueProblem(def, value);
      if (problem) {
        this.fail(v, `${def.label}: ${problem}`, { field });
        throw new Abort();
      }
      const kind = { decimal: "vr_number", date: "vr_date", time: "vr_time" }[def.type as string];
      if (kind !== undefined && v.type !== kind) {
        this.fail(owner, `${def.label} is compared with ${kind.slice(3)} values, got ${v.type} "${v.id}"`, { input });
        throw new Abort();
      }
    }
    return value;
  }

  // ---- money

  money(owner: Serialized, input: string, what: string): string | undefined {
    const m = this.value(owner, input);
    if (!m) return undefined;
    if (m.type !== "vr_money") {
      this.fail(owner, `expected an amount, got ${m.type} "${m.id}"`, { input });
      throw new Abort();
    }
    const amount = this.decimal(m, "AMOUNT", what);
    const currency = this.text(m, "CURRENCY").toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) {
      this.fail(m, `"${currency}" is not an ISO 4217 currency code`, { field: "CURRENCY" });
      throw new Abort();
    }
    if (this.options.currency !== undefined && currency !== this.options.currency.toUpperCase()) {
      this.fail(m, `the amount is in ${currency}, the rule set in ${this.options.currency.toUpperCase()}`, {
        field: "CURRENCY",
      });
      throw new Abort();
    }
    return amount;
  }

  // ---- outcomes

  outcome(b: Serialized): Outcome {
    switch (b.type) {
      case "vr_rate":
        return this.rate(b);
      case "vr_markup":
        return this.markup(b);
      case "vr_drop_out": {
        const reason = this.text(b, "REASON");
        const message = this.text(b, "MESSAGE");
        if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(reason)) {
          this.fail(b, `"${reason}" is not a reason code: upper case, digits and _ ("NO_AGREEMENT")`, {
            field: "REASON",
          });
          throw new Abort();
        }
        if (message === "") {
          this.fail(b, "the drop-out needs a message for people", { field: "MESSAGE" });
          throw new Abort();
        }
        return { type: "dropOut", reason, message };
      }
      case "vr_script": {
        const script = this.text(b, "SCRIPT");
        if (script === "") {
          this.fail(b, "name the script to run", { field: "SCRIPT" });
          throw new Abort();
        }
        const names = this.options.scriptNames;
        if (names !== undefined && !names.includes(script)) {
          this.fail(
            b,
            `no script "${script}" in the rule set (${names.length > 0 ? `known: ${names.join(", ")}` : "it has no scripts"})`,
            { field: "SCRIPT" },
          );
          throw new Abort();
        }
        const raw = this.text(b, "PARAMS");
        if (raw === "") return { type: "script", script };
        let params: unknown;
        try {
          params = JSON.parse(raw);
        } catch {
          this.fail(b, 'the parameters are not valid JSON; write an object such as {"ratePerHour": "1.00"}', {
            field: "PARAMS",
          });
          throw new Abort();
        }
        if (!isObject(params)) {
          this.fail(b, "the parameters must be a JSON object", { field: "PARAMS" });
          throw new Abort();
        }
        return { type: "script", script, params: params as { [key: string]: JsonValue } };
      }
      default:
        this.fail(b, "this block is not an outcome");
        throw new Abort();
    }
  }

  private rate(b: Serialized): Outcome {
    const elements: TariffElementJson[] = [];
    let broken = false;
    const count = this.statements(b, "ELEMENTS", (e) => {
      const element = this.element(e);
      if (element) elements.push(element);
      else broken = true;
    });
    if (count === 0) {
      this.fail(b, "empty rate: add at least one tariff element with a price", { input: "ELEMENTS" });
      throw new Abort();
    }
    if (broken || elements.length !== count) throw new Abort();
    const tariff: TariffJson = { elements };
    const tariffId = this.text(b, "TARIFF_ID");
    if (tariffId !== "") {
      if (tariffId.length > 36) {
        this.fail(b, `the tariff id has ${tariffId.length} characters; at most 36 (OCPI)`, { field: "TARIFF_ID" });
        throw new Abort();
      }
      tariff.id = tariffId;
    }
    const min = this.money(b, "MIN_PRICE", "the minimum price");
    const max = this.money(b, "MAX_PRICE", "the maximum price");
    if (min !== undefined) tariff.minPrice = { exclVat: min };
    if (max !== undefined) tariff.maxPrice = { exclVat: max };
    if (min !== undefined && max !== undefined && Number(min) > Number(max)) {
      this.fail(b, `the maximum price ${max} is below the minimum price ${min}`, { input: "MAX_PRICE" });
      throw new Abort();
    }
    const profile = this.text(b, "PROFILE");
    const out: Outcome = { type: "rate", tariff };
    if (profile !== "") {
      if (!profileNames().includes(profile)) {
        this.fail(b, `unknown pricing profile "${profile}" (known: ${profileNames().join(", ")})`, {
          field: "PROFILE",
        });
        throw new Abort();
      }
      out.profile = profile;
    }
    return out;
  }

  private element(e: Serialized): TariffElementJson | undefined {
    if (e.disabled) {
      this.fail(e, "the block is disabled; enable it or remove it");
      return undefined;
    }
    const components: PriceComponentJson[] = [];
    let broken = false;
    const count = this.statements(e, "COMPONENTS", (c) => {
      try {
        const component = this.component(c);
        if (components.some((x) => x.dimension === component.dimension)) {
          this.fail(c, `a second ${component.dimension} price in one element is never used; remove it`, {
            field: "DIMENSION",
          });
          broken = true;
        } else components.push(component);
      } catch (error) {
        if (!(error instanceof Abort)) throw error;
        broken = true;
      }
    });
    if (count === 0) {
      this.fail(e, "the element has no price; add a price component", { input: "COMPONENTS" });
      return undefined;
    }
    const restrictions: TariffRestrictionsJson = {};
    const seen = new Set<string>();
    this.statements(e, "RESTRICTIONS", (r) => {
      const key = r.type === "vr_restr_range" ? `${r.type}:${this.choice(r, "KIND")}` : r.type;
      if (seen.has(key)) {
        this.fail(r, "the same restriction twice in one element; combine them", {});
        broken = true;
        return;
      }
      seen.add(key);
      try {
        this.restriction(r, restrictions);
      } catch (error) {
        if (!(error instanceof Abort)) throw error;
        broken = true;
      }
    });
    if (broken) return undefined;
    return Object.keys(restrictions).length > 0 ? { components, restrictions } : { components };
  }

  private component(c: Serialized): PriceComponentJson {
    if (c.disabled) {
      this.fail(c, "the block is disabled; enable it or remove it");
      throw new Abort();
    }
    const dimension = this.choice(c, "DIMENSION") as PriceComponentJson["dimension"];
    const price = this.money(c, "PRICE", "the price") as string;
    if (price.startsWith("-")) {
      this.fail(c, "a price must not be negative", { input: "PRICE" });
      throw new Abort();
    }
    const out: PriceComponentJson = { dimension, price };
    const vat = this.decimal(c, "VAT", "the VAT percentage", { optional: true, nonNegative: true });
    if (vat !== undefined) out.vat = vat;
    const step = this.text(c, "STEP");
    if (step !== "" && step !== "1") {
      if (!/^\d+$/.test(step)) {
        this.fail(c, `"${step}" is not a step size: a whole number of Wh (energy) or seconds (time)`, {
          field: "STEP",
        });
        throw new Abort();
      }
      out.stepSize = Number(step);
    } else if (step === "1") out.stepSize = 1;
    return out;
  }

  private restriction(r: Serialized, out: TariffRestrictionsJson): void {
    if (r.disabled) {
      this.fail(r, "the block is disabled; enable it or remove it");
      throw new Abort();
    }
    switch (r.type) {
      case "vr_restr_time":
        out.startTime = this.time(r, "FROM");
        out.endTime = this.time(r, "TO");
        return;
      case "vr_restr_days": {
        const days = DAY_FIELDS.filter(([field]) => this.flag(r, field)).map(([, day]) => day);
        if (days.length === 0) {
          this.fail(r, "no day is ticked; tick at least one", { field: "MON" });
          throw new Abort();
        }
        out.daysOfWeek = days;
        return;
      }
      case "vr_restr_dates": {
        const from = this.date(r, "FROM", true);
        const to = this.date(r, "TO", true);
        if (from === undefined && to === undefined) {
          this.fail(r, "enter a start date, an end date or both", { field: "FROM" });
          throw new Abort();
        }
        if (from !== undefined && to !== undefined && from > to) {
          this.fail(r, `the end date ${to} is before the start date ${from}`, { field: "TO" });
          throw new Abort();
        }
        if (from !== undefined) out.startDate = from;
        if (to !== undefined) out.endDate = to;
        return;
      }
      case "vr_restr_range": {
        const kind = this.choice(r, "KIND");
        const min = this.decimal(r, "MIN", "the lower bound", { optional: true, nonNegative: true });
        const max = this.decimal(r, "MAX", "the upper bound", { optional: true, nonNegative: true });
        if (min === undefined && max === undefined) {
          this.fail(r, "enter a lower bound, an upper bound or both", { field: "MIN" });
          throw new Abort();
        }
        if (min !== undefined && max !== undefined && Number(min) > Number(max)) {
          this.fail(r, `the upper bound ${max} is below the lower bound ${min}`, { field: "MAX" });
          throw new Abort();
        }
        const keys = {
          KWH: ["minKwh", "maxKwh"],
          CURRENT: ["minCurrent", "maxCurrent"],
          POWER: ["minPower", "maxPower"],
          DURATION: ["minDuration", "maxDuration"],
        }[kind] as [keyof TariffRestrictionsJson, keyof TariffRestrictionsJson];
        if (min !== undefined) (out as Record<string, string>)[keys[0]] = min;
        if (max !== undefined) (out as Record<string, string>)[keys[1]] = max;
        return;
      }
      case "vr_restr_reservation":
        out.reservation = this.choice(r, "KIND") as "RESERVATION" | "RESERVATION_EXPIRES";
        return;
      default:
        this.fail(r, "this block is not a restriction");
        throw new Abort();
    }
  }

  private markup(b: Serialized): Outcome {
    const out: MarkupOutcome = { type: "markup" };
    const base = this.choice(b, "BASE") as NonNullable<MarkupOutcome["base"]>;
    if (base !== "purchaseCost") out.base = base;
    const factor = this.decimal(b, "FACTOR", "the factor", { optional: true });
    if (factor !== undefined && factor !== "1" && base !== "none") out.factor = factor;
    const amounts: [string, keyof MarkupOutcome, string][] = [
      ["PER_KWH", "perKwh", "the amount per kWh"],
      ["PER_HOUR", "perHour", "the amount per hour"],
      ["FIXED", "fixed", "the fixed amount"],
      ["MIN_MARKUP", "minMarkup", "the minimum margin"],
      ["MAX_MARKUP", "maxMarkup", "the maximum margin"],
      ["MIN", "min", "the minimum amount"],
      ["MAX", "max", "the maximum amount"],
    ];
    let broken = false;
    for (const [input, key, what] of amounts) {
      try {
        const amount = this.money(b, input, what);
        if (amount !== undefined) (out as unknown as Record<string, string>)[key] = amount;
      } catch (error) {
        if (!(error instanceof Abort)) throw error;
        broken = true;
      }
    }
    if (broken) throw new Abort();
    if (base !== "purchaseCost") {
      for (const [input, key] of [
        ["MIN_MARKUP", "minMarkup"],
        ["MAX_MARKUP", "maxMarkup"],
      ] as const) {
        if (out[key] !== undefined) {
          this.fail(b, "a margin bound needs the base “purchase cost”", { input });
          throw new Abort();
        }
      }
    }
    for (const [lo, hi, input] of [
      ["min", "max", "MAX"],
      ["minMarkup", "maxMarkup", "MAX_MARKUP"],
    ] as const) {
      const a = out[lo];
      const z = out[hi];
      if (a !== undefined && z !== undefined && Number(a) > Number(z)) {
        this.fail(b, `the upper bound ${z} is below the lower bound ${a}`, { input });
        throw new Abort();
      }
    }
    const presentation = this.choice(b, "PRESENTATION") as "single" | "split";
    if (presentation === "split") {
      if (base !== "purchaseCost") {
        this.fail(b, "“cost and margin” needs the base “purchase cost”", { field: "PRESENTATION" });
        throw new Abort();
      }
      out.presentation = "split";
    }
    const vat = this.decimal(b, "VAT", "the VAT percentage", { optional: true, nonNegative: true });
    if (vat !== undefined) out.vatPercent = vat;
    const code = this.text(b, "CODE");
    if (code !== "") {
      if (!LINE_CODE_PATTERN.test(code)) {
        this.fail(b, `"${code}" is not a line code: letters, digits and _ . : / - (at most 64)`, { field: "CODE" });
        throw new Abort();
      }
      out.code = code;
    }
    const description = this.text(b, "DESCRIPTION");
    if (description !== "") out.description = description;
    return out;
  }
}

/** Limits that keep a hostile workspace from exhausting the stack or the CPU. */
const MAX_DEPTH = 400;
const MAX_NODES = 200_000;

/** Whether a JSON value nests deeper than MAX_DEPTH or has more than MAX_NODES values (walked without recursion). */
function tooLarge(json: unknown): string | undefined {
  const stack: [unknown, number][] = [[json, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (++nodes > MAX_NODES) return `the workspace is too large (more than ${MAX_NODES} values)`;
    if (depth > MAX_DEPTH) return `the workspace nests blocks too deeply (more than ${MAX_DEPTH} levels)`;
    if (typeof value === "object" && value !== null) {
      for (const child of Object.values(value)) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

/** The root and stray blocks of a workspace's top level. */
function topLevel(json: unknown, compiler: Compiler): unknown[] | undefined {
  if (!isObject(json)) {
    compiler.fail(undefined, "expected a Blockly workspace (an object with `blocks`)");
    return undefined;
  }
  const blocks = json.blocks;
  if (blocks === undefined) return [];
  if (!isObject(blocks) || (blocks.blocks !== undefined && !Array.isArray(blocks.blocks))) {
    compiler.fail(undefined, "`blocks` must be { languageVersion, blocks: [...] } as Blockly saves it");
    return undefined;
  }
  return (blocks.blocks as unknown[] | undefined) ?? [];
}

/**
 * Compiles a workspace holding one `vr_rules` block into rules, in the order of the rule list. Every problem found
 * is reported (not only the first); any problem means no rules.
 */
export function compileWorkspace(workspace: unknown, options: CompileOptions = {}): BlocklyCompileResult {
  const compiler = new Compiler(options);
  const size = tooLarge(workspace);
  if (size !== undefined) {
    compiler.fail(undefined, size);
    return { ok: false, errors: compiler.errors };
  }
  const top = topLevel(workspace, compiler);
  if (top === undefined) return { ok: false, errors: compiler.errors };
  const roots: Serialized[] = [];
  for (const json of top) {
    const b = compiler.load(json, "top level");
    if (!b) continue;
    if (b.type === "vr_rules") roots.push(b);
    else {
      compiler.fail(
        b,
        b.type === "vr_rule"
          ? "this rule is not in the rule list; drag it into the “rules” block (or delete it)"
          : "this block is not connected to a rule; connect it or delete it",
      );
    }
  }
  if (roots.length === 0 && compiler.errors.length === 0) {
    compiler.fail(undefined, "the workspace has no “rules” block");
  }
  if (roots.length > 1) {
    for (const extra of roots.slice(1)) compiler.fail(extra, "a second “rules” block; keep one rule list");
  }
  const rules: Rule[] = [];
  const root = roots[0];
  if (root) {
    const ids = new Map<string, string>();
    compiler.statements(root, "RULES", (r) => {
      const rule = compiler.rule(r);
      if (!rule) return;
      const other = ids.get(rule.id);
      if (other !== undefined) {
        compiler.fail(r, `the rule id "${rule.id}" is also used by block "${other}"`, { field: "ID" });
        return;
      }
      ids.set(rule.id, r.id);
      rules.push(rule);
    });
  }
  return compiler.errors.length > 0 ? { ok: false, errors: compiler.errors } : { ok: true, rules };
}
