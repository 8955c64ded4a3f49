// The rules service: rule sets with draft revisions and immutable published versions over the store, the bitemporal
// "as of" resolution, publication (now or scheduled through the scheduler), cancellation, rollback, diff, simulation
// and the audit trail. See docs/rule-versions.md.
import type { Collection, Store } from "@voltrate/sdk";
import {
  type EvaluationInput,
  formatModelPath,
  type ModelIssue,
  type Ruleset,
  type RulesetEvaluation,
  rulesetIssues,
  rulesetSchema,
} from "@voltrate/sdk/rules";
import type { Logger } from "../../logging/logger.ts";
import type { RuntimeEventBus } from "../../plugins/event-bus.ts";
import type { Scheduler } from "../../scheduler/index.ts";
import { compileWorkspace } from "../blockly/compile.ts";
import { type CompiledRuleset, compileRuleset, RulesetCompileError, rulesetHash } from "../engine/index.ts";
import { compileScript, type ScriptSandbox } from "../scripts/index.ts";
import { type AuditEntry, AuditLog, type AuditQuery } from "./audit.ts";
import { resolveAsOf, type TimelineEntry, timeline } from "./bitemporal.ts";
import { diffRulesets, diffSummary, type RulesetDiff, renderDiff } from "./diff.ts";
import { formatInZone, parseEffectiveFrom } from "./effective-time.ts";
import { RulesError, type RulesIssue } from "./errors.ts";
import {
  type Actor,
  type DraftRecord,
  type DraftSource,
  type RulesetRecord,
  SCHEDULER_ACTOR,
  type VersionRecord,
  type VersionStatus,
} from "./types.ts";

export const RULESETS_COLLECTION = "rulesets";
export const DRAFTS_COLLECTION = "ruleset_drafts";
export const VERSIONS_COLLECTION = "ruleset_versions";
/** The scheduler job that activates a scheduled version at its effective time. */
export const ACTIVATE_VERSION_JOB = "rules:activate-version";

/** How far in the past an effective date may lie before it counts as retroactive (clock skew, slow requests). */
const RETROACTIVE_TOLERANCE_MS = 60_000;

export interface RulesServiceOptions {
  store: Store;
  /** Runs scheduled activations; without one (the CLI import) only immediate publications are possible. */
  scheduler?: Scheduler;
  /** Receives `version.published` when a version becomes active. */
  events?: RuntimeEventBus;
  logger?: Pick<Logger, "info" | "warn" | "error">;
  /** Runs script outcomes in simulations; without one a script rule drops out with SCRIPT_UNAVAILABLE. */
  sandbox?: ScriptSandbox;
  /** The clock (tests); default the system clock. */
  now?: () => Date;
}

/** A version without its content, with its status and valid-time end as known now. */
export interface VersionSummary {
  rulesetId: string;
  version: number;
  status: VersionStatus;
  effectiveFrom: string;
  /** The effective date-time in the zone it was published in. */
  effectiveFromLocal: string;
  timeZone: string;
  /** Exclusive end as known now: the next later effective date; null = open-ended (or never in effect). */
  effectiveTo: string | null;
  recordedAt: string;
  publishedBy: Actor;
  comment: string;
  origin: VersionRecord["origin"];
  retroactive: boolean;
  contentHash: string;
  activatedAt: string | null;
  retiredAt: string | null;
  supersededBy: number | null;
  cancelledAt: string | null;
  cancelledBy: Actor | null;
  cancelComment: string | null;
}

export interface VersionDetail extends VersionSummary {
  content: Ruleset;
  blockly?: unknown;
}

export interface DraftSummary {
  rulesetId: string;
  revision: number;
  savedAt: string;
  savedBy: Actor;
  comment?: string;
  source: DraftSource;
  contentHash: string;
  importedFrom?: string;
  /** Whether this is the rule set's open draft. */
  open: boolean;
}

export interface DraftDetail extends DraftSummary {
  content: Ruleset;
  blockly?: unknown;
  /** Problems the content still has (a draft may be saved with them; publishing needs none). */
  issues: RulesIssue[];
}

export interface RulesetSummary {
  id: string;
  name: string;
  administrationId: string;
  side: Ruleset["side"];
  currency: string;
  createdAt: string;
  updatedAt: string;
  activeVersion: number | null;
  scheduledVersions: number[];
  lastVersion: number;
  openDraftRevision: number | null;
}

export interface RulesetDetail extends RulesetSummary {
  createdBy: Actor;
  versions: VersionSummary[];
  draft: DraftSummary | null;
}

export interface ValidationReport {
  valid: boolean;
  issues: RulesIssue[];
}

export interface EffectiveInput {
  /** ISO 8601 date-time; with an offset, or local with `timeZone`. Default: now. */
  effectiveFrom?: string | undefined;
  timeZone?: string | undefined;
  /** Consent to an effective date in the past (a correction of what applied then). */
  allowRetroactive?: boolean | undefined;
}

export interface PublishInput extends EffectiveInput {
  /** The draft revision to publish; default the open draft. */
  draftRevision?: number | undefined;
  /** Why (required). */
  comment: string;
}

export interface RollbackInput extends EffectiveInput {
  /** The version whose content is published again as a new version. */
  toVersion: number;
  comment: string;
}

export interface SaveDraftInput {
  /** The full rule set content; with `blockly`, its rules are replaced by the workspace's. */
  content?: unknown;
  /** A Blockly workspace (serialization JSON) holding the rules. */
  blockly?: unknown;
  /** The revision the client edited; a save over any other revision is refused (409). */
  baseRevision?: number | undefined;
  comment?: string | undefined;
}

/** What a diff compares: a version number, "active", "draft" (the open or latest draft) or "draft:<revision>". */
export type ContentRef = number | "active" | "draft" | `draft:${number}`;

export interface SimulationTarget {
  /** A version number, "active", "draft" or "draft:<n>"; default: the version in effect at `validAt` (else now). */
  ref?: ContentRef;
  /** Resolve the version in effect at this instant (as known at `knownAt`). */
  validAt?: Date;
  knownAt?: Date;
}

export interface SimulationResult {
  target: { kind: "version"; version: number; status: VersionStatus } | { kind: "draft"; revision: number };
  evaluation: RulesetEvaluation;
}

export interface ActivationResult {
  outcome: "activated" | "retired" | "skipped";
  reason?: string;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function asIssues(issues: readonly ModelIssue[]): RulesIssue[] {
  return issues.map((i) => ({ path: i.path, message: i.message }));
}

/** The structure of a rule set (defaults applied), or the problems. */
function parseStructure(json: unknown): { ok: true; ruleset: Ruleset } | { ok: false; issues: RulesIssue[] } {
  const parsed = rulesetSchema.safeParse(json);
  if (parsed.success) return { ok: true, ruleset: parsed.data as Ruleset };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ path: formatModelPath(i.path), message: i.message })),
  };
}

export class RulesService {
  readonly store: Store;
  readonly scheduler: Scheduler | undefined;
  readonly audit: AuditLog;
  private readonly events: RuntimeEventBus | undefined;
  private readonly logger: RulesServiceOptions["logger"];
  private readonly sandbox: ScriptSandbox | undefined;
  private readonly clock: () => Date;
  private readonly rulesets: Collection<RulesetRecord>;
  private readonly drafts: Collection<DraftRecord>;
  private readonly versions: Collection<VersionRecord>;
  /** Compiled versions by "<rulesetId>@<version>": warmed at activation, filled on first use otherwise. */
  private readonly compiled = new Map<string, Promise<CompiledRuleset>>();

  constructor(options: RulesServiceOptions) {
    this.store = options.store;
    this.scheduler = options.scheduler;
    this.events = options.events;
    this.logger = options.logger;
    this.sandbox = options.sandbox;
    this.clock = options.now ?? (() => new Date());
    this.audit = new AuditLog(options.store);
    this.rulesets = options.store.collection<RulesetRecord>(RULESETS_COLLECTION);
    this.drafts = options.store.collection<DraftRecord>(DRAFTS_COLLECTION);
    this.versions = options.store.collection<VersionRecord>(VERSIONS_COLLECTION);
  }

  /** Creates the indexes (idempotent). Call once at start. */
  async init(): Promise<void> {
    await this.versions.createIndex({ key: { rulesetId: 1, version: 1 }, unique: true, name: "ruleset_version" });
    await this.drafts.createIndex({ key: { rulesetId: 1, revision: 1 }, unique: true, name: "ruleset_revision" });
    await this.rulesets.createIndex({ key: { administrationId: 1 }, name: "administration" });
    await this.audit.init();
  }

  now(): Date {
    return this.clock();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rule sets and drafts

  /** Creates a rule set from its content (the first draft revision). */
  async createRuleset(
    content: unknown,
    actor: Actor,
    comment?: string,
    origin: { source?: DraftSource; importedFrom?: string } = {},
  ): Promise<RulesetDetail> {
    const parsed = parseStructure(content);
    if (!parsed.ok) throw new RulesError("invalid-ruleset", "The rule set is not valid.", { issues: parsed.issues });
    const ruleset = parsed.ruleset;
    const now = this.now();
    const header: RulesetRecord = {
      _id: ruleset.id,
      name: ruleset.name,
      administrationId: ruleset.administrationId,
      side: ruleset.side,
      currency: ruleset.currency,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      openDraftRevision: null,
      lastDraftRevision: 0,
      lastVersion: 0,
    };
    try {
      await this.rulesets.insertOne(header);
    } catch (error) {
      if ((error as { code?: string }).code === "DUPLICATE_KEY") {
        throw new RulesError("conflict", `A rule set with the id "${ruleset.id}" already exists.`);
      }
      throw error;
    }
    await this.audit.record({
      rulesetId: ruleset.id,
      action: "ruleset.created",
      actor,
      at: now,
      summary: `created rule set "${ruleset.name}" (${ruleset.side}, ${ruleset.currency})`,
      ...(comment ? { comment } : {}),
    });
    await this.saveDraft(
      ruleset.id,
      { content: ruleset, ...(comment ? { comment } : {}) },
      actor,
      origin.source ?? "create",
      origin.importedFrom,
    );
    return this.getRuleset(ruleset.id);
  }

  /**
   * Imports a rule set (from files) as a new draft revision: creates the rule set when it does not exist; saves
   * nothing when the content equals the latest draft revision.
   */
  async importDraft(
    content: Ruleset,
    actor: Actor,
    importedFrom: string,
    comment?: string,
  ): Promise<{ rulesetId: string; result: "created" | "updated" | "unchanged"; revision: number }> {
    const existing = await this.rulesets.findOne({ _id: content.id });
    if (!existing) {
      const created = await this.createRuleset(content, actor, comment, { source: "import", importedFrom });
      return { rulesetId: content.id, result: "created", revision: created.draft?.revision ?? 1 };
    }
    const latest =
      existing.lastDraftRevision > 0
        ? await this.drafts.findOne({ rulesetId: content.id, revision: existing.lastDraftRevision })
        : null;
    const parsed = parseStructure(content);
    if (parsed.ok && latest && latest.contentHash === rulesetHash(parsed.ruleset)) {
      return { rulesetId: content.id, result: "unchanged", revision: latest.revision };
    }
    const draft = await this.saveDraft(
      content.id,
      { content, ...(comment ? { comment } : {}) },
      actor,
      "import",
      importedFrom,
    );
    return { rulesetId: content.id, result: "updated", revision: draft.revision };
  }

  async listRulesets(filter: { administrationId?: string; side?: Ruleset["side"] } = {}): Promise<RulesetSummary[]> {
    const query: Record<string, unknown> = {};
    if (filter.administrationId) query.administrationId = filter.administrationId;
    if (filter.side) query.side = filter.side;
    const headers = await this.rulesets.find(query, { sort: { _id: 1 } });
    return Promise.all(headers.map(async (h) => this.summaryOf(h, await this.versionRecords(h._id, false))));
  }

  async getRuleset(rulesetId: string): Promise<RulesetDetail> {
    const header = await this.header(rulesetId);
    const versions = await this.versionRecords(rulesetId, false);
    const draft =
      header.lastDraftRevision > 0
        ? await this.drafts.findOne({ rulesetId, revision: header.lastDraftRevision })
        : null;
    return {
      ...this.summaryOf(header, versions),
      createdBy: header.createdBy,
      versions: this.summariesOf(versions).reverse(),
      draft: draft ? this.draftSummary(draft, header) : null,
    };
  }

  /**
   * Saves a new draft revision (drafts are never overwritten). With `baseRevision`, the save is refused when another
   * revision was saved since (optimistic concurrency). The content must be structurally valid; remaining problems
   * are returned with the draft and block publication, not the save.
   */
  async saveDraft(
    rulesetId: string,
    input: SaveDraftInput,
    actor: Actor,
    source: DraftSource = "api",
    importedFrom?: string,
  ): Promise<DraftDetail> {
    const header = await this.header(rulesetId);
    let json = input.content;
    if (input.blockly !== undefined) {
      const base = json ?? (await this.latestContent(rulesetId));
      if (base === undefined) {
        throw new RulesError("bad-request", "A Blockly workspace needs a rule set to go into: send `content` too.");
      }
      const structure = parseStructure(base);
      if (!structure.ok) {
        throw new RulesError("invalid-ruleset", "The rule set is not valid.", { issues: structure.issues });
      }
      const compiled = compileWorkspace(input.blockly, {
        currency: structure.ruleset.currency,
        scriptNames: Object.keys(structure.ruleset.scripts ?? {}),
      });
      if (!compiled.ok) {
        throw new RulesError("invalid-ruleset", "The Blockly workspace does not compile.", {
          issues: compiled.errors.map((e) => ({
            path: "blockly",
            message: e.text,
            ...(e.blockId !== undefined ? { blockId: e.blockId } : {}),
            ...(e.blockType !== undefined ? { blockType: e.blockType } : {}),
            ...(e.field !== undefined ? { field: e.field } : {}),
            ...(e.input !== undefined ? { input: e.input } : {}),
          })),
        });
      }
      json = { ...structure.ruleset, rules: compiled.rules };
    }
    if (json === undefined)
      throw new RulesError("bad-request", "Send the rule set as `content` (or a `blockly` workspace).");
    const parsed = parseStructure(json);
    if (!parsed.ok) throw new RulesError("invalid-ruleset", "The rule set is not valid.", { issues: parsed.issues });
    const content = parsed.ruleset;
    if (content.id !== rulesetId) {
      throw new RulesError(
        "invalid-ruleset",
        `The content's id "${content.id}" is not this rule set's id "${rulesetId}".`,
        {
          issues: [{ path: "id", message: `expected "${rulesetId}"` }],
        },
      );
    }

    const filter: Record<string, unknown> = { _id: rulesetId };
    if (input.baseRevision !== undefined) filter.lastDraftRevision = input.baseRevision;
    const now = this.now();
    const bumped = await this.rulesets.findOneAndUpdate(
      filter,
      {
        $inc: { lastDraftRevision: 1 },
        $set: {
          updatedAt: now,
          name: content.name,
          administrationId: content.administrationId,
          side: content.side,
          currency: content.currency,
        },
      },
      { returnDocument: "after" },
    );
    if (!bumped) {
      const current = await this.header(rulesetId);
      throw new RulesError(
        "conflict",
        `The draft was saved as revision ${current.lastDraftRevision} since revision ${input.baseRevision}; reload it and apply your changes again.`,
      );
    }
    const revision = bumped.lastDraftRevision;
    const previous =
      header.lastDraftRevision > 0
        ? await this.drafts.findOne({ rulesetId, revision: header.lastDraftRevision })
        : null;
    const draft: DraftRecord = {
      _id: `${rulesetId}:draft:${revision}`,
      rulesetId,
      revision,
      content,
      contentHash: rulesetHash(content),
      savedAt: now,
      savedBy: actor,
      source,
      ...(input.blockly !== undefined ? { blockly: input.blockly } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
      ...(input.baseRevision !== undefined ? { baseRevision: input.baseRevision } : {}),
      ...(importedFrom !== undefined ? { importedFrom } : {}),
    };
    await this.drafts.insertOne(draft);
    await this.rulesets.updateOne(
      { _id: rulesetId, $or: [{ openDraftRevision: null }, { openDraftRevision: { $lt: revision } }] },
      { $set: { openDraftRevision: revision } },
    );
    const issues = asIssues(rulesetIssues(content));
    const against = previous?.content ?? (await this.activeContent(rulesetId));
    const diff = against
      ? diffRulesets(against, content, {
          from: previous ? `revision ${previous.revision}` : "active version",
          to: `revision ${revision}`,
        })
      : undefined;
    await this.audit.record({
      rulesetId,
      action: source === "import" ? "draft.imported" : "draft.saved",
      actor,
      at: now,
      draftRevision: revision,
      summary:
        source === "import"
          ? `imported draft revision ${revision} from ${importedFrom ?? "files"}${diff ? ` (${diffSummary(diff)})` : ""}`
          : `saved draft revision ${revision}${diff ? ` (${diffSummary(diff)})` : ""}`,
      details: {
        contentHash: draft.contentHash,
        issues: issues.length,
        ...(diff ? { changes: renderDiff(diff).split("\n").slice(1, 51) } : {}),
        ...(importedFrom !== undefined ? { importedFrom } : {}),
        ...(input.blockly !== undefined ? { blockly: true } : {}),
      },
      ...(input.comment ? { comment: input.comment } : {}),
    });
    const fresh = await this.header(rulesetId);
    return {
      ...this.draftSummary(draft, fresh),
      content,
      ...(draft.blockly !== undefined ? { blockly: draft.blockly } : {}),
      issues,
    };
  }

  /** A draft revision (default: the latest). */
  async getDraft(rulesetId: string, revision?: number): Promise<DraftDetail> {
    const header = await this.header(rulesetId);
    const wanted = revision ?? header.lastDraftRevision;
    const draft = wanted > 0 ? await this.drafts.findOne({ rulesetId, revision: wanted }) : null;
    if (!draft) {
      throw new RulesError(
        "not-found",
        revision === undefined
          ? `Rule set "${rulesetId}" has no draft.`
          : `Rule set "${rulesetId}" has no draft revision ${revision}.`,
      );
    }
    return {
      ...this.draftSummary(draft, header),
      content: draft.content,
      ...(draft.blockly !== undefined ? { blockly: draft.blockly } : {}),
      issues: asIssues(rulesetIssues(draft.content)),
    };
  }

  /** Every draft revision, newest first (without content). */
  async draftHistory(rulesetId: string): Promise<DraftSummary[]> {
    const header = await this.header(rulesetId);
    const drafts = await this.drafts.find(
      { rulesetId },
      { sort: { revision: -1 }, projection: { content: 0, blockly: 0 } },
    );
    return drafts.map((d) => this.draftSummary(d, header));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Validation

  /** Checks a rule set fully: structure, semantics, and every script through the script compiler. */
  async validate(content: unknown): Promise<ValidationReport> {
    const parsed = parseStructure(content);
    if (!parsed.ok) return { valid: false, issues: parsed.issues };
    const issues = asIssues(rulesetIssues(parsed.ruleset));
    for (const [name, source] of Object.entries(parsed.ruleset.scripts ?? {})) {
      for (const d of await this.scriptDiagnostics(source)) {
        issues.push({ path: `scripts.${name}`, script: name, ...d });
      }
    }
    return { valid: issues.length === 0, issues };
  }

  /** Type errors and script-rule violations of one script, with line and column. */
  async scriptDiagnostics(source: string): Promise<{ message: string; line: number; column: number; code: string }[]> {
    const result = await compileScript(source);
    if (result.ok) return [];
    return result.diagnostics.map((d) => ({ message: d.message, line: d.line, column: d.column, code: d.code }));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Publication

  /** Publishes a draft revision as a new version, effective now or at a later (or, with consent, earlier) instant. */
  async publish(rulesetId: string, input: PublishInput, actor: Actor): Promise<VersionSummary> {
    const header = await this.header(rulesetId);
    const revision = input.draftRevision ?? header.openDraftRevision;
    if (revision === null) {
      throw new RulesError("conflict", `Rule set "${rulesetId}" has no open draft to publish; save a draft first.`);
    }
    const draft = await this.drafts.findOne({ rulesetId, revision });
    if (!draft) throw new RulesError("not-found", `Rule set "${rulesetId}" has no draft revision ${revision}.`);
    const record = await this.recordVersion(rulesetId, draft.content, draft.blockly, input, actor, {
      kind: "draft",
      revision,
    });
    await this.rulesets.updateOne(
      { _id: rulesetId, openDraftRevision: revision },
      { $set: { openDraftRevision: null } },
    );
    return this.afterRecording(record, "version.published", actor);
  }

  /** Publishes the content of an earlier version again, as a new version. */
  async rollback(rulesetId: string, input: RollbackInput, actor: Actor): Promise<VersionSummary> {
    await this.header(rulesetId);
    const source = await this.versions.findOne({ rulesetId, version: input.toVersion });
    if (!source) throw new RulesError("not-found", `Rule set "${rulesetId}" has no version ${input.toVersion}.`);
    if (source.cancelledAt !== null) {
      throw new RulesError(
        "conflict",
        `Version ${input.toVersion} was cancelled before it took effect; it cannot be restored.`,
      );
    }
    const record = await this.recordVersion(rulesetId, source.content, source.blockly, input, actor, {
      kind: "rollback",
      fromVersion: input.toVersion,
    });
    return this.afterRecording(record, "version.rolled-back", actor);
  }

  /** Withdraws a scheduled publication before it takes effect. */
  async cancelScheduled(rulesetId: string, version: number, comment: string, actor: Actor): Promise<VersionSummary> {
    await this.header(rulesetId);
    const now = this.now();
    const cancelled = await this.versions.findOneAndUpdate(
      { rulesetId, version, cancelledAt: null, activatedAt: null, effectiveFrom: { $gt: now } },
      { $set: { cancelledAt: now, cancelledBy: actor, cancelComment: comment } },
      { returnDocument: "after" },
    );
    if (!cancelled) {
      const existing = await this.versions.findOne({ rulesetId, version });
      if (!existing) throw new RulesError("not-found", `Rule set "${rulesetId}" has no version ${version}.`);
      if (existing.cancelledAt !== null) {
        throw new RulesError(
          "conflict",
          `Version ${version} was already cancelled at ${existing.cancelledAt.toISOString()}.`,
        );
      }
      throw new RulesError(
        "conflict",
        `Version ${version} took effect at ${existing.effectiveFrom.toISOString()}; publish a new version (or roll back) instead.`,
      );
    }
    if (cancelled.activationJobId && this.scheduler) await this.scheduler.cancel({ id: cancelled.activationJobId });
    await this.audit.record({
      rulesetId,
      action: "version.cancelled",
      actor,
      at: now,
      version,
      comment,
      summary: `cancelled version ${version}, which was to take effect ${formatInZone(cancelled.effectiveFrom, cancelled.timeZone)}`,
      details: { effectiveFrom: cancelled.effectiveFrom.toISOString() },
    });
    const all = await this.versionRecords(rulesetId, false);
    return this.summaryOfVersion(cancelled, all);
  }

  private async recordVersion(
    rulesetId: string,
    content: Ruleset,
    blockly: unknown,
    input: EffectiveInput & { comment: string },
    actor: Actor,
    origin: VersionRecord["origin"],
  ): Promise<VersionRecord> {
    const report = await this.validate(content);
    if (!report.valid) {
      throw new RulesError("invalid-ruleset", "The rule set has problems; it cannot be published.", {
        issues: report.issues,
      });
    }
    const now = this.now();
    let effectiveFrom = now;
    let timeZone = input.timeZone ?? "UTC";
    if (input.effectiveFrom !== undefined) {
      const parsed = parseEffectiveFrom(input.effectiveFrom, input.timeZone);
      if (!parsed.ok) throw new RulesError("bad-request", parsed.problem.message, { field: parsed.problem.field });
      effectiveFrom = parsed.value.at;
      timeZone = parsed.value.timeZone;
    }
    if (effectiveFrom.getTime() > now.getTime() && !this.scheduler) {
      throw new RulesError("bad-request", "Scheduled publications need the running runtime (its scheduler).", {
        field: "effectiveFrom",
      });
    }
    const retroactive = effectiveFrom.getTime() < now.getTime() - RETROACTIVE_TOLERANCE_MS;
    if (retroactive && input.allowRetroactive !== true) {
      throw new RulesError(
        "bad-request",
        `The effective date ${effectiveFrom.toISOString()} is in the past: sessions from then on would be priced differently when re-priced. Set allowRetroactive to do so deliberately.`,
        { field: "effectiveFrom" },
      );
    }
    if (!retroactive && effectiveFrom.getTime() < now.getTime()) effectiveFrom = now;

    // The counter hands out consecutive numbers to concurrent publications; the unique index guards them.
    const version = await this.store.nextSequence(`${VERSIONS_COLLECTION}.${rulesetId}`);
    const record: VersionRecord = {
      _id: `${rulesetId}:v${version}`,
      rulesetId,
      version,
      content,
      ...(blockly !== undefined ? { blockly } : {}),
      contentHash: rulesetHash(content),
      effectiveFrom,
      timeZone,
      recordedAt: this.now(),
      publishedBy: actor,
      comment: input.comment,
      origin,
      retroactive,
      cancelledAt: null,
      cancelledBy: null,
      cancelComment: null,
      activationJobId: null,
      activatedAt: null,
      retiredAt: null,
      supersededBy: null,
    };
    await this.versions.insertOne(record);
    await this.rulesets.updateOne(
      { _id: rulesetId, lastVersion: { $lt: version } },
      { $set: { lastVersion: version, updatedAt: record.recordedAt } },
    );
    return record;
  }

  /** The audit entry, then activation now or a scheduled activation job. */
  private async afterRecording(
    record: VersionRecord,
    action: "version.published" | "version.rolled-back",
    actor: Actor,
  ): Promise<VersionSummary> {
    const { rulesetId, version } = record;
    const now = this.now();
    const scheduled = record.effectiveFrom.getTime() > now.getTime();
    const before = await this.versionRecords(rulesetId, false);
    const previous = resolveAsOf(
      before.filter((v) => v.version !== version),
      now,
      now,
    );
    const previousContent = previous ? (await this.versions.findOne({ _id: previous._id }))?.content : undefined;
    const diff = previousContent
      ? diffRulesets(previousContent, record.content, {
          from: `version ${previous?.version}`,
          to: `version ${version}`,
        })
      : undefined;
    const when = formatInZone(record.effectiveFrom, record.timeZone);
    const what =
      action === "version.rolled-back" && record.origin.kind === "rollback"
        ? `rolled back to the content of version ${record.origin.fromVersion} as version ${version}`
        : `published version ${version}${record.origin.kind === "draft" ? ` from draft revision ${record.origin.revision}` : ""}`;
    await this.audit.record({
      rulesetId,
      action: scheduled && action === "version.published" ? "version.scheduled" : action,
      actor,
      at: record.recordedAt,
      version,
      comment: record.comment,
      summary: `${what}, ${scheduled ? "scheduled to take effect" : record.retroactive ? "retroactively effective from" : "effective"} ${when}${diff ? ` (${diffSummary(diff)} against version ${previous?.version})` : ""}`,
      details: {
        effectiveFrom: record.effectiveFrom.toISOString(),
        timeZone: record.timeZone,
        retroactive: record.retroactive,
        contentHash: record.contentHash,
        origin: record.origin,
        ...(diff ? { changes: renderDiff(diff).split("\n").slice(1, 51) } : {}),
      },
    });
    if (scheduled) {
      if (!this.scheduler) throw new Error("a scheduled publication needs the scheduler");
      const job = await this.scheduler.schedule(record.effectiveFrom, ACTIVATE_VERSION_JOB, { rulesetId, version });
      await this.versions.updateOne({ _id: record._id, activationJobId: null }, { $set: { activationJobId: job.id } });
    } else {
      await this.activate(rulesetId, version);
    }
    const all = await this.versionRecords(rulesetId, false);
    const fresh = all.find((v) => v.version === version) ?? record;
    return this.summaryOfVersion(fresh, all);
  }

  /**
   * What happens when a version's effective time arrives (the scheduler job, or right away for an immediate
   * publication): the version in effect now is stamped active, its compiled form is warmed, the versions it
   * supersedes are stamped retired, and `version.published` is emitted. A version that is no longer the one in
   * effect (superseded before its time came, or a correction of the past) is stamped retired instead. Idempotent.
   */
  async activate(rulesetId: string, version: number): Promise<ActivationResult> {
    const record = await this.versions.findOne({ rulesetId, version }, { projection: { content: 0, blockly: 0 } });
    if (!record) return { outcome: "skipped", reason: "no such version" };
    if (record.cancelledAt !== null) return { outcome: "skipped", reason: "cancelled" };
    if (record.activatedAt !== null || record.retiredAt !== null) return { outcome: "skipped", reason: "already done" };
    const now = this.now();
    if (record.effectiveFrom.getTime() > now.getTime()) return { outcome: "skipped", reason: "not yet effective" };
    const all = await this.versionRecords(rulesetId, false);
    const current = resolveAsOf(all, now, now);
    const when = formatInZone(record.effectiveFrom, record.timeZone);

    if (current?.version !== version) {
      const stamped = await this.versions.findOneAndUpdate(
        { _id: record._id, activatedAt: null, retiredAt: null },
        { $set: { retiredAt: now, supersededBy: current?.version ?? null } },
        { returnDocument: "after" },
      );
      if (!stamped) return { outcome: "skipped", reason: "already done" };
      const line = timeline(all, now).find((e) => e.version.version === version);
      const until = line?.shadowed
        ? "never (same effective date as a later publication)"
        : (line?.effectiveTo?.toISOString() ?? "…");
      await this.audit.record({
        rulesetId,
        action: "version.retired",
        actor: SCHEDULER_ACTOR,
        at: now,
        version,
        summary: `version ${version} (effective ${when}) did not become the active version: version ${current?.version} is in effect; it applies to sessions until ${until}`,
        details: { supersededBy: current?.version ?? null, neverActive: true },
      });
      return { outcome: "retired", reason: `version ${current?.version} is in effect` };
    }

    const stamped = await this.versions.findOneAndUpdate(
      { _id: record._id, activatedAt: null, retiredAt: null },
      { $set: { activatedAt: now } },
      { returnDocument: "after" },
    );
    if (!stamped) return { outcome: "skipped", reason: "already done" };
    await this.warm(rulesetId, version).catch((error: unknown) => {
      this.logger?.error({ err: error, rulesetId, version }, "could not compile the activated rule set version");
    });
    const superseded = all.filter((v) => v.version !== version && v.activatedAt !== null && v.retiredAt === null);
    for (const old of superseded) {
      const retired = await this.versions.findOneAndUpdate(
        { _id: old._id, retiredAt: null },
        { $set: { retiredAt: now, supersededBy: version } },
        { returnDocument: "after" },
      );
      if (!retired) continue;
      this.compiled.delete(`${rulesetId}@${old.version}`);
      await this.audit.record({
        rulesetId,
        action: "version.retired",
        actor: SCHEDULER_ACTOR,
        at: now,
        version: old.version,
        summary: `version ${old.version} retired: superseded by version ${version} from ${when}`,
        details: { supersededBy: version },
      });
    }
    await this.audit.record({
      rulesetId,
      action: "version.activated",
      actor: SCHEDULER_ACTOR,
      at: now,
      version,
      summary: `version ${version} is active (effective ${when})`,
      details: { effectiveFrom: record.effectiveFrom.toISOString(), supersedes: superseded.map((v) => v.version) },
    });
    this.logger?.info({ rulesetId, version, effectiveFrom: record.effectiveFrom }, "rule set version active");
    await this.events?.emit("version.published", {
      rulesetId,
      version,
      effectiveFrom: record.effectiveFrom.toISOString(),
      publishedBy: record.publishedBy.name,
    });
    return { outcome: "activated" };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reading versions

  /**
   * The version in effect at `validAt` as recorded by `knownAt` (default now): only versions recorded by then and
   * not cancelled by then count, so a version published later with an earlier effective date does not change what
   * was known before it was recorded. Null when no version applied. Its `effectiveTo` is the end of its valid time
   * as known at `knownAt`; `status` is its status now.
   */
  async resolveVersion(rulesetId: string, validAt: Date, knownAt?: Date): Promise<VersionDetail | null> {
    const known = knownAt ?? this.now();
    const all = await this.versionRecords(rulesetId, false);
    const found = resolveAsOf(all, validAt, known);
    if (!found) return null;
    const record = await this.versions.findOne({ _id: found._id });
    if (!record) return null;
    // The valid-time window as known at `knownAt`: what a later publication changed is not part of that answer.
    const line = timeline(all, known).find((e) => e.version.version === found.version);
    return {
      ...this.summaryOfVersion(record, all, this.now(), line),
      content: record.content,
      ...(record.blockly !== undefined ? { blockly: record.blockly } : {}),
    };
  }

  /** A version with its content; `effectiveTo` and `status` as known now. */
  async getVersion(rulesetId: string, version: number): Promise<VersionDetail> {
    const record = await this.versions.findOne({ rulesetId, version });
    if (!record) {
      await this.header(rulesetId);
      throw new RulesError("not-found", `Rule set "${rulesetId}" has no version ${version}.`);
    }
    const all = await this.versionRecords(rulesetId, false);
    return {
      ...this.summaryOfVersion(record, all),
      content: record.content,
      ...(record.blockly !== undefined ? { blockly: record.blockly } : {}),
    };
  }

  /** The versions' valid-time line as known at `knownAt` (default now). */
  async timeline(rulesetId: string, knownAt?: Date): Promise<TimelineEntry<VersionRecord>[]> {
    await this.header(rulesetId);
    return timeline(await this.versionRecords(rulesetId, false), knownAt ?? this.now());
  }

  /** The compiled form of a version (cached; warmed at activation). */
  compiledVersion(rulesetId: string, version: number): Promise<CompiledRuleset> {
    return this.warm(rulesetId, version);
  }

  private warm(rulesetId: string, version: number): Promise<CompiledRuleset> {
    const key = `${rulesetId}@${version}`;
    let hit = this.compiled.get(key);
    if (!hit) {
      hit = (async () => {
        const record = await this.versions.findOne({ rulesetId, version });
        if (!record) throw new RulesError("not-found", `Rule set "${rulesetId}" has no version ${version}.`);
        return compileRuleset(record.content);
      })();
      this.compiled.set(key, hit);
      hit.catch(() => this.compiled.delete(key));
    }
    return hit;
  }

  /** Whether a version's compiled form is in the cache (tests, health). */
  isWarm(rulesetId: string, version: number): boolean {
    return this.compiled.has(`${rulesetId}@${version}`);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Diff, simulation, audit

  async diff(rulesetId: string, from: ContentRef, to: ContentRef): Promise<RulesetDiff & { text: string }> {
    const a = await this.contentOf(rulesetId, from);
    const b = await this.contentOf(rulesetId, to);
    const diff = diffRulesets(a.content, b.content, { from: a.label, to: b.label });
    return { ...diff, text: renderDiff(diff) };
  }

  /** Evaluates a version (or a draft) on one session, as the engine would price it, without storing anything. */
  async simulate(rulesetId: string, target: SimulationTarget, input: EvaluationInput): Promise<SimulationResult> {
    await this.header(rulesetId);
    const now = this.now();
    let ref = target.ref;
    let at = target.validAt;
    if (ref === undefined) {
      const validAt = target.validAt ?? input.session.start;
      const found = resolveAsOf(await this.versionRecords(rulesetId, false), validAt, target.knownAt ?? now);
      if (!found) {
        throw new RulesError("not-found", `No version of "${rulesetId}" was in effect at ${validAt.toISOString()}.`);
      }
      ref = found.version;
      at = validAt;
    }
    const resolved = await this.contentOf(rulesetId, ref);
    let compiled: CompiledRuleset;
    try {
      compiled =
        resolved.version !== undefined
          ? await this.warm(rulesetId, resolved.version)
          : await compileRuleset(resolved.content);
    } catch (error) {
      if (error instanceof RulesetCompileError) {
        throw new RulesError("invalid-ruleset", "The rule set cannot be evaluated.", {
          issues: asIssues(error.issues),
        });
      }
      throw error;
    }
    const all = await this.versionRecords(rulesetId, false);
    const record = resolved.version !== undefined ? all.find((v) => v.version === resolved.version) : undefined;
    const evaluation = await compiled.evaluate(input, {
      version: {
        version: resolved.version !== undefined ? String(resolved.version) : `draft revision ${resolved.revision}`,
        hash: rulesetHash(resolved.content),
        source: "store",
        ...(record ? { effectiveFrom: record.effectiveFrom.toISOString() } : {}),
      },
      ...(at ? { at } : {}),
      ...(this.sandbox ? { sandbox: this.sandbox } : {}),
    });
    return {
      target:
        record !== undefined
          ? { kind: "version", version: record.version, status: this.statusOf(record, all, now) }
          : { kind: "draft", revision: resolved.revision ?? 0 },
      evaluation,
    };
  }

  async auditTrail(rulesetId: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
    await this.header(rulesetId);
    return this.audit.list(rulesetId, query);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals

  private async header(rulesetId: string): Promise<RulesetRecord> {
    const header = await this.rulesets.findOne({ _id: rulesetId });
    if (!header) throw new RulesError("not-found", `No rule set "${rulesetId}".`);
    return header;
  }

  private versionRecords(rulesetId: string, withContent: boolean): Promise<VersionRecord[]> {
    return this.versions.find(
      { rulesetId },
      { sort: { version: 1 }, ...(withContent ? {} : { projection: { content: 0, blockly: 0 } }) },
    );
  }

  private async activeContent(rulesetId: string): Promise<Ruleset | undefined> {
    const now = this.now();
    const found = resolveAsOf(await this.versionRecords(rulesetId, false), now, now);
    return found ? (await this.versions.findOne({ _id: found._id }))?.content : undefined;
  }

  /** The content a new draft builds on: the latest draft, else the active version. */
  private async latestContent(rulesetId: string): Promise<Ruleset | undefined> {
    const latest = await this.drafts.findOne({ rulesetId }, { sort: { revision: -1 } });
    return latest?.content ?? (await this.activeContent(rulesetId));
  }

  private async contentOf(
    rulesetId: string,
    ref: ContentRef,
  ): Promise<{ content: Ruleset; label: string; version?: number; revision?: number }> {
    const header = await this.header(rulesetId);
    if (typeof ref === "number") {
      const v = await this.versions.findOne({ rulesetId, version: ref });
      if (!v) throw new RulesError("not-found", `Rule set "${rulesetId}" has no version ${ref}.`);
      return { content: v.content, label: `version ${ref}`, version: ref };
    }
    if (ref === "active") {
      const now = this.now();
      const found = resolveAsOf(await this.versionRecords(rulesetId, false), now, now);
      if (!found) throw new RulesError("not-found", `Rule set "${rulesetId}" has no active version.`);
      const v = await this.versions.findOne({ _id: found._id });
      if (!v) throw new RulesError("not-found", `Rule set "${rulesetId}" has no active version.`);
      return { content: v.content, label: `version ${v.version} (active)`, version: v.version };
    }
    const revision = ref === "draft" ? header.lastDraftRevision : Number(ref.slice("draft:".length));
    const d = revision > 0 ? await this.drafts.findOne({ rulesetId, revision }) : null;
    if (!d) throw new RulesError("not-found", `Rule set "${rulesetId}" has no draft revision ${revision}.`);
    return { content: d.content, label: `draft revision ${revision}`, revision };
  }

  private statusOf(v: VersionRecord, all: readonly VersionRecord[], now: Date): VersionStatus {
    if (v.cancelledAt !== null && v.cancelledAt.getTime() <= now.getTime()) return "cancelled";
    if (v.effectiveFrom.getTime() > now.getTime()) return "scheduled";
    return resolveAsOf(all, now, now)?.version === v.version ? "active" : "retired";
  }

  private summariesOf(all: VersionRecord[]): VersionSummary[] {
    const now = this.now();
    const ends = new Map(timeline(all, now).map((e) => [e.version.version, e]));
    return all.map((v) => this.summaryOfVersion(v, all, now, ends.get(v.version)));
  }

  private summaryOfVersion(
    v: VersionRecord,
    all: readonly VersionRecord[],
    now = this.now(),
    line = timeline(all, now).find((e) => e.version.version === v.version),
  ): VersionSummary {
    return {
      rulesetId: v.rulesetId,
      version: v.version,
      status: this.statusOf(v, all, now),
      effectiveFrom: v.effectiveFrom.toISOString(),
      effectiveFromLocal: formatInZone(v.effectiveFrom, v.timeZone),
      timeZone: v.timeZone,
      effectiveTo: line && !line.shadowed ? iso(line.effectiveTo) : null,
      recordedAt: v.recordedAt.toISOString(),
      publishedBy: v.publishedBy,
      comment: v.comment,
      origin: v.origin,
      retroactive: v.retroactive,
      contentHash: v.contentHash,
      activatedAt: iso(v.activatedAt),
      retiredAt: iso(v.retiredAt),
      supersededBy: v.supersededBy,
      cancelledAt: iso(v.cancelledAt),
      cancelledBy: v.cancelledBy,
      cancelComment: v.cancelComment,
    };
  }

  private summaryOf(h: RulesetRecord, versions: readonly VersionRecord[]): RulesetSummary {
    const now = this.now();
    return {
      id: h._id,
      name: h.name,
      administrationId: h.administrationId,
      side: h.side,
      currency: h.currency,
      createdAt: h.createdAt.toISOString(),
      updatedAt: h.updatedAt.toISOString(),
      activeVersion: resolveAsOf(versions, now, now)?.version ?? null,
      scheduledVersions: versions
        .filter((v) => v.cancelledAt === null && v.effectiveFrom.getTime() > now.getTime())
        .map((v) => v.version),
      lastVersion: h.lastVersion,
      openDraftRevision: h.openDraftRevision,
    };
  }

  private draftSummary(d: DraftRecord, header: RulesetRecord): DraftSummary {
    return {
      rulesetId: d.rulesetId,
      revision: d.revision,
      savedAt: d.savedAt.toISOString(),
      savedBy: d.savedBy,
      source: d.source,
      contentHash: d.contentHash,
      open: header.openDraftRevision === d.revision,
      ...(d.comment !== undefined ? { comment: d.comment } : {}),
      ...(d.importedFrom !== undefined ? { importedFrom: d.importedFrom } : {}),
    };
  }
}

/** The rules service over the store and the scheduler; call `init()` before use. */
export function createRulesService(options: RulesServiceOptions): RulesService {
  return new RulesService(options);
}
