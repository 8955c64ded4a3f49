// User management over real HTTP (a listening server, fetch): admins list, create, change and reset users; the rules
// that keep the studio manageable (own account, last active admin) and unique user names answer 409; every change
// ends the account's sessions and is in its audit trail; signed-in users change their own password.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAdaptorServer, type ServerType } from "@hono/node-server";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../http/app.ts";
import { authRoutes } from "../http/routes/auth.ts";
import { userRoutes } from "../http/routes/users.ts";
import { openStore, type Store } from "../store/index.ts";
import { ApiKeys } from "./api-keys.ts";
import { acceptLoginSessions, LoginSessions, SESSION_COOKIE } from "./sessions.ts";
import { UserAdmin } from "./user-admin.ts";
import { Users } from "./users.ts";

// biome-ignore lint/suspicious/noExplicitAny: response JSON is inspected field by field.
type Json = any;

const PASSWORD = "a long enough secret";

let dir: string;
let store: Store;
let server: ServerType;
let base: string;
let users: Users;
let adminKey: string;
let rootId: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "voltrate-users-http-"));
  store = await openStore({ dataDir: dir });
  const apiKeys = new ApiKeys(store);
  await apiKeys.init();
  users = new Users(store, { scrypt: { ln: 10, r: 8, p: 1 } });
  await users.init();
  const sessions = new LoginSessions(store, users);
  await sessions.init();
  acceptLoginSessions(apiKeys, sessions);
  const admin = new UserAdmin({ store, users, sessions });
  await admin.init();
  rootId = (await users.create("root", PASSWORD, "admin"))._id;
  await users.create("vera", PASSWORD, "viewer");
  await users.create("ed", PASSWORD, "editor");
  adminKey = (await apiKeys.create("ops", "admin")).key;
  const app = createApp({
    logger: pino({ level: "silent" }),
    routes: [authRoutes({ users, sessions, apiKeys }), userRoutes({ admin, apiKeys })],
  });
  server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

interface As {
  cookie?: string;
  key?: string;
}

async function call(method: string, url: string, as: As = {}, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (as.cookie) headers.Cookie = as.cookie;
  if (as.key) headers.Authorization = `Bearer ${as.key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(`${base}${url}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** Signs in; the session cookie, or the failed response's status. */
async function signIn(username: string, password = PASSWORD): Promise<{ cookie?: string; status: number }> {
  const res = await call("POST", "/api/v1/auth/login", {}, { username, password });
  const value = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(res.headers.get("Set-Cookie") ?? "")?.[1];
  await res.body?.cancel();
  return value ? { cookie: `${SESSION_COOKIE}=${value}`, status: res.status } : { status: res.status };
}

async function cookieOf(username: string, password = PASSWORD): Promise<string> {
  const { cookie, status } = await signIn(username, password);
  if (!cookie) throw new Error(`${username} could not sign in (${status})`);
  return cookie;
}

const json = async (res: Response): Promise<Json> => res.json();
const stillSignedIn = async (cookie: string) => (await call("GET", "/api/v1/auth/me", { cookie })).status === 200;
const idOf = async (username: string) => (await users.findByUsername(username))!._id;

describe("GET /api/v1/users", () => {
  it("lists users for admins, in name order, never with a password hash", async () => {
    const root = await cookieOf("root");
    const res = await call("GET", "/api/v1/users", { cookie: root });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const text = await res.text();
    expect(text).not.toContain("$scrypt");
    expect(text).not.toContain("passwordHash");
    const body = JSON.parse(text) as Json;
    expect(body.users.map((u: Json) => [u.username, u.role, u.disabled])).toEqual([
      ["ed", "editor", false],
      ["root", "admin", false],
      ["vera", "viewer", false],
    ]);
    // root signed in just now; the others never did.
    expect(body.users.map((u: Json) => u.lastLoginAt !== null)).toEqual([false, true, false]);
  });

  it("is for admins only: 403 for an editor and a viewer, 401 without credentials", async () => {
    for (const name of ["ed", "vera"]) {
      const res = await call("GET", "/api/v1/users", { cookie: await cookieOf(name) });
      expect(res.status).toBe(403);
      expect((await json(res)).detail).toContain(`the user "${name}" has the role`);
    }
    expect((await call("GET", "/api/v1/users")).status).toBe(401);
    expect((await call("GET", `/api/v1/users/${rootId}`, { cookie: await cookieOf("ed") })).status).toBe(403);
  });
});

describe("POST /api/v1/users", () => {
  it("creates a user with a generated password, returned once, that signs in", async () => {
    const root = await cookieOf("root");
    const res = await call("POST", "/api/v1/users", { cookie: root }, { username: "Nina.Ops", role: "editor" });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.user).toMatchObject({ username: "Nina.Ops", role: "editor", disabled: false, lastLoginAt: null });
    expect(body.user).not.toHaveProperty("passwordHash");
    // generatePassword: 18 random bytes as base64url = 24 characters.
    expect(body.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(res.headers.get("Location")).toBe(`/api/v1/users/${body.user.id}`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");

    expect((await signIn("nina.ops", body.generatedPassword)).status).toBe(200);
    const read = await json(await call("GET", `/api/v1/users/${body.user.id}`, { cookie: root }));
    expect(read).toMatchObject({ id: body.user.id, username: "Nina.Ops", role: "editor" });
    expect(read).not.toHaveProperty("generatedPassword");
  });

  it("takes a chosen password and then returns none", async () => {
    const res = await call(
      "POST",
      "/api/v1/users",
      { key: adminKey },
      { username: "kim", role: "viewer", password: "kim's own long password" },
    );
    expect(res.status).toBe(201);
    expect(await json(res)).not.toHaveProperty("generatedPassword");
    expect((await signIn("kim", "kim's own long password")).status).toBe(200);
  });

  it("refuses a taken user name in any case with 409 naming the field", async () => {
    const res = await call("POST", "/api/v1/users", { key: adminKey }, { username: "ED", role: "viewer" });
    expect(res.status).toBe(409);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await json(res)).toMatchObject({
      type: "urn:voltrate:problem:username-taken",
      status: 409,
      detail: 'The user name "ED" is taken.',
      errors: [{ path: "body.username", message: 'The user name "ED" is taken.' }],
    });
  });

  it("validates the body, naming each field", async () => {
    const res = await call(
      "POST",
      "/api/v1/users",
      { key: adminKey },
      { username: "-no", role: "owner", password: "short", extra: 1 },
    );
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.type).toBe("urn:voltrate:problem:validation");
    expect(Object.fromEntries(body.errors.map((e: Json) => [e.path, e.message]))).toMatchObject({
      "body.username": 'a user name is 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
      "body.role": "a role is one of admin, editor, viewer",
      "body.password": "a password needs at least 12 characters",
    });
    expect(body.errors.some((e: Json) => e.path === "body")).toBe(true); // the unknown key "extra"
  });
});

describe("PATCH /api/v1/users/:id", () => {
  it("changes the role and ends the user's sessions at once; audited", async () => {
    const root = await cookieOf("root");
    const ed = await cookieOf("ed");
    const edId = await idOf("ed");
    const res = await call("PATCH", `/api/v1/users/${edId}`, { cookie: root }, { role: "viewer" });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: edId, role: "viewer", disabled: false });
    expect(await stillSignedIn(ed)).toBe(false);
    expect(await stillSignedIn(root)).toBe(true);

    const audit = await json(await call("GET", `/api/v1/users/${edId}/audit`, { cookie: root }));
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({
      userId: edId,
      username: "ed",
      action: "change-role",
      by: { id: `user:${rootId}`, name: "root", role: "admin", via: "studio" },
      changes: [{ field: "role", before: "editor", after: "viewer" }],
      sessionsEnded: 1,
    });
    expect(Date.parse(audit.entries[0].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("disables a user: their open session stops, sign-in is refused; enabling lets them in again", async () => {
    const vera = await cookieOf("vera");
    const veraId = await idOf("vera");
    const off = await call("PATCH", `/api/v1/users/${veraId}`, { key: adminKey }, { disabled: true });
    expect(await json(off)).toMatchObject({ disabled: true, role: "viewer" });
    expect(await stillSignedIn(vera)).toBe(false);
    expect((await signIn("vera")).status).toBe(401);

    const on = await call("PATCH", `/api/v1/users/${veraId}`, { key: adminKey }, { disabled: false });
    expect(await json(on)).toMatchObject({ disabled: false });
    // The session from before the account was disabled stays ended.
    expect(await stillSignedIn(vera)).toBe(false);
    expect((await signIn("vera")).status).toBe(200);

    const audit = await json(await call("GET", `/api/v1/users/${veraId}/audit`, { key: adminKey }));
    // Newest first: enabled after disabled; the API key's holder did both.
    expect(audit.entries.map((e: Json) => [e.action, e.sessionsEnded, e.by.via, e.by.name])).toEqual([
      ["enable", 0, "api", "ops"],
      ["disable", 1, "api", "ops"],
    ]);
  });

  it("refuses to demote or disable yourself (409), and records nothing", async () => {
    const root = await cookieOf("root");
    const demote = await call("PATCH", `/api/v1/users/${rootId}`, { cookie: root }, { role: "editor" });
    expect(demote.status).toBe(409);
    expect(await json(demote)).toMatchObject({
      type: "urn:voltrate:problem:own-account",
      detail: "You cannot change your own role. Another admin can do it for you.",
      errors: [{ path: "body.role" }],
    });
    const disable = await call("PATCH", `/api/v1/users/${rootId}`, { cookie: root }, { disabled: true });
    expect(disable.status).toBe(409);
    expect(await json(disable)).toMatchObject({
      type: "urn:voltrate:problem:own-account",
      errors: [{ path: "body.disabled" }],
    });
    // Setting what already holds is no change, and allowed.
    expect((await call("PATCH", `/api/v1/users/${rootId}`, { cookie: root }, { role: "admin" })).status).toBe(200);
    expect(await stillSignedIn(root)).toBe(true);
    expect((await json(await call("GET", `/api/v1/users/${rootId}/audit`, { cookie: root }))).entries).toEqual([]);
  });

  it("keeps the last active admin one (409), until another admin exists", async () => {
    // root is the only admin user; an admin API key is not a user, so it may not demote or disable root either.
    const demote = await call("PATCH", `/api/v1/users/${rootId}`, { key: adminKey }, { role: "viewer" });
    expect(demote.status).toBe(409);
    expect(await json(demote)).toMatchObject({
      type: "urn:voltrate:problem:last-admin",
      title: "The last active admin",
      detail: '"root" is the last active admin. Make another user admin first, so that someone can still manage users.',
      errors: [{ path: "body.role" }],
    });
    const disable = await call("PATCH", `/api/v1/users/${rootId}`, { key: adminKey }, { disabled: true });
    expect(await json(disable)).toMatchObject({ status: 409, errors: [{ path: "body.disabled" }] });

    // A disabled admin does not count as active.
    const edId = await idOf("ed");
    await call("PATCH", `/api/v1/users/${edId}`, { key: adminKey }, { role: "admin", disabled: true });
    expect((await call("PATCH", `/api/v1/users/${rootId}`, { key: adminKey }, { role: "viewer" })).status).toBe(409);

    // Once ed is an enabled admin, root may go.
    await call("PATCH", `/api/v1/users/${edId}`, { key: adminKey }, { disabled: false });
    const ok = await call("PATCH", `/api/v1/users/${rootId}`, { key: adminKey }, { role: "viewer" });
    expect(await json(ok)).toMatchObject({ role: "viewer" });
    // ed is now the last active admin.
    expect((await call("PATCH", `/api/v1/users/${edId}`, { key: adminKey }, { disabled: true })).status).toBe(409);
  });

  it("refuses two admins demoting each other at the same time from leaving none", async () => {
    const edId = await idOf("ed");
    await call("PATCH", `/api/v1/users/${edId}`, { key: adminKey }, { role: "admin" });
    const root = await cookieOf("root");
    const ed = await cookieOf("ed");
    const [a, b] = await Promise.all([
      call("PATCH", `/api/v1/users/${edId}`, { cookie: root }, { role: "editor" }),
      call("PATCH", `/api/v1/users/${rootId}`, { cookie: ed }, { role: "editor" }),
    ]);
    // Whichever runs first succeeds; the second finds the other the last active admin — or is signed out already
    // (the first change ended the second admin's session: 401). Either way exactly one admin remains.
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    const list = await json(await call("GET", "/api/v1/users", { key: adminKey }));
    expect(list.users.filter((u: Json) => u.role === "admin")).toHaveLength(1);
  });

  it("validates: an empty change, an unknown role, an unknown user", async () => {
    const edId = await idOf("ed");
    const empty = await json(await call("PATCH", `/api/v1/users/${edId}`, { key: adminKey }, {}));
    expect(empty).toMatchObject({ status: 400, errors: [{ path: "body", message: "give a role, disabled, or both" }] });
    const bad = await json(await call("PATCH", `/api/v1/users/${edId}`, { key: adminKey }, { disabled: "yes" }));
    expect(bad).toMatchObject({
      status: 400,
      errors: [{ path: "body.disabled", message: "disabled is true or false" }],
    });
    const missing = await call("PATCH", "/api/v1/users/user_nobody", { key: adminKey }, { role: "viewer" });
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ detail: 'There is no user with the id "user_nobody".' });
    expect((await call("GET", "/api/v1/users/user_nobody/audit", { key: adminKey })).status).toBe(404);
  });
});

describe("POST /api/v1/users/:id/password", () => {
  it("resets a password: generated and returned once; the old one stops working; sessions end", async () => {
    const ed = await cookieOf("ed");
    const edId = await idOf("ed");
    const res = await call("POST", `/api/v1/users/${edId}/password`, { key: adminKey }, {});
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.user).toMatchObject({ id: edId, username: "ed" });
    expect(body.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await stillSignedIn(ed)).toBe(false);
    expect((await signIn("ed")).status).toBe(401);
    expect((await signIn("ed", body.generatedPassword)).status).toBe(200);

    const chosen = await call(
      "POST",
      `/api/v1/users/${edId}/password`,
      { key: adminKey },
      { password: "another long secret" },
    );
    expect(await json(chosen)).not.toHaveProperty("generatedPassword");
    expect((await signIn("ed", "another long secret")).status).toBe(200);

    const audit = await json(await call("GET", `/api/v1/users/${edId}/audit`, { key: adminKey }));
    expect(audit.entries.map((e: Json) => [e.action, e.changes, e.sessionsEnded])).toEqual([
      ["reset-password", [{ field: "password", generated: false }], 1],
      ["reset-password", [{ field: "password", generated: true }], 1],
    ]);
    expect(JSON.stringify(audit)).not.toContain("another long secret");
  });

  it("applies the password policy, naming the field", async () => {
    const res = await call("POST", `/api/v1/users/${rootId}/password`, { key: adminKey }, { password: "too short" });
    expect(await json(res)).toMatchObject({
      status: 400,
      errors: [{ path: "body.password", message: "a password needs at least 12 characters" }],
    });
  });

  it("keeps the session of an admin resetting their own password, and ends their others", async () => {
    const here = await cookieOf("root");
    const elsewhere = await cookieOf("root");
    const res = await call(
      "POST",
      `/api/v1/users/${rootId}/password`,
      { cookie: here },
      { password: "root's new secret" },
    );
    expect(res.status).toBe(200);
    expect(await stillSignedIn(here)).toBe(true);
    expect(await stillSignedIn(elsewhere)).toBe(false);
  });
});

describe("POST /api/v1/auth/password", () => {
  it("changes your own password with the current one; other sessions end, this one stays", async () => {
    const here = await cookieOf("vera");
    const elsewhere = await cookieOf("vera");
    const res = await call(
      "POST",
      "/api/v1/auth/password",
      { cookie: here },
      { currentPassword: PASSWORD, newPassword: "vera's better secret" },
    );
    expect(res.status).toBe(204);
    expect(await stillSignedIn(here)).toBe(true);
    expect(await stillSignedIn(elsewhere)).toBe(false);
    expect((await signIn("vera")).status).toBe(401);
    expect((await signIn("vera", "vera's better secret")).status).toBe(200);

    const audit = await json(await call("GET", `/api/v1/users/${await idOf("vera")}/audit`, { key: adminKey }));
    expect(audit.entries[0]).toMatchObject({
      action: "change-own-password",
      by: { name: "vera", role: "viewer", via: "studio" },
      sessionsEnded: 1,
    });
  });

  it("refuses a wrong current password (400 naming it), a weak or unchanged new one, and an API key", async () => {
    const vera = await cookieOf("vera");
    const wrong = await call(
      "POST",
      "/api/v1/auth/password",
      { cookie: vera },
      { currentPassword: "not my password", newPassword: "vera's better secret" },
    );
    expect(await json(wrong)).toMatchObject({
      type: "urn:voltrate:problem:wrong-password",
      status: 400,
      errors: [{ path: "body.currentPassword", message: "This is not your current password." }],
    });
    const weak = await call(
      "POST",
      "/api/v1/auth/password",
      { cookie: vera },
      { currentPassword: PASSWORD, newPassword: "short" },
    );
    expect(await json(weak)).toMatchObject({
      errors: [{ path: "body.newPassword", message: "a password needs at least 12 characters" }],
    });
    const same = await call(
      "POST",
      "/api/v1/auth/password",
      { cookie: vera },
      { currentPassword: PASSWORD, newPassword: PASSWORD },
    );
    expect(await json(same)).toMatchObject({
      errors: [{ path: "body.newPassword", message: "choose a password other than the current one" }],
    });
    const key = await call(
      "POST",
      "/api/v1/auth/password",
      { key: adminKey },
      { currentPassword: PASSWORD, newPassword: "whatever long one" },
    );
    expect(key.status).toBe(403);
    expect(await json(key)).toMatchObject({ type: "urn:voltrate:problem:not-a-user" });
    expect((await call("POST", "/api/v1/auth/password", {}, { currentPassword: "x", newPassword: "y" })).status).toBe(
      401,
    );
    // Nothing changed.
    expect((await signIn("vera")).status).toBe(200);
  });

  it("limits wrong current passwords: after 10, even the right one waits (429)", async () => {
    const vera = await cookieOf("vera");
    const attempt = (currentPassword: string) =>
      call("POST", "/api/v1/auth/password", { cookie: vera }, { currentPassword, newPassword: "vera's better secret" });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong guess ${i}`)).status).toBe(400);
    const refused = await attempt(PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(800);
  });
});
