// Snapshots: the whole store as framed records (header, document chunks, footer) in snapshot.bin.
// Written to a temporary file, fsync'ed, renamed over the previous snapshot, then the folder is
// fsync'ed: a crash at any point leaves either the old or the new snapshot, never a mix.
// Reading is strict: any damage, a missing footer or wrong counts is CORRUPT_SNAPSHOT.
import { open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import type { Doc, IndexSpec } from "../types.ts";
import { StoreError } from "../types.ts";
import type { StoredDoc } from "./collection-state.ts";
import { fsyncDir, SNAPSHOT_FILE, SNAPSHOT_TEMP_FILE } from "./data-dir.ts";
import { docsRecordPieces } from "./doc-bytes.ts";
import { decodePayload, encodeRecord, frameHeader, readRecordAt } from "./framing.ts";

const FORMAT_VERSION = 1;
const DOCS_PER_RECORD = 250;
const WRITE_CHUNK_BYTES = 1024 * 1024;
/**
 * Written bytes flushed to disk as the snapshot is written, not all at the end: one flush of a large snapshot holds
 * the disk long enough to stall the journal's fdatasyncs (and every write waiting on them) for hundreds of ms.
 */
const SYNC_EVERY_BYTES = 8 * 1024 * 1024;

export interface SnapshotCollection {
  name: string;
  indexes: IndexSpec[];
  docs: Doc[];
}

export interface SnapshotState {
  /** Every journal generation up to and including this one is contained in the snapshot. */
  generation: number;
  counters: [string, number][];
  collections: SnapshotCollection[];
}

interface HeaderRecord {
  op: "snapshot";
  version: number;
  generation: number;
  createdAt: string;
  counters: [string, number][];
  collections: { name: string; indexes: IndexSpec[]; count: number }[];
}

/** The buffers still to write after a short writev wrote `written` bytes of `buffers`. */
function remainingAfter(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  const out: Buffer[] = [];
  for (const buf of buffers) {
    if (skip >= buf.length) {
      skip -= buf.length;
      continue;
    }
    out.push(skip > 0 ? buf.subarray(skip) : buf);
    skip = 0;
  }
  return out;
}

export async function writeSnapshot(dir: string, state: SnapshotState): Promise<{ bytes: number; docs: number }> {
  const temp = path.join(dir, SNAPSHOT_TEMP_FILE);
  const handle = await open(temp, "w", 0o644);
  let bytes = 0;
  let docs = 0;
  let records = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let unsynced = 0;
  const push = (record: unknown, hasTagged: boolean) => pushPieces([encodeRecord(record, hasTagged)]);
  /** One framed record as buffers, written as they are (no joining). */
  const pushPieces = async (buffers: Buffer[]) => {
    for (const buf of buffers) {
      pending.push(buf);
      pendingBytes += buf.length;
    }
    records++;
    if (pendingBytes >= WRITE_CHUNK_BYTES) await flush();
  };
  const flush = async () => {
    if (pendingBytes === 0) return;
    let queue = pending;
    const total = pendingBytes;
    pending = [];
    pendingBytes = 0;
    let written = 0;
    while (written < total) {
      const { bytesWritten } = await handle.writev(queue);
      written += bytesWritten;
      if (written < total) queue = remainingAfter(queue, bytesWritten);
    }
    bytes += total;
    unsynced += total;
    if (unsynced >= SYNC_EVERY_BYTES) {
      unsynced = 0;
      await handle.datasync();
    }
  };
  try {
    const header: HeaderRecord = {
      op: "snapshot",
      version: FORMAT_VERSION,
      generation: state.generation,
      createdAt: new Date().toISOString(),
      counters: state.counters,
      collections: state.collections.map((c) => ({ name: c.name, indexes: c.indexes, count: c.docs.length })),
    };
    await push(header, false);
    for (const collection of state.collections) {
      for (let i = 0; i < collection.docs.length; i += DOCS_PER_RECORD) {
        const chunk = collection.docs.slice(i, i + DOCS_PER_RECORD) as StoredDoc[];
        const { pieces, hasTagged } = docsRecordPieces(collection.name, chunk);
        await pushPieces([frameHeader(pieces, hasTagged), ...pieces]);
        docs += chunk.length;
        // Documents loaded at start have no text yet; let requests in between chunks.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    await push({ op: "end", records: records + 1, docs }, false);
    await flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path.join(dir, SNAPSHOT_FILE));
  await fsyncDir(dir);
  return { bytes, docs };
}

function corrupt(file: string, problem: string, cause?: unknown): StoreError {
  return new StoreError(
    "CORRUPT_SNAPSHOT",
    `snapshot ${file} is damaged: ${problem}. Refusing to open rather than lose data; restore the folder from a backup.`,
    cause === undefined ? undefined : { cause },
  );
}

export async function readSnapshot(dir: string): Promise<SnapshotState> {
  const file = path.join(dir, SNAPSHOT_FILE);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (error) {
    throw new StoreError("DATA_DIR_UNUSABLE", `cannot read snapshot ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const values: unknown[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const record = readRecordAt(buf, offset);
    if (typeof record === "string") throw corrupt(file, `record at byte ${offset}: ${record}`);
    try {
      values.push(decodePayload(record.payload));
    } catch (error) {
      throw corrupt(file, `record at byte ${offset} does not decode`, error);
    }
    offset = record.end;
  }
  const header = values[0] as HeaderRecord | undefined;
  if (header?.op !== "snapshot") throw corrupt(file, "missing header");
  if (header.version !== FORMAT_VERSION) throw corrupt(file, `unknown format version ${String(header.version)}`);
  const footer = values[values.length - 1] as { op?: string; records?: number; docs?: number } | undefined;
  if (values.length < 2 || footer?.op !== "end") throw corrupt(file, "missing footer (incomplete file)");
  if (footer.records !== values.length) throw corrupt(file, "record count does not match the footer");

  const byName = new Map<string, SnapshotCollection>();
  const collections = header.collections.map((c) => {
    const entry: SnapshotCollection = { name: c.name, indexes: c.indexes, docs: [] };
    byName.set(c.name, entry);
    return entry;
  });
  for (let i = 1; i < values.length - 1; i++) {
    const chunk = values[i] as { op?: string; c?: string; docs?: Doc[] };
    const target = chunk.op === "docs" && typeof chunk.c === "string" ? byName.get(chunk.c) : undefined;
    if (!target || !Array.isArray(chunk.docs)) throw corrupt(file, `unexpected record #${i}`);
    for (const doc of chunk.docs) target.docs.push(doc);
  }
  let total = 0;
  for (const c of header.collections) {
    total += c.count;
    if (byName.get(c.name)?.docs.length !== c.count) throw corrupt(file, `document count of ${c.name} does not match`);
  }
  if (footer.docs !== total) throw corrupt(file, "document total does not match the footer");
  return { generation: header.generation, counters: header.counters, collections };
}
