// API keys: `Authorization: Bearer vr_…`. Only a SHA-256 of each key is stored; the key itself is shown
// once, when it is made. Verified keys are cached by hash, so authenticating a request costs one hash.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Role, Store } from "@voltrate/sdk";

export type ApiKeyRecord = {
  _id: string;
  name: string;
  role: Role;
  /** sha256 of the key, hex. */
  hash: string;
  /** The first characters of the key, to tell keys apart in lists. */
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
};

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

const KEY_PREFIX = "vr_";

export const hashKey = (key: string): string => createHash("sha256").update(key).digest("hex");

export function generateKey(): string {
  return `${KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
}

export class ApiKeys {
  private readonly collection;
  private readonly cache = new Map<string, Principal | null>();

  constructor(store: Store) {
    this.collection = store.collection<ApiKeyRecord>("api_keys");
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ key: { hash: 1 }, unique: true, name: "hash_unique" });
  }

  /** Creates a key and returns it in clear text — the only time it is available. */
  async create(name: string, role: Role, key = generateKey()): Promise<{ key: string; record: ApiKeyRecord }> {
    const hash = hashKey(key);
    const record: ApiKeyRecord = {
      _id: `key_${hash.slice(0, 16)}`,
      name,
      role,
      hash,
      prefix: key.slice(0, KEY_PREFIX.length + 4),
      createdAt: new Date(),
      revokedAt: null,
    };
    await this.collection.insertOne(record);
    this.cache.delete(hash);
    return { key, record };
  }

  /**
   * Makes sure an admin can get in: a configured admin key is registered (idempotently); without one,
   * when no active admin key exists, a new one is generated and returned so the caller can print it once.
   */
  async ensureAdmin(configuredKey: string | undefined): Promise<{ generatedKey?: string }> {
    if (configuredKey) {
      const hash = hashKey(configuredKey);
      if (!(await this.collection.findOne({ hash })))
        await this.create("admin (VOLTRATE_ADMIN_API_KEY)", "admin", configuredKey);
      return {};
    }
    if (await this.collection.findOne({ role: "admin", revokedAt: null })) return {};
    const { key } = await this.create("admin (generated at first start)", "admin");
    return { generatedKey: key };
  }

  async verify(presented: string): Promise<Principal | null> {
    if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return null;
    const hash = hashKey(presented);
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached;
    const record = await this.collection.findOne({ hash });
    const valid =
      record !== null &&
      record.revokedAt === null &&
      timingSafeEqual(Buffer.from(record.hash, "hex"), Buffer.from(hash, "hex"));
    const principal = valid ? { keyId: record._id, name: record.name, role: record.role } : null;
    this.cache.set(hash, principal);
    return principal;
  }

  async revoke(keyId: string): Promise<boolean> {
    const result = await this.collection.findOneAndUpdate(
      { _id: keyId, revokedAt: null },
      { $set: { revokedAt: new Date() } },
      { returnDocument: "after" },
    );
    if (result) this.cache.delete(result.hash);
    return result !== null;
  }

  async list(): Promise<Omit<ApiKeyRecord, "hash">[]> {
    return this.collection.find({}, { sort: { createdAt: 1 }, projection: { hash: 0 } });
  }
}
