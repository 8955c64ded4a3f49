// Rulesets as files: a directory with `ruleset.yaml` (the ruleset, in the JSON model written as YAML), its scripts
// (`scripts/*.ts`, or paths listed under `scripts:`) and golden sessions (`golden/*.json`). Every problem names the
// file, the path inside it and, for YAML, the line and column.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { type ModelIssue, parseRuleset, type Ruleset } from "@voltrate/sdk/rules";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { compileScript } from "../scripts/index.ts";

/** One problem in a ruleset directory. */
export interface FileIssue {
  /** The file, relative to the current directory when given so, else as given. */
  file: string;
  /** Path inside the file ("rules[2].condition.value"); "" for the file itself. */
  path: string;
  /** 1-based, when known. */
  line?: number;
  column?: number;
  message: string;
}

/** "rulesets/x/ruleset.yaml:12:7: rules[2].condition.value: expected …". */
export function formatFileIssue(i: FileIssue): string {
  const where = i.line !== undefined ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
  return `${where}: ${i.path === "" ? "" : `${i.path}: `}${i.message}`;
}

/** A ruleset directory that cannot be loaded; `issues` lists every problem found. */
export class RulesetFileError extends Error {
  override name = "RulesetFileError";
  readonly issues: readonly FileIssue[];

  constructor(issues: readonly FileIssue[]) {
    super(issues.map(formatFileIssue).join("\n"));
    this.issues = issues;
  }
}

/** A loaded ruleset directory. */
export interface LoadedRuleset {
  ruleset: Ruleset;
  /** The directory as given. */
  dir: string;
  /** The ruleset file. */
  file: string;
  /** Script files by script name. */
  scriptFiles: Record<string, string>;
}

/** The ruleset file name inside a ruleset directory. */
export const RULESET_FILE = "ruleset.yaml";

/** Keys whose numeric values stay numbers; everywhere else a YAML number is read as its exact source text. */
const NUMERIC_KEYS = new Set(["stepSize", "idleSeconds"]);
/** Keys whose whole subtree keeps YAML types (script parameters are free JSON). */
const FREE_KEYS = new Set(["params", "custom"]);

/**
 * Turns numeric scalars into their source text ("0.30" stays "0.30", not 0.3), so decimals may be written unquoted
 * in YAML; `stepSize`, `idleSeconds` and everything under `params` and `custom` keep their YAML types.
 */
function decimalsAsText(node: unknown, key: string | undefined): void {
  if (key !== undefined && FREE_KEYS.has(key)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (isScalar(pair.value) && typeof pair.value.value === "number" && !(k !== undefined && NUMERIC_KEYS.has(k))) {
        pair.value.value = pair.value.source ?? String(pair.value.value);
      } else decimalsAsText(pair.value, k);
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i];
      if (isScalar(item) && typeof item.value === "number") item.value = item.source ?? String(item.value);
      else decimalsAsText(item, undefined);
    }
  }
}

/** "rules[2].condition.value" → ["rules", 2, "condition", "value"]. */
function pathKeys(p: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of p.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    keys.push(part.startsWith("[") ? Number(part.slice(1, -1)) : part);
  }
  return keys;
}

/** The line and column of the deepest node on `p` that exists in the document. */
function locate(doc: Document, lc: LineCounter, p: string): { line: number; column: number } | undefined {
  const keys = pathKeys(p);
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true) as Node | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function readText(file: string): Promise<string | FileIssue> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    return { file, path: "", message: `cannot read the file: ${reason}` };
  }
}

/**
 * Loads a ruleset directory: parses `ruleset.yaml`, reads the scripts, validates the ruleset (model and script
 * compilation). Throws a RulesetFileError naming every problem's file, path and line.
 */
export async function loadRulesetDir(dir: string): Promise<LoadedRuleset> {
  if (!(await isDirectory(dir))) {
    throw new RulesetFileError([{ file: dir, path: "", message: "not a directory (expected a ruleset directory)" }]);
  }
  const file = path.join(dir, RULESET_FILE);
  const text = await readText(file);
  if (typeof text !== "string") throw new RulesetFileError([text]);

  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RulesetFileError(
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return {
          file,
          path: "",
          line: pos.line,
          column: pos.col,
          message: `invalid YAML: ${e.message.split("\n")[0]}`,
        } satisfies FileIssue;
      }),
    );
  }
  decimalsAsText(doc.contents, undefined);
  const json = doc.toJS() as unknown;
  const at = (p: string, message: string): FileIssue => ({ file, path: p, message, ...locate(doc, lc, p) });

  // Scripts: every scripts/*.ts by file name, plus `scripts: { name: relative/path.ts }` from the YAML.
  const issues: FileIssue[] = [];
  const scriptFiles: Record<string, string> = {};
  const scriptsDir = path.join(dir, "scripts");
  if (await isDirectory(scriptsDir)) {
    for (const name of (await readdir(scriptsDir)).sort()) {
      if (name.endsWith(".ts")) scriptFiles[name.slice(0, -3)] = path.join(scriptsDir, name);
    }
  }
  if (json !== null && typeof json === "object" && "scripts" in json) {
    const listed = (json as { scripts: unknown }).scripts;
    if (listed === null || typeof listed !== "object" || Array.isArray(listed)) {
      issues.push(at("scripts", "expected a map of script names to .ts files (relative to the ruleset directory)"));
    } else {
      for (const [name, rel] of Object.entries(listed)) {
        if (typeof rel !== "string" || !rel.endsWith(".ts")) {
          issues.push(at(`scripts.${name}`, "expected the path of a .ts file, relative to the ruleset directory"));
        } else scriptFiles[name] = path.join(dir, rel);
      }
    }
  }
  const scripts: Record<string, string> = {};
  for (const [name, scriptFile] of Object.entries(scriptFiles)) {
    const source = await readText(scriptFile);
    if (typeof source !== "string") issues.push(source);
    else scripts[name] = source;
  }
  if (issues.length > 0) throw new RulesetFileError(issues);

  const model = { ...(json as Record<string, unknown>) };
  if (Object.keys(scripts).length > 0) model.scripts = scripts;
  else delete model.scripts;
  const parsed = parseRuleset(model);
  if (!parsed.ok) {
    throw new RulesetFileError(
      parsed.issues.map((i: ModelIssue) => {
        const script = /^scripts\.(.+)$/.exec(i.path)?.[1];
        if (script !== undefined && scriptFiles[script] !== undefined) {
          return { file: scriptFiles[script], path: "", message: i.message };
        }
        return at(i.path, i.message);
      }),
    );
  }
  for (const [name, source] of Object.entries(scripts)) {
    const compiled = await compileScript(source);
    if (!compiled.ok) {
      for (const d of compiled.diagnostics) {
        issues.push({
          file: scriptFiles[name] as string,
          path: "",
          line: d.line,
          column: d.column,
          message: `${d.code}: ${d.message}`,
        });
      }
    }
  }
  if (issues.length > 0) throw new RulesetFileError(issues);
  return { ruleset: parsed.ruleset, dir, file, scriptFiles };
}
