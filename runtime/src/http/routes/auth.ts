// /api/v1/auth: studio sign-in. POST login sets the session cookie (HttpOnly, SameSite=Strict, Secure over
// HTTPS), POST logout ends the session and clears it, GET me says who the request is signed in as — by session
// cookie or by API key. Failed sign-ins are limited per user name and client address (429 with Retry-After).
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import {
  assertSameOrigin,
  type LoginSessions,
  LoginThrottle,
  SESSION_COOKIE,
  type SessionPrincipal,
  sessionToken,
} from "../../auth/sessions.ts";
import { MAX_PASSWORD_LENGTH, type Users, userInfo } from "../../auth/users.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validBody } from "../validate.ts";

export interface AuthRoutesOptions {
  users: Users;
  sessions: LoginSessions;
  apiKeys: ApiKeys;
  /** Default: 10 failures per user name, 50 per client address, in 15 minutes. */
  throttle?: LoginThrottle;
}

const loginSchema = z.strictObject({
  username: z.string().trim().min(1, { error: "enter your user name" }).max(64, { error: "at most 64 characters" }),
  password: z
    .string()
    .min(1, { error: "enter your password" })
    .max(MAX_PASSWORD_LENGTH, { error: `at most ${MAX_PASSWORD_LENGTH} characters` }),
});

function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by the Node adapter (app.request in tests)
  }
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("X-Forwarded-Proto") === "https";
}

/** What GET /me and a sign-in answer. */
function whoAmI(principal: Principal) {
  const session = "via" in principal && principal.via === "session" ? (principal as SessionPrincipal) : undefined;
  return session
    ? {
        kind: "user" as const,
        id: session.userId,
        name: session.name,
        role: session.role,
        expiresAt: session.expiresAt.toISOString(),
      }
    : { kind: "apiKey" as const, id: principal.keyId, name: principal.name, role: principal.role };
}

export function authRoutes(options: AuthRoutesOptions): RouteModule {
  const { users, sessions, apiKeys } = options;
  const throttle = options.throttle ?? new LoginThrottle();

  return (app) => {
    app.post("/api/v1/auth/login", async (c) => {
      assertSameOrigin(c);
      const body = await validBody(c, loginSchema);
      const address = clientAddress(c);
      const wait = throttle.retryAfter(body.username, address);
      if (wait > 0) {
        c.header("Retry-After", String(wait));
        throw new HttpProblem({
          slug: "too-many-attempts",
          title: "Too many failed sign-ins",
          status: 429,
          detail: `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? "s" : ""}.`,
          extensions: { retryAfterSeconds: wait },
        });
      }
      const user = await users.authenticate(body.username, body.password);
      if (!user) {
        throttle.fail(body.username, address);
        throw new HttpProblem({
          slug: "invalid-credentials",
          title: "Sign-in failed",
          status: 401,
          detail: "The user name or the password is not right.",
        });
      }
      throttle.succeed(body.username);
      const { token, expiresAt } = await sessions.create(user._id, c.req.header("User-Agent"));
      setCookie(c, SESSION_COOKIE, token, {
        path: "/",
        httpOnly: true,
        sameSite: "Strict",
        secure: isHttps(c),
        expires: expiresAt,
      });
      c.header("Cache-Control", "no-store");
      return c.json({ user: userInfo(user), expiresAt: expiresAt.toISOString() });
    });

    app.post("/api/v1/auth/logout", async (c) => {
      assertSameOrigin(c);
      const token = sessionToken(c);
      if (token) await sessions.revoke(token);
      deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict", secure: isHttps(c) });
      return c.body(null, 204);
    });

    app.get("/api/v1/auth/me", requireRole(apiKeys, "viewer"), (c) => {
      c.header("Cache-Control", "no-store");
      return c.json(whoAmI(c.get("principal" as never) as Principal));
    });
  };
}
