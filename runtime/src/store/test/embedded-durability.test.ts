// Durability and failure handling of the embedded engine: restart, snapshots and compaction, torn and
// corrupt files, foreign files, unusable folders, the folder lock, group commit.
import { appendFile, chmod, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedStore, type EmbeddedStoreOptions } from "../embedded/embedded-store.ts";
import { encodeRecord } from "../embedded/framing.ts";
import { DuplicateKeyError, StoreError } from "../types.ts";
import { recordingLogger, removeTempDirs, runWorker, tempDir } from "./helpers.ts";

afterAll(removeTempDirs);

function open(dataDir: string, options: Partial<EmbeddedStoreOptions> = {}): Promise<EmbeddedStore> {
  return EmbeddedStore.open({ dataDir, ...options });
}

async function openError(dataDir: string, options: Partial<EmbeddedStoreOptions> = {}): Promise<StoreError> {
  try {
    const store = await open(dataDir, options);
    await store.close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error(`expected opening ${dataDir} to fail`);
}

async function journals(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith("journal-")).sort();
}

/** A store with some of everything: documents with Dates, a unique index, a counter. */
async function populate(store: EmbeddedStore): Promise<void> {
  const sessions = store.collection("sessions");
  await sessions.createIndex({ key: { ref: 1 }, unique: true });
  await sessions.insertMany([
    { _id: "s1", ref: "R1", kwh: 10, at: new Date("2025-01-01T00:00:00.000Z") },
    { _id: "s2", ref: "R2", kwh: 20, at: new Date("2025-01-02T00:00:00.000Z") },
  ]);
  await sessions.updateOne({ _id: "s1" }, { $inc: { kwh: 5 }, $set: { closed: true } });
  await sessions.deleteOne({ _id: "s2" });
  await store.collection("empty").createIndex({ key: { a: 1, b: -1 }, name: "ab" });
  await store.nextSequence("invoice");
  await store.nextSequence("invoice", 4);
}

async function expectPopulated(store: EmbeddedStore): Promise<void> {
  const sessions = store.collection("sessions");
  expect(await sessions.find({})).toEqual([
    { _id: "s1", ref: "R1", kwh: 15, at: new Date("2025-01-01T00:00:00.000Z"), closed: true },
  ]);
  const duplicate = await sessions.insertOne({ ref: "R1" }).catch((error: unknown) => error);
  expect(duplicate).toBeInstanceOf(DuplicateKeyError);
  expect(await sessions.createIndex({ key: { ref: 1 }, unique: true })).toBe("ref_1");
  expect(await store.listCollections()).toEqual(["empty", "sessions"]);
  expect(await store.nextSequence("invoice")).toBe(6);
}

describe("embedded store: restart", () => {
  it("keeps documents, indexes and counters across close and reopen (via snapshot)", async () => {
    const dir = await tempDir();
    const first = await open(dir);
    await populate(first);
    await first.close();
    expect(await journals(dir)).toHaveLength(1);
    expect((await stat(path.join(dir, "snapshot.bin"))).size).toBeGreaterThan(0);
    const second = await open(dir);
    await expectPopulated(second);
    await second.close();
  });

  it("keeps everything when only the journal holds it (no snapshot on close)", async () => {
    const dir = await tempDir();
    const first = await open(dir, { snapshotOnClose: false });
    await populate(first);
    await first.close();
    await expect(stat(path.join(dir, "snapshot.bin"))).rejects.toThrow();
    const second = await open(dir, { snapshotOnClose: false });
    await expectPopulated(second);
    await second.close();
  });

  it("snapshots and compacts when the journal passes the threshold, and reopens with everything", async () => {
    const dir = await tempDir();
    const store = await open(dir, { compactionThresholdBytes: 8 * 1024, snapshotOnClose: false });
    const c = store.collection("bulk");
    await c.createIndex({ key: { n: 1 }, unique: true });
    for (let i = 0; i < 300; i++) await c.insertOne({ n: i, text: "y".repeat(100) });
    await c.updateMany({ n: { $lt: 100 } }, { $set: { low: true } });
    expect(store.stats.snapshots).toBeGreaterThan(2);
    await store.close();
    expect((await journals(dir)).length).toBeLessThanOrEqual(2);
    const reopened = await open(dir);
    const bulk = reopened.collection("bulk");
    expect(await bulk.countDocuments()).toBe(300);
    expect(await bulk.countDocuments({ low: true })).toBe(100);
    await expect(bulk.insertOne({ n: 5 })).rejects.toBeInstanceOf(DuplicateKeyError);
    await reopened.close();
  });

  it("snapshots documents as they are now: updated, deleted and Date-holding documents after several snapshots", async () => {
    const dir = await tempDir();
    const store = await open(dir, { snapshotOnClose: false });
    const c = store.collection("changing");
    // Documents with and without Dates in one write: their texts are made once and reused by every snapshot.
    await c.insertMany([
      { _id: "a", v: 1 },
      { _id: "b", v: 1, at: new Date("2025-03-01T10:00:00Z") },
      { _id: "c", v: 1 },
    ]);
    await store.compact();
    await c.updateOne({ _id: "a" }, { $set: { v: 2, at: new Date("2025-03-02T10:00:00Z") } });
    await c.updateOne({ _id: "b" }, { $set: { v: 2 } });
    await c.deleteOne({ _id: "c" });
    await store.compact();
    await c.insertOne({ _id: "d", v: 1 });
    await store.compact();
    await store.close();
    const reopened = await open(dir);
    const docs = await reopened.collection("changing").find({}, { sort: { _id: 1 } });
    expect(docs).toEqual([
      { _id: "a", v: 2, at: new Date("2025-03-02T10:00:00Z") },
      { _id: "b", v: 2, at: new Date("2025-03-01T10:00:00Z") },
      { _id: "d", v: 1 },
    ]);
    expect(docs[0]?.at).toBeInstanceOf(Date);
    await reopened.close();
  });

  it("removes an unfinished snapshot left by an interrupted compaction", async () => {
    const dir = await tempDir();
    const first = await open(dir);
    await populate(first);
    await first.close();
    await writeFile(path.join(dir, "snapshot.bin.tmp"), "half a snapshot");
    const logger = recordingLogger();
    const second = await open(dir, { logger });
    await expectPopulated(second);
    await second.close();
    expect(logger.entries.some((e) => e.level === "warn" && e.msg.includes("unfinished snapshot"))).toBe(true);
    expect(await readdir(dir)).not.toContain("snapshot.bin.tmp");
  });

  it("rejects operations after close", async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await store.close();
    await store.close();
    const error = await store
      .collection("x")
      .findOne({})
      .catch((e: unknown) => e);
    expect((error as StoreError).code).toBe("CLOSED");
  });
});

describe("embedded store: damaged files", () => {
  async function journalOnlyStore(): Promise<{ dir: string; file: string }> {
    const dir = await tempDir();
    const store = await open(dir, { snapshotOnClose: false });
    const c = store.collection("c");
    for (let i = 0; i < 5; i++) await c.insertOne({ _id: `d${i}`, i });
    await store.close();
    const [name] = await journals(dir);
    return { dir, file: path.join(dir, name as string) };
  }

  it("drops a torn last record (garbage half-record at the end), logs it and keeps going", async () => {
    const { dir, file } = await journalOnlyStore();
    const goodSize = (await stat(file)).size;
    const record = encodeRecord({ op: "w", c: "c", put: [{ _id: "torn", i: 99 }] }, false);
    await appendFile(file, record.subarray(0, Math.floor(record.length / 2)));
    const logger = recordingLogger();
    const store = await open(dir, { logger, snapshotOnClose: false });
    const warning = logger.entries.find((e) => e.level === "warn" && e.msg.includes("torn"));
    expect(warning?.obj).toMatchObject({ file, offset: goodSize });
    expect(await store.collection("c").countDocuments()).toBe(5);
    expect(await store.collection("c").findOne({ _id: "torn" })).toBeNull();
    expect((await stat(file)).size).toBe(goodSize);
    await store.collection("c").insertOne({ _id: "after", i: 6 });
    await store.close();
    const again = await open(dir);
    expect(await again.collection("c").countDocuments()).toBe(6);
    await again.close();
  });

  it("drops random garbage at the end of the journal", async () => {
    const { dir, file } = await journalOnlyStore();
    await appendFile(file, Buffer.from([0x56, 0x52, 0x4a, 0x31, 0xff, 0xff, 0, 0, 1, 2, 3]));
    const store = await open(dir);
    expect(await store.collection("c").countDocuments()).toBe(5);
    await store.close();
  });

  it("refuses a journal with a damaged record in the middle", async () => {
    const { dir, file } = await journalOnlyStore();
    const buf = await readFile(file);
    buf[20] = (buf[20] as number) ^ 0xff; // inside the first record's payload
    await writeFile(file, buf);
    const error = await openError(dir);
    expect(error.code).toBe("CORRUPT_JOURNAL");
    expect(error.message).toContain(file);
    expect(error.message).toContain("byte 0");
  });

  it("refuses a journal sequence with a missing generation", async () => {
    const { dir } = await journalOnlyStore();
    await writeFile(path.join(dir, "journal-00000003.log"), "");
    const error = await openError(dir);
    expect(error.code).toBe("CORRUPT_JOURNAL");
    expect(error.message).toContain("journal-00000002.log");
  });

  it("refuses a damaged snapshot", async () => {
    const dir = await tempDir();
    const first = await open(dir);
    await populate(first);
    await first.close();
    const file = path.join(dir, "snapshot.bin");
    const buf = await readFile(file);
    buf[Math.floor(buf.length / 2)] = (buf[Math.floor(buf.length / 2)] as number) ^ 0x01;
    await writeFile(file, buf);
    const error = await openError(dir);
    expect(error.code).toBe("CORRUPT_SNAPSHOT");
    expect(error.message).toContain(file);
  });

  it("refuses a truncated snapshot", async () => {
    const dir = await tempDir();
    const first = await open(dir);
    await populate(first);
    await first.close();
    const file = path.join(dir, "snapshot.bin");
    const buf = await readFile(file);
    await writeFile(file, buf.subarray(0, buf.length - 10));
    const error = await openError(dir);
    expect(error.code).toBe("CORRUPT_SNAPSHOT");
  });
});

describe("embedded store: the data folder", () => {
  it("refuses a folder with foreign files, naming them", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "notes.txt"), "hello");
    await mkdir(path.join(dir, "backup"));
    const error = await openError(dir);
    expect(error.code).toBe("FOREIGN_FILE");
    expect(error.message).toContain(dir);
    expect(error.message).toContain("notes.txt");
    expect(error.message).toContain("backup/");
    // The refused open released the lock: after cleaning up, the folder opens.
    await rm(path.join(dir, "notes.txt"));
    await rm(path.join(dir, "backup"), { recursive: true });
    const store = await open(dir);
    await store.close();
  });

  it("creates a missing folder", async () => {
    const dir = path.join(await tempDir(), "nested", "data");
    const store = await open(dir);
    await store.collection("a").insertOne({ x: 1 });
    await store.close();
    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it("refuses a path that is a regular file", async () => {
    const file = path.join(await tempDir(), "not-a-folder");
    await writeFile(file, "x");
    const error = await openError(file);
    expect(error.code).toBe("DATA_DIR_UNUSABLE");
    expect(error.message).toContain(file);
    expect(error.message).toContain("not a directory");
  });

  it("refuses a path below a regular file", async () => {
    const file = path.join(await tempDir(), "plain-file");
    await writeFile(file, "x");
    const error = await openError(path.join(file, "data"));
    expect(error.code).toBe("DATA_DIR_UNUSABLE");
    expect(error.message).toContain("not a directory");
  });

  // Permission bits do not bind root, and tests often run as root in containers: then the open is
  // attempted by a child process running as the unprivileged user "nobody" (65534).
  it.each([
    ["no permissions (000)", 0o000],
    ["read-only permissions (555)", 0o555],
  ])("refuses a data folder with %s", async (_label, mode) => {
    const parent = await tempDir();
    await chmod(parent, 0o755);
    const dir = path.join(parent, "data");
    await mkdir(dir);
    await chmod(dir, mode);
    try {
      let code: string | undefined;
      let message = "";
      if (process.getuid?.() === 0) {
        const { stdout, stderr } = await runWorker("open-store.ts", [dir], { uid: 65534, gid: 65534 });
        const result = JSON.parse(stdout.trim() || JSON.stringify({ code: "NO_OUTPUT", message: stderr })) as {
          code?: string;
          message?: string;
        };
        code = result.code;
        message = result.message ?? "";
      } else {
        const error = await openError(dir);
        code = error.code;
        message = error.message;
      }
      expect(code).toBe("DATA_DIR_UNUSABLE");
      expect(message).toContain(dir);
      expect(message).toContain("permission denied");
    } finally {
      await chmod(dir, 0o700);
    }
  });
});

describe("embedded store: lock", () => {
  it("refuses a second open of the same folder in this process", async () => {
    const dir = await tempDir();
    const store = await open(dir);
    const error = await openError(dir);
    expect(error.code).toBe("LOCKED");
    expect(error.message).toContain(String(process.pid));
    await store.close();
    const again = await open(dir);
    await again.close();
  });

  it("refuses an open from another process while open, naming folder and pid", async () => {
    const dir = await realpath(await tempDir());
    const store = await open(dir);
    const { stdout } = await runWorker("open-store.ts", [dir]);
    const result = JSON.parse(stdout.trim()) as { ok: boolean; code?: string; message?: string };
    expect(result.ok).toBe(false);
    expect(result.code).toBe("LOCKED");
    expect(result.message).toContain(dir);
    expect(result.message).toContain(String(process.pid));
    await store.close();
    const later = JSON.parse((await runWorker("open-store.ts", [dir])).stdout.trim()) as { ok: boolean };
    expect(later.ok).toBe(true);
  });

  it("takes over a stale lock left by a dead process", async () => {
    const dir = await tempDir();
    const { stdout } = await runWorker("open-store.ts", [dir]);
    const deadPid = (JSON.parse(stdout.trim()) as { pid: number }).pid;
    await writeFile(path.join(dir, "store.lock"), JSON.stringify({ pid: deadPid, token: "old" }));
    const logger = recordingLogger();
    const store = await open(dir, { logger });
    expect(logger.entries.some((e) => e.msg.includes("stale lock"))).toBe(true);
    await store.close();
  });
});

describe("embedded store: binary values on disk", () => {
  it("come back from the journal and from a snapshot byte for byte, written without JSON string escaping", async () => {
    const dir = await tempDir();
    const text = JSON.stringify({ trace: [{ message: 'a "quoted" word' }] });
    const bytes = new Uint8Array(Buffer.from(text, "utf8"));
    const store = await open(dir, { snapshotOnClose: false });
    await store.collection("revisions").insertOne({ _id: "r1", body: bytes, at: new Date("2025-03-01T10:00:00Z") });
    await store.close();
    // In the journal as EJSON binary: base64, so the JSON text is not escaped into the record.
    const journal = await readFile(path.join(dir, (await journals(dir))[0] as string));
    expect(journal.includes(Buffer.from(Buffer.from(text).toString("base64")))).toBe(true);
    expect(journal.includes(Buffer.from('\\"quoted\\"'))).toBe(false);
    const check = async (store: EmbeddedStore) => {
      const doc = (await store.collection("revisions").findOne({ _id: "r1" })) as unknown as {
        body: Uint8Array;
        at: Date;
      };
      expect(doc.body).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(doc.body).toString("utf8")).toBe(text);
      expect(doc.at).toEqual(new Date("2025-03-01T10:00:00Z"));
    };
    const fromJournal = await open(dir);
    await check(fromJournal);
    await fromJournal.close(); // writes a snapshot
    const fromSnapshot = await open(dir);
    expect(fromSnapshot.stats.journalBytes).toBe(0);
    await check(fromSnapshot);
    await fromSnapshot.close();
  });
});

describe("embedded store: group commit", () => {
  it("acknowledges concurrent writes with far fewer fsyncs than writes", async () => {
    const dir = await tempDir();
    const store = await open(dir);
    const c = store.collection("gc");
    const before = store.stats.syncs;
    await Promise.all(Array.from({ length: 500 }, (_, i) => c.insertOne({ i })));
    const syncs = store.stats.syncs - before;
    expect(await c.countDocuments()).toBe(500);
    expect(syncs).toBeLessThan(50);
    await store.close();
  });

  it("makes the writes of inOrder durable with one journal sync, and replays them in order", async () => {
    const dir = await tempDir();
    const store = await open(dir, { snapshotOnClose: false });
    const sessions = store.collection("sessions");
    const revisions = store.collection("revisions");
    await sessions.insertOne({ _id: "s", current: null });
    // One at a time, each write waits for its own sync: 3 writes, 3 syncs.
    let before = store.stats.syncs;
    await revisions.insertOne({ _id: "r1" });
    await revisions.insertOne({ _id: "r2" });
    await sessions.updateOne({ _id: "s" }, { $set: { current: "r2" } });
    expect(store.stats.syncs - before).toBe(3);
    // In order: applied one after the other, one sync for the three.
    before = store.stats.syncs;
    await store.inOrder(
      () => revisions.insertOne({ _id: "r3" }),
      () => revisions.insertOne({ _id: "r4" }),
      () => sessions.updateOne({ _id: "s" }, { $set: { current: "r4" } }),
    );
    expect(store.stats.syncs - before).toBe(1);
    await store.close();
    // No snapshot on close: the journal alone brings back every write.
    const reopened = await open(dir);
    expect(await reopened.collection("sessions").findOne({ _id: "s" })).toEqual({ _id: "s", current: "r4" });
    expect((await reopened.collection("revisions").find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual([
      "r1",
      "r2",
      "r3",
      "r4",
    ]);
    await reopened.close();
  });
});
