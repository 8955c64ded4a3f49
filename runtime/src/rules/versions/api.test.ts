// The rules REST API over real components (store, scheduler, HTTP app via app.request, API keys).
import { readFileSync } from "node:fs";
import { rulesToWorkspace } from "@voltrate/sdk/blockly";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOpenApi } from "../../http/routes/openapi.ts";
import {
  type RulesHarness,
  sampleRuleset,
  sampleSession,
  startRulesHarness,
  until,
  withNightPrice,
} from "./test-support.ts";

let h: RulesHarness;

beforeEach(async () => {
  h = await startRulesHarness();
});

afterEach(async () => {
  await h.close();
});

type Json = Record<string, unknown> & { errors?: { path: string; message: string }[] };

async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

async function expectProblem(res: Response, status: number, slug: string): Promise<Json> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = await json(res);
  expect(body.type).toBe(`urn:voltrate:problem:${slug}`);
  expect(body.status).toBe(status);
  return body;
}

async function create(): Promise<void> {
  const res = await h.request("/api/v1/rulesets", {
    method: "POST",
    role: "editor",
    json: { ruleset: sampleRuleset() },
  });
  expect(res.status).toBe(201);
}

describe("OpenAPI", () => {
  it("documents every route of the rules API", () => {
    const source = readFileSync(new URL("../../http/routes/rulesets.ts", import.meta.url), "utf8");
    const routes = [...source.matchAll(/app\.(get|post|put|delete)\("([^"]+)"/g)].map(
      ([, method, route]) => [method, (route as string).replace(/:(\w+)/g, "{$1}")] as const,
    );
    expect(routes.length).toBeGreaterThan(15);
    const paths = loadOpenApi().document.paths as Record<string, Record<string, unknown>>;
    for (const [method, route] of routes) expect(paths[route]?.[method as string], `${method} ${route}`).toBeDefined();
  });
});

describe("authorization", () => {
  it("needs a key (401); viewers read, editors draft, admins publish (403 otherwise)", async () => {
    await expectProblem(await h.request("/api/v1/rulesets"), 401, "unauthorized");
    expect((await h.request("/api/v1/rulesets", { role: "viewer" })).status).toBe(200);

    const viewerCreate = await h.request("/api/v1/rulesets", {
      method: "POST",
      role: "viewer",
      json: { ruleset: sampleRuleset() },
    });
    const forbidden = await expectProblem(viewerCreate, 403, "forbidden");
    expect(forbidden.detail).toMatch(/needs the role editor; the key "test viewer" has the role viewer/);
    await create();
    const draft = { content: withNightPrice(sampleRuleset(), "0.27") };
    await expectProblem(
      await h.request("/api/v1/rulesets/msp-test/draft", { method: "PUT", role: "viewer", json: draft }),
      403,
      "forbidden",
    );
    expect(
      (await h.request("/api/v1/rulesets/msp-test/draft", { method: "PUT", role: "editor", json: draft })).status,
    ).toBe(200);
    const publish = { comment: "go" };
    await expectProblem(
      await h.request("/api/v1/rulesets/msp-test/publish", { method: "POST", role: "editor", json: publish }),
      403,
      "forbidden",
    );
    await expectProblem(
      await h.request("/api/v1/rulesets/msp-test/rollback", {
        method: "POST",
        role: "editor",
        json: { toVersion: 1, comment: "x" },
      }),
      403,
      "forbidden",
    );
    expect(
      (await h.request("/api/v1/rulesets/msp-test/publish", { method: "POST", role: "admin", json: publish })).status,
    ).toBe(201);
    const simulate = { version: 1, session: sampleSession("2025-01-15T12:00:00Z") };
    await expectProblem(
      await h.request("/api/v1/rulesets/msp-test/simulate", { method: "POST", role: "viewer", json: simulate }),
      403,
      "forbidden",
    );
    expect(
      (await h.request("/api/v1/rulesets/msp-test/simulate", { method: "POST", role: "editor", json: simulate }))
        .status,
    ).toBe(200);
  });
});

describe("bad input is answered with problem JSON", () => {
  it("names each field", async () => {
    const invalid = sampleRuleset();
    (invalid as unknown as Record<string, unknown>).currency = "euro";
    const res = await h.request("/api/v1/rulesets", { method: "POST", role: "editor", json: { ruleset: invalid } });
    const problem = await expectProblem(res, 422, "invalid-ruleset");
    expect(problem.errors).toEqual([{ path: "body.ruleset.currency", message: "expected an ISO 4217 currency code" }]);

    const malformed = await h.request("/api/v1/rulesets", { method: "POST", role: "editor", body: "{nope" });
    await expectProblem(malformed, 400, "malformed-json");

    await create();
    const noComment = await h.request("/api/v1/rulesets/msp-test/publish", { method: "POST", role: "admin", json: {} });
    expect((await expectProblem(noComment, 400, "validation")).errors?.[0]?.path).toBe("body.comment");

    const badDate = await h.request("/api/v1/rulesets/msp-test/publish", {
      method: "POST",
      role: "admin",
      json: { comment: "x", effectiveFrom: "next tuesday" },
    });
    expect((await expectProblem(badDate, 400, "bad-request")).errors?.[0]?.path).toBe("body.effectiveFrom");

    const badZone = await h.request("/api/v1/rulesets/msp-test/publish", {
      method: "POST",
      role: "admin",
      json: { comment: "x", effectiveFrom: "2030-01-01T00:00", timeZone: "Mars/Olympus" },
    });
    expect((await expectProblem(badZone, 400, "validation")).errors?.[0]?.path).toBe("body.timeZone");

    await expectProblem(
      await h.request("/api/v1/rulesets/msp-test/versions/zero", { role: "viewer" }),
      400,
      "validation",
    );
    await expectProblem(await h.request("/api/v1/rulesets/msp-test/versions/7", { role: "viewer" }), 404, "not-found");
    await expectProblem(await h.request("/api/v1/rulesets/nope", { role: "viewer" }), 404, "not-found");
    const diff = await h.request("/api/v1/rulesets/msp-test/diff?from=1&to=sideways", { role: "viewer" });
    expect((await expectProblem(diff, 400, "validation")).errors?.[0]?.path).toBe("query.to");

    const stale = await h.request("/api/v1/rulesets/msp-test/draft", {
      method: "PUT",
      role: "editor",
      json: { content: sampleRuleset(), baseRevision: 0 },
    });
    await expectProblem(stale, 409, "conflict");

    const sim = await h.request("/api/v1/rulesets/msp-test/simulate", {
      method: "POST",
      role: "editor",
      json: { version: "draft", session: { start: "yesterday" } },
    });
    const simProblem = await expectProblem(sim, 400, "validation");
    expect(simProblem.errors?.map((e) => e.path)).toContain("body.session.start");
  });
});

describe("the rule set lifecycle over HTTP", () => {
  it("create, draft, validate, publish, schedule, cancel, rollback, diff, resolve, audit", async () => {
    await create();
    const list = await json(await h.request("/api/v1/rulesets", { role: "viewer" }));
    expect(list.rulesets).toMatchObject([{ id: "msp-test", openDraftRevision: 1, activeVersion: null }]);

    // Validation: a script with a type error comes back with its line and column.
    const withScript = {
      ...sampleRuleset(),
      scripts: {
        fee: 'import { defineScript } from "voltrate:script";\nexport default defineScript((s) => {\n  return 42;\n});\n',
      },
    };
    const report = await json(
      await h.request("/api/v1/rulesets/msp-test/validate", {
        method: "POST",
        role: "editor",
        json: { content: withScript },
      }),
    );
    expect(report.valid).toBe(false);
    expect((report.issues as { script?: string; line?: number }[])[0]).toMatchObject({
      script: "fee",
      line: 2,
      column: 29,
      code: "TS2345",
    });
    const script = await json(
      await h.request("/api/v1/rules/validate-script", {
        method: "POST",
        role: "editor",
        json: { source: "let x: number = 'a';" },
      }),
    );
    expect(script.valid).toBe(false);
    expect(script.diagnostics).toContainEqual(expect.objectContaining({ line: 1, column: 5, code: "TS2322" }));
    // Without a body: the draft is validated.
    const draftReport = await json(
      await h.request("/api/v1/rulesets/msp-test/validate", { method: "POST", role: "editor" }),
    );
    expect(draftReport).toEqual({ valid: true, issues: [] });

    const v1 = await h.request("/api/v1/rulesets/msp-test/publish", {
      method: "POST",
      role: "admin",
      json: { comment: "first" },
    });
    expect(v1.status).toBe(201);
    expect(v1.headers.get("location")).toBe("/api/v1/rulesets/msp-test/versions/1");
    expect(await json(v1)).toMatchObject({
      version: 1,
      status: "active",
      publishedBy: { name: "test admin", role: "admin" },
    });

    await h.request("/api/v1/rulesets/msp-test/draft", {
      method: "PUT",
      role: "editor",
      json: { content: withNightPrice(sampleRuleset(), "0.28"), baseRevision: 1, comment: "night +3 ct" },
    });
    const soon = new Date(Date.now() + 1500).toISOString();
    const v2 = await json(
      await h.request("/api/v1/rulesets/msp-test/publish", {
        method: "POST",
        role: "admin",
        json: { comment: "night up", effectiveFrom: soon },
      }),
    );
    expect(v2).toMatchObject({ version: 2, status: "scheduled" });
    await until(
      async () => (await json(await h.request("/api/v1/rulesets/msp-test", { role: "viewer" }))).activeVersion === 2,
    );

    // A publication next year, cancelled.
    await h.request("/api/v1/rulesets/msp-test/draft", {
      method: "PUT",
      role: "editor",
      json: { content: withNightPrice(sampleRuleset(), "0.30") },
    });
    const next = new Date().getUTCFullYear() + 1;
    const v3 = await json(
      await h.request("/api/v1/rulesets/msp-test/publish", {
        method: "POST",
        role: "admin",
        json: { comment: "new year", effectiveFrom: `${next}-01-01T00:00`, timeZone: "Europe/Amsterdam" },
      }),
    );
    expect(v3).toMatchObject({ version: 3, status: "scheduled", effectiveFromLocal: `${next}-01-01T00:00:00+01:00` });
    const cancelled = await h.request("/api/v1/rulesets/msp-test/versions/3/cancel", {
      method: "POST",
      role: "admin",
      json: { comment: "not this year" },
    });
    expect(await json(cancelled)).toMatchObject({ version: 3, status: "cancelled", cancelComment: "not this year" });

    const rollback = await h.request("/api/v1/rulesets/msp-test/rollback", {
      method: "POST",
      role: "admin",
      json: { toVersion: 1, comment: "back to the old night rate" },
    });
    expect(await json(rollback)).toMatchObject({
      version: 4,
      status: "active",
      origin: { kind: "rollback", fromVersion: 1 },
    });

    const diffText = await h.request("/api/v1/rulesets/msp-test/diff?from=1&to=2&format=text", { role: "viewer" });
    expect(await diffText.text()).toBe(
      'Changes from version 1 to version 2:\nRule "Night rate": energy price 0.25 → 0.28 EUR/kWh',
    );
    const diff = await json(await h.request("/api/v1/rulesets/msp-test/diff?from=active&to=draft", { role: "viewer" }));
    expect(diff).toMatchObject({ from: "version 4 (active)", to: "draft revision 3", identical: false });
    expect((diff.rules as { changes: { from: string; to: string }[] }[])[0]?.changes[0]).toMatchObject({
      from: "0.25",
      to: "0.30",
    });

    const detail = await json(await h.request("/api/v1/rulesets/msp-test", { role: "viewer" }));
    expect((detail.versions as { version: number; status: string }[]).map((v) => [v.version, v.status])).toEqual([
      [4, "active"],
      [3, "cancelled"],
      [2, "retired"],
      [1, "retired"],
    ]);

    const v2At = (await json(await h.request("/api/v1/rulesets/msp-test/versions/2", { role: "viewer" }))) as {
      effectiveFrom: string;
      recordedAt: string;
    };
    // Just after version 2 took effect, as known right after it was published: version 2.
    const resolved = await json(
      await h.request(
        `/api/v1/rulesets/msp-test/resolve?validAt=${encodeURIComponent(v2At.effectiveFrom)}&knownAt=${encodeURIComponent(v2At.recordedAt)}`,
        { role: "viewer" },
      ),
    );
    expect((resolved.version as { version: number }).version).toBe(2);

    const audit = await json(await h.request("/api/v1/rulesets/msp-test/audit?limit=5", { role: "viewer" }));
    const entries = audit.entries as { action: string; actor: { name: string }; comment?: string; seq: number }[];
    expect(entries.map((e) => e.action)).toEqual([
      "version.activated",
      "version.retired",
      "version.rolled-back",
      "version.cancelled",
      "version.scheduled",
    ]);
    expect(entries[2]).toMatchObject({ actor: { name: "test admin" }, comment: "back to the old night rate" });
    expect(audit.next).toBe(`before=${entries[4]?.seq}`);
    const older = await json(
      await h.request(`/api/v1/rulesets/msp-test/audit?${audit.next}&limit=100`, { role: "viewer" }),
    );
    expect((older.entries as { action: string }[]).map((e) => e.action)).toContain("ruleset.created");
    const drafts = await json(
      await h.request("/api/v1/rulesets/msp-test/audit?action=draft.saved", { role: "viewer" }),
    );
    expect((drafts.entries as { draftRevision: number }[]).map((e) => e.draftRevision)).toEqual([3, 2, 1]);
  });

  it("simulates a session or an OCPI CDR against a version or the draft", async () => {
    await create();
    await h.request("/api/v1/rulesets/msp-test/publish", { method: "POST", role: "admin", json: { comment: "first" } });
    const night = await json(
      await h.request("/api/v1/rulesets/msp-test/simulate", {
        method: "POST",
        role: "editor",
        json: { version: 1, session: sampleSession("2025-01-15T22:30:00Z") },
      }),
    );
    expect(night).toMatchObject({ target: { kind: "version", version: 1 }, source: "session" });
    expect((night.evaluation as { totals: { exclVat: string } }).totals.exclVat).toBe("2.50");

    // A markup rule set priced from a CDR: its total_cost is the purchase cost.
    const markup = sampleRuleset({
      id: "msp-roaming",
      hitPolicy: "first",
      rules: [
        {
          id: "default",
          name: "Roaming elsewhere",
          enabled: true,
          condition: { op: "always" },
          outcome: { type: "markup", factor: "1.15", fixed: "0.35" },
        },
      ],
    });
    await h.request("/api/v1/rulesets", { method: "POST", role: "editor", json: { ruleset: markup } });
    const cdr = JSON.parse(
      readFileSync(new URL("../../protocols/ocpi/fixtures/spec-2.2.1/cdr_example.json", import.meta.url), "utf8"),
    ) as unknown;
    const result = await json(
      await h.request("/api/v1/rulesets/msp-roaming/simulate", {
        method: "POST",
        role: "editor",
        json: { version: "draft", cdr },
      }),
    );
    expect(result).toMatchObject({ target: { kind: "draft", revision: 1 }, source: "ocpi-2.2.1" });
    expect((result.evaluation as { totals: { exclVat: string } }).totals.exclVat).toBe("4.95");
  });

  it("saves a draft edited with Blockly: the workspace is compiled into rules, or refused with pointed errors", async () => {
    await create();
    const edited = withNightPrice(sampleRuleset(), "0.21");
    const built = rulesToWorkspace(edited.rules, "EUR");
    if (!built.ok) throw new Error("not representable");
    const saved = await json(
      await h.request("/api/v1/rulesets/msp-test/draft", {
        method: "PUT",
        role: "editor",
        json: { blockly: built.workspace },
      }),
    );
    expect(saved).toMatchObject({
      revision: 2,
      content: { rules: edited.rules },
      blockly: built.workspace,
      issues: [],
    });
    const diff = await h.request("/api/v1/rulesets/msp-test/diff?from=draft:1&to=draft:2&format=text", {
      role: "viewer",
    });
    expect(await diff.text()).toMatch(/energy price 0.25 → 0.21 EUR\/kWh/);

    const broken = structuredClone(built.workspace);
    const rule = broken.blocks.blocks[0]?.inputs?.RULES?.block;
    if (rule?.inputs) delete rule.inputs.THEN;
    const refused = await h.request("/api/v1/rulesets/msp-test/draft", {
      method: "PUT",
      role: "editor",
      json: { blockly: broken },
    });
    const problem = await expectProblem(refused, 422, "invalid-ruleset");
    expect(problem.issues).toEqual([
      {
        path: "blockly",
        message: `block vr_rule "${rule?.id}" input THEN: missing input: connect a block of type Outcome here`,
        blockId: rule?.id,
        blockType: "vr_rule",
        input: "THEN",
      },
    ]);

    const compiled = await h.request("/api/v1/rules/blockly/compile", {
      method: "POST",
      role: "editor",
      json: { workspace: broken, currency: "EUR" },
    });
    const compileProblem = await expectProblem(compiled, 422, "invalid-workspace");
    expect(compileProblem.errors?.[0]?.message).toMatch(/input THEN: missing input/);
    const ok = await json(
      await h.request("/api/v1/rules/blockly/compile", {
        method: "POST",
        role: "editor",
        json: { workspace: built.workspace },
      }),
    );
    expect(ok.rules).toEqual(edited.rules);
    const blocks = await json(await h.request("/api/v1/rules/blockly/blocks?currency=GBP", { role: "viewer" }));
    expect((blocks.blocks as unknown[]).length).toBeGreaterThan(30);
    expect((blocks.toolbox as { kind: string }).kind).toBe("categoryToolbox");
  });
});
