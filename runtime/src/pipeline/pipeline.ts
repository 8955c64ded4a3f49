// The session pipeline: one input → basic checks → lookups → advanced checks → rate determination → calculations →
// priced session, with plugin hooks before and after every stage. The result is a new immutable revision of the
// session: priced, dropped out (stage + reason code + message + data, grouped into a case), written off or rejected.
// Idempotent by (source party, session id): a repeat returns the existing revision, a changed repeat becomes a
// correction revision, and concurrent requests for one session are serialized by a lock on its record.
import {
  Dec,
  type FxService,
  fxCapability,
  type HookPhase,
  isCurrencyCode,
  type PipelineStage,
  type Store,
  type VatService,
  vatCapability,
} from "@voltrate/sdk";
import { caseIdOf, DropOutCases, groupKeyOf } from "../dropouts/cases.ts";
import type { Logger } from "../logging/logger.ts";
import type { HookRegistry, HookRunResult, RuntimeEventBus } from "../plugins/index.ts";
import type { ScriptSandbox } from "../rules/scripts/index.ts";
import { CheckConfigs } from "./check-config.ts";
import { canonicalHash } from "./hash.ts";
import { hookView } from "./hook-view.ts";
import { minorOf, moneyString } from "./money.ts";
import { type ParsedSession, parseInput } from "./parse-input.ts";
import type { PipelineMasterData, PipelineRuleVersions } from "./ports.ts";
import {
  fingerprintBucketOf,
  LOCK_STALE_MS,
  revisionDocOf,
  revisionIdOf,
  type SessionDoc,
  type SessionQuery,
  SessionRecords,
  sessionIdOf,
  summaryOf,
} from "./records.ts";
import { RulesetCache } from "./ruleset-cache.ts";
import { advancedChecks, fingerprintOf } from "./stages/advanced-checks.ts";
import { basicChecks } from "./stages/basic-checks.ts";
import { calculations } from "./stages/calculations.ts";
import { lookups } from "./stages/lookups.ts";
import { pricedSession } from "./stages/priced-session.ts";
import { rateDetermination } from "./stages/rate-determination.ts";
import type { CalculationResult, LookupResult, RateResult, StageContext, StageFailure, StageOutcome } from "./types.ts";
import {
  type DropOutInfo,
  describeInstruction,
  type FxUsed,
  type InputFormat,
  type InputSnapshot,
  type Instruction,
  type PipelineTraceEntry,
  type PricedSession,
  type RevisionKind,
  type RevisionOutcome,
  type SessionRevision,
  type SessionSummary,
  type StageRun,
} from "./vocabulary.ts";

/** What the pipeline is built from. Everything but `store` and `masterData` is optional. */
export interface PipelineDeps {
  store: Store;
  /** As-of master data lookups (see ports.ts; `masterDataPort()` adapts the runtime's master data service). */
  masterData: PipelineMasterData;
  /** Rule versions (the RulesService fits). Without it every session drops out at lookups. */
  rules?: PipelineRuleVersions;
  hooks?: HookRegistry;
  events?: RuntimeEventBus;
  /** The plugin host: the vat and fx capabilities are taken from it. */
  plugins?: { service<T>(capability: { id: string }): T | undefined };
  /** Direct services (take precedence over the plugin host). */
  vat?: VatService;
  fx?: FxService;
  /** Runs script rules; without it a script rule drops out with SCRIPT_UNAVAILABLE. */
  sandbox?: ScriptSandbox;
  logger?: Pick<Logger, "error" | "warn" | "info" | "debug">;
  /** The clock (tests). */
  now?: () => Date;
}

/** One session to process, as received. */
export interface PipelineInput {
  format: InputFormat;
  payload: unknown;
  /** The idempotency key. */
  sourceParty: string;
  sessionId: string;
  /** The parse ingestion already made of `payload` (saves parsing twice). */
  preParsed?: ParsedSession;
}

export interface ProcessOptions {
  /** Applied in the stage it concerns and written into the trace. With an instruction, a repeat is reprocessed. */
  instruction?: Instruction;
  /** Why (kept on the revision). */
  reason?: string;
}

export interface ProcessResult {
  /**
   * - "created": the first revision of a new session;
   * - "repeat": the same input again — nothing was processed, the existing revision is returned;
   * - "correction": the same session with changed content — a new revision;
   * - "reprocessed": processed again on request.
   */
  outcome: "created" | "repeat" | "correction" | "reprocessed";
  session: SessionSummary;
  revision: SessionRevision;
}

export class SessionNotFoundError extends Error {
  override name = "SessionNotFoundError";
}

type Closed = { outcome: "written-off" | "rejected"; stage: PipelineStage; message: string };

interface RunResult {
  outcome: RevisionOutcome;
  stages: StageRun[];
  trace: PipelineTraceEntry[];
  dropOut?: { stage: PipelineStage; failure: StageFailure; plugin?: string };
  priced?: PricedSession;
  parsed?: ParsedSession;
  lookups?: LookupResult;
  rates?: RateResult;
  closed?: Closed;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Pipeline {
  readonly records: SessionRecords;
  readonly cases: DropOutCases;
  readonly checkConfigs: CheckConfigs;
  readonly rulesets: RulesetCache;
  private readonly deps: PipelineDeps;
  private readonly clock: () => Date;
  /** Sessions this process is working on, so that a concurrent request waits for the result instead of polling. */
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.clock = deps.now ?? (() => new Date());
    this.records = new SessionRecords(deps.store);
    this.cases = new DropOutCases(deps.store);
    this.checkConfigs = new CheckConfigs(deps.store);
    this.rulesets = new RulesetCache(deps.rules);
    deps.events?.forOwner("pipeline").on("version.published", (e) => this.rulesets.invalidate(e.rulesetId));
  }

  /** Creates the indexes (idempotent). Call once before use. */
  async init(): Promise<void> {
    await this.records.init();
    await this.cases.init();
  }

  private get vat(): VatService | undefined {
    return this.deps.vat ?? this.deps.plugins?.service<VatService>(vatCapability);
  }

  private get fx(): FxService | undefined {
    return this.deps.fx ?? this.deps.plugins?.service<FxService>(fxCapability);
  }

  /**
   * Processes one session. A repeat (same source party, session id and content) returns the existing result; a
   * changed repeat becomes a correction revision; an instruction always makes a new revision.
   */
  async process(input: PipelineInput, options: ProcessOptions = {}): Promise<ProcessResult> {
    const hash = canonicalHash(input.payload);
    const key = `${input.sourceParty}|${input.sessionId}`;
    const id = sessionIdOf(key);
    const receivedAt = this.clock();
    let parsed = input.preParsed;
    if (!parsed) {
      const r = parseInput(input.format, input.payload, input.sourceParty, input.sessionId);
      if (r.ok) parsed = r.value;
    }
    const lock = this.records.newLockToken();

    for (let attempt = 0; ; attempt++) {
      const head = await this.records.head(id);
      if (!head) {
        const doc: SessionDoc = {
          _id: id,
          key,
          sourceParty: input.sourceParty,
          sessionId: input.sessionId,
          format: input.format,
          status: "processing",
          currentRevision: 0,
          currentRevisionId: null,
          inputHash: hash,
          lock,
          lockedAt: receivedAt,
          receivedAt,
          updatedAt: receivedAt,
          cpo: parsed?.cpo ?? null,
          cpoSessionId: parsed?.cpoSessionId ?? null,
          fingerprint: parsed ? (fingerprintOf(parsed) ?? null) : null,
          fingerprintBucket: parsed ? fingerprintBucketOf(fingerprintOf(parsed) ?? null, parsed.session.start) : null,
          start: parsed?.session.start ?? null,
          administrationId: null,
          dropOut: null,
          totals: null,
        };
        // The insert claims the session; its journal sync runs while the stages do, and nothing is recorded
        // before it is known to have won (a concurrent duplicate loses on the unique key and returns the winner's).
        const claim = this.records.insertLocked(doc);
        const created = await this.holding(id, () =>
          this.runAndRecord(doc, lock, input, hash, parsed, "original", options, undefined, claim),
        );
        if (created) return created;
        continue;
      }
      const repeat = head.currentRevision > 0 && head.inputHash === hash && options.instruction === undefined;
      const held =
        head.lock !== null && head.lockedAt !== null && receivedAt.getTime() - head.lockedAt.getTime() <= LOCK_STALE_MS;
      if (repeat && !held) return this.existing(head);
      if (held) {
        await this.waitFor(id, attempt);
        continue;
      }
      const acquired = await this.records.acquire(head, lock, this.clock());
      if (!acquired) {
        await this.waitFor(id, attempt);
        continue;
      }
      if (acquired.currentRevision > 0 && acquired.inputHash === hash && options.instruction === undefined) {
        await this.records.release(id, lock);
        return this.existing(acquired);
      }
      const kind: RevisionKind =
        acquired.currentRevision === 0 ? "original" : acquired.inputHash === hash ? "reprocess" : "correction";
      const result = await this.holding(id, () =>
        this.runAndRecord(acquired, lock, input, hash, parsed, kind, options),
      );
      if (result) return result;
    }
  }

  /** Processes a recorded session again from its current revision's input, with an optional instruction. */
  async reprocess(sessionId: string, instruction?: Instruction, reason?: string): Promise<ProcessResult> {
    const lock = this.records.newLockToken();
    for (let attempt = 0; ; attempt++) {
      const head = await this.records.head(sessionId);
      if (!head) throw new SessionNotFoundError(`no session ${sessionId}`);
      const acquired = await this.records.acquire(head, lock, this.clock());
      if (!acquired) {
        await this.waitFor(sessionId, attempt);
        continue;
      }
      const current = acquired.currentRevisionId ? await this.records.revision(acquired.currentRevisionId) : null;
      if (!current) {
        await this.records.release(sessionId, lock);
        throw new SessionNotFoundError(`session ${sessionId} has no revision yet`);
      }
      const input: PipelineInput = {
        format: current.input.format,
        payload: current.input.payload,
        sourceParty: current.input.sourceParty,
        sessionId: current.input.sessionId,
      };
      const options: ProcessOptions = {
        ...(instruction ? { instruction } : {}),
        ...(reason ? { reason } : {}),
      };
      const result = await this.holding(sessionId, () =>
        this.runAndRecord(
          acquired,
          lock,
          input,
          current.input.hash,
          undefined,
          "reprocess",
          options,
          current.input.receivedAt,
        ),
      );
      if (result) return result;
    }
  }

  /** A session with all its revisions (oldest first). */
  async get(sessionId: string): Promise<{ session: SessionSummary; revisions: SessionRevision[] } | null> {
    const head = await this.records.head(sessionId);
    if (!head) return null;
    return { session: summaryOf(head), revisions: await this.records.revisionsOf(sessionId) };
  }

  list(query: SessionQuery): Promise<{ items: SessionSummary[]; total: number }> {
    return this.records.list(query);
  }

  private async existing(head: SessionDoc): Promise<ProcessResult> {
    const revision = head.currentRevisionId ? await this.records.revision(head.currentRevisionId) : null;
    if (!revision) throw new Error(`session ${head._id} points at a missing revision ${head.currentRevisionId}`);
    return { outcome: "repeat", session: summaryOf(head), revision };
  }

  private async holding<T>(id: string, work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.inflight.set(id, promise);
    try {
      return await promise;
    } finally {
      if (this.inflight.get(id) === promise) this.inflight.delete(id);
    }
  }

  private async waitFor(id: string, attempt: number): Promise<void> {
    if (attempt > 2_000) throw new Error(`session ${id} stayed locked; giving up`);
    const running = this.inflight.get(id);
    if (running) {
      await running.catch(() => {});
      return;
    }
    await sleep(Math.min(50, 2 + attempt));
  }

  private async runAndRecord(
    head: SessionDoc,
    lock: string,
    input: PipelineInput,
    hash: string,
    preParsed: ParsedSession | undefined,
    kind: RevisionKind,
    options: ProcessOptions,
    originalReceivedAt?: string,
    claim?: Promise<boolean>,
  ): Promise<ProcessResult | null> {
    const now = this.clock();
    let run: RunResult;
    try {
      run = await this.run(head, input, preParsed, now, options.instruction);
    } catch (error) {
      if (claim === undefined || (await claim.catch(() => false)))
        await this.records.release(head._id, lock).catch(() => {});
      throw error;
    }
    // A new session: record nothing unless this request created it.
    if (claim !== undefined && !(await claim)) return null;
    const revisionNumber = head.currentRevision + 1;
    const revisionId = revisionIdOf(head._id, revisionNumber);
    const snapshot: InputSnapshot = {
      format: input.format,
      sourceParty: input.sourceParty,
      sessionId: input.sessionId,
      hash,
      payload: input.payload,
      receivedAt: originalReceivedAt ?? now.toISOString(),
    };

    let dropOut: DropOutInfo | undefined;
    let amountMinor: number | undefined;
    if (run.dropOut) {
      const { stage, failure, plugin } = run.dropOut;
      const party = run.parsed?.cpo ?? input.sourceParty;
      const groupKey = groupKeyOf(failure, { party, ...(plugin ? { plugin } : {}) });
      const caseId = caseIdOf(stage, failure.code, groupKey);
      dropOut = { stage, code: failure.code, message: failure.message, caseId, groupKey };
      if (failure.data) dropOut.data = failure.data;
      const stake = amountAtStake(run);
      if (stake) {
        dropOut.amountAtStake = stake;
        amountMinor = minorOf(stake.exclVat, stake.currency);
      }
    }

    const revision: SessionRevision = {
      id: revisionId,
      sessionId: head._id,
      revision: revisionNumber,
      previousRevisionId: head.currentRevisionId,
      kind,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.instruction ? { instruction: options.instruction } : {}),
      createdAt: now.toISOString(),
      outcome: run.outcome,
      input: snapshot,
      stages: run.stages,
      trace: run.trace,
      ...(dropOut ? { dropOut } : {}),
      ...(run.priced ? { priced: run.priced } : {}),
    };

    const parsed = run.parsed;
    const set: Partial<SessionDoc> = {
      status: run.outcome,
      currentRevision: revisionNumber,
      currentRevisionId: revisionId,
      inputHash: hash,
      format: input.format,
      updatedAt: now,
      administrationId: run.lookups?.administration.id ?? head.administrationId,
      dropOut: dropOut
        ? {
            stage: dropOut.stage,
            code: dropOut.code,
            message: dropOut.message,
            caseId: dropOut.caseId,
            groupKey: dropOut.groupKey,
            ...(dropOut.amountAtStake ? { amountAtStake: dropOut.amountAtStake } : {}),
            ...(amountMinor !== undefined ? { amountMinor } : {}),
          }
        : null,
      totals: run.priced?.totals ?? null,
    };
    if (parsed) {
      set.cpo = parsed.cpo;
      set.cpoSessionId = parsed.cpoSessionId;
      set.fingerprint = fingerprintOf(parsed) ?? null;
      set.fingerprintBucket = fingerprintBucketOf(set.fingerprint, parsed.session.start);
      set.start = parsed.session.start;
    }
    const caseOf = run.dropOut;
    // The case, the revision, then the session pointing at it: durable in that order (one journal sync on the
    // embedded store), so the session never points at a revision that is not there.
    let finished: boolean;
    try {
      [, , finished] = await this.records.store.inOrder(
        () =>
          dropOut && caseOf
            ? this.cases.record(dropOut.stage, caseOf.failure, dropOut.groupKey, now)
            : Promise.resolve(null),
        () => this.records.insertRevision(revisionDocOf(revision)),
        () => this.records.finish(head._id, lock, set),
      );
    } catch (error) {
      await this.records.release(head._id, lock).catch(() => {});
      throw error;
    }
    let after: SessionDoc = { ...head, ...set, lock: null, lockedAt: null };
    if (!finished) {
      this.deps.logger?.warn(
        { sessionId: head._id, revision: revisionNumber },
        "the session's lock was taken over while processing",
      );
      after = (await this.records.head(head._id)) ?? after;
    }
    const result: ProcessResult = {
      outcome: kind === "original" ? "created" : kind === "correction" ? "correction" : "reprocessed",
      session: summaryOf(after),
      revision,
    };
    await this.emit(result, run);
    return result;
  }

  private async emit(result: ProcessResult, run: RunResult): Promise<void> {
    const events = this.deps.events;
    if (!events) return;
    const r = result.revision;
    if (r.outcome === "priced" && run.priced) {
      const t = run.priced.totals;
      await events.emit("session.priced", {
        sessionId: result.session.id,
        pricedSessionId: r.id,
        revision: r.revision,
        administrationId: run.priced.administration.id,
        totals: { currency: t.currency, exclVat: t.salesExclVat, inclVat: t.salesInclVat },
      });
    } else if (r.outcome === "dropped-out" && r.dropOut) {
      await events.emit("dropout.opened", {
        sessionId: result.session.id,
        caseId: r.dropOut.caseId,
        stage: r.dropOut.stage,
        reason: r.dropOut.code,
      });
    }
  }

  /** Runs the stages. Never throws for a session problem: every failure is a drop-out with its stage. */
  private async run(
    head: SessionDoc,
    input: PipelineInput,
    preParsed: ParsedSession | undefined,
    now: Date,
    instruction: Instruction | undefined,
  ): Promise<RunResult> {
    const trace: PipelineTraceEntry[] = [];
    const stages: StageRun[] = [];
    const fx: FxUsed[] = [];
    let current: PipelineStage = "basicChecks";
    const result: RunResult = { outcome: "dropped-out", stages, trace };
    const ctx: StageContext = {
      now,
      knownAt: now,
      ...(instruction ? { instruction } : {}),
      masterData: this.deps.masterData,
      rulesets: this.rulesets,
      vat: this.vat,
      fx: this.fx,
      sandbox: this.deps.sandbox,
      checkConfig: (administrationId) => this.checkConfigs.get(administrationId),
      duplicates: this.records,
      recordId: head._id,
      receivedAt: head.receivedAt,
      trace: (message, data) => trace.push({ stage: current, kind: "stage", message, ...(data ? { data } : {}) }),
      warn: (message, data) => trace.push({ stage: current, kind: "warning", message, ...(data ? { data } : {}) }),
      applied: (message, data) =>
        trace.push({ stage: current, kind: "instruction", message, ...(data ? { data } : {}) }),
      fxUsed: (rate) => fx.push(rate),
    };
    if (instruction) {
      trace.push({
        stage: current,
        kind: "instruction",
        message: `instruction: ${describeInstruction(instruction)}`,
        data: { ...instruction },
      });
    }

    const snapshot: InputSnapshot = {
      format: input.format,
      sourceParty: input.sourceParty,
      sessionId: input.sessionId,
      hash: "",
      payload: input.payload,
      receivedAt: head.receivedAt.toISOString(),
    };
    const state: { parsed?: ParsedSession; lookups?: LookupResult; rates?: RateResult; calc?: CalculationResult } = {};

    const step = async <T>(stage: PipelineStage, body: () => Promise<StageOutcome<T>>): Promise<T | undefined> => {
      current = stage;
      const started = performance.now();
      const finish = (status: StageRun["status"]) =>
        stages.push({ stage, status, durationMs: Math.round((performance.now() - started) * 1000) / 1000 });
      const hookFailure = await this.runHooks(stage, "before", state, input, head, trace);
      if (hookFailure) {
        finish("failed");
        result.dropOut = { stage, ...hookFailure };
        return undefined;
      }
      let outcome: StageOutcome<T>;
      try {
        outcome = await body();
      } catch (error) {
        this.deps.logger?.error({ err: error, sessionId: head._id, stage }, "pipeline stage failed unexpectedly");
        outcome = {
          ok: false,
          failure: {
            code: "INTERNAL_ERROR",
            message: `${stage} failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
          },
        };
      }
      if (!outcome.ok) {
        finish("failed");
        if ("close" in outcome) result.closed = { ...outcome.close, stage };
        else result.dropOut = { stage, failure: outcome.failure };
        return undefined;
      }
      const after = await this.runHooks(
        stage,
        "after",
        { ...state, ...partialState(stage, outcome.value) },
        input,
        head,
        trace,
      );
      if (after) {
        finish("failed");
        result.dropOut = { stage, ...after };
        return undefined;
      }
      finish("passed");
      return outcome.value;
    };

    const done = (): RunResult => {
      if (state.parsed) result.parsed = state.parsed;
      if (state.lookups) result.lookups = state.lookups;
      if (state.rates) result.rates = state.rates;
      if (result.closed) result.outcome = result.closed.outcome;
      for (const stage of [
        "basicChecks",
        "lookups",
        "advancedChecks",
        "rateDetermination",
        "calculations",
        "pricedSession",
      ] as const) {
        if (!stages.some((s) => s.stage === stage)) stages.push({ stage, status: "skipped", durationMs: 0 });
      }
      return result;
    };

    if (instruction?.type === "writeOff" || instruction?.type === "reject") {
      const outcome = instruction.type === "writeOff" ? "written-off" : "rejected";
      const message = `${outcome === "written-off" ? "written off" : "rejected"}${instruction.comment ? `: ${instruction.comment}` : ""}`;
      trace.push({ stage: "basicChecks", kind: "instruction", message, data: { ...instruction } });
      const parsed = preParsed ?? parseIfPossible(input);
      if (parsed) state.parsed = parsed;
      result.closed = { outcome, stage: "basicChecks", message };
      return done();
    }

    const parsed = await step("basicChecks", () =>
      basicChecks({ input: snapshot, ...(preParsed ? { preParsed } : {}) }, ctx),
    );
    if (!parsed) return done();
    state.parsed = parsed;
    const found = await step("lookups", () => lookups(parsed, ctx));
    if (!found) return done();
    state.lookups = found;
    const checked = await step("advancedChecks", () => advancedChecks({ parsed, lookups: found }, ctx));
    if (!checked) return done();
    const rates = await step("rateDetermination", () => rateDetermination({ parsed, lookups: found }, ctx));
    if (!rates) return done();
    state.rates = rates;
    const calc = await step("calculations", () => calculations({ parsed, lookups: found, rates }, ctx));
    if (!calc) return done();
    state.calc = calc;
    const priced = await step("pricedSession", () => pricedSession({ parsed, lookups: found, calc, fx }, ctx));
    if (!priced) return done();
    result.priced = priced;
    result.outcome = "priced";
    return done();
  }

  private async runHooks(
    stage: PipelineStage,
    phase: HookPhase,
    state: {
      parsed?: ParsedSession;
      lookups?: LookupResult;
      rates?: RateResult;
      calc?: CalculationResult;
      priced?: PricedSession;
    },
    input: PipelineInput,
    head: SessionDoc,
    trace: PipelineTraceEntry[],
  ): Promise<{ failure: StageFailure; plugin?: string } | undefined> {
    const hooks = this.deps.hooks;
    if (!hooks || hooks.count(stage, phase) === 0) return undefined;
    const view = withContractProducts(hookView({ recordId: head._id, input, stage, phase, ...state }), state.lookups);
    const run: HookRunResult = await hooks.run(stage, phase, view);
    for (const note of run.notes) {
      trace.push({
        stage,
        kind: "hook",
        plugin: note.plugin,
        phase: note.phase,
        message: note.message,
        ...(note.data ? { data: note.data } : {}),
      });
    }
    const d = run.dropOut;
    if (!d) {
      // Lines added in after:rateDetermination join their side here: `state.rates` is the object calculations receives.
      if (run.lines.length > 0 && state.rates) joinHookLines(state.rates, run.lines, trace);
      return undefined;
    }
    const failed = d.code === "PLUGIN_HOOK_FAILED";
    return {
      plugin: d.plugin,
      failure: {
        code: failed ? "PLUGIN_HOOK_FAILED" : "PLUGIN_DROPOUT",
        message: failed ? d.message : `plugin ${d.plugin} (${phase} ${stage}): ${d.code} — ${d.message}`,
        data: { plugin: d.plugin, phase, pluginCode: d.code, ...(d.data ? { pluginData: d.data } : {}) },
      },
    };
  }
}

function partialState(stage: PipelineStage, value: unknown): Record<string, unknown> {
  switch (stage) {
    case "basicChecks":
      return { parsed: value };
    case "lookups":
      return { lookups: value };
    case "rateDetermination":
      return { rates: value };
    case "calculations":
      return { calc: value };
    case "pricedSession":
      return { priced: value };
    default:
      return {};
  }
}

/** The contract's product and subscription codes join the hook view after lookups (plugins select contracts by them). */
function withContractProducts(
  view: Readonly<Record<string, unknown>>,
  lookups: LookupResult | undefined,
): Readonly<Record<string, unknown>> {
  if (!lookups) return view;
  const { product, subscription } = lookups.contract;
  return Object.freeze({ ...view, product: product ?? null, subscription: subscription ?? null });
}

/** Adds the hooks' lines to their side (rounded half-up to the side's currency), each with a trace entry naming the plugin. */
function joinHookLines(rates: RateResult, lines: HookRunResult["lines"], trace: PipelineTraceEntry[]): void {
  for (const l of lines) {
    const side = rates[l.side];
    const amount = moneyString(new Dec(l.amount), side.currency);
    side.lines = [
      ...side.lines,
      {
        ruleId: `plugin:${l.plugin}`,
        code: l.code,
        description: l.description,
        ...(l.quantity === undefined ? {} : { quantity: l.quantity }),
        ...(l.unit === undefined ? {} : { unit: l.unit }),
        amountExclVat: amount,
        ...(l.vatPercent === undefined ? {} : { vatPercent: l.vatPercent }),
      },
    ];
    side.exclVat = side.exclVat.plus(amount);
    trace.push({
      stage: "rateDetermination",
      kind: "hook",
      plugin: l.plugin,
      phase: "after",
      message: `${l.side} line ${l.code} ${amount} ${side.currency} added (${l.description}); ${l.side} now ${moneyString(side.exclVat, side.currency)} ${side.currency} excl. VAT`,
      data: { side: l.side, code: l.code, amountExclVat: amount, currency: side.currency },
    });
  }
}

function parseIfPossible(input: PipelineInput): ParsedSession | undefined {
  const r = parseInput(input.format, input.payload, input.sourceParty, input.sessionId);
  return r.ok ? r.value : undefined;
}

/** The CPO's reported total (excl. VAT), else the purchase cost when it was determined. */
function amountAtStake(run: RunResult): { currency: string; exclVat: string } | undefined {
  const reported = run.parsed?.reportedCost;
  if (reported && isCurrencyCode(reported.currency))
    return { currency: reported.currency, exclVat: moneyString(new Dec(reported.exclVat), reported.currency) };
  const p = run.rates?.purchase;
  if (p) return { currency: p.currency, exclVat: moneyString(p.exclVat, p.currency) };
  return undefined;
}
