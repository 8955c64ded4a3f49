// Test helpers for the store: temporary folders, child Node processes, a log recorder.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { StoreLogger } from "../logger.ts";

export const WORKERS = path.join(import.meta.dirname, "workers");

const created: string[] = [];

export async function tempDir(prefix = "voltrate-store-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}

export interface WorkerUser {
  uid: number;
  gid: number;
}

/**
 * Starts `node --no-node-snapshot <worker>.ts ...args` (Node runs the TypeScript directly). With `user`, the
 * worker starts as the current user and switches to that user once its modules are loaded (workers/run-as.ts):
 * the project's files may lie in a folder only the current user can read, as a fresh clone in a private
 * temporary folder does.
 */
export function spawnWorker(worker: string, args: string[], user?: WorkerUser): ChildProcess {
  return spawn(process.execPath, ["--no-node-snapshot", path.join(WORKERS, worker), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...(user ? { VOLTRATE_TEST_RUN_AS: `${user.uid}:${user.gid}` } : {}) },
  });
}

/** Runs a worker to completion and returns its stdout. */
export function runWorker(
  worker: string,
  args: string[],
  user?: WorkerUser,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawnWorker(worker, args, user);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

export interface RecordedLog {
  level: "info" | "warn" | "error";
  msg: string;
  obj: object;
}

export function recordingLogger(): StoreLogger & { entries: RecordedLog[] } {
  const entries: RecordedLog[] = [];
  const log = (level: RecordedLog["level"]) => (obj: object, msg?: string) => {
    entries.push({ level, obj, msg: msg ?? "" });
  };
  return { entries, info: log("info"), warn: log("warn"), error: log("error") };
}
