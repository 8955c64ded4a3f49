// The difference between two rule set contents, for business users: rules added, removed, moved or changed, and per
// change the field in words with "from → to" (`Rule "Night rate": energy price 0.25 → 0.28 EUR/kWh`). Structured
// JSON for the studio, and `renderDiff` for a plain-text form (audit entries, CLI, e-mails).
import {
  type Condition,
  conditionProperty,
  isCombinator,
  type MarkupOutcome,
  OP_SYMBOLS,
  type Outcome,
  type PriceComponentJson,
  type PropertyCondition,
  propertyDefinition,
  type Rule,
  type Ruleset,
  type TariffElementJson,
  type TariffJson,
  type TariffRestrictionsJson,
} from "@voltrate/sdk/rules";

/** One changed field. `from`/`to` are rendered values (absent when the field was added or removed). */
export interface FieldChange {
  /** Model path inside the rule (or the rule set), e.g. "outcome.tariff.elements[0].components[0].price". */
  path: string;
  /** The field in words, e.g. "energy price". */
  label: string;
  from?: string;
  to?: string;
  /** The change as one phrase, e.g. "energy price 0.25 → 0.28 EUR/kWh". */
  text: string;
}

export type RuleChange =
  | { kind: "added"; ruleId: string; name: string; position: number; summary: string; text: string }
  | { kind: "removed"; ruleId: string; name: string; position: number; text: string }
  | { kind: "moved"; ruleId: string; name: string; fromPosition: number; toPosition: number; text: string }
  | {
      kind: "changed";
      ruleId: string;
      name: string;
      /** Set when the rule also moved. */
      moved?: { fromPosition: number; toPosition: number };
      changes: FieldChange[];
      /** One line per change. */
      text: string[];
    };

export interface ScriptChange {
  name: string;
  kind: "added" | "removed" | "changed";
  /** Lines added / removed in the source (line diff). */
  linesAdded: number;
  linesRemoved: number;
  text: string;
}

export interface RulesetDiff {
  /** What was compared, e.g. "version 3" and "draft revision 7". */
  from: string;
  to: string;
  identical: boolean;
  /** Rule set level: name, hit policy, currency, VAT, side, administration, description. */
  ruleset: FieldChange[];
  rules: RuleChange[];
  scripts: ScriptChange[];
}

const DIMENSION_LABEL: Record<string, { label: string; unit: (c: string) => string }> = {
  ENERGY: { label: "energy price", unit: (c) => `${c}/kWh` },
  TIME: { label: "charging time price", unit: (c) => `${c}/h` },
  PARKING_TIME: { label: "parking price", unit: (c) => `${c}/h` },
  FLAT: { label: "start fee", unit: (c) => c },
};

const DAY_SHORT: Record<string, string> = {
  MONDAY: "Mon",
  TUESDAY: "Tue",
  WEDNESDAY: "Wed",
  THURSDAY: "Thu",
  FRIDAY: "Fri",
  SATURDAY: "Sat",
  SUNDAY: "Sun",
};

/** A changed field; `prefix` places it ("tariff element 2 (22:00–06:00): "). */
const change = (
  path: string,
  label: string,
  from: string | undefined,
  to: string | undefined,
  prefix = "",
): FieldChange => {
  let text: string;
  if (from === undefined) text = `${prefix}added ${label} ${to ?? ""}`.trimEnd();
  else if (to === undefined) text = `${prefix}removed ${label} (was ${from})`;
  else text = `${prefix}${label} ${from} → ${to}`;
  const out: FieldChange = { path, label: `${prefix}${label}`, text };
  if (from !== undefined) out.from = from;
  if (to !== undefined) out.to = to;
  return out;
};

/** "from → to" with a shared unit written once: "0.25 → 0.28 EUR/kWh". */
const withUnit = (
  path: string,
  label: string,
  from: string | undefined,
  to: string | undefined,
  unit: string,
  prefix = "",
): FieldChange => {
  const c = change(path, label, from, to, prefix);
  const u = unit === "" ? "" : ` ${unit}`;
  if (from !== undefined && to !== undefined) c.text = `${prefix}${label} ${from} → ${to}${u}`;
  else if (from === undefined) c.text = `${prefix}added ${label} ${to}${u}`;
  else c.text = `${prefix}removed ${label} (was ${from}${u})`;
  return c;
};

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** JSON with sorted keys: equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return v;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions in words

function propertyLabel(name: string): string {
  const def = propertyDefinition(name);
  const label = def?.label ?? name;
  // "Energy" → "energy"; "CPO", "AC/DC", "EVSE" stay.
  return label.length > 1 && label[1] === label[1]?.toLowerCase() ? label[0]?.toLowerCase() + label.slice(1) : label;
}

function unitOf(name: string): string {
  const unit = propertyDefinition(name)?.unit;
  return unit === undefined ? "" : ` ${unit}`;
}

/** A property test as subject and predicate: { subject: "start time window", predicate: "22:00–06:00" }. */
function testParts(c: PropertyCondition): { subject: string; predicate: string } {
  const property = conditionProperty(c);
  const label = propertyLabel(property);
  const unit = unitOf(property);
  switch (c.op) {
    case "between": {
      const lo = c.minInclusive === false ? ">" : "≥";
      const hi = c.maxInclusive === true ? "≤" : "<";
      return { subject: label, predicate: `${lo} ${c.min} and ${hi} ${c.max}${unit}` };
    }
    case "in":
      return { subject: label, predicate: `is one of ${c.values.map(String).join(", ")}` };
    case "notIn":
      return { subject: label, predicate: `is none of ${c.values.map(String).join(", ")}` };
    case "timeOfDay":
      return { subject: `${label} window`, predicate: c.from === c.to ? "all day" : `${c.from}–${c.to}` };
    case "dayOfWeek":
      return { subject: label, predicate: c.days.map((d) => DAY_SHORT[d] ?? d).join(", ") };
    case "exists":
      return { subject: label, predicate: "is set" };
    default:
      return { subject: label, predicate: `${OP_SYMBOLS[c.op]} ${String(c.value)}${unit}` };
  }
}

/** A condition in words: "energy ≥ 10 kWh and start day Sat, Sun". */
export function conditionText(c: Condition): string {
  switch (c.op) {
    case "always":
      return "always";
    case "all":
      return c.conditions.length === 0 ? "always" : c.conditions.map((s) => nested(s, "all")).join(" and ");
    case "any":
      return c.conditions.length === 0 ? "never" : c.conditions.map((s) => nested(s, "any")).join(" or ");
    case "not":
      return `not (${conditionText(c.condition)})`;
    default: {
      const { subject, predicate } = testParts(c);
      return `${subject} ${predicate}`;
    }
  }
}

function nested(c: Condition, parent: "all" | "any"): string {
  const text = conditionText(c);
  return (c.op === "all" || c.op === "any") && c.op !== parent && c.conditions.length > 1 ? `(${text})` : text;
}

/** The per-property tests of a conjunction (at most one per property), or undefined for other shapes. */
function propertyTests(c: Condition): Map<string, PropertyCondition> | undefined {
  const list: Condition[] = c.op === "always" ? [] : c.op === "all" ? c.conditions : [c];
  const out = new Map<string, PropertyCondition>();
  for (const sub of list) {
    if (sub.op === "always") continue;
    if (isCombinator(sub)) return undefined;
    const property = conditionProperty(sub);
    if (out.has(property)) return undefined;
    out.set(property, sub);
  }
  return out;
}

function conditionChanges(from: Condition, to: Condition): FieldChange[] {
  if (same(from, to)) return [];
  const a = propertyTests(from);
  const b = propertyTests(to);
  if (a === undefined || b === undefined) {
    return [
      {
        path: "condition",
        label: "condition",
        from: conditionText(from),
        to: conditionText(to),
        text: `condition: ${conditionText(from)} → ${conditionText(to)}`,
      },
    ];
  }
  const out: FieldChange[] = [];
  for (const property of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(property);
    const y = b.get(property);
    if (same(x, y)) continue;
    const path = `condition[${property}]`;
    if (x === undefined && y !== undefined) {
      const t = testParts(y);
      out.push({ path, label: t.subject, to: t.predicate, text: `condition: added ${t.subject} ${t.predicate}` });
    } else if (y === undefined && x !== undefined) {
      const t = testParts(x);
      out.push({ path, label: t.subject, from: t.predicate, text: `condition: removed ${t.subject} ${t.predicate}` });
    } else if (x !== undefined && y !== undefined) {
      const p = testParts(x);
      const q = testParts(y);
      const text =
        p.subject === q.subject
          ? `condition: ${p.subject} ${p.predicate} → ${q.predicate}`
          : `condition: ${p.subject} ${p.predicate} → ${q.subject} ${q.predicate}`;
      out.push({ path, label: p.subject, from: p.predicate, to: q.predicate, text });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Outcomes in words

/** An outcome in words: "rate: energy 0.25 EUR/kWh, start fee 0.50 EUR". */
export function outcomeText(o: Outcome, currency: string): string {
  switch (o.type) {
    case "rate": {
      const parts = o.tariff.elements.map((e) => {
        const prices = e.components
          .map((c) => {
            const d = DIMENSION_LABEL[c.dimension];
            return d ? `${d.label} ${c.price} ${d.unit(currency)}` : `${c.dimension} ${c.price}`;
          })
          .join(", ");
        const when = restrictionsText(e.restrictions);
        return when === "" ? prices : `${prices} (${when})`;
      });
      return `rate: ${parts.join("; ")}`;
    }
    case "markup": {
      const base = o.base ?? "purchaseCost";
      const parts: string[] = [];
      if (base !== "none") parts.push(`${base === "purchaseCost" ? "purchase cost" : "subtotal"} × ${o.factor ?? "1"}`);
      if (o.perKwh !== undefined) parts.push(`${o.perKwh} ${currency}/kWh`);
      if (o.perHour !== undefined) parts.push(`${o.perHour} ${currency}/h`);
      if (o.fixed !== undefined) parts.push(`${o.fixed} ${currency}`);
      return `markup: ${parts.join(" + ") || "0"}`;
    }
    case "script":
      return `script "${o.script}"`;
    case "dropOut":
      return `drop out: ${o.reason} (${o.message})`;
  }
}

function restrictionsText(r: TariffRestrictionsJson | undefined): string {
  if (!r) return "";
  const parts: string[] = [];
  if (r.startTime !== undefined || r.endTime !== undefined)
    parts.push(`${r.startTime ?? "00:00"}–${r.endTime ?? "00:00"}`);
  if (r.daysOfWeek !== undefined && r.daysOfWeek.length > 0) {
    parts.push(r.daysOfWeek.map((d) => DAY_SHORT[d] ?? d).join(", "));
  }
  if (r.startDate !== undefined || r.endDate !== undefined)
    parts.push(`dates ${r.startDate ?? "…"}–${r.endDate ?? "…"}`);
  for (const [key, label, unit] of RANGE_RESTRICTIONS) {
    const v = r[key];
    if (v !== undefined) parts.push(`${label} ${v} ${unit}`);
  }
  if (r.reservation !== undefined) parts.push(r.reservation === "RESERVATION" ? "reservation" : "expired reservation");
  return parts.join(", ");
}

const RANGE_RESTRICTIONS = [
  ["minKwh", "minimum energy", "kWh"],
  ["maxKwh", "maximum energy", "kWh"],
  ["minCurrent", "minimum current", "A"],
  ["maxCurrent", "maximum current", "A"],
  ["minPower", "minimum power", "kW"],
  ["maxPower", "maximum power", "kW"],
  ["minDuration", "minimum duration", "s"],
  ["maxDuration", "maximum duration", "s"],
] as const;

function restrictionChanges(
  from: TariffRestrictionsJson | undefined,
  to: TariffRestrictionsJson | undefined,
  path: string,
  prefix: string,
): FieldChange[] {
  const a = from ?? {};
  const b = to ?? {};
  const out: FieldChange[] = [];
  const window = (r: TariffRestrictionsJson) =>
    r.startTime === undefined && r.endTime === undefined
      ? undefined
      : `${r.startTime ?? "00:00"}–${r.endTime ?? "00:00"}`;
  const dates = (r: TariffRestrictionsJson) =>
    r.startDate === undefined && r.endDate === undefined ? undefined : `${r.startDate ?? "…"}–${r.endDate ?? "…"}`;
  const days = (r: TariffRestrictionsJson) => r.daysOfWeek?.map((d) => DAY_SHORT[d] ?? d).join(", ");
  const pairs: [string, string, string | undefined, string | undefined, string][] = [
    ["startTime", "time window", window(a), window(b), ""],
    ["daysOfWeek", "days", days(a), days(b), ""],
    ["startDate", "date range", dates(a), dates(b), ""],
    ...RANGE_RESTRICTIONS.map(
      ([key, label, unit]): [string, string, string | undefined, string | undefined, string] => [
        key,
        label,
        a[key],
        b[key],
        unit,
      ],
    ),
    ["reservation", "reservation", a.reservation, b.reservation, ""],
  ];
  for (const [key, label, x, y, unit] of pairs) {
    if (x === y) continue;
    out.push(withUnit(`${path}.restrictions.${key}`, label, x, y, unit, prefix));
  }
  return out;
}

function componentChanges(
  from: PriceComponentJson[],
  to: PriceComponentJson[],
  path: string,
  prefix: string,
  currency: string,
): FieldChange[] {
  const out: FieldChange[] = [];
  const dims = [...new Set([...from.map((c) => c.dimension), ...to.map((c) => c.dimension)])];
  for (const dim of dims) {
    const x = from.find((c) => c.dimension === dim);
    const y = to.find((c) => c.dimension === dim);
    const d = DIMENSION_LABEL[dim] ?? { label: `${dim} price`, unit: (c: string) => c };
    const at = `${path}.components[${dim}]`;
    if (!x || !y) {
      out.push(withUnit(`${at}.price`, d.label, x?.price, y?.price, d.unit(currency), prefix));
      continue;
    }
    if (x.price !== y.price)
      out.push(withUnit(`${at}.price`, `${prefix}${d.label}`, x.price, y.price, d.unit(currency)));
    if (x.vat !== y.vat) {
      out.push(withUnit(`${at}.vat`, `${d.label.replace(/ price$| fee$/, "")} VAT`, x.vat, y.vat, "%", prefix));
    }
    if ((x.stepSize ?? 1) !== (y.stepSize ?? 1)) {
      const unit = dim === "ENERGY" ? "Wh" : dim === "FLAT" ? "" : "s";
      out.push(
        withUnit(
          `${at}.stepSize`,
          `${d.label.replace(/ price$| fee$/, "")} step size`,
          String(x.stepSize ?? 1),
          String(y.stepSize ?? 1),
          unit,
          prefix,
        ),
      );
    }
  }
  return out;
}

function elementLabel(e: TariffElementJson, index: number, count: number): string {
  if (count <= 1) return "";
  const when = restrictionsText(e.restrictions);
  return `tariff element ${index + 1}${when === "" ? "" : ` (${when})`}: `;
}

function tariffChanges(from: TariffJson, to: TariffJson, currency: string): FieldChange[] {
  const out: FieldChange[] = [];
  const base = "outcome.tariff";
  const scalar: [keyof TariffJson, string][] = [
    ["id", "tariff id"],
    ["currency", "tariff currency"],
    ["countryCode", "tariff country"],
    ["partyId", "tariff party"],
    ["type", "tariff type"],
    ["validFrom", "tariff valid from"],
    ["validTo", "tariff valid to"],
  ];
  for (const [key, label] of scalar) {
    const x = from[key] as string | undefined;
    const y = to[key] as string | undefined;
    if (x !== y) out.push(change(`${base}.${key}`, label, x, y));
  }
  for (const [key, label] of [
    ["minPrice", "minimum price"],
    ["maxPrice", "maximum price"],
  ] as const) {
    const x = from[key];
    const y = to[key];
    if (x?.exclVat !== y?.exclVat) out.push(withUnit(`${base}.${key}`, label, x?.exclVat, y?.exclVat, currency));
    if (x?.inclVat !== y?.inclVat) {
      out.push(withUnit(`${base}.${key}.inclVat`, `${label} incl. VAT`, x?.inclVat, y?.inclVat, currency));
    }
  }
  const count = Math.max(from.elements.length, to.elements.length);
  for (let i = 0; i < count; i++) {
    const x = from.elements[i];
    const y = to.elements[i];
    const path = `${base}.elements[${i}]`;
    if (x && y) {
      const prefix = elementLabel(y, i, count);
      out.push(...componentChanges(x.components, y.components, path, prefix, currency));
      out.push(...restrictionChanges(x.restrictions, y.restrictions, path, prefix));
    } else if (y) {
      const text = outcomeText({ type: "rate", tariff: { elements: [y] } }, currency).replace(/^rate: /, "");
      out.push({ path, label: `tariff element ${i + 1}`, to: text, text: `added tariff element ${i + 1}: ${text}` });
    } else if (x) {
      const text = outcomeText({ type: "rate", tariff: { elements: [x] } }, currency).replace(/^rate: /, "");
      out.push({
        path,
        label: `tariff element ${i + 1}`,
        from: text,
        text: `removed tariff element ${i + 1} (was ${text})`,
      });
    }
  }
  return out;
}

const MARKUP_FIELDS: [keyof MarkupOutcome, string, (c: string) => string][] = [
  ["base", "markup base", () => ""],
  ["factor", "markup factor", () => ""],
  ["perKwh", "markup per kWh", (c) => `${c}/kWh`],
  ["perHour", "markup per hour", (c) => `${c}/h`],
  ["fixed", "fixed amount", (c) => c],
  ["minMarkup", "minimum margin", (c) => c],
  ["maxMarkup", "maximum margin", (c) => c],
  ["min", "minimum amount", (c) => c],
  ["max", "maximum amount", (c) => c],
  ["presentation", "presentation", () => ""],
  ["code", "line code", () => ""],
  ["description", "line text", () => ""],
  ["vatPercent", "VAT", () => "%"],
];

function outcomeChanges(from: Outcome, to: Outcome, currency: string): FieldChange[] {
  if (same(from, to)) return [];
  if (from.type !== to.type) {
    const x = outcomeText(from, currency);
    const y = outcomeText(to, currency);
    return [{ path: "outcome", label: "outcome", from: x, to: y, text: `outcome: ${x} → ${y}` }];
  }
  const out: FieldChange[] = [];
  if (from.type === "rate" && to.type === "rate") {
    if ((from.profile ?? "ocpi-2.2.1") !== (to.profile ?? "ocpi-2.2.1")) {
      out.push(change("outcome.profile", "pricing profile", from.profile ?? "ocpi-2.2.1", to.profile ?? "ocpi-2.2.1"));
    }
    out.push(...tariffChanges(from.tariff, to.tariff, currency));
  } else if (from.type === "markup" && to.type === "markup") {
    for (const [key, label, unit] of MARKUP_FIELDS) {
      const x = from[key];
      const y = to[key];
      if (x === y) continue;
      const quoted = key === "description";
      out.push(
        withUnit(
          `outcome.${key}`,
          label,
          x === undefined ? undefined : quoted ? `"${x}"` : x,
          y === undefined ? undefined : quoted ? `"${y}"` : y,
          unit(currency),
        ),
      );
    }
  } else if (from.type === "script" && to.type === "script") {
    if (from.script !== to.script) out.push(change("outcome.script", "script", `"${from.script}"`, `"${to.script}"`));
    const a = from.params ?? {};
    const b = to.params ?? {};
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (same(a[key], b[key])) continue;
      out.push(
        change(
          `outcome.params.${key}`,
          `script parameter ${key}`,
          key in a ? JSON.stringify(a[key]) : undefined,
          key in b ? JSON.stringify(b[key]) : undefined,
        ),
      );
    }
  } else if (from.type === "dropOut" && to.type === "dropOut") {
    if (from.reason !== to.reason) out.push(change("outcome.reason", "drop-out reason", from.reason, to.reason));
    if (from.message !== to.message) {
      out.push(change("outcome.message", "drop-out message", `"${from.message}"`, `"${to.message}"`));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules, scripts, the rule set

function ruleChanges(from: Rule, to: Rule, currency: string): FieldChange[] {
  const out: FieldChange[] = [];
  if (from.name !== to.name) out.push(change("name", "name", `"${from.name}"`, `"${to.name}"`));
  if (from.enabled !== to.enabled) {
    out.push({
      path: "enabled",
      label: "enabled",
      from: from.enabled ? "enabled" : "disabled",
      to: to.enabled ? "enabled" : "disabled",
      text: to.enabled ? "enabled" : "disabled",
    });
  }
  if (from.description !== to.description) {
    out.push(
      change(
        "description",
        "description",
        from.description === undefined ? undefined : `"${from.description}"`,
        to.description === undefined ? undefined : `"${to.description}"`,
      ),
    );
  }
  if (!same(from.tags ?? [], to.tags ?? [])) {
    out.push(change("tags", "tags", (from.tags ?? []).join(", ") || "none", (to.tags ?? []).join(", ") || "none"));
  }
  out.push(...conditionChanges(from.condition, to.condition));
  out.push(...outcomeChanges(from.outcome, to.outcome, currency));
  return out;
}

/** Ids in the longest common subsequence of two id lists (the rules that kept their relative order). */
function stableIds(a: string[], b: string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((table[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((table[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const out = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.add(a[i] as string);
      i++;
      j++;
    } else if (((table[i + 1] as number[])[j] as number) >= ((table[i] as number[])[j + 1] as number)) i++;
    else j++;
  }
  return out;
}

/** Lines added and removed between two sources, counted as multisets (order is not considered). */
function lineDiff(a: string, b: string): { added: number; removed: number } {
  const counts = new Map<string, number>();
  for (const line of a.split("\n")) counts.set(line, (counts.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of b.split("\n")) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else added++;
  }
  let removed = 0;
  for (const n of counts.values()) removed += n;
  return { added, removed };
}

function rulesetChanges(a: Ruleset, b: Ruleset): FieldChange[] {
  const out: FieldChange[] = [];
  const fields: [keyof Ruleset, string, boolean][] = [
    ["name", "name", true],
    ["administrationId", "administration", false],
    ["side", "side", false],
    ["currency", "currency", false],
    ["hitPolicy", "hit policy", false],
    ["vatPercent", "VAT", false],
    ["description", "description", true],
  ];
  for (const [key, label, quoted] of fields) {
    const x = a[key] as string | undefined;
    const y = b[key] as string | undefined;
    if (x === y) continue;
    const q = (v: string | undefined) => (v === undefined ? undefined : quoted ? `"${v}"` : v);
    out.push(key === "vatPercent" ? withUnit(key, label, x, y, "%") : change(key, label, q(x), q(y)));
  }
  return out;
}

/** The difference between two contents of a rule set; `from`/`to` label them ("version 3", "draft revision 7"). */
export function diffRulesets(a: Ruleset, b: Ruleset, labels: { from: string; to: string }): RulesetDiff {
  const currency = b.currency;
  const fromIds = a.rules.map((r) => r.id);
  const toIds = b.rules.map((r) => r.id);
  const stable = stableIds(
    fromIds.filter((id) => toIds.includes(id)),
    toIds.filter((id) => fromIds.includes(id)),
  );
  const rules: RuleChange[] = [];
  a.rules.forEach((rule, i) => {
    if (!toIds.includes(rule.id)) {
      rules.push({
        kind: "removed",
        ruleId: rule.id,
        name: rule.name,
        position: i + 1,
        text: `Rule "${rule.name}" removed (was at position ${i + 1})`,
      });
    }
  });
  b.rules.forEach((rule, j) => {
    const i = fromIds.indexOf(rule.id);
    const old = a.rules[i];
    if (i < 0 || old === undefined) {
      const summary = `when ${conditionText(rule.condition)} then ${outcomeText(rule.outcome, currency)}`;
      rules.push({
        kind: "added",
        ruleId: rule.id,
        name: rule.name,
        position: j + 1,
        summary,
        text: `Rule "${rule.name}" added at position ${j + 1}: ${summary}`,
      });
      return;
    }
    const moved = !stable.has(rule.id);
    const changes = ruleChanges(old, rule, currency);
    if (changes.length > 0) {
      const entry: RuleChange = {
        kind: "changed",
        ruleId: rule.id,
        name: rule.name,
        changes,
        text: changes.map((c) => `Rule "${rule.name}": ${c.text}`),
      };
      if (moved) {
        entry.moved = { fromPosition: i + 1, toPosition: j + 1 };
        entry.text.unshift(`Rule "${rule.name}" moved from position ${i + 1} to ${j + 1}`);
      }
      rules.push(entry);
    } else if (moved) {
      rules.push({
        kind: "moved",
        ruleId: rule.id,
        name: rule.name,
        fromPosition: i + 1,
        toPosition: j + 1,
        text: `Rule "${rule.name}" moved from position ${i + 1} to ${j + 1}`,
      });
    }
  });
  const scripts: ScriptChange[] = [];
  const sa = a.scripts ?? {};
  const sb = b.scripts ?? {};
  for (const name of [...new Set([...Object.keys(sa), ...Object.keys(sb)])].sort()) {
    const x = sa[name];
    const y = sb[name];
    if (x === y) continue;
    const { added, removed } = lineDiff(x ?? "", y ?? "");
    if (x === undefined) {
      scripts.push({ name, kind: "added", linesAdded: added, linesRemoved: 0, text: `Script "${name}" added` });
    } else if (y === undefined) {
      scripts.push({ name, kind: "removed", linesAdded: 0, linesRemoved: removed, text: `Script "${name}" removed` });
    } else {
      scripts.push({
        name,
        kind: "changed",
        linesAdded: added,
        linesRemoved: removed,
        text: `Script "${name}" changed: ${added} line${added === 1 ? "" : "s"} added, ${removed} removed`,
      });
    }
  }
  const ruleset = rulesetChanges(a, b);
  return {
    from: labels.from,
    to: labels.to,
    identical: ruleset.length === 0 && rules.length === 0 && scripts.length === 0,
    ruleset,
    rules,
    scripts,
  };
}

/** The diff as plain text, one change per line. */
export function renderDiff(diff: RulesetDiff): string {
  const lines = [`Changes from ${diff.from} to ${diff.to}:`];
  if (diff.identical) return `${lines[0]?.replace(/:$/, "")}: none`;
  for (const c of diff.ruleset) lines.push(`Ruleset: ${c.text}`);
  for (const r of diff.rules) {
    if (r.kind === "changed") lines.push(...r.text);
    else lines.push(r.text);
  }
  for (const s of diff.scripts) lines.push(s.text);
  return lines.join("\n");
}

/** A short count for summaries: "2 rules changed, 1 added". */
export function diffSummary(diff: RulesetDiff): string {
  if (diff.identical) return "no changes";
  const count = (kind: RuleChange["kind"]) => diff.rules.filter((r) => r.kind === kind).length;
  const parts: string[] = [];
  for (const [kind, word] of [
    ["added", "added"],
    ["removed", "removed"],
    ["changed", "changed"],
    ["moved", "moved"],
  ] as const) {
    const n = count(kind);
    if (n > 0) parts.push(`${n} rule${n === 1 ? "" : "s"} ${word}`);
  }
  if (diff.ruleset.length > 0)
    parts.push(`${diff.ruleset.length} ruleset setting${diff.ruleset.length === 1 ? "" : "s"}`);
  if (diff.scripts.length > 0) parts.push(`${diff.scripts.length} script${diff.scripts.length === 1 ? "" : "s"}`);
  return parts.join(", ");
}
