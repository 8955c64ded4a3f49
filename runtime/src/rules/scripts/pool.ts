// The isolate pool: a fixed number of sandbox isolates, each with a bounded number of calls in flight; evaluations
// that find every isolate busy wait in one FIFO queue per script, served round-robin. Under load, waiting evaluations
// of the same script go to the isolate together, as one call (a batch): one thread hand-over instead of one per
// evaluation.
//
// Failures stay with their culprit:
// - A batch that times out or hits the memory limit is split: its evaluations run again one by one, and that script
//   is only ever run alone from then on. A lone evaluation that times out fails with SCRIPT_TIMEOUT; one that hits
//   the memory limit fails with SCRIPT_MEMORY.
// - An isolate that hit its memory limit or broke is disposed and replaced at once. The evaluations that were merely
//   queued on it are retried on another isolate.
import type { CompiledScript } from "./compile.ts";
import type { ScriptSandboxEvent } from "./types.ts";
import { IsolateWorker, type WorkerFailureKind, type WorkerOptions } from "./worker.ts";

/** What the pool answers for one evaluation: the sandbox's envelope (parsed, not yet validated), or why there is none. */
export type PoolResult =
  | { ok: true; envelope: unknown }
  | { ok: false; kind: Exclude<WorkerFailureKind, "disposed" | "starved">; message: string };

export interface PoolOptions extends Omit<WorkerOptions, "onCatastrophicError"> {
  size: number;
  maxInFlightPerIsolate: number;
  /** Most evaluations sent to an isolate in one call. */
  maxBatchSize: number;
  /** Longest envelope text accepted per evaluation (the sandbox bounds it; this is the host's own check). */
  maxEnvelopeChars: number;
  onEvent: (event: ScriptSandboxEvent) => void;
}

interface Job {
  compiled: CompiledScript;
  inputJson: string;
  /** Runs lost to an isolate that another script broke. */
  retries: number;
  /** Must run in a call of its own (its batch failed as a whole). */
  alone: boolean;
  resolve: (result: PoolResult) => void;
  reject: (error: Error) => void;
}

/** One call into an isolate: evaluations of one script. */
interface Batch {
  worker: IsolateWorker;
  hash: string;
  jobs: Job[];
  /** Settled (by the call's result or by the isolate's catastrophic error); later news is ignored. */
  done: boolean;
}

/** Runs lost to broken isolates before the evaluation fails with SCRIPT_SANDBOX_FAILED. */
const MAX_RETRIES = 2;

export class PoolDisposedError extends Error {
  override name = "PoolDisposedError";
}

export class IsolatePool {
  readonly #options: PoolOptions;
  readonly #workers: IsolateWorker[] = [];
  /** Waiting evaluations, one FIFO per script hash; the map's order is the round-robin order. */
  readonly #queues = new Map<string, Job[]>();
  /** Scripts whose batch failed as a whole: they run one evaluation per call. */
  readonly #alone = new Set<string>();
  /** Calls in flight per isolate id, oldest first: the oldest is the one running. */
  readonly #calls = new Map<number, Batch[]>();
  #queued = 0;
  #running = 0;
  #nextId = 1;
  #disposed = false;
  replaced = 0;
  evaluations = 0;

  constructor(options: PoolOptions) {
    this.#options = options;
    for (let i = 0; i < options.size; i++) this.#workers.push(this.#createWorker());
  }

  get size(): number {
    return this.#workers.length;
  }

  get queued(): number {
    return this.#queued;
  }

  get inFlight(): number {
    return this.#running;
  }

  run(compiled: CompiledScript, inputJson: string): Promise<PoolResult> {
    if (this.#disposed) return Promise.reject(new PoolDisposedError("the script sandbox is disposed"));
    return new Promise((resolve, reject) => {
      this.#enqueue([{ compiled, inputJson, retries: 0, alone: false, resolve, reject }]);
      this.#dispatch();
    });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const queue of this.#queues.values()) {
      for (const job of queue) job.reject(new PoolDisposedError("the script sandbox was disposed"));
    }
    this.#queues.clear();
    this.#queued = 0;
    for (const worker of this.#workers) worker.dispose();
  }

  #createWorker(): IsolateWorker {
    const id = this.#nextId++;
    return new IsolateWorker(id, {
      memoryLimitMb: this.#options.memoryLimitMb,
      timeoutMs: this.#options.timeoutMs,
      maxScripts: this.#options.maxScripts,
      insideLimits: this.#options.insideLimits,
      onCatastrophicError: (message) => {
        this.#options.onEvent({ type: "catastrophic-error", isolate: id, message });
        setImmediate(() => this.#abandon(id, message));
      },
    });
  }

  /** Appends `jobs` (all of one script) to their queue; jobs that are retried go first. */
  #enqueue(jobs: Job[], first = false): void {
    const hash = (jobs[0] as Job).compiled.hash;
    const queue = this.#queues.get(hash);
    if (queue === undefined) this.#queues.set(hash, jobs);
    else if (first) queue.unshift(...jobs);
    else queue.push(...jobs);
    this.#queued += jobs.length;
  }

  #dispatch(): void {
    while (this.#queued > 0) {
      const [hash, queue] = this.#queues.entries().next().value as [string, Job[]];
      const worker = this.#pick(hash);
      if (worker === undefined) return;
      const limit = this.#alone.has(hash) ? 1 : this.#options.maxBatchSize;
      const batch: Job[] = [queue.shift() as Job];
      if (!(batch[0] as Job).alone) {
        while (batch.length < limit && queue.length > 0 && !(queue[0] as Job).alone) batch.push(queue.shift() as Job);
      }
      this.#queued -= batch.length;
      // Round-robin: this script goes to the back of the line.
      this.#queues.delete(hash);
      if (queue.length > 0) this.#queues.set(hash, queue);
      this.#execute(worker, hash, batch);
    }
  }

  /** The live isolate with the fewest calls in flight (below the limit); on a tie, one that has the script loaded. */
  #pick(hash: string): IsolateWorker | undefined {
    let best: IsolateWorker | undefined;
    for (const worker of this.#workers) {
      if (!worker.alive || worker.inFlight >= this.#options.maxInFlightPerIsolate) continue;
      if (
        best === undefined ||
        worker.inFlight < best.inFlight ||
        (worker.inFlight === best.inFlight && !best.has(hash) && worker.has(hash))
      ) {
        best = worker;
      }
    }
    return best;
  }

  #execute(worker: IsolateWorker, hash: string, jobs: Job[]): void {
    const batch: Batch = { worker, hash, jobs, done: false };
    const calls = this.#calls.get(worker.id);
    if (calls === undefined) this.#calls.set(worker.id, [batch]);
    else calls.push(batch);
    worker.inFlight++;
    this.#running += jobs.length;
    const compiled = (jobs[0] as Job).compiled;
    worker
      .run(
        compiled,
        jobs.map((job) => job.inputJson),
      )
      .then(
        (text) => {
          if (this.#finish(batch)) this.#deliver(jobs, text);
        },
        (error: unknown) => {
          if (!this.#finish(batch)) return;
          const failure = error as { kind?: WorkerFailureKind; cpuMs?: number };
          let kind: WorkerFailureKind = failure.kind ?? "broken";
          const message = error instanceof Error ? error.message : String(error);
          if (!worker.alive) this.#replace(worker.id, `${kind}: ${message}`);
          // The limit is wall-clock time: an isolate thread that hardly ran was starved by the machine, and the
          // evaluations are retried rather than blamed.
          if (kind === "timeout" && failure.cpuMs !== undefined && failure.cpuMs < this.#options.timeoutMs / 2) {
            kind = "starved";
          }
          this.#recover(hash, jobs, kind, message);
        },
      )
      .finally(() => this.#dispatch());
  }

  /** Marks the call finished; false when it was already settled otherwise (its isolate was abandoned). */
  #finish(batch: Batch): boolean {
    if (batch.done) return false;
    batch.done = true;
    batch.worker.inFlight--;
    this.#running -= batch.jobs.length;
    const calls = this.#calls.get(batch.worker.id);
    if (calls !== undefined) {
      const index = calls.indexOf(batch);
      if (index >= 0) calls.splice(index, 1);
      if (calls.length === 0) this.#calls.delete(batch.worker.id);
    }
    return true;
  }

  /**
   * The isolate did not stop when told to (isolated-vm's "catastrophic error"): its thread is lost and its calls
   * will never answer. The running call (the oldest) is the culprit; the calls queued behind it are retried.
   */
  #abandon(id: number, message: string): void {
    const calls = [...(this.#calls.get(id) ?? [])];
    this.#replace(id, `catastrophic error: ${message}`);
    calls.forEach((batch, i) => {
      if (!this.#finish(batch)) return;
      this.#recover(batch.hash, batch.jobs, i === 0 ? "stuck" : "disposed", message);
    });
    this.#dispatch();
  }

  #deliver(batch: Job[], text: string): void {
    let envelopes: unknown;
    if (text.length <= batch.length * this.#options.maxEnvelopeChars) {
      try {
        envelopes = JSON.parse(text);
      } catch {
        envelopes = undefined;
      }
    }
    if (!Array.isArray(envelopes) || envelopes.length !== batch.length) {
      const message =
        text.length > batch.length * this.#options.maxEnvelopeChars
          ? `the output has ${text.length} characters`
          : "the sandbox returned malformed output";
      for (const job of batch) this.#settle(job, { ok: false, kind: "broken", message });
      return;
    }
    batch.forEach((job, i) => {
      this.#settle(job, { ok: true, envelope: envelopes[i] });
    });
  }

  #recover(hash: string, batch: Job[], kind: WorkerFailureKind, message: string): void {
    if (this.#disposed) {
      for (const job of batch) job.reject(new PoolDisposedError("the script sandbox was disposed"));
      return;
    }
    if ((kind === "timeout" || kind === "memory" || kind === "stuck") && batch.length > 1) {
      // Which evaluation was it? Run them one by one to find out; keep this script out of batches from now on.
      this.#alone.add(hash);
      for (const job of batch) job.alone = true;
      this.#enqueue(batch, true);
      return;
    }
    if (kind === "disposed" || kind === "broken" || kind === "starved") {
      const retry: Job[] = [];
      for (const job of batch) {
        if (job.retries < MAX_RETRIES) {
          job.retries++;
          retry.push(job);
        } else {
          this.#settle(
            job,
            kind === "starved" ? { ok: false, kind: "timeout", message } : { ok: false, kind: "broken", message },
          );
        }
      }
      if (retry.length > 0) this.#enqueue(retry, true);
      return;
    }
    for (const job of batch) this.#settle(job, { ok: false, kind, message });
  }

  #settle(job: Job, result: PoolResult): void {
    this.evaluations++;
    job.resolve(result);
  }

  #replace(id: number, reason: string): void {
    if (this.#disposed) return;
    const index = this.#workers.findIndex((w) => w.id === id);
    if (index < 0) return;
    (this.#workers[index] as IsolateWorker).dispose();
    this.#workers[index] = this.#createWorker();
    this.replaced++;
    this.#options.onEvent({ type: "isolate-replaced", isolate: id, reason });
  }
}
