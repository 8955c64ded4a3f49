// The append-only journal with group commit. A write is acknowledged only after its record is on
// disk (written and fdatasync'ed). While one fdatasync is in flight, new records queue up; the next
// round writes all of them with one write and one fdatasync: many writes, one fsync.
//
// The journal is a sequence of generations (journal-00000001.log, …). A snapshot covers every
// generation up to the one it names; `rotate` closes the current generation at an exact point in
// the record order so that a snapshot taken at that point pairs with it.
import { type FileHandle, open, stat } from "node:fs/promises";
import path from "node:path";
import { StoreError } from "../types.ts";
import { fsyncDir, journalFileName } from "./data-dir.ts";

/** Upper bound on one write; a longer queue is written in several rounds. */
const MAX_ROUND_BYTES = 8 * 1024 * 1024;

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

type Entry = { kind: "data"; buf: Buffer; done: Deferred<void> } | { kind: "rotate"; done: Deferred<number> };

export interface JournalStats {
  /** Rounds written (each one write + one fdatasync). */
  syncs: number;
  /** Records written. */
  records: number;
}

export class Journal {
  readonly dir: string;
  #generation: number;
  #handle: FileHandle;
  #size: number;
  #queue: Entry[] = [];
  #running = false;
  #closed = false;
  #failure: StoreError | null = null;
  #last: Promise<unknown> = Promise.resolve();
  readonly stats: JournalStats = { syncs: 0, records: 0 };

  private constructor(dir: string, generation: number, handle: FileHandle, size: number) {
    this.dir = dir;
    this.#generation = generation;
    this.#handle = handle;
    this.#size = size;
  }

  /** Opens generation `generation` for appending, creating it (durably) if it does not exist. */
  static async open(dir: string, generation: number): Promise<Journal> {
    const file = path.join(dir, journalFileName(generation));
    const existed = await stat(file).then(
      () => true,
      () => false,
    );
    const handle = await open(file, "a");
    if (!existed) await fsyncDir(dir);
    const { size } = await handle.stat();
    return new Journal(dir, generation, handle, size);
  }

  get generation(): number {
    return this.#generation;
  }

  /** Bytes in the current generation file (acknowledged records only). */
  get size(): number {
    return this.#size;
  }

  get failure(): StoreError | null {
    return this.#failure;
  }

  get file(): string {
    return path.join(this.dir, journalFileName(this.#generation));
  }

  /** Queues a framed record; resolves once it is durable. */
  append(buf: Buffer): Promise<void> {
    return this.#enqueue<void>((done) => ({ kind: "data", buf, done }));
  }

  /**
   * Ends the current generation after every record queued so far and continues in the next one.
   * Resolves with the generation that was closed, once the new one exists durably.
   */
  rotate(): Promise<number> {
    return this.#enqueue<number>((done) => ({ kind: "rotate", done }));
  }

  /** Resolves when everything queued so far is durable. */
  async flushed(): Promise<void> {
    if (this.#failure) throw this.#failure;
    await this.#last;
  }

  /** Waits for queued records, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#last.catch(() => {});
    await this.#handle.close();
  }

  #enqueue<T>(make: (done: Deferred<T>) => Entry): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new StoreError("CLOSED", "the journal is closed"));
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    this.#queue.push(make({ resolve, reject }));
    this.#last = promise;
    if (!this.#running) {
      this.#running = true;
      // Start on a microtask so that writes issued in the same tick share the first round.
      queueMicrotask(() => void this.#drain());
    }
    return promise;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as Entry;
        if (head.kind === "rotate") {
          this.#queue.shift();
          await this.#rotateNow(head.done);
          continue;
        }
        const round: Extract<Entry, { kind: "data" }>[] = [];
        let bytes = 0;
        while (bytes < MAX_ROUND_BYTES) {
          const next = this.#queue[0];
          if (next?.kind !== "data") break;
          this.#queue.shift();
          round.push(next);
          bytes += next.buf.length;
        }
        try {
          await writeAll(this.#handle, round.length === 1 ? (round[0] as { buf: Buffer }).buf : concat(round, bytes));
          await this.#handle.datasync();
        } catch (error) {
          this.#fail(error, round);
          return;
        }
        this.#size += bytes;
        this.stats.syncs++;
        this.stats.records += round.length;
        for (const entry of round) entry.done.resolve();
      }
    } finally {
      this.#running = false;
    }
  }

  async #rotateNow(done: Deferred<number>): Promise<void> {
    const closed = this.#generation;
    try {
      await this.#handle.close();
      const next = closed + 1;
      this.#handle = await open(path.join(this.dir, journalFileName(next)), "ax");
      await fsyncDir(this.dir);
      this.#generation = next;
      this.#size = 0;
    } catch (error) {
      this.#fail(error, []);
      done.reject(this.#failure as StoreError);
      return;
    }
    done.resolve(closed);
  }

  #fail(error: unknown, inFlight: Entry[]): void {
    this.#failure = new StoreError(
      "JOURNAL_FAILED",
      `writing the journal ${this.file} failed (${(error as Error).message}); the store stopped accepting work`,
      { cause: error },
    );
    const failed = [...inFlight, ...this.#queue];
    this.#queue = [];
    for (const entry of failed) entry.done.reject(this.#failure);
  }
}

function concat(round: { buf: Buffer }[], bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const { buf } of round) offset += buf.copy(out, offset);
  return out;
}

async function writeAll(handle: FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await handle.write(buf, offset, buf.length - offset, null);
    offset += bytesWritten;
  }
}
