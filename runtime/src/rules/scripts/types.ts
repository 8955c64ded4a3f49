// The public types of script evaluation: outcomes, error codes, options and limits.
import type { ScriptResult } from "@voltrate/sdk/script";

/**
 * Why a script evaluation produced no result. Each is a drop-out reason for the rule that ran the script:
 * - SCRIPT_TIMEOUT: ran longer than the time limit (an endless loop, or far too much work).
 * - SCRIPT_MEMORY: used more memory than the limit (the sandbox isolate is replaced).
 * - SCRIPT_STACK_OVERFLOW: recursed too deeply.
 * - SCRIPT_THREW: threw an exception (the message says which).
 * - SCRIPT_INVALID_RESULT: returned something that is not a valid `ScriptResult` (`issues` lists what is wrong).
 * - SCRIPT_OUTPUT_TOO_LARGE: returned too many lines or too many characters.
 * - SCRIPT_INVALID_EXPORT: the module has no default export function.
 * - SCRIPT_LOAD_FAILED: the compiled script could not be loaded (compiled for another script ABI, or corrupt).
 * - SCRIPT_INPUT_INVALID: the session given to the script cannot be serialized or is too large (a host problem).
 * - SCRIPT_SANDBOX_FAILED: the sandbox failed for a reason that is not the script's (should not happen; logged).
 */
export type ScriptErrorCode =
  | "SCRIPT_TIMEOUT"
  | "SCRIPT_MEMORY"
  | "SCRIPT_STACK_OVERFLOW"
  | "SCRIPT_THREW"
  | "SCRIPT_INVALID_RESULT"
  | "SCRIPT_OUTPUT_TOO_LARGE"
  | "SCRIPT_INVALID_EXPORT"
  | "SCRIPT_LOAD_FAILED"
  | "SCRIPT_INPUT_INVALID"
  | "SCRIPT_SANDBOX_FAILED";

export interface ScriptEvaluationError {
  readonly code: ScriptErrorCode;
  /** One line for people: what happened, and what to change. */
  readonly message: string;
  /** For SCRIPT_INVALID_RESULT: every problem found, as "path: problem". */
  readonly issues?: readonly string[];
}

/** The outcome of one evaluation. `logs` holds what the script logged, also when it failed. */
export type ScriptOutcome =
  | { readonly ok: true; readonly result: ScriptResult; readonly logs: readonly string[] }
  | { readonly ok: false; readonly error: ScriptEvaluationError; readonly logs: readonly string[] };

/** What a script may return and log. */
export interface ScriptOutputLimits {
  /** Most lines in a result. Default 50. */
  maxLines: number;
  /** Longest result, as JSON characters. Default 65,536. */
  maxResultChars: number;
  /** Largest absolute amount of a line, a decimal string. Default "1000000000". */
  maxAbsAmount: string;
  /** Most log entries kept per evaluation (further entries are counted, not kept). Default 50. */
  maxLogEntries: number;
  /** Longest log entry (longer ones are cut). Default 500. */
  maxLogEntryChars: number;
  /** Longest serialized input session, in characters. Default 262,144. */
  maxInputChars: number;
}

export const DEFAULT_OUTPUT_LIMITS: Readonly<ScriptOutputLimits> = Object.freeze({
  maxLines: 50,
  maxResultChars: 65_536,
  maxAbsAmount: "1000000000",
  maxLogEntries: 50,
  maxLogEntryChars: 500,
  maxInputChars: 262_144,
});

/** Something the sandbox reports for the operator's log. */
export type ScriptSandboxEvent =
  | { readonly type: "isolate-replaced"; readonly isolate: number; readonly reason: string }
  | { readonly type: "catastrophic-error"; readonly isolate: number; readonly message: string };

export interface ScriptSandboxOptions {
  /** Number of isolates (each runs on its own thread). Default 2. */
  poolSize?: number;
  /** Heap limit of each isolate, in MB (at least 8). Default 32. */
  memoryLimitMb?: number;
  /** Time limit of one evaluation, in milliseconds. Default 50. */
  timeoutMs?: number;
  /** Calls queued on one isolate at a time (keeps its thread busy between results). Default 4. */
  maxInFlightPerIsolate?: number;
  /**
   * Most evaluations of one script sent to an isolate in one call when evaluations queue up (1 = never batch).
   * Default 32. A batch shares one time limit; when it fails as a whole, its evaluations run again one by one and
   * the script is not batched again (so a script that needs more than timeoutMs ÷ 32 per evaluation runs alone).
   */
  maxBatchSize?: number;
  /** Scripts kept loaded per isolate (least recently used ones are unloaded). Default 16. */
  maxScriptsPerIsolate?: number;
  /** Output limits; see `DEFAULT_OUTPUT_LIMITS`. */
  limits?: Partial<ScriptOutputLimits>;
  /** Receives isolate replacements and catastrophic errors, for logging. */
  onEvent?: (event: ScriptSandboxEvent) => void;
}

export interface ScriptSandboxStats {
  /** Isolates in the pool. */
  isolates: number;
  /** Isolates replaced since the start (memory limit hit, broken). */
  replaced: number;
  /** Evaluations running or queued on an isolate. */
  inFlight: number;
  /** Evaluations waiting for a free isolate. */
  queued: number;
  /** Evaluations finished since the start. */
  evaluations: number;
}
