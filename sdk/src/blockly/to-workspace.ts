// Rules into a Blockly workspace (serialization JSON), so that rules written as JSON, files or decision tables open
// in the block editor. The server's compiler reads the workspace back into the same rules (and/or chains come back as
// flat lists). Parts blocks cannot express are reported, not dropped.
import { type Condition, conditionProperty, DECIMAL_PATTERN, type PropertyCondition } from "../rules/condition.ts";
import type { Outcome } from "../rules/outcome.ts";
import { type PropertyName, propertyDefinition } from "../rules/properties.ts";
import type { Rule } from "../rules/ruleset.ts";
import type { PriceComponentJson, TariffElementJson, TariffRestrictionsJson } from "../rules/tariff-json.ts";
import { DAY_FIELDS } from "./blocks.ts";
import type { SerializedBlockJson } from "./toolbox.ts";

export interface WorkspaceJson {
  blocks: { languageVersion: 0; blocks: SerializedBlockJson[] };
}

/** Something a rule has that blocks cannot express. */
export interface WorkspaceProblem {
  ruleId: string;
  /** Model path inside the rule ("outcome.tariff.validFrom"). */
  path: string;
  message: string;
}

export type RulesToWorkspaceResult =
  | { ok: true; workspace: WorkspaceJson }
  | { ok: false; problems: WorkspaceProblem[] };

/** The hidden data a rule block keeps: what has no field of its own. */
export interface RuleBlockData {
  description?: string;
  tags?: string[];
}

class Unrepresentable extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

const input = (block: SerializedBlockJson) => ({ block });

class Builder {
  private readonly currency: string;
  private counter = 0;
  private prefix = "";

  constructor(currency: string) {
    this.currency = currency;
  }

  start(ruleId: string): void {
    this.prefix = ruleId;
    this.counter = 0;
  }

  make(type: string, fields?: SerializedBlockJson["fields"], inputs?: SerializedBlockJson["inputs"]) {
    const b: SerializedBlockJson = { type, id: `${this.prefix}#${++this.counter}` };
    if (fields) b.fields = fields;
    if (inputs) b.inputs = inputs;
    return b;
  }

  money(amount: string): SerializedBlockJson {
    return this.make("vr_money", { AMOUNT: amount, CURRENCY: this.currency });
  }

  /** A chain of statement blocks: each one's `next` is the following one. */
  chain(blocks: SerializedBlockJson[]): SerializedBlockJson | undefined {
    for (let i = blocks.length - 2; i >= 0; i--) (blocks[i] as SerializedBlockJson).next = { block: blocks[i + 1] };
    return blocks[0];
  }

  rule(rule: Rule): SerializedBlockJson {
    this.start(rule.id);
    const b = this.make(
      "vr_rule",
      { NAME: rule.name, ID: rule.id, ENABLED: rule.enabled },
      { WHEN: input(this.condition(rule.condition, "condition")), THEN: input(this.outcome(rule.outcome)) },
    );
    const data: RuleBlockData = {};
    if (rule.description !== undefined) data.description = rule.description;
    if (rule.tags !== undefined) data.tags = rule.tags;
    if (Object.keys(data).length > 0) b.data = JSON.stringify(data);
    return b;
  }

  condition(c: Condition, path: string): SerializedBlockJson {
    switch (c.op) {
      case "always":
        return this.make("vr_always");
      case "all":
      case "any": {
        if (c.conditions.length === 0) {
          if (c.op === "all") return this.make("vr_always");
          return this.make("vr_logic_not", undefined, { CONDITION: input(this.make("vr_always")) });
        }
        if (c.conditions.length === 1) return this.condition(c.conditions[0] as Condition, `${path}.conditions[0]`);
        // Right-nested: a and (b and c); the compiler flattens it back into one list.
        let acc = this.condition(c.conditions.at(-1) as Condition, `${path}.conditions[${c.conditions.length - 1}]`);
        for (let i = c.conditions.length - 2; i >= 0; i--) {
          const left = this.condition(c.conditions[i] as Condition, `${path}.conditions[${i}]`);
          acc = this.make("vr_logic_operation", { OP: c.op }, { A: input(left), B: input(acc) });
        }
        return acc;
      }
      case "not":
        return this.make("vr_logic_not", undefined, {
          CONDITION: input(this.condition(c.condition, `${path}.condition`)),
        });
      default:
        return this.test(c, path);
    }
  }

  property(name: PropertyName, path: string): SerializedBlockJson {
    if (name.startsWith("custom.")) return this.make("vr_prop_custom", { KEY: name.slice("custom.".length) });
    const def = propertyDefinition(name);
    const types: Record<string, string> = {
      decimal: "vr_prop_number",
      string: "vr_prop_text",
      enum: "vr_prop_text",
      time: "vr_prop_time",
      date: "vr_prop_date",
      dayOfWeek: "vr_prop_day",
    };
    const type = types[def?.type ?? ""];
    if (!type) throw new Unrepresentable(path, `unknown property "${name}"`);
    return this.make(type, { PROPERTY: name });
  }

  /** The value block for a range bound or a comparison value of `name`. */
  literal(name: PropertyName, value: string | boolean, path: string, textual = false): SerializedBlockJson {
    if (typeof value === "boolean") return this.make("vr_boolean", { BOOL: value ? "TRUE" : "FALSE" });
    switch (propertyDefinition(name)?.type) {
      case "decimal":
        return this.make("vr_number", { NUM: value });
      case "date":
        return this.make("vr_date", { DATE: value });
      case "time":
        return this.make("vr_time", { TIME: value });
      case "custom":
        if (textual) return this.make("vr_text", { TEXT: value });
        if (!DECIMAL_PATTERN.test(value)) {
          throw new Unrepresentable(path, `ordering ${name} by text ("${value}") has no block; blocks compare numbers`);
        }
        return this.make("vr_number", { NUM: value });
      case "dayOfWeek":
        throw new Unrepresentable(path, "a day-of-week comparison has no block; use the day-of-week block");
      default:
        return this.make("vr_text", { TEXT: value });
    }
  }

  test(c: PropertyCondition, path: string): SerializedBlockJson {
    const property = conditionProperty(c);
    const def = propertyDefinition(property);
    switch (c.op) {
      case "between": {
        const b = this.make(
          "vr_between",
          { MIN_INCLUSIVE: c.minInclusive !== false, MAX_INCLUSIVE: c.maxInclusive === true },
          {
            LEFT: input(this.property(property, `${path}.property`)),
            MIN: input(this.literal(property, c.min, `${path}.min`)),
            MAX: input(this.literal(property, c.max, `${path}.max`)),
          },
        );
        return b;
      }
      case "in":
      case "notIn": {
        for (const v of c.values) {
          if (typeof v === "boolean") throw new Unrepresentable(`${path}.values`, "a list of true/false has no block");
          if (v.includes(",")) throw new Unrepresentable(`${path}.values`, `the value "${v}" contains a comma`);
        }
        return this.make(
          "vr_in_list",
          { OP: c.op },
          {
            LEFT: input(this.property(property, `${path}.property`)),
            LIST: input(this.make("vr_list", { ITEMS: c.values.join(", ") })),
          },
        );
      }
      case "timeOfDay":
        return this.make("vr_time_window", { PROPERTY: property, FROM: c.from, TO: c.to });
      case "dayOfWeek": {
        const fields: Record<string, string | boolean> = { PROPERTY: property };
        for (const [field, day] of DAY_FIELDS) fields[field] = c.days.includes(day);
        return this.make("vr_day_of_week", fields);
      }
      case "exists":
        return this.make("vr_exists", undefined, { PROPERTY: input(this.property(property, `${path}.property`)) });
      default: {
        const type = def?.type;
        const equality = c.op === "eq" || c.op === "ne";
        let block: string;
        if (type === "decimal") block = "vr_compare_number";
        else if (type === "date") block = "vr_compare_date";
        else if (type === "time") block = "vr_compare_time";
        else if (type === "custom")
          block = equality || typeof c.value === "boolean" ? "vr_compare_text" : "vr_compare_number";
        else block = "vr_compare_text";
        if (block === "vr_compare_text" && !equality) {
          throw new Unrepresentable(`${path}.op`, `"${c.op}" on ${property} has no block`);
        }
        const right = this.literal(property, c.value, `${path}.value`, block === "vr_compare_text");
        return this.make(
          block,
          { OP: c.op },
          { LEFT: input(this.property(property, `${path}.property`)), RIGHT: input(right) },
        );
      }
    }
  }

  outcome(o: Outcome): SerializedBlockJson {
    switch (o.type) {
      case "rate": {
        const t = o.tariff;
        for (const key of ["currency", "countryCode", "partyId", "type", "validFrom", "validTo"] as const) {
          if (key === "currency" && t.currency?.toUpperCase() === this.currency.toUpperCase()) continue;
          if (t[key] !== undefined)
            throw new Unrepresentable(`outcome.tariff.${key}`, `the tariff's ${key} has no block`);
        }
        for (const key of ["minPrice", "maxPrice"] as const) {
          if (t[key]?.inclVat !== undefined) {
            throw new Unrepresentable(`outcome.tariff.${key}.inclVat`, `the ${key} incl. VAT has no block`);
          }
        }
        const inputs: SerializedBlockJson["inputs"] = {};
        const elements = this.chain(t.elements.map((e, i) => this.element(e, i)));
        if (elements) inputs.ELEMENTS = input(elements);
        if (t.minPrice) inputs.MIN_PRICE = input(this.money(t.minPrice.exclVat));
        if (t.maxPrice) inputs.MAX_PRICE = input(this.money(t.maxPrice.exclVat));
        return this.make("vr_rate", { TARIFF_ID: t.id ?? "", PROFILE: o.profile ?? "" }, inputs);
      }
      case "markup": {
        const fields: Record<string, string> = {
          BASE: o.base ?? "purchaseCost",
          FACTOR: o.factor ?? "1",
          PRESENTATION: o.presentation ?? "single",
          VAT: o.vatPercent ?? "",
          CODE: o.code ?? "",
          DESCRIPTION: o.description ?? "",
        };
        const inputs: SerializedBlockJson["inputs"] = {};
        const amounts = [
          ["PER_KWH", o.perKwh],
          ["PER_HOUR", o.perHour],
          ["FIXED", o.fixed],
          ["MIN_MARKUP", o.minMarkup],
          ["MAX_MARKUP", o.maxMarkup],
          ["MIN", o.min],
          ["MAX", o.max],
        ] as const;
        for (const [name, amount] of amounts) if (amount !== undefined) inputs[name] = input(this.money(amount));
        return this.make("vr_markup", fields, inputs);
      }
      case "dropOut":
        return this.make("vr_drop_out", { REASON: o.reason, MESSAGE: o.message });
      case "script":
        return this.make("vr_script", {
          SCRIPT: o.script,
          PARAMS: o.params === undefined ? "" : JSON.stringify(o.params),
        });
    }
  }

  element(e: TariffElementJson, index: number): SerializedBlockJson {
    const inputs: SerializedBlockJson["inputs"] = {};
    const components = this.chain(e.components.map((c) => this.component(c)));
    if (components) inputs.COMPONENTS = input(components);
    const restrictions = this.chain(
      this.restrictions(e.restrictions, `outcome.tariff.elements[${index}].restrictions`),
    );
    if (restrictions) inputs.RESTRICTIONS = input(restrictions);
    return this.make("vr_tariff_element", undefined, inputs);
  }

  component(c: PriceComponentJson): SerializedBlockJson {
    return this.make(
      "vr_price_component",
      { DIMENSION: c.dimension, VAT: c.vat ?? "", STEP: c.stepSize === undefined ? "" : String(c.stepSize) },
      { PRICE: input(this.money(c.price)) },
    );
  }

  restrictions(r: TariffRestrictionsJson | undefined, path: string): SerializedBlockJson[] {
    if (!r) return [];
    const out: SerializedBlockJson[] = [];
    if (r.startTime !== undefined || r.endTime !== undefined) {
      out.push(this.make("vr_restr_time", { FROM: r.startTime ?? "00:00", TO: r.endTime ?? "00:00" }));
    }
    if (r.daysOfWeek !== undefined) {
      if (r.daysOfWeek.length === 0)
        throw new Unrepresentable(`${path}.daysOfWeek`, "an empty list of days has no block");
      const fields: Record<string, boolean> = {};
      for (const [field, day] of DAY_FIELDS) fields[field] = r.daysOfWeek.includes(day);
      out.push(this.make("vr_restr_days", fields));
    }
    if (r.startDate !== undefined || r.endDate !== undefined) {
      out.push(this.make("vr_restr_dates", { FROM: r.startDate ?? "", TO: r.endDate ?? "" }));
    }
    for (const [kind, lo, hi] of [
      ["KWH", r.minKwh, r.maxKwh],
      ["CURRENT", r.minCurrent, r.maxCurrent],
      ["POWER", r.minPower, r.maxPower],
      ["DURATION", r.minDuration, r.maxDuration],
    ] as const) {
      if (lo !== undefined || hi !== undefined)
        out.push(this.make("vr_restr_range", { KIND: kind, MIN: lo ?? "", MAX: hi ?? "" }));
    }
    if (r.reservation !== undefined) out.push(this.make("vr_restr_reservation", { KIND: r.reservation }));
    return out;
  }
}

/**
 * The workspace of a rule list: one `vr_rules` block holding a `vr_rule` block per rule, in order. `currency` is
 * written into the money blocks (the rule set's currency).
 */
export function rulesToWorkspace(rules: readonly Rule[], currency: string): RulesToWorkspaceResult {
  const builder = new Builder(currency);
  const problems: WorkspaceProblem[] = [];
  const blocks: SerializedBlockJson[] = [];
  for (const rule of rules) {
    try {
      blocks.push(builder.rule(rule));
    } catch (error) {
      if (!(error instanceof Unrepresentable)) throw error;
      problems.push({ ruleId: rule.id, path: error.path, message: error.message });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const root: SerializedBlockJson = { type: "vr_rules", id: "rules", x: 20, y: 20 };
  const first = builder.chain(blocks);
  if (first) root.inputs = { RULES: { block: first } };
  return { ok: true, workspace: { blocks: { languageVersion: 0, blocks: [root] } } };
}
