// The data folder and the files the embedded engine keeps in it. Nothing else may live there: an
// unknown file means a wrong path or someone else's data, and the store refuses to guess.
import { constants, type Dirent } from "node:fs";
import { access, mkdir, open, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { StoreError } from "../types.ts";

export const LOCK_FILE = "store.lock";
export const SNAPSHOT_FILE = "snapshot.bin";
export const SNAPSHOT_TEMP_FILE = "snapshot.bin.tmp";
const JOURNAL_PATTERN = /^journal-(\d{8})\.log$/;

export function journalFileName(generation: number): string {
  return `journal-${String(generation).padStart(8, "0")}.log`;
}

export interface DataDirLayout {
  hasSnapshot: boolean;
  hasSnapshotTemp: boolean;
  /** Journal generations present, ascending. */
  journals: number[];
  /** Stale lock files moved aside by an interrupted takeover (safe to delete once locked). */
  lockLeftovers: string[];
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "a parent of it is not a directory";
  if (code === "EROFS") return "read-only file system";
  return (error as Error).message;
}

/** Makes sure `dataDir` is a usable directory (creating it if missing) and returns its absolute path. */
export async function prepareDataDir(dataDir: string): Promise<string> {
  if (typeof dataDir !== "string" || dataDir.length === 0) {
    throw new StoreError("DATA_DIR_UNUSABLE", "the embedded store needs a data folder path");
  }
  const dir = path.resolve(dataDir);
  try {
    const info = await stat(dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      await mkdir(dir, { recursive: true });
      return stat(dir);
    });
    if (!info.isDirectory()) {
      throw new StoreError("DATA_DIR_UNUSABLE", `data folder ${dir} is not a directory`);
    }
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return await realpath(dir);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError("DATA_DIR_UNUSABLE", `data folder ${dir} is unusable: ${describe(error)}`, { cause: error });
  }
}

/** Lists the folder, refusing anything that is not one of the store's own files. */
export async function scanDataDir(dir: string): Promise<DataDirLayout> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new StoreError("DATA_DIR_UNUSABLE", `cannot list data folder ${dir}: ${describe(error)}`, { cause: error });
  }
  const layout: DataDirLayout = { hasSnapshot: false, hasSnapshotTemp: false, journals: [], lockLeftovers: [] };
  const foreign: string[] = [];
  for (const entry of entries) {
    const match = JOURNAL_PATTERN.exec(entry.name);
    if (!entry.isFile()) foreign.push(`${entry.name}${entry.isDirectory() ? "/" : ""}`);
    else if (entry.name === LOCK_FILE) continue;
    else if (entry.name === SNAPSHOT_FILE) layout.hasSnapshot = true;
    else if (entry.name === SNAPSHOT_TEMP_FILE) layout.hasSnapshotTemp = true;
    else if (match?.[1]) layout.journals.push(Number(match[1]));
    else if (entry.name.startsWith(`${LOCK_FILE}.stale-`)) layout.lockLeftovers.push(entry.name);
    else foreign.push(entry.name);
  }
  if (foreign.length > 0) {
    throw new StoreError(
      "FOREIGN_FILE",
      `data folder ${dir} contains files that are not the store's: ${foreign.sort().join(", ")}` +
        " (wrong folder? the store only keeps store.lock, snapshot.bin and journal-*.log there)",
    );
  }
  layout.journals.sort((a, b) => a - b);
  return layout;
}

/** Makes a directory's entries (created, renamed, removed files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
