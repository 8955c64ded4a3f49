// User accounts for people who sign in to the studio: a user name, a role (admin, editor, viewer) and a password
// hash. Passwords are hashed with scrypt, a fresh random salt each, and the cost parameters are stored in the hash
// (a PHC string: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`), so they can be raised later without breaking old hashes: a
// hash made with weaker parameters is replaced at the next successful sign-in. Comparison is constant-time, and a
// sign-in with an unknown user name costs as much as one with a known name.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import type { Role, Store } from "@voltrate/sdk";
import { roles } from "./roles.ts";

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** OWASP's recommendation for scrypt: N = 2^17, r = 8, p = 1 (128 MiB, about a third of a second). */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ ln: 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;
/** Longer inputs are refused before hashing: nobody types more, and it bounds the work per attempt. */
export const MAX_PASSWORD_LENGTH = 1024;
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) =>
    scryptCallback(
      password.normalize("NFC"),
      salt,
      KEY_BYTES,
      // Node's default memory ceiling (32 MiB) is below what N = 2^17 needs (128·N·r bytes).
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 16 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** Hashes a password with a new random salt: `$scrypt$ln=…,r=…,p=…$<salt base64>$<hash base64>`. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

const HASH_PATTERN = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Reads the parameters back from a stored hash; null for anything that is not one of ours. */
export function parsePasswordHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const match = HASH_PATTERN.exec(stored);
  if (!match) return null;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.p < 1) return null;
  return { params, salt: Buffer.from(match[4]!, "base64"), key: Buffer.from(match[5]!, "base64") };
}

/**
 * Checks a password against a stored hash in constant time. `needsRehash`: the hash was made with weaker
 * parameters than `current`, so the caller should store a new one while it has the password at hand.
 */
export async function verifyPassword(
  password: string,
  stored: string,
  current: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<{ ok: boolean; needsRehash: boolean }> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return { ok: false, needsRehash: false };
  const key = await scrypt(password, parsed.salt, parsed.params);
  const ok = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  const weaker = parsed.params.ln < current.ln || parsed.params.r < current.r || parsed.params.p < current.p;
  return { ok, needsRehash: ok && weaker };
}

/** A random password for the first admin: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

export type UserRecord = {
  _id: string;
  /** The name as it was given (shown); sign-in ignores case. */
  username: string;
  /** The lower-cased name, unique. */
  usernameKey: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
  passwordChangedAt: Date;
  lastLoginAt: Date | null;
  /** A disabled user cannot sign in, and their open sessions stop working. */
  disabledAt: Date | null;
};

/** A user as the API shows it: never the hash. */
export interface UserInfo {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}

export function userInfo(record: UserRecord): UserInfo {
  return {
    id: record._id,
    username: record.username,
    role: record.role,
    createdAt: record.createdAt.toISOString(),
    lastLoginAt: record.lastLoginAt?.toISOString() ?? null,
    disabled: record.disabledAt !== null,
  };
}

/** A bad user name, password or role, phrased for the person who chose it. */
export class UserInputError extends Error {
  override name = "UserInputError";
}

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

const usernameKey = (username: string) => username.trim().toLowerCase();

export const USERS_COLLECTION = "users";

export interface UsersOptions {
  /** scrypt cost for new hashes (tests use a cheaper one); default `DEFAULT_SCRYPT_PARAMS`. */
  scrypt?: ScryptParams;
  now?: () => Date;
}

export class Users {
  private readonly collection;
  private readonly params: ScryptParams;
  private readonly now: () => Date;
  /** Compared against when the user name is unknown, so that the answer takes as long as for a known one. */
  private dummyHash: Promise<string> | undefined;

  constructor(store: Store, options: UsersOptions = {}) {
    this.collection = store.collection<UserRecord>(USERS_COLLECTION);
    this.params = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
    this.now = options.now ?? (() => new Date());
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ key: { usernameKey: 1 }, unique: true, name: "username_unique" });
  }

  async create(username: string, password: string, role: Role): Promise<UserRecord> {
    const name = username.trim();
    if (!USERNAME_PATTERN.test(name)) {
      throw new UserInputError(
        'a user name is 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
      );
    }
    if (!roles.includes(role)) throw new UserInputError(`a role is one of ${roles.join(", ")}`);
    const problem = passwordProblem(password);
    if (problem) throw new UserInputError(problem);
    const now = this.now();
    const record: UserRecord = {
      _id: `user_${randomBytes(9).toString("base64url")}`,
      username: name,
      usernameKey: usernameKey(name),
      role,
      passwordHash: await hashPassword(password, this.params),
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
      lastLoginAt: null,
      disabledAt: null,
    };
    await this.collection.insertOne(record);
    return record;
  }

  async get(id: string): Promise<UserRecord | null> {
    return this.collection.findOne({ _id: id });
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    return this.collection.findOne({ usernameKey: usernameKey(username) });
  }

  async list(): Promise<UserInfo[]> {
    return (await this.collection.find({}, { sort: { usernameKey: 1 } })).map(userInfo);
  }

  /**
   * The user with this name and password, or null — for an unknown name, a wrong password and a disabled user
   * alike, after the same amount of work.
   */
  async authenticate(username: string, password: string): Promise<UserRecord | null> {
    if (password.length > MAX_PASSWORD_LENGTH) return null;
    const record = await this.findByUsername(username);
    if (!record) {
      this.dummyHash ??= hashPassword(generatePassword(), this.params);
      await verifyPassword(password, await this.dummyHash, this.params);
      return null;
    }
    const { ok, needsRehash } = await verifyPassword(password, record.passwordHash, this.params);
    if (!ok || record.disabledAt !== null) return null;
    const now = this.now();
    const set: Partial<UserRecord> = { lastLoginAt: now };
    if (needsRehash) set.passwordHash = await hashPassword(password, this.params);
    await this.collection.updateOne({ _id: record._id }, { $set: set });
    return { ...record, ...set };
  }

  async setPassword(id: string, password: string): Promise<boolean> {
    const problem = passwordProblem(password);
    if (problem) throw new UserInputError(problem);
    const now = this.now();
    const result = await this.collection.updateOne(
      { _id: id },
      { $set: { passwordHash: await hashPassword(password, this.params), passwordChangedAt: now, updatedAt: now } },
    );
    return result.matchedCount > 0;
  }

  async setRole(id: string, role: Role): Promise<boolean> {
    if (!roles.includes(role)) throw new UserInputError(`a role is one of ${roles.join(", ")}`);
    const result = await this.collection.updateOne({ _id: id }, { $set: { role, updatedAt: this.now() } });
    return result.matchedCount > 0;
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const now = this.now();
    const result = await this.collection.updateOne(
      { _id: id },
      { $set: { disabledAt: disabled ? now : null, updatedAt: now } },
    );
    return result.matchedCount > 0;
  }

  /** Whether the password is this user's (for re-enabling the configured admin without a new hash). */
  async hasPassword(record: UserRecord, password: string): Promise<boolean> {
    return (await verifyPassword(password, record.passwordHash, this.params)).ok;
  }
}

/** The user name of the first admin. */
export const ADMIN_USERNAME = "admin";

/**
 * Makes sure an admin can sign in to the studio. With a configured password (VOLTRATE_ADMIN_PASSWORD), the user
 * "admin" exists, is an enabled admin and has that password — also the way back in when it was forgotten: set
 * it and restart. Without one, when no enabled admin user exists, "admin" gets a generated password, which is
 * returned so that the caller can print it once; only its hash is kept.
 */
export async function ensureAdminUser(
  store: Store,
  configuredPassword?: string,
  options: UsersOptions = {},
): Promise<{ generatedPassword?: string }> {
  const users = new Users(store, options);
  await users.init();
  const existing = await users.findByUsername(ADMIN_USERNAME);
  if (configuredPassword !== undefined) {
    const problem = passwordProblem(configuredPassword);
    if (problem) throw new UserInputError(`VOLTRATE_ADMIN_PASSWORD: ${problem}`);
    if (!existing) {
      await users.create(ADMIN_USERNAME, configuredPassword, "admin");
      return {};
    }
    if (existing.role !== "admin") await users.setRole(existing._id, "admin");
    if (existing.disabledAt !== null) await users.setDisabled(existing._id, false);
    if (!(await users.hasPassword(existing, configuredPassword)))
      await users.setPassword(existing._id, configuredPassword);
    return {};
  }
  const admins = await store
    .collection<UserRecord>(USERS_COLLECTION)
    .countDocuments({ role: "admin", disabledAt: null });
  if (admins > 0) return {};
  const generatedPassword = generatePassword();
  if (existing) {
    await users.setPassword(existing._id, generatedPassword);
    await users.setRole(existing._id, "admin");
    await users.setDisabled(existing._id, false);
  } else {
    await users.create(ADMIN_USERNAME, generatedPassword, "admin");
  }
  return { generatedPassword };
}
