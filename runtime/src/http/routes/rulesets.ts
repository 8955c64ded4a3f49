// /api/v1/rulesets and /api/v1/rules: rule sets, drafts, versions (publish, schedule, cancel, rollback), diff,
// simulation, validation, Blockly compilation and the audit trail. Viewers read; editors draft, validate and
// simulate; admins publish, cancel and roll back.
import { blockDefinitions, voltrateToolbox } from "@voltrate/sdk/blockly";
import { type AmountJson, amountJsonSchema, ID_PATTERN, type SessionFacts } from "@voltrate/sdk/rules";
import type { Context } from "hono";
import { z } from "zod";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import type { PipelineMasterData } from "../../pipeline/ports.ts";
import { parseJsonPreservingNumbers } from "../../protocols/ocpi/index.ts";
import { compileWorkspace } from "../../rules/blockly/compile.ts";
import { inputFromCdr, inputFromSessionJson, parseFactsJson } from "../../rules/files/index.ts";
import {
  type Actor,
  AUDIT_ACTIONS,
  type ContentRef,
  isIanaZone,
  RulesError,
  type RulesIssue,
  type RulesService,
} from "../../rules/versions/index.ts";
import type { RouteModule } from "../app.ts";
import { type FieldError, HttpProblem } from "../problem.ts";
import { validate, validBody, validQuery } from "../validate.ts";
import { type StoredSessions, storedSessionInput } from "./simulate-session.ts";

export interface RulesRoutesOptions {
  service: RulesService;
  apiKeys: ApiKeys;
  /** The stored sessions, for simulating one by `sessionId` (without them such a request is answered 404). */
  sessions?: StoredSessions;
  /** The as-of master data, for the facts of a stored session (product, subscription, power). */
  masterData?: PipelineMasterData;
}

const TITLES: Record<RulesError["code"], string> = {
  "not-found": "Not found",
  conflict: "Conflict",
  "invalid-ruleset": "The rule set is not valid",
  "bad-request": "The request cannot be carried out",
};

function fieldErrors(issues: readonly RulesIssue[], prefix: string): FieldError[] {
  return issues.map((i) => ({
    path: i.path === "" ? prefix : i.path === "blockly" ? "body.blockly" : `${prefix}.${i.path}`,
    message: i.line !== undefined ? `${i.line}:${i.column ?? 1} ${i.code ? `${i.code} ` : ""}${i.message}` : i.message,
  }));
}

/** A RulesError as problem JSON: errors[] for each issue, the full issues (lines, blocks) as an extension. */
function problemOf(error: RulesError, prefix = "content"): HttpProblem {
  const errors: FieldError[] =
    error.field !== undefined
      ? [{ path: `body.${error.field}`, message: error.message }]
      : fieldErrors(error.issues, prefix);
  return new HttpProblem({
    slug: error.code,
    title: TITLES[error.code],
    status: error.status,
    detail: error.message,
    ...(errors.length > 0 ? { errors } : {}),
    ...(error.issues.length > 0 ? { extensions: { issues: error.issues } } : {}),
  });
}

async function mapErrors<T>(work: () => Promise<T>, prefix?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RulesError) throw problemOf(error, prefix);
    throw error;
  }
}

function actorOf(c: Context): Actor {
  const principal = c.get("principal" as never) as Principal & { via?: string; userId?: string };
  if (principal.via === "session" && principal.userId !== undefined) {
    return { id: `user:${principal.userId}`, name: principal.name, role: principal.role, via: "studio" };
  }
  return { id: principal.keyId, name: principal.name, role: principal.role, via: "api" };
}

const rulesetIdParam = z.string().regex(ID_PATTERN, { error: "expected a rule set id" });
const versionParam = z.coerce
  .number({ error: "expected a version number" })
  .int({ error: "expected a whole version number" })
  .positive({ error: "expected a version number from 1" });

function params(c: Context): { id: string } {
  return { id: validate(rulesetIdParam, c.req.param("id"), "path.id") };
}

function versionOf(c: Context): number {
  return validate(versionParam, c.req.param("version"), "path.version");
}

const comment = z.string().trim().min(1, { error: "say why (a comment is required)" }).max(2000);
const isoInstant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 instant (2025-03-01T00:00:00Z)" });
const timeZone = z.string().refine(isIanaZone, { error: "expected an IANA time zone such as Europe/Amsterdam" });

const contentRef = z
  .string()
  .regex(/^(\d+|active|draft|draft:\d+)$/, {
    error: 'expected a version number, "active", "draft" or "draft:<revision>"',
  })
  .transform((s): ContentRef => (/^\d+$/.test(s) ? Number(s) : (s as ContentRef)));

const effective = {
  effectiveFrom: z.string().min(1).describe("ISO 8601: with an offset, or a local date-time with timeZone").optional(),
  timeZone: timeZone.optional(),
  allowRetroactive: z.boolean().optional(),
};

const createSchema = z.strictObject({ ruleset: z.unknown(), comment: z.string().max(2000).optional() });
const draftSchema = z
  .strictObject({
    content: z.unknown().optional(),
    blockly: z.unknown().optional(),
    baseRevision: z.number().int().nonnegative().optional(),
    comment: z.string().max(2000).optional(),
  })
  .refine((b) => b.content !== undefined || b.blockly !== undefined, {
    error: "send the rule set as `content`, or its rules as a `blockly` workspace",
  });
const validateSchema = z.strictObject({ content: z.unknown().optional() });
const publishSchema = z.strictObject({
  draftRevision: z.number().int().positive().optional(),
  comment,
  ...effective,
});
const rollbackSchema = z.strictObject({ toVersion: z.number().int().positive(), comment, ...effective });
const cancelSchema = z.strictObject({ comment });
const diffQuery = z.strictObject({
  from: contentRef,
  to: contentRef,
  format: z.enum(["json", "text"]).default("json"),
});
const resolveQuery = z.strictObject({ validAt: isoInstant, knownAt: isoInstant.optional() });
const auditQuery = z.strictObject({
  action: z.enum(AUDIT_ACTIONS as [string, ...string[]]).optional(),
  version: z.coerce.number().int().positive().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const listQuery = z.strictObject({
  administrationId: z.string().min(1).optional(),
  side: z.enum(["sales", "purchase"]).optional(),
});
const draftQuery = z.strictObject({ revision: z.coerce.number().int().positive().optional() });
const simulateSchema = z
  .strictObject({
    version: z.union([z.number().int().positive(), contentRef]).optional(),
    validAt: isoInstant.optional(),
    knownAt: isoInstant.optional(),
    session: z.unknown().optional(),
    cdr: z.unknown().optional(),
    sessionId: z.string().min(1).max(200).optional(),
    facts: z.unknown().optional(),
    purchaseCost: amountJsonSchema.optional(),
  })
  .refine((b) => [b.session, b.cdr, b.sessionId].filter((x) => x !== undefined).length === 1, {
    error:
      "send exactly one of `session` (the JSON session form), `cdr` (an OCPI CDR) or `sessionId` (a stored session)",
  })
  .refine((b) => b.version === undefined || (b.validAt === undefined && b.knownAt === undefined), {
    error: "choose the version either by `version` or by `validAt`/`knownAt`, not both",
  });
type SimulateBody = z.infer<typeof simulateSchema>;
const scriptSchema = z.strictObject({ source: z.string().max(200_000, { error: "at most 200,000 characters" }) });
const compileSchema = z.strictObject({
  workspace: z.unknown(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .optional(),
  scriptNames: z.array(z.string()).optional(),
});
const toolboxQuery = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { error: "expected an ISO 4217 code" })
    .optional(),
});

function issuesProblem(
  issues: readonly { path: string; message: string }[],
  root: string,
  detail: string,
): HttpProblem {
  return HttpProblem.badRequest(
    detail,
    issues.map((i) => ({ path: i.path === "" ? root : `${root}.${i.path}`.replace(".[", "["), message: i.message })),
  );
}

/** The rules API. Mount it with the rules service and the API keys. */
export function rulesRoutes(options: RulesRoutesOptions): RouteModule {
  const { service, apiKeys } = options;
  const viewer = requireRole(apiKeys, "viewer");
  const editor = requireRole(apiKeys, "editor");
  const admin = requireRole(apiKeys, "admin");

  function simulationTarget(body: SimulateBody, defaultValidAt?: Date): Parameters<RulesService["simulate"]>[1] {
    const target: Parameters<RulesService["simulate"]>[1] = {};
    if (body.version !== undefined) target.ref = body.version;
    if (body.validAt) target.validAt = new Date(body.validAt);
    else if (body.version === undefined && defaultValidAt) target.validAt = defaultValidAt;
    if (body.knownAt) target.knownAt = new Date(body.knownAt);
    return target;
  }

  /** Simulates a stored session: its current revision's input, the version in effect at its start by default. */
  async function simulateStored(
    id: string,
    body: SimulateBody,
    extra: { facts?: unknown; purchaseCost?: AmountJson },
  ): Promise<Record<string, unknown>> {
    const header = await mapErrors(() => service.getRuleset(id));
    let facts: SessionFacts | undefined;
    if (body.facts !== undefined) {
      const parsedFacts = parseFactsJson(body.facts);
      if (!parsedFacts.ok) throw issuesProblem(parsedFacts.issues, "body.facts", "The facts are not valid.");
      facts = parsedFacts.value;
    }
    const sessionId = body.sessionId as string;
    const stored = options.sessions
      ? await storedSessionInput(options.sessions, options.masterData, sessionId, header.currency, {
          ...(facts ? { facts } : {}),
          ...(extra.purchaseCost ? { purchaseCost: extra.purchaseCost } : {}),
        })
      : ({ ok: false, status: 404, detail: "This runtime keeps no sessions to simulate." } as const);
    if (!stored.ok) {
      const slug = stored.status === 404 ? "not-found" : stored.status === 409 ? "conflict" : "unprocessable";
      const title = stored.status === 404 ? "Not found" : "The session cannot be simulated";
      throw new HttpProblem({ slug, title, status: stored.status, detail: stored.detail });
    }
    const target = simulationTarget(body, new Date(stored.storedSession.start));
    const result = await mapErrors(() => service.simulate(id, target, stored.input));
    return { ...result, source: stored.source, warnings: stored.warnings, storedSession: stored.storedSession };
  }

  return (app) => {
    app.get("/api/v1/rulesets", viewer, async (c) => {
      const q = validQuery(c, listQuery);
      return c.json({ rulesets: await service.listRulesets(q) });
    });

    app.post("/api/v1/rulesets", editor, async (c) => {
      const body = await validBody(c, createSchema);
      const created = await mapErrors(
        () => service.createRuleset(body.ruleset, actorOf(c), body.comment),
        "body.ruleset",
      );
      c.header("Location", `/api/v1/rulesets/${encodeURIComponent(created.id)}`);
      return c.json(created, 201);
    });

    app.get("/api/v1/rulesets/:id", viewer, async (c) => {
      const { id } = params(c);
      return c.json(await mapErrors(() => service.getRuleset(id)));
    });

    app.get("/api/v1/rulesets/:id/versions/:version", viewer, async (c) => {
      const { id } = params(c);
      const version = versionOf(c);
      return c.json(await mapErrors(() => service.getVersion(id, version)));
    });

    app.get("/api/v1/rulesets/:id/resolve", viewer, async (c) => {
      const { id } = params(c);
      const q = validQuery(c, resolveQuery);
      const validAt = new Date(q.validAt);
      const knownAt = q.knownAt ? new Date(q.knownAt) : service.now();
      const version = await mapErrors(async () => {
        await service.getRuleset(id);
        return service.resolveVersion(id, validAt, knownAt);
      });
      return c.json({ rulesetId: id, validAt: validAt.toISOString(), knownAt: knownAt.toISOString(), version });
    });

    app.get("/api/v1/rulesets/:id/draft", viewer, async (c) => {
      const { id } = params(c);
      const q = validQuery(c, draftQuery);
      return c.json(await mapErrors(() => service.getDraft(id, q.revision)));
    });

    app.get("/api/v1/rulesets/:id/draft/revisions", viewer, async (c) => {
      const { id } = params(c);
      return c.json({ revisions: await mapErrors(() => service.draftHistory(id)) });
    });

    app.put("/api/v1/rulesets/:id/draft", editor, async (c) => {
      const { id } = params(c);
      const body = await validBody(c, draftSchema);
      const draft = await mapErrors(
        () =>
          service.saveDraft(
            id,
            {
              content: body.content,
              blockly: body.blockly,
              baseRevision: body.baseRevision,
              comment: body.comment,
            },
            actorOf(c),
          ),
        "body.content",
      );
      return c.json(draft);
    });

    app.post("/api/v1/rulesets/:id/validate", editor, async (c) => {
      const { id } = params(c);
      const text = await c.req.text();
      const body = validate(validateSchema, text.trim() === "" ? {} : JSON.parse(text), "body");
      const content = body.content ?? (await mapErrors(() => service.getDraft(id))).content;
      return c.json(await service.validate(content));
    });

    app.post("/api/v1/rulesets/:id/publish", admin, async (c) => {
      const { id } = params(c);
      const body = await validBody(c, publishSchema);
      const version = await mapErrors(() => service.publish(id, body, actorOf(c)), "draft");
      c.header("Location", `/api/v1/rulesets/${encodeURIComponent(id)}/versions/${version.version}`);
      return c.json(version, 201);
    });

    app.post("/api/v1/rulesets/:id/versions/:version/cancel", admin, async (c) => {
      const { id } = params(c);
      const version = versionOf(c);
      const body = await validBody(c, cancelSchema);
      return c.json(await mapErrors(() => service.cancelScheduled(id, version, body.comment, actorOf(c))));
    });

    app.post("/api/v1/rulesets/:id/rollback", admin, async (c) => {
      const { id } = params(c);
      const body = await validBody(c, rollbackSchema);
      const version = await mapErrors(() => service.rollback(id, body, actorOf(c)), "version");
      c.header("Location", `/api/v1/rulesets/${encodeURIComponent(id)}/versions/${version.version}`);
      return c.json(version, 201);
    });

    app.get("/api/v1/rulesets/:id/diff", viewer, async (c) => {
      const { id } = params(c);
      const q = validQuery(c, diffQuery);
      const diff = await mapErrors(() => service.diff(id, q.from, q.to));
      if (q.format === "text") return c.text(diff.text);
      return c.json(diff);
    });

    app.post("/api/v1/rulesets/:id/simulate", editor, async (c) => {
      const { id } = params(c);
      // Numbers in a CDR are read from their source text, so that decimals arrive exactly.
      const text = await c.req.text();
      const body = validate(simulateSchema, JSON.parse(text), "body");
      const extra: { facts?: unknown; purchaseCost?: AmountJson } = {};
      if (body.purchaseCost) extra.purchaseCost = body.purchaseCost;
      if (body.sessionId !== undefined) return c.json(await simulateStored(id, body, extra));
      let loaded: Awaited<ReturnType<typeof inputFromSessionJson>>;
      if (body.cdr !== undefined) {
        let facts: SessionFacts | undefined;
        if (body.facts !== undefined) {
          const parsedFacts = parseFactsJson(body.facts);
          if (!parsedFacts.ok) throw issuesProblem(parsedFacts.issues, "body.facts", "The facts are not valid.");
          facts = parsedFacts.value;
        }
        const cdr = (parseJsonPreservingNumbers(text) as { cdr: unknown }).cdr;
        loaded = inputFromCdr(cdr, {
          ...(facts !== undefined ? { facts } : {}),
          ...(extra.purchaseCost ? { purchaseCost: extra.purchaseCost } : {}),
        });
        if (!loaded.ok) throw issuesProblem(loaded.issues, "body.cdr", "The CDR cannot be read.");
      } else {
        if (body.facts !== undefined) extra.facts = body.facts;
        loaded = inputFromSessionJson(body.session, extra);
        if (!loaded.ok) {
          const facts = loaded.issues.filter((i) => i.path.startsWith("facts"));
          const session = loaded.issues.filter((i) => !i.path.startsWith("facts"));
          throw HttpProblem.badRequest("The session is not valid.", [
            ...session.map((i) => ({
              path: i.path === "" ? "body.session" : `body.session.${i.path}`,
              message: i.message,
            })),
            ...facts.map((i) => ({ path: `body.${i.path}`, message: i.message })),
          ]);
        }
      }
      const result = await mapErrors(() => service.simulate(id, simulationTarget(body), loaded.value.input));
      return c.json({ ...result, source: loaded.value.source, warnings: loaded.value.warnings });
    });

    app.get("/api/v1/rulesets/:id/audit", viewer, async (c) => {
      const { id } = params(c);
      const q = validQuery(c, auditQuery);
      const entries = await mapErrors(() =>
        service.auditTrail(id, {
          limit: q.limit,
          ...(q.action ? { action: q.action as never } : {}),
          ...(q.version !== undefined ? { version: q.version } : {}),
          ...(q.before !== undefined ? { before: q.before } : {}),
        }),
      );
      const last = entries.at(-1);
      return c.json({
        entries: entries.map(({ _id, ...rest }) => ({ id: _id, ...rest })),
        ...(last && entries.length === q.limit ? { next: `before=${last.seq}` } : {}),
      });
    });

    app.post("/api/v1/rules/validate-script", editor, async (c) => {
      const body = await validBody(c, scriptSchema);
      const diagnostics = await service.scriptDiagnostics(body.source);
      return c.json({ valid: diagnostics.length === 0, diagnostics });
    });

    app.post("/api/v1/rules/blockly/compile", editor, async (c) => {
      const body = await validBody(c, compileSchema);
      const result = compileWorkspace(body.workspace, {
        ...(body.currency ? { currency: body.currency } : {}),
        ...(body.scriptNames ? { scriptNames: body.scriptNames } : {}),
      });
      if (!result.ok) {
        throw new HttpProblem({
          slug: "invalid-workspace",
          title: "The Blockly workspace does not compile",
          status: 422,
          detail: result.errors[0]?.text ?? "invalid workspace",
          errors: result.errors.map((e) => ({ path: "body.workspace", message: e.text })),
          extensions: { issues: result.errors },
        });
      }
      return c.json({ rules: result.rules });
    });

    app.get("/api/v1/rules/blockly/blocks", viewer, (c) => {
      const q = validQuery(c, toolboxQuery);
      return c.json({ blocks: blockDefinitions(), toolbox: voltrateToolbox(q.currency?.toUpperCase()) });
    });
  };
}
