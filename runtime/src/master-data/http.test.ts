// The master data REST API over real HTTP handling (app.request), the real embedded store and real API keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOpenApi } from "../http/routes/openapi.ts";
import { administration, cpo, driver } from "./fixtures.ts";
import { type MasterDataApiContext, startMasterDataApi } from "./test-support.ts";

let api: MasterDataApiContext;
const BASE = "/api/v1/master-data";

// biome-ignore lint/suspicious/noExplicitAny: response JSON is inspected field by field.
type Json = any;

async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

beforeAll(async () => {
  api = await startMasterDataApi();
  // Now is 1 March 2026, 12:00 UTC (the test clock).
  const adm = await api.call("POST", `${BASE}/administrations`, {
    role: "editor",
    body: { id: "adm-nl", validFrom: "2026-01-01T00:00:00+01:00", data: administration },
  });
  expect(adm.status).toBe(201);
  await api.call("POST", `${BASE}/parties`, { role: "editor", body: { validFrom: "2026-01-01T00:00:00Z", data: cpo } });
  await api.call("POST", `${BASE}/customers`, {
    role: "editor",
    body: { id: "cus-1", validFrom: "2026-01-01T00:00:00Z", data: driver("adm-nl") },
  });
  const contract = await api.call("POST", `${BASE}/contracts`, {
    role: "editor",
    body: {
      id: "ctr-1",
      validFrom: "2026-01-01T00:00:00Z",
      data: { customerId: "cus-1", administrationId: "adm-nl", productCode: "FLEX", salesRulesetId: "sales-nl-retail" },
    },
  });
  expect(contract.status).toBe(201);
});
afterAll(async () => {
  await api.close();
});

describe("authentication and roles", () => {
  it("401 without a key, 403 for a viewer writing, 200 for a viewer reading", async () => {
    const anonymous = await api.call("GET", `${BASE}/customers`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
    expect(await json(anonymous)).toMatchObject({ type: "urn:voltrate:problem:unauthorized", status: 401 });

    const viewerWrites = await api.call("POST", `${BASE}/customers/cus-1/changes`, {
      role: "viewer",
      body: { effectiveFrom: "2026-02-01T00:00:00Z", data: { name: "X" } },
    });
    expect(viewerWrites.status).toBe(403);
    expect(await json(viewerWrites)).toMatchObject({ type: "urn:voltrate:problem:forbidden" });

    expect((await api.call("GET", `${BASE}/customers/cus-1`, { role: "viewer" })).status).toBe(200);
    // An admin may do what an editor may.
    const adminWrites = await api.call("POST", `${BASE}/subscriptions`, {
      role: "admin",
      body: { id: "sub-1", validFrom: "2026-02-01T00:00:00Z", data: { contractId: "ctr-1", productCode: "ROAM-EU" } },
    });
    expect(adminWrites.status).toBe(201);
    expect(adminWrites.headers.get("location")).toBe(`${BASE}/subscriptions/sub-1`);
    expect((await json(adminWrites)).versions[0].recordedBy).toMatchObject({
      name: "test admin",
      role: "admin",
      via: "api",
    });
  });
});

describe("validation", () => {
  it("names the field of invalid data", async () => {
    const response = await api.call("POST", `${BASE}/customers`, {
      role: "editor",
      body: {
        validFrom: "2026-01-01T00:00:00Z",
        data: { ...driver("adm-nl"), email: "not-an-address", address: { city: "Utrecht", country: "XX" } },
      },
    });
    expect(response.status).toBe(400);
    const problem = await json(response);
    expect(problem.type).toBe("urn:voltrate:problem:validation");
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual([
      "body.data.email",
      "body.data.address.country",
    ]);
  });

  it("names envelope fields: a date without an offset, an unknown field, a missing reason", async () => {
    const noOffset = await api.call("POST", `${BASE}/customers/cus-1/changes`, {
      role: "editor",
      body: { effectiveFrom: "2026-02-01", data: { name: "X" } },
    });
    expect(noOffset.status).toBe(400);
    expect((await json(noOffset)).errors[0].path).toBe("body.effectiveFrom");

    const unknown = await api.call("POST", `${BASE}/customers/cus-1/terminate`, {
      role: "editor",
      body: { effectiveFrom: "2026-02-01T00:00:00Z", when: "now" },
    });
    expect((await json(unknown)).errors[0].path).toBe("body");

    const noReason = await api.call("POST", `${BASE}/customers/cus-1/corrections`, {
      role: "editor",
      body: { version: 1, data: { name: "Y" } },
    });
    expect((await json(noReason)).errors[0].path).toBe("body.reason");
  });

  it("query parameters, path parameters, unknown entities and malformed JSON", async () => {
    const badDate = await api.call("GET", `${BASE}/customers/cus-1?validAt=yesterday`, { role: "viewer" });
    expect(badDate.status).toBe(400);
    expect((await json(badDate)).errors[0].path).toBe("query.validAt");

    const badFilter = await api.call("GET", `${BASE}/tokens?colour=red`, { role: "viewer" });
    expect(badFilter.status).toBe(400);
    expect((await json(badFilter)).errors[0]).toMatchObject({ path: "query.colour" });

    const badId = await api.call("GET", `${BASE}/customers/bad%20id`, { role: "viewer" });
    expect((await json(badId)).errors[0].path).toBe("path.id");

    const unknownEntity = await api.call("GET", `${BASE}/vehicles`, { role: "viewer" });
    expect(unknownEntity.status).toBe(404);
    expect((await json(unknownEntity)).detail).toContain("home-charge-points");

    const malformed = await api.call("POST", `${BASE}/customers`, { role: "editor", raw: "{" });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).type).toBe("urn:voltrate:problem:malformed-json");
  });

  it("references and natural keys: 400 and 409 naming the field", async () => {
    const dangling = await api.call("POST", `${BASE}/tokens`, {
      role: "editor",
      body: { validFrom: "2026-01-01T00:00:00Z", data: { uid: "04AB", type: "RFID", contractId: "ctr-missing" } },
    });
    expect(dangling.status).toBe(400);
    expect((await json(dangling)).errors).toEqual([
      { path: "body.data.contractId", message: 'no contract "ctr-missing"' },
    ]);

    const token = { uid: "04AB", type: "RFID", contractId: "ctr-1" };
    expect(
      (
        await api.call("POST", `${BASE}/tokens`, {
          role: "editor",
          body: { validFrom: "2026-01-01T00:00:00Z", data: token },
        })
      ).status,
    ).toBe(201);
    const taken = await api.call("POST", `${BASE}/tokens`, {
      role: "editor",
      body: { validFrom: "2026-01-01T00:00:00Z", data: token },
    });
    expect(taken.status).toBe(409);
    const problem = await json(taken);
    expect(problem.type).toBe("urn:voltrate:problem:conflict");
    expect(problem.errors[0].path).toBe("body.data.uid");
  });
});

describe("life cycle over HTTP", () => {
  it("scheduled change, as-of reads, history, correction with knownAt, withdrawal, termination, audit", async () => {
    // A price plan change scheduled for 1 July.
    const scheduled = await api.call("POST", `${BASE}/contracts/ctr-1/changes`, {
      role: "editor",
      body: {
        effectiveFrom: "2026-07-01T00:00:00+02:00",
        data: { productCode: "PLUS" },
        reason: "upgrade",
        expectedVersion: 1,
      },
    });
    expect(scheduled.status).toBe(200);
    expect((await json(scheduled)).current).toMatchObject({
      version: 2,
      validFrom: "2026-06-30T22:00:00.000Z",
      validTo: null,
    });

    // Today (1 March) it is still FLEX, with version 1's period ending where the scheduled one begins.
    const today = await json(await api.call("GET", `${BASE}/contracts/ctr-1`, { role: "viewer" }));
    expect(today).toMatchObject({ version: 1, validTo: "2026-06-30T22:00:00.000Z", data: { productCode: "FLEX" } });
    const august = await json(
      await api.call("GET", `${BASE}/contracts/ctr-1?validAt=2026-08-01T00:00:00Z`, { role: "viewer" }),
    );
    expect(august).toMatchObject({ version: 2, data: { productCode: "PLUS" } });
    // The list as of August filters on the scheduled content.
    const plus = await json(
      await api.call("GET", `${BASE}/contracts?productCode=PLUS&validAt=2026-08-01T00:00:00Z`, { role: "viewer" }),
    );
    expect(plus).toMatchObject({ total: 1, validAt: "2026-08-01T00:00:00.000Z", knownAt: null });

    // A correction of the original sales rule set, recorded an hour later.
    const beforeCorrection = api.clock.now().toISOString();
    api.clock.advance(3600_000);
    const corrected = await api.call("POST", `${BASE}/contracts/ctr-1/corrections`, {
      role: "editor",
      body: { version: 1, data: { salesRulesetId: "sales-nl-retail-2026" }, reason: "wrong price plan at sign-up" },
    });
    expect(corrected.status).toBe(200);
    // As known before the correction: the original plan; as known now: the corrected one.
    const asKnown = await json(
      await api.call(
        "GET",
        `${BASE}/contracts/ctr-1?validAt=2026-02-01T00:00:00Z&knownAt=${encodeURIComponent(beforeCorrection)}`,
        { role: "viewer" },
      ),
    );
    expect(asKnown).toMatchObject({
      version: 1,
      data: { salesRulesetId: "sales-nl-retail" },
      knownAt: beforeCorrection,
    });
    const asNow = await json(
      await api.call("GET", `${BASE}/contracts/ctr-1?validAt=2026-02-01T00:00:00Z`, { role: "viewer" }),
    );
    expect(asNow).toMatchObject({ version: 3, data: { salesRulesetId: "sales-nl-retail-2026" } });
    // The scheduled July version had inherited the wrong plan, so the correction is carried into it (version 4).
    const augustNow = await json(
      await api.call("GET", `${BASE}/contracts/ctr-1?validAt=2026-08-01T00:00:00Z`, { role: "viewer" }),
    );
    expect(augustNow).toMatchObject({
      version: 4,
      data: { productCode: "PLUS", salesRulesetId: "sales-nl-retail-2026" },
    });

    // The scheduled upgrade (version 2, carried on as version 4) is withdrawn; then the contract is terminated from
    // 1 October.
    const withdrawn = await api.call("POST", `${BASE}/contracts/ctr-1/withdrawals`, {
      role: "editor",
      body: { version: 2, reason: "customer stays on FLEX" },
    });
    expect((await json(withdrawn)).versions[0]).toMatchObject({ version: 5, restores: 3, replaces: 4 });
    const ended = await api.call("POST", `${BASE}/contracts/ctr-1/terminate`, {
      role: "editor",
      body: { effectiveFrom: "2026-10-01T00:00:00+02:00", reason: "cancelled" },
    });
    expect((await json(ended)).current).toBeNull();
    const october = await api.call("GET", `${BASE}/contracts/ctr-1?validAt=2026-10-15T00:00:00Z`, { role: "viewer" });
    expect(october.status).toBe(404);
    expect((await json(october)).detail).toContain("is not valid at 2026-10-15");
    // Old sessions are still explained.
    expect(
      (await json(await api.call("GET", `${BASE}/contracts/ctr-1?validAt=2026-09-01T00:00:00Z`, { role: "viewer" })))
        .version,
    ).toBe(5);

    const history = await json(await api.call("GET", `${BASE}/contracts/ctr-1/history`, { role: "viewer" }));
    expect(history.versions.map((v: Json) => v.action)).toEqual([
      "create",
      "change",
      "correct",
      "correct",
      "withdraw",
      "terminate",
    ]);
    expect(history.timeline.map((s: Json) => [s.version, s.state, s.validFrom, s.validTo])).toEqual([
      [3, "active", "2026-01-01T00:00:00.000Z", "2026-06-30T22:00:00.000Z"],
      [5, "active", "2026-06-30T22:00:00.000Z", "2026-09-30T22:00:00.000Z"],
      [6, "absent", "2026-09-30T22:00:00.000Z", null],
    ]);
    const knownEarlier = await json(
      await api.call("GET", `${BASE}/contracts/ctr-1/history?knownAt=${encodeURIComponent(beforeCorrection)}`, {
        role: "viewer",
      }),
    );
    expect(knownEarlier.versions).toHaveLength(2);

    const version1 = await json(await api.call("GET", `${BASE}/contracts/ctr-1/versions/1`, { role: "viewer" }));
    expect(version1).toMatchObject({ version: 1, validTo: null, data: { salesRulesetId: "sales-nl-retail" } });
    expect((await api.call("GET", `${BASE}/contracts/ctr-1/versions/99`, { role: "viewer" })).status).toBe(404);

    const audit = await json(await api.call("GET", `${BASE}/contracts/ctr-1/audit`, { role: "viewer" }));
    expect(audit.entries.map((e: Json) => [e.action, e.reason ?? null, e.text])).toEqual([
      ["create", null, expect.any(Array)],
      ["change", "upgrade", ['productCode: "FLEX" → "PLUS"']],
      [
        "correct",
        "wrong price plan at sign-up",
        [
          'salesRulesetId: "sales-nl-retail" → "sales-nl-retail-2026"',
          "carried into the period 2026-06-30T22:00:00.000Z – open",
        ],
      ],
      ["withdraw", "customer stays on FLEX", ['productCode: "PLUS" → "FLEX"']],
      ["terminate", "cancelled", ['validTo: null → "2026-09-30T22:00:00.000Z"']],
    ]);
    expect(audit.entries[1].by).toMatchObject({ name: "test editor", role: "editor", via: "api" });

    const global = await json(
      await api.call("GET", `${BASE}/audit?entityType=contracts&action=terminate`, { role: "viewer" }),
    );
    expect(global.entries.map((e: Json) => e.entityId)).toEqual(["ctr-1"]);

    // A stale expectedVersion is a 409 naming the field.
    const stale = await api.call("POST", `${BASE}/contracts/ctr-1/changes`, {
      role: "editor",
      body: { effectiveFrom: "2026-03-01T00:00:00Z", data: { productCode: "PLUS" }, expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect((await json(stale)).errors[0].path).toBe("body.expectedVersion");
  });

  it("replaces a card and shows the chain", async () => {
    await api.call("POST", `${BASE}/contracts`, {
      role: "editor",
      body: {
        id: "ctr-2",
        validFrom: "2026-01-01T00:00:00Z",
        data: {
          customerId: "cus-1",
          administrationId: "adm-nl",
          productCode: "PLUS",
          salesRulesetId: "sales-nl-retail",
        },
      },
    });
    await api.call("POST", `${BASE}/tokens`, {
      role: "editor",
      body: {
        id: "tok-old",
        validFrom: "2026-01-01T00:00:00Z",
        data: { uid: "04OLD", type: "RFID", contractId: "ctr-2" },
      },
    });
    const replaced = await api.call("POST", `${BASE}/tokens/tok-old/replace`, {
      role: "editor",
      body: { effectiveFrom: "2026-04-01T00:00:00Z", token: { id: "tok-new", uid: "04NEW" }, reason: "damaged" },
    });
    expect(replaced.status).toBe(201);
    expect(replaced.headers.get("location")).toBe(`${BASE}/tokens/tok-new`);
    const march = await json(
      await api.call("GET", `${BASE}/tokens?uid=04OLD&validAt=2026-03-01T00:00:00Z`, { role: "viewer" }),
    );
    expect(march.items.map((t: Json) => t.entityId)).toEqual(["tok-old"]);
    const may = await json(
      await api.call("GET", `${BASE}/tokens?contractId=ctr-2&validAt=2026-05-01T00:00:00Z`, { role: "viewer" }),
    );
    expect(may.items.map((t: Json) => [t.entityId, t.data.replacesTokenId])).toEqual([["tok-new", "tok-old"]]);
    const chain = await json(await api.call("GET", `${BASE}/tokens/tok-new/chain`, { role: "viewer" }));
    expect(chain.chain.map((l: Json) => [l.uid, l.validTo])).toEqual([
      ["04OLD", "2026-04-01T00:00:00.000Z"],
      ["04NEW", null],
    ]);
    expect((await api.call("GET", `${BASE}/tokens/tok-none/chain`, { role: "viewer" })).status).toBe(404);
  });
});

describe("OpenAPI", () => {
  it("documents exactly the master data routes that are served", () => {
    const { document } = loadOpenApi();
    const methods = ["get", "post", "put", "patch", "delete"];
    const documented = new Set<string>();
    for (const [p, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      if (!p.startsWith(BASE)) continue;
      for (const m of methods) if (item[m]) documented.add(`${m.toUpperCase()} ${p}`);
    }
    const served = new Set(
      api.app.routes
        .filter((r) => r.method !== "ALL" && r.path.startsWith(BASE))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`),
    );
    expect(served.size).toBe(13);
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
  });
});
