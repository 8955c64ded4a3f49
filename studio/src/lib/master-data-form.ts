// Between an entity's data and its form: the form holds what the inputs hold (text as typed, numbers as text, a
// list of chosen roles), `toData` makes the entity's JSON of it (empty optional fields left out, numbers as
// numbers) and `fromData` the other way. Errors — the model's own checks in the browser, and the runtime's RFC 9457
// `errors[]` — are keyed by field path ("legalEntity.address.city", "invoiceSeries[0].prefix").
import { type EntityType, entitySchemas } from "@voltrate/sdk/master-data";
import type { FieldSpec } from "./master-data-fields.ts";

export type FormValues = Record<string, unknown>;

/** What a record form writes: a new record, a change from a date, or a correction of one version. */
export type FormMode =
  | { kind: "create" }
  | { kind: "change"; id: string; data: unknown; expectedVersion?: number }
  | { kind: "correct"; id: string; version: number; data: unknown; validFrom: string };
/** Field path → message; "" holds errors that name no field of the form. */
export type FieldErrors = Record<string, string>;

export const childPath = (parent: string, key: string | number): string =>
  typeof key === "number" ? `${parent}[${key}]` : parent === "" ? key : `${parent}.${key}`;

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function visible(field: FieldSpec, values: Record<string, unknown>): boolean {
  return field.when === undefined || field.when(values);
}

/** The form's values for `data` (or empty ones for a new record). */
export function fromData(fields: readonly FieldSpec[], data: unknown): FormValues {
  const d = asRecord(data);
  const out: FormValues = {};
  for (const f of fields) {
    const v = d[f.key];
    switch (f.kind) {
      case "group":
        out[f.key] = fromData(f.fields, v);
        break;
      case "rows":
        out[f.key] = Array.isArray(v) ? v.map((row) => fromData(f.fields, row)) : f.required ? [f.blank()] : [];
        break;
      case "multi":
        out[f.key] = Array.isArray(v) ? [...v] : [];
        break;
      case "boolean":
        out[f.key] = v === true;
        break;
      case "select":
        out[f.key] = typeof v === "string" ? v : f.required ? (f.options[0] ?? "") : "";
        break;
      default:
        out[f.key] = v === undefined || v === null ? "" : String(v);
    }
  }
  return out;
}

/** The entity's data of the form's values: empty optional fields and empty optional groups are left out. */
export function toData(fields: readonly FieldSpec[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!visible(f, values)) continue;
    const v = values[f.key];
    switch (f.kind) {
      case "group": {
        const inner = toData(f.fields, asRecord(v));
        if (f.required || Object.keys(inner).length > 0) out[f.key] = inner;
        break;
      }
      case "rows":
        out[f.key] = (Array.isArray(v) ? v : []).map((row) => toData(f.fields, asRecord(row)));
        break;
      case "multi":
        if (f.required || (Array.isArray(v) && v.length > 0)) out[f.key] = Array.isArray(v) ? [...v] : [];
        break;
      case "boolean":
        out[f.key] = v === true;
        break;
      case "number": {
        const text = String(v ?? "").trim();
        if (text !== "") out[f.key] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
        break;
      }
      default: {
        const text = String(v ?? "").trim();
        if (text !== "") out[f.key] = text;
      }
    }
  }
  return out;
}

/**
 * A change's patch: the top-level fields whose value differs from `before`, and `null` for the ones removed.
 * Only what differs is sent, so an unchanged field does not stop a later scheduled change from inheriting it.
 */
export function patchOf(before: unknown, after: Record<string, unknown>): Record<string, unknown> {
  const old = asRecord(before);
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(old[k])) patch[k] = v;
  for (const k of Object.keys(old)) if (!(k in after)) patch[k] = null;
  return patch;
}

const zodPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => childPath(acc, typeof p === "number" ? p : String(p)), "");

/** The model's own checks, in the browser: the same zod schema the runtime validates with. */
export function checkData(type: EntityType, data: unknown): FieldErrors {
  const parsed = entitySchemas[type].safeParse(data);
  if (parsed.success) return {};
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const path = zodPath(issue.path);
    errors[path] ??= issue.message;
  }
  return errors;
}

/**
 * The runtime's field errors (`body.data.address.country`, `body.effectiveFrom`) keyed as the form keys them:
 * data fields by their path, the request's own fields (`validFrom`, `effectiveFrom`, `reason`, `id`, `version`)
 * as `@validFrom` etc.
 */
export function problemErrors(errors: readonly { path: string; message: string }[] | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors ?? []) {
    const path = e.path.startsWith("body.data.")
      ? e.path.slice("body.data.".length)
      : e.path === "body.data"
        ? ""
        : e.path.startsWith("body.")
          ? `@${e.path.slice("body.".length)}`
          : "";
    out[path] ??= e.message;
  }
  return out;
}

/** Every path a form shows a field for (with the values deciding which conditional fields show). */
export function fieldPaths(fields: readonly FieldSpec[], values: FormValues, parent = ""): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (!visible(f, values)) continue;
    const path = childPath(parent, f.key);
    out.push(path);
    if (f.kind === "group") out.push(...fieldPaths(f.fields, asRecord(values[f.key]), path));
    if (f.kind === "rows") {
      const rows = Array.isArray(values[f.key]) ? (values[f.key] as unknown[]) : [];
      rows.forEach((row, i) => {
        out.push(childPath(path, i));
        out.push(...fieldPaths(f.fields, asRecord(row), childPath(path, i)));
      });
    }
  }
  return out;
}

/** Errors no field of the form shows (e.g. a rule across fields), to be listed above the form. */
export function unplacedErrors(errors: FieldErrors, shown: readonly string[]): string[] {
  const known = new Set(shown);
  return Object.entries(errors)
    .filter(([path]) => !path.startsWith("@") && !known.has(path))
    .map(([path, message]) => (path ? `${path}: ${message}` : message));
}
