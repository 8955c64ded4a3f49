import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/index.ts";
import { hashToken, LOGIN_SESSIONS_COLLECTION, LoginSessions, LoginThrottle } from "./sessions.ts";
import { Users } from "./users.ts";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "voltrate-sessions-"));
  store = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("LoginSessions", () => {
  it("opens a session with a random token, stores only its hash, and ends it", async () => {
    let now = new Date("2025-05-01T08:00:00Z");
    const users = new Users(store, { scrypt: { ln: 10, r: 8, p: 1 } });
    const user = await users.create("dana", "a long enough secret", "editor");
    const sessions = new LoginSessions(store, users, { ttlMs: 60_000, now: () => now });
    await sessions.init();

    const { token, expiresAt } = await sessions.create(user._id, "test agent");
    expect(token).toMatch(/^vs_[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.toISOString()).toBe("2025-05-01T08:01:00.000Z");
    const stored = await store.collection(LOGIN_SESSIONS_COLLECTION).find({});
    expect(stored.map((s) => s._id)).toEqual([hashToken(token)]);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect(await sessions.verify(token)).toMatchObject({
      keyId: user._id,
      userId: user._id,
      name: "dana",
      role: "editor",
      via: "session",
    });
    // Change one character (to a different one, whatever the token happens to end with).
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(await sessions.verify(tampered)).toBeNull();
    expect(await sessions.verify("garbage")).toBeNull();

    expect(await sessions.revoke(token)).toBe(true);
    expect(await sessions.verify(token)).toBeNull();

    const second = await sessions.create(user._id);
    now = new Date("2025-05-01T08:01:00Z");
    expect(await sessions.verify(second.token)).toBeNull();
    expect(await store.collection(LOGIN_SESSIONS_COLLECTION).countDocuments()).toBe(0);
  });

  it("stops a session as soon as its user is disabled, and follows role changes", async () => {
    const users = new Users(store, { scrypt: { ln: 10, r: 8, p: 1 } });
    const user = await users.create("erin", "a long enough secret", "viewer");
    const sessions = new LoginSessions(store, users);
    const { token } = await sessions.create(user._id);
    await users.setRole(user._id, "admin");
    expect((await sessions.verify(token))?.role).toBe("admin");
    await users.setDisabled(user._id, true);
    expect(await sessions.verify(token)).toBeNull();
    expect(await sessions.revokeAll(user._id)).toBe(1);
  });
});

describe("LoginThrottle", () => {
  it("allows 10 failures per user name in 15 minutes, then asks to wait", () => {
    let now = 0;
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 10; i++) {
      expect(throttle.retryAfter("Frank")).toBe(0);
      throttle.fail("Frank");
      now += 1000;
    }
    expect(throttle.retryAfter("frank")).toBe(15 * 60 - 10);
    expect(throttle.retryAfter("someone else")).toBe(0);
    now = 15 * 60 * 1000 + 1; // the first failure left the window
    expect(throttle.retryAfter("frank")).toBe(0);
  });

  it("clears a user's failures on success, and limits per client address across names", () => {
    const throttle = new LoginThrottle({ maxPerUser: 3, maxPerAddress: 5, now: () => 0 });
    throttle.fail("gina");
    throttle.fail("gina");
    throttle.succeed("gina");
    throttle.fail("gina");
    throttle.fail("gina");
    expect(throttle.retryAfter("gina")).toBe(0);
    for (const name of ["a", "b", "c", "d", "e"]) throttle.fail(name, "10.0.0.1");
    expect(throttle.retryAfter("new name", "10.0.0.1")).toBeGreaterThan(0);
    expect(throttle.retryAfter("new name", "10.0.0.2")).toBe(0);
  });
});
