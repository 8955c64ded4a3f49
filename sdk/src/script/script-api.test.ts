import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DTS_URL, renderScriptApiText, TEXT_URL } from "./generate.ts";
import { SCRIPT_API_AMBIENT_DTS, SCRIPT_API_DTS, SCRIPT_API_DTS_SHA256, SCRIPT_API_MODULE } from "./index.ts";

describe("script API text", () => {
  const dts = readFileSync(DTS_URL, "utf8");

  it("is script-api.d.ts, word for word (else run: node sdk/src/script/generate.ts)", () => {
    expect(SCRIPT_API_DTS).toBe(dts);
    expect(SCRIPT_API_DTS_SHA256).toBe(createHash("sha256").update(dts).digest("hex"));
    expect(readFileSync(TEXT_URL, "utf8")).toBe(renderScriptApiText(dts));
  });

  it("is also available as an ambient module declaration for editors", () => {
    expect(SCRIPT_API_AMBIENT_DTS.startsWith(`declare module "${SCRIPT_API_MODULE}" {\n`)).toBe(true);
    expect(SCRIPT_API_AMBIENT_DTS).toContain(dts);
  });
});
