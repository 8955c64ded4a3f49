// What `rules test` and `rules simulate` share: loading a ruleset directory with every problem as one usage error,
// compiling it, and a script sandbox when the ruleset has scripts.
import { relative } from "node:path";
import { formatModelIssue } from "@voltrate/sdk/rules";
import { type CompiledRuleset, compileRuleset, RulesetCompileError } from "../../rules/engine/index.ts";
import {
  type FileIssue,
  formatFileIssue,
  type LoadedRuleset,
  loadRulesetDir,
  RulesetFileError,
} from "../../rules/files/index.ts";
import { createScriptSandbox, type ScriptSandbox } from "../../rules/scripts/index.ts";
import { UsageError } from "../command.ts";

/** Issues listed in full before the rest are counted. */
const MAX_LISTED = 20;

/** One usage error listing file issues (paths shown relative to the current directory). */
export function fileIssuesError(issues: readonly FileIssue[], cwd: string): UsageError {
  const shown = issues
    .slice(0, MAX_LISTED)
    .map((i) => formatFileIssue({ ...i, file: relative(cwd, i.file) || i.file }));
  const more = issues.length > MAX_LISTED ? [`and ${issues.length - MAX_LISTED} more`] : [];
  const [first, ...rest] = [...shown, ...more];
  return new UsageError([first ?? "invalid ruleset", ...rest.map((l) => `  ${l}`)].join("\n"));
}

/** Loads and compiles a ruleset directory; every problem becomes a UsageError (exit 2). */
export async function loadAndCompile(
  dir: string,
  cwd: string,
): Promise<{ loaded: LoadedRuleset; compiled: CompiledRuleset }> {
  let loaded: LoadedRuleset;
  try {
    loaded = await loadRulesetDir(dir);
  } catch (error) {
    if (error instanceof RulesetFileError) throw fileIssuesError(error.issues, cwd);
    throw error;
  }
  try {
    return { loaded, compiled: await compileRuleset(loaded.ruleset) };
  } catch (error) {
    if (error instanceof RulesetCompileError) {
      const file = relative(cwd, loaded.file) || loaded.file;
      throw new UsageError(error.issues.map((i) => `${file}: ${formatModelIssue(i)}`).join("\n  "));
    }
    throw error;
  }
}

/** A sandbox for the ruleset's scripts (one isolate; the CLI evaluates one session at a time), or undefined. */
export function sandboxFor(loaded: LoadedRuleset): ScriptSandbox | undefined {
  const scripts = loaded.ruleset.scripts;
  return scripts && Object.keys(scripts).length > 0 ? createScriptSandbox({ poolSize: 1 }) : undefined;
}
