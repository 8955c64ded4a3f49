// Driver errors that callers handle get the store's own error types.
import { DuplicateKeyError } from "../types.ts";

const DUPLICATE_KEY = 11000;

interface ServerErrorLike {
  code?: unknown;
  errmsg?: unknown;
  message?: unknown;
  keyValue?: unknown;
  writeErrors?: unknown;
  errorResponse?: { keyValue?: unknown };
}

function firstWriteError(error: ServerErrorLike): ServerErrorLike | undefined {
  const list = error.writeErrors;
  const first = Array.isArray(list) ? list[0] : list;
  if (!first || typeof first !== "object") return undefined;
  const inner = (first as { err?: ServerErrorLike }).err;
  return { ...(inner ?? {}), code: (first as ServerErrorLike).code, errmsg: (first as ServerErrorLike).errmsg };
}

export function isDuplicateKey(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as ServerErrorLike;
  return e.code === DUPLICATE_KEY || firstWriteError(e)?.code === DUPLICATE_KEY;
}

/** E11000 → DuplicateKeyError (index name and key values from the server's report); others unchanged. */
export function mapError(error: unknown, collection: string): unknown {
  if (!isDuplicateKey(error)) return error;
  const e = error as ServerErrorLike;
  const first = firstWriteError(e);
  const detail = first?.code === DUPLICATE_KEY ? first : e;
  const message = String(detail.errmsg ?? detail.message ?? e.errmsg ?? e.message ?? "");
  const index = /index: (\S+)/.exec(message)?.[1] ?? "unknown";
  const keyValue = detail.keyValue ?? e.keyValue ?? e.errorResponse?.keyValue;
  const duplicate = new DuplicateKeyError(
    collection,
    index,
    keyValue && typeof keyValue === "object" ? (keyValue as Record<string, unknown>) : {},
  );
  duplicate.cause = error;
  return duplicate;
}
