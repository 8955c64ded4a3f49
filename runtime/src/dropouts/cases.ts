// Drop-out cases: failed sessions grouped by (stage, reason code, party — or rule, or plugin) so that a person fixes
// them in bulk. A case document holds what the group is and when it was seen; which sessions are in it now (and the
// amounts at stake) is read from the sessions themselves, so the counts cannot drift from the sessions.
import { createHash } from "node:crypto";
import type { Collection, PipelineStage, Store } from "@voltrate/sdk";
import { fromMinor } from "../pipeline/money.ts";
import { SESSIONS_COLLECTION, type SessionDoc, summaryOf } from "../pipeline/records.ts";
import type { StageFailure } from "../pipeline/types.ts";
import { type DropOutCaseSummary, REASON_CODES, type ReasonCode, type SessionSummary } from "../pipeline/vocabulary.ts";

export const CASES_COLLECTION = "dropout_cases";

export type DropOutCaseDoc = {
  _id: string;
  stage: PipelineStage;
  code: ReasonCode;
  groupKey: string;
  title: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  totalSessions: number;
  example: string;
};

/** What the grouping needs to know about a failed session. */
export interface GroupingFacts {
  /** The CPO party (else the source party). */
  party: string;
  /** The plugin that dropped the session (PLUGIN_DROPOUT, PLUGIN_HOOK_FAILED). */
  plugin?: string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The third part of a case's identity, by the reason's `groupBy`. */
export function groupKeyOf(failure: StageFailure, facts: GroupingFacts): string {
  const definition = REASON_CODES[failure.code];
  const d = failure.data ?? {};
  if (definition.groupBy === "plugin") {
    return `plugin:${facts.plugin ?? str(d.plugin) ?? "unknown"}:${str(d.pluginCode) ?? failure.code}`;
  }
  if (definition.groupBy === "rule") {
    const ruleset = str(d.rulesetId) ?? `${str(d.side) ?? "unknown"} ruleset`;
    const rule = str(d.ruleId);
    const reason = str(d.rulesetReason);
    return `rule:${ruleset}${rule ? `/${rule}` : ""}${reason ? `:${reason}` : ""}`;
  }
  return `party:${facts.party}`;
}

export function caseIdOf(stage: PipelineStage, code: ReasonCode, groupKey: string): string {
  return `case_${createHash("sha256").update(`${stage}|${code}|${groupKey}`).digest("base64url").slice(0, 20)}`;
}

export interface CaseQuery {
  stage?: PipelineStage;
  code?: string;
  /** Part of the group key, e.g. "NL*ABC" or "msp-nl-retail". */
  group?: string;
  /** open (default): cases with sessions still dropped out; resolved: none left; all. */
  status?: "open" | "resolved" | "all";
  limit?: number;
  offset?: number;
}

type Counts = { open: number; withoutAmount: number; amounts: Map<string, number> };

export class DropOutCases {
  readonly cases: Collection<DropOutCaseDoc>;
  private readonly sessions: Collection<SessionDoc>;

  constructor(store: Store) {
    this.cases = store.collection<DropOutCaseDoc>(CASES_COLLECTION);
    this.sessions = store.collection<SessionDoc>(SESSIONS_COLLECTION);
  }

  async init(): Promise<void> {
    await this.cases.createIndex({ key: { lastSeenAt: -1 }, name: "last_seen" });
  }

  /** Notes that a session dropped out into this case (creating it on first use); returns the case id. */
  async record(stage: PipelineStage, failure: StageFailure, groupKey: string, at: Date): Promise<string> {
    const id = caseIdOf(stage, failure.code, groupKey);
    await this.cases.updateOne(
      { _id: id },
      {
        $setOnInsert: {
          stage,
          code: failure.code,
          groupKey,
          title: `${REASON_CODES[failure.code].title} (${groupKey})`,
          firstSeenAt: at,
        },
        $set: { lastSeenAt: at, example: failure.message },
        $inc: { totalSessions: 1 },
      },
      { upsert: true },
    );
    return id;
  }

  private async counts(caseIds?: string[]): Promise<Map<string, Counts>> {
    const match: Record<string, unknown> = { status: "dropped-out" };
    if (caseIds) match["dropOut.caseId"] = { $in: caseIds };
    const rows = await this.sessions.aggregate<{
      _id: { caseId: string; currency: string | null };
      n: number;
      minor: number;
    }>([
      { $match: match },
      {
        $group: {
          _id: { caseId: "$dropOut.caseId", currency: "$dropOut.amountAtStake.currency" },
          n: { $sum: 1 },
          minor: { $sum: "$dropOut.amountMinor" },
        },
      },
    ]);
    const out = new Map<string, Counts>();
    for (const row of rows) {
      const c = out.get(row._id.caseId) ?? { open: 0, withoutAmount: 0, amounts: new Map<string, number>() };
      c.open += row.n;
      if (row._id.currency) c.amounts.set(row._id.currency, (c.amounts.get(row._id.currency) ?? 0) + row.minor);
      else c.withoutAmount += row.n;
      out.set(row._id.caseId, c);
    }
    return out;
  }

  private summary(doc: DropOutCaseDoc, counts: Counts | undefined): DropOutCaseSummary {
    const open = counts?.open ?? 0;
    return {
      id: doc._id,
      stage: doc.stage,
      code: doc.code,
      groupKey: doc.groupKey,
      title: doc.title,
      openSessions: open,
      totalSessions: doc.totalSessions,
      amountsAtStake: [...(counts?.amounts ?? new Map<string, number>())]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, minor]) => ({ currency, exclVat: fromMinor(minor, currency) })),
      withoutAmount: counts?.withoutAmount ?? 0,
      firstSeenAt: doc.firstSeenAt.toISOString(),
      lastSeenAt: doc.lastSeenAt.toISOString(),
      status: open > 0 ? "open" : "resolved",
      example: doc.example,
    };
  }

  async list(query: CaseQuery = {}): Promise<{ items: DropOutCaseSummary[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (query.stage) filter.stage = query.stage;
    if (query.code) filter.code = query.code;
    const docs = await this.cases.find(filter, { sort: { lastSeenAt: -1, _id: 1 } });
    const group = query.group?.toUpperCase();
    const counts = await this.counts();
    const status = query.status ?? "open";
    const all = docs
      .filter((d) => group === undefined || d.groupKey.toUpperCase().includes(group))
      .map((d) => this.summary(d, counts.get(d._id)))
      .filter((s) => status === "all" || s.status === status);
    const offset = query.offset ?? 0;
    return { items: all.slice(offset, offset + (query.limit ?? 50)), total: all.length };
  }

  async get(id: string): Promise<DropOutCaseSummary | null> {
    const doc = await this.cases.findOne({ _id: id });
    if (!doc) return null;
    return this.summary(doc, (await this.counts([id])).get(id));
  }

  /** The sessions currently dropped out in the case, oldest first. */
  async sessionsOf(
    id: string,
    paging: { limit?: number; offset?: number } = {},
  ): Promise<{ items: SessionSummary[]; total: number }> {
    const filter = { "dropOut.caseId": id, status: "dropped-out" };
    const [docs, total] = await Promise.all([
      this.sessions.find(filter, {
        sort: { receivedAt: 1, _id: 1 },
        skip: paging.offset ?? 0,
        limit: paging.limit ?? 50,
      }),
      this.sessions.countDocuments(filter),
    ]);
    return { items: docs.map(summaryOf), total };
  }
}
