// Plugin hooks around the stages, through a real plugin on the real plugin host: notes in the trace, a drop-out
// asked for by a hook, and a hook that fails.
import { definePlugin } from "@voltrate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRevision, SessionSummary } from "../../runtime/src/pipeline/index.ts";
import {
  cdr221,
  type PipelineHarness,
  seedWorld,
  startPipelineHarness,
} from "../../runtime/src/pipeline/test-support.ts";

const seen: { stage: string; phase: string; keys: string[] }[] = [];

const auditor = definePlugin({
  name: "acme-auditor",
  version: "1.0.0",
  voltrate: "*",
  setup(ctx) {
    ctx.hooks.after("lookups", (hook) => {
      hook.annotate({
        message: "customer checked against the fraud list",
        data: { customer: hook.session.customerId },
      });
    });
    ctx.hooks.before("advancedChecks", (hook) => {
      seen.push({ stage: hook.stage, phase: hook.phase, keys: Object.keys(hook.session).sort() });
      if (hook.session.sessionId === "HOOK-DROP") {
        hook.dropOut({ code: "FRAUD_SUSPECTED", message: "token on the fraud list", data: { list: "2025-03" } });
      }
    });
    ctx.hooks.after("calculations", (hook) => {
      if (hook.session.sessionId === "HOOK-THROW") throw new Error("fraud service unreachable");
      const margin = hook.session.margin as { exclVat: string };
      hook.annotate({ message: `margin seen: ${margin.exclVat}` });
    });
    ctx.hooks.after("pricedSession", (hook) => {
      // The view is frozen: a hook cannot change the session.
      expect(() => {
        (hook.session as Record<string, unknown>).totals = null;
      }).toThrow();
    });
    return {};
  },
});

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness({ plugins: [auditor] });
  await seedWorld(h);
});
afterAll(async () => {
  await h?.close();
});

type Posted = { session: SessionSummary; revision: SessionRevision };

/** Ingests over HTTP and reads the session back with its full revision (trace included). */
async function ingest(body: unknown): Promise<Posted> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  expect(res.status).toBe(201);
  const posted = (await res.json()) as Posted;
  const detail = (await (await h.request(`/api/v1/sessions/${posted.session.id}`, { role: "viewer" })).json()) as {
    revisions: SessionRevision[];
  };
  return { session: posted.session, revision: detail.revisions.at(-1)! };
}

describe("plugin hooks", () => {
  it("puts the hooks' notes into the trace", async () => {
    const r = await ingest(cdr221({ id: "HOOK-OK", start: "2025-03-08T08:00:00Z", end: "2025-03-08T09:00:00Z" }));
    expect(r.revision.outcome).toBe("priced");
    const notes = r.revision.trace.filter((t) => t.kind === "hook");
    expect(notes).toEqual([
      {
        stage: "lookups",
        kind: "hook",
        plugin: "acme-auditor",
        phase: "after",
        message: "customer checked against the fraud list",
        data: { customer: "cus-anna" },
      },
      { stage: "calculations", kind: "hook", plugin: "acme-auditor", phase: "after", message: "margin seen: 0.57" },
    ]);
    expect(seen.at(-1)).toMatchObject({ stage: "advancedChecks", phase: "before" });
    expect(seen.at(-1)?.keys).toEqual(
      expect.arrayContaining(["administrationId", "energyKwh", "tokenUid", "cpo", "input"]),
    );
  });

  it("honours a drop-out asked for by a hook", async () => {
    const r = await ingest(cdr221({ id: "HOOK-DROP", start: "2025-03-08T10:00:00Z", end: "2025-03-08T11:00:00Z" }));
    expect(r.revision.outcome).toBe("dropped-out");
    expect(r.revision.dropOut).toMatchObject({
      stage: "advancedChecks",
      code: "PLUGIN_DROPOUT",
      groupKey: "plugin:acme-auditor:FRAUD_SUSPECTED",
      data: { plugin: "acme-auditor", phase: "before", pluginCode: "FRAUD_SUSPECTED", pluginData: { list: "2025-03" } },
    });
    expect(r.revision.dropOut?.message).toContain("token on the fraud list");
    // The stage itself did not run.
    expect(r.revision.stages.find((s) => s.stage === "advancedChecks")?.status).toBe("failed");
    expect(r.revision.stages.find((s) => s.stage === "rateDetermination")?.status).toBe("skipped");
  });

  it("turns a failing hook into a drop-out naming the plugin", async () => {
    const r = await ingest(cdr221({ id: "HOOK-THROW", start: "2025-03-08T12:00:00Z", end: "2025-03-08T13:00:00Z" }));
    expect(r.revision.dropOut).toMatchObject({ stage: "calculations", code: "PLUGIN_HOOK_FAILED" });
    expect(r.revision.dropOut?.message).toContain('plugin "acme-auditor" failed in its after:calculations hook');
    // The process keeps serving.
    const next = await ingest(cdr221({ id: "HOOK-AFTER", start: "2025-03-08T14:00:00Z", end: "2025-03-08T15:00:00Z" }));
    expect(next.revision.outcome).toBe("priced");
  });
});
