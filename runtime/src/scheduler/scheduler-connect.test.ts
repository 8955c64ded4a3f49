import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../store/types.ts";
import { createScheduler, redactMongoUrl, SchedulerError } from "./scheduler.ts";
import { makeDataDir, openEmbeddedStore, removeDataDir, silent, sleep } from "./test-support.ts";

// Port 1 on loopback: nothing listens there, the connection is refused at once.
const UNREACHABLE = "mongodb://127.0.0.1:1/voltrate?serverSelectionTimeoutMS=500";

describe("a scheduler that cannot connect", () => {
  let dataDir: string;
  let store: Store;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason);
  };

  beforeEach(async () => {
    dataDir = await makeDataDir();
    store = await openEmbeddedStore(dataDir);
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });

  afterEach(async () => {
    process.off("unhandledRejection", onUnhandled);
    await store.close();
    await removeDataDir(dataDir);
  });

  it("rejects start() with an error naming the backend and the cause, and nothing goes unhandled", async () => {
    const scheduler = createScheduler({ store, mongodbUrl: UNREACHABLE, logger: silent, processEvery: 100 });
    scheduler.define("never", () => {});
    expect(scheduler.backend).toBe("mongodb");

    const error = await scheduler.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error).toMatchObject({ code: "SCHEDULER_CONNECT_FAILED" });
    const message = (error as Error).message;
    expect(message).toMatch(/mongodb backend/);
    expect(message).toContain("127.0.0.1:1");
    expect(message).toMatch(/ECONNREFUSED|Server selection timed out|connect/i);
    expect((error as Error).cause).toBeInstanceOf(Error);

    // Everything else that needs the backend fails the same way, and can be retried.
    await expect(scheduler.schedule(new Date(), "never", {})).rejects.toMatchObject({
      code: "SCHEDULER_CONNECT_FAILED",
    });
    await expect(scheduler.start()).rejects.toBeInstanceOf(SchedulerError);

    const state = scheduler.state();
    expect(state).toMatchObject({ backend: "mongodb", running: false, connected: false });
    expect(state.lastError).toContain("127.0.0.1:1");
    expect(typeof state.lastErrorAt).toBe("string");

    await scheduler.stop();
    await sleep(300);
    expect(unhandled).toEqual([]);
  });

  it("never puts a password in its messages", async () => {
    const url = "mongodb://billing:s3cr3t@127.0.0.1:1/voltrate?serverSelectionTimeoutMS=300";
    const scheduler = createScheduler({ store, mongodbUrl: url, logger: silent });
    const error = (await scheduler.start().catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("billing:***@127.0.0.1:1");
    expect(error.message).not.toContain("s3cr3t");
    expect(scheduler.state().lastError).not.toContain("s3cr3t");
    await scheduler.stop();
    expect(unhandled).toEqual([]);
  });

  it("redacts MongoDB URLs", () => {
    expect(redactMongoUrl("mongodb+srv://u:p@h.example/db")).toBe("mongodb+srv://u:***@h.example/db");
    expect(redactMongoUrl("mongodb://h:27017/db")).toBe("mongodb://h:27017/db");
    expect(redactMongoUrl("mongodb://u@h/db")).toBe("mongodb://u@h/db");
  });
});
