import type { Role } from "@voltrate/sdk";
import type { MiddlewareHandler } from "hono";
import { HttpProblem } from "../http/problem.ts";
import type { ApiKeys, Principal } from "./api-keys.ts";
import { roleSatisfies } from "./roles.ts";
import { sessionPrincipal } from "./sessions.ts";

export type AuthVariables = { principal: Principal };

/**
 * Middleware: a valid API key (`Authorization: Bearer`) — or, without that header, a studio session cookie when the
 * runtime accepts sessions (`acceptLoginSessions`) — with one of `allowed` roles (or a more powerful one), else
 * 401/403 problem.
 */
export function requireRole(apiKeys: ApiKeys, ...allowed: Role[]): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match?.[1]
      ? await apiKeys.verify(match[1])
      : header === ""
        ? await sessionPrincipal(c, apiKeys)
        : null;
    if (!principal) {
      c.header("WWW-Authenticate", 'Bearer realm="voltrate"');
      throw new HttpProblem({
        slug: "unauthorized",
        title: "Authentication required",
        status: 401,
        detail: match
          ? "The API key is not valid or has been revoked."
          : "Send an API key as Authorization: Bearer <key>, or sign in to the studio.",
      });
    }
    if (!roleSatisfies(principal.role, allowed)) {
      const who = "via" in principal && principal.via === "session" ? "the user" : "the key";
      throw new HttpProblem({
        slug: "forbidden",
        title: "Not allowed",
        status: 403,
        detail: `This needs the role ${allowed.join(" or ")}; ${who} "${principal.name}" has the role ${principal.role}.`,
      });
    }
    c.set("principal" as never, principal as never);
    await next();
  };
}
