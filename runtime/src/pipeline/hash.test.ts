// Canonical JSON and the content hash built on it: exact strings, written out by hand.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalHash, canonicalJson } from "./hash.ts";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("canonicalJson", () => {
  it("writes object keys in sorted order, whatever their order in the object", () => {
    expect(canonicalJson({ b: 2, a: 1, c: 3 })).toBe('{"a":1,"b":2,"c":3}');
    expect(canonicalJson({ c: 3, a: 1, b: 2 })).toBe('{"a":1,"b":2,"c":3}');
    expect(canonicalJson({})).toBe("{}");
  });

  it("sorts keys by UTF-16 code units", () => {
    // "Z" (U+005A) < "a" (U+0061) < "aa" < "b" (U+0062) < "ä" (U+00E4)
    expect(canonicalJson({ b: 1, a: 2, ä: 3, Z: 4, aa: 5 })).toBe('{"Z":4,"a":2,"aa":5,"b":1,"ä":3}');
    // A surrogate pair (U+1F600 is D83D DE00) sorts before U+FF01 by code units, though its code point is higher.
    expect(canonicalJson({ "！": 1, "😀": 2 })).toBe('{"😀":2,"！":1}');
    // Integer-like keys, which objects list first in numeric order, are sorted as strings too.
    expect(canonicalJson({ 10: "x", 9: "y", a: "z", 1: "w" })).toBe('{"1":"w","10":"x","9":"y","a":"z"}');
  });

  it("leaves out undefined fields", () => {
    expect(canonicalJson({ a: 1, b: undefined, c: null })).toBe('{"a":1,"c":null}');
    expect(canonicalJson({ a: undefined })).toBe("{}");
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it("writes undefined array items as null", () => {
    expect(canonicalJson([1, undefined, 3])).toBe("[1,null,3]");
    expect(canonicalJson([undefined])).toBe("[null]");
    expect(canonicalJson([])).toBe("[]");
  });

  it("writes Dates as their ISO string", () => {
    expect(canonicalJson(new Date("2025-03-07T23:30:00Z"))).toBe('"2025-03-07T23:30:00.000Z"');
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("writes primitives as JSON.stringify does, and undefined or non-finite numbers as null", () => {
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson(true)).toBe("true");
    expect(canonicalJson(-1.5)).toBe("-1.5");
    expect(canonicalJson(Number.NaN)).toBe("null");
    expect(canonicalJson([Number.POSITIVE_INFINITY, -0])).toBe("[null,0]");
    expect(canonicalJson('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(canonicalJson({ 'k"\n': "é" })).toBe('{"k\\"\\n":"é"}');
  });

  it("writes nested arrays and objects", () => {
    const value = {
      session: { id: "S1", energy: { kWh: 12.5, unit: undefined } },
      periods: [
        { start: new Date("2025-01-15T10:00:00Z"), dims: [{ type: "ENERGY", volume: 3 }] },
        [[], {}, [undefined, null]],
      ],
      b: false,
    };
    const expected =
      '{"b":false,"periods":[{"dims":[{"type":"ENERGY","volume":3}],"start":"2025-01-15T10:00:00.000Z"},' +
      '[[],{},[null,null]]],"session":{"energy":{"kWh":12.5},"id":"S1"}}';
    expect(canonicalJson(value)).toBe(expected);
  });
});

describe("canonicalHash", () => {
  it("is the sha256 (hex) of the canonical JSON", () => {
    expect(canonicalHash({ b: [1, { d: 3, c: undefined }], a: "x" })).toBe(sha256('{"a":"x","b":[1,{"d":3}]}'));
    expect(canonicalHash({ a: "x", b: [1, { d: 3 }] })).toBe(sha256('{"a":"x","b":[1,{"d":3}]}'));
    expect(canonicalHash([undefined, new Date(0)])).toBe(sha256('[null,"1970-01-01T00:00:00.000Z"]'));
    expect(canonicalHash({ ä: 1, Z: 2 })).toBe(sha256('{"Z":2,"ä":1}'));
    expect(canonicalHash(undefined)).toBe(sha256("null"));
    // A known digest, so that the hash function itself cannot change unnoticed.
    expect(canonicalHash({})).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  });
});
