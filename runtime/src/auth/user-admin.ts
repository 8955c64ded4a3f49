// Managing user accounts with the rules an administrator relies on: user names stay unique; nobody demotes or
// disables themselves, and the last active admin stays one (so the studio can always be administered); every change
// of role, status or password ends the account's sign-in sessions and is written to the audit trail.

import { DuplicateKeyError, type Role, type Store } from "@voltrate/sdk";
import { AdminChangeLock } from "./admin-change-lock.ts";
import type { LoginSessions } from "./sessions.ts";
import { UserAudit, type UserAuditActor, type UserAuditEntry } from "./user-audit.ts";
import { generatePassword, USERS_COLLECTION, type UserInfo, type UserRecord, type Users, userInfo } from "./users.ts";

export type UserAdminErrorCode = "not-found" | "username-taken" | "own-account" | "last-admin" | "wrong-password";

/** A refused change, phrased for the person who asked; `field` names the input it is about, when there is one. */
export class UserAdminError extends Error {
  override name = "UserAdminError";
  readonly code: UserAdminErrorCode;
  readonly field: string | undefined;
  constructor(code: UserAdminErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** The result of creating a user or resetting a password: a generated password is returned here, once. */
export interface WithPassword {
  user: UserInfo;
  generatedPassword?: string;
}

export interface UserAdminOptions {
  store: Store;
  users: Users;
  sessions: LoginSessions;
  now?: () => Date;
}

const isActiveAdmin = (user: Pick<UserRecord, "role" | "disabledAt">) =>
  user.role === "admin" && user.disabledAt === null;
const isSelf = (actor: UserAuditActor, userId: string) => actor.id === `user:${userId}`;

export class UserAdmin {
  private readonly users: Users;
  private readonly sessions: LoginSessions;
  private readonly records;
  private readonly now: () => Date;
  readonly audit: UserAudit;
  /** Changes run one at a time, here and in every other process on the store (admin-change-lock.ts). */
  private readonly lock: AdminChangeLock;

  constructor(options: UserAdminOptions) {
    this.users = options.users;
    this.sessions = options.sessions;
    this.records = options.store.collection<UserRecord>(USERS_COLLECTION);
    this.audit = new UserAudit(options.store);
    this.lock = new AdminChangeLock(options.store);
    this.now = options.now ?? (() => new Date());
  }

  async init(): Promise<void> {
    await this.audit.init();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    return this.lock.holding(work);
  }

  list(): Promise<UserInfo[]> {
    return this.users.list();
  }

  async get(id: string): Promise<UserInfo> {
    return userInfo(await this.record(id));
  }

  async auditTrail(id: string): Promise<UserAuditEntry[]> {
    await this.record(id);
    return this.audit.forUser(id);
  }

  private async record(id: string): Promise<UserRecord> {
    const record = await this.users.get(id);
    if (!record) throw new UserAdminError("not-found", `There is no user with the id "${id}".`);
    return record;
  }

  create(input: { username: string; role: Role; password?: string }, by: UserAuditActor): Promise<WithPassword> {
    return this.serially(async () => {
      const taken = () =>
        new UserAdminError("username-taken", `The user name "${input.username.trim()}" is taken.`, "username");
      if (await this.users.findByUsername(input.username)) throw taken();
      const password = input.password ?? generatePassword();
      let record: UserRecord;
      try {
        record = await this.users.create(input.username, password, input.role);
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw taken();
        throw error;
      }
      await this.audit.record({
        userId: record._id,
        username: record.username,
        at: this.now(),
        action: "create",
        by,
        changes: [
          { field: "role", before: null, after: record.role },
          { field: "password", generated: input.password === undefined },
        ],
        sessionsEnded: 0,
      });
      return {
        user: userInfo(record),
        ...(input.password === undefined ? { generatedPassword: password } : {}),
      };
    });
  }

  /** Changes role and/or status. Changes that would leave no active admin, or that affect the actor, are refused. */
  update(id: string, change: { role?: Role; disabled?: boolean }, by: UserAuditActor): Promise<UserInfo> {
    return this.serially(async () => {
      const before = await this.record(id);
      const role = change.role ?? before.role;
      const disabled = change.disabled ?? before.disabledAt !== null;
      const roleChanges = role !== before.role;
      const statusChanges = disabled !== (before.disabledAt !== null);
      if (isSelf(by, id) && roleChanges) {
        throw new UserAdminError(
          "own-account",
          "You cannot change your own role. Another admin can do it for you.",
          "role",
        );
      }
      if (isSelf(by, id) && statusChanges) {
        throw new UserAdminError(
          "own-account",
          "You cannot disable your own account. Another admin can do it for you.",
          "disabled",
        );
      }
      if (isActiveAdmin(before) && !isActiveAdmin({ role, disabledAt: disabled ? this.now() : null })) {
        const others = await this.records.countDocuments({ role: "admin", disabledAt: null, _id: { $ne: id } });
        if (others === 0) {
          throw new UserAdminError(
            "last-admin",
            `"${before.username}" is the last active admin. Make another user admin first, so that someone can still manage users.`,
            roleChanges ? "role" : "disabled",
          );
        }
      }
      const at = this.now();
      if (roleChanges) {
        await this.users.setRole(id, role);
        await this.audit.record({
          userId: id,
          username: before.username,
          at,
          action: "change-role",
          by,
          changes: [{ field: "role", before: before.role, after: role }],
          sessionsEnded: await this.sessions.revokeAll(id),
        });
      }
      if (statusChanges) {
        await this.users.setDisabled(id, disabled);
        await this.audit.record({
          userId: id,
          username: before.username,
          at,
          action: disabled ? "disable" : "enable",
          by,
          changes: [{ field: "disabled", before: !disabled, after: disabled }],
          // Also on enabling: a session from before the account was disabled must not come back to life.
          sessionsEnded: await this.sessions.revokeAll(id),
        });
      }
      return this.get(id);
    });
  }

  /**
   * An admin sets a user's password (or has one generated, returned once). The user's sessions end — except the
   * one making the request (`keepSession`) when admins reset their own.
   */
  resetPassword(
    id: string,
    password: string | undefined,
    by: UserAuditActor,
    keepSession?: string,
  ): Promise<WithPassword> {
    return this.serially(async () => {
      const record = await this.record(id);
      const next = password ?? generatePassword();
      await this.users.setPassword(id, next);
      const except = isSelf(by, id) && keepSession ? { except: keepSession } : {};
      await this.audit.record({
        userId: id,
        username: record.username,
        at: this.now(),
        action: "reset-password",
        by,
        changes: [{ field: "password", generated: password === undefined }],
        sessionsEnded: await this.sessions.revokeAll(id, except),
      });
      return { user: await this.get(id), ...(password === undefined ? { generatedPassword: next } : {}) };
    });
  }

  /** Signed-in users change their own password with the current one; their other sessions end, this one stays. */
  changeOwnPassword(
    id: string,
    input: { currentPassword: string; newPassword: string },
    by: UserAuditActor,
    keepSession: string | undefined,
  ): Promise<void> {
    return this.serially(async () => {
      const record = await this.record(id);
      if (!(await this.users.hasPassword(record, input.currentPassword))) {
        throw new UserAdminError("wrong-password", "This is not your current password.", "currentPassword");
      }
      await this.users.setPassword(id, input.newPassword);
      await this.audit.record({
        userId: id,
        username: record.username,
        at: this.now(),
        action: "change-own-password",
        by,
        changes: [{ field: "password", generated: false }],
        sessionsEnded: await this.sessions.revokeAll(id, keepSession ? { except: keepSession } : {}),
      });
    });
  }
}
