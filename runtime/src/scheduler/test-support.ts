// Shared by the scheduler tests: temp data folders, the real embedded store, polling helpers.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { openStore } from "../store/index.ts";
import type { Store } from "../store/types.ts";

export const silent = pino({ level: "silent" });

/** Set to run the MongoDB variants (a throwaway database: the tests create and drop collections). */
export const MONGODB_URL = process.env.VOLTRATE_TEST_MONGODB_URL;

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "voltrate-scheduler-"));
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function openEmbeddedStore(dataDir: string): Promise<Store> {
  return openStore({ dataDir, logger: silent });
}

export function openMongoStore(dataDir: string, mongodbUrl: string): Promise<Store> {
  return openStore({ dataDir, mongodbUrl, logger: silent });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** How often the schedulers under test look for due jobs (ms). */
export const PROCESS_EVERY = 100;

/** The backends the scheduler tests run on; the MongoDB one only when VOLTRATE_TEST_MONGODB_URL is set (else skipped). */
export const BACKENDS: { backend: "embedded" | "mongodb"; mongodbUrl?: string | undefined }[] = [
  { backend: "embedded" },
  { backend: "mongodb", mongodbUrl: MONGODB_URL },
];
