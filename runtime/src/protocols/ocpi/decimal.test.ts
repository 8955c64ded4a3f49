// OCPI numbers become decimals from their text, never through float arithmetic.
import { Dec } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { decimalOf } from "./common/fields.ts";
import { JsonNumberText, parseJsonPreservingNumbers } from "./common/json.ts";
import { toNormalizedTariff } from "./normalize.ts";
import { parseTariff } from "./parse.ts";

const tariffText = (price: string, vat = "10.0") =>
  `{"country_code":"DE","party_id":"ALL","id":"1","currency":"EUR","elements":[{"price_components":[` +
  `{"type":"ENERGY","price":${price},"vat":${vat},"step_size":1}]}],"last_updated":"2018-12-17T11:16:55Z"}`;

function priceOf(json: unknown): Dec {
  const r = parseTariff(json, "2.2.1");
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return toNormalizedTariff(r.value).elements[0]!.components[0]!.price;
}

describe("decimal numbers", () => {
  it("a JSON number 0.1 maps to exactly Decimal('0.1'), parsed with JSON.parse", () => {
    const price = priceOf(JSON.parse(tariffText("0.1")));
    expect(price.eq(new Dec("0.1"))).toBe(true);
    expect(price.toString()).toBe("0.1");
    // Not the binary double 0.1000000000000000055511151231257827…
    expect(price.eq(new Dec(0.1).plus(new Dec("1e-30")))).toBe(false);
  });

  it("a JSON number 0.1 maps to exactly Decimal('0.1'), parsed from text", () => {
    expect(priceOf(parseJsonPreservingNumbers(tariffText("0.1"))).toString()).toBe("0.1");
  });

  it("sums stay exact: 0.1 + 0.2 = 0.3", () => {
    const a = priceOf(JSON.parse(tariffText("0.1")));
    const b = priceOf(JSON.parse(tariffText("0.2")));
    expect(a.plus(b).eq("0.3")).toBe(true);
  });

  it("text keeps digits a double cannot hold", () => {
    const long = "0.12345678901234567890123";
    expect(priceOf(parseJsonPreservingNumbers(tariffText(long))).toString()).toBe(long);
    // Through a double the same text would be cut to 17 significant digits.
    expect(priceOf(JSON.parse(tariffText(long))).toString()).toBe(String(Number(long)));
  });

  it("reads exponents and trailing zeros", () => {
    expect(decimalOf(new JsonNumberText("2.00")).eq(2)).toBe(true);
    expect(decimalOf(new JsonNumberText("25E-2")).eq("0.25")).toBe(true);
    expect(decimalOf(1e-7).eq("0.0000001")).toBe(true);
    expect(decimalOf(1e21).eq("1e21")).toBe(true);
  });

  it("the reader keeps the source text of every number and nothing else", () => {
    const json = parseJsonPreservingNumbers('{"a":[1.50,"1.50",true,null,{"b":-0.0}]}') as { a: unknown[] };
    expect(json.a[0]).toBeInstanceOf(JsonNumberText);
    expect((json.a[0] as JsonNumberText).text).toBe("1.50");
    expect(json.a.slice(1, 4)).toEqual(["1.50", true, null]);
    expect(((json.a[4] as { b: JsonNumberText }).b as JsonNumberText).text).toBe("-0.0");
    expect(JSON.stringify(json)).toBe('{"a":[1.5,"1.50",true,null,{"b":0}]}');
    expect(() => parseJsonPreservingNumbers("{")).toThrow(SyntaxError);
  });

  it("a vat of 0 stays 0 and an absent vat stays absent", () => {
    const zero = parseTariff(JSON.parse(tariffText("0.25", "0")), "2.2.1");
    if (!zero.ok) throw new Error("should parse");
    expect(toNormalizedTariff(zero.value).elements[0]!.components[0]!.vatPercent?.isZero()).toBe(true);
    const json = JSON.parse(tariffText("0.25")) as { elements: { price_components: { vat?: number }[] }[] };
    delete json.elements[0]!.price_components[0]!.vat;
    const absent = parseTariff(json, "2.2.1");
    if (!absent.ok) throw new Error("should parse");
    expect(toNormalizedTariff(absent.value).elements[0]!.components[0]!).not.toHaveProperty("vatPercent");
  });
});
