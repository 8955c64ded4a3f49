// The parts of the MongoDB engine that need no server: error mapping and string ids for upserts.
import { describe, expect, it } from "vitest";
import { isDuplicateKey, mapError } from "../mongodb/errors.ts";
import { withGeneratedId } from "../mongodb/mongo-collection.ts";
import { DuplicateKeyError, StoreError } from "../types.ts";

describe("MongoDB error mapping", () => {
  it("maps a server E11000 to DuplicateKeyError with index and key", () => {
    const serverError = Object.assign(new Error("E11000 duplicate key error"), {
      code: 11000,
      errmsg: 'E11000 duplicate key error collection: voltrate.users index: email_1 dup key: { email: "a@x" }',
      keyValue: { email: "a@x" },
    });
    const mapped = mapError(serverError, "users");
    expect(mapped).toBeInstanceOf(DuplicateKeyError);
    expect(mapped).toMatchObject({
      code: "DUPLICATE_KEY",
      collection: "users",
      index: "email_1",
      keyValue: { email: "a@x" },
    });
    expect((mapped as Error).cause).toBe(serverError);
  });

  it("maps a bulk write error whose first write error is E11000", () => {
    const bulkError = Object.assign(new Error("bulk"), {
      code: 11000,
      writeErrors: [
        {
          code: 11000,
          errmsg: 'E11000 duplicate key error collection: voltrate.c index: _id_ dup key: { _id: "x" }',
          err: { keyValue: { _id: "x" } },
        },
      ],
    });
    expect(isDuplicateKey(bulkError)).toBe(true);
    expect(mapError(bulkError, "c")).toMatchObject({ index: "_id_", keyValue: { _id: "x" } });
  });

  it("leaves other errors alone", () => {
    const other = Object.assign(new Error("not primary"), { code: 10107 });
    expect(mapError(other, "c")).toBe(other);
  });
});

describe("MongoDB upserts get string ids", () => {
  it("adds a generated string _id on insert when the filter does not fix one", () => {
    const update = withGeneratedId({ $set: { a: 1 }, $setOnInsert: { b: 2 } }, true, { key: "k" });
    expect(update.$set).toEqual({ a: 1 });
    expect(update.$setOnInsert).toMatchObject({ b: 2 });
    expect(update.$setOnInsert._id).toMatch(/^[0-9a-f]{24}$/);
  });

  it("keeps the update as it is when not upserting or when the _id is given", () => {
    const update = { $set: { a: 1 } };
    expect(withGeneratedId(update, false, {})).toBe(update);
    expect(withGeneratedId(update, true, { _id: "fixed" })).toBe(update);
    expect(withGeneratedId({ $setOnInsert: { _id: "mine" } }, true, {})).toEqual({ $setOnInsert: { _id: "mine" } });
  });

  it("checks the update like the embedded engine", () => {
    expect(() => withGeneratedId({ a: 1 }, true, {})).toThrow(StoreError);
  });
});
