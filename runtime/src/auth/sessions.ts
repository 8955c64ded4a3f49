// Sign-in sessions of studio users. A session is a random token in an HttpOnly, SameSite=Strict cookie; the store
// keeps only its SHA-256, so a copy of the database does not sign anyone in. Sessions end at their expiry, at
// sign-out, and as soon as the user is disabled. Requests with a session cookie that change something must come
// from the studio's own origin (SameSite=Strict already keeps other sites' requests cookie-less; the Origin check
// is the second line). `LoginThrottle` limits failed sign-ins per user name and per client address.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Store } from "@voltrate/sdk";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { HttpProblem } from "../http/problem.ts";
import type { ApiKeys, Principal } from "./api-keys.ts";
import type { Users } from "./users.ts";

export const SESSION_COOKIE = "voltrate_session";
/** How long a session lasts from sign-in: a working day and some. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOKEN_PREFIX = "vs_";
const TOKEN_PATTERN = /^vs_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export type LoginSessionRecord = {
  /** sha256 of the token, hex. */
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent?: string;
};

/** Who a session signs in: a principal like an API key's, and which user and until when. */
export interface SessionPrincipal extends Principal {
  via: "session";
  userId: string;
  expiresAt: Date;
}

export const LOGIN_SESSIONS_COLLECTION = "login_sessions";

export interface LoginSessionsOptions {
  ttlMs?: number;
  now?: () => Date;
}

export class LoginSessions {
  private readonly collection;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly users: Users;

  constructor(store: Store, users: Users, options: LoginSessionsOptions = {}) {
    this.users = users;
    this.collection = store.collection<LoginSessionRecord>(LOGIN_SESSIONS_COLLECTION);
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? (() => new Date());
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ key: { userId: 1 }, name: "user" });
    await this.collection.createIndex({ key: { expiresAt: 1 }, name: "expiry" });
  }

  /** Opens a session for a user; the token is returned once, to be put in the cookie. */
  async create(userId: string, userAgent?: string): Promise<{ token: string; expiresAt: Date }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + this.ttlMs);
    await this.collection.insertOne({
      _id: hashToken(token),
      userId,
      createdAt,
      expiresAt,
      ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
    });
    // Expired sessions are cleared now and then, when someone signs in.
    await this.collection.deleteMany({ expiresAt: { $lte: createdAt } });
    return { token, expiresAt };
  }

  /** The principal of a valid session token, or null (unknown, expired, signed out, user disabled or gone). */
  async verify(token: string): Promise<SessionPrincipal | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const hash = hashToken(token);
    const record = await this.collection.findOne({ _id: hash });
    if (!record || !timingSafeEqual(Buffer.from(record._id, "hex"), Buffer.from(hash, "hex"))) return null;
    if (record.expiresAt.getTime() <= this.now().getTime()) {
      await this.collection.deleteOne({ _id: hash });
      return null;
    }
    const user = await this.users.get(record.userId);
    if (!user || user.disabledAt !== null) return null;
    return {
      keyId: user._id,
      name: user.username,
      role: user.role,
      via: "session",
      userId: user._id,
      expiresAt: record.expiresAt,
    };
  }

  /** Ends a session (sign-out). Whether there was one to end. */
  async revoke(token: string): Promise<boolean> {
    if (!TOKEN_PATTERN.test(token)) return false;
    return (await this.collection.deleteOne({ _id: hashToken(token) })).deletedCount > 0;
  }

  /**
   * Ends every session of a user (password changed, user disabled, role changed). `except`: a session token to keep
   * — the one of the request that changed the user's own password, so that they stay signed in there.
   */
  async revokeAll(userId: string, options: { except?: string } = {}): Promise<number> {
    const filter = options.except ? { userId, _id: { $ne: hashToken(options.except) } } : { userId };
    return (await this.collection.deleteMany(filter)).deletedCount;
  }
}

// --- Failed sign-ins -------------------------------------------------------------------------------------------

export interface LoginThrottleOptions {
  /** Failures allowed per user name within the window (default 10). */
  maxPerUser?: number;
  /** Failures allowed per client address within the window (default 50). */
  maxPerAddress?: number;
  /** The window, in milliseconds (default 15 minutes). */
  windowMs?: number;
  now?: () => number;
}

/**
 * Counts failed sign-ins in a sliding window, per user name (known or not, so that the answer does not tell which
 * names exist) and per client address. Once a limit is reached, sign-ins are refused until the oldest failure
 * leaves the window — even with the right password. Kept in memory: it bounds guessing against one process.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxPerUser: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Entries kept at most; beyond it the oldest keys are dropped (a flood of made-up names cannot fill memory). */
  private static readonly MAX_KEYS = 50_000;

  constructor(options: LoginThrottleOptions = {}) {
    this.maxPerUser = options.maxPerUser ?? 10;
    this.maxPerAddress = options.maxPerAddress ?? 50;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  private keys(username: string, address: string | undefined): { key: string; max: number }[] {
    const keys = [{ key: `user:${username.trim().toLowerCase()}`, max: this.maxPerUser }];
    if (address) keys.push({ key: `addr:${address}`, max: this.maxPerAddress });
    return keys;
  }

  /** Seconds until a sign-in may be tried again, or 0 when it may be tried now. */
  retryAfter(username: string, address?: string): number {
    let wait = 0;
    for (const { key, max } of this.keys(username, address)) {
      const list = this.recent(key);
      if (list.length >= max) {
        const oldest = list[list.length - max]!;
        wait = Math.max(wait, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
      }
    }
    return wait;
  }

  fail(username: string, address?: string): void {
    for (const { key } of this.keys(username, address)) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.delete(key);
      this.failures.set(key, list.slice(-Math.max(this.maxPerUser, this.maxPerAddress)));
    }
    while (this.failures.size > LoginThrottle.MAX_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /** A successful sign-in clears the user name's failures (not the address's). */
  succeed(username: string): void {
    this.failures.delete(`user:${username.trim().toLowerCase()}`);
  }
}

// --- Cookie sessions for requireRole ---------------------------------------------------------------------------

/** The sign-in sessions that `requireRole(apiKeys, …)` accepts next to API keys, per runtime (keyed by its ApiKeys). */
const sessionsByApiKeys = new WeakMap<ApiKeys, LoginSessions>();

/** Makes every `requireRole(apiKeys, …)` also accept a session cookie of `sessions`. */
export function acceptLoginSessions(apiKeys: ApiKeys, sessions: LoginSessions): void {
  sessionsByApiKeys.set(apiKeys, sessions);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a request that changes something and comes from another site: `Sec-Fetch-Site: cross-site`, or an
 * `Origin` whose host is not the one the request was sent to. Browsers send at least one of them with every
 * such request; requests without either (API clients) are not browser requests and pass.
 */
export function assertSameOrigin(c: Context): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const site = c.req.header("Sec-Fetch-Site");
  const origin = c.req.header("Origin");
  let foreign = site === "cross-site";
  if (!foreign && origin !== undefined) {
    const host = c.req.header("Host") ?? new URL(c.req.url).host;
    try {
      foreign = origin === "null" || new URL(origin).host !== host;
    } catch {
      foreign = true;
    }
  }
  if (foreign) {
    throw new HttpProblem({
      slug: "cross-site-request",
      title: "Cross-site request refused",
      status: 403,
      detail: "Requests signed in with the studio's session cookie must come from the studio itself.",
    });
  }
}

/** The session token the request carries, if any. */
export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/**
 * The principal of the request's session cookie when `apiKeys` accepts sessions and the cookie is valid; null
 * otherwise. Throws a 403 problem for a cross-site request that changes something.
 */
export async function sessionPrincipal(c: Context, apiKeys: ApiKeys): Promise<SessionPrincipal | null> {
  const sessions = sessionsByApiKeys.get(apiKeys);
  const token = sessionToken(c);
  if (!sessions || !token) return null;
  const principal = await sessions.verify(token);
  if (principal) assertSameOrigin(c);
  return principal;
}
