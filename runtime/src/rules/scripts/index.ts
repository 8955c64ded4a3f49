// Script rules: rules whose logic is a sandboxed TypeScript script. `compileScript` checks and compiles a script when
// it is saved; `createScriptSandbox` evaluates compiled scripts on a pool of isolates. See docs/scripts.md.
export {
  SCRIPT_API_AMBIENT_DTS,
  SCRIPT_API_DTS,
  SCRIPT_API_MODULE,
  SCRIPT_API_VERSION,
  type ScriptLine,
  type ScriptResult,
  type ScriptSession,
} from "@voltrate/sdk/script";
export {
  type CompiledScript,
  type CompileResult,
  compileScript,
  MAX_SCRIPT_SOURCE_CHARS,
  SCRIPT_ABI,
  type ScriptDiagnostic,
  scriptHash,
} from "./compile.ts";
export { createScriptSandbox, DEFAULT_SANDBOX_OPTIONS, type ScriptSandbox } from "./sandbox.ts";
export {
  DEFAULT_OUTPUT_LIMITS,
  type ScriptErrorCode,
  type ScriptEvaluationError,
  type ScriptOutcome,
  type ScriptOutputLimits,
  type ScriptSandboxEvent,
  type ScriptSandboxOptions,
  type ScriptSandboxStats,
} from "./types.ts";
