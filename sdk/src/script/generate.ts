// Regenerates `script-api-text.ts` (the text of `script-api.d.ts` as a string constant, for the compiler, the sandbox
// and the studio editor) after `script-api.d.ts` changed:
//
//   node sdk/src/script/generate.ts
//
// A test fails while the two disagree.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

/** `text` escaped for a template literal (readable in the generated file, and left alone by the formatter). */
function asTemplateText(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
}

/** The generated module for the declaration text `dts`. */
export function renderScriptApiText(dts: string): string {
  const sha256 = createHash("sha256").update(dts).digest("hex");
  return [
    "// Generated from script-api.d.ts by `node sdk/src/script/generate.ts`; do not edit.",
    "",
    "/** The text of `script-api.d.ts`: the declarations of the virtual module scripts import. */",
    `export const SCRIPT_API_DTS: string = \`${asTemplateText(dts)}\`;`,
    "",
    "/** sha256 (hex) of `SCRIPT_API_DTS`. */",
    `export const SCRIPT_API_DTS_SHA256 = ${JSON.stringify(sha256)};`,
    "",
  ].join("\n");
}

export const DTS_URL = new URL("./script-api.d.ts", import.meta.url);
export const TEXT_URL = new URL("./script-api-text.ts", import.meta.url);

if (import.meta.main) {
  writeFileSync(TEXT_URL, renderScriptApiText(readFileSync(DTS_URL, "utf8")));
  process.stdout.write(`wrote ${TEXT_URL.pathname}\n`);
}
