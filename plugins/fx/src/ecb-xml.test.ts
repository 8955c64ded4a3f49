import { describe, expect, it } from "vitest";
import { parseEcbXml } from "./ecb-xml.ts";
import { EcbXmlError } from "./errors.ts";
import { dailyXml, ecbDocument, histXml } from "./testing/fixtures.ts";

function parseError(xml: string): EcbXmlError {
  try {
    parseEcbXml(xml, "test.xml");
  } catch (error) {
    if (error instanceof EcbXmlError) return error;
    throw error;
  }
  throw new Error("expected the document to be rejected");
}

// Line 8 of ecbDocument() is the first line of `cubes`.
const day = (rates: string, time = "2025-03-11") => `\t\t<Cube time='${time}'>\n${rates}\n\t\t</Cube>`;

describe("parseEcbXml on the fixtures", () => {
  it("reads the daily file: one publication, the rates exactly as written", () => {
    const doc = parseEcbXml(dailyXml());
    expect(doc.subject).toBe("Reference rates");
    expect(doc.sender).toBe("European Central Bank");
    expect(doc.publications).toEqual([
      {
        date: "2025-03-11",
        rates: { USD: "1.0562", JPY: "156.85", GBP: "0.84320", CHF: "0.9541", SEK: "10.9520", PLN: "4.1875" },
      },
    ]);
  });

  it("reads the historical file and returns the publications in ascending order", () => {
    const doc = parseEcbXml(histXml());
    expect(doc.publications.map((p) => p.date)).toEqual([
      "2025-02-24",
      "2025-02-25",
      "2025-02-26",
      "2025-02-27",
      "2025-02-28",
      "2025-03-03",
      "2025-03-04",
      "2025-03-05",
      "2025-03-06",
      "2025-03-07",
      "2025-03-10",
    ]);
    expect(doc.publications[9]?.rates.GBP).toBe("0.84000");
  });

  it("accepts another namespace prefix bound to the gesmes namespace, double quotes and CRLF line ends", () => {
    const xml = dailyXml()
      .replaceAll("gesmes:", "g:")
      .replace("xmlns:gesmes=", "xmlns:g=")
      .replaceAll("'", '"')
      .replaceAll("\n", "\r\n");
    expect(parseEcbXml(xml).publications[0]?.rates.USD).toBe("1.0562");
  });
});

describe("parseEcbXml refuses what is not the ECB format, naming the position and the element", () => {
  it("XML that is not well-formed", () => {
    const error = parseError(ecbDocument(day("\t\t\t<Cube currency='USD' rate='1.0562'></Rate>")));
    expect(error.message).toBe(
      "test.xml at line 9, column 39: not well-formed XML: Expected closing tag 'Cube' (opened in line 9, col 4) instead of closing tag 'Rate'.",
    );
    expect(error).toMatchObject({ line: 9, column: 39 });
    expect(parseError("this is not XML").message).toMatch(/^test\.xml at line 1, column 1: not well-formed XML: /);
  });

  it("an unknown element, with its line and path", () => {
    const error = parseError(
      ecbDocument(day("\t\t\t<Cube currency='USD' rate='1.0562'/>\n\t\t\t<Rate currency='GBP' value='0.84'/>")),
    );
    expect(error.message).toBe(
      "test.xml at line 10, column 4 (gesmes:Envelope > Cube > Cube[time=2025-03-11] > Rate[currency=GBP]): unexpected element <Rate>",
    );
    expect(error).toMatchObject({
      line: 10,
      column: 4,
      element: "gesmes:Envelope > Cube > Cube[time=2025-03-11] > Rate[currency=GBP]",
    });
    expect(parseError(ecbDocument("").replace("<gesmes:subject>", "<gesmes:Extra/><gesmes:subject>")).message).toBe(
      "test.xml at line 3, column 2 (gesmes:Envelope > gesmes:Extra): unexpected element <gesmes:Extra>",
    );
  });

  it("a negative, zero or malformed rate", () => {
    expect(parseError(ecbDocument(day("\t\t\t<Cube currency='USD' rate='-1.0562'/>"))).message).toBe(
      'test.xml at line 9, column 4 (gesmes:Envelope > Cube > Cube[time=2025-03-11] > Cube[currency=USD]): rate "-1.0562" is not a positive decimal number',
    );
    for (const rate of ["0", "0.0000", "1,0562", "1e3", " 1.0562", "", ".5", "01.5", "NaN"]) {
      expect(parseError(ecbDocument(day(`\t\t\t<Cube currency='USD' rate='${rate}'/>`))).message).toContain(
        `rate ${JSON.stringify(rate)} is not a positive decimal number`,
      );
    }
  });

  it("bad currencies: lower case, EUR, twice in a day, missing", () => {
    const one = (cube: string) => parseError(ecbDocument(day(cube))).message;
    expect(one("\t\t\t<Cube currency='usd' rate='1.05'/>")).toContain('currency "usd" is not a three-letter code');
    expect(one("\t\t\t<Cube currency='EUR' rate='1'/>")).toContain("EUR is the base currency and cannot have a rate");
    expect(one("\t\t\t<Cube currency='USD' rate='1.05'/>\n\t\t\t<Cube currency='USD' rate='1.06'/>")).toMatch(
      /line 10, column 4 .*: a second rate for USD$/,
    );
    expect(one("\t\t\t<Cube rate='1.05'/>")).toContain('missing the attribute "currency"');
    expect(one("\t\t\t<Cube currency='USD'/>")).toContain('missing the attribute "rate"');
    expect(one("\t\t\t<Cube currency='USD' rate='1.05' source='x'/>")).toContain('unexpected attribute "source"');
    expect(one("\t\t\t<Cube currency='USD' rate='1.05'>1.05</Cube>")).toContain('unexpected text "1.05"');
  });

  it("bad days: time missing or not a date, the same date twice, no rates, no days", () => {
    const usd = "\t\t\t<Cube currency='USD' rate='1.05'/>";
    expect(parseError(ecbDocument(day(usd, "2025-02-30"))).message).toBe(
      'test.xml at line 8, column 3 (gesmes:Envelope > Cube > Cube[time=2025-02-30]): time "2025-02-30" is not a calendar date YYYY-MM-DD',
    );
    expect(parseError(ecbDocument(`\t\t<Cube>\n${usd}\n\t\t</Cube>`)).message).toContain(
      'missing the attribute "time"',
    );
    expect(parseError(ecbDocument(`${day(usd)}\n${day(usd)}`)).message).toContain(
      "a second publication for 2025-03-11",
    );
    expect(parseError(ecbDocument("\t\t<Cube time='2025-03-11'/>")).message).toContain(
      "the publication of 2025-03-11 has no rates",
    );
    expect(parseError(ecbDocument("")).message).toBe(
      "test.xml at line 7, column 2 (gesmes:Envelope > Cube): the document contains no publication (Cube[time])",
    );
  });

  it("the wrong root, namespaces or envelope content", () => {
    expect(parseError("<rates><rate/></rates>").message).toBe(
      "test.xml at line 1, column 1 (rates): the root element must be Envelope in the namespace http://www.gesmes.org/xml/2002-08-01",
    );
    const wrongDefault = ecbDocument(
      day("\t\t\t<Cube currency='USD' rate='1.05'/>"),
      'xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://example.com/rates"',
    );
    expect(parseError(wrongDefault).message).toContain(
      "the default namespace must be http://www.ecb.int/vocabulary/2002-08-01/eurofxref",
    );
    const twoCubes = ecbDocument(day("\t\t\t<Cube currency='USD' rate='1.05'/>")).replace(
      "</gesmes:Envelope>",
      "<Cube/></gesmes:Envelope>",
    );
    expect(parseError(twoCubes).message).toContain("unexpected element <Cube>");
    const noCube = ecbDocument("").replace(/\t<Cube>[\s\S]*<\/Cube>\n/, "");
    expect(parseError(noCube).message).toBe("test.xml (gesmes:Envelope): missing the Cube element with the rates");
  });

  it("an empty document and DOCTYPE declarations (no entity expansion)", () => {
    expect(parseError("  ").message).toBe("test.xml: the document is empty");
    expect(parseError(`<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<x/>`).message).toBe(
      "test.xml at line 2, column 1: DOCTYPE declarations are not allowed",
    );
  });
});
