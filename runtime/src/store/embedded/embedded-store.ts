// The embedded engine: collections in memory, made durable by the journal and snapshots.
//
// Open: check the folder, take the lock, load the snapshot, replay the journal generations after it
// (dropping a torn last record), continue appending to the last generation.
// Write: check + apply in memory + queue one journal record, all synchronously; acknowledge when the
// record is durable. A journal I/O failure stops the store (JOURNAL_FAILED): memory may then be ahead
// of the disk, so nothing more is answered.
// Compaction: when the journal outgrows max(threshold, last snapshot size), and on close.
import { open, readFile, stat, truncate, unlink } from "node:fs/promises";
import path from "node:path";
import { ObjectId } from "bson";
import { type StoreLogger, silentLogger } from "../logger.ts";
import type { Collection, Doc, Store } from "../types.ts";
import { StoreError } from "../types.ts";
import { checkCollectionName, checkSequenceArgs, isPlainObject, normalizeIndexSpec } from "../validate.ts";
import { EmbeddedCollection, type Engine } from "./collection.ts";
import { type Change, CollectionState, type StoredDoc } from "./collection-state.ts";
import {
  fsyncDir,
  journalFileName,
  prepareDataDir,
  SNAPSHOT_FILE,
  SNAPSHOT_TEMP_FILE,
  scanDataDir,
} from "./data-dir.ts";
import { encodeWriteRecord } from "./doc-bytes.ts";
import { decodePayload, encodeRecord, FramingError, scanRecords } from "./framing.ts";
import { Journal } from "./journal.ts";
import { acquireLock, type DirLock } from "./lock.ts";
import type { JournalRecord } from "./records.ts";
import { readSnapshot, type SnapshotState, writeSnapshot } from "./snapshot.ts";

export interface EmbeddedStoreOptions {
  dataDir: string;
  logger?: StoreLogger;
  /** Journal bytes that trigger a snapshot + compaction (at least the last snapshot's size). Default 64 MiB. */
  compactionThresholdBytes?: number;
  /** Write a snapshot when closing, so the next open replays nothing. Default true. */
  snapshotOnClose?: boolean;
}

const DEFAULT_COMPACTION_THRESHOLD = 64 * 1024 * 1024;

export interface EmbeddedStoreStats {
  journalGeneration: number;
  /** Journal bytes not yet folded into a snapshot. */
  journalBytes: number;
  /** Rounds of (write + fdatasync) and records written since open. */
  syncs: number;
  records: number;
  snapshots: number;
}

function corruptJournal(file: string, problem: string, cause?: unknown): StoreError {
  return new StoreError(
    "CORRUPT_JOURNAL",
    `journal ${file}: ${problem}. Refusing to open rather than lose data; restore the folder from a backup.`,
    cause === undefined ? undefined : { cause },
  );
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class EmbeddedStore implements Store {
  readonly mode = "embedded" as const;
  readonly dir: string;
  readonly #lock: DirLock;
  readonly #logger: StoreLogger;
  readonly #threshold: number;
  readonly #snapshotOnClose: boolean;
  readonly #states = new Map<string, CollectionState>();
  readonly #handles = new Map<string, EmbeddedCollection>();
  readonly #counters = new Map<string, number>();
  readonly #engine: Engine;
  #journal!: Journal;
  /** Oldest journal generation not yet covered by a snapshot. */
  #oldestGeneration = 1;
  #journalBytes = 0;
  #compactAt: number;
  #compaction: Promise<void> | null = null;
  #snapshots = 0;
  #closing: Promise<void> | null = null;
  /** While a write of `inOrder` is being issued: where its journal append's durability is collected. */
  #deferredDurability: Promise<void>[] | null = null;

  private constructor(dir: string, lock: DirLock, options: EmbeddedStoreOptions) {
    this.dir = dir;
    this.#lock = lock;
    this.#logger = options.logger ?? silentLogger;
    this.#threshold = Math.max(1, options.compactionThresholdBytes ?? DEFAULT_COMPACTION_THRESHOLD);
    this.#compactAt = this.#threshold;
    this.#snapshotOnClose = options.snapshotOnClose ?? true;
    this.#engine = {
      assertUsable: () => this.#assertUsable(),
      readState: (name) => this.#states.get(name),
      writeState: (name) => this.#writeState(name),
      commit: (record, hasTagged, apply) => this.#commit(record, hasTagged, apply),
      settled: () => this.#journal.flushed(),
      newId: () => new ObjectId().toHexString(),
    };
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const logger = options.logger ?? silentLogger;
    const dir = await prepareDataDir(options.dataDir);
    const lock = await acquireLock(dir, logger);
    try {
      const store = new EmbeddedStore(dir, lock, options);
      await store.#recover();
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    let handle = this.#handles.get(name);
    if (!handle) {
      handle = new EmbeddedCollection(checkCollectionName(name), this.#engine);
      this.#handles.set(name, handle);
    }
    return handle as unknown as Collection<T>;
  }

  async nextSequence(name: string, by = 1): Promise<number> {
    this.#assertUsable();
    checkSequenceArgs(name, by);
    const value = (this.#counters.get(name) ?? 0) + by;
    await this.#commit({ op: "seq", n: name, v: value }, false, () => this.#counters.set(name, value));
    return value;
  }

  async inOrder<R extends readonly unknown[]>(...writes: { [K in keyof R]: () => Promise<R[K]> }): Promise<R> {
    this.#assertUsable();
    const durable: Promise<void>[] = [];
    const results: Promise<unknown>[] = [];
    let values: unknown[] = [];
    let failure: { error: unknown } | null = null;
    try {
      for (const write of writes as readonly (() => Promise<unknown>)[]) {
        const appended = durable.length;
        this.#deferredDurability = durable;
        let pending: Promise<unknown>;
        try {
          pending = write();
        } finally {
          this.#deferredDurability = null;
        }
        results.push(pending);
        // A write that reached the journal at once is applied in memory: the next one follows it in the same tick,
        // so both go to disk in one round (the journal starts a round on a microtask). Any other write (nothing to
        // change, a failure, or one that awaits something first) is awaited before the next one starts.
        if (durable.length === appended) await pending;
      }
      values = await Promise.all(results);
    } catch (error) {
      failure = { error };
    }
    // What was applied is journaled either way; a failed write is reported once the earlier ones are durable.
    const synced = await Promise.allSettled(durable);
    const lost = synced.find((r) => r.status === "rejected");
    if (lost) throw lost.reason;
    if (failure) throw failure.error;
    return values as unknown as R;
  }

  async listCollections(): Promise<string[]> {
    this.#assertUsable();
    return [...this.#states.values()]
      .filter((state) => state.exists)
      .map((state) => state.name)
      .sort();
  }

  /** Waits for acknowledged writes, writes a snapshot (unless disabled) and releases the folder. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Forces a snapshot + compaction now (normally automatic). */
  async compact(): Promise<void> {
    this.#assertUsable();
    await this.#compact("requested");
  }

  get stats(): EmbeddedStoreStats {
    return {
      journalGeneration: this.#journal.generation,
      journalBytes: this.#journalBytes,
      syncs: this.#journal.stats.syncs,
      records: this.#journal.stats.records,
      snapshots: this.#snapshots,
    };
  }

  #assertUsable(): void {
    if (this.#closing) throw new StoreError("CLOSED", `the store at ${this.dir} is closed`);
    const failure = this.#journal.failure;
    if (failure) throw failure;
  }

  #writeState(name: string): CollectionState {
    let state = this.#states.get(name);
    if (!state) {
      state = new CollectionState(name);
      this.#states.set(name, state);
    }
    return state;
  }

  #commit(record: JournalRecord, hasTagged: boolean, apply: () => void): Promise<void> {
    // A written document's bytes are kept for the snapshots to come (doc-bytes.ts).
    const buf =
      record.op === "w"
        ? encodeWriteRecord(record.c, record.put, record.del, hasTagged)
        : encodeRecord(record, hasTagged);
    apply();
    const durable = this.#journal.append(buf);
    this.#journalBytes += buf.length;
    if (this.#journalBytes >= this.#compactAt && !this.#compaction && !this.#closing)
      void this.#compact("journal size");
    if (this.#deferredDurability) {
      this.#deferredDurability.push(durable);
      return Promise.resolve();
    }
    return durable;
  }

  // ---- recovery ----------------------------------------------------------------------------------

  async #recover(): Promise<void> {
    const layout = await scanDataDir(this.dir);
    for (const leftover of layout.lockLeftovers) await unlink(path.join(this.dir, leftover)).catch(() => {});
    if (layout.hasSnapshotTemp) {
      await unlink(path.join(this.dir, SNAPSHOT_TEMP_FILE));
      this.#logger.warn({ dir: this.dir }, "store: removed an unfinished snapshot left by an interrupted compaction");
    }
    let covered = 0;
    if (layout.hasSnapshot) {
      const snapshot = await readSnapshot(this.dir);
      try {
        this.#loadSnapshot(snapshot);
      } catch (error) {
        throw new StoreError(
          "CORRUPT_SNAPSHOT",
          `snapshot ${path.join(this.dir, SNAPSHOT_FILE)} does not load (${(error as Error).message}). Refusing to open rather than lose data; restore the folder from a backup.`,
          { cause: error },
        );
      }
      covered = snapshot.generation;
      const { size } = await stat(path.join(this.dir, SNAPSHOT_FILE));
      this.#compactAt = Math.max(this.#threshold, size);
    }
    const obsolete = layout.journals.filter((g) => g <= covered);
    for (const generation of obsolete) await unlink(path.join(this.dir, journalFileName(generation)));
    if (obsolete.length > 0) await fsyncDir(this.dir);
    const live = layout.journals.filter((g) => g > covered);
    live.forEach((generation, i) => {
      if (generation !== covered + 1 + i) {
        const missing = journalFileName(covered + 1 + i);
        throw corruptJournal(
          path.join(this.dir, missing),
          "is missing (journal generations must follow the snapshot without gaps)",
        );
      }
    });
    for (const [i, generation] of live.entries()) await this.#replay(generation, i === live.length - 1);
    this.#oldestGeneration = covered + 1;
    this.#journal = await Journal.open(this.dir, live.at(-1) ?? covered + 1);
    this.#logger.info(
      { dir: this.dir, collections: this.#states.size, journalBytes: this.#journalBytes },
      "store: embedded store opened",
    );
    if (this.#journalBytes >= this.#compactAt) await this.#compact("journal size at open");
  }

  #loadSnapshot(snapshot: SnapshotState): void {
    for (const [name, value] of snapshot.counters) this.#counters.set(name, value);
    for (const collection of snapshot.collections) {
      const state = this.#writeState(collection.name);
      state.exists = true;
      for (const doc of collection.docs) {
        const id = (doc as StoredDoc)._id;
        if (typeof id !== "string" || state.docs.has(id)) throw new Error(`bad or repeated _id in ${collection.name}`);
        state.docs.set(id, doc as StoredDoc);
      }
      for (const spec of collection.indexes) state.attachIndex(state.buildIndex(normalizeIndexSpec(spec)));
    }
  }

  async #replay(generation: number, isLast: boolean): Promise<void> {
    const file = path.join(this.dir, journalFileName(generation));
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (error) {
      throw new StoreError("DATA_DIR_UNUSABLE", `cannot read journal ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let scan: ReturnType<typeof scanRecords>;
    try {
      scan = scanRecords(buf);
    } catch (error) {
      if (error instanceof FramingError) throw corruptJournal(file, error.message, error);
      throw error;
    }
    if (scan.tornTail !== null) {
      if (!isLast)
        throw corruptJournal(
          file,
          `damaged record at byte ${scan.validLength} (${scan.tornTail}) in a closed generation`,
        );
      await truncate(file, scan.validLength);
      await syncFile(file);
      this.#logger.warn(
        { file, offset: scan.validLength, droppedBytes: buf.length - scan.validLength, reason: scan.tornTail },
        "store: dropped a torn last journal record (a write that was never acknowledged)",
      );
    }
    for (const record of scan.records) {
      let value: unknown;
      try {
        value = decodePayload(record.payload);
        this.#applyRecord(value);
      } catch (error) {
        throw corruptJournal(
          file,
          `record at byte ${record.offset} cannot be applied (${(error as Error).message})`,
          error,
        );
      }
    }
    this.#journalBytes += scan.validLength;
  }

  #applyRecord(value: unknown): void {
    if (!isPlainObject(value)) throw new Error("not a record");
    const record = value as JournalRecord;
    switch (record.op) {
      case "w": {
        const state = this.#writeState(record.c);
        const changes: Change[] = [];
        for (const doc of record.put ?? []) {
          changes.push({ id: doc._id, before: state.docs.get(doc._id) ?? null, after: doc });
        }
        for (const id of record.del ?? []) {
          const before = state.docs.get(id);
          if (!before) throw new Error(`deletes unknown document ${id} of ${record.c}`);
          changes.push({ id, before, after: null });
        }
        state.check(changes);
        state.apply(changes);
        return;
      }
      case "index": {
        const state = this.#writeState(record.c);
        const def = normalizeIndexSpec(record.spec);
        if (!state.findIndex(def.name)) state.attachIndex(state.buildIndex(def));
        return;
      }
      case "seq":
        this.#counters.set(record.n, record.v);
        return;
      default:
        throw new Error(`unknown record type ${JSON.stringify((record as { op?: unknown }).op)}`);
    }
  }

  // ---- snapshots ---------------------------------------------------------------------------------

  #compact(reason: string): Promise<void> {
    this.#compaction ??= this.#runCompaction(reason).finally(() => {
      this.#compaction = null;
    });
    return this.#compaction;
  }

  async #runCompaction(reason: string): Promise<void> {
    const started = performance.now();
    // Capture and rotate in one synchronous step: the snapshot holds exactly the records queued so far.
    const state: SnapshotState = {
      generation: this.#journal.generation,
      counters: [...this.#counters],
      collections: [...this.#states.values()]
        .filter((s) => s.exists)
        .map((s) => ({ name: s.name, indexes: s.indexes.map((index) => index.spec), docs: [...s.docs.values()] })),
    };
    const bytesBefore = this.#journalBytes;
    this.#journalBytes = 0;
    try {
      await this.#journal.rotate();
    } catch (error) {
      this.#logger.error({ dir: this.dir, err: error }, "store: journal rotation failed; the store has stopped");
      return;
    }
    try {
      const { bytes, docs } = await writeSnapshot(this.dir, state);
      for (let g = this.#oldestGeneration; g <= state.generation; g++) {
        await unlink(path.join(this.dir, journalFileName(g))).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        });
      }
      await fsyncDir(this.dir);
      this.#oldestGeneration = state.generation + 1;
      this.#compactAt = Math.max(this.#threshold, bytes);
      this.#snapshots++;
      this.#logger.info(
        { dir: this.dir, reason, docs, bytes, journalBytes: bytesBefore, ms: Math.round(performance.now() - started) },
        "store: snapshot written, journal compacted",
      );
    } catch (error) {
      // Every journal generation not yet covered is still there: nothing is lost; retried later.
      this.#journalBytes += bytesBefore;
      this.#compactAt = this.#journalBytes + this.#threshold;
      await unlink(path.join(this.dir, SNAPSHOT_TEMP_FILE)).catch(() => {});
      this.#logger.error({ dir: this.dir, err: error }, "store: writing a snapshot failed; will retry later");
    }
  }

  async #shutdown(): Promise<void> {
    await this.#compaction;
    await this.#journal.flushed().catch(() => {});
    if (this.#snapshotOnClose && !this.#journal.failure && this.#journalBytes > 0) await this.#compact("close");
    await this.#journal.close();
    await this.#lock.release();
    this.#logger.info({ dir: this.dir }, "store: embedded store closed");
  }
}

export function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  return EmbeddedStore.open(options);
}
