// Paths and contents of the fixture files in plugins/fx/fixtures (invented rates; see the README there).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const HIST_FIXTURE = fileURLToPath(new URL("../../fixtures/eurofxref-hist.xml", import.meta.url));
export const DAILY_FIXTURE = fileURLToPath(new URL("../../fixtures/eurofxref-daily.xml", import.meta.url));
export const histXml = (): string => readFileSync(HIST_FIXTURE, "utf8");
export const dailyXml = (): string => readFileSync(DAILY_FIXTURE, "utf8");

/** A one-day ECB document around `cubes` (the content of the outer Cube), for malformed-input tests. */
export function ecbDocument(cubes: string, envelopeAttributes?: string): string {
  const attributes =
    envelopeAttributes ??
    'xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gesmes:Envelope ${attributes}>`,
    "\t<gesmes:subject>Reference rates</gesmes:subject>",
    "\t<gesmes:Sender>",
    "\t\t<gesmes:name>European Central Bank</gesmes:name>",
    "\t</gesmes:Sender>",
    "\t<Cube>",
    cubes,
    "\t</Cube>",
    "</gesmes:Envelope>",
    "",
  ].join("\n");
}
