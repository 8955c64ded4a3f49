// The audit trail of user accounts: who changed which account, when, and what changed (role, status, password —
// never the password itself). Entries are only ever added; they outlive the sessions they ended.
import { randomBytes } from "node:crypto";
import type { Role, Store } from "@voltrate/sdk";

/** Who made a change: a studio user (by session) or an API key's holder. */
export type UserAuditActor = {
  /** "user:<id>" for a studio user, the API key id otherwise. */
  id: string;
  name: string;
  role: Role;
  via: "studio" | "api";
};

export const USER_AUDIT_ACTIONS = [
  "create",
  "change-role",
  "disable",
  "enable",
  "reset-password",
  "change-own-password",
] as const;
export type UserAuditAction = (typeof USER_AUDIT_ACTIONS)[number];

/** One field's change; the password's values are never recorded, only that it changed (and whether generated). */
export type UserAuditChange =
  | { field: "role"; before: Role | null; after: Role }
  | { field: "disabled"; before: boolean; after: boolean }
  | { field: "password"; generated: boolean };

export type UserAuditRecord = {
  _id: string;
  userId: string;
  /** The account's user name at the time of the change. */
  username: string;
  at: Date;
  action: UserAuditAction;
  by: UserAuditActor;
  changes: UserAuditChange[];
  /** How many sign-in sessions of the account the change ended. */
  sessionsEnded: number;
};

/** An entry as the API shows it. */
export interface UserAuditEntry {
  id: string;
  userId: string;
  username: string;
  at: string;
  action: UserAuditAction;
  by: UserAuditActor;
  changes: UserAuditChange[];
  sessionsEnded: number;
}

export const USER_AUDIT_COLLECTION = "user_audit";

export class UserAudit {
  private readonly collection;
  /** Orders entries recorded within the same millisecond. */
  private sequence = 0;

  constructor(store: Store) {
    this.collection = store.collection<UserAuditRecord & { seq: number }>(USER_AUDIT_COLLECTION);
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ key: { userId: 1, at: -1 }, name: "user_at" });
  }

  async record(entry: Omit<UserAuditRecord, "_id">): Promise<UserAuditEntry> {
    const record = { ...entry, _id: `uaud_${randomBytes(9).toString("base64url")}`, seq: this.sequence++ };
    await this.collection.insertOne(record);
    return toEntry(record);
  }

  /** A user's entries, newest first. */
  async forUser(userId: string, limit = 200): Promise<UserAuditEntry[]> {
    const records = await this.collection.find({ userId }, { sort: { at: -1, seq: -1 }, limit });
    return records.map(toEntry);
  }
}

function toEntry(record: UserAuditRecord): UserAuditEntry {
  return {
    id: record._id,
    userId: record.userId,
    username: record.username,
    at: record.at.toISOString(),
    action: record.action,
    by: record.by,
    changes: record.changes,
    sessionsEnded: record.sessionsEnded,
  };
}
