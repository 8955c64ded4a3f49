// Building blocks of the embedded engine: value codec, record framing, index keys and lookups.
import { describe, expect, it } from "vitest";
import { canonicalKey, cloneForStore, decodeJson, encodeJson } from "../embedded/codec.ts";
import { docBytes, docsRecordPieces, encodeWriteRecord } from "../embedded/doc-bytes.ts";
import {
  decodePayload,
  encodeRecord,
  FramingError,
  frameHeader,
  framePieces,
  readRecordAt,
  scanRecords,
} from "../embedded/framing.ts";
import { Index, planCandidates } from "../embedded/indexes.ts";
import { StoreError } from "../types.ts";
import { normalizeIndexSpec } from "../validate.ts";

describe("codec", () => {
  it("round-trips JSON values and Dates", () => {
    const value = {
      a: 1,
      s: "x",
      n: null,
      t: new Date("2025-05-05T05:05:05.005Z"),
      list: [new Date(0), { d: new Date(1) }],
    };
    const decoded = decodeJson(encodeJson(value, true), true);
    expect(decoded).toEqual(value);
    expect((decoded as { t: Date }).t).toBeInstanceOf(Date);
  });

  it("copies values, dropping undefined fields and nulling undefined array items", () => {
    const input = { a: undefined, b: [1, undefined], c: { d: new Date(5) } };
    const copy = cloneForStore(input) as Record<string, unknown>;
    expect(copy).toEqual({ b: [1, null], c: { d: new Date(5) } });
    expect("a" in copy).toBe(false);
    expect((copy.c as { d: Date }).d).not.toBe(input.c.d);
  });

  it.each([
    ["a function", { f: () => 1 }],
    ["NaN", { n: Number.NaN }],
    ["Infinity", { n: Number.POSITIVE_INFINITY }],
    ["a bigint", { n: 1n }],
    ["a Map", { m: new Map() }],
    ["a class instance", { x: new (class Money {})() }],
    ["an invalid Date", { d: new Date("nope") }],
    ["a $-prefixed field", { nested: { $date: "2020-01-01" } }],
  ])("refuses %s", (_label, value) => {
    expect(() => cloneForStore(value)).toThrow(StoreError);
  });

  it("refuses cyclic values", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cloneForStore(cyclic)).toThrow(/nested deeper/);
  });

  it("gives equal canonical keys exactly to values MongoDB considers equal", () => {
    expect(canonicalKey(1)).toBe(canonicalKey(1.0));
    expect(canonicalKey(0)).toBe(canonicalKey(-0));
    expect(canonicalKey(null)).toBe(canonicalKey(undefined));
    expect(canonicalKey(1)).not.toBe(canonicalKey("1"));
    expect(canonicalKey(new Date(1))).not.toBe(canonicalKey(1));
    expect(canonicalKey("a,b")).not.toBe(canonicalKey(["a", "b"]));
    expect(canonicalKey({ a: 1, b: 2 })).not.toBe(canonicalKey({ b: 2, a: 1 }));
    expect(canonicalKey(true)).not.toBe(canonicalKey("T"));
  });
});

describe("framing", () => {
  const records = [
    encodeRecord({ op: "seq", n: "a", v: 1 }, false),
    encodeRecord({ op: "w", c: "x", put: [{ _id: "1", at: new Date(7) }] }, true),
    encodeRecord({ op: "seq", n: "a", v: 2 }, false),
  ];
  const file = Buffer.concat(records);

  it("frames a payload given in pieces exactly as the same payload given whole", () => {
    const value = {
      op: "w",
      c: "sessions",
      put: [
        { _id: "a", at: new Date(7) },
        { _id: "b", text: "ünïcode ⚡" },
      ],
    };
    const whole = encodeRecord(value, true);
    const pieced = encodeWriteRecord("sessions", value.put as never, undefined, true);
    expect(pieced.equals(whole)).toBe(true);
    const { frame, ranges } = framePieces(['{"a":', Buffer.from("[1,2]"), "}"], false);
    expect(frame.equals(encodeRecord({ a: [1, 2] }, false))).toBe(true);
    expect(frame.subarray(...(ranges[1] as [number, number])).toString()).toBe("[1,2]");
  });

  it("keeps a document's bytes with that document only: a copy made from it (as an update makes) encodes its own", () => {
    const stored = { _id: "s", status: "processing", n: 1 };
    encodeWriteRecord("c", [stored] as never, undefined, false);
    expect(docBytes(stored as never).bytes.toString()).toBe('{"_id":"s","status":"processing","n":1}');
    const updated = { ...stored, status: "priced" };
    expect(Object.keys(updated)).toEqual(["_id", "status", "n"]);
    expect(JSON.stringify(updated)).toBe('{"_id":"s","status":"priced","n":1}');
    expect(docBytes(updated as never).bytes.toString()).toBe('{"_id":"s","status":"priced","n":1}');
    expect(docBytes(stored as never).bytes.toString()).toBe('{"_id":"s","status":"processing","n":1}');
  });

  it("frames a snapshot chunk from the documents' kept bytes, header apart, into a record that reads back", () => {
    const docs = [
      { _id: "x", at: new Date(1) },
      { _id: "y", n: 2 },
    ];
    // Journal the documents first: their bytes are kept and reused below.
    encodeWriteRecord("c", docs as never, undefined, true);
    const { pieces, hasTagged } = docsRecordPieces("c", docs as never);
    const record = Buffer.concat([frameHeader(pieces, hasTagged), ...pieces]);
    expect(record.equals(encodeRecord({ op: "docs", c: "c", docs }, true))).toBe(true);
    const read = readRecordAt(record, 0);
    if (typeof read === "string") throw new Error(read);
    expect(decodePayload(read.payload)).toEqual({ op: "docs", c: "c", docs });
  });

  it("reads back intact records", () => {
    const scan = scanRecords(file);
    expect(scan.tornTail).toBeNull();
    expect(scan.validLength).toBe(file.length);
    expect(scan.records.map((r) => decodePayload(r.payload))).toEqual([
      { op: "seq", n: "a", v: 1 },
      { op: "w", c: "x", put: [{ _id: "1", at: new Date(7) }] },
      { op: "seq", n: "a", v: 2 },
    ]);
  });

  it("reports every way of tearing the last record as a torn tail", () => {
    const lastStart = file.length - (records[2] as Buffer).length;
    for (let cut = lastStart + 1; cut < file.length; cut++) {
      const scan = scanRecords(file.subarray(0, cut));
      expect(scan.records).toHaveLength(2);
      expect(scan.validLength).toBe(lastStart);
      expect(scan.tornTail).not.toBeNull();
    }
    const flipped = Buffer.from(file);
    flipped[file.length - 2] = (flipped[file.length - 2] as number) ^ 0x20;
    expect(scanRecords(flipped).tornTail).toBe("checksum mismatch");
  });

  it("throws for a damaged record followed by intact ones", () => {
    const damaged = Buffer.from(file);
    damaged[(records[0] as Buffer).length + 15] = 0;
    expect(() => scanRecords(damaged)).toThrow(FramingError);
  });
});

describe("indexes", () => {
  const index = (spec: Parameters<typeof normalizeIndexSpec>[0]) => new Index(normalizeIndexSpec(spec));

  it("indexes missing fields as null and arrays by element", () => {
    const tags = index({ key: { tags: 1 } });
    expect(tags.keysOf({ _id: "a" })).toEqual([canonicalKey(null)]);
    expect(tags.keysOf({ _id: "a", tags: ["x", "y", "x"] }).sort()).toEqual(
      [canonicalKey("x"), canonicalKey("y")].sort(),
    );
    const nested = index({ key: { "lines.sku": 1 } });
    expect(nested.keysOf({ _id: "a", lines: [{ sku: "p" }, { sku: "q" }] }).sort()).toEqual(
      [canonicalKey("p"), canonicalKey("q")].sort(),
    );
  });

  it("refuses a document with two array fields in one compound index", () => {
    const both = index({ key: { a: 1, b: 1 } });
    expect(both.keysOf({ _id: "x", a: [1, 2], b: 3 })).toHaveLength(2);
    expect(() => both.keysOf({ _id: "x", a: [1, 2], b: [3, 4] })).toThrow(StoreError);
  });

  it("answers equality lookups from an index and leaves other filters to a scan", () => {
    const email = index({ key: { email: 1 }, unique: true });
    email.add("u1", email.keysOf({ _id: "u1", email: "a@x" }));
    email.add("u2", email.keysOf({ _id: "u2", email: "b@x" }));
    const pair = index({ key: { tenant: 1, ref: 1 }, unique: true });
    pair.add("u1", pair.keysOf({ _id: "u1", tenant: "t", ref: 1 }));
    const indexes = [email, pair];
    expect(planCandidates({ email: "a@x" }, indexes)).toEqual(["u1"]);
    expect(planCandidates({ email: { $eq: "b@x" }, other: { $gt: 1 } }, indexes)).toEqual(["u2"]);
    expect(planCandidates({ email: { $in: ["a@x", "b@x", "c@x"] } }, indexes)?.sort()).toEqual(["u1", "u2"]);
    expect(planCandidates({ email: "nobody" }, indexes)).toEqual([]);
    expect(planCandidates({ tenant: "t", ref: 1 }, indexes)).toEqual(["u1"]);
    expect(planCandidates({ _id: "u9", email: "a@x" }, indexes)).toEqual(["u9"]);
    expect(planCandidates({ tenant: "t" }, indexes)).toBeNull();
    expect(planCandidates({ email: { $gt: "a" } }, indexes)).toBeNull();
    expect(planCandidates({ email: /a/ }, indexes)).toBeNull();
    expect(planCandidates({ email: ["a@x"] }, indexes)).toBeNull();
  });
});
