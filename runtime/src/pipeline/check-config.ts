// The advanced checks' configuration, one document per administration (collection `pipeline_check_configs`, _id =
// the administration id). An administration without one gets the defaults; a stored one is merged over them, so a
// new check added later starts with its default.
import type { Collection, Store } from "@voltrate/sdk";
import { z } from "zod";

const decimal = z.string().regex(/^\d{1,9}(\.\d{1,6})?$/, { error: 'expected a non-negative decimal string ("1.1")' });

export const checkConfigSchema = z.strictObject({
  /** energy ≤ duration × max power × marginFactor; the EVSE's max power from master data, else the session's, else defaultMaxPowerKw. */
  energyCapacity: z
    .strictObject({ enabled: z.boolean(), marginFactor: decimal, defaultMaxPowerKw: decimal })
    .partial()
    .optional(),
  maxDuration: z
    .strictObject({
      enabled: z.boolean(),
      hours: z
        .number()
        .positive()
        .max(24 * 31),
    })
    .partial()
    .optional(),
  /** Zero energy is a drop-out (negative energy always is, when enabled). */
  zeroEnergy: z.strictObject({ enabled: z.boolean() }).partial().optional(),
  negativeEnergy: z.strictObject({ enabled: z.boolean() }).partial().optional(),
  futureStart: z
    .strictObject({ enabled: z.boolean(), toleranceSeconds: z.number().int().min(0).max(86_400) })
    .partial()
    .optional(),
  duplicateId: z.strictObject({ enabled: z.boolean() }).partial().optional(),
  duplicateFingerprint: z
    .strictObject({ enabled: z.boolean(), windowSeconds: z.number().int().min(1).max(3600) })
    .partial()
    .optional(),
  tokenValidity: z.strictObject({ enabled: z.boolean() }).partial().optional(),
  /** The CPO's total_cost against our recomputation of its own tariffs; tolerance per amount, in the CDR currency. */
  cpoTotal: z.strictObject({ enabled: z.boolean(), tolerance: decimal }).partial().optional(),
  /** Sales below purchase cost (checked in calculations). */
  negativeMargin: z.strictObject({ enabled: z.boolean() }).partial().optional(),
});

export type CheckConfigInput = z.output<typeof checkConfigSchema>;

export interface CheckConfig {
  energyCapacity: { enabled: boolean; marginFactor: string; defaultMaxPowerKw: string };
  maxDuration: { enabled: boolean; hours: number };
  zeroEnergy: { enabled: boolean };
  negativeEnergy: { enabled: boolean };
  futureStart: { enabled: boolean; toleranceSeconds: number };
  duplicateId: { enabled: boolean };
  duplicateFingerprint: { enabled: boolean; windowSeconds: number };
  tokenValidity: { enabled: boolean };
  cpoTotal: { enabled: boolean; tolerance: string };
  negativeMargin: { enabled: boolean };
}

export const DEFAULT_CHECK_CONFIG: Readonly<CheckConfig> = Object.freeze({
  energyCapacity: { enabled: true, marginFactor: "1.1", defaultMaxPowerKw: "350" },
  maxDuration: { enabled: true, hours: 24 },
  zeroEnergy: { enabled: true },
  negativeEnergy: { enabled: true },
  futureStart: { enabled: true, toleranceSeconds: 300 },
  duplicateId: { enabled: true },
  duplicateFingerprint: { enabled: true, windowSeconds: 60 },
  tokenValidity: { enabled: true },
  cpoTotal: { enabled: true, tolerance: "0.01" },
  negativeMargin: { enabled: false },
});

export type CheckConfigDoc = {
  _id: string;
  checks: CheckConfigInput;
  updatedAt: Date;
  updatedBy: string;
};

export const CHECK_CONFIG_COLLECTION = "pipeline_check_configs";

export function mergeCheckConfig(input: CheckConfigInput | undefined): CheckConfig {
  const out = structuredClone(DEFAULT_CHECK_CONFIG) as CheckConfig;
  if (!input) return out;
  for (const key of Object.keys(out) as (keyof CheckConfig)[]) {
    const given = input[key];
    if (given) Object.assign(out[key], given);
  }
  return out;
}

/** Per-administration configuration, cached briefly (a change applies within `ttlMs`; at once in this process). */
export class CheckConfigs {
  private readonly collection: Collection<CheckConfigDoc>;
  private readonly cache = new Map<string, { at: number; config: CheckConfig }>();
  private readonly ttlMs: number;

  constructor(store: Store, options: { ttlMs?: number } = {}) {
    this.collection = store.collection<CheckConfigDoc>(CHECK_CONFIG_COLLECTION);
    this.ttlMs = options.ttlMs ?? 5_000;
  }

  async get(administrationId: string): Promise<CheckConfig> {
    const hit = this.cache.get(administrationId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.config;
    const doc = await this.collection.findOne({ _id: administrationId });
    const config = mergeCheckConfig(doc?.checks);
    this.cache.set(administrationId, { at: Date.now(), config });
    return config;
  }

  /** The stored overrides (not merged), or null. */
  async stored(administrationId: string): Promise<CheckConfigDoc | null> {
    return this.collection.findOne({ _id: administrationId });
  }

  /** Replaces the administration's overrides; returns the effective configuration. */
  async set(administrationId: string, checks: CheckConfigInput, updatedBy: string): Promise<CheckConfig> {
    await this.collection.updateOne(
      { _id: administrationId },
      { $set: { checks, updatedAt: new Date(), updatedBy } },
      { upsert: true },
    );
    this.cache.delete(administrationId);
    return this.get(administrationId);
  }
}
