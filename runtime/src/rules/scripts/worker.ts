// One sandbox isolate (isolated-vm): its own V8 heap with a memory limit, run on its own thread. Each compiled script
// gets its own context in the isolate (its own global object and built-ins), loaded once per script version (content
// hash) and kept while recently used. The host holds references INTO the isolate; the isolate holds nothing of the
// host: no Reference, Callback or host object is ever passed in. Inputs go in as one JSON string (an array of
// sessions); the results come back as one JSON string (an array of envelopes).
import { setFlagsFromString } from "node:v8";
import ivm from "isolated-vm";
import type { CompiledScript } from "./compile.ts";
import type { InsideLimits } from "./isolate/entry.ts";
import { preludeSource } from "./prelude.ts";

/** How a run failed, from the host's point of view. */
export type WorkerFailureKind =
  /** The script ran past the time limit; the isolate stays usable. */
  | "timeout"
  /** The isolate hit its memory limit while running this script; it is disposed. */
  | "memory"
  /** The isolate was already disposed (another script broke it); the run can be retried elsewhere. */
  | "disposed"
  /** The script could not be loaded into the isolate. */
  | "load"
  /** The script ran past the time limit and the isolate could not stop it; the isolate is abandoned. */
  | "stuck"
  /** A timeout while the isolate hardly used the CPU: the machine starved its thread (the pool retries). */
  | "starved"
  /** Anything else: the isolate is considered broken and is replaced. */
  | "broken";

export class WorkerFailure extends Error {
  override name = "WorkerFailure";
  readonly kind: WorkerFailureKind;
  /**
   * For a timeout: the CPU time (ms) the isolate used from the call's dispatch to its end. An upper bound for the
   * call itself (calls queued before it are included); far below the limit means the thread was starved, not busy.
   */
  cpuMs?: number;

  constructor(kind: WorkerFailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface WorkerOptions {
  memoryLimitMb: number;
  timeoutMs: number;
  maxScripts: number;
  insideLimits: InsideLimits;
  onCatastrophicError: (message: string) => void;
}

interface LoadedScript {
  context: ivm.Context;
  evaluate: ivm.Reference<(batchJson: string) => string>;
}

interface ScriptSlot {
  promise: Promise<LoadedScript>;
  loaded?: LoadedScript;
  /** Runs using the slot right now; a slot in use is never unloaded. */
  active: number;
}

/** Time limit for loading a script into a fresh context (prelude, hardening, module compilation). */
const LOAD_TIMEOUT_MS = 2_000;

let v8Configured = false;

/**
 * isolated-vm stops a script by requesting a V8 interrupt. Loop code compiled by V8's concurrent on-stack replacement
 * can run without ever servicing one (e.g. `for (;;) new Array(1000).fill(0)`): the script is never stopped, its heap
 * grows past any limit, and isolated-vm eventually gives the isolate up ("Script failed to terminate"). With OSR code
 * compiled on the isolate's own thread, every such loop we know of stops on time. The flag is process-wide; its cost
 * (OSR compilation no longer in the background) is negligible.
 */
function configureV8(): void {
  if (v8Configured) return;
  v8Configured = true;
  setFlagsFromString("--no-concurrent-osr");
}

/** The module factory the prelude's `install` expects: the compiled CommonJS body as a function. */
export function wrapModule(code: string): string {
  return `(function (module, exports, require) {"use strict";\n${code}\n})`;
}

export class IsolateWorker {
  readonly id: number;
  /** Calls started on this isolate and not finished (running or queued on its thread). */
  inFlight = 0;
  readonly #options: WorkerOptions;
  readonly #isolate: ivm.Isolate;
  readonly #limitsJson: string;
  #prelude: Promise<ivm.Script> | undefined;
  readonly #scripts = new Map<string, ScriptSlot>();
  #broken = false;

  constructor(id: number, options: WorkerOptions) {
    configureV8();
    this.id = id;
    this.#options = options;
    this.#limitsJson = JSON.stringify(options.insideLimits);
    this.#isolate = new ivm.Isolate({
      memoryLimit: options.memoryLimitMb,
      onCatastrophicError: (message) => {
        this.#broken = true;
        options.onCatastrophicError(message);
      },
    });
  }

  /** False once the isolate is disposed or known to be broken; the pool then replaces it. */
  get alive(): boolean {
    return !this.#broken && !this.#isolate.isDisposed;
  }

  /** Whether the script is loaded (or loading) in this isolate. */
  has(hash: string): boolean {
    return this.#scripts.has(hash);
  }

  /**
   * Runs the script once per input (each a JSON object) in one call into the isolate, under one time limit; resolves
   * with the JSON array of the sandbox's envelopes, rejects with a `WorkerFailure`.
   */
  async run(compiled: CompiledScript, inputJsons: readonly string[]): Promise<string> {
    const slot = this.#slot(compiled);
    slot.active++;
    let cpuBefore: bigint | undefined;
    try {
      const loaded = await slot.promise;
      const batch = inputJsons.length === 1 ? `[${inputJsons[0]}]` : `[${inputJsons.join(",")}]`;
      cpuBefore = this.#isolate.cpuTime;
      const out = await loaded.evaluate.apply(undefined, [batch], { timeout: this.#options.timeoutMs });
      if (typeof out !== "string") throw new WorkerFailure("broken", "the sandbox returned no result envelope");
      return out;
    } catch (error) {
      const failure = this.#failure(error);
      if (failure.kind === "timeout" && cpuBefore !== undefined && !this.#isolate.isDisposed) {
        failure.cpuMs = Number(this.#isolate.cpuTime - cpuBefore) / 1e6;
      }
      throw failure;
    } finally {
      slot.active--;
    }
  }

  dispose(): void {
    this.#broken = true;
    this.#scripts.clear();
    if (!this.#isolate.isDisposed) this.#isolate.dispose();
  }

  #failure(error: unknown): WorkerFailure {
    if (error instanceof WorkerFailure) {
      if (error.kind === "memory" || error.kind === "broken") this.#broken = true;
      return error;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("memory limit")) {
      this.#broken = true;
      return new WorkerFailure("memory", message);
    }
    if (this.#isolate.isDisposed) return new WorkerFailure("disposed", message);
    if (message.startsWith("Script execution timed out")) return new WorkerFailure("timeout", message);
    this.#broken = true;
    return new WorkerFailure("broken", message);
  }

  #slot(compiled: CompiledScript): ScriptSlot {
    const existing = this.#scripts.get(compiled.hash);
    if (existing !== undefined) {
      // Most recently used last.
      this.#scripts.delete(compiled.hash);
      this.#scripts.set(compiled.hash, existing);
      return existing;
    }
    const promise = this.#load(compiled);
    const slot: ScriptSlot = { promise, active: 0 };
    promise.then(
      (loaded) => {
        slot.loaded = loaded;
      },
      () => {
        // A failed load is not kept: the next run tries again (the isolate may have been the problem).
        if (this.#scripts.get(compiled.hash) === slot) this.#scripts.delete(compiled.hash);
      },
    );
    this.#scripts.set(compiled.hash, slot);
    this.#evict();
    return slot;
  }

  /** Unloads the least recently used scripts that are not in use while more than `maxScripts` are loaded. */
  #evict(): void {
    if (this.#scripts.size <= this.#options.maxScripts) return;
    for (const [hash, slot] of this.#scripts) {
      if (this.#scripts.size <= this.#options.maxScripts) return;
      if (slot.active > 0 || slot.loaded === undefined) continue;
      this.#scripts.delete(hash);
      slot.loaded.evaluate.release();
      slot.loaded.context.release();
    }
  }

  async #load(compiled: CompiledScript): Promise<LoadedScript> {
    this.#prelude ??= this.#isolate.compileScript(preludeSource(), { filename: "voltrate:script-prelude.js" });
    let prelude: ivm.Script;
    try {
      prelude = await this.#prelude;
    } catch (error) {
      this.#prelude = undefined;
      throw this.#failure(error);
    }
    const context = await this.#isolate.createContext().catch((error: unknown) => {
      throw this.#failure(error);
    });
    try {
      const install = await prelude.run(context, { reference: true, timeout: LOAD_TIMEOUT_MS });
      const bind = await install.apply(undefined, [this.#limitsJson], {
        result: { reference: true },
        timeout: LOAD_TIMEOUT_MS,
      });
      install.release();
      let module: ivm.Script;
      try {
        module = await this.#isolate.compileScript(wrapModule(compiled.code), {
          filename: `voltrate:script/${compiled.hash.slice(0, 16)}.js`,
        });
      } catch (error) {
        if (this.#isolate.isDisposed) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new WorkerFailure("load", `the compiled script does not load: ${message}`);
      }
      const factory = await module.run(context, { reference: true, timeout: LOAD_TIMEOUT_MS, release: true });
      const evaluate = (await bind.apply(undefined, [factory.derefInto({ release: true })], {
        result: { reference: true },
        timeout: LOAD_TIMEOUT_MS,
      })) as ivm.Reference<(batchJson: string) => string>;
      bind.release();
      return { context, evaluate };
    } catch (error) {
      context.release();
      throw this.#failure(error);
    }
  }
}
