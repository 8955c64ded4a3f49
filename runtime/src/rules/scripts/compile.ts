// The script compiler, run when a script is saved: type-checks the source against the script API (the TypeScript
// compiler, in memory), enforces the script rules (no imports but "voltrate:script", nothing asynchronous, a default
// export that is a script function), then transpiles it with esbuild into a CommonJS body the sandbox evaluates.
// Results are cached by content hash: sha256 of the script ABI and the source.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SCRIPT_API_DTS, SCRIPT_API_DTS_SHA256, SCRIPT_API_MODULE, SCRIPT_API_VERSION } from "@voltrate/sdk/script";
import { transformSync } from "esbuild";
import type ts from "typescript";

/** One problem in a script: 1-based line and column (UTF-16 code units, as editors count them). */
export interface ScriptDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** "TS2322" for a TypeScript error, "SCRIPT_…" for a rule of script rules. */
  code: string;
}

/** A script ready for the sandbox. */
export interface CompiledScript {
  /** sha256 (hex) of `abi` and the source: the cache key in the compiler and in every sandbox isolate. */
  readonly hash: string;
  /** The script ABI the code was compiled for (see `SCRIPT_ABI`); the sandbox refuses other ABIs. */
  readonly abi: string;
  /** The script as a CommonJS module body that requires nothing but "voltrate:script". */
  readonly code: string;
}

export type CompileResult =
  | { readonly ok: true; readonly hash: string; readonly compiled: CompiledScript }
  | { readonly ok: false; readonly hash: string; readonly diagnostics: readonly ScriptDiagnostic[] };

/** Largest accepted source, in characters. */
export const MAX_SCRIPT_SOURCE_CHARS = 200_000;

/** Version of the compiled form (the module wrapping the sandbox expects); part of the ABI. */
const CODE_FORMAT = "cjs1";

/**
 * The script ABI: the API version, the exact declarations and the compiled form. Compiled scripts carry it; a change
 * of any part gives every script a new hash, so nothing compiled against an older API is ever reused.
 */
export const SCRIPT_ABI = `${SCRIPT_API_VERSION}+${SCRIPT_API_DTS_SHA256.slice(0, 16)}.${CODE_FORMAT}`;

const SCRIPT_FILE = "/script.ts";
const API_FILE = "/voltrate-script-api.d.ts";
const CHECK_FILE = "/voltrate-script-check.ts";
const CHECK_SOURCE = `import type { ScriptFunction } from ${JSON.stringify(SCRIPT_API_MODULE)};
import script from "./script";
export const check: ScriptFunction<any> = script;
`;

const CACHE_LIMIT = 500;
/** Compilations by hash, most recently used last; a compilation in progress is shared by every caller. */
const cache = new Map<string, Promise<CompileResult>>();

/** sha256 (hex) of the ABI and `source`: the identity of a compiled script. */
export function scriptHash(source: string): string {
  return createHash("sha256").update(SCRIPT_ABI).update("\n").update(source).digest("hex");
}

/**
 * Compiles a script. Never rejects for a bad script: problems come back as diagnostics. The same source (under the
 * same ABI) is compiled once per process.
 */
export function compileScript(source: string): Promise<CompileResult> {
  const hash = scriptHash(source);
  const hit = cache.get(hash);
  if (hit !== undefined) {
    cache.delete(hash);
    cache.set(hash, hit);
    return hit;
  }
  const result = compileUncached(source, hash);
  cache.set(hash, result);
  result.catch(() => cache.delete(hash));
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return result;
}

async function compileUncached(source: string, hash: string): Promise<CompileResult> {
  if (source.length > MAX_SCRIPT_SOURCE_CHARS) {
    return failed(hash, [
      at(1, 1, "SCRIPT_TOO_LARGE", `the script has ${source.length} characters; at most ${MAX_SCRIPT_SOURCE_CHARS}`),
    ]);
  }
  const diagnostics = typeCheck(await loadTypeScript(), source);
  if (diagnostics.length > 0) return failed(hash, diagnostics);
  let code: string;
  try {
    code = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "es2024",
      sourcefile: "script.ts",
      logLevel: "silent",
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: false, useDefineForClassFields: true } },
    }).code;
  } catch (error) {
    return failed(hash, esbuildDiagnostics(error));
  }
  const compiled: CompiledScript = Object.freeze({ hash, abi: SCRIPT_ABI, code });
  return Object.freeze({ ok: true, hash, compiled });
}

function failed(hash: string, diagnostics: ScriptDiagnostic[]): CompileResult {
  return Object.freeze({ ok: false, hash, diagnostics: Object.freeze(diagnostics) });
}

function at(line: number, column: number, code: string, message: string): ScriptDiagnostic {
  return { line, column, endLine: line, endColumn: column, message, code };
}

// ---------------------------------------------------------------------------------------------------------------
// TypeScript
// ---------------------------------------------------------------------------------------------------------------

let typescript: typeof ts | undefined;

/** The TypeScript compiler is large: it is loaded on the first compilation, not at start-up. */
async function loadTypeScript(): Promise<typeof ts> {
  typescript ??= (await import("typescript")).default;
  return typescript;
}

/** Source files that never change (the standard library, the API), shared by every program. */
const sharedFiles = new Map<string, ts.SourceFile>();

function compilerOptions(t: typeof ts): ts.CompilerOptions {
  return {
    target: t.ScriptTarget.ES2024,
    module: t.ModuleKind.ESNext,
    moduleResolution: t.ModuleResolutionKind.Bundler,
    lib: ["lib.es2024.d.ts"],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitReturns: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    useUnknownInCatchVariables: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    allowJs: false,
  };
}

function createHost(t: typeof ts, options: ts.CompilerOptions, source: string): ts.CompilerHost {
  const libDir = path.dirname(t.getDefaultLibFilePath(options));
  const virtual = new Map([
    [SCRIPT_FILE, source],
    [CHECK_FILE, CHECK_SOURCE],
    [API_FILE, SCRIPT_API_DTS],
  ]);
  const readFile = (fileName: string): string | undefined => {
    const text = virtual.get(fileName);
    if (text !== undefined) return text;
    // Only the standard library is read from disk.
    if (path.dirname(fileName) !== libDir || !path.basename(fileName).startsWith("lib.")) return undefined;
    try {
      return readFileSync(fileName, "utf8");
    } catch {
      return undefined;
    }
  };
  return {
    getSourceFile(fileName, languageVersion) {
      const shared = fileName !== SCRIPT_FILE && fileName !== CHECK_FILE;
      const hit = shared ? sharedFiles.get(fileName) : undefined;
      if (hit !== undefined) return hit;
      const text = readFile(fileName);
      if (text === undefined) return undefined;
      const file = t.createSourceFile(fileName, text, languageVersion, true);
      if (shared) sharedFiles.set(fileName, file);
      return file;
    },
    getDefaultLibFileName: (o) => t.getDefaultLibFilePath(o),
    getDefaultLibLocation: () => libDir,
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getDirectories: () => [],
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (fileName) => readFile(fileName) !== undefined,
    readFile,
    resolveModuleNameLiterals(literals, containingFile) {
      return literals.map((literal) => {
        const name = literal.text;
        if (name === SCRIPT_API_MODULE) {
          return { resolvedModule: { resolvedFileName: API_FILE, extension: t.Extension.Dts } };
        }
        if (containingFile === CHECK_FILE && name === "./script") {
          return { resolvedModule: { resolvedFileName: SCRIPT_FILE, extension: t.Extension.Ts } };
        }
        return { resolvedModule: undefined };
      });
    },
  };
}

function typeCheck(t: typeof ts, source: string): ScriptDiagnostic[] {
  const options = compilerOptions(t);
  const program = t.createProgram({
    rootNames: [SCRIPT_FILE, CHECK_FILE],
    options,
    host: createHost(t, options, source),
  });
  const script = program.getSourceFile(SCRIPT_FILE);
  if (script === undefined) throw new Error("the script source file was not created");
  const out: ScriptDiagnostic[] = [];
  const syntactic = program.getSyntacticDiagnostics(script);
  for (const d of syntactic) out.push(fromTs(t, script, d));
  if (syntactic.length > 0) return sortDiagnostics(out);

  out.push(...policyDiagnostics(t, script));
  for (const d of program.getSemanticDiagnostics(script)) {
    // A module that cannot be found is an import of something other than the API, reported by the policy.
    if (d.code === 2307 || d.code === 2792) continue;
    out.push(fromTs(t, script, d));
  }
  for (const d of program.getOptionsDiagnostics()) out.push(fromTs(t, script, d));
  const check = program.getSourceFile(CHECK_FILE);
  if (check !== undefined) out.push(...exportDiagnostics(t, script, program.getSemanticDiagnostics(check)));
  return sortDiagnostics(out);
}

function sortDiagnostics(diagnostics: ScriptDiagnostic[]): ScriptDiagnostic[] {
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

function span(file: ts.SourceFile, start: number, end: number): Omit<ScriptDiagnostic, "message" | "code"> {
  const from = file.getLineAndCharacterOfPosition(start);
  const to = file.getLineAndCharacterOfPosition(end);
  return { line: from.line + 1, column: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1 };
}

/** "Cannot find name 'x'. Do you need to install type definitions for node?" and its siblings. */
const MISSING_ENVIRONMENT = new Set([2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593]);

function fromTs(t: typeof ts, script: ts.SourceFile, d: ts.Diagnostic): ScriptDiagnostic {
  let message = t.flattenDiagnosticMessageText(d.messageText, "\n");
  if (MISSING_ENVIRONMENT.has(d.code)) {
    const name = /'([^']+)'/.exec(message)?.[1] ?? "it";
    message = `Cannot find name '${name}': scripts run in a sandbox without Node.js or browser APIs; their API is "${SCRIPT_API_MODULE}".`;
  }
  const code = `TS${d.code}`;
  if (d.file === script && d.start !== undefined) {
    return { ...span(script, d.start, d.start + (d.length ?? 0)), message, code };
  }
  return at(1, 1, code, message);
}

/** The default export's problems, found by assigning it to `ScriptFunction` in the check file. */
function exportDiagnostics(t: typeof ts, script: ts.SourceFile, found: readonly ts.Diagnostic[]): ScriptDiagnostic[] {
  if (found.length === 0) return [];
  const exported = script.statements.find(
    (s) =>
      (t.isExportAssignment(s) && !s.isExportEquals) ||
      ((t.isFunctionDeclaration(s) || t.isClassDeclaration(s)) &&
        (t.getCombinedModifierFlags(s) & t.ModifierFlags.ExportDefault) === t.ModifierFlags.ExportDefault),
  );
  if (exported === undefined) {
    return [
      at(
        1,
        1,
        "SCRIPT_NO_DEFAULT_EXPORT",
        "a script must export its function as the default export: export default defineScript((session, h) => ...)",
      ),
    ];
  }
  const where = span(script, exported.getStart(script), exported.getEnd());
  return found.map((d) => ({
    ...where,
    code: "SCRIPT_INVALID_EXPORT",
    message: `the default export is not a script function (session, h) => ScriptResult: ${t.flattenDiagnosticMessageText(d.messageText, "\n")}`,
  }));
}

/** The rules of script rules that the type system does not express. */
function policyDiagnostics(t: typeof ts, script: ts.SourceFile): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const report = (node: ts.Node, code: string, message: string): void => {
    out.push({ ...span(script, node.getStart(script), node.getEnd()), code, message });
  };
  const importNotAllowed = (node: ts.Node, specifier: string): void =>
    report(
      node,
      "SCRIPT_IMPORT_NOT_ALLOWED",
      `scripts cannot import ${JSON.stringify(specifier)}; the only module available is "${SCRIPT_API_MODULE}"`,
    );
  const checkSpecifier = (node: ts.Expression | undefined): void => {
    if (node === undefined) return;
    if (!t.isStringLiteralLike(node)) {
      report(node, "SCRIPT_IMPORT_NOT_ALLOWED", `scripts can only import "${SCRIPT_API_MODULE}"`);
    } else if (node.text !== SCRIPT_API_MODULE) importNotAllowed(node, node.text);
  };
  const asyncNotAllowed = (node: ts.Node, what: string): void =>
    report(node, "SCRIPT_ASYNC_NOT_ALLOWED", `${what}: scripts are synchronous`);

  for (const ref of [...script.referencedFiles, ...script.typeReferenceDirectives, ...script.libReferenceDirectives]) {
    out.push({
      ...span(script, ref.pos, ref.end),
      code: "SCRIPT_REFERENCE_NOT_ALLOWED",
      message: "triple-slash references are not allowed in scripts",
    });
  }

  const visit = (node: ts.Node): void => {
    if (t.isImportDeclaration(node) || t.isExportDeclaration(node)) {
      checkSpecifier(node.moduleSpecifier);
    } else if (t.isImportEqualsDeclaration(node)) {
      if (t.isExternalModuleReference(node.moduleReference)) checkSpecifier(node.moduleReference.expression);
    } else if (t.isImportTypeNode(node)) {
      const argument = node.argument;
      if (t.isLiteralTypeNode(argument) && t.isStringLiteral(argument.literal)) checkSpecifier(argument.literal);
    } else if (t.isCallExpression(node) && node.expression.kind === t.SyntaxKind.ImportKeyword) {
      report(node, "SCRIPT_IMPORT_NOT_ALLOWED", "dynamic import() is not allowed in scripts");
    } else if (t.isMetaProperty(node) && node.keywordToken === t.SyntaxKind.ImportKeyword) {
      report(node, "SCRIPT_IMPORT_NOT_ALLOWED", "import.meta is not available in scripts");
    } else if (t.isAwaitExpression(node)) {
      asyncNotAllowed(node, "await");
    } else if (t.isForOfStatement(node) && node.awaitModifier !== undefined) {
      asyncNotAllowed(node.awaitModifier, "for await");
    } else if (t.isFunctionLike(node)) {
      const asyncModifier = t.canHaveModifiers(node)
        ? t.getModifiers(node)?.find((m) => m.kind === t.SyntaxKind.AsyncKeyword)
        : undefined;
      if (asyncModifier !== undefined) asyncNotAllowed(asyncModifier, "async functions are not allowed");
    }
    t.forEachChild(node, visit);
  };
  visit(script);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// esbuild
// ---------------------------------------------------------------------------------------------------------------

interface EsbuildMessage {
  text: string;
  location: { line: number; column: number; length: number } | null;
}

function esbuildDiagnostics(error: unknown): ScriptDiagnostic[] {
  const errors = (error as { errors?: EsbuildMessage[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return [at(1, 1, "SCRIPT_TRANSPILE_FAILED", error instanceof Error ? error.message : String(error))];
  }
  return errors.map((e) => {
    // esbuild: 1-based lines, 0-based columns.
    const line = e.location?.line ?? 1;
    const column = (e.location?.column ?? 0) + 1;
    return {
      line,
      column,
      endLine: line,
      endColumn: column + (e.location?.length ?? 0),
      message: e.text,
      code: "SCRIPT_TRANSPILE_FAILED",
    };
  });
}
