// The runtime's user-management API (admins) and the change of one's own password (everyone signed in).
import { request } from "./api.ts";
import type { Role, UserInfo } from "./types.ts";

export type { UserInfo };

/** A created user or a reset password; `generatedPassword` is there when the runtime made one — shown once. */
export interface UserWithPassword {
  user: UserInfo;
  generatedPassword?: string;
}

export type UserAuditAction =
  | "create"
  | "change-role"
  | "disable"
  | "enable"
  | "reset-password"
  | "change-own-password";

export type UserAuditChange =
  | { field: "role"; before: Role | null; after: Role }
  | { field: "disabled"; before: boolean; after: boolean }
  | { field: "password"; generated: boolean };

export interface UserAuditEntry {
  id: string;
  userId: string;
  username: string;
  at: string;
  action: UserAuditAction;
  by: { id: string; name: string; role: Role; via: "studio" | "api" };
  changes: UserAuditChange[];
  sessionsEnded: number;
}

const enc = encodeURIComponent;

export const usersApi = {
  list: () => request<{ users: UserInfo[] }>("GET", "/api/v1/users").then((r) => r.users),
  get: (id: string) => request<UserInfo>("GET", `/api/v1/users/${enc(id)}`),
  /** Without a password, the runtime generates one and returns it once. */
  create: (input: { username: string; role: Role; password?: string }) =>
    request<UserWithPassword>("POST", "/api/v1/users", input),
  update: (id: string, change: { role?: Role; disabled?: boolean }) =>
    request<UserInfo>("PATCH", `/api/v1/users/${enc(id)}`, change),
  resetPassword: (id: string, password?: string) =>
    request<UserWithPassword>("POST", `/api/v1/users/${enc(id)}/password`, password ? { password } : {}),
  audit: (id: string) =>
    request<{ entries: UserAuditEntry[] }>("GET", `/api/v1/users/${enc(id)}/audit`).then((r) => r.entries),
  changeOwnPassword: (currentPassword: string, newPassword: string) =>
    request<void>("POST", "/api/v1/auth/password", { currentPassword, newPassword }),
};

/** The studio's minimum, the runtime's password policy (runtime/src/auth/users.ts), checked before sending. */
export const MIN_PASSWORD_LENGTH = 12;

/** Refusals in words, for the 409 problems of the user API (the runtime's detail says the same, more exactly). */
export function refusalTitle(type: string | undefined): string | undefined {
  switch (type) {
    case "urn:voltrate:problem:own-account":
      return "Not for your own account";
    case "urn:voltrate:problem:last-admin":
      return "The last active admin must stay";
    case "urn:voltrate:problem:username-taken":
      return "That user name is taken";
    case "urn:voltrate:problem:wrong-password":
      return "The current password is not right";
    default:
      return undefined;
  }
}
