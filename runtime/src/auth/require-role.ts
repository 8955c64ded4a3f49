import type { Role } from "@voltrate/sdk";
import type { MiddlewareHandler } from "hono";
import { HttpProblem } from "../http/problem.ts";
import type { ApiKeys, Principal } from "./api-keys.ts";
import { roleSatisfies } from "./roles.ts";

export type AuthVariables = { principal: Principal };

/** Middleware: a valid API key with one of `allowed` roles (or a more powerful one), else 401/403 problem. */
export function requireRole(apiKeys: ApiKeys, ...allowed: Role[]): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match?.[1] ? await apiKeys.verify(match[1]) : null;
    if (!principal) {
      c.header("WWW-Authenticate", 'Bearer realm="voltrate"');
      throw new HttpProblem({
        slug: "unauthorized",
        title: "Authentication required",
        status: 401,
        detail: match ? "The API key is not valid or has been revoked." : "Send an API key as Authorization: Bearer <key>.",
      });
    }
    if (!roleSatisfies(principal.role, allowed)) {
      throw new HttpProblem({
        slug: "forbidden",
        title: "Not allowed",
        status: 403,
        detail: `This needs the role ${allowed.join(" or ")}; the key "${principal.name}" has the role ${principal.role}.`,
      });
    }
    c.set("principal" as never, principal as never);
    await next();
  };
}
