// User management in a real browser against a real runtime: an admin creates an editor (the generated password is
// read off the screen), the editor signs in elsewhere, sees no Users section and is refused the API, changes their
// own password; the admin disables the editor, whose still-open browser is signed out at its next request; and the
// admin's attempt to demote themselves is refused in words. Screenshots go to test-output/screenshots/users-*.png.
import type { Page } from "playwright-core";
import { request as playwrightRequest } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectNoScriptErrors, screenshotPath, signIn, useStudioPage } from "./setup.ts";

const EDITOR = "eddie.editor";
const EDITOR_NEW_PASSWORD = "eddie's own longer password";

const studio = useStudioPage({
  failureShot: "failed-users-admin",
  context: { permissions: ["clipboard-read", "clipboard-write"] },
});
/** The admin's browser, and the editor's, apart. */
let admin: Page;
let editor: Page;
/** The editor's password as the create dialog showed it. */
let generatedPassword = "";

beforeAll(async () => {
  admin = studio.page;
  editor = await studio.newPage("failed-users-editor");
});

const shoot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`users-${name}`) });

/** Signs in on the login page and waits for the shell to show who is signed in. */
async function signInAs(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${studio.server.url}/login`);
  await signIn(page, username, password);
  await page.getByTestId("current-user").filter({ hasText: username }).waitFor();
}

const row = (page: Page, username: string) => page.getByTestId("users").locator(`tr[data-user="${username}"]`);

describe("user management in Chromium", { timeout: 120_000 }, () => {
  it("shows admins a Users section apart from the work sections, listing the users", async () => {
    await signInAs(admin, studio.server.username, studio.server.password);
    // The work sections are unchanged; Users is in its own "Studio access" navigation.
    const main = admin.getByRole("navigation", { name: "Main" });
    expect(await main.locator("a .label").allTextContents()).not.toContain("Users");
    const administration = admin.getByRole("navigation", { name: "Studio access" });
    await administration.getByRole("link", { name: "Users" }).click();
    await admin.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    expect(new URL(admin.url()).pathname).toBe("/users");
    expect(await administration.getByRole("link", { name: "Users" }).getAttribute("aria-current")).toBe("page");

    // The runtime made "admin" at its first start (no admin existed), the test server then added tariff.manager:
    // two admins, in name order, both active; only tariff.manager has signed in, and it is "you".
    const rows = admin.getByTestId("users").locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-user")))).toEqual([
      "admin",
      studio.server.username,
    ]);
    const me = row(admin, studio.server.username);
    expect(await me.getByRole("rowheader").textContent()).toContain("you");
    expect(await me.getByRole("cell").nth(0).textContent()).toBe("admin");
    expect(await me.getByRole("cell").nth(1).textContent()).toBe("active");
    expect(await row(admin, "admin").getByRole("cell").nth(2).textContent()).toBe("never");
    await shoot(admin, "01-list");
  });

  it("creates an editor with a generated password, shown once with a copy button", async () => {
    await admin.getByRole("button", { name: "New user" }).click();
    const dialog = admin.getByTestId("new-user");
    await dialog.getByLabel("User name").fill(EDITOR);
    await dialog.getByLabel("Role").selectOption("editor");
    expect(await dialog.getByLabel("Generate one (shown once, to pass on)").isChecked()).toBe(true);
    await shoot(admin, "02-create-dialog");
    await dialog.getByRole("button", { name: "Create user" }).click();

    await dialog.getByRole("heading", { name: `User ${EDITOR} created` }).waitFor();
    const shown = dialog.getByTestId("generated-password");
    generatedPassword = await shown.inputValue();
    // The runtime generates 18 random bytes as base64url: 24 characters.
    expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await dialog.getByRole("button", { name: "Copy" }).click();
    await dialog.getByText("Copied to the clipboard.").waitFor();
    // (An expression string: the test's own types have no DOM.)
    expect(await admin.evaluate("navigator.clipboard.readText()")).toBe(generatedPassword);
    await shoot(admin, "03-created-password-once");
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });

    const created = row(admin, EDITOR);
    expect(await created.getByRole("cell").nth(0).textContent()).toBe("editor");
    expect(await created.getByRole("cell").nth(1).textContent()).toBe("active");
    expect(await admin.getByTestId("users").locator("tbody tr").count()).toBe(3);
    // The password is not shown anywhere any more.
    expect(await admin.getByText(generatedPassword).count()).toBe(0);
  });

  it("refuses a user name that is taken, in any case, in words", async () => {
    await admin.getByRole("button", { name: "New user" }).click();
    const dialog = admin.getByTestId("new-user");
    await dialog.getByLabel("User name").fill("Eddie.Editor");
    await dialog.getByRole("button", { name: "Create user" }).click();
    const alert = dialog.getByRole("alert");
    await alert.getByText("That user name is taken").waitFor();
    expect(await alert.textContent()).toContain('The user name "Eddie.Editor" is taken.');
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  it("signs the admin out; the editor signs in elsewhere without a Users section, and the API refuses them", async () => {
    await admin.getByRole("button", { name: "Sign out" }).click();
    await admin.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();

    await signInAs(editor, EDITOR, generatedPassword);
    expect(await editor.getByTestId("current-user").textContent()).toContain("editor");
    await editor.getByRole("navigation", { name: "Main" }).waitFor();
    expect(await editor.getByRole("navigation", { name: "Studio access" }).count()).toBe(0);
    expect(await editor.getByRole("link", { name: "Users" }).count()).toBe(0);

    const answer = await editor.evaluate(async () => {
      const res = await fetch("/api/v1/users");
      return { status: res.status, body: (await res.json()) as { detail: string } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toBe(`This needs the role admin; the user "${EDITOR}" has the role editor.`);

    // Typed into the address bar, the screen says so instead of failing.
    await editor.goto(`${studio.server.url}/users`);
    await editor.getByRole("heading", { name: "Only admins manage users" }).waitFor();
  });

  it("lets the editor change their own password from the user menu", async () => {
    await editor.getByRole("button", { name: "Change my password" }).click();
    const dialog = editor.getByTestId("change-password");
    await dialog.getByRole("heading", { name: "Change my password" }).waitFor();

    // A wrong current password first: the runtime refuses it and the dialog says so at the field.
    await dialog.getByLabel("Current password").fill("not my password at all");
    await dialog.getByLabel("New password", { exact: true }).fill(EDITOR_NEW_PASSWORD);
    await dialog.getByLabel("New password again").fill(EDITOR_NEW_PASSWORD);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await dialog.getByRole("alert").filter({ hasText: "This is not your current password." }).waitFor();
    expect(await dialog.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    await shoot(editor, "04-change-password-refused");

    await dialog.getByLabel("Current password").fill(generatedPassword);
    await shoot(editor, "05-change-password-dialog");
    await dialog.getByRole("button", { name: "Change password" }).click();
    await dialog.getByText("Your password has been changed.").waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });

    // This browser stays signed in; elsewhere only the new password works.
    expect(await editor.evaluate(async () => (await fetch("/api/v1/auth/me")).status)).toBe(200);
    const api = await playwrightRequest.newContext({ baseURL: studio.server.url });
    try {
      const login = (password: string) =>
        api.post("/api/v1/auth/login", { data: { username: EDITOR, password }, failOnStatusCode: false });
      expect((await login(generatedPassword)).status()).toBe(401);
      expect((await login(EDITOR_NEW_PASSWORD)).status()).toBe(200);
    } finally {
      await api.dispose();
    }
  });

  it("the admin disables the editor; the editor's open browser is signed out at its next request", async () => {
    await signInAs(admin, studio.server.username, studio.server.password);
    await admin.getByRole("navigation", { name: "Studio access" }).getByRole("link", { name: "Users" }).click();
    await row(admin, EDITOR)
      .getByRole("button", { name: `Disable ${EDITOR}` })
      .click();
    const dialog = admin.getByTestId("disable-user");
    await dialog.getByRole("heading", { name: `Disable ${EDITOR}?` }).waitFor();
    await dialog.getByRole("button", { name: `Disable ${EDITOR}` }).click();
    await admin
      .getByRole("status")
      .filter({ hasText: `${EDITOR} is disabled and has been signed out.` })
      .waitFor();
    expect(await row(admin, EDITOR).getByRole("cell").nth(1).textContent()).toBe("disabled");

    // The editor's page is still open on /users; its next request (the Sessions list) finds the session ended.
    await editor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sessions" }).click();
    await editor.getByRole("heading", { name: "Sign in to Voltrate Studio" }).waitFor();
    await editor.getByText("Your session has ended. Please sign in again.").waitFor();
    expect(new URL(editor.url()).pathname).toBe("/login");
    expect(new URL(editor.url()).searchParams.get("next")).toBe("/sessions");
    // And the new password no longer signs in.
    await signIn(editor, EDITOR, EDITOR_NEW_PASSWORD);
    await editor.getByRole("alert").filter({ hasText: "The user name or the password is not right." }).waitFor();
  });

  it("refuses the admin's attempt to demote or disable themselves, in words", async () => {
    await row(admin, studio.server.username)
      .getByRole("button", { name: `Change role of ${studio.server.username}` })
      .click();
    const dialog = admin.getByTestId("change-role");
    await dialog.getByLabel("Role").selectOption("editor");
    await dialog.getByRole("button", { name: "Change role" }).click();
    const alert = dialog.getByRole("alert");
    await alert.getByText("Not for your own account").waitFor();
    expect(await alert.textContent()).toContain("You cannot change your own role. Another admin can do it for you.");
    await shoot(admin, "06-demote-yourself-refused");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await row(admin, studio.server.username).getByRole("cell").nth(0).textContent()).toBe("admin");

    await row(admin, studio.server.username)
      .getByRole("button", { name: `Disable ${studio.server.username}` })
      .click();
    const disable = admin.getByTestId("disable-user");
    await disable.getByRole("button", { name: `Disable ${studio.server.username}` }).click();
    expect(await disable.getByRole("alert").textContent()).toContain("You cannot disable your own account.");
    await disable.getByRole("button", { name: "Cancel" }).click();
    // Still signed in as an admin.
    expect(await admin.evaluate(async () => (await fetch("/api/v1/users")).status)).toBe(200);
  });

  it("shows the editor's history: created, own password changed, disabled — newest first, by whom", async () => {
    await row(admin, EDITOR)
      .getByRole("button", { name: `History of ${EDITOR}` })
      .click();
    const dialog = admin.getByTestId("user-history");
    const items = dialog.locator("li strong");
    await items.first().waitFor();
    expect(await items.allTextContents()).toEqual([
      "Disabled",
      "Changed their own password",
      "Created with the role editor, password generated",
    ]);
    const who = await dialog.locator("li .hint").allTextContents();
    // Disabling ended the editor's two sessions: the browser's and the one the API check above opened.
    expect(who[0]).toMatch(new RegExp(`by ${studio.server.username} \\(admin\\) · 2 sessions ended$`));
    expect(who[1]).toContain(`by ${EDITOR} (editor)`);
    expect(who[2]).toContain(`by ${studio.server.username} (admin)`);
    await shoot(admin, "07-history");
    await dialog.getByRole("button", { name: "Close" }).click();

    // Enabling brings the account back, without its old sessions.
    await row(admin, EDITOR)
      .getByRole("button", { name: `Enable ${EDITOR}` })
      .click();
    await admin
      .getByRole("status")
      .filter({ hasText: `${EDITOR} is enabled and can sign in again.` })
      .waitFor();
    await shoot(admin, "08-list-after");
  });

  it("had no script errors; the console shows only the refusals the test asked for", () => {
    // 401: before sign-in and the wrong sign-in; 403: the editor's API call; 400: the wrong current password;
    // 409: the taken name and the refusals of your own account.
    expectNoScriptErrors(studio, /status of (400|401|403|409)/);
  });
});
