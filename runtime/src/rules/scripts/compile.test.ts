import { readFileSync } from "node:fs";
import { SCRIPT_API_AMBIENT_DTS } from "@voltrate/sdk/script";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileScript, MAX_SCRIPT_SOURCE_CHARS, SCRIPT_ABI, type ScriptDiagnostic, scriptHash } from "./compile.ts";

const HEADER = `import { defineScript } from "voltrate:script";\n`;

async function diagnosticsOf(source: string): Promise<readonly ScriptDiagnostic[]> {
  const result = await compileScript(source);
  if (result.ok) throw new Error("expected diagnostics");
  return result.diagnostics;
}

async function codesOf(source: string): Promise<string[]> {
  return (await diagnosticsOf(source)).map((d) => d.code);
}

describe("compileScript", () => {
  it("compiles a script into a CommonJS body that requires only the script API", async () => {
    const source = `${HEADER}export default defineScript((s, h) => ({ lines: [h.line({ code: "A", description: "a", amount: s.energyKwh })] }));\n`;
    const result = await compileScript(source);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.compiled).toMatchObject({ hash: result.hash, abi: SCRIPT_ABI });
    expect(result.compiled.code).toContain('require("voltrate:script")');
    expect(result.compiled.code).not.toMatch(/\bimport\b/);
  });

  it("caches by content hash: sha256 of the ABI and the source", async () => {
    const source = `${HEADER}export default defineScript(() => ({ lines: [] }));\n`;
    const first = await compileScript(source);
    const second = await compileScript(source);
    expect(second).toBe(first);
    expect(first.hash).toBe(scriptHash(source));
    const other = await compileScript(`${source}// changed\n`);
    expect(other.hash).not.toBe(first.hash);
  });

  it("compiles the shipped idle-fee example", async () => {
    const source = readFileSync(new URL("../../../../rulesets/examples/idle-fee.ts", import.meta.url), "utf8");
    expect((await compileScript(source)).ok).toBe(true);
  });

  it("reports type errors with 1-based line and column and the TypeScript code", async () => {
    const diagnostics = await diagnosticsOf(
      `${HEADER}export default defineScript((s, h) => {\n  const kwh: number = s.energyKwh;\n  return { lines: [] };\n});\n`,
    );
    expect(diagnostics).toEqual([
      {
        line: 3,
        column: 9,
        endLine: 3,
        endColumn: 12,
        code: "TS2322",
        message: "Type 'string' is not assignable to type 'number'.",
      },
    ]);
  });

  it("type-checks results against ScriptResult", async () => {
    const diagnostics = await diagnosticsOf(
      `${HEADER}export default defineScript(() => ({ lines: [{ code: "A", description: "a", amount: 1 }] }));\n`,
    );
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([["TS2322", 2]]);
  });

  it("keeps units apart: a Duration is not an Energy", async () => {
    const diagnostics = await diagnosticsOf(
      `${HEADER}export default defineScript((s, h) => {\n  h.hours(1).plus(h.kwh(1));\n  return { lines: [] };\n});\n`,
    );
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "TS2345", line: 3 });
  });

  it("types the parameters given to defineScript", async () => {
    const ok = `${HEADER}export default defineScript<{ rate?: string }>((s, h) => ({ lines: [h.line({ code: "A", description: "a", amount: h.dec(s.params.rate ?? "1") })] }));\n`;
    expect((await compileScript(ok)).ok).toBe(true);
    const bad = `${HEADER}export default defineScript<{ rate?: string }>((s, h) => ({ lines: [h.line({ code: "A", description: "a", amount: h.dec(s.params.rate) })] }));\n`;
    expect(await codesOf(bad)).toEqual(["TS2345"]);
  });

  it("refuses imports other than voltrate:script, pointing at the specifier", async () => {
    const diagnostics = await diagnosticsOf(
      `import { readFileSync } from "node:fs";\n${HEADER}export default defineScript(() => ({ lines: [] }));\n`,
    );
    expect(diagnostics).toEqual([
      {
        line: 1,
        column: 30,
        endLine: 1,
        endColumn: 39,
        code: "SCRIPT_IMPORT_NOT_ALLOWED",
        message: 'scripts cannot import "node:fs"; the only module available is "voltrate:script"',
      },
    ]);
    expect(
      await codesOf(`export * from "./other";\n${HEADER}export default defineScript(() => ({ lines: [] }));`),
    ).toEqual(["SCRIPT_IMPORT_NOT_ALLOWED"]);
    expect(
      await codesOf(`${HEADER}type X = import("node:fs").Stats;\nexport default defineScript(() => ({ lines: [] }));`),
    ).toEqual(["SCRIPT_IMPORT_NOT_ALLOWED"]);
  });

  it("refuses dynamic import(), import.meta, require and triple-slash references", async () => {
    expect(
      await codesOf(`${HEADER}export default defineScript(() => { void import("node:fs"); return { lines: [] }; });`),
    ).toEqual(["SCRIPT_IMPORT_NOT_ALLOWED"]);
    expect(
      await codesOf(`${HEADER}export default defineScript(() => { void import.meta; return { lines: [] }; });`),
    ).toContain("SCRIPT_IMPORT_NOT_ALLOWED");
    // There is no `require` in a script's world: a plain type error.
    const required = await diagnosticsOf(
      `${HEADER}export default defineScript(() => { require("fs"); return { lines: [] }; });`,
    );
    expect(required).toMatchObject([
      {
        code: "TS2591",
        message: `Cannot find name 'require': scripts run in a sandbox without Node.js or browser APIs; their API is "voltrate:script".`,
      },
    ]);
    expect(
      await codesOf(`/// <reference lib="dom" />\n${HEADER}export default defineScript(() => ({ lines: [] }));`),
    ).toEqual(["SCRIPT_REFERENCE_NOT_ALLOWED"]);
  });

  it("refuses async functions and await: scripts are synchronous", async () => {
    const codes = await codesOf(
      `${HEADER}async function later() { return 1; }\nexport default defineScript(() => { void later(); return { lines: [] }; });\nawait later();\n`,
    );
    expect(codes.filter((c) => c === "SCRIPT_ASYNC_NOT_ALLOWED")).toHaveLength(2);
    const asyncScript = await diagnosticsOf(`${HEADER}export default defineScript(async () => ({ lines: [] }));\n`);
    expect(asyncScript.map((d) => d.code)).toContain("SCRIPT_ASYNC_NOT_ALLOWED");
  });

  it("requires a default export that is a script function", async () => {
    expect(await diagnosticsOf(`${HEADER}export const x = defineScript(() => ({ lines: [] }));\n`)).toEqual([
      {
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        code: "SCRIPT_NO_DEFAULT_EXPORT",
        message:
          "a script must export its function as the default export: export default defineScript((session, h) => ...)",
      },
    ]);
    const wrong = await diagnosticsOf(`export default (x: number) => x * 2;\n`);
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatchObject({ code: "SCRIPT_INVALID_EXPORT", line: 1, column: 1 });
    expect(wrong[0]?.message).toContain("is not a script function");
  });

  it("reports syntax errors", async () => {
    expect(await diagnosticsOf(`${HEADER}export default defineScript((s, h) => ({ lines: [] });\n`)).toMatchObject([
      { code: "TS1005", line: 2 },
    ]);
  });

  it("refuses oversized sources", async () => {
    expect(await codesOf(`// ${"x".repeat(MAX_SCRIPT_SOURCE_CHARS)}`)).toEqual(["SCRIPT_TOO_LARGE"]);
  });

  it("the ambient form of the API (for editors) types a script like the compiler does", () => {
    const files = new Map([
      ["/api.d.ts", SCRIPT_API_AMBIENT_DTS],
      [
        "/script.ts",
        `${HEADER}export default defineScript((s, h) => ({ lines: [h.line({ code: "A", description: "a", amount: s.energyKwh })] }));\n`,
      ],
      [
        "/bad.ts",
        `${HEADER}export default defineScript((s, h) => ({ lines: [h.line({ code: "A", description: "a", amount: s.cpo })] }));\n`,
      ],
    ]);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      types: [],
      lib: ["lib.es2024.d.ts"],
      target: ts.ScriptTarget.ES2024,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) => {
      const text = files.get(name);
      return text === undefined ? getSourceFile(name, version) : ts.createSourceFile(name, text, version);
    };
    const program = ts.createProgram(["/api.d.ts", "/script.ts", "/bad.ts"], options, host);
    const errors = (name: string) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((d) => `TS${d.code}`);
    expect(errors("/api.d.ts")).toEqual([]);
    expect(errors("/script.ts")).toEqual([]);
    expect(errors("/bad.ts")).toEqual(["TS2322"]);
  });
});
