// The sandbox prelude: bundled (with helpers.ts, harden.ts and decimal.js) into one script that runs once in every
// sandbox context, before the script it hosts. Its completion value is `install`, which the host calls once to
// harden the context; the host then binds the script's module factory and gets the context's `evaluate` function,
// the only thing it calls afterwards. `evaluate` takes a batch of sessions (one or more, all for this script) as a
// JSON array and answers a JSON array of envelopes, one per session.
// Runs INSIDE the sandbox; must not import anything of the host.
import { deepFreeze, hardenRealm } from "./harden.ts";
import { createHelpers, HELPER_INTERNALS, type LogBuffer } from "./helpers.ts";

/** The compiled script: its CommonJS body wrapped in a function (see `wrapModule` in ../worker.ts). */
export type ModuleFactory = (
  module: { exports: Record<string, unknown> },
  exports: Record<string, unknown>,
  require: (specifier: string) => unknown,
) => void;

/** Limits enforced inside the sandbox (the host validates again). */
export interface InsideLimits {
  /** Longest serialized result (characters). */
  maxResultChars: number;
  maxLogEntries: number;
  maxLogEntryChars: number;
  /** Longest error message copied out. */
  maxMessageChars: number;
}

/** Why an evaluation failed inside the sandbox. */
export type FailureKind = "threw" | "stack" | "memory" | "export" | "invalid" | "too-large";

/** What the sandbox returns to the host for one evaluation (serialized; see `evaluate`). */
export type Envelope =
  | { ok: true; logs: string[]; dropped: number; result: unknown }
  | { ok: false; kind: FailureKind; message: string; logs: string[]; dropped: number };

const API_MODULE = "voltrate:script";
const MEMORY_ERRORS =
  /^(Invalid string length|Invalid array length|Invalid typed array length|Array buffer allocation failed)/;

function safeString(value: unknown, max: number): string {
  let text: string;
  try {
    text = String(value);
  } catch {
    text = "[a value that cannot be printed]";
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describeError(error: unknown, max: number): { kind: FailureKind; message: string } {
  try {
    if (error instanceof Error) {
      const name = safeString(error.name, 100);
      const message = safeString(error.message, max);
      if (error instanceof RangeError && message.startsWith("Maximum call stack size exceeded")) {
        return { kind: "stack", message: "maximum call stack size exceeded (runaway recursion?)" };
      }
      if (error instanceof RangeError && MEMORY_ERRORS.test(message)) return { kind: "memory", message };
      return { kind: "threw", message: `${name}: ${message}` };
    }
    return { kind: "threw", message: `threw a non-Error value: ${safeString(error, max)}` };
  } catch {
    return { kind: "threw", message: "threw a value that cannot be described" };
  }
}

/**
 * Builds the helpers and hardens the context (see harden.ts); answers `bind`, which the host calls once with the
 * script's module factory. The module factory is created after the hardening: nothing in the compiled code runs in
 * a context that is not yet frozen.
 */
export function install(limitsJson: string): (factory: ModuleFactory) => (batchJson: string) => string {
  const limits = JSON.parse(limitsJson) as InsideLimits;
  /** The log of the evaluation in progress. */
  let log: LogBuffer = { entries: [], dropped: 0 };
  const api = Object.freeze(
    createHelpers({ maxEntries: limits.maxLogEntries, maxEntryChars: limits.maxLogEntryChars }, () => log),
  );
  const require = (specifier: string): unknown => {
    if (specifier === API_MODULE) return api;
    throw new Error(`scripts cannot import ${safeString(specifier, 200)}; only "${API_MODULE}" is available`);
  };
  hardenRealm([api, require, ...HELPER_INTERNALS]);

  const stringify = JSON.stringify;
  const fail = (kind: FailureKind, message: string): string =>
    stringify({ ok: false, kind, message, logs: log.entries, dropped: log.dropped });

  const evaluateOne = (factory: ModuleFactory, session: unknown): string => {
    log = { entries: [], dropped: 0 };
    let result: unknown;
    try {
      const module = { exports: {} as Record<string, unknown> };
      // The module body runs on every evaluation: module-level state never outlives one evaluation.
      factory(module, module.exports, require);
      const script = module.exports.default;
      if (typeof script !== "function") {
        return fail("export", "the script has no default export function (export default defineScript(...))");
      }
      result = script(session, api);
    } catch (error) {
      const { kind, message } = describeError(error, limits.maxMessageChars);
      return fail(kind, message);
    }
    let json: string | undefined;
    try {
      if (typeof result === "object" && result !== null && typeof (result as { then?: unknown }).then === "function") {
        return fail("invalid", "the script returned a Promise; scripts are synchronous");
      }
      json = stringify(result);
    } catch (error) {
      return fail(
        "invalid",
        `the result cannot be serialized: ${describeError(error, limits.maxMessageChars).message}`,
      );
    }
    if (json === undefined) return fail("invalid", `the script returned ${typeof result}, not { lines: [...] }`);
    if (json.length > limits.maxResultChars) {
      return fail(
        "too-large",
        `the result has ${json.length} characters; at most ${limits.maxResultChars} are allowed`,
      );
    }
    return `{"ok":true,"dropped":${log.dropped},"logs":${stringify(log.entries)},"result":${json}}`;
  };

  let bound = false;
  return function bind(factory: ModuleFactory) {
    if (bound) throw new Error("a sandbox context hosts one script");
    bound = true;
    deepFreeze([factory]);
    /** Evaluates the script once per session of the JSON array `batchJson`; answers a JSON array of envelopes. */
    return function evaluate(batchJson: string): string {
      const sessions = JSON.parse(batchJson) as unknown[];
      let out = "[";
      for (let i = 0; i < sessions.length; i++) {
        if (i > 0) out += ",";
        out += evaluateOne(factory, sessions[i]);
      }
      return `${out}]`;
    };
  };
}
