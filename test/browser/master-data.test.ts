// Master data editing in the studio, in Chromium against a real runtime: an editor creates a party and a roaming
// agreement through the forms, schedules a change to the agreement from a future date and sees it listed as
// scheduled, terminates a token, and meets the field errors of an invalid form (the model's, in the browser) and of
// a taken card uid (the runtime's). The REST API then has to show exactly the records, periods and audit entries
// worked out below, each recorded by the signed-in user. A viewer sees the same pages without any edit control.
// Read "as recorded by" a moment before a correction, a record shows what was known then, without edit controls; a
// priced session's master data versions open as the pricing saw them.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { Users } from "../../runtime/src/auth/users.ts";
import { cdr221, seedWorld } from "../../runtime/src/pipeline/test-support.ts";
import { instantToLocal } from "../../studio/src/lib/master-data-time.ts";
import { DEFAULT_CONTEXT, ingestFromPage, screenshotPath, signIn, useStudioPage } from "./setup.ts";

const EDITOR = { username: "md.editor", password: "editor test password" };
const VIEWER = { username: "md.viewer", password: "viewer test password" };
/** The buttons that change master data on a record's page (Replace card only on tokens). */
const EDIT_CONTROLS = ["Edit from a date…", "Terminate…", /^Correct version/, /^Withdraw version/, "Replace card…"];

/** Amsterdam time: the forms default to the browser's zone, and the dates below are read in it. */
const AMSTERDAM = { viewport: { width: 1280, height: 900 }, timezoneId: "Europe/Amsterdam" };

let editorId: string;
const studio = useStudioPage({
  failureShot: "failed-md",
  context: AMSTERDAM,
  async prepare(server) {
    // The world of the pipeline tests: administration adm-nl (VLT-NL), the purchase rule set purchase-abc, Anna's
    // contract ctr-anna and her card tok-anna (uid 04AA11BB22), all valid from 1 January 2025.
    await seedWorld({ md: server.runtime.masterData, rules: server.runtime.rules });
    const users = new Users(server.runtime.store);
    editorId = (await users.create(EDITOR.username, EDITOR.password, "editor"))._id;
    await users.create(VIEWER.username, VIEWER.password, "viewer");
  },
});

const shoot = (name: string, fullPage = false) => studio.page.screenshot({ path: screenshotPath(name), fullPage });

/** Signs `user` in on `p`, landing on the list of parties. */
async function signInTo(p: Page, user: { username: string; password: string }) {
  await p.goto(`${studio.server.url}/login?next=${encodeURIComponent("/master-data?type=parties")}`);
  await signIn(p, user.username, user.password);
  await p.getByRole("heading", { name: "Master data", level: 1 }).waitFor();
}

/** The error shown for a field: the text of the element its aria-describedby names with "-error". */
async function fieldError(field: Locator): Promise<string | null> {
  await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
  const ids = (await field.getAttribute("aria-describedby")) ?? "";
  const errorId = ids.split(" ").find((id) => id.endsWith("-error"));
  return errorId ? field.page().locator(`[id="${errorId}"]`).textContent() : null;
}

/** A validity date typed into the date-time and zone inputs of `label`. */
async function setDate(label: string, local: string, zone?: string) {
  await studio.page.getByLabel(`${label}: date and time`).fill(local);
  if (zone) await studio.page.getByLabel(`${label}: time zone`).selectOption(zone);
}

/** GET through the REST API, signed in as the page's user. */
function getJson<T>(path: string): Promise<T> {
  return studio.page.evaluate(async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }, path) as Promise<T>;
}

/** POST JSON through the REST API, signed in as the page's user; the answer's JSON. */
function postJson<T = unknown>(path: string, body: unknown): Promise<T> {
  return studio.page.evaluate(
    async ({ url, payload }) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    { url: path, payload: body },
  ) as Promise<T>;
}

describe("master data editing in Chromium", { timeout: 120_000 }, () => {
  it("signs in as an editor and offers to create records", async () => {
    await signInTo(studio.page, EDITOR);
    await studio.page.getByRole("link", { name: "New party" }).waitFor();
  });

  it("refuses an invalid party with the error next to the field, then creates it", async () => {
    await studio.page.getByRole("link", { name: "New party" }).click();
    await studio.page.getByRole("heading", { name: "New party", level: 1 }).waitFor();
    await setDate("Valid from", "2026-01-01T00:00", "Europe/Amsterdam");
    await studio.page.getByText("2026-01-01T00:00:00+01:00").waitFor();
    await studio.page.getByLabel("OCPI country code").fill("nl");
    await studio.page.getByLabel("OCPI party id").fill("GRQ");
    await studio.page.getByRole("checkbox", { name: "CPO" }).check();
    await studio.page.getByLabel("Name *", { exact: true }).fill("GreenQ Charging");
    await studio.page.getByLabel("Id (optional)").fill("pty-greenq");
    await studio.page.getByLabel("Reason (optional)").fill("new roaming partner");
    await studio.page.getByRole("button", { name: "Create party" }).click();

    // The model's check in the browser: lower-case country code.
    expect(await fieldError(studio.page.getByLabel("OCPI country code"))).toBe(
      'expected an OCPI country_code, e.g. "NL"',
    );
    await shoot("md-01-invalid-form", true);

    await studio.page.getByLabel("OCPI country code").fill("NL");
    await studio.page.getByRole("button", { name: "Create party" }).click();
    await studio.page.getByRole("heading", { name: "GreenQ Charging", level: 1 }).waitFor();
    expect(new URL(studio.page.url()).pathname).toBe("/master-data/parties/pty-greenq");
  });

  it("creates a roaming agreement with its CPO party and purchase rule set", async () => {
    await studio.page.goto(`${studio.server.url}/master-data/new/agreements`);
    await studio.page.getByRole("heading", { name: "New roaming agreement", level: 1 }).waitFor();
    await setDate("Valid from", "2026-01-01T00:00", "Europe/Amsterdam");
    await studio.page
      .getByRole("combobox", { name: "CPO party *" })
      .selectOption({ label: "GreenQ Charging (NL*GRQ)" });
    await studio.page
      .getByRole("combobox", { name: "Administration *" })
      .selectOption({ label: "Voltrate Mobility NL (VLT-NL)" });
    await studio.page.getByLabel("Reference").fill("GRQ-2026");
    await studio.page.getByRole("combobox", { name: "Priced by *" }).selectOption("ruleset");
    await studio.page
      .getByRole("combobox", { name: "Purchase rule set *" })
      .selectOption({ label: "AllBright purchase 2025 (purchase-abc)" });
    await studio.page.getByLabel("Settlement currency *").fill("EUR");
    await studio.page.getByLabel("Payment term (days)").fill("30");
    await studio.page.getByLabel("Id (optional)").fill("agr-greenq");
    await studio.page.getByRole("button", { name: "Create roaming agreement" }).click();
    await studio.page.getByRole("heading", { name: "GRQ-2026", level: 1 }).waitFor();
    const values = studio.page.getByRole("region", { name: "Values" });
    await values.getByText("GreenQ Charging (NL*GRQ) — pty-greenq").waitFor();
    // A name that holds the id already is shown without it again.
    await values.getByText("AllBright purchase 2025 (purchase-abc)", { exact: true }).waitFor();
  });

  it("schedules a change of the agreement from a future date and lists it as scheduled", async () => {
    await studio.page.getByRole("button", { name: "Edit from a date…" }).click();
    await setDate("Valid from (the change applies from)", "2030-01-01T00:00", "UTC");
    await studio.page.getByLabel("Payment term (days)").fill("14");
    await studio.page.getByLabel("Reason (optional)").fill("new terms from 2030");
    await studio.page.getByRole("heading", { name: "Edit from a date", level: 2 }).scrollIntoViewIfNeeded();
    await shoot("md-02-edit-form");
    await studio.page.getByRole("button", { name: "Save change" }).click();
    await studio.page.getByRole("status").filter({ hasText: "Change saved: version 2 recorded." }).waitFor();

    // 2030-01-01T00:00Z is 01:00 in Amsterdam, where the page reads dates.
    const timeline = studio.page.getByRole("region", { name: "Timeline" });
    await timeline
      .getByRole("row")
      .filter({ hasText: "1 Jan 2030, 01:00 – open-ended" })
      .filter({ hasText: "scheduled" })
      .waitFor();
    await studio.page
      .getByRole("region", { name: "Values" })
      .getByText("Change scheduled from 1 Jan 2030, 01:00")
      .waitFor();
    await studio.page.getByRole("region", { name: "Audit trail" }).getByText("paymentTermDays: 30 → 14").waitFor();
    await shoot("md-03-detail-timeline", true);
    // The editor has every control the viewer must not have (the viewer's check below means something).
    expect(await studio.page.getByRole("button", { name: /^Correct version/ }).count()).toBe(2);
    expect(await studio.page.getByRole("button", { name: /^Withdraw version/ }).count()).toBe(1);
    for (const name of EDIT_CONTROLS.slice(0, 2))
      expect(await studio.page.getByRole("button", { name }).count()).toBe(1);

    await studio.page.getByRole("link", { name: "Master data › Roaming agreements" }).click();
    const row = studio.page.getByRole("row").filter({ hasText: "GRQ-2026" });
    await row.getByText("Change scheduled from 1 Jan 2030, 01:00").waitFor();
    await shoot("md-04-list-scheduled");
  });

  it("terminates a token", async () => {
    await studio.page
      .getByRole("navigation", { name: "Kinds of master data" })
      .getByRole("button", { name: "Tokens" })
      .click();
    await studio.page.getByRole("link", { name: "04AA11BB22" }).click();
    await studio.page.getByRole("heading", { name: "04AA11BB22", level: 1 }).waitFor();
    await studio.page.getByRole("button", { name: "Terminate…" }).click();
    await setDate("Valid until (ends at)", "2027-01-01T00:00");
    await studio.page.getByLabel("Reason (optional)").fill("card lost");
    await studio.page.getByRole("button", { name: "Terminate token" }).click();
    await studio.page.getByRole("status").filter({ hasText: "Terminated: version 2 recorded." }).waitFor();
    await studio.page.getByRole("region", { name: "Values" }).getByText("Ends 1 Jan 2027, 00:00").waitFor();
    await studio.page
      .getByRole("region", { name: "Timeline" })
      .getByRole("row")
      .filter({ hasText: "does not exist (terminated)" })
      .waitFor();
  });

  it("shows the runtime's error next to the field: a card uid already used", async () => {
    await studio.page.goto(`${studio.server.url}/master-data/new/tokens`);
    await setDate("Valid from", "2026-06-01T00:00");
    await studio.page.getByLabel("UID *").fill("04AA11BB22");
    await studio.page.getByRole("combobox", { name: "Contract *" }).selectOption("ctr-anna");
    await studio.page.getByRole("button", { name: "Create token" }).click();
    expect(await fieldError(studio.page.getByLabel("UID *"))).toBe(
      'uid "04AA11BB22" is already used by token "tok-anna"',
    );
    await studio.page.getByRole("alert").filter({ hasText: "The token was not saved" }).waitFor();
    await shoot("md-05-runtime-field-error", true);
  });

  it("recorded exactly the expected records, periods and audit entries, by the signed-in user", async () => {
    const by = { id: editorId, name: EDITOR.username, role: "editor", via: "api" };
    type Hist = {
      versions: { version: number; action: string; validFrom: string; validTo: string | null; state: string }[];
      timeline: { validFrom: string; validTo: string | null; version: number; state: string; data: unknown }[];
    };
    type Audit = { entries: Record<string, unknown>[] };

    // The party: one record, from 1 Jan 2026 00:00 Amsterdam (+01:00) = 31 Dec 2025 23:00 UTC, open-ended.
    const party = await getJson<Hist & { versions: Record<string, unknown>[] }>(
      "/api/v1/master-data/parties/pty-greenq/history",
    );
    expect(party.versions).toHaveLength(1);
    expect(party.versions[0]).toMatchObject({
      version: 1,
      action: "create",
      state: "active",
      validFrom: "2025-12-31T23:00:00.000Z",
      validTo: null,
      recordedBy: by,
      reason: "new roaming partner",
      data: { countryCode: "NL", partyId: "GRQ", roles: ["CPO"], name: "GreenQ Charging" },
    });

    // The agreement: v1 created from 31 Dec 2025 23:00 UTC; v2 the change from 2030-01-01T00:00Z (typed in UTC).
    // The line: v1 until the change, v2 from it on, open-ended; v2 has v1's data with a payment term of 14 days.
    const agreementData = {
      cpoPartyId: "pty-greenq",
      administrationId: "adm-nl",
      reference: "GRQ-2026",
      purchasePricing: { kind: "ruleset", rulesetId: "purchase-abc" },
      settlementCurrency: "EUR",
      paymentTermDays: 30,
    };
    const agreement = await getJson<Hist>("/api/v1/master-data/agreements/agr-greenq/history");
    expect(agreement.timeline).toEqual([
      {
        validFrom: "2025-12-31T23:00:00.000Z",
        validTo: "2030-01-01T00:00:00.000Z",
        version: 1,
        state: "active",
        data: agreementData,
      },
      {
        validFrom: "2030-01-01T00:00:00.000Z",
        validTo: null,
        version: 2,
        state: "active",
        data: { ...agreementData, paymentTermDays: 14 },
      },
    ]);
    const agreementAudit = await getJson<Audit>("/api/v1/master-data/agreements/agr-greenq/audit");
    expect(agreementAudit.entries).toHaveLength(2);
    expect(agreementAudit.entries[1]).toMatchObject({
      action: "change",
      versions: [2],
      by,
      reason: "new terms from 2030",
      effectiveFrom: "2030-01-01T00:00:00.000Z",
      effectiveTo: null,
      changes: [{ path: "paymentTermDays", before: 30, after: 14 }],
    });
    expect(agreementAudit.entries[0]).toMatchObject({ action: "create", versions: [1], by });

    // The token: v1 from the world (1 Jan 2025 00:00 +01:00), v2 the termination from 1 Jan 2027 00:00 Amsterdam
    // = 31 Dec 2026 23:00 UTC: absent from then on; the card stays valid before it.
    const token = await getJson<Hist>("/api/v1/master-data/tokens/tok-anna/history");
    expect(token.timeline.map(({ data: _, ...s }) => s)).toEqual([
      { validFrom: "2024-12-31T23:00:00.000Z", validTo: "2026-12-31T23:00:00.000Z", version: 1, state: "active" },
      { validFrom: "2026-12-31T23:00:00.000Z", validTo: null, version: 2, state: "absent" },
    ]);
    const tokenAudit = await getJson<Audit>("/api/v1/master-data/tokens/tok-anna/audit");
    expect(tokenAudit.entries.at(-1)).toMatchObject({
      action: "terminate",
      versions: [2],
      by,
      reason: "card lost",
      effectiveFrom: "2026-12-31T23:00:00.000Z",
      effectiveTo: null,
      changes: [{ path: "validTo", before: null, after: "2026-12-31T23:00:00.000Z" }],
    });

    // Everything the editor recorded, and nothing else (the refused token left no trace): 4 entries.
    const mine = await getJson<Audit>(`/api/v1/master-data/audit?by=${encodeURIComponent(editorId)}`);
    expect(mine.entries.map((e) => `${e.entityId} ${e.action}`).sort()).toEqual([
      "agr-greenq change",
      "agr-greenq create",
      "pty-greenq create",
      "tok-anna terminate",
    ]);
    const tokens = await getJson<{ total: number }>("/api/v1/master-data/tokens?uid=04AA11BB22");
    expect(tokens.total).toBe(1);
    expect(studio.pageErrors).toEqual([]);
  });

  it("corrects a version, withdraws the scheduled change and replaces a card", async () => {
    // Correct the party's version 1: the name was misspelt. A correction is a new record (v2) for the same period
    // [2025-12-31T23:00Z, ∞) replacing v1; v1 stays in the records.
    await studio.page.goto(`${studio.server.url}/master-data/parties/pty-greenq`);
    await studio.page.getByRole("button", { name: /^Correct version 1/ }).click();
    await studio.page.getByLabel("Name *", { exact: true }).fill("GreenQ Charging B.V.");
    await studio.page.getByRole("button", { name: "Save correction of version 1" }).click();
    expect(await fieldError(studio.page.getByLabel("Reason *"))).toBe("say why (a reason is required)");
    await studio.page.getByLabel("Reason *").fill("legal name");
    await studio.page.getByRole("button", { name: "Save correction of version 1" }).click();
    await studio.page.getByRole("status").filter({ hasText: "Correction saved: version 2 recorded." }).waitFor();
    await studio.page.getByRole("heading", { name: "GreenQ Charging B.V.", level: 1 }).waitFor();

    // Withdraw the agreement's scheduled change (v2): v1's data applies again from 2030 on, as record v3 that
    // replaces v2 and restores v1.
    await studio.page.goto(`${studio.server.url}/master-data/agreements/agr-greenq`);
    await studio.page.getByRole("button", { name: /^Withdraw version 2/ }).click();
    await studio.page.getByLabel("Reason *").fill("terms stay as they are");
    await studio.page.getByRole("button", { name: "Withdraw version 2", exact: true }).click();
    await studio.page.getByRole("status").filter({ hasText: "Withdrawn: version 3 recorded." }).waitFor();

    // Replace Anna's second card (tok-anna-late) from 1 Feb 2027 00:00 Amsterdam = 31 Jan 2027 23:00 UTC.
    await studio.page.goto(`${studio.server.url}/master-data/tokens/tok-anna-late`);
    await studio.page.getByRole("button", { name: "Replace card…" }).click();
    await setDate("New card valid from", "2027-02-01T00:00");
    await studio.page.getByLabel("New card UID *").fill("04FF00AA11");
    await studio.page.getByLabel("Printed number").fill("NL-VLT-000777");
    await studio.page.getByRole("button", { name: "Replace card", exact: true }).click();
    await studio.page.getByRole("heading", { name: "NL-VLT-000777", level: 1 }).waitFor();
    const chain = studio.page.getByRole("region", { name: "Card history" });
    await chain.getByRole("link", { name: "04EE55FF66" }).waitFor();
    await chain.getByText("04FF00AA11").waitFor();
    await studio.page
      .getByRole("region", { name: "Values from the start" })
      .getByText("Starts 1 Feb 2027, 00:00")
      .waitFor();
    await shoot("md-07-replaced-card", true);

    type Rec = Record<string, unknown>;
    const by = { id: editorId, name: EDITOR.username, role: "editor", via: "api" };
    const party = await getJson<{ versions: Rec[]; timeline: Rec[] }>("/api/v1/master-data/parties/pty-greenq/history");
    expect(party.versions[1]).toMatchObject({
      version: 2,
      action: "correct",
      replaces: 1,
      validFrom: "2025-12-31T23:00:00.000Z",
      validTo: null,
      reason: "legal name",
      recordedBy: by,
      data: { countryCode: "NL", partyId: "GRQ", roles: ["CPO"], name: "GreenQ Charging B.V." },
    });
    expect(party.timeline.map((t) => [t.version, t.validFrom, t.validTo])).toEqual([
      [2, "2025-12-31T23:00:00.000Z", null],
    ]);

    const agreement = await getJson<{ versions: Rec[]; timeline: Rec[] }>(
      "/api/v1/master-data/agreements/agr-greenq/history",
    );
    expect(agreement.versions[2]).toMatchObject({
      version: 3,
      action: "withdraw",
      replaces: 2,
      restores: 1,
      validFrom: "2030-01-01T00:00:00.000Z",
      validTo: null,
      recordedBy: by,
    });
    // The line: v1 until 2030 as before, then v3 (v1's data again: 30 days) — the scheduled 14 days are gone.
    expect(agreement.timeline.map((t) => [t.version, t.validFrom, t.validTo, (t.data as Rec).paymentTermDays])).toEqual(
      [
        [1, "2025-12-31T23:00:00.000Z", "2030-01-01T00:00:00.000Z", 30],
        [3, "2030-01-01T00:00:00.000Z", null, 30],
      ],
    );

    const replaced = await getJson<{ timeline: Rec[] }>("/api/v1/master-data/tokens/tok-anna-late/history");
    expect(replaced.timeline.map((t) => [t.state, t.validFrom, t.validTo])).toEqual([
      ["active", "2025-03-31T22:00:00.000Z", "2027-01-31T23:00:00.000Z"],
      ["absent", "2027-01-31T23:00:00.000Z", null],
    ]);
    const newId = decodeURIComponent(new URL(studio.page.url()).pathname.split("/").at(-1) ?? "");
    const created = await getJson<{ versions: Rec[] }>(`/api/v1/master-data/tokens/${newId}/history`);
    expect(created.versions).toHaveLength(1);
    expect(created.versions[0]).toMatchObject({
      validFrom: "2027-01-31T23:00:00.000Z",
      validTo: null,
      recordedBy: by,
      data: {
        uid: "04FF00AA11",
        type: "RFID",
        contractId: "ctr-anna",
        visualNumber: "NL-VLT-000777",
        replacesTokenId: "tok-anna-late",
      },
    });
    expect(studio.pageErrors).toEqual([]);
  });

  it("creates an administration with its legal entity, VAT regime and invoice series", async () => {
    await studio.page.goto(`${studio.server.url}/master-data/new/administrations`);
    await studio.page.getByRole("heading", { name: "New administration", level: 1 }).waitFor();
    await setDate("Valid from", "2027-01-01T00:00");
    await studio.page.getByLabel("Code *", { exact: true }).first().fill("VLT-BE");
    await studio.page.getByLabel("Name *", { exact: true }).fill("Voltrate Mobility BE");
    await studio.page.getByLabel("Legal name *").fill("Voltrate Mobility BV");
    await studio.page.locator("#md-create-country").fill("BE");
    await studio.page.getByLabel("Currency *").fill("EUR");
    const vat = studio.page.getByRole("group", { name: "VAT regime" });
    await vat.getByLabel("VAT country *").fill("BE");
    await vat.getByLabel("VAT id *").fill("BE0123456789");
    await vat.getByLabel("Scheme *").selectOption("standard");
    const series = studio.page.getByRole("group", { name: "series 1" });
    await series.getByLabel("Code *").fill("sales");
    await series.getByLabel("Prefix *").fill("VBE-");
    await studio.page.getByRole("button", { name: "Add series" }).click();
    const credit = studio.page.getByRole("group", { name: "series 2" });
    await credit.getByLabel("Code *").fill("credit");
    await credit.getByLabel("Kind *").selectOption("credit-note");
    await credit.getByLabel("Prefix *").fill("VBE-C-");
    await credit.getByLabel("Digits").fill("8");
    await studio.page
      .getByRole("combobox", { name: "eMSP party" })
      .selectOption({ label: "GreenQ Charging B.V. (NL*GRQ)" });
    await studio.page.getByRole("button", { name: "Create administration" }).click();
    await studio.page.getByRole("heading", { name: "Voltrate Mobility BE", level: 1 }).waitFor();
    await studio.page
      .getByRole("region", { name: "Values from the start" })
      .getByText("Starts 1 Jan 2027, 00:00")
      .waitFor();

    const id = decodeURIComponent(new URL(studio.page.url()).pathname.split("/").at(-1) ?? "");
    const history = await getJson<{ versions: Record<string, unknown>[] }>(
      `/api/v1/master-data/administrations/${id}/history`,
    );
    // 1 Jan 2027 00:00 in Amsterdam (+01:00) = 31 Dec 2026 23:00 UTC; digits "6" prefilled, "8" typed: numbers.
    expect(history.versions).toEqual([
      expect.objectContaining({
        version: 1,
        action: "create",
        validFrom: "2026-12-31T23:00:00.000Z",
        validTo: null,
        recordedBy: { id: editorId, name: EDITOR.username, role: "editor", via: "api" },
        data: {
          code: "VLT-BE",
          name: "Voltrate Mobility BE",
          legalEntity: { name: "Voltrate Mobility BV" },
          country: "BE",
          currency: "EUR",
          vatRegime: { country: "BE", vatId: "BE0123456789", scheme: "standard" },
          invoiceSeries: [
            { code: "sales", kind: "invoice", prefix: "VBE-", digits: 6 },
            { code: "credit", kind: "credit-note", prefix: "VBE-C-", digits: 8 },
          ],
          mspPartyId: "pty-greenq",
        },
      }),
    ]);
  });

  it("shows a viewer the same pages without any edit control", async () => {
    const viewerContext = await studio.browser.newContext({ ...DEFAULT_CONTEXT, ...AMSTERDAM });
    const viewer = await viewerContext.newPage();
    try {
      await signInTo(viewer, VIEWER);
      await viewer.getByRole("link", { name: "GreenQ Charging" }).waitFor();
      expect(await viewer.getByRole("link", { name: "New party" }).count()).toBe(0);

      await viewer.goto(`${studio.server.url}/master-data/agreements/agr-greenq`);
      await viewer.getByRole("heading", { name: "GRQ-2026", level: 1 }).waitFor();
      await viewer.getByRole("region", { name: "Timeline" }).getByRole("row").nth(2).waitFor();
      for (const name of EDIT_CONTROLS) expect(await viewer.getByRole("button", { name }).count(), `${name}`).toBe(0);
      await viewer.screenshot({ path: screenshotPath("md-06-viewer-detail"), fullPage: true });

      await viewer.goto(`${studio.server.url}/master-data/new/parties`);
      await viewer.getByRole("heading", { name: "Creating master data needs the editor role" }).waitFor();
      expect(await viewer.getByRole("button", { name: "Create party" }).count()).toBe(0);
    } finally {
      await viewerContext.close();
    }
  });

  it("shows a record as recorded by a moment before its correction, then the latest", async () => {
    const api = `/api/v1/master-data/parties`;
    // A party recorded with a typo in its name, then corrected (version 1's data replaced, the original kept).
    const created = await postJson<{ versions: { recordedAt: string }[] }>(api, {
      id: "pty-audit",
      validFrom: "2026-01-01T00:00:00+01:00",
      data: { countryCode: "NL", partyId: "AUD", roles: ["CPO"], name: "Fastnedd Charging" },
    });
    const beforeCorrection = created.versions[0]!.recordedAt;
    // The correction must be recorded strictly after the creation, so "recorded by" the creation excludes it.
    await expect.poll(() => Date.now()).toBeGreaterThan(Date.parse(beforeCorrection) + 5);
    await postJson(`${api}/pty-audit/corrections`, {
      version: 1,
      data: { name: "Fastned Charging" },
      reason: "typo in the name",
    });

    // The list as recorded by then: the old name, and its link keeps the moment.
    const known = encodeURIComponent(beforeCorrection);
    await studio.page.goto(`${studio.server.url}/master-data?type=parties&known=${known}`);
    await studio.page.getByText("later corrections are hidden").waitFor();
    await studio.page.getByRole("link", { name: "Fastnedd Charging" }).click();

    // The record as recorded by the creation: the name as first recorded, one record (the creation), the banner,
    // and no edit control; the moment stays in the address so the view can be shared.
    await studio.page.getByRole("heading", { name: "Fastnedd Charging", level: 1 }).waitFor();
    const values = studio.page.getByRole("region", { name: "Values" });
    await values.getByText("Fastnedd Charging").waitFor();
    await studio.page.getByText(/^Showing what was recorded by .*; later corrections are hidden\.$/).waitFor();
    await studio.page.getByText("All records as recorded (1)").waitFor();
    expect(new URL(studio.page.url()).searchParams.get("known")).toBe(beforeCorrection);
    for (const name of EDIT_CONTROLS)
      expect(await studio.page.getByRole("button", { name }).count(), `${name}`).toBe(0);
    await shoot("md-08-as-recorded-by", true);

    // The latest: the corrected name; the creation and the correction (versions 1 and 2); editing again.
    await studio.page.getByRole("button", { name: "Show the latest" }).click();
    await studio.page.getByRole("heading", { name: "Fastned Charging", level: 1 }).waitFor();
    await values.getByText("Fastned Charging").waitFor();
    await studio.page.getByText("All records as recorded (2)").waitFor();
    expect(await studio.page.getByText("later corrections are hidden").count()).toBe(0);
    expect(new URL(studio.page.url()).searchParams.get("known")).toBeNull();
    await studio.page.getByRole("button", { name: "Edit from a date…" }).waitFor();
    await shoot("md-09-latest-after-correction", true);

    // Picked in the form, the minute before the creation's minute: nothing of the party was recorded by then.
    const minuteBefore = new Date(Math.floor(Date.parse(beforeCorrection) / 60_000) * 60_000 - 60_000).toISOString();
    await setDate("As recorded by", instantToLocal(minuteBefore, "Europe/Amsterdam"), "Europe/Amsterdam");
    await studio.page.getByText("No party “pty-audit” recorded by").waitFor();
    await studio.page.getByText("later corrections are hidden").waitFor();
    expect(Date.parse(new URL(studio.page.url()).searchParams.get("known") ?? "")).toBe(Date.parse(minuteBefore));
  });

  it("links a priced session's master data versions to the records as the pricing saw them", async () => {
    // Anna's session at AllBright on 7 March 2025, 10:00 UTC, priced from the world seeded above.
    expect(await ingestFromPage(studio.page, [cdr221({ id: "MD-1" })])).toMatchObject({ created: 1, failed: 0 });
    await studio.page.goto(`${studio.server.url}/sessions`);
    await studio.page.getByRole("link", { name: "MD-1" }).click();
    const versions = studio.page.getByRole("region", { name: "Versions used" });
    await versions.getByRole("link", { name: "ctr-anna" }).click();

    // Valid at the session's start (11:00 in Amsterdam), as recorded when the session was priced.
    await studio.page.getByRole("heading", { name: "Values", level: 2 }).waitFor();
    await studio.page.getByText("Valid at 7 Mar 2025, 11:00").waitFor();
    await studio.page.getByText("later corrections are hidden").waitFor();
    const address = new URL(studio.page.url());
    expect(address.pathname).toBe("/master-data/contracts/ctr-anna");
    expect(Date.parse(address.searchParams.get("at") ?? "")).toBe(Date.parse("2025-03-07T10:00:00Z"));
    expect(address.searchParams.get("known")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
