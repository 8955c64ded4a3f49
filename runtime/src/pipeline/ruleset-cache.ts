// Ruleset versions for the pipeline: the version in effect at a session's start (as known now), and its compiled form.
// Resolutions are remembered for a short time together with the valid-time window they answer for, so a stream of
// sessions does not read the version history for every session; a `version.published` event clears them at once.
// Compiled rulesets are kept by content hash (the same rules compile once).
import { type CompiledRuleset, compileRuleset } from "../rules/engine/index.ts";
import type { PipelineRuleVersions, ResolvedRuleset } from "./ports.ts";

interface CachedResolution {
  at: number;
  resolved: ResolvedRuleset;
  from: number;
  to: number;
}

export class RulesetCache {
  private readonly versions: PipelineRuleVersions | undefined;
  private readonly ttlMs: number;
  private readonly resolutions = new Map<string, CachedResolution[]>();
  private readonly compiled = new Map<string, Promise<CompiledRuleset>>();

  constructor(versions: PipelineRuleVersions | undefined, options: { ttlMs?: number } = {}) {
    this.versions = versions;
    this.ttlMs = options.ttlMs ?? 2_000;
  }

  get available(): boolean {
    return this.versions !== undefined;
  }

  /** Forgets every remembered resolution (a version was published or cancelled). */
  invalidate(rulesetId?: string): void {
    if (rulesetId === undefined) this.resolutions.clear();
    else this.resolutions.delete(rulesetId);
  }

  /**
   * The version of `rulesetId` in effect at `validAt` as known at `knownAt`. `fresh` skips the remembered answers
   * (reprocessing after a fix must see the newest knowledge).
   */
  async resolve(rulesetId: string, validAt: Date, knownAt: Date, fresh = false): Promise<ResolvedRuleset | null> {
    if (!this.versions) return null;
    const t = validAt.getTime();
    const now = Date.now();
    if (!fresh) {
      const hit = this.resolutions.get(rulesetId)?.find((r) => now - r.at < this.ttlMs && r.from <= t && t < r.to);
      if (hit) return hit.resolved;
    }
    const detail = await this.versions.resolveVersion(rulesetId, validAt, knownAt);
    if (!detail) return null;
    const resolved: ResolvedRuleset = {
      rulesetId,
      version: detail.version,
      content: detail.content,
      contentHash: detail.contentHash,
      effectiveFrom: detail.effectiveFrom ?? null,
      effectiveTo: detail.effectiveTo ?? null,
    };
    // Only a resolution whose valid-time window is known can answer for other instants.
    if (resolved.effectiveFrom !== null && detail.effectiveTo !== undefined) {
      const from = Date.parse(resolved.effectiveFrom);
      const to = resolved.effectiveTo ? Date.parse(resolved.effectiveTo) : Number.POSITIVE_INFINITY;
      const list = (this.resolutions.get(rulesetId) ?? []).filter((r) => now - r.at < this.ttlMs);
      list.push({ at: now, resolved, from, to });
      this.resolutions.set(rulesetId, list.slice(-16));
    }
    return resolved;
  }

  /** A fixed version (instruction "use ruleset X version N"). */
  async version(rulesetId: string, version: number): Promise<ResolvedRuleset | null> {
    if (!this.versions?.getVersion) return null;
    try {
      const detail = await this.versions.getVersion(rulesetId, version);
      return {
        rulesetId,
        version: detail.version,
        content: detail.content,
        contentHash: detail.contentHash,
        effectiveFrom: detail.effectiveFrom ?? null,
        effectiveTo: detail.effectiveTo ?? null,
      };
    } catch {
      return null;
    }
  }

  /** The compiled form of a resolved version (by content hash). */
  compile(resolved: ResolvedRuleset): Promise<CompiledRuleset> {
    const key = `${resolved.rulesetId}#${resolved.contentHash}`;
    let hit = this.compiled.get(key);
    if (!hit) {
      hit = compileRuleset(resolved.content);
      this.compiled.set(key, hit);
      hit.catch(() => this.compiled.delete(key));
      if (this.compiled.size > 500) {
        const first = this.compiled.keys().next().value;
        if (first !== undefined) this.compiled.delete(first);
      }
    }
    return hit;
  }
}
