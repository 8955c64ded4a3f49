// Document values: JSON (finite numbers, strings, booleans, null, arrays, plain objects) plus Date and binary
// (Uint8Array, MongoDB's binData). Stored documents are private deep copies that are never mutated in place (an
// update builds a new copy and swaps it in), which lets snapshots serialize a point-in-time view without copying.
//
// On disk, in their EJSON forms, a Date is {"$date": "<ISO-8601>"} and binary is
// {"$binary": {"base64": "…", "subType": "00"}}: the tagged values. Field names starting with "$" are refused in
// documents, so the tags cannot collide with user data. Binary is for large opaque values (a JSON text that is never
// queried, say): its bytes live outside the JavaScript heap and go to disk without JSON string escaping.
import { StoreError } from "../types.ts";

const MAX_DEPTH = 100;

function badValue(path: string, problem: string): StoreError {
  return new StoreError("BAD_DOCUMENT", `field "${path || "(root)"}": ${problem}`);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A validated deep copy of a caller's value. `undefined` object fields are dropped and `undefined`
 * array elements become null (as JSON does), so memory and disk always agree. `found.tagged` is set
 * when the value contains a Date or binary.
 */
export function cloneForStore(
  value: unknown,
  found: { tagged: boolean } = { tagged: false },
  path = "",
  depth = 0,
): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw badValue(path, `${value} is not a storable number`);
      return value;
    case "object": {
      if (value === null) return null;
      if (depth > MAX_DEPTH) throw badValue(path, `nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isNaN(time)) throw badValue(path, "invalid Date");
        found.tagged = true;
        return new Date(time);
      }
      if (value instanceof Uint8Array) {
        found.tagged = true;
        // A plain Uint8Array of its own (never a Buffer, whose toJSON would bypass the tagging, nor a pool slice).
        return new Uint8Array(value);
      }
      if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          out[i] = item === undefined ? null : cloneForStore(item, found, `${path}.${i}`, depth + 1);
        }
        return out;
      }
      if (!isPlain(value)) throw badValue(path, `${value.constructor?.name ?? "object"} values cannot be stored`);
      const out: Record<string, unknown> = {};
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        checkKey(key, path);
        out[key] = cloneForStore(item, found, path ? `${path}.${key}` : key, depth + 1);
      }
      return out;
    }
    default:
      throw badValue(path, `${typeof value} values cannot be stored`);
  }
}

function checkKey(key: string, path: string): void {
  if (key.charCodeAt(0) === 36 /* $ */) throw badValue(path ? `${path}.${key}` : key, 'names may not start with "$"');
  if (key === "__proto__") throw badValue(path ? `${path}.${key}` : key, "reserved name");
}

/**
 * Validates a value built inside the store (an update's result) without copying it, and reports
 * whether it contains a Date or binary (so the journal codec can skip the tagging pass when it does not).
 * Normalizes `undefined` the same way as {@link cloneForStore}.
 */
export function inspectStored(value: unknown, path = "", depth = 0): boolean {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw badValue(path, `${value} is not a storable number`);
    if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") {
      throw badValue(path, `${typeof value} values cannot be stored`);
    }
    return false;
  }
  if (depth > MAX_DEPTH) throw badValue(path, `nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw badValue(path, "invalid Date");
    return true;
  }
  if (value instanceof Uint8Array) return true;
  let hasTagged = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) value[i] = null;
      else if (inspectStored(value[i], `${path}.${i}`, depth + 1)) hasTagged = true;
    }
    return hasTagged;
  }
  if (!isPlain(value)) throw badValue(path, `${value.constructor?.name ?? "object"} values cannot be stored`);
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item === undefined) {
      delete record[key];
      continue;
    }
    checkKey(key, path);
    if (inspectStored(item, path ? `${path}.${key}` : key, depth + 1)) hasTagged = true;
  }
  return hasTagged;
}

/**
 * Deep copy of an already-valid stored value (the copy handed to callers). With `shareBinary` the bytes of binary
 * values are not copied (for copies that never reach a caller as they are).
 */
export function cloneStored<T>(value: T, shareBinary = false): T {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Uint8Array) return (shareBinary ? value : Buffer.from(value)) as T;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneStored(value[i], shareBinary);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = cloneStored((value as Record<string, unknown>)[key], shareBinary);
  return out as T;
}

/** Whether a stored value contains a Date or binary anywhere. */
export function containsTagged(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Date || value instanceof Uint8Array) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsTagged(item)) return true;
    return false;
  }
  for (const key in value) if (containsTagged((value as Record<string, unknown>)[key])) return true;
  return false;
}

function taggedReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return { $date: raw.toISOString() };
  if (raw instanceof Uint8Array) return { $binary: { base64: base64Of(raw), subType: "00" } };
  return value;
}

function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The stored form of an EJSON binary value, or undefined when `tag` is not one (a subtype-0 binData). */
function binaryOf(tag: unknown): Uint8Array | undefined {
  if (tag === null || typeof tag !== "object") return undefined;
  const { base64, subType } = tag as { base64?: unknown; subType?: unknown };
  if (typeof base64 !== "string" || subType !== "00" || Object.keys(tag).length !== 2) return undefined;
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) throw new Error("bad $binary value (not base64)");
  return new Uint8Array(Buffer.from(base64, "base64"));
}

/** JSON text of a value; `hasTagged` selects the (slower) pass that tags Dates and binary. */
export function encodeJson(value: unknown, hasTagged: boolean): string {
  return hasTagged ? JSON.stringify(value, taggedReplacer) : JSON.stringify(value);
}

/** Parses JSON text written by {@link encodeJson}. */
export function decodeJson(text: string, hasTagged: boolean): unknown {
  const value: unknown = JSON.parse(text);
  return hasTagged ? reviveTagged(value) : value;
}

function reviveTagged(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveTagged(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const tag = record.$date;
  if (typeof tag === "string" && Object.keys(record).length === 1) {
    const date = new Date(tag);
    if (Number.isNaN(date.getTime())) throw new Error(`bad $date value ${JSON.stringify(tag)}`);
    return date;
  }
  if ("$binary" in record && Object.keys(record).length === 1) {
    const bytes = binaryOf(record.$binary);
    if (!bytes) throw new Error('bad $binary value (expected { base64, subType: "00" })');
    return bytes;
  }
  for (const key in record) record[key] = reviveTagged(record[key]);
  return record;
}

/**
 * A string that is equal for two values exactly when MongoDB's equality treats them as equal
 * (types kept apart: 1 vs "1" vs Date(1) vs binary; -0 equals 0; object field order matters). Index keys.
 */
export function canonicalKey(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return `d${value === 0 ? 0 : value}`;
    case "boolean":
      return value ? "T" : "F";
    case "undefined":
      return "n";
    case "object": {
      if (value === null) return "n";
      if (value instanceof Date) return `t${value.getTime()}`;
      if (value instanceof Uint8Array) return `b${base64Of(value)}`;
      if (Array.isArray(value)) return `[${value.map(canonicalKey).join(",")}]`;
      const parts: string[] = [];
      for (const key in value)
        parts.push(`${JSON.stringify(key)}:${canonicalKey((value as Record<string, unknown>)[key])}`);
      return `{${parts.join(",")}}`;
    }
    default:
      return `?${String(value)}`;
  }
}
