// Master data on real components for tests: the embedded store in a temporary folder, a clock the test moves, and
// (for the REST tests) the HTTP app with API keys per role.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Role, Store } from "@voltrate/sdk";
import { pino } from "pino";
import { afterEach, beforeEach } from "vitest";
import { ApiKeys } from "../auth/api-keys.ts";
import { type App, createApp } from "../http/app.ts";
import { masterDataRoutes } from "../http/routes/master-data.ts";
import { openStore } from "../store/index.ts";
import { type Basics, createBasics } from "./fixtures.ts";
import type { Actor } from "./model.ts";
import { createMasterData, type MasterData } from "./service.ts";

/** A clock that stands still until the test moves it. */
export class TestClock {
  private current: Date;
  constructor(start: string) {
    this.current = new Date(start);
  }
  now = (): Date => new Date(this.current.getTime());
  set(at: string): void {
    this.current = new Date(at);
  }
  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}

export const testActor: Actor = { id: "test", name: "test suite", via: "system" };

export interface MasterDataTestContext {
  store: Store;
  md: MasterData;
  clock: TestClock;
  dataDir: string;
  close(): Promise<void>;
}

export async function openTestMasterData(
  options: { clock?: TestClock; dataDir?: string } = {},
): Promise<MasterDataTestContext> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "voltrate-master-data-"));
  const clock = options.clock ?? new TestClock("2026-03-01T12:00:00Z");
  const store = await openStore({ dataDir });
  const md = createMasterData(store, { now: clock.now });
  await md.ensureIndexes();
  return {
    store,
    md,
    clock,
    dataDir,
    async close() {
      await store.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What every test of a file starts from: a fresh store with the basics of fixtures.ts. */
export interface MasterDataWithBasics {
  /** Replaceable by a test that closes the store itself (its `close` is what runs after the test). */
  ctx: MasterDataTestContext;
  basics: Basics;
}

/**
 * Registers the file's hooks: before each test, master data on a fresh store with the basics (an administration, a
 * CPO, a driver with a contract and a card); after it, the store closed and removed. The fields are set by the first
 * hook.
 */
export function useMasterDataWithBasics(): MasterDataWithBasics {
  const world = {} as MasterDataWithBasics;
  beforeEach(async () => {
    world.ctx = await openTestMasterData();
    world.basics = await createBasics(world.ctx.md, testActor);
  });
  afterEach(async () => {
    await world.ctx.close();
  });
  return world;
}

export interface MasterDataApiContext extends MasterDataTestContext {
  app: App;
  /** `app.request` with a JSON body and `Authorization: Bearer <key of role>` when a role is given. */
  call(method: string, pathname: string, options?: { role?: Role; body?: unknown; raw?: string }): Promise<Response>;
}

export async function startMasterDataApi(options: { clock?: TestClock } = {}): Promise<MasterDataApiContext> {
  const context = await openTestMasterData(options);
  const apiKeys = new ApiKeys(context.store);
  await apiKeys.init();
  const app = createApp({ logger: pino({ level: "silent" }), routes: [masterDataRoutes(context.md, apiKeys)] });
  const keys = new Map<Role, string>();
  const keyFor = async (role: Role) => {
    let key = keys.get(role);
    if (!key) {
      key = (await apiKeys.create(`test ${role}`, role)).key;
      keys.set(role, key);
    }
    return key;
  };
  return {
    ...context,
    app,
    async call(method, pathname, { role, body, raw } = {}) {
      const headers = new Headers();
      if (role) headers.set("Authorization", `Bearer ${await keyFor(role)}`);
      if (body !== undefined || raw !== undefined) headers.set("Content-Type", "application/json");
      return app.request(pathname, {
        method,
        headers,
        ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    },
  };
}
