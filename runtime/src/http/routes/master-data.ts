// /api/v1/master-data: administrations, parties, roaming agreements, customers, contracts, subscriptions, tokens,
// locations and home charge points, each versioned in time. Lists and lookups "as of" (validAt, knownAt); create,
// change from a date (past, now or future), terminate, correct, withdraw; history and audit trail. Viewers read,
// editors write.
import type { Context } from "hono";
import { z } from "zod";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import {
  type Actor,
  type AsOf,
  ENTITY_PATHS,
  ENTITY_TYPES,
  type EntityType,
  entityId,
  entityRules,
  entityTypeOfPath,
  isoInstant,
  type MasterData,
  MasterDataError,
  VERSION_ACTIONS,
} from "../../master-data/index.ts";
import type { RouteModule } from "../app.ts";
import { type FieldError, HttpProblem } from "../problem.ts";
import { validate, validBody, validQuery } from "../validate.ts";

const BASE = "/api/v1/master-data";

const TITLES: Record<MasterDataError["code"], string> = {
  "not-found": "Not found",
  conflict: "Conflict",
  invalid: "The request is not valid",
};

/** A MasterDataError as problem JSON; issue paths are put under `root` ("body", "query"). */
function problemOf(error: MasterDataError, root: string): HttpProblem {
  const errors: FieldError[] = error.issues.map((i) => ({ path: `${root}.${i.path}`, message: i.message }));
  return new HttpProblem({
    slug: error.code === "invalid" ? "validation" : error.code,
    title: TITLES[error.code],
    status: error.status,
    detail: error.message,
    ...(errors.length > 0 ? { errors } : {}),
  });
}

async function mapErrors<T>(root: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MasterDataError) throw problemOf(error, root);
    throw error;
  }
}

function actorOf(c: Context): Actor {
  const principal = c.get("principal" as never) as Principal;
  return { id: principal.keyId, name: principal.name, role: principal.role, via: "api" };
}

function entityOf(c: Context): EntityType {
  const segment = c.req.param("entity") ?? "";
  const type = entityTypeOfPath(segment);
  if (type === undefined) {
    throw HttpProblem.notFound(
      `No master data entity "${segment}"; one of: ${ENTITY_TYPES.map((t) => ENTITY_PATHS[t]).join(", ")}`,
    );
  }
  return type;
}

function idOf(c: Context): string {
  return validate(entityId, c.req.param("id"), "path.id");
}

const reason = z.string().trim().max(2000);
const requiredReason = z.string().trim().min(1, { error: "say why (a reason is required)" }).max(2000);
const version = z.number({ error: "expected a version number" }).int().positive();
const expectedVersion = version.optional();
const patch = z.record(z.string(), z.unknown(), { error: "expected an object with the fields to change" });

const createBody = z.strictObject({
  id: entityId.optional(),
  validFrom: isoInstant,
  data: z.record(z.string(), z.unknown(), { error: "expected the entity's data as an object" }),
  reason: reason.optional(),
});
const changeBody = z.strictObject({
  effectiveFrom: isoInstant,
  data: patch,
  reason: reason.optional(),
  expectedVersion,
});
const terminateBody = z.strictObject({ effectiveFrom: isoInstant, reason: reason.optional(), expectedVersion });
const correctBody = z
  .strictObject({
    version,
    data: patch.optional(),
    validFrom: isoInstant.optional(),
    reason: requiredReason,
    expectedVersion,
  })
  .refine((b) => b.data !== undefined || b.validFrom !== undefined, {
    error: "give the corrected `data`, a corrected `validFrom`, or both",
  });
const withdrawBody = z.strictObject({ version, reason: requiredReason, expectedVersion });
const replaceBody = z.strictObject({
  effectiveFrom: isoInstant,
  token: z.strictObject({
    id: entityId.optional(),
    uid: z.string().min(1),
    type: z.enum(["RFID", "APP_USER", "AD_HOC_USER", "OTHER"]).optional(),
    visualNumber: z.string().max(64).optional(),
    contractId: entityId.optional(),
  }),
  reason: reason.optional(),
});

const asOfQuery = { validAt: isoInstant.optional(), knownAt: isoInstant.optional() };
const listQuery = z.object({
  ...asOfQuery,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const getQuery = z.strictObject(asOfQuery);
const historyQuery = z.strictObject({ knownAt: isoInstant.optional() });
const auditQuery = z.strictObject({
  entityType: z
    .string()
    .refine((s) => entityTypeOfPath(s) !== undefined, {
      error: `expected one of ${ENTITY_TYPES.map((t) => ENTITY_PATHS[t]).join(", ")}`,
    })
    .transform((s) => entityTypeOfPath(s) as EntityType)
    .optional(),
  entityId: entityId.optional(),
  by: z.string().min(1).optional(),
  action: z.enum(VERSION_ACTIONS).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const asOf = (q: { validAt?: string | undefined; knownAt?: string | undefined }): AsOf => ({
  validAt: q.validAt,
  knownAt: q.knownAt,
});

/** The list filters of the query string (everything but the paging and as-of parameters), checked per entity. */
function filtersOf(c: Context, type: EntityType): Record<string, string> {
  const known = entityRules[type].filters;
  const where: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(c.req.query())) {
    if (name in listQuery.shape) continue;
    if (!(name in known)) {
      errors.push({
        path: `query.${name}`,
        message: `unknown filter for ${ENTITY_PATHS[type]}; filters: ${Object.keys(known).join(", ")}`,
      });
    } else where[name] = value;
  }
  if (errors.length > 0) throw HttpProblem.badRequest(`${errors[0]?.path}: ${errors[0]?.message}`, errors);
  return where;
}

export function masterDataRoutes(service: MasterData, apiKeys: ApiKeys): RouteModule {
  const viewer = requireRole(apiKeys, "viewer");
  const editor = requireRole(apiKeys, "editor");
  return (app) => {
    // Fixed paths first: they would otherwise be read as an entity name.
    app.get(`${BASE}/audit`, viewer, async (c) => {
      const q = validQuery(c, auditQuery);
      const entries = await mapErrors("query", () => service.audit(q));
      return c.json({ entries });
    });

    app.post(`${BASE}/tokens/:id/replace`, editor, async (c) => {
      const id = idOf(c);
      const body = await validBody(c, replaceBody);
      const result = await mapErrors("body", () => service.tokens.replace(id, body, actorOf(c)));
      c.header("Location", `${BASE}/tokens/${result.replacement.entityId}`);
      return c.json(result, 201);
    });

    app.get(`${BASE}/tokens/:id/chain`, viewer, async (c) => {
      const id = idOf(c);
      const q = validQuery(c, historyQuery);
      const chain = await mapErrors("query", () => service.tokens.chain(id, { knownAt: q.knownAt ?? null }));
      return c.json({ tokenId: id, chain });
    });

    app.get(`${BASE}/:entity`, viewer, async (c) => {
      const type = entityOf(c);
      const q = validQuery(c, listQuery);
      const where = filtersOf(c, type);
      const point = service.repository.asOf(asOf(q));
      const result = await mapErrors("query", () =>
        service.entity(type).list({ where, asOf: point, limit: q.limit, offset: q.offset }),
      );
      return c.json({
        entityType: type,
        validAt: point.validAt.toISOString(),
        knownAt: point.knownAt?.toISOString() ?? null,
        total: result.total,
        limit: q.limit,
        offset: q.offset,
        items: result.items,
      });
    });

    app.post(`${BASE}/:entity`, editor, async (c) => {
      const type = entityOf(c);
      const body = await validBody(c, createBody);
      const result = await mapErrors("body", () =>
        service.entity(type).create({ ...body, data: body.data as never }, actorOf(c)),
      );
      c.header("Location", `${BASE}/${ENTITY_PATHS[type]}/${result.entityId}`);
      return c.json(result, 201);
    });

    app.get(`${BASE}/:entity/:id`, viewer, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const q = validQuery(c, getQuery);
      const point = service.repository.asOf(asOf(q));
      const found = await mapErrors("query", () => service.entity(type).get(id, point));
      if (found) return c.json(found);
      const exists = await service.repository.exists(type, id);
      const when = `${point.validAt.toISOString()}${point.knownAt ? ` as known at ${point.knownAt.toISOString()}` : ""}`;
      throw HttpProblem.notFound(exists ? `${type} "${id}" is not valid at ${when}` : `No ${type} "${id}"`);
    });

    app.get(`${BASE}/:entity/:id/history`, viewer, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const q = validQuery(c, historyQuery);
      return c.json(await mapErrors("query", () => service.entity(type).history(id, { knownAt: q.knownAt ?? null })));
    });

    app.get(`${BASE}/:entity/:id/audit`, viewer, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      validQuery(c, z.strictObject({}));
      if (!(await service.repository.exists(type, id))) throw HttpProblem.notFound(`No ${type} "${id}"`);
      return c.json({ entries: await service.entity(type).audit(id) });
    });

    app.get(`${BASE}/:entity/:id/versions/:version`, viewer, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const n = validate(z.coerce.number().pipe(version), c.req.param("version"), "path.version");
      const record = await service.entity(type).version(id, n);
      if (!record) throw HttpProblem.notFound(`${type} "${id}" has no version ${n}`);
      return c.json(record);
    });

    app.post(`${BASE}/:entity/:id/changes`, editor, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const body = await validBody(c, changeBody);
      return c.json(
        await mapErrors("body", () =>
          service.entity(type).change(id, { ...body, data: body.data as never }, actorOf(c)),
        ),
      );
    });

    app.post(`${BASE}/:entity/:id/terminate`, editor, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const body = await validBody(c, terminateBody);
      return c.json(await mapErrors("body", () => service.entity(type).terminate(id, body, actorOf(c))));
    });

    app.post(`${BASE}/:entity/:id/corrections`, editor, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const body = await validBody(c, correctBody);
      return c.json(
        await mapErrors("body", () =>
          service
            .entity(type)
            .correct(id, { ...body, ...(body.data !== undefined ? { data: body.data as never } : {}) }, actorOf(c)),
        ),
      );
    });

    app.post(`${BASE}/:entity/:id/withdrawals`, editor, async (c) => {
      const type = entityOf(c);
      const id = idOf(c);
      const body = await validBody(c, withdrawBody);
      return c.json(await mapErrors("body", () => service.entity(type).withdraw(id, body, actorOf(c))));
    });
  };
}
