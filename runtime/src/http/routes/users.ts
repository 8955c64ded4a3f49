// /api/v1/users: user accounts, for admins — list, create (with a generated password, shown once), read, change
// role and status, reset a password, and each account's audit trail. /api/v1/auth/password: any signed-in user
// changes their own password with the current one. Password hashes never leave the runtime; refusals that keep
// the studio manageable (your own account, the last active admin) and taken user names are 409 problems.
import type { Role } from "@voltrate/sdk";
import type { Context } from "hono";
import { z } from "zod";
import { AdminChangeLockTimeout } from "../../auth/admin-change-lock.ts";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import { LoginThrottle, type SessionPrincipal, sessionToken } from "../../auth/sessions.ts";
import { type UserAdmin, UserAdminError } from "../../auth/user-admin.ts";
import type { UserAuditActor } from "../../auth/user-audit.ts";
import { passwordProblem, USERNAME_PATTERN, UserInputError } from "../../auth/users.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validate, validBody } from "../validate.ts";

export interface UserRoutesOptions {
  admin: UserAdmin;
  apiKeys: ApiKeys;
  /** Limits wrong current passwords per user (default: 10 in 15 minutes), like failed sign-ins. */
  throttle?: LoginThrottle;
}

const roleSchema = z.enum(["admin", "editor", "viewer"] satisfies Role[], {
  error: "a role is one of admin, editor, viewer",
});

const passwordSchema = z.string({ error: "a password is text" }).superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const createSchema = z.strictObject({
  username: z.string({ error: "a user name is required" }).trim().regex(USERNAME_PATTERN, {
    error: 'a user name is 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
  }),
  role: roleSchema,
  /** Without one, a password is generated and returned once. */
  password: passwordSchema.optional(),
});

const updateSchema = z
  .strictObject({
    role: roleSchema.optional(),
    disabled: z.boolean({ error: "disabled is true or false" }).optional(),
  })
  .refine((change) => change.role !== undefined || change.disabled !== undefined, {
    error: "give a role, disabled, or both",
  });

const resetSchema = z.strictObject({ password: passwordSchema.optional() });

const changeOwnSchema = z.strictObject({
  currentPassword: z.string({ error: "enter your current password" }).min(1, { error: "enter your current password" }),
  newPassword: passwordSchema,
});

const idSchema = z.string().min(1).max(100);

function actorOf(c: Context): UserAuditActor {
  const principal = c.get("principal" as never) as Principal & Partial<SessionPrincipal>;
  if (principal.via === "session" && principal.userId !== undefined) {
    return { id: `user:${principal.userId}`, name: principal.name, role: principal.role, via: "studio" };
  }
  return { id: principal.keyId, name: principal.name, role: principal.role, via: "api" };
}

const CONFLICT_TITLES = {
  "username-taken": "The user name is taken",
  "own-account": "Not for your own account",
  "last-admin": "The last active admin",
} as const;

/** A refused change as problem JSON, naming the field it is about. */
function problemOf(error: UserAdminError): HttpProblem {
  const errors = error.field ? [{ path: `body.${error.field}`, message: error.message }] : undefined;
  switch (error.code) {
    case "not-found":
      return HttpProblem.notFound(error.message);
    case "wrong-password":
      return new HttpProblem({
        slug: "wrong-password",
        title: "The current password is not right",
        status: 400,
        detail: error.message,
        ...(errors ? { errors } : {}),
      });
    default:
      return new HttpProblem({
        slug: error.code,
        title: CONFLICT_TITLES[error.code],
        status: 409,
        detail: error.message,
        ...(errors ? { errors } : {}),
      });
  }
}

async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserAdminError) throw problemOf(error);
    if (error instanceof UserInputError) throw HttpProblem.badRequest(error.message);
    if (error instanceof AdminChangeLockTimeout) {
      throw new HttpProblem({
        slug: "busy",
        title: "Another user change is in progress",
        status: 503,
        detail: error.message,
      });
    }
    throw error;
  }
}

export function userRoutes(options: UserRoutesOptions): RouteModule {
  const { admin, apiKeys } = options;
  const throttle = options.throttle ?? new LoginThrottle();
  const onlyAdmins = requireRole(apiKeys, "admin");
  const idOf = (c: Context) => validate(idSchema, c.req.param("id"), "path.id");

  return (app) => {
    // Nothing here is for caches: lists of accounts, and passwords shown once.
    app.use("/api/v1/users", async (c, next) => {
      await next();
      c.header("Cache-Control", "no-store");
    });
    app.use("/api/v1/users/*", async (c, next) => {
      await next();
      c.header("Cache-Control", "no-store");
    });

    app.get("/api/v1/users", onlyAdmins, async (c) => c.json({ users: await admin.list() }));

    app.post("/api/v1/users", onlyAdmins, async (c) => {
      const body = await validBody(c, createSchema);
      const created = await mapErrors(() => admin.create(body, actorOf(c)));
      c.header("Location", `/api/v1/users/${encodeURIComponent(created.user.id)}`);
      return c.json(created, 201);
    });

    app.get("/api/v1/users/:id", onlyAdmins, async (c) => c.json(await mapErrors(() => admin.get(idOf(c)))));

    app.patch("/api/v1/users/:id", onlyAdmins, async (c) => {
      const id = idOf(c);
      const body = await validBody(c, updateSchema);
      return c.json(await mapErrors(() => admin.update(id, body, actorOf(c))));
    });

    app.post("/api/v1/users/:id/password", onlyAdmins, async (c) => {
      const id = idOf(c);
      const body = await validBody(c, resetSchema);
      return c.json(await mapErrors(() => admin.resetPassword(id, body.password, actorOf(c), sessionToken(c))));
    });

    app.get("/api/v1/users/:id/audit", onlyAdmins, async (c) => {
      const id = idOf(c);
      return c.json({ entries: await mapErrors(() => admin.auditTrail(id)) });
    });

    app.post("/api/v1/auth/password", requireRole(apiKeys, "viewer"), async (c) => {
      c.header("Cache-Control", "no-store");
      const principal = c.get("principal" as never) as Principal & Partial<SessionPrincipal>;
      if (principal.via !== "session" || principal.userId === undefined) {
        throw new HttpProblem({
          slug: "not-a-user",
          title: "No password to change",
          status: 403,
          detail: "This request is signed in with an API key, which has no password. Sign in to the studio as a user.",
        });
      }
      const body = await validBody(c, changeOwnSchema);
      const key = `password-change:${principal.userId}`;
      const wait = throttle.retryAfter(key);
      if (wait > 0) {
        c.header("Retry-After", String(wait));
        throw new HttpProblem({
          slug: "too-many-attempts",
          title: "Too many wrong passwords",
          status: 429,
          detail: `Too many wrong current passwords; try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? "s" : ""}.`,
          extensions: { retryAfterSeconds: wait },
        });
      }
      if (body.newPassword === body.currentPassword) {
        throw HttpProblem.badRequest("body.newPassword: choose a password other than the current one", [
          { path: "body.newPassword", message: "choose a password other than the current one" },
        ]);
      }
      try {
        await mapErrors(() => admin.changeOwnPassword(principal.userId!, body, actorOf(c), sessionToken(c)));
      } catch (error) {
        if (error instanceof HttpProblem && error.problem.status === 400) throttle.fail(key);
        throw error;
      }
      throttle.succeed(key);
      return c.body(null, 204);
    });
  };
}
