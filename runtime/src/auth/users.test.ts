import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/index.ts";
import {
  ADMIN_USERNAME,
  ensureAdminUser,
  hashPassword,
  parsePasswordHash,
  type ScryptParams,
  UserInputError,
  Users,
  verifyPassword,
} from "./users.ts";

/** Cheap parameters: the tests check behaviour, not cost. */
const cheap: ScryptParams = { ln: 10, r: 8, p: 1 };

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "voltrate-users-"));
  store = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("password hashes", () => {
  it("are salted scrypt with their parameters in the hash", async () => {
    const a = await hashPassword("correct horse battery", cheap);
    const b = await hashPassword("correct horse battery", cheap);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    const parsed = parsePasswordHash(a)!;
    expect(parsed.params).toEqual(cheap);
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.key).toHaveLength(32);
  });

  it("verify the right password only, and say when the parameters are weaker than current", async () => {
    const stored = await hashPassword("correct horse battery", cheap);
    expect(await verifyPassword("correct horse battery", stored, cheap)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("correct horse batterY", stored, cheap)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword("correct horse battery", stored, { ...cheap, ln: 11 })).toEqual({
      ok: true,
      needsRehash: true,
    });
    expect(await verifyPassword("x", "not a hash")).toEqual({ ok: false, needsRehash: false });
    // Absurd parameters in a stored hash are not run.
    expect(parsePasswordHash(stored.replace("ln=10", "ln=30"))).toBeNull();
  });

  it("use OWASP's scrypt cost by default", async () => {
    expect(parsePasswordHash(await hashPassword("correct horse battery"))!.params).toEqual({ ln: 17, r: 8, p: 1 });
  });
});

describe("Users", () => {
  it("creates users with a role and signs them in by name (any case) and password", async () => {
    const users = new Users(store, { scrypt: cheap });
    await users.init();
    const created = await users.create("Alice", "a long enough secret", "editor");
    expect(created).toMatchObject({ username: "Alice", usernameKey: "alice", role: "editor", disabledAt: null });
    expect(created.passwordHash).not.toContain("secret");

    const signedIn = await users.authenticate("ALICE", "a long enough secret");
    expect(signedIn?._id).toBe(created._id);
    expect(signedIn?.lastLoginAt).toBeInstanceOf(Date);
    expect(await users.authenticate("alice", "a long enough secreT")).toBeNull();
    expect(await users.authenticate("bob", "a long enough secret")).toBeNull();

    await expect(users.create("alice", "another long secret", "viewer")).rejects.toThrow(/duplicate/);
    expect((await users.list()).map((u) => [u.username, u.role, u.disabled])).toEqual([["Alice", "editor", false]]);
  });

  it("refuses short passwords, bad names and unknown roles", async () => {
    const users = new Users(store, { scrypt: cheap });
    await expect(users.create("bob", "short", "viewer")).rejects.toThrow(UserInputError);
    await expect(users.create("bob", "short", "viewer")).rejects.toThrow(/at least 12 characters/);
    await expect(users.create("bob smith", "long enough password", "viewer")).rejects.toThrow(/user name/);
    await expect(users.create("bob", "long enough password", "owner" as never)).rejects.toThrow(/role/);
  });

  it("does not sign in a disabled user, and rehashes a weaker hash at sign-in", async () => {
    const weak = new Users(store, { scrypt: cheap });
    await weak.init();
    const user = await weak.create("carol", "a long enough secret", "viewer");
    const stronger = new Users(store, { scrypt: { ...cheap, ln: 11 } });
    await stronger.authenticate("carol", "a long enough secret");
    expect(parsePasswordHash((await stronger.get(user._id))!.passwordHash)!.params.ln).toBe(11);

    await stronger.setDisabled(user._id, true);
    expect(await stronger.authenticate("carol", "a long enough secret")).toBeNull();
    await stronger.setDisabled(user._id, false);
    expect(await stronger.authenticate("carol", "a long enough secret")).not.toBeNull();
  });
});

describe("ensureAdminUser", () => {
  it("generates a password for a first admin once, and keeps only its hash", async () => {
    const first = await ensureAdminUser(store, undefined, { scrypt: cheap });
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const users = new Users(store, { scrypt: cheap });
    expect((await users.authenticate(ADMIN_USERNAME, first.generatedPassword!))?.role).toBe("admin");
    expect(JSON.stringify(await store.collection("users").find({}))).not.toContain(first.generatedPassword);

    expect(await ensureAdminUser(store, undefined, { scrypt: cheap })).toEqual({});
  });

  it("uses a configured password, and restores it (and the admin role) at the next start", async () => {
    expect(await ensureAdminUser(store, "configured admin pw", { scrypt: cheap })).toEqual({});
    const users = new Users(store, { scrypt: cheap });
    const admin = (await users.authenticate("admin", "configured admin pw"))!;
    expect(admin.role).toBe("admin");

    await users.setPassword(admin._id, "changed in between");
    await users.setRole(admin._id, "viewer");
    await users.setDisabled(admin._id, true);
    expect(await ensureAdminUser(store, "configured admin pw", { scrypt: cheap })).toEqual({});
    expect((await users.authenticate("admin", "configured admin pw"))?.role).toBe("admin");

    await expect(ensureAdminUser(store, "short", { scrypt: cheap })).rejects.toThrow(
      /^VOLTRATE_ADMIN_PASSWORD: a password needs at least 12 characters$/,
    );
  });

  it("gives the admin user a new password when no enabled admin is left", async () => {
    await ensureAdminUser(store, "configured admin pw", { scrypt: cheap });
    const users = new Users(store, { scrypt: cheap });
    const admin = (await users.findByUsername("admin"))!;
    await users.setDisabled(admin._id, true);
    const { generatedPassword } = await ensureAdminUser(store, undefined, { scrypt: cheap });
    expect(generatedPassword).toBeDefined();
    expect(await users.authenticate("admin", generatedPassword!)).not.toBeNull();
  });
});
