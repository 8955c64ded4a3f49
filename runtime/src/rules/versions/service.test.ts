// The version lifecycle against the real components: the embedded store in a temporary folder, the Agenda scheduler
// polling every 100 ms with the activation job registered, and the event bus.
import { sessionFromJson } from "@voltrate/sdk/rules";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createScheduler } from "../../scheduler/index.ts";
import { RulesError } from "./errors.ts";
import { registerRuleJobs } from "./jobs.ts";
import { ACTIVATE_VERSION_JOB, createRulesService } from "./service.ts";
import {
  ALICE,
  BOB,
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

async function rejection(promise: Promise<unknown>): Promise<RulesError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RulesError) return error;
    throw error;
  }
  throw new Error("expected a RulesError");
}

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe("drafts", () => {
  it("keeps every revision; a save over an outdated revision is refused", async () => {
    const created = await h.service.createRuleset(sampleRuleset(), ALICE, "new price list");
    expect(created).toMatchObject({ id: "msp-test", openDraftRevision: 1, activeVersion: null, lastVersion: 0 });
    expect(created.draft).toMatchObject({ revision: 1, open: true, source: "create" });

    const second = await h.service.saveDraft(
      "msp-test",
      { content: withNightPrice(sampleRuleset(), "0.27"), baseRevision: 1, comment: "night +2 ct" },
      ALICE,
    );
    expect(second.revision).toBe(2);
    const stale = await rejection(
      h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.29"), baseRevision: 1 }, ALICE),
    );
    expect(stale.code).toBe("conflict");
    expect(stale.message).toMatch(/saved as revision 2 since revision 1/);

    expect((await h.service.draftHistory("msp-test")).map((d) => d.revision)).toEqual([2, 1]);
    expect((await h.service.getDraft("msp-test", 1)).content).toEqual(sampleRuleset());
    expect((await h.service.getDraft("msp-test")).comment).toBe("night +2 ct");

    const wrongId = await rejection(
      h.service.saveDraft("msp-test", { content: sampleRuleset({ id: "other" }) }, ALICE),
    );
    expect(wrongId.code).toBe("invalid-ruleset");
    const duplicate = await rejection(h.service.createRuleset(sampleRuleset(), ALICE));
    expect(duplicate.code).toBe("conflict");
  });

  it("a draft may be saved with problems, which block its publication", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    const broken = sampleRuleset();
    (broken.rules[1] as (typeof broken.rules)[number]).outcome = { type: "script", script: "idle-fee" };
    const draft = await h.service.saveDraft("msp-test", { content: broken }, ALICE);
    expect(draft.issues).toEqual([
      { path: "rules[1].outcome.script", message: 'no script "idle-fee" in the ruleset (it has no scripts)' },
    ]);
    const refused = await rejection(h.service.publish("msp-test", { comment: "go" }, BOB));
    expect(refused.code).toBe("invalid-ruleset");

    // A script with a type error: reported with its line and column.
    const typed = {
      ...broken,
      scripts: { "idle-fee": 'export default (s: unknown) => {\n  const x: number = "no";\n};\n' },
    };
    await h.service.saveDraft("msp-test", { content: typed }, ALICE);
    const report = await h.service.validate(typed);
    expect(report.valid).toBe(false);
    expect(report.issues.find((i) => i.code === "TS2322")).toMatchObject({
      path: "scripts.idle-fee",
      script: "idle-fee",
      line: 2,
      column: 9,
    });
    const refusedScript = await rejection(h.service.publish("msp-test", { comment: "go" }, BOB));
    expect(refusedScript.issues.some((i) => i.script === "idle-fee" && i.line === 2)).toBe(true);
  });
});

describe("publication", () => {
  it("publishing now activates at once: compiled form warmed, event emitted, audit recorded", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE, "new price list");
    const v1 = await h.service.publish("msp-test", { comment: "first prices" }, BOB);
    expect(v1).toMatchObject({
      version: 1,
      status: "active",
      origin: { kind: "draft", revision: 1 },
      effectiveTo: null,
    });
    expect(v1.activatedAt).not.toBeNull();
    expect(h.service.isWarm("msp-test", 1)).toBe(true);
    expect(h.published).toEqual([
      { rulesetId: "msp-test", version: 1, effectiveFrom: v1.effectiveFrom, publishedBy: "Bob (admin)" },
    ]);
    const detail = await h.service.getRuleset("msp-test");
    expect(detail).toMatchObject({ activeVersion: 1, openDraftRevision: null, lastVersion: 1 });
    expect(detail.draft).toMatchObject({ revision: 1, open: false });
    // The draft was published: there is nothing open to publish again.
    expect((await rejection(h.service.publish("msp-test", { comment: "again" }, BOB))).code).toBe("conflict");
  });

  it("a scheduled publication activates by itself through the scheduler job at its effective time", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    const v1 = await h.service.publish("msp-test", { comment: "first prices" }, BOB);
    await h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.28") }, ALICE);

    const scheduledAt = Date.now();
    const v2 = await h.service.publish("msp-test", { comment: "night rate up", effectiveFrom: inSeconds(1) }, BOB);
    expect(v2).toMatchObject({ version: 2, status: "scheduled", activatedAt: null });
    // As known now, version 1 is in effect until version 2 takes over.
    expect((await h.service.getVersion("msp-test", 1)).effectiveTo).toBe(v2.effectiveFrom);
    const jobs = await h.scheduler.jobs({ name: ACTIVATE_VERSION_JOB });
    expect(jobs.jobs.map((j) => j.data)).toEqual([{ rulesetId: "msp-test", version: 2 }]);
    expect((await h.service.getRuleset("msp-test")).scheduledVersions).toEqual([2]);

    await until(async () => (await h.service.getVersion("msp-test", 2)).activatedAt !== null, 20_000);
    const activated = await h.service.getVersion("msp-test", 2);
    expect(Date.parse(activated.activatedAt as string)).toBeGreaterThanOrEqual(Date.parse(v2.effectiveFrom));
    expect(Date.now() - scheduledAt).toBeGreaterThanOrEqual(900);
    expect(activated.status).toBe("active");
    expect(await h.service.getVersion("msp-test", 1)).toMatchObject({ status: "retired", supersededBy: 2 });
    expect(h.service.isWarm("msp-test", 2)).toBe(true);
    expect(h.published.map((e) => e.version)).toEqual([1, 2]);

    // Valid time: a session before the switch still resolves to version 1, one after it to version 2.
    const before = new Date(Date.parse(v2.effectiveFrom) - 1);
    expect((await h.service.resolveVersion("msp-test", before))?.version).toBe(1);
    expect((await h.service.resolveVersion("msp-test", new Date()))?.version).toBe(2);
    expect(v1.version).toBe(1);

    const actions = (await h.service.auditTrail("msp-test")).map(
      (e) => `${e.action}${e.version ? ` v${e.version}` : ""}`,
    );
    expect(actions).toEqual([
      "version.activated v2",
      "version.retired v1",
      "version.scheduled v2",
      "draft.saved",
      "version.activated v1",
      "version.published v1",
      "draft.saved",
      "ruleset.created",
    ]);
  });

  it("a scheduled activation missed while the scheduler was down runs when it starts again", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    await h.service.publish("msp-test", { comment: "first" }, BOB);
    await h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.28") }, ALICE);
    const v2 = await h.service.publish("msp-test", { comment: "soon", effectiveFrom: inSeconds(1.5) }, BOB);
    await h.scheduler.stop();
    await new Promise((r) => setTimeout(r, Date.parse(v2.effectiveFrom) - Date.now() + 300));
    // Valid time does not wait for the job: the version applies from its effective instant.
    expect((await h.service.getVersion("msp-test", 2)).status).toBe("active");
    expect((await h.service.getVersion("msp-test", 2)).activatedAt).toBeNull();

    // A new process: a new scheduler and service on the same store.
    const scheduler = createScheduler({ store: h.store, logger: pino({ level: "silent" }), processEvery: 100 });
    const service = createRulesService({ store: h.store, scheduler, events: h.events });
    registerRuleJobs(scheduler, service);
    await scheduler.start();
    try {
      await until(async () => (await service.getVersion("msp-test", 2)).activatedAt !== null);
      expect(await service.getVersion("msp-test", 1)).toMatchObject({ status: "retired", supersededBy: 2 });
      expect(h.published.map((e) => e.version)).toEqual([1, 2]);
    } finally {
      await scheduler.stop();
    }
  });

  it("effective date-times are read in the given time zone; a local time the clocks skip is refused", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    const v1 = await h.service.publish(
      "msp-test",
      { comment: "from March", effectiveFrom: "2030-03-01T00:00", timeZone: "Europe/Amsterdam" },
      BOB,
    );
    expect(v1).toMatchObject({
      status: "scheduled",
      effectiveFrom: "2030-02-28T23:00:00.000Z",
      effectiveFromLocal: "2030-03-01T00:00:00+01:00",
      timeZone: "Europe/Amsterdam",
    });
    await h.service.saveDraft("msp-test", { content: sampleRuleset() }, ALICE);
    const gap = await rejection(
      h.service.publish(
        "msp-test",
        { comment: "x", effectiveFrom: "2030-03-31T02:30", timeZone: "Europe/Amsterdam" },
        BOB,
      ),
    );
    expect(gap).toMatchObject({ code: "bad-request", field: "effectiveFrom" });
    expect(gap.message).toMatch(/does not exist in Europe\/Amsterdam/);
    const noZone = await rejection(
      h.service.publish("msp-test", { comment: "x", effectiveFrom: "2030-03-01T00:00" }, BOB),
    );
    expect(noZone.field).toBe("timeZone");
  });

  it("cancelling a scheduled publication removes its job; it stays known for the time it was planned", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    await h.service.publish("msp-test", { comment: "first" }, BOB);
    await h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.30") }, ALICE);
    const v2 = await h.service.publish("msp-test", { comment: "summer", effectiveFrom: inSeconds(3600) }, BOB);
    const planned = new Date();
    await new Promise((r) => setTimeout(r, 5));

    const cancelled = await h.service.cancelScheduled("msp-test", 2, "postponed", BOB);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelComment: "postponed" });
    expect((await h.scheduler.jobs({ name: ACTIVATE_VERSION_JOB })).total).toBe(0);
    expect((await rejection(h.service.cancelScheduled("msp-test", 2, "again", BOB))).code).toBe("conflict");
    const active = await rejection(h.service.cancelScheduled("msp-test", 1, "no", BOB));
    expect(active.message).toMatch(/took effect/);

    // In two hours: as known before the cancellation, version 2 was to apply; as known now, version 1 carries on.
    const later = new Date(Date.parse(v2.effectiveFrom) + 3_600_000);
    expect((await h.service.resolveVersion("msp-test", later, planned))?.version).toBe(2);
    expect((await h.service.resolveVersion("msp-test", later))?.version).toBe(1);
    const entry = (await h.service.auditTrail("msp-test", { action: "version.cancelled" }))[0];
    expect(entry).toMatchObject({ version: 2, comment: "postponed", actor: { name: "Bob (admin)" } });
  });

  it("rollback republishes an older version's content as a new version", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    await h.service.publish("msp-test", { comment: "first" }, BOB);
    await h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.28") }, ALICE);
    await h.service.publish("msp-test", { comment: "night up" }, BOB);

    const v3 = await h.service.rollback("msp-test", { toVersion: 1, comment: "complaints about the night rate" }, BOB);
    expect(v3).toMatchObject({ version: 3, status: "active", origin: { kind: "rollback", fromVersion: 1 } });
    const [one, three] = await Promise.all([h.service.getVersion("msp-test", 1), h.service.getVersion("msp-test", 3)]);
    expect(three.content).toEqual(one.content);
    expect(three.contentHash).toBe(one.contentHash);
    expect((await h.service.getVersion("msp-test", 2)).status).toBe("retired");
    const diff = await h.service.diff("msp-test", 2, 3);
    expect(diff.text).toBe('Changes from version 2 to version 3:\nRule "Night rate": energy price 0.28 → 0.25 EUR/kWh');
    const entry = (await h.service.auditTrail("msp-test", { action: "version.rolled-back" }))[0];
    expect(entry?.summary).toMatch(/^rolled back to the content of version 1 as version 3, effective /);
    expect(entry?.summary).toMatch(/1 rule changed against version 2/);
    expect((await rejection(h.service.rollback("msp-test", { toVersion: 9, comment: "x" }, BOB))).code).toBe(
      "not-found",
    );
  });

  it("concurrent publications get consecutive version numbers", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.service.publish("msp-test", { draftRevision: 1, comment: `p${i}` }, BOB)),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const detail = await h.service.getRuleset("msp-test");
    expect(detail.lastVersion).toBe(6);
    expect(detail.versions.filter((v) => v.status === "active")).toHaveLength(1);
  });

  it("as of: a retroactive correction changes what applies, not what was known before it", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const oneDayAgo = new Date(Date.now() - 86_400_000).toISOString();
    const refused = await rejection(h.service.publish("msp-test", { comment: "old", effectiveFrom: twoDaysAgo }, BOB));
    expect(refused).toMatchObject({ code: "bad-request", field: "effectiveFrom" });

    await h.service.publish(
      "msp-test",
      { comment: "backfill", effectiveFrom: twoDaysAgo, allowRetroactive: true },
      BOB,
    );
    await new Promise((r) => setTimeout(r, 5));
    const billedAt = new Date(); // A session of 12 hours ago is billed now, with version 1.
    await new Promise((r) => setTimeout(r, 5));
    await h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.22") }, ALICE);
    const v2 = await h.service.publish(
      "msp-test",
      { comment: "night rate was wrong since yesterday", effectiveFrom: oneDayAgo, allowRetroactive: true },
      BOB,
    );
    expect(v2).toMatchObject({ version: 2, status: "active", retroactive: true });

    const session = new Date(Date.now() - 12 * 3_600_000);
    // Re-explaining the bill: what was known when it was made — version 1, open-ended as far as was known then.
    const asBilled = await h.service.resolveVersion("msp-test", session, billedAt);
    expect(asBilled).toMatchObject({ version: 1, effectiveTo: null });
    // Re-pricing today: the correction applies.
    expect((await h.service.resolveVersion("msp-test", session))?.version).toBe(2);
    // Before the correction's effective date, version 1 still applied; as known now, until the correction.
    const earlier = await h.service.resolveVersion("msp-test", new Date(Date.now() - 36 * 3_600_000));
    expect(earlier).toMatchObject({ version: 1, effectiveTo: v2.effectiveFrom });
    const published = (await h.service.auditTrail("msp-test", { version: 2, action: "version.published" }))[0];
    expect(published?.summary).toMatch(/retroactively effective from/);
  });
});

describe("simulation", () => {
  it("evaluates a version, the draft, or the version in effect at a time", async () => {
    await h.service.createRuleset(sampleRuleset(), ALICE);
    await h.service.publish("msp-test", { comment: "first" }, BOB);
    await h.service.saveDraft("msp-test", { content: withNightPrice(sampleRuleset(), "0.28") }, ALICE);
    // 23:30 in Amsterdam (CET in January): the night rate.
    const input = { session: sessionFromJson(sampleSession("2025-01-15T22:30:00Z") as never) };

    const v1 = await h.service.simulate("msp-test", { ref: 1 }, input);
    expect(v1.target).toEqual({ kind: "version", version: 1, status: "active" });
    expect(v1.evaluation.matchedRuleIds).toEqual(["night"]);
    expect(v1.evaluation.totals?.exclVat).toBe("2.50");
    expect(v1.evaluation.ruleset.version).toBe("1");

    const draft = await h.service.simulate("msp-test", { ref: "draft" }, input);
    expect(draft.target).toEqual({ kind: "draft", revision: 2 });
    expect(draft.evaluation.totals?.exclVat).toBe("2.80");

    // By time: the session's start, as known now → the active version 1.
    const asOf = await h.service.simulate(
      "msp-test",
      {},
      { session: sessionFromJson(sampleSession(new Date().toISOString()) as never) },
    );
    expect(asOf.target).toMatchObject({ kind: "version", version: 1 });
    const none = await rejection(h.service.simulate("msp-test", { validAt: new Date("2000-01-01T00:00:00Z") }, input));
    expect(none.code).toBe("not-found");
  });
});
