// User changes one at a time across processes: two UserAdmin instances on one embedded store stand in for two
// runtime processes sharing a MongoDB (each has its own memory; only the store is shared). Two admins demoting each
// other at the same moment must leave one admin; a lock left by a process that died is taken over when its lease ends.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/index.ts";
import { ADMIN_LOCK_COLLECTION, AdminChangeLock, AdminChangeLockTimeout } from "./admin-change-lock.ts";
import { LoginSessions } from "./sessions.ts";
import { UserAdmin, UserAdminError } from "./user-admin.ts";
import type { UserAuditActor } from "./user-audit.ts";
import { Users } from "./users.ts";

let dir: string;
let store: Store;
let users: Users;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "voltrate-admin-lock-"));
  store = await openStore({ dataDir: dir });
  users = new Users(store, { scrypt: { ln: 10, r: 8, p: 1 } });
  await users.init();
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function processOnTheStore(): UserAdmin {
  return new UserAdmin({ store, users, sessions: new LoginSessions(store, users) });
}

const actor = (id: string, name: string): UserAuditActor => ({ id: `user:${id}`, name, role: "admin", via: "studio" });

describe("user changes across processes", () => {
  it("two admins demoting each other at once leave exactly one admin", async () => {
    const ann = await users.create("ann", "a long enough password", "admin");
    const bob = await users.create("bob", "a long enough password", "admin");
    const first = processOnTheStore();
    const second = processOnTheStore();
    await Promise.all([first.init(), second.init()]);
    const outcomes = await Promise.allSettled([
      first.update(bob._id, { role: "editor" }, actor(ann._id, "ann")),
      second.update(ann._id, { role: "editor" }, actor(bob._id, "bob")),
    ]);
    // Whichever runs first demotes the other; the second then finds its own target the last admin.
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(UserAdminError);
    expect((refused.reason as UserAdminError).code).toBe("last-admin");
    const admins = (await users.list()).filter((u) => u.role === "admin" && !u.disabled);
    expect(admins).toHaveLength(1);
  });

  it("takes over a lock whose holder died once its lease has ended, and waits for a live one", async () => {
    const locks = store.collection(ADMIN_LOCK_COLLECTION);
    // A holder that died 40 s ago with a 30 s lease.
    await locks.insertOne({ _id: "user-changes", holder: "a dead process", until: new Date(Date.now() - 10_000) });
    const lock = new AdminChangeLock(store, { waitMs: 1_000 });
    expect(await lock.holding(async () => "ran")).toBe("ran");
    expect(await locks.findOne({ _id: "user-changes" })).toMatchObject({ holder: null, until: null });

    // A live holder (lease in the future) is waited for, and after the wait the change is refused, not run.
    await locks.updateOne(
      { _id: "user-changes" },
      { $set: { holder: "a live process", until: new Date(Date.now() + 60_000) } },
    );
    let ran = false;
    await expect(
      new AdminChangeLock(store, { waitMs: 300 }).holding(async () => {
        ran = true;
      }),
    ).rejects.toBeInstanceOf(AdminChangeLockTimeout);
    expect(ran).toBe(false);
  });
});
