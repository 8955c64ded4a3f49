// The ECB euro foreign exchange reference rates in their official XML format (eurofxref-daily.xml,
// eurofxref-hist.xml, eurofxref-hist-90d.xml):
//
//   <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
//                    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
//     <gesmes:subject>Reference rates</gesmes:subject>
//     <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
//     <Cube>
//       <Cube time="2025-03-03"><Cube currency="USD" rate="1.0465"/>…</Cube>
//       …
//     </Cube>
//   </gesmes:Envelope>
//
// Parsed strictly: every element and attribute must be one of these, rates are positive decimals kept as the
// exact strings published, and every error names the line, column and element path.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isIsoDate } from "./dates.ts";
import { EcbXmlError } from "./errors.ts";

export const GESMES_NAMESPACE = "http://www.gesmes.org/xml/2002-08-01";
export const EUROFXREF_NAMESPACE = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref";

/** The rates of one publication day: currency → units of that currency per 1 EUR, exactly as published. */
export interface EcbPublication {
  date: string;
  rates: Record<string, string>;
}

export interface EcbDocument {
  subject?: string;
  sender?: string;
  /** In ascending date order (the files list the newest first). */
  publications: EcbPublication[];
}

const CURRENCY = /^[A-Z]{3}$/;
const POSITIVE_DECIMAL = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

// fast-xml-parser's ordered output: [{ tagName: children[], ":@": attributes, [metadata]: {startIndex} }, { "#text": … }]
type OrderedNode = Record<string, unknown>;

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
  startIndex: number | undefined;
}

const META = XMLParser.getMetaDataSymbol() as unknown as string;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: false,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  captureMetaData: true,
});

function toElements(nodes: OrderedNode[]): Element[] {
  const out: Element[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ":@" && k !== "#text");
    // A text node: its parent collects it in `text` (below), so that the parent can refuse it.
    if (name === undefined) continue;
    const childNodes = (node[name] ?? []) as OrderedNode[];
    const element: Element = {
      name,
      attributes: (node[":@"] ?? {}) as Record<string, string>,
      children: toElements(childNodes),
      text: childNodes
        .map((c) => c["#text"])
        .filter((t): t is string => typeof t === "string")
        .join(""),
      startIndex: (node[META] as { startIndex?: number } | undefined)?.startIndex,
    };
    out.push(element);
  }
  return out;
}

function lineColumn(xml: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < xml.length; i++) {
    if (xml.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function label(element: Element): string {
  if (element.attributes.time !== undefined) return `${element.name}[time=${element.attributes.time}]`;
  if (element.attributes.currency !== undefined) return `${element.name}[currency=${element.attributes.currency}]`;
  return element.name;
}

/**
 * Parses an ECB eurofxref document. `origin` (a file name or URL) prefixes every error message.
 * Throws an EcbXmlError naming the line, column and element of the first problem.
 */
export function parseEcbXml(xml: string, origin = "ECB XML"): EcbDocument {
  if (typeof xml !== "string" || xml.trim() === "") throw new EcbXmlError(origin, "the document is empty");

  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    throw new EcbXmlError(origin, "DOCTYPE declarations are not allowed", lineColumn(xml, doctype.index));
  }
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new EcbXmlError(origin, `not well-formed XML: ${valid.err.msg}`, {
      line: valid.err.line,
      column: valid.err.col,
    });
  }

  const roots = toElements(parser.parse(xml) as OrderedNode[]);
  const fail = (element: Element | undefined, path: string[], message: string): never => {
    const where = element?.startIndex !== undefined ? lineColumn(xml, element.startIndex) : {};
    throw new EcbXmlError(origin, message, {
      ...where,
      element: [...path, ...(element ? [label(element)] : [])].join(" > "),
    });
  };

  if (roots.length !== 1) fail(roots[1], [], `expected one root element, found ${roots.length}`);
  const envelope = roots[0] as Element;

  // Namespaces: declared on the envelope (as the ECB does); a prefix resolves through them, no prefix → default.
  const namespaces = new Map<string, string>();
  for (const [attr, value] of Object.entries(envelope.attributes)) {
    if (attr === "xmlns") namespaces.set("", value);
    else if (attr.startsWith("xmlns:")) namespaces.set(attr.slice(6), value);
    else fail(envelope, [], `unexpected attribute "${attr}"`);
  }
  const is = (element: Element, namespace: string, local: string): boolean => {
    const colon = element.name.indexOf(":");
    const prefix = colon === -1 ? "" : element.name.slice(0, colon);
    const name = colon === -1 ? element.name : element.name.slice(colon + 1);
    return name === local && namespaces.get(prefix) === namespace;
  };
  const noAttributes = (element: Element, path: string[]): void => {
    const names = Object.keys(element.attributes);
    if (names.length > 0) fail(element, path, `unexpected attribute "${names[0]}"`);
  };
  const noText = (element: Element, path: string[]): void => {
    if (element.text.trim() !== "")
      fail(element, path, `unexpected text ${JSON.stringify(element.text.trim().slice(0, 40))}`);
  };

  if (!is(envelope, GESMES_NAMESPACE, "Envelope")) {
    fail(envelope, [], `the root element must be Envelope in the namespace ${GESMES_NAMESPACE}`);
  }
  if (namespaces.get("") !== EUROFXREF_NAMESPACE) {
    fail(envelope, [], `the default namespace must be ${EUROFXREF_NAMESPACE}`);
  }
  noText(envelope, []);

  const root = [envelope.name];
  const document: EcbDocument = { publications: [] };
  let outer: Element | undefined;
  for (const child of envelope.children) {
    if (is(child, GESMES_NAMESPACE, "subject") && document.subject === undefined && child.children.length === 0) {
      noAttributes(child, root);
      document.subject = child.text.trim();
    } else if (is(child, GESMES_NAMESPACE, "Sender") && document.sender === undefined) {
      noAttributes(child, root);
      noText(child, root);
      const [name, extra] = child.children;
      if (!name || extra || !is(name, GESMES_NAMESPACE, "name") || name.children.length > 0) {
        fail(extra ?? name ?? child, [...root, child.name], "Sender must contain exactly one name element");
      }
      noAttributes(name as Element, [...root, child.name]);
      document.sender = (name as Element).text.trim();
    } else if (is(child, EUROFXREF_NAMESPACE, "Cube") && outer === undefined) {
      outer = child;
    } else {
      fail(child, root, `unexpected element <${child.name}>`);
    }
  }
  if (!outer) return fail(undefined, root, "missing the Cube element with the rates");

  const outerPath = [...root, "Cube"];
  noAttributes(outer, root);
  noText(outer, root);
  const seenDates = new Set<string>();
  for (const day of outer.children) {
    if (!is(day, EUROFXREF_NAMESPACE, "Cube")) fail(day, outerPath, `unexpected element <${day.name}>`);
    const { time, ...otherAttributes } = day.attributes;
    const unexpected = Object.keys(otherAttributes)[0];
    if (unexpected !== undefined) fail(day, outerPath, `unexpected attribute "${unexpected}"`);
    if (time === undefined) fail(day, outerPath, 'missing the attribute "time"');
    if (!isIsoDate(time as string))
      fail(day, outerPath, `time ${JSON.stringify(time)} is not a calendar date YYYY-MM-DD`);
    const date = time as string;
    if (seenDates.has(date)) fail(day, outerPath, `a second publication for ${date}`);
    seenDates.add(date);
    noText(day, outerPath);
    const dayPath = [...outerPath, label(day)];
    if (day.children.length === 0) fail(day, outerPath, `the publication of ${date} has no rates`);

    const rates: Record<string, string> = {};
    for (const entry of day.children) {
      if (!is(entry, EUROFXREF_NAMESPACE, "Cube")) fail(entry, dayPath, `unexpected element <${entry.name}>`);
      const { currency, rate, ...rest } = entry.attributes;
      const other = Object.keys(rest)[0];
      if (other !== undefined) fail(entry, dayPath, `unexpected attribute "${other}"`);
      if (entry.children.length > 0) fail(entry.children[0], [...dayPath, label(entry)], "unexpected element");
      noText(entry, dayPath);
      if (currency === undefined) fail(entry, dayPath, 'missing the attribute "currency"');
      if (rate === undefined) fail(entry, dayPath, 'missing the attribute "rate"');
      const code = currency as string;
      if (!CURRENCY.test(code)) fail(entry, dayPath, `currency ${JSON.stringify(code)} is not a three-letter code`);
      if (code === "EUR") fail(entry, dayPath, "EUR is the base currency and cannot have a rate");
      if (Object.hasOwn(rates, code)) fail(entry, dayPath, `a second rate for ${code}`);
      if (!POSITIVE_DECIMAL.test(rate as string) || /^0(\.0+)?$/.test(rate as string)) {
        fail(entry, dayPath, `rate ${JSON.stringify(rate)} is not a positive decimal number`);
      }
      rates[code] = rate as string;
    }
    document.publications.push({ date, rates });
  }
  if (document.publications.length === 0) fail(outer, root, "the document contains no publication (Cube[time])");
  document.publications.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return document;
}
