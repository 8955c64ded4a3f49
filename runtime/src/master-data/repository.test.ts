// The bitemporal repository on the real embedded store: validity periods, scheduled changes, as-of reads with
// transaction time, corrections, withdrawals, terminations, token replacement, concurrency and the audit trail.
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MasterDataError } from "./errors.ts";
import { driver, location } from "./fixtures.ts";
import { refOf } from "./service.ts";
import { testActor as by, openTestMasterData, useMasterDataWithBasics } from "./test-support.ts";

const world = useMasterDataWithBasics();

const JAN_1 = "2026-01-01T00:00:00+01:00";

async function rejection(work: Promise<unknown>): Promise<MasterDataError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MasterDataError);
  return error as MasterDataError;
}

describe("validity periods", () => {
  it("a change from a date ends the earlier version there and applies until further notice", async () => {
    const { md } = world.ctx;
    await md.customers.change(
      world.basics.customerId,
      { effectiveFrom: "2026-03-01T00:00:00Z", data: { name: "Anna Jansen" } },
      by,
    );

    // 15 February lies before the change: version 1, whose period is now cut at the change's date.
    const feb = await md.customers.get(world.basics.customerId, "2026-02-15T00:00:00Z");
    expect(feb && refOf(feb)).toEqual({
      entityType: "customer",
      entityId: "cus-anna",
      version: 1,
      validFrom: "2025-12-31T23:00:00.000Z",
      validTo: "2026-03-01T00:00:00.000Z",
    });
    expect(feb?.data.name).toBe("Anna de Vries");

    // From 1 March on: version 2, open-ended.
    const apr = await md.customers.get(world.basics.customerId, "2026-04-01T00:00:00Z");
    expect(apr && refOf(apr)).toMatchObject({ version: 2, validFrom: "2026-03-01T00:00:00.000Z", validTo: null });
    expect(apr?.data.name).toBe("Anna Jansen");

    // Exactly at the boundary the new version applies (periods are [validFrom, validTo)).
    expect((await md.customers.get(world.basics.customerId, "2026-03-01T00:00:00Z"))?.version).toBe(2);
    expect((await md.customers.get(world.basics.customerId, "2026-02-28T23:59:59.999Z"))?.version).toBe(1);

    // Before the customer began there is nothing.
    expect(await md.customers.get(world.basics.customerId, "2025-12-31T22:59:59Z")).toBeNull();

    // The records themselves are never changed: version 1 still says what was recorded (open-ended) …
    const history = await md.customers.history(world.basics.customerId);
    expect(history.versions.map((v) => [v.version, v.validFrom, v.validTo])).toEqual([
      [1, "2025-12-31T23:00:00.000Z", null],
      [2, "2026-03-01T00:00:00.000Z", null],
    ]);
    // … while the timeline shows how the periods fit together.
    expect(history.timeline.map((s) => [s.version, s.validFrom, s.validTo])).toEqual([
      [1, "2025-12-31T23:00:00.000Z", "2026-03-01T00:00:00.000Z"],
      [2, "2026-03-01T00:00:00.000Z", null],
    ]);
  });

  it("a change inserted before a later one ends at it, and is carried into it for the fields it did not set", async () => {
    const { md } = world.ctx;
    const id = world.basics.customerId;
    await md.customers.change(id, { effectiveFrom: "2026-05-01T00:00:00Z", data: { name: "Anna Jansen" } }, by);
    const inserted = await md.customers.change(
      id,
      { effectiveFrom: "2026-03-01T00:00:00Z", data: { email: "anna@jansen.nl" } },
      by,
    );

    // The e-mail change from 1 March takes the period up to the name change already recorded for 1 May (version 3) …
    expect(inserted.current && refOf(inserted.current)).toMatchObject({
      version: 3,
      validTo: "2026-05-01T00:00:00.000Z",
    });
    // … and, since the May version had only inherited the old e-mail, the new e-mail is carried into it (version 4).
    expect(
      inserted.versions.map((v) => [v.version, v.validFrom, v.validTo, v.carried ?? false, v.replaces ?? null]),
    ).toEqual([
      [3, "2026-03-01T00:00:00.000Z", "2026-05-01T00:00:00.000Z", false, null],
      [4, "2026-05-01T00:00:00.000Z", null, true, 2],
    ]);
    expect(inserted.audit).toMatchObject({
      versions: [3, 4],
      effectiveFrom: "2026-03-01T00:00:00.000Z",
      effectiveTo: null,
      changes: [{ path: "email", before: "anna@example.nl", after: "anna@jansen.nl" }],
      text: ['email: "anna@example.nl" → "anna@jansen.nl"', "carried into the period 2026-05-01T00:00:00.000Z – open"],
    });

    const timeline = (await md.customers.history(id)).timeline;
    expect(timeline.map((s) => [s.version, s.validFrom, s.validTo])).toEqual([
      [1, "2025-12-31T23:00:00.000Z", "2026-03-01T00:00:00.000Z"],
      [3, "2026-03-01T00:00:00.000Z", "2026-05-01T00:00:00.000Z"],
      [4, "2026-05-01T00:00:00.000Z", null],
    ]);
    // April: the old name (the May change has not happened yet) with the new e-mail.
    expect((await md.customers.get(id, "2026-04-01T00:00:00Z"))?.data).toMatchObject({
      name: "Anna de Vries",
      email: "anna@jansen.nl",
    });
    // June: the scheduled name change kept its date and content, now with the new e-mail.
    expect((await md.customers.get(id, "2026-06-01T00:00:00Z"))?.data).toMatchObject({
      name: "Anna Jansen",
      email: "anna@jansen.nl",
    });
  });

  it("a field a later version set itself is not overwritten by an earlier change", async () => {
    const { md } = world.ctx;
    const id = world.basics.contractId;
    // Scheduled: from 1 July the PLUS product with its own price plan.
    await md.contracts.change(
      id,
      { effectiveFrom: "2026-07-01T00:00:00Z", data: { productCode: "PLUS", salesRulesetId: "sales-nl-plus" } },
      by,
    );
    // Then, from 1 April, a new retail price plan and a description.
    const april = await md.contracts.change(
      id,
      {
        effectiveFrom: "2026-04-01T00:00:00Z",
        data: { salesRulesetId: "sales-nl-retail-2026", description: "spring" },
      },
      by,
    );
    // The description is carried into July; the price plan is not: July set its own.
    expect(april.versions.map((v) => v.version)).toEqual([3, 4]);
    expect((await md.contracts.get(id, "2026-05-01T00:00:00Z"))?.data).toMatchObject({
      productCode: "FLEX",
      salesRulesetId: "sales-nl-retail-2026",
    });
    expect((await md.contracts.get(id, "2026-08-01T00:00:00Z"))?.data).toMatchObject({
      productCode: "PLUS",
      salesRulesetId: "sales-nl-plus",
      description: "spring",
    });
  });

  it("refuses a change before the entity begins, and one that changes nothing", async () => {
    const { md } = world.ctx;
    const early = await rejection(
      md.customers.change(world.basics.customerId, { effectiveFrom: "2025-06-01T00:00:00Z", data: { name: "X" } }, by),
    );
    expect(early.code).toBe("conflict");
    expect(early.issues[0]?.path).toBe("effectiveFrom");
    const same = await rejection(
      md.customers.change(
        world.basics.customerId,
        { effectiveFrom: "2026-02-01T00:00:00Z", data: { name: "Anna de Vries" } },
        by,
      ),
    );
    expect(same.code).toBe("invalid");
    expect(same.issues[0]?.path).toBe("data");
  });

  it("null removes an optional field; the merged data must still be valid", async () => {
    const { md } = world.ctx;
    const removed = await md.customers.change(
      world.basics.customerId,
      { effectiveFrom: "2026-02-01T00:00:00Z", data: { email: null } },
      by,
    );
    expect(removed.current?.data).not.toHaveProperty("email");
    const invalid = await rejection(
      md.customers.change(world.basics.customerId, { effectiveFrom: "2026-02-01T00:00:00Z", data: { name: null } }, by),
    );
    expect(invalid.issues[0]).toMatchObject({ path: "data.name" });
  });
});

describe("scheduled (future) changes", () => {
  it("becomes visible at its date and not before", async () => {
    const { md, clock } = world.ctx;
    // Now is 1 March 2026 (the test clock); the contract's price plan changes on 1 July.
    await md.contracts.change(
      world.basics.contractId,
      {
        effectiveFrom: "2026-07-01T00:00:00+02:00",
        data: { productCode: "PLUS", salesRulesetId: "sales-nl-plus" },
        reason: "upgrade",
      },
      by,
    );
    // Without a date a lookup means "now": still FLEX.
    expect((await md.contracts.get(world.basics.contractId))?.data.productCode).toBe("FLEX");
    expect((await md.contracts.list({ where: { productCode: "PLUS" } })).total).toBe(0);

    // One second before midnight in Amsterdam on 30 June: still FLEX.
    clock.set("2026-06-30T21:59:59Z");
    expect((await md.contracts.get(world.basics.contractId))?.data.productCode).toBe("FLEX");

    // At 00:00 on 1 July (Amsterdam, UTC+2) the scheduled version takes over — no job needed, the clock decides.
    clock.set("2026-06-30T22:00:00Z");
    const july = await md.contracts.get(world.basics.contractId);
    expect(july?.version).toBe(2);
    expect(july?.data).toMatchObject({ productCode: "PLUS", salesRulesetId: "sales-nl-plus" });
    expect((await md.contracts.list({ where: { productCode: "PLUS" } })).items.map((c) => c.entityId)).toEqual([
      world.basics.contractId,
    ]);
  });

  it("can be withdrawn before it takes effect; the record stays in the history", async () => {
    const { md } = world.ctx;
    const scheduled = await md.contracts.change(
      world.basics.contractId,
      { effectiveFrom: "2026-07-01T00:00:00Z", data: { productCode: "PLUS" } },
      by,
    );
    const withdrawn = await md.contracts.withdraw(
      world.basics.contractId,
      { version: scheduled.versions[0]?.version as number, reason: "customer changed their mind" },
      by,
    );
    // The withdrawal restores version 1's content for the period version 2 would have covered.
    expect(withdrawn.versions[0]).toMatchObject({
      version: 3,
      action: "withdraw",
      replaces: 2,
      restores: 1,
      state: "active",
    });
    expect((await md.contracts.get(world.basics.contractId, "2026-08-01T00:00:00Z"))?.data.productCode).toBe("FLEX");
    expect(withdrawn.audit.changes).toEqual([{ path: "productCode", before: "PLUS", after: "FLEX" }]);
    expect((await md.contracts.history(world.basics.contractId)).versions).toHaveLength(3);
  });

  it("a termination ends scheduled changes after it, and says so in the audit", async () => {
    const { md } = world.ctx;
    await md.contracts.change(
      world.basics.contractId,
      { effectiveFrom: "2026-07-01T00:00:00Z", data: { productCode: "PLUS" } },
      by,
    );
    const ended = await md.contracts.terminate(
      world.basics.contractId,
      { effectiveFrom: "2026-05-01T00:00:00Z", reason: "moved abroad" },
      by,
    );
    expect(ended.current).toBeNull();
    expect(ended.audit).toMatchObject({
      action: "terminate",
      overrides: [2],
      changes: [{ path: "validTo", before: null, after: "2026-05-01T00:00:00.000Z" }],
      reason: "moved abroad",
    });
    expect(await md.contracts.get(world.basics.contractId, "2026-08-01T00:00:00Z")).toBeNull();
    // Terminating what has already ended is refused, naming the field.
    const again = await rejection(
      md.contracts.terminate(world.basics.contractId, { effectiveFrom: "2026-06-01T00:00:00Z" }, by),
    );
    expect(again.issues[0]?.path).toBe("effectiveFrom");
  });
});

describe("as of a transaction time (knownAt)", () => {
  it("a correction recorded later does not change what was known before it", async () => {
    const { md, clock } = world.ctx;
    // The basics were recorded at 12:00 on 1 March. At 14:00 someone notices the customer's name is misspelt.
    const beforeCorrection = clock.now();
    clock.advance(2 * 3600_000);
    const corrected = await md.customers.correct(
      world.basics.customerId,
      { version: 1, data: { name: "Anna de Vries-Bakker" }, reason: "name misspelt at sign-up" },
      by,
    );
    expect(corrected.versions[0]).toMatchObject({ version: 2, action: "correct", replaces: 1 });
    const feb = "2026-02-01T00:00:00Z";

    // Asked as of a moment before the correction was recorded: the name as it was known then.
    const asKnown = await md.customers.get(world.basics.customerId, { validAt: feb, knownAt: beforeCorrection });
    expect(asKnown).toMatchObject({ version: 1, knownAt: beforeCorrection.toISOString() });
    expect(asKnown?.data.name).toBe("Anna de Vries");
    // One millisecond before the correction's recordedAt still gives the old name; at it, the new one.
    const recordedAt = new Date(corrected.versions[0]?.recordedAt as string);
    expect(
      (await md.customers.get(world.basics.customerId, { validAt: feb, knownAt: new Date(recordedAt.getTime() - 1) }))
        ?.version,
    ).toBe(1);
    expect((await md.customers.get(world.basics.customerId, { validAt: feb, knownAt: recordedAt }))?.version).toBe(2);

    // Without knownAt: everything recorded, so the corrected name — for the whole period version 1 covered.
    const now = await md.customers.get(world.basics.customerId, feb);
    expect(now?.data.name).toBe("Anna de Vries-Bakker");
    expect(now && refOf(now)).toMatchObject({ version: 2, validFrom: "2025-12-31T23:00:00.000Z", validTo: null });

    // Before anything was recorded the customer was unknown.
    expect(
      await md.customers.get(world.basics.customerId, { validAt: feb, knownAt: "2026-03-01T11:59:59Z" }),
    ).toBeNull();

    // The history as known before the correction has only version 1.
    expect((await md.customers.history(world.basics.customerId, { knownAt: beforeCorrection })).versions).toHaveLength(
      1,
    );
  });

  it("a corrected start date: the entity did not exist in the cut-off days, except as known before", async () => {
    const { md, clock } = world.ctx;
    const recorded = clock.now();
    clock.advance(60_000);
    // The contract was recorded from 1 January but really began on 15 January.
    const corrected = await md.contracts.correct(
      world.basics.contractId,
      { version: 1, validFrom: "2026-01-15T00:00:00+01:00", reason: "signed on 15 January" },
      by,
    );
    // Two records: 1–15 January goes back to "absent" (nothing was there before version 1), then the contract.
    expect(corrected.versions.map((v) => [v.version, v.state, v.validFrom, v.validTo])).toEqual([
      [2, "absent", "2025-12-31T23:00:00.000Z", "2026-01-14T23:00:00.000Z"],
      [3, "active", "2026-01-14T23:00:00.000Z", null],
    ]);
    expect(corrected.audit.changes).toEqual([
      { path: "validFrom", before: "2025-12-31T23:00:00.000Z", after: "2026-01-14T23:00:00.000Z" },
    ]);
    expect(await md.contracts.get(world.basics.contractId, "2026-01-10T00:00:00Z")).toBeNull();
    expect(
      (await md.contracts.get(world.basics.contractId, { validAt: "2026-01-10T00:00:00Z", knownAt: recorded }))
        ?.version,
    ).toBe(1);
    expect((await md.contracts.get(world.basics.contractId, "2026-01-20T00:00:00Z"))?.version).toBe(3);
  });

  it("a change's date corrected to later brings back the previous content in between", async () => {
    const { md } = world.ctx;
    await md.contracts.change(
      world.basics.contractId,
      { effectiveFrom: "2026-03-01T00:00:00Z", data: { productCode: "PLUS" } },
      by,
    );
    await md.contracts.correct(
      world.basics.contractId,
      { version: 2, validFrom: "2026-04-01T00:00:00Z", reason: "upgrade was for April" },
      by,
    );
    // March is FLEX again (restored from version 1), April on is PLUS.
    const march = await md.contracts.get(world.basics.contractId, "2026-03-15T00:00:00Z");
    expect(march).toMatchObject({ version: 3, data: { productCode: "FLEX" } });
    expect((await md.contracts.history(world.basics.contractId)).versions[2]).toMatchObject({
      restores: 1,
      replaces: 2,
    });
    expect((await md.contracts.get(world.basics.contractId, "2026-04-15T00:00:00Z"))?.data.productCode).toBe("PLUS");
    // Version 2 no longer applies anywhere: correcting it again is refused with a pointer to the field.
    const stale = await rejection(
      md.contracts.correct(world.basics.contractId, { version: 2, data: { productCode: "FLEX" }, reason: "x" }, by),
    );
    expect(stale).toMatchObject({ code: "conflict" });
    expect(stale.issues[0]?.path).toBe("version");
  });
});

describe("a terminated contract still explains old sessions", () => {
  it("looks up the contract, its subscriptions and the card as they were at the session's start", async () => {
    const { md, clock } = world.ctx;
    await md.subscriptions.create(
      {
        id: "sub-roam",
        data: { contractId: world.basics.contractId, productCode: "ROAM-EU" },
        validFrom: "2026-02-01T00:00:00Z",
      },
      by,
    );
    await md.contracts.change(
      world.basics.contractId,
      { effectiveFrom: "2026-04-01T00:00:00Z", data: { salesRulesetId: "sales-nl-2026b" } },
      by,
    );

    // A session on 10 March was priced then; the pipeline records the versions it used.
    clock.set("2026-03-10T18:00:00Z");
    const sessionStart = "2026-03-10T17:30:00Z";
    const token = await md.tokens.byUid("04AA11BB22", sessionStart);
    const contract = await md.contracts.get(token?.data.contractId as string, sessionStart);
    const subscriptions = await md.contracts.subscriptions(world.basics.contractId, sessionStart);
    const used = [token, contract, ...subscriptions].map((r) => r && refOf(r));
    expect(used).toEqual([
      { entityType: "token", entityId: "tok-anna-1", version: 1, validFrom: "2025-12-31T23:00:00.000Z", validTo: null },
      {
        entityType: "contract",
        entityId: "ctr-anna",
        version: 1,
        validFrom: "2025-12-31T23:00:00.000Z",
        validTo: "2026-04-01T00:00:00.000Z",
      },
      {
        entityType: "subscription",
        entityId: "sub-roam",
        version: 1,
        validFrom: "2026-02-01T00:00:00.000Z",
        validTo: null,
      },
    ]);
    const pricedAt = clock.now();

    // In September the contract is terminated from 1 July (and the subscription with it).
    clock.set("2026-09-01T09:00:00Z");
    await md.contracts.terminate(
      world.basics.contractId,
      { effectiveFrom: "2026-07-01T00:00:00Z", reason: "cancelled by customer" },
      by,
    );
    await md.subscriptions.terminate("sub-roam", { effectiveFrom: "2026-07-01T00:00:00Z" }, by);

    // The March session is still explained by the same contract version and price plan …
    const again = await md.contracts.get(world.basics.contractId, sessionStart);
    expect(again).toMatchObject({ version: 1, data: { salesRulesetId: "sales-nl-retail" } });
    expect(await md.contracts.version(world.basics.contractId, 1)).toMatchObject({
      data: { salesRulesetId: "sales-nl-retail" },
    });
    expect((await md.contracts.subscriptions(world.basics.contractId, sessionStart)).map((s) => s.entityId)).toEqual([
      "sub-roam",
    ]);
    // … a session in May finds the April price plan, one in August finds no contract and no subscription …
    expect((await md.contracts.get(world.basics.contractId, "2026-05-10T00:00:00Z"))?.data.salesRulesetId).toBe(
      "sales-nl-2026b",
    );
    expect(await md.contracts.get(world.basics.contractId, "2026-08-10T00:00:00Z")).toBeNull();
    expect(await md.contracts.subscriptions(world.basics.contractId, "2026-08-10T00:00:00Z")).toEqual([]);
    // … and asked as known when it was priced, the contract's period was still open after April.
    expect(
      (await md.contracts.get(world.basics.contractId, { validAt: "2026-08-10T00:00:00Z", knownAt: pricedAt }))
        ?.version,
    ).toBe(2);
  });
});

describe("token replacement", () => {
  it("the new card links to the old one; each uid resolves to its own card in its own period", async () => {
    const { md } = world.ctx;
    const { replacement, replaced } = await md.tokens.replace(
      world.basics.tokenId,
      {
        effectiveFrom: "2026-05-15T00:00:00+02:00",
        token: { id: "tok-anna-2", uid: "04CC33DD44", visualNumber: "TST-0002" },
        reason: "card lost",
      },
      by,
    );
    expect(replacement.current?.data).toEqual({
      uid: "04CC33DD44",
      type: "RFID",
      contractId: world.basics.contractId,
      visualNumber: "TST-0002",
      replacesTokenId: world.basics.tokenId,
    });
    expect(replaced.audit.reason).toBe("replaced by token tok-anna-2 (04CC33DD44): card lost");

    // A session with the old card in April: the old token (the contract it leads to is unchanged).
    expect(await md.tokens.byUid("04AA11BB22", "2026-04-20T10:00:00Z")).toMatchObject({
      entityId: "tok-anna-1",
      version: 1,
    });
    // After the replacement the old uid is no longer valid, the new one is.
    expect(await md.tokens.byUid("04AA11BB22", "2026-06-01T10:00:00Z")).toBeNull();
    expect(await md.tokens.byUid("04CC33DD44", "2026-06-01T10:00:00Z")).toMatchObject({ entityId: "tok-anna-2" });
    // The new card did not exist in April.
    expect(await md.tokens.byUid("04CC33DD44", "2026-04-20T10:00:00Z")).toBeNull();

    // The chain, from either end, oldest first.
    const chain = [
      {
        entityId: "tok-anna-1",
        uid: "04AA11BB22",
        visualNumber: "TST-0001",
        validFrom: "2025-12-31T23:00:00.000Z",
        validTo: "2026-05-14T22:00:00.000Z",
      },
      {
        entityId: "tok-anna-2",
        uid: "04CC33DD44",
        visualNumber: "TST-0002",
        validFrom: "2026-05-14T22:00:00.000Z",
        validTo: null,
      },
    ];
    expect(await md.tokens.chain("tok-anna-2")).toEqual(chain);
    expect(await md.tokens.chain("tok-anna-1")).toEqual(chain);
    // The old card's history is complete: created, then ended by the replacement.
    expect((await md.tokens.history("tok-anna-1")).versions.map((v) => v.action)).toEqual(["create", "terminate"]);

    // A uid belongs to one token for good: the old uid cannot be given to another card.
    const reuse = await rejection(
      md.tokens.create(
        {
          data: { uid: "04AA11BB22", type: "RFID", contractId: world.basics.contractId },
          validFrom: "2026-07-01T00:00:00Z",
        },
        by,
      ),
    );
    expect(reuse).toMatchObject({ code: "conflict" });
    expect(reuse.issues[0]?.path).toBe("data.uid");
  });

  it("a card that was not valid at the replacement date cannot be replaced", async () => {
    const error = await rejection(
      world.ctx.md.tokens.replace(
        world.basics.tokenId,
        { effectiveFrom: "2025-06-01T00:00:00Z", token: { uid: "04EE" } },
        by,
      ),
    );
    expect(error.issues[0]?.path).toBe("effectiveFrom");
  });
});

describe("lookups by natural keys", () => {
  it("party by OCPI id, agreement for (CPO, administration), location and EVSE by CPO and OCPI ids", async () => {
    const { md } = world.ctx;
    expect(await md.parties.byOcpiId("NL", "GRN", "2026-02-01T00:00:00Z")).toMatchObject({
      entityId: "NL-GRN",
      version: 1,
    });
    expect(await md.parties.byOcpiId("NL", "XXX", "2026-02-01T00:00:00Z")).toBeNull();

    await md.agreements.create(
      {
        data: {
          cpoPartyId: world.basics.cpoId,
          administrationId: world.basics.administrationId,
          purchasePricing: { kind: "ocpi-tariffs" },
          settlementCurrency: "EUR",
        },
        validFrom: JAN_1,
      },
      by,
    );
    // From 1 April we buy at our own purchase rule set instead of the CPO's tariffs.
    await md.agreements.change(
      (await md.agreements.for(world.basics.cpoId, world.basics.administrationId))?.entityId as string,
      {
        effectiveFrom: "2026-04-01T00:00:00Z",
        data: { purchasePricing: { kind: "ruleset", rulesetId: "purchase-groenlaad" } },
      },
      by,
    );
    const cpo = { countryCode: "NL", partyId: "GRN" };
    expect(
      (await md.agreements.for(cpo, world.basics.administrationId, "2026-03-01T00:00:00Z"))?.data.purchasePricing,
    ).toEqual({
      kind: "ocpi-tariffs",
    });
    expect(
      (await md.agreements.for(cpo, world.basics.administrationId, "2026-05-01T00:00:00Z"))?.data.purchasePricing,
    ).toEqual({
      kind: "ruleset",
      rulesetId: "purchase-groenlaad",
    });
    expect(await md.agreements.for({ countryCode: "DE", partyId: "ZZZ" }, world.basics.administrationId)).toBeNull();
    // A second agreement for the same CPO and administration is refused: it is a change of the first.
    const twice = await rejection(
      md.agreements.create(
        {
          data: {
            cpoPartyId: world.basics.cpoId,
            administrationId: world.basics.administrationId,
            purchasePricing: { kind: "ocpi-tariffs" },
            settlementCurrency: "EUR",
          },
          validFrom: "2027-01-01T00:00:00Z",
        },
        by,
      ),
    );
    expect(twice.issues[0]?.path).toBe("data.cpoPartyId");

    await md.locations.create({ data: location(world.basics.cpoId), validFrom: JAN_1 }, by);
    const evse = await md.locations.evse(cpo, "LOC1", "EVSE2", "2026-02-01T00:00:00Z");
    expect(evse?.evse).toEqual({ uid: "EVSE2", currentType: "DC", maxPowerKw: "150" });
    expect(evse?.location.data.timeZone).toBe("Europe/Amsterdam");
    expect(await md.locations.evse(cpo, "LOC1", "NOPE", "2026-02-01T00:00:00Z")).toBeNull();
    expect((await md.locations.list({ where: { evseUid: "EVSE2" } })).total).toBe(1);
  });

  it("references must name existing entities", async () => {
    const error = await rejection(
      world.ctx.md.tokens.create({ data: { uid: "04FF", type: "RFID", contractId: "ctr-nope" }, validFrom: JAN_1 }, by),
    );
    expect(error).toMatchObject({ code: "invalid" });
    expect(error.issues).toEqual([{ path: "data.contractId", message: 'no contract "ctr-nope"' }]);
  });

  it("data is validated field by field", async () => {
    const error = await rejection(
      world.ctx.md.customers.create(
        {
          data: { ...driver(world.basics.administrationId), address: { city: "Utrecht", country: "XX" } },
          validFrom: JAN_1,
        },
        by,
      ),
    );
    expect(error.issues[0]?.path).toBe("data.address.country");
  });
});

describe("concurrency", () => {
  it("concurrent changes to one entity get consecutive versions and none is lost", async () => {
    const { md } = world.ctx;
    const company = await md.customers.create(
      {
        data: { kind: "company", administrationId: world.basics.administrationId, name: "Acme B.V." },
        validFrom: JAN_1,
      },
      by,
    );
    const patches = [
      { name: "Anna Bakker" },
      { email: "anna@bakker.nl" },
      { language: "nl" },
      { customerNumber: "C10001" },
      { address: { city: "Utrecht", country: "NL" } },
      { employerId: company.entityId },
    ];
    // Six writers at once, all from the same date; each plans on what it reads, so some lose the race for a version
    // number and plan again on top of the winner.
    const results = await Promise.all(
      patches.map((data) =>
        md.customers.change(world.basics.customerId, { effectiveFrom: "2026-02-01T00:00:00Z", data }, by),
      ),
    );
    expect(results.map((r) => r.versions[0]?.version).sort()).toEqual([2, 3, 4, 5, 6, 7]);
    // The latest version carries every change: nothing was overwritten with stale data.
    const latest = await md.customers.get(world.basics.customerId, "2026-03-01T00:00:00Z");
    expect(latest?.version).toBe(7);
    expect(latest?.data).toMatchObject({
      name: "Anna Bakker",
      email: "anna@bakker.nl",
      language: "nl",
      customerNumber: "C10001",
      address: { city: "Utrecht", country: "NL" },
      employerId: company.entityId,
    });
    // Each audit entry shows exactly its own field changing.
    const audit = await md.customers.audit(world.basics.customerId);
    expect(audit.map((a) => a.versions)).toEqual([[1], [2], [3], [4], [5], [6], [7]]);
    for (const entry of audit.slice(1)) expect(entry.changes).toHaveLength(1);
  });

  it("expectedVersion refuses a change based on a stale read", async () => {
    const { md } = world.ctx;
    await md.customers.change(
      world.basics.customerId,
      { effectiveFrom: "2026-02-01T00:00:00Z", data: { name: "A" }, expectedVersion: 1 },
      by,
    );
    const stale = await rejection(
      md.customers.change(
        world.basics.customerId,
        { effectiveFrom: "2026-02-01T00:00:00Z", data: { name: "B" }, expectedVersion: 1 },
        by,
      ),
    );
    expect(stale).toMatchObject({ code: "conflict" });
    expect(stale.issues[0]?.path).toBe("expectedVersion");
  });

  it("concurrent creates with the same natural key: exactly one wins", async () => {
    const { md } = world.ctx;
    const attempts = await Promise.allSettled(
      [1, 2, 3, 4].map((n) =>
        md.tokens.create(
          {
            id: `tok-race-${n}`,
            data: { uid: "04RACE", type: "RFID", contractId: world.basics.contractId },
            validFrom: JAN_1,
          },
          by,
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    expect((await md.tokens.list({ where: { uid: "04RACE" } })).total).toBe(1);
  });
});

describe("audit trail", () => {
  it("records who, when, why and every field before → after", async () => {
    const { md, clock } = world.ctx;
    await md.homeChargePoints.create(
      {
        id: "hcp-anna",
        data: {
          chargePointId: "HOME-0001",
          ownerCustomerId: world.basics.customerId,
          administrationId: world.basics.administrationId,
          address: { street: "Kerkstraat 5", postalCode: "3511 AA", city: "Utrecht", country: "NL" },
          timeZone: "Europe/Amsterdam",
          reimbursement: {
            pricePerKwh: "0.25",
            currency: "EUR",
            includesVat: true,
            payout: { method: "bank-transfer", iban: "NL91ABNA0417164300", frequency: "monthly" },
          },
        },
        validFrom: JAN_1,
      },
      by,
    );
    clock.advance(3600_000);
    const editor = { id: "key_editor", name: "Finance team", role: "editor", via: "api" } as const;
    await md.homeChargePoints.change(
      "hcp-anna",
      {
        effectiveFrom: "2026-04-01T00:00:00+02:00",
        data: {
          reimbursement: {
            pricePerKwh: "0.28",
            currency: "EUR",
            includesVat: true,
            payout: { method: "payroll", frequency: "monthly" },
          },
        },
        reason: "new energy contract price",
      },
      editor,
    );
    const [created, changed] = await md.homeChargePoints.audit("hcp-anna");
    expect(created?.action).toBe("create");
    expect(created?.changes.map((c) => c.path)).toContain("reimbursement");
    expect(changed).toEqual({
      entityType: "homeChargePoint",
      entityId: "hcp-anna",
      action: "change",
      versions: [2],
      at: "2026-03-01T13:00:00.000Z",
      by: editor,
      reason: "new energy contract price",
      effectiveFrom: "2026-03-31T22:00:00.000Z",
      effectiveTo: null,
      changes: [
        { path: "reimbursement.pricePerKwh", before: "0.25", after: "0.28" },
        { path: "reimbursement.payout.method", before: "bank-transfer", after: "payroll" },
        { path: "reimbursement.payout.iban", before: "NL91ABNA0417164300" },
      ],
      text: [
        'reimbursement.pricePerKwh: "0.25" → "0.28"',
        'reimbursement.payout.method: "bank-transfer" → "payroll"',
        'removed reimbursement.payout.iban (was "NL91ABNA0417164300")',
      ],
    });
    // Across entities, newest first, filtered by actor.
    const byEditor = await md.audit({ by: "key_editor" });
    expect(byEditor.map((a) => [a.entityType, a.entityId])).toEqual([["homeChargePoint", "hcp-anna"]]);
  });

  it("list items with a uid are matched by it", async () => {
    const { md } = world.ctx;
    const loc = await md.locations.create({ data: location(world.basics.cpoId), validFrom: JAN_1 }, by);
    const evses = location(world.basics.cpoId).evses;
    const changed = await md.locations.change(
      loc.entityId,
      {
        effectiveFrom: "2026-03-01T00:00:00Z",
        data: { evses: [{ uid: "EVSE2", currentType: "DC", maxPowerKw: "300" }, evses[0] as never] },
      },
      by,
    );
    // Reordering is not a change; the DC charger's power is.
    expect(changed.audit.changes).toEqual([{ path: "evses[uid=EVSE2].maxPowerKw", before: "150", after: "300" }]);
  });
});

describe("durability", () => {
  it("versions, keys and the audit trail survive a restart", async () => {
    const dataDir = world.ctx.dataDir;
    await world.ctx.md.customers.change(
      world.basics.customerId,
      { effectiveFrom: "2026-02-01T00:00:00Z", data: { name: "Anna B." } },
      by,
    );
    await world.ctx.store.close();
    const reopened = await openTestMasterData({ dataDir });
    try {
      expect((await reopened.md.tokens.byUid("04AA11BB22", "2026-02-01T00:00:00Z"))?.entityId).toBe("tok-anna-1");
      expect((await reopened.md.customers.get(world.basics.customerId, "2026-02-15T00:00:00Z"))?.data.name).toBe(
        "Anna B.",
      );
      expect(await reopened.md.customers.audit(world.basics.customerId)).toHaveLength(2);
    } finally {
      await reopened.close();
      world.ctx = { ...world.ctx, close: async () => rmSync(dataDir, { recursive: true, force: true }) };
    }
  });
});
