// The script sandbox: evaluates compiled scripts on a pool of isolated-vm isolates and turns whatever happens (a
// result, an exception, a timeout, a memory bomb, garbage) into a `ScriptOutcome`. A hostile script fails its own
// evaluation only; the sandbox keeps serving.
import type { ScriptSession } from "@voltrate/sdk/script";
import { type CompiledScript, SCRIPT_ABI } from "./compile.ts";
import type { Envelope, FailureKind, InsideLimits } from "./isolate/entry.ts";
import { IsolatePool, type PoolResult } from "./pool.ts";
import {
  DEFAULT_OUTPUT_LIMITS,
  type ScriptErrorCode,
  type ScriptOutcome,
  type ScriptOutputLimits,
  type ScriptSandboxOptions,
  type ScriptSandboxStats,
} from "./types.ts";
import { resultSchema, validateResult } from "./validate.ts";

export interface ScriptSandbox {
  /**
   * Evaluates `compiled` on `session`. Resolves with the outcome, whatever the script does; rejects only when the
   * sandbox is disposed.
   */
  evaluate(compiled: CompiledScript, session: ScriptSession): Promise<ScriptOutcome>;
  stats(): ScriptSandboxStats;
  /** Disposes every isolate; pending evaluations reject. */
  dispose(): Promise<void>;
}

export const DEFAULT_SANDBOX_OPTIONS = Object.freeze({
  poolSize: 2,
  memoryLimitMb: 32,
  timeoutMs: 50,
  maxInFlightPerIsolate: 4,
  maxScriptsPerIsolate: 16,
  maxBatchSize: 32,
});

/** Slack for the envelope around the result (logs, counters) when checking what came out of the sandbox. */
const ENVELOPE_SLACK_CHARS = 1_024;
const MAX_MESSAGE_CHARS = 1_000;

const KIND_CODES: Record<FailureKind, ScriptErrorCode> = {
  threw: "SCRIPT_THREW",
  stack: "SCRIPT_STACK_OVERFLOW",
  memory: "SCRIPT_MEMORY",
  export: "SCRIPT_INVALID_EXPORT",
  invalid: "SCRIPT_INVALID_RESULT",
  "too-large": "SCRIPT_OUTPUT_TOO_LARGE",
};

function positiveInteger(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

function failure(code: ScriptErrorCode, message: string, logs: readonly string[] = []): ScriptOutcome {
  return { ok: false, error: { code, message }, logs };
}

export function createScriptSandbox(options: ScriptSandboxOptions = {}): ScriptSandbox {
  const poolSize = positiveInteger("poolSize", options.poolSize ?? DEFAULT_SANDBOX_OPTIONS.poolSize);
  const memoryLimitMb = positiveInteger(
    "memoryLimitMb",
    options.memoryLimitMb ?? DEFAULT_SANDBOX_OPTIONS.memoryLimitMb,
    8,
  );
  const timeoutMs = positiveInteger("timeoutMs", options.timeoutMs ?? DEFAULT_SANDBOX_OPTIONS.timeoutMs);
  const limits: ScriptOutputLimits = { ...DEFAULT_OUTPUT_LIMITS, ...options.limits };
  for (const key of ["maxLines", "maxResultChars", "maxLogEntries", "maxLogEntryChars", "maxInputChars"] as const) {
    positiveInteger(`limits.${key}`, limits[key]);
  }
  if (!/^\d{1,30}(\.\d{1,30})?$/.test(limits.maxAbsAmount)) {
    throw new RangeError(`limits.maxAbsAmount must be a non-negative decimal string, got ${limits.maxAbsAmount}`);
  }
  const insideLimits: InsideLimits = {
    maxResultChars: limits.maxResultChars,
    maxLogEntries: limits.maxLogEntries,
    maxLogEntryChars: limits.maxLogEntryChars,
    maxMessageChars: MAX_MESSAGE_CHARS,
  };
  // The result is measured as JSON inside the sandbox; log entries and messages are measured as text, and JSON may
  // escape a character into six ("\u0000").
  const maxEnvelopeChars =
    limits.maxResultChars +
    limits.maxLogEntries * (limits.maxLogEntryChars * 6 + 8) +
    MAX_MESSAGE_CHARS * 6 +
    ENVELOPE_SLACK_CHARS;
  const schema = resultSchema(limits);
  const pool = new IsolatePool({
    size: poolSize,
    memoryLimitMb,
    timeoutMs,
    maxInFlightPerIsolate: positiveInteger(
      "maxInFlightPerIsolate",
      options.maxInFlightPerIsolate ?? DEFAULT_SANDBOX_OPTIONS.maxInFlightPerIsolate,
    ),
    maxBatchSize: positiveInteger("maxBatchSize", options.maxBatchSize ?? DEFAULT_SANDBOX_OPTIONS.maxBatchSize),
    maxEnvelopeChars,
    maxScripts: positiveInteger(
      "maxScriptsPerIsolate",
      options.maxScriptsPerIsolate ?? DEFAULT_SANDBOX_OPTIONS.maxScriptsPerIsolate,
    ),
    insideLimits,
    onEvent: options.onEvent ?? (() => {}),
  });

  const fromPool = (result: PoolResult): ScriptOutcome => {
    if (!result.ok) {
      switch (result.kind) {
        case "timeout":
          return failure("SCRIPT_TIMEOUT", `the script ran longer than ${timeoutMs} ms (an endless loop?)`);
        case "memory":
          return failure("SCRIPT_MEMORY", `the script used more than the ${memoryLimitMb} MB memory limit`);
        case "stuck":
          return failure(
            "SCRIPT_TIMEOUT",
            `the script ran longer than ${timeoutMs} ms and could not be stopped; its isolate was abandoned`,
          );
        case "load":
          return failure("SCRIPT_LOAD_FAILED", result.message);
        case "broken":
          return failure("SCRIPT_SANDBOX_FAILED", `the script sandbox failed: ${result.message}`);
      }
    }
    return fromEnvelope(result.envelope);
  };

  const fromEnvelope = (value: unknown): ScriptOutcome => {
    if (typeof value !== "object" || value === null) {
      return failure("SCRIPT_SANDBOX_FAILED", "the script sandbox returned malformed output");
    }
    const envelope = value as Envelope;
    const logs = Array.isArray(envelope.logs) ? envelope.logs.filter((l): l is string => typeof l === "string") : [];
    if (envelope.dropped > 0) logs.push(`… ${envelope.dropped} more log entries dropped`);
    if (!envelope.ok) {
      const code = KIND_CODES[envelope.kind] ?? "SCRIPT_SANDBOX_FAILED";
      const message = String(envelope.message).slice(0, MAX_MESSAGE_CHARS);
      if (code === "SCRIPT_MEMORY") {
        return failure(code, `the script used more than the ${memoryLimitMb} MB memory limit (${message})`, logs);
      }
      return failure(code, message, logs);
    }
    const validation = validateResult(envelope.result, schema, limits);
    if (validation.ok) return { ok: true, result: validation.result, logs };
    if (validation.tooLarge) return failure("SCRIPT_OUTPUT_TOO_LARGE", validation.message, logs);
    return {
      ok: false,
      error: { code: "SCRIPT_INVALID_RESULT", message: validation.message, issues: validation.issues },
      logs,
    };
  };

  return {
    async evaluate(compiled, session) {
      if (compiled.abi !== SCRIPT_ABI) {
        return failure(
          "SCRIPT_LOAD_FAILED",
          `the script was compiled for script ABI ${compiled.abi}; this runtime runs ${SCRIPT_ABI}: compile it again`,
        );
      }
      let inputJson: string | undefined;
      try {
        inputJson = JSON.stringify(session);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return failure("SCRIPT_INPUT_INVALID", `the session cannot be serialized: ${message}`);
      }
      if (typeof inputJson !== "string" || !inputJson.startsWith("{")) {
        return failure("SCRIPT_INPUT_INVALID", "the session must be an object");
      }
      if (inputJson.length > limits.maxInputChars) {
        return failure(
          "SCRIPT_INPUT_INVALID",
          `the serialized session has ${inputJson.length} characters; at most ${limits.maxInputChars}`,
        );
      }
      return fromPool(await pool.run(compiled, inputJson));
    },
    stats() {
      return {
        isolates: pool.size,
        replaced: pool.replaced,
        inFlight: pool.inFlight,
        queued: pool.queued,
        evaluations: pool.evaluations,
      };
    },
    async dispose() {
      pool.dispose();
    },
  };
}
