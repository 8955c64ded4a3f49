// Sign-in over HTTP: the auth routes, and requireRole accepting the session cookie next to API keys.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../http/app.ts";
import { authRoutes } from "../http/routes/auth.ts";
import { openStore, type Store } from "../store/index.ts";
import { ApiKeys } from "./api-keys.ts";
import { requireRole } from "./require-role.ts";
import { acceptLoginSessions, LoginSessions, type LoginThrottle, SESSION_COOKIE } from "./sessions.ts";
import { Users } from "./users.ts";

const PASSWORD = "a long enough secret";

let dir: string;
let store: Store;
let app: App;
let apiKeys: ApiKeys;
let users: Users;
let sessions: LoginSessions;

async function setUp(throttle?: LoginThrottle): Promise<void> {
  apiKeys = new ApiKeys(store);
  await apiKeys.init();
  users = new Users(store, { scrypt: { ln: 10, r: 8, p: 1 } });
  await users.init();
  sessions = new LoginSessions(store, users);
  await sessions.init();
  acceptLoginSessions(apiKeys, sessions);
  await users.create("vera", PASSWORD, "viewer");
  await users.create("ed", PASSWORD, "editor");
  app = createApp({
    logger: pino({ level: "silent" }),
    routes: [
      authRoutes({ users, sessions, apiKeys, ...(throttle ? { throttle } : {}) }),
      (a) => {
        a.get("/api/v1/read", requireRole(apiKeys, "viewer"), (c) => c.json({ ok: true }));
        a.post("/api/v1/write", requireRole(apiKeys, "editor"), (c) => c.json({ ok: true }));
      },
    ],
  });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "voltrate-auth-http-"));
  store = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function login(username: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return app.request("/api/v1/auth/login", json({ username, password }, headers));
}

function cookieOf(res: Response): string {
  const header = res.headers.get("Set-Cookie") ?? "";
  const value = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(header)?.[1];
  if (!value) throw new Error(`no session cookie in ${header}`);
  return `${SESSION_COOKIE}=${value}`;
}

describe("POST /api/v1/auth/login", () => {
  it("sets an HttpOnly, SameSite=Strict session cookie with an expiry and answers with the user", async () => {
    await setUp();
    const res = await login("Vera");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: Record<string, unknown>; expiresAt: string };
    expect(body.user).toMatchObject({ username: "vera", role: "viewer", disabled: false });
    expect(body.user).not.toHaveProperty("passwordHash");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^voltrate_session=vs_[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain(`Expires=${new Date(body.expiresAt).toUTCString()}`);
    expect(cookie).not.toContain("Secure");
    expect(res.headers.get("Cache-Control")).toBe("no-store");

    const behindTls = await login("vera", PASSWORD, { "X-Forwarded-Proto": "https" });
    expect(behindTls.headers.get("Set-Cookie")).toContain("Secure");
  });

  it("answers a wrong password and an unknown user alike, with 401 problem JSON", async () => {
    await setUp();
    for (const res of [await login("vera", "wrong password!"), await login("nobody")]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      expect(res.headers.get("Set-Cookie")).toBeNull();
      expect(await res.json()).toMatchObject({
        type: "urn:voltrate:problem:invalid-credentials",
        detail: "The user name or the password is not right.",
      });
    }
  });

  it("validates the body", async () => {
    await setUp();
    const res = await app.request("/api/v1/auth/login", json({ username: "" }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(["body.username", "body.password"]);
  });

  it("refuses the 11th sign-in within 15 minutes after 10 failures with 429, even with the right password", async () => {
    await setUp();
    for (let i = 0; i < 10; i++) expect((await login("ed", "wrong password!")).status).toBe(401);
    const refused = await login("ed");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(800);
    expect(await refused.json()).toMatchObject({
      type: "urn:voltrate:problem:too-many-attempts",
      status: 429,
      title: "Too many failed sign-ins",
    });
    // Another user is not affected.
    expect((await login("vera")).status).toBe(200);
  });

  it("refuses a sign-in posted from another site", async () => {
    await setUp();
    const res = await login("vera", PASSWORD, { Origin: "https://evil.example", Host: "localhost" });
    expect(res.status).toBe(403);
  });
});

describe("session cookie", () => {
  it("signs requests in with the user's role; /me says who it is; logout ends it", async () => {
    await setUp();
    const cookie = cookieOf(await login("ed"));

    const me = await app.request("/api/v1/auth/me", { headers: { Cookie: cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: "user", name: "ed", role: "editor" });

    expect((await app.request("/api/v1/read", { headers: { Cookie: cookie } })).status).toBe(200);
    const write = await app.request("/api/v1/write", { method: "POST", headers: { Cookie: cookie } });
    expect(write.status).toBe(200);

    const logout = await app.request("/api/v1/auth/logout", { method: "POST", headers: { Cookie: cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("Set-Cookie")).toMatch(
      /^voltrate_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/,
    );
    expect((await app.request("/api/v1/auth/me", { headers: { Cookie: cookie } })).status).toBe(401);
    // Logging out without a session is fine.
    expect((await app.request("/api/v1/auth/logout", { method: "POST" })).status).toBe(204);
  });

  it("gets 403 for a role it does not have, naming the user", async () => {
    await setUp();
    const cookie = cookieOf(await login("vera"));
    const res = await app.request("/api/v1/write", { method: "POST", headers: { Cookie: cookie } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toBe(
      'This needs the role editor; the user "vera" has the role viewer.',
    );
  });

  it("refuses changes requested from another origin, allows the same origin", async () => {
    await setUp();
    const cookie = cookieOf(await login("ed"));
    const post = (headers: Record<string, string>) =>
      app.request("http://studio.local/api/v1/write", { method: "POST", headers: { Cookie: cookie, ...headers } });
    expect((await post({ Origin: "http://studio.local", Host: "studio.local" })).status).toBe(200);
    expect((await post({ Origin: "http://evil.example", Host: "studio.local" })).status).toBe(403);
    expect((await post({ "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await post({ "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
  });

  it("leaves API keys as they were: a Bearer header decides, with or without a cookie", async () => {
    await setUp();
    const cookie = cookieOf(await login("ed"));
    const { key } = await apiKeys.create("ci", "viewer");
    const asKey = await app.request("/api/v1/auth/me", { headers: { Authorization: `Bearer ${key}` } });
    expect(await asKey.json()).toMatchObject({ kind: "apiKey", name: "ci", role: "viewer" });
    // A bad key is refused even next to a valid session cookie.
    const badKey = await app.request("/api/v1/read", { headers: { Authorization: "Bearer vr_nope", Cookie: cookie } });
    expect(badKey.status).toBe(401);
    const none = await app.request("/api/v1/read");
    expect(none.status).toBe(401);
    expect(((await none.json()) as { detail: string }).detail).toContain("sign in to the studio");
  });

  it("is not accepted by a runtime whose API keys do not accept sessions", async () => {
    await setUp();
    const cookie = cookieOf(await login("ed"));
    const other = new ApiKeys(store);
    const otherApp = createApp({
      logger: pino({ level: "silent" }),
      routes: [(a) => a.get("/x", requireRole(other, "viewer"), (c) => c.json({ ok: true }))],
    });
    expect((await otherApp.request("/x", { headers: { Cookie: cookie } })).status).toBe(401);
  });
});
