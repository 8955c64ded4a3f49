// Exclusive ownership of a data folder: a lock file created with O_EXCL holding the owner's pid.
// A lock left by a dead process is taken over; a live owner (another process, or another store in
// this process) makes the open fail with LOCKED.
import { randomBytes } from "node:crypto";
import { type FileHandle, link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import type { StoreLogger } from "../logger.ts";
import { StoreError } from "../types.ts";
import { LOCK_FILE } from "./data-dir.ts";

/** Folders locked by stores of this process (a lock file naming our own pid is stale unless listed). */
const heldHere = new Set<string>();

/** An unreadable lock file younger than this is assumed to be mid-creation by its owner. */
const FRESH_LOCK_MS = 10_000;

interface LockContent {
  pid: number;
  token: string;
  host?: string;
  since?: string;
}

export interface DirLock {
  readonly file: string;
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parse(text: string): LockContent | null {
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    if (typeof value.pid === "number" && typeof value.token === "string") return value as LockContent;
  } catch {}
  return null;
}

function lockedError(dir: string, pid: number | null): StoreError {
  const owner = pid === null ? "another process (lock being created)" : `process ${pid}`;
  return new StoreError("LOCKED", `data folder ${dir} is in use by ${owner}; only one process may open it`);
}

async function tryCreate(file: string, content: LockContent): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(file, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(content)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** Throws LOCKED if the existing lock's owner is alive; otherwise moves the stale lock out of the way. */
async function checkExisting(dir: string, file: string, logger: StoreLogger): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // released meanwhile: retry
    throw error;
  }
  const owner = parse(text);
  if (owner === null) {
    const age = await stat(file).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age < FRESH_LOCK_MS) throw lockedError(dir, null);
  } else if (owner.pid !== process.pid && isAlive(owner.pid)) {
    // (Our own pid here is a previous incarnation's: this process reserved the folder before looking.)
    throw lockedError(dir, owner.pid);
  }
  // Stale. Move it aside atomically; if what we moved is not what we judged stale, someone else
  // took the lock in between: put theirs back and report it.
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved !== text) {
    await link(aside, file).catch(() => {});
    await unlink(aside).catch(() => {});
    throw lockedError(dir, parse(moved)?.pid ?? null);
  }
  await unlink(aside);
  logger.warn({ dir, stalePid: owner?.pid ?? null }, "store: took over a stale lock left by a process that is gone");
}

export async function acquireLock(dir: string, logger: StoreLogger): Promise<DirLock> {
  const file = path.join(dir, LOCK_FILE);
  const content: LockContent = {
    pid: process.pid,
    token: randomBytes(8).toString("hex"),
    host: hostname(),
    since: new Date().toISOString(),
  };
  if (heldHere.has(dir)) throw lockedError(dir, process.pid);
  heldHere.add(dir); // reserved synchronously, so two stores of this process cannot race for it
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await tryCreate(file, content)) {
        return { file, release: () => releaseLock(dir, file, content.token) };
      }
      await checkExisting(dir, file, logger);
    }
  } catch (error) {
    heldHere.delete(dir);
    if (error instanceof StoreError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
    throw new StoreError("DATA_DIR_UNUSABLE", `cannot lock data folder ${dir}: ${problem}`, { cause: error });
  }
  heldHere.delete(dir);
  throw new StoreError("LOCKED", `could not lock data folder ${dir}: the lock file keeps changing`);
}

async function releaseLock(dir: string, file: string, token: string): Promise<void> {
  if (!heldHere.has(dir)) return;
  heldHere.delete(dir);
  const current = parse(await readFile(file, "utf8").catch(() => ""));
  if (current?.token === token) await unlink(file).catch(() => {});
}
