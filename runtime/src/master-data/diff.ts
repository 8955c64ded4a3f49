// Field-by-field differences between two versions' data, for the audit trail: "reimbursement.pricePerKwh: "0.25" →
// "0.28"". Objects are compared field by field; list items that carry a `uid` or `code` are matched by it (so an
// EVSE keeps its identity when the list is reordered), other lists by position.
import type { FieldChange } from "./model.ts";

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** JSON with sorted keys: equal values give equal text. */
export function canonical(value: Json): string {
  return JSON.stringify(value, (_key, v: Json) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export const sameJson = (a: Json, b: Json): boolean => canonical(a) === canonical(b);

const IDENTITY_FIELDS = ["uid", "code"] as const;

function identityField(a: Json[], b: Json[]): string | undefined {
  const items = [...a, ...b];
  if (items.length === 0) return undefined;
  return IDENTITY_FIELDS.find((field) => {
    if (!items.every((i) => isObject(i) && typeof i[field] === "string")) return false;
    const unique = (list: Json[]) => new Set(list.map((i) => (i as Record<string, Json>)[field])).size === list.length;
    return unique(a) && unique(b);
  });
}

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

function change(path: string, before: Json, after: Json): FieldChange {
  const c: FieldChange = { path };
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
  return c;
}

/** The changed fields from `before` to `after` (undefined = not there). */
export function diffFields(before: Json, after: Json, path = ""): FieldChange[] {
  if (sameJson(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    for (const key of keys) out.push(...diffFields(before[key], after[key], join(path, key)));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const id = identityField(before, after);
    const out: FieldChange[] = [];
    if (id !== undefined) {
      const byId = (list: Json[]) => new Map(list.map((i) => [(i as Record<string, Json>)[id] as string, i]));
      const a = byId(before);
      const b = byId(after);
      for (const key of [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))]) {
        out.push(...diffFields(a.get(key), b.get(key), `${path}[${id}=${key}]`));
      }
      return out;
    }
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...diffFields(before[i], after[i], `${path}[${i}]`));
    }
    return out;
  }
  // A whole object added or removed counts as one change of that field.
  return [change(path === "" ? "(data)" : path, before, after)];
}

const show = (v: Json): string => (typeof v === "string" ? JSON.stringify(v) : canonical(v));

/** A change in words: `name: "A" → "B"`, `added email "a@b.nl"`, `removed employerId (was "cus_1")`. */
export function changeText(c: FieldChange): string {
  if (!("before" in c)) return `added ${c.path} ${show(c.after)}`;
  if (!("after" in c)) return `removed ${c.path} (was ${show(c.before)})`;
  return `${c.path}: ${show(c.before)} → ${show(c.after)}`;
}
