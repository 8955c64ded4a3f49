// Master data values as people read them: references by name, lists joined, nested objects flattened to
// "label: value" lines, with the form's labels.
import type { EntityType } from "@voltrate/sdk/master-data";
import { ENTITY_FIELDS, type FieldSpec, titleOf } from "./master-data-fields.ts";
import { type RefOption, refOptions } from "./master-data-refs.ts";

/** id → name of the records the references of a type can name, per reference field. */
export type RefNames = Record<string, Map<string, string>>;

/** Reads the names for every reference field of `type` (top level and nested); missing ones stay ids. */
export async function loadRefNames(type: EntityType): Promise<RefNames> {
  const out: RefNames = {};
  const walk = async (fields: readonly FieldSpec[], parent: string) => {
    for (const f of fields) {
      const path = parent ? `${parent}.${f.key}` : f.key;
      if (f.kind === "ref") {
        const options: RefOption[] = await refOptions(f.target).catch(() => []);
        out[path] = new Map(options.map((o) => [o.id, o.label]));
      } else if (f.kind === "group") await walk(f.fields, path);
    }
  };
  await walk(ENTITY_FIELDS[type], "");
  return out;
}

function plain(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export type DisplayLine = { label: string; value: string; path: string };

/** The data as labelled lines in the form's order; groups and rows become "Group › Field" lines. */
export function displayLines(
  type: EntityType,
  data: unknown,
  names: RefNames = {},
  options: { ids: boolean } = { ids: true },
): DisplayLine[] {
  const lines: DisplayLine[] = [];
  const walk = (fields: readonly FieldSpec[], d: Record<string, unknown>, prefix: string, parent: string) => {
    for (const f of fields) {
      if (f.when && !f.when(d)) continue;
      const value = d[f.key];
      const path = parent ? `${parent}.${f.key}` : f.key;
      const label = prefix ? `${prefix} › ${f.label}` : f.label;
      if (value === undefined) continue;
      if (f.kind === "group") walk(f.fields, (value ?? {}) as Record<string, unknown>, label, path);
      else if (f.kind === "rows" && Array.isArray(value)) {
        for (const [i, row] of value.entries()) {
          walk(f.fields, (row ?? {}) as Record<string, unknown>, `${f.itemLabel} ${i + 1}`, `${path}[${i}]`);
        }
      } else if (f.kind === "ref" && typeof value === "string") {
        const name = names[path.replace(/\[\d+\]/g, "")]?.get(value);
        const withId = options.ids && name !== undefined && !name.includes(value);
        lines.push({ label, value: name === undefined ? value : withId ? `${name} — ${value}` : name, path });
      } else lines.push({ label, value: plain(value), path });
    }
  };
  walk(ENTITY_FIELDS[type], (data ?? {}) as Record<string, unknown>, "", "");
  return lines;
}

/** A few top-level fields for a list row (not the one that already titles it). */
export function summaryOf(type: EntityType, data: unknown, entityId: string, names: RefNames = {}): string {
  const title = titleOf(data, entityId);
  return displayLines(type, data, names, { ids: false })
    .filter((l) => !l.label.includes("›") && l.value !== title)
    .slice(0, 4)
    .map((l) => `${l.label}: ${l.value}`)
    .join(" · ");
}
