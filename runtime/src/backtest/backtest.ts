// Backtest: re-prices the current priced revisions whose sales side used a ruleset with a draft (or any version) of it
// and compares the result with what was billed. The input is the revision's stored payload, parsed as the pipeline
// parses it; the facts are built as the lookups stage builds them — CPO, location, EVSE, token and contract from the
// priced record, product, subscription, power type and maximum power from the master data valid at the session start
// (when a master data port is given) — and the purchase cost is the one billed, so only the sales rules differ.
// Nothing is written.
import { Dec, minorUnits } from "@voltrate/sdk";
import { type EvaluationInput, type Ruleset, type SessionFacts, TOKEN_TYPES } from "@voltrate/sdk/rules";
import { type ParsedSession, parseInput } from "../pipeline/parse-input.ts";
import type { PipelineMasterData } from "../pipeline/ports.ts";
import type { SessionRecords } from "../pipeline/records.ts";
import type { SessionRevision } from "../pipeline/vocabulary.ts";
import { type CompiledRuleset, compileRuleset, RulesetCompileError } from "../rules/engine/index.ts";
import type { ScriptSandbox } from "../rules/scripts/index.ts";
import { RulesError, type RulesService } from "../rules/versions/index.ts";

export const BACKTEST_MAX_SESSIONS = 5000;
const MAX_CHANGED = 200;
const BUCKETS = 10;

export type BacktestTarget = { draft: true } | { version: number };
export type BacktestScope = { last: number } | { from: Date; to: Date };

export interface BacktestResult {
  rulesetId: string;
  target: { kind: "draft"; revision: number } | { kind: "version"; version: number };
  currency: string;
  sessions: number;
  billedTotal: string;
  newTotal: string;
  difference: string;
  billedMargin: string;
  newMargin: string;
  histogram: { from: string; to: string; count: number }[];
  changed: { sessionId: string; billed: string; new: string; difference: string }[];
  failed: { sessionId: string; reason: string }[];
}

export interface BacktestDeps {
  rules: RulesService;
  records: SessionRecords;
  sandbox?: ScriptSandbox | undefined;
  /** The as-of lookups, for the facts the priced record does not keep (product, subscription, power). */
  masterData?: PipelineMasterData | undefined;
}

/** Followed by a run with progress (see backtest-runs.ts); a hook that throws stops the backtest with its error. */
export interface BacktestHooks {
  /** Once the sessions are selected, and after each session re-priced: `done` of `total`. */
  onProgress?: (done: number, total: number) => Promise<void> | void;
}

export async function runBacktest(
  deps: BacktestDeps,
  rulesetId: string,
  target: BacktestTarget,
  scope: BacktestScope,
  hooks: BacktestHooks = {},
): Promise<BacktestResult> {
  const { content, resolvedTarget } = await resolveBacktestTarget(deps, rulesetId, target);
  let compiled: CompiledRuleset;
  try {
    compiled = await compileRuleset(content);
  } catch (error) {
    if (error instanceof RulesetCompileError) {
      throw new RulesError("invalid-ruleset", "The rule set cannot be evaluated.");
    }
    throw error;
  }
  const currency = content.currency.toUpperCase();
  const digits = minorUnits(currency);
  const revisions = await selectRevisions(deps.records, rulesetId, scope);
  await hooks.onProgress?.(0, revisions.length);

  let billedTotal = new Dec(0);
  let newTotal = new Dec(0);
  let billedMargin = new Dec(0);
  const diffs: Dec[] = [];
  const changed: BacktestResult["changed"] = [];
  const failed: BacktestResult["failed"] = [];
  for (const [index, revision] of revisions.entries()) {
    const outcome = await reprice(compiled, revision, currency, deps);
    await hooks.onProgress?.(index + 1, revisions.length);
    if (!outcome.ok) {
      failed.push({ sessionId: revision.sessionId, reason: outcome.reason });
      continue;
    }
    const priced = revision.priced as NonNullable<SessionRevision["priced"]>;
    const billed = new Dec(priced.sales.exclVat);
    const diff = outcome.amount.minus(billed);
    billedTotal = billedTotal.plus(billed);
    newTotal = newTotal.plus(outcome.amount);
    billedMargin = billedMargin.plus(new Dec(priced.totals.marginExclVat));
    diffs.push(diff);
    if (!diff.isZero()) {
      changed.push({
        sessionId: revision.sessionId,
        billed: billed.toFixed(digits),
        new: outcome.amount.toFixed(digits),
        difference: diff.toFixed(digits),
      });
    }
  }
  changed.sort((a, b) => new Dec(b.difference).abs().cmp(new Dec(a.difference).abs()));
  const difference = newTotal.minus(billedTotal);
  return {
    rulesetId,
    target: resolvedTarget,
    currency,
    sessions: diffs.length,
    billedTotal: billedTotal.toFixed(digits),
    newTotal: newTotal.toFixed(digits),
    difference: difference.toFixed(digits),
    billedMargin: billedMargin.toFixed(digits),
    newMargin: billedMargin.plus(difference).toFixed(digits),
    histogram: histogramOf(diffs, digits),
    changed: changed.slice(0, MAX_CHANGED),
    failed,
  };
}

/**
 * The draft or version to price with; a RulesError when the rule set, draft or version does not exist or the rule
 * set prices the purchase side (so that a run can be refused before it is queued).
 */
export async function resolveBacktestTarget(
  deps: Pick<BacktestDeps, "rules">,
  rulesetId: string,
  target: BacktestTarget,
): Promise<{ content: Ruleset; resolvedTarget: BacktestResult["target"] }> {
  let content: Ruleset;
  let resolvedTarget: BacktestResult["target"];
  if ("draft" in target) {
    const draft = await deps.rules.getDraft(rulesetId);
    content = draft.content;
    resolvedTarget = { kind: "draft", revision: draft.revision };
  } else {
    const version = await deps.rules.getVersion(rulesetId, target.version);
    content = version.content;
    resolvedTarget = { kind: "version", version: version.version };
  }
  if (content.side !== "sales") {
    throw new RulesError("bad-request", `Rule set "${rulesetId}" prices the purchase side; backtests compare sales.`);
  }
  return { content, resolvedTarget };
}

/** The current priced revisions whose sales side used `rulesetId`: the newest `last`, or those starting in a period. */
async function selectRevisions(
  records: SessionRecords,
  rulesetId: string,
  scope: BacktestScope,
): Promise<SessionRevision[]> {
  const filter =
    "last" in scope
      ? records.filterOf({ status: "priced" })
      : records.filterOf({ status: "priced", from: scope.from, to: scope.to });
  const heads = await records.sessions.find(filter, { sort: { start: -1, _id: 1 } });
  const out: SessionRevision[] = [];
  for (const head of heads) {
    if (out.length >= BACKTEST_MAX_SESSIONS || ("last" in scope && out.length >= scope.last)) break;
    if (head.currentRevisionId === null) continue;
    const revision = await records.revision(head.currentRevisionId);
    const sales = revision?.priced?.sales;
    if (!revision || !sales || sales.source !== "ruleset" || sales.ruleset?.rulesetId !== rulesetId) continue;
    out.push(revision);
  }
  return out;
}

type Repriced = { ok: true; amount: Dec } | { ok: false; reason: string };

async function reprice(
  compiled: CompiledRuleset,
  revision: SessionRevision,
  currency: string,
  deps: BacktestDeps,
): Promise<Repriced> {
  const priced = revision.priced as NonNullable<SessionRevision["priced"]>;
  const { input } = revision;
  const parsed = parseInput(input.format, input.payload, input.sourceParty, input.sessionId);
  if (!parsed.ok) return { ok: false, reason: "the stored input can no longer be read" };
  const session = parsed.value.session;
  let purchaseCost: string | undefined;
  if (priced.purchase.currency.toUpperCase() === currency) purchaseCost = priced.purchase.exclVat;
  else if (priced.totals.currency.toUpperCase() === currency) purchaseCost = priced.totals.purchaseExclVat;
  else return { ok: false, reason: `the purchase cost is not in ${currency}` };
  const evaluationInput: EvaluationInput = {
    session,
    facts: await factsOf(priced, parsed.value, deps.masterData),
    purchaseCost: { exclVat: purchaseCost },
  };
  try {
    const evaluation = await compiled.evaluate(evaluationInput, {
      at: session.start,
      ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
    });
    if (evaluation.status === "dropOut" || !evaluation.totals) {
      const d = evaluation.dropOut;
      return {
        ok: false,
        reason: d ? `${d.ruleId ? `rule ${d.ruleId}: ` : ""}${d.reason} — ${d.message}` : "no totals",
      };
    }
    return { ok: true, amount: new Dec(evaluation.totals.exclVat) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function factsOf(
  priced: NonNullable<SessionRevision["priced"]>,
  parsed: ParsedSession,
  md: PipelineMasterData | undefined,
): Promise<SessionFacts> {
  const [countryCode, partyId] = priced.cpo.split("*") as [string, string];
  const at = parsed.session.start;
  const l = parsed.location;
  const [contract, location] = md
    ? await Promise.all([
        md.contract(priced.contractId, at).catch(() => null),
        md
          .location(
            {
              cpo: priced.cpo,
              ...(l.id ? { locationId: l.id } : {}),
              ...(l.evseUid ? { evseUid: l.evseUid } : {}),
              ...(l.evseId ? { evseId: l.evseId } : {}),
            },
            at,
          )
          .catch(() => null),
      ])
    : [null, null];
  const powerType = location?.powerType ?? l.powerType;
  const maxPowerKw = location?.maxPowerKw ?? l.maxPowerKw;
  const tokenType = TOKEN_TYPES.find((t) => t === parsed.token.type);
  return {
    cpo: { countryCode, partyId },
    ...(priced.session.country ? { country: priced.session.country } : {}),
    ...(powerType ? { powerType } : {}),
    ...(maxPowerKw ? { maxPowerKw } : {}),
    token: {
      uid: priced.tokenUid,
      ...(tokenType ? { type: tokenType } : {}),
      contractId: parsed.token.contractId ?? priced.contractId,
    },
    ...(contract?.product ? { product: contract.product } : {}),
    ...(contract?.subscription ? { subscription: contract.subscription } : {}),
    ...(priced.session.locationId ? { locationId: priced.session.locationId } : {}),
    ...(priced.session.evseId ? { evseId: priced.session.evseId } : {}),
  };
}

/**
 * Per-session differences in equal buckets from the smallest: at most ten, each a whole number of minor units wide
 * (so that the bounds read as amounts), the last one holding the largest.
 */
function histogramOf(diffs: readonly Dec[], digits: number): BacktestResult["histogram"] {
  if (diffs.length === 0) return [];
  const min = Dec.min(...diffs);
  const max = Dec.max(...diffs);
  if (min.eq(max)) return [{ from: min.toFixed(digits), to: max.toFixed(digits), count: diffs.length }];
  const unit = new Dec(1).div(new Dec(10).pow(digits));
  const width = Dec.max(unit, max.minus(min).div(BUCKETS).div(unit).ceil().times(unit));
  const n = Math.min(BUCKETS, max.minus(min).div(width).floor().toNumber() + 1);
  const counts = new Array<number>(n).fill(0);
  for (const d of diffs) {
    const i = Math.min(n - 1, d.minus(min).div(width).floor().toNumber());
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => ({
    from: min.plus(width.times(i)).toFixed(digits),
    to: min.plus(width.times(i + 1)).toFixed(digits),
    count,
  }));
}
